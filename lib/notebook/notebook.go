// Package notebook holds the helpers that the project's GoNB notebook cells
// call, so that the cells stay as short as the Python tutorial's:
//
//   - display: Show (HTML, images such as plots.Chart, text), Table, Notice,
//     Warning, and a live Progress bar;
//   - GoNB's execution model: every cell runs as a new program that
//     re-initialises the variables earlier cells declared, so Memo and Fit
//     keep slow results (the dataset, embeddings, a trained classifier) for
//     the rest of the kernel session;
//   - interrupts: Context is cancelled when the cell is interrupted, and
//     Check and Must stop a cell with a readable message;
//   - the tutorial's embedding steps: SelectEmbedder, EmbedFrame and
//     TestAccuracy, with progress bars and an on-disk cache of Gemini
//     vectors.
//
// Inside a GoNB kernel the helpers send rich output through gonbui and wait
// until GoNB has it (a cell's program that exits right after displaying
// would otherwise lose it); anywhere else (a test, a plain go run) they
// write plain text to standard output, so code using them runs unchanged
// outside Jupyter.
//
// Notebook cells should import only this module's packages and the standard
// library: GoNB runs `go get` for every import of a cell, and resolving a
// package of another module that way needs network access (the module proxy
// refuses the lookup of a package path such as gonbui's). Through this
// package, the cells reach gonbui without importing it.
package notebook

import (
	"context"
	"fmt"
	"html"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"

	"github.com/janpfeifer/gonb/gonbui"
)

// InNotebook reports whether the program runs as a GoNB notebook cell.
func InNotebook() bool { return gonbui.IsNotebook }

// sink receives what the helpers display. The notebook sink sends it to GoNB;
// the text sink writes plain text.
type sink interface {
	// HTML shows html as a new output of the cell.
	HTML(html string)
	// Update replaces the content of the output block id, creating it on
	// first use.
	Update(id, html string)
	// Text shows plain text as a new output of the cell.
	Text(s string)
	// PNG shows a PNG image as a new output of the cell.
	PNG(b []byte)
	// Rich reports whether HTML is rendered (true) or only text is (false).
	Rich() bool
}

// gonbSink displays through gonbui. Every display waits for GoNB's
// acknowledgement (gonbui.Sync): a cell's program may exit right after
// displaying, and without the wait GoNB drops what was still in transit.
type gonbSink struct{}

func (gonbSink) HTML(s string) {
	gonbui.DisplayHTML(s)
	gonbui.Sync()
}

func (gonbSink) Update(id, s string) {
	gonbui.UpdateHTML(id, s)
	gonbui.Sync()
}

func (gonbSink) PNG(b []byte) {
	gonbui.DisplayPng(b)
	gonbui.Sync()
}

func (gonbSink) Text(s string) { fmt.Fprint(os.Stdout, s) }
func (gonbSink) Rich() bool    { return true }

func (t textSink) HTML(s string)      { fmt.Fprintln(t.writer(), s) }
func (t textSink) Update(_, _ string) {}
func (t textSink) PNG(b []byte) {
	fmt.Fprintf(t.writer(), "(a %d-byte PNG image: shown in notebooks only)\n", len(b))
}
func (t textSink) Text(s string) { fmt.Fprint(t.writer(), s) }
func (textSink) Rich() bool      { return false }

// writer returns w, or the current os.Stdout when w is nil.
func (t textSink) writer() io.Writer {
	if t.w == nil {
		return os.Stdout
	}
	return t.w
}

// textSink writes plain text to w (os.Stdout when nil).
type textSink struct{ w io.Writer }

var (
	outMu sync.Mutex
	out   sink = defaultSink()
)

func defaultSink() sink {
	if gonbui.IsNotebook {
		return gonbSink{}
	}
	return textSink{}
}

func output() sink {
	outMu.Lock()
	defer outMu.Unlock()
	return out
}

// Context returns a context that is cancelled when the cell is interrupted:
// GoNB delivers Jupyter's "interrupt kernel" to the cell's program as SIGINT
// (and kills it 5 seconds later if it is still running), so work that takes
// this context stops promptly and can keep what it finished, such as cached
// embeddings. Call stop when done to release the signal handler:
//
//	ctx, stop := notebook.Context()
//	defer stop()
func Context() (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// ShowHTML displays an HTML fragment as an output of the cell. Outside a
// notebook it prints the fragment as is.
func ShowHTML(fragment string) { output().HTML(fragment) }

// HTMLer is implemented by values that render themselves as an HTML
// fragment, such as a frame or a classification report.
type HTMLer interface{ HTML() string }

// PNGer is implemented by values that render themselves as a PNG image,
// such as a plots.Chart.
type PNGer interface{ PNG() ([]byte, error) }

// Show displays v the richest way it offers: as an image (PNGer) or with
// its HTML method in a notebook, else with its String method, else in its
// default format. Like every display of this package it returns once GoNB
// has the output: a cell's program that exits right after displaying loses
// nothing. If rendering the image fails, Show stops the cell (see Check).
func Show(v any) {
	o := output()
	if p, ok := v.(PNGer); ok {
		b, err := p.PNG()
		Check(err)
		o.PNG(b)
		return
	}
	if h, ok := v.(HTMLer); ok && o.Rich() {
		o.HTML(h.HTML())
		return
	}
	s := fmt.Sprint(v)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	o.Text(s)
}

// Table displays rows under a header row: as an HTML table in a notebook,
// as aligned plain text elsewhere. Cells are text and are escaped.
func Table(header []string, rows [][]string) {
	o := output()
	if o.Rich() {
		o.HTML(TableHTML(header, rows))
		return
	}
	o.Text(TableText(header, rows))
}

// TableHTML renders rows under a header row as an HTML table, escaping
// every cell.
func TableHTML(header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString(`<table class="embedclassify-table">`)
	if len(header) > 0 {
		b.WriteString("<thead><tr>")
		for _, h := range header {
			fmt.Fprintf(&b, `<th style="text-align:left">%s</th>`, html.EscapeString(h))
		}
		b.WriteString("</tr></thead>")
	}
	b.WriteString("<tbody>")
	for _, r := range rows {
		b.WriteString("<tr>")
		for _, c := range r {
			fmt.Fprintf(&b, `<td style="text-align:left">%s</td>`, html.EscapeString(c))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
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
}

// Notice displays a message the reader should not miss, in a framed box in
// a notebook, as a line starting with "Note:" elsewhere. The arguments are
// formatted with fmt.Sprintf and the result is escaped.
func Notice(format string, args ...any) { notice("Note", format, args...) }

// Warning is Notice for something that went wrong or needs the reader's
// action; it is framed in amber and starts with "Warning:" as text.
func Warning(format string, args ...any) { notice("Warning", format, args...) }

func notice(level, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	o := output()
	if !o.Rich() {
		o.Text(level + ": " + msg + "\n")
		return
	}
	o.HTML(NoticeHTML(level, msg))
}

// NoticeHTML renders msg as a framed notice box headed by level ("Note" or
// "Warning"; other levels get the Note colours). msg is escaped.
func NoticeHTML(level, msg string) string {
	st, ok := noticeStyles[level]
	if !ok {
		st = noticeStyles["Note"]
	}
	return fmt.Sprintf(`<div style="border-left:4px solid %s;background:%s;color:#202124;padding:6px 10px;margin:4px 0">`+
		`<b>%s:</b> %s</div>`, st[0], st[1], html.EscapeString(level), html.EscapeString(msg))
}
