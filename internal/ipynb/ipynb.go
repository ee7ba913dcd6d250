// Package ipynb reads and writes Jupyter notebook files (nbformat 4, the
// .ipynb JSON format) and inspects the outputs of executed cells.
//
// Write produces the same bytes as Jupyter's own writer (keys sorted, one
// space of indentation, text as lists of lines, non-ASCII kept), so a
// notebook written here and later executed by Jupyter differs only in what
// the execution changed.
package ipynb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Cell types.
const (
	Code     = "code"
	Markdown = "markdown"
	Raw      = "raw"
)

// Notebook is a Jupyter notebook in nbformat 4.
type Notebook struct {
	Cells         []Cell         `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	NBFormat      int            `json:"nbformat"`
	NBFormatMinor int            `json:"nbformat_minor"`
}

// Cell is one cell of a notebook. Outputs and ExecutionCount belong to code
// cells only and are left out of the file for other cells.
type Cell struct {
	Type           string         // Code, Markdown or Raw
	ID             string         // nbformat 4.5 cell id; optional
	Metadata       map[string]any // cell metadata; nil is written as {}
	Source         string         // the cell's text
	ExecutionCount *int           // execution counter of a code cell; nil when not run
	Outputs        []Output       // outputs of a code cell
}

// cellJSON is the file form of a Cell; fields are in the sorted key order
// Jupyter writes.
type cellJSON struct {
	CellType       string          `json:"cell_type"`
	ExecutionCount json.RawMessage `json:"execution_count,omitempty"`
	ID             string          `json:"id,omitempty"`
	Metadata       map[string]any  `json:"metadata"`
	Outputs        *[]Output       `json:"outputs,omitempty"`
	Source         Text            `json:"source"`
}

// MarshalJSON writes the cell as nbformat 4 wants it: code cells always
// carry execution_count (null when unset) and outputs, other cells neither.
func (c Cell) MarshalJSON() ([]byte, error) {
	j := cellJSON{CellType: c.Type, ID: c.ID, Metadata: c.Metadata, Source: Text(c.Source)}
	if j.Metadata == nil {
		j.Metadata = map[string]any{}
	}
	if c.Type == Code {
		j.ExecutionCount = json.RawMessage("null")
		if c.ExecutionCount != nil {
			j.ExecutionCount = json.RawMessage(fmt.Sprint(*c.ExecutionCount))
		}
		outs := c.Outputs
		if outs == nil {
			outs = []Output{}
		}
		j.Outputs = &outs
	}
	return marshal(j)
}

// UnmarshalJSON reads a cell of any type.
func (c *Cell) UnmarshalJSON(b []byte) error {
	var j cellJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*c = Cell{Type: j.CellType, ID: j.ID, Metadata: j.Metadata, Source: string(j.Source)}
	if n := bytes.TrimSpace(j.ExecutionCount); len(n) > 0 && string(n) != "null" {
		var v int
		if err := json.Unmarshal(n, &v); err != nil {
			return fmt.Errorf("execution_count: %w", err)
		}
		c.ExecutionCount = &v
	}
	if j.Outputs != nil {
		c.Outputs = *j.Outputs
	}
	return nil
}

// Text is a multi-line string, stored in a file either as one string or as
// a list of lines that each keep their "\n".
type Text string

// MarshalJSON writes t as a list of lines, as Jupyter does.
func (t Text) MarshalJSON() ([]byte, error) {
	return marshal(splitLines(string(t)))
}

// UnmarshalJSON reads a string or a list of strings.
func (t *Text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = Text(s)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*t = Text(strings.Join(lines, ""))
	return nil
}

// splitLines splits s after every "\n", as nbformat stores text.
func splitLines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// Output types of code cell outputs.
const (
	Stream        = "stream"
	DisplayData   = "display_data"
	ExecuteResult = "execute_result"
	Error         = "error"
)

// Output is one output of a code cell. Reading keeps the output's JSON, so
// that writing the notebook back reproduces it unchanged.
type Output struct {
	Type      string                     // Stream, DisplayData, ExecuteResult or Error
	Name      string                     // stream name: "stdout" or "stderr"
	Text      string                     // stream text
	Data      map[string]json.RawMessage // MIME type to content, for display data and results
	EName     string                     // error name
	EValue    string                     // error value (message)
	Traceback []string                   // error traceback lines

	raw json.RawMessage
}

type outputJSON struct {
	Data      map[string]json.RawMessage `json:"data,omitempty"`
	EName     string                     `json:"ename,omitempty"`
	EValue    string                     `json:"evalue,omitempty"`
	Metadata  map[string]any             `json:"metadata,omitempty"`
	Name      string                     `json:"name,omitempty"`
	Type      string                     `json:"output_type"`
	Text      *Text                      `json:"text,omitempty"`
	Traceback []string                   `json:"traceback,omitempty"`
}

// UnmarshalJSON reads an output and keeps its JSON.
func (o *Output) UnmarshalJSON(b []byte) error {
	var j outputJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*o = Output{Type: j.Type, Name: j.Name, Data: j.Data, EName: j.EName, EValue: j.EValue,
		Traceback: j.Traceback, raw: append(json.RawMessage(nil), b...)}
	if j.Text != nil {
		o.Text = string(*j.Text)
	}
	return nil
}

// MarshalJSON writes the JSON the output was read from, or builds it from
// the fields for an output made in Go.
func (o Output) MarshalJSON() ([]byte, error) {
	if o.raw != nil {
		return o.raw, nil
	}
	j := outputJSON{Type: o.Type, Name: o.Name, Data: o.Data, EName: o.EName, EValue: o.EValue, Traceback: o.Traceback}
	if o.Type == Stream {
		t := Text(o.Text)
		j.Text = &t
	}
	if o.Type == DisplayData || o.Type == ExecuteResult {
		j.Metadata = map[string]any{}
	}
	return marshal(j)
}

// MIMETypes returns the MIME types of the output's data, sorted.
func (o Output) MIMETypes() []string {
	types := make([]string, 0, len(o.Data))
	for t := range o.Data {
		types = append(types, t)
	}
	sort.Strings(types)
	return types
}

// DataText returns the output's data of the given MIME type as text, and
// whether there was any. Text types stored as lists of lines are joined;
// image/png is returned as its base64 text.
func (o Output) DataText(mime string) (string, bool) {
	b, ok := o.Data[mime]
	if !ok {
		return "", false
	}
	var t Text
	if err := t.UnmarshalJSON(b); err != nil {
		return string(b), true
	}
	return string(t), true
}

var (
	styleRE = regexp.MustCompile(`(?s)<style.*?</style>`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
	blankRE = regexp.MustCompile(`\n\s*\n+`)
	escRE   = regexp.MustCompile("\x1b\\[[0-9;]*m")
)

// Summary returns a short plain-text rendering of the output for messages:
// the stream text, the error with its traceback, or the data's text (HTML
// with its tags removed), cut to about max bytes.
func (o Output) Summary(max int) string {
	var s string
	switch o.Type {
	case Stream:
		s = o.Name + ": " + o.Text
	case Error:
		s = o.EName + ": " + o.EValue + "\n" + strings.Join(o.Traceback, "\n")
	default:
		if t, ok := o.DataText("text/plain"); ok {
			s = t
		} else if h, ok := o.DataText("text/html"); ok {
			s = styleRE.ReplaceAllString(h, "")
			s = tagRE.ReplaceAllString(s, "")
			s = htmlUnescape(s)
		} else {
			s = strings.Join(o.MIMETypes(), ", ")
		}
	}
	s = escRE.ReplaceAllString(s, "")
	s = strings.TrimSpace(blankRE.ReplaceAllString(s, "\n"))
	if max > 0 && len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

func htmlUnescape(s string) string {
	r := strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#34;", `"`, "&#39;", "'", "&amp;", "&")
	return r.Replace(s)
}

