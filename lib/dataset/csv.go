package dataset

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// columnSet holds the positions of the columns a reader picks out of a
// header: text, label and id (-1 when absent).
type columnSet struct {
	text, label, id int
}

// pickColumns finds the options' columns in header. A name matches
// exactly or, failing that, ignoring case and surrounding spaces. A missing
// text or label column is a *ColumnError; a missing id column is allowed.
func pickColumns(name string, header []string, opt Options) (columnSet, error) {
	find := func(col string) (int, error) {
		pos := -1
		for i, h := range header {
			if h == col {
				if pos >= 0 {
					return -1, fmt.Errorf("%s: the column %q appears twice (columns %d and %d); rename one", name, col, pos+1, i+1)
				}
				pos = i
			}
		}
		if pos >= 0 {
			return pos, nil
		}
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(col)) {
				if pos >= 0 {
					return -1, fmt.Errorf("%s: the columns %q and %q both match %q; name one exactly", name, header[pos], h, col)
				}
				pos = i
			}
		}
		return pos, nil
	}
	cs := columnSet{text: -1, label: -1, id: -1}
	var err error
	if cs.text, err = find(opt.textColumn()); err != nil {
		return cs, err
	}
	if cs.text < 0 {
		return cs, &ColumnError{File: name, Column: opt.textColumn(), Role: "text", Columns: header}
	}
	if !opt.NoLabel {
		if cs.label, err = find(opt.labelColumn()); err != nil {
			return cs, err
		}
		if cs.label < 0 {
			return cs, &ColumnError{File: name, Column: opt.labelColumn(), Role: "label", Columns: header}
		}
		if cs.label == cs.text {
			return cs, fmt.Errorf("%s: the text and the label are both column %q; name two different columns", name, header[cs.text])
		}
	}
	if opt.IDColumn != "" {
		if cs.id, err = find(opt.IDColumn); err != nil {
			return cs, err
		}
	}
	return cs, nil
}

// checkValue returns what is wrong with v, a row's value described by what
// (such as `the text (column "body")`), or "" when it is fine. Only an
// empty value that may be empty (an id) is fine.
func checkValue(what, v string, mayBeEmpty bool) string {
	if !utf8.ValidString(v) {
		at := 0
		for at < len(v) {
			r, n := utf8.DecodeRuneInString(v[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return fmt.Sprintf("%s is not valid UTF-8 (byte 0x%02x at offset %d); save the file as UTF-8", what, v[at], at)
	}
	if !mayBeEmpty && strings.TrimSpace(v) == "" {
		return what + " is empty"
	}
	return ""
}

// column describes a role's column in messages: the text (column "body").
func column(role, col string) string {
	return fmt.Sprintf("the %s (column %q)", role, col)
}

// csvReader reads CSV and TSV.
type csvReader struct {
	name   string
	cr     *csv.Reader
	header []string
	cols   columnSet
	opt    Options
}

func newCSVReader(name string, r *bufio.Reader, comma rune, opt Options) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // ragged rows are reported by next, with both counts
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s is empty: the first line should be a header naming the columns", name)
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: line %d: the header is not valid %s: %v", name, pe.Line, strings.ToUpper(string(opt.Format)), pe.Err)
		}
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	header = append([]string(nil), header...)
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, fmt.Errorf("%s: line 1: the header's column %d is not valid UTF-8; save the file as UTF-8", name, i+1)
		}
	}
	cols, err := pickColumns(name, header, opt)
	if err != nil {
		return nil, err
	}
	return &csvReader{name: name, cr: cr, header: header, cols: cols, opt: opt}, nil
}

func (c *csvReader) columns() []string { return c.header }

func (c *csvReader) next() (Record, error) {
	rec, err := c.cr.Read()
	if err == io.EOF {
		return Record{}, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return Record{}, fmt.Errorf("reading %s: %w", c.name, err)
		}
		problem := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			problem += ` (a field holding a quote is quoted as a whole, and its quotes are doubled: "say ""hi""")`
		}
		if pe.Line != pe.StartLine {
			problem += fmt.Sprintf(" at line %d, column %d", pe.Line, pe.Column)
		}
		return Record{}, &RowError{File: c.name, Line: pe.StartLine, Problem: problem}
	}
	line, _ := c.cr.FieldPos(0)
	if len(rec) != len(c.header) {
		return Record{}, &RowError{File: c.name, Line: line,
			Problem: fmt.Sprintf("the row has %d fields but the header has %d (a field holding the separator must be quoted)", len(rec), len(c.header))}
	}
	// encoding/csv cuts a row's fields out of one string: copies keep the
	// rest of the row from staying in memory.
	r := Record{Line: line, Text: strings.Clone(rec[c.cols.text])}
	if p := checkValue(column("text", c.header[c.cols.text]), r.Text, false); p != "" {
		return Record{}, &RowError{File: c.name, Line: line, Problem: p}
	}
	if c.cols.label >= 0 {
		r.Label = strings.Clone(rec[c.cols.label])
		if p := checkValue(column("label", c.header[c.cols.label]), r.Label, false); p != "" {
			return Record{}, &RowError{File: c.name, Line: line, Problem: p}
		}
	}
	if c.cols.id >= 0 {
		r.ID = strings.Clone(rec[c.cols.id])
		if p := checkValue(column("id", c.header[c.cols.id]), r.ID, true); p != "" {
			return Record{}, &RowError{File: c.name, Line: line, Problem: p}
		}
	}
	return r, nil
}

// linesReader reads plain text, one text per line; blank lines are skipped.
type linesReader struct {
	name string
	lr   lineReader
}

func newLinesReader(name string, r *bufio.Reader) *linesReader {
	return &linesReader{name: name, lr: lineReader{name: name, r: r}}
}

func (l *linesReader) columns() []string { return []string{DefaultTextColumn} }

func (l *linesReader) next() (Record, error) {
	for {
		b, line, err := l.lr.next()
		if err != nil {
			return Record{}, err
		}
		s := string(b)
		if strings.TrimSpace(s) == "" {
			continue
		}
		if !utf8.ValidString(s) {
			return Record{}, &RowError{File: l.name, Line: line, Problem: checkValue("the text", s, false)}
		}
		return Record{Line: line, Text: s}, nil
	}
}

// maxLine is the longest line lineReader accepts.
const maxLine = 64 << 20

// lineReader returns the lines of a stream, without their line ends (LF
// or CRLF), counting them from 1.
type lineReader struct {
	name string
	r    *bufio.Reader
	n    int
	long []byte
}

// next returns the next line and its number. The bytes are valid until
// the next call. It returns io.EOF after the last line.
func (l *lineReader) next() ([]byte, int, error) {
	b, err := l.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.long = append(l.long[:0], b...)
		for err == bufio.ErrBufferFull {
			if len(l.long) > maxLine {
				return nil, l.n + 1, fmt.Errorf("%s: line %d is longer than %d MiB", l.name, l.n+1, maxLine>>20)
			}
			b, err = l.r.ReadSlice('\n')
			l.long = append(l.long, b...)
		}
		b = l.long
	}
	if err == io.EOF && len(b) == 0 {
		return nil, l.n, io.EOF
	}
	if err != nil && err != io.EOF {
		return nil, l.n, fmt.Errorf("reading %s: %w", l.name, err)
	}
	l.n++
	b = trimEOL(b)
	return b, l.n, nil
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}
