// Package notebook holds the helpers that GoNB notebook cells call, so that
// the cells stay as short as the Python tutorial's:
//
//   - display: Show (charts and other images, HTML, tables, text, and
//     errors as an error box), Table, Notice, Warning, and a live Progress
//     bar;
//   - steps: GoNB runs every cell as a new program that initialises again
//     every variable the cells declared. Step declares a slow result (the
//     dataset, embeddings, a trained classifier) as a Value that is
//     computed only when a cell asks for it, once for its inputs: its
//     identity is derived from what it is computed from (the inputs'
//     content, the code of the step), so changing anything it depends on
//     computes it again and changing nothing reuses it, with what the step
//     displayed replayed under a one-line note.
//
// Inside a GoNB kernel the helpers send rich output through gonbui and wait
// until GoNB has it (a cell's program that exits right after displaying
// would otherwise lose it); anywhere else (a test, a plain go run) they
// write plain text to standard output, so code using them runs unchanged
// outside Jupyter.
package notebook

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/embedclassify/embedclassify/internal/htmltable"
	"github.com/embedclassify/embedclassify/internal/progressbar"
	"github.com/janpfeifer/gonb/gonbui"
)

// sink receives what the helpers display. The notebook sink sends it to
// GoNB; the text sink writes plain text; a recorder keeps it for replay.
type sink interface {
	// HTML shows an HTML fragment as a new output of the cell; text is its
	// plain-text form, for sinks that show text only.
	HTML(html, text string)
	// Text shows plain text as a new output of the cell.
	Text(s string)
	// PNG shows a PNG image as a new output of the cell.
	PNG(b []byte)
	// Bar draws the progress bar id in state st, in place of its previous
	// state; final is true for the bar's last drawing.
	Bar(id string, st progressbar.State, final bool)
	// Error shows an error message in an error box (text sinks write it
	// to standard error).
	Error(msg string)
}

// gonbSink displays through gonbui. Every display waits for GoNB's
// acknowledgement (gonbui.Sync): a cell's program may exit right after
// displaying, and without the wait GoNB drops what was still in transit.
// Text goes through gonbui too, into a <pre> block that grows until
// something else is shown, so that text and rich outputs keep their order
// (standard output reaches Jupyter by another path, which may overtake
// them).
type gonbSink struct {
	display func(html string)     // gonbui.DisplayHTML
	update  func(id, html string) // gonbui.UpdateHTML
	png     func(b []byte)        // gonbui.DisplayPng
	sync    func()                // gonbui.Sync

	mu     sync.Mutex
	textID string          // the text block being written, "" if none
	text   strings.Builder // its content
	bars   map[string]bool // the bars drawn so far
}

func newGonbSink() *gonbSink {
	return &gonbSink{display: gonbui.DisplayHTML, update: gonbui.UpdateHTML, png: gonbui.DisplayPng, sync: gonbui.Sync}
}

// endText makes the next text start a new block. g.mu must be held.
func (g *gonbSink) endText() { g.textID = "" }

func (g *gonbSink) HTML(s, _ string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.endText()
	g.display(s)
	g.sync()
}

func (g *gonbSink) PNG(b []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.endText()
	g.png(b)
	g.sync()
}

func (g *gonbSink) Bar(id string, st progressbar.State, _ bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.bars[id] {
		if g.bars == nil {
			g.bars = map[string]bool{}
		}
		g.bars[id] = true
		g.endText()
	}
	g.update(id, st.HTML())
	g.sync()
}

var preTmpl = template.Must(template.New("pre").Parse(`<pre style="margin:0;white-space:pre-wrap">{{.}}</pre>`))

func (g *gonbSink) Text(s string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.textID == "" {
		g.textID = "text_" + gonbui.UniqueId()
		g.text.Reset()
	}
	g.text.WriteString(s)
	g.update(g.textID, render(preTmpl, g.text.String()))
	g.sync()
}

func (g *gonbSink) Error(msg string) { g.HTML(NoticeHTML("Error", msg), "") }

// textSink writes plain text to w, and progress bars and errors to bars
// (bars redrawn in place with a carriage return). Nil writers stand for the
// current os.Stdout and os.Stderr.
type textSink struct{ w, bars io.Writer }

func (t textSink) stdout() io.Writer {
	if t.w == nil {
		return os.Stdout
	}
	return t.w
}

func (t textSink) stderr() io.Writer {
	if t.bars == nil {
		return os.Stderr
	}
	return t.bars
}

func (t textSink) Error(msg string)    { fmt.Fprintln(t.stderr(), "Error:", msg) }
func (t textSink) HTML(_, text string) { fmt.Fprint(t.stdout(), text) }
func (t textSink) Text(s string)       { fmt.Fprint(t.stdout(), s) }
func (t textSink) PNG(b []byte) {
	fmt.Fprintf(t.stdout(), "(a %d-byte PNG image: shown in notebooks only)\n", len(b))
}
func (t textSink) Bar(_ string, st progressbar.State, final bool) {
	fmt.Fprint(t.stderr(), "\r"+st.Text(20))
	if final {
		fmt.Fprintln(t.stderr())
	}
}

var (
	outMu sync.Mutex
	out   sink = defaultSink()
)

func defaultSink() sink {
	if gonbui.IsNotebook {
		return newGonbSink()
	}
	return textSink{}
}

