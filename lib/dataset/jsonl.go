package dataset

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"
)

// jsonlReader reads JSON Lines: one object per line; blank lines are
// skipped.
type jsonlReader struct {
	name  string
	lr    lineReader
	opt   Options
	keys  []string // the first object's keys, sorted
	first bool     // the first object has been read
	obj   map[string]json.RawMessage
	fast  *fastDecoder
}

func newJSONLReader(name string, r *bufio.Reader, opt Options) *jsonlReader {
	return &jsonlReader{name: name, lr: lineReader{name: name, r: r}, opt: opt, fast: newFastDecoder(opt)}
}

func (j *jsonlReader) columns() []string { return j.keys }

func (j *jsonlReader) next() (Record, error) {
	var (
		b    []byte
		line int
		err  error
	)
	for {
		if b, line, err = j.lr.next(); err != nil {
			return Record{}, err
		}
		if len(bytes.TrimSpace(b)) > 0 {
			break
		}
	}
	bad := func(format string, args ...any) (Record, error) {
		return Record{}, &RowError{File: j.name, Line: line, Problem: fmt.Sprintf(format, args...)}
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
	if !utf8.Valid(b) {
		return bad("%s", checkValue("the line", string(b), false))
	}
	if t := bytes.TrimSpace(b); t[0] != '{' {
		return bad("not a JSON object: each line of a JSON Lines file is one object such as {%q: \"...\", %q: \"...\"}", j.opt.textColumn(), j.opt.labelColumn())
	}
	if j.fast != nil && j.first {
		if r, ok := j.fast.decode(b, j.opt); ok {
			r.Line = line
			return r, nil
		}
		// A problem: the general decoding below words it.
	}
	clear(j.obj)
	if j.obj == nil {
		j.obj = map[string]json.RawMessage{}
	}
	if err := json.Unmarshal(b, &j.obj); err != nil {
		return bad("not valid JSON: %s", jsonProblem(err))
	}
	if !j.first {
		j.first = true
		for k := range j.obj {
			j.keys = append(j.keys, k)
		}
		slices.Sort(j.keys)
		// The first object decides whether the columns exist at all.
		if _, ok := j.obj[j.opt.textColumn()]; !ok {
			return Record{}, &ColumnError{File: j.name, Column: j.opt.textColumn(), Role: "text", Columns: j.keys}
		}
		if _, ok := j.obj[j.opt.labelColumn()]; !ok && !j.opt.NoLabel {
			return Record{}, &ColumnError{File: j.name, Column: j.opt.labelColumn(), Role: "label", Columns: j.keys}
		}
	}
	r := Record{Line: line}
	var p string
	if r.Text, p = j.field("text", j.opt.textColumn(), false, false); p != "" {
		return bad("%s", p)
	}
	if !j.opt.NoLabel {
		if r.Label, p = j.field("label", j.opt.labelColumn(), true, false); p != "" {
			return bad("%s", p)
		}
	}
	if j.opt.IDColumn != "" {
		if r.ID, p = j.field("id", j.opt.IDColumn, true, true); p != "" {
			return bad("%s", p)
		}
	}
	return r, nil
}

// field returns the string value of key in the current object, or what
// is wrong with it. Numbers and booleans are taken as their JSON text when
// scalars is set ("label": 3 is the label "3").
func (j *jsonlReader) field(role, key string, scalars, optional bool) (string, string) {
	what := fmt.Sprintf("the %s (key %q)", role, key)
	raw, ok := j.obj[key]
	if !ok {
		if optional {
			return "", ""
		}
		keys := make([]string, 0, len(j.obj))
		for k := range j.obj {
			keys = append(keys, strconv.Quote(k))
		}
		slices.Sort(keys)
		return "", fmt.Sprintf("%s is missing; this line has %v", what, keys)
	}
	raw = bytes.TrimSpace(raw)
	var v string
	switch {
	case len(raw) > 0 && raw[0] == '"':
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", fmt.Sprintf("%s: %s", what, jsonProblem(err))
		}
	case string(raw) == "null":
		if optional {
			return "", ""
		}
		return "", what + " is null"
	case scalars && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9' || string(raw) == "true" || string(raw) == "false"):
		v = string(raw)
	default:
		kind := "an object"
		switch raw[0] {
		case '[':
			kind = "an array"
		case 't', 'f':
			kind = "a boolean"
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			kind = "a number"
		}
		return "", fmt.Sprintf("%s is %s, not a string", what, kind)
	}
	return v, checkValue(what, v, optional)
}

// jsonProblem words a JSON syntax error with its byte offset in the line.
func jsonProblem(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("%v (at byte %d of the line)", se, se.Offset)
	}
	return err.Error()
}