// New returns an empty notebook for the given kernel, such as
// New("gonb", "Go (gonb)", "go").
func New(kernel, displayName, language string) *Notebook {
	return &Notebook{
		Metadata: map[string]any{
			"kernelspec": map[string]any{
				"display_name": displayName,
				"language":     language,
				"name":         kernel,
			},
			"language_info": map[string]any{"name": language},
		},
		NBFormat:      4,
		NBFormatMinor: 5,
	}
}

// Read reads a notebook file.
func Read(path string) (*Notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading notebook: %w", err)
	}
	nb, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("reading notebook %s: %w", path, err)
	}
	return nb, nil
}

// Parse decodes a notebook from its JSON.
func Parse(b []byte) (*Notebook, error) {
	var nb Notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, fmt.Errorf("not a Jupyter notebook: %w", err)
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("nbformat %d is not supported: want 4", nb.NBFormat)
	}
	return &nb, nil
}

// Marshal encodes the notebook as Jupyter writes it.
func (nb *Notebook) Marshal() ([]byte, error) {
	c := *nb
	if c.Cells == nil {
		c.Cells = []Cell{}
	}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	b, err := marshal(c)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", " "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// Write writes the notebook to path.
func (nb *Notebook) Write(path string) error {
	b, err := nb.Marshal()
	if err != nil {
		return fmt.Errorf("encoding notebook: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("writing notebook: %w", err)
	}
	return nil
}

// marshal encodes v as compact JSON without escaping <, > and &, as
// Python's json module does.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Problem is something wrong found in an executed notebook.
type Problem struct {
	Cell    int    // 0-based index of the cell; -1 when unknown
	Message string // what is wrong
}

// String describes the problem on one line, naming its cell.
func (p Problem) String() string {
	if p.Cell < 0 {
		return p.Message
	}
	return fmt.Sprintf("cell %d: %s", p.Cell, p.Message)
}

// exitRE matches how GoNB reports a cell program that exited with an
// error: "exit status N" (after "^C" when interrupted) on stderr.
var exitRE = regexp.MustCompile(`(?m)^(\^C\n)?exit status [1-9][0-9]*$`)

// Errors returns one Problem for every code cell that failed: it has an
// error output, or, as GoNB reports a cell program that exits with an error
// (a panic, os.Exit(1)) while Jupyter still sees the cell succeed, an
// "exit status N" line on stderr. The message holds what the cell showed
// on stderr or as HTML (GoNB's compiler errors) and the error, as plain
// text.
func (nb *Notebook) Errors() []Problem {
	var ps []Problem
	for i, c := range nb.Cells {
		var context, errs []string
		for _, o := range c.Outputs {
			switch {
			case o.Type == Error:
				errs = append(errs, o.Summary(2000))
			case o.Type == Stream && o.Name == "stderr":
				if exitRE.MatchString(o.Text) {
					errs = append(errs, o.Summary(2000))
				} else {
					context = append(context, o.Summary(2000))
				}
			case o.Type == DisplayData || o.Type == ExecuteResult:
				if _, ok := o.Data["text/html"]; ok {
					context = append(context, o.Summary(2000))
				}
			}
		}
		if len(errs) > 0 {
			ps = append(ps, Problem{Cell: i, Message: strings.Join(append(context, errs...), "\n")})
		}
	}
	return ps
}

// Unexecuted returns one Problem for every code cell without an execution
// count, that is a cell that did not run.
func (nb *Notebook) Unexecuted() []Problem {
	var ps []Problem
	for i, c := range nb.Cells {
		if c.Type == Code && strings.TrimSpace(c.Source) != "" && c.ExecutionCount == nil {
			ps = append(ps, Problem{Cell: i, Message: "did not run"})
		}
	}
	return ps
}

// Outputs returns every output of the notebook's code cells, in order.
func (nb *Notebook) Outputs() []Output {
	var outs []Output
	for _, c := range nb.Cells {
		outs = append(outs, c.Outputs...)
	}
	return outs
}