// output returns where displays go now.
func output() sink {
	outMu.Lock()
	defer outMu.Unlock()
	return out
}

// setOutput makes s receive the displays and returns the previous sink.
func setOutput(s sink) sink {
	outMu.Lock()
	defer outMu.Unlock()
	prev := out
	out = s
	return prev
}

// HTMLer is implemented by values that render themselves as an HTML
// fragment, such as a frame or a classification report.
type HTMLer interface{ HTML() string }

// PNGer is implemented by values that render themselves as a PNG image,
// such as a plots.Chart.
type PNGer interface{ PNG() ([]byte, error) }

// shower is implemented by values that display themselves, such as Value.
type shower interface{ show() }

// Show displays v the richest way it offers, and is the one call a cell
// needs to show a result: a Value is computed (or its output replayed from
// the cache) and then shown; an image (PNGer) is drawn; a value with an
// HTML method is rendered as HTML; a []string is printed one per line;
// anything else is printed in its default format. Show takes a function's
// two results as they come, Show(f()), and when err is not nil it shows
// the error in an error box and stops the cell instead (see Check).
//
// Like every display of this package it returns once GoNB has the output:
// a cell's program that exits right after displaying loses nothing.
func Show(v any, err ...error) {
	if e := errors.Join(err...); e != nil {
		Check(e)
		return
	}
	o := output()
	switch x := v.(type) {
	case shower:
		x.show()
	case PNGer:
		b, err := x.PNG()
		Check(err)
		o.PNG(b)
	case HTMLer:
		o.HTML(x.HTML(), withNewline(fmt.Sprint(x)))
	case []string:
		o.Text(withNewline(strings.Join(x, "\n")))
	default:
		o.Text(withNewline(fmt.Sprint(v)))
	}
}

func withNewline(s string) string {
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// Print shows its arguments as fmt.Println does, as text output of the
// cell (recorded for replay when a step prints them).
func Print(args ...any) { output().Text(fmt.Sprintln(args...)) }

// Printf shows its arguments as fmt.Printf does, as text output of the
// cell (recorded for replay when a step prints them).
func Printf(format string, args ...any) { output().Text(fmt.Sprintf(format, args...)) }

// Table displays rows under a header row: as an HTML table in a notebook,
// as aligned plain text elsewhere. Cells are text and are escaped.
func Table(header []string, rows [][]string) {
	output().HTML(TableHTML(header, rows), TableText(header, rows))
}

// TableHTML renders rows under a header row as an HTML table, escaping
// every cell (see internal/htmltable).
func TableHTML(header []string, rows [][]string) string {
	return htmltable.Table{Class: "embedclassify-table", Header: header, Rows: rows}.HTML()
}

// render executes t with data; the templates of this package cannot fail
// on the data they are given.
func render(t *template.Template, data any) string {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		panic(fmt.Sprintf("notebook: template %s: %v", t.Name(), err))
	}
	return b.String()
}

// TableText renders rows under a header row as tab-aligned plain text.
func TableText(header []string, rows [][]string) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	if len(header) > 0 {
		fmt.Fprintln(tw, strings.Join(header, "\t"))
	}
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
	return b.String()
}

// Notice level styles: border and background colours.
var noticeStyles = map[string][2]string{
	"Note":    {"#1a73e8", "#e8f0fe"},
	"Warning": {"#e37400", "#fef7e0"},
	"Error":   {"#d93025", "#fce8e6"},
}

// Notice displays a message the reader should not miss, in a framed box in
// a notebook, as a line starting with "Note:" elsewhere. The arguments are
// formatted with fmt.Sprintf and the result is escaped.
func Notice(format string, args ...any) { notice("Note", format, args...) }

// Warning is Notice for something that needs the reader's attention; it is
// framed in amber and starts with "Warning:" as text.
func Warning(format string, args ...any) { notice("Warning", format, args...) }

func notice(level, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	output().HTML(NoticeHTML(level, msg), level+": "+msg+"\n")
}

var noticeTmpl = template.Must(template.New("notice").Parse(
	`<div style="border-left:4px solid {{.Border}};background:{{.Background}};color:#202124;padding:6px 10px;margin:4px 0;white-space:pre-wrap">` +
		`<b>{{.Level}}:</b> {{.Msg}}</div>`))

// NoticeHTML renders msg as a framed notice box headed by level ("Note",
// "Warning" or "Error"; other levels get the Note colours). msg is escaped.
func NoticeHTML(level, msg string) string {
	st, ok := noticeStyles[level]
	if !ok {
		st = noticeStyles["Note"]
	}
	return render(noticeTmpl, map[string]any{
		"Border": template.CSS(st[0]), "Background": template.CSS(st[1]), "Level": level, "Msg": msg,
	})
}

// exit ends the cell's program; tests replace it.
var exit = os.Exit

// Check stops the cell when err is not nil: it shows the error in a red
// error box (on standard error outside a notebook) and exits with status 1,
// which makes GoNB and Jupyter mark the cell as failed. An interrupted cell
// (err wraps context.Canceled) says so and how to go on.
func Check(err error) {
	if err == nil {
		return
	}
	msg := err.Error()
	if errors.Is(err, context.Canceled) {
		msg = "Interrupted. Run the cell again to go on: what was finished is kept.\n(" + msg + ")"
	}
	output().Error(msg)
	exit(1)
}
