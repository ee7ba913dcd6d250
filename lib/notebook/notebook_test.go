package notebook

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/progressbar"
)

// useText makes the package display plain text into a buffer (bars and
// errors into another) for the duration of the test.
func useText(t *testing.T) (out, errs *bytes.Buffer) {
	t.Helper()
	out, errs = new(bytes.Buffer), new(bytes.Buffer)
	prev := setOutput(textSink{out, errs})
	t.Cleanup(func() { setOutput(prev) })
	return out, errs
}

// noExit replaces os.Exit for the test and counts the calls.
func noExit(t *testing.T) *int {
	t.Helper()
	n := new(int)
	old := exit
	exit = func(int) { *n++ }
	t.Cleanup(func() { exit = old })
	return n
}

type htmlValue struct{}

func (htmlValue) HTML() string   { return "<b>rich</b>" }
func (htmlValue) String() string { return "plain" }

func TestShowText(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"stringer", htmlValue{}, "plain\n"},
		{"number", 42, "42\n"},
		{"keeps newline", "a\n", "a\n"},
		{"lines", []string{"alt.atheism", "sci.space"}, "alt.atheism\nsci.space\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _ := useText(t)
			Show(tc.v)
			if got := out.String(); got != tc.want {
				t.Errorf("Show(%v) wrote %q, want %q", tc.v, got, tc.want)
			}
		})
	}
}

// Show(f()) with an error shows the error and stops the cell instead of
// showing the value.
func TestShowError(t *testing.T) {
	out, errs := useText(t)
	exits := noExit(t)
	Show(42, errors.New("row 3: no text"))
	if *exits != 1 || out.Len() != 0 || !strings.Contains(errs.String(), "Error: row 3: no text") {
		t.Errorf("exits %d, out %q, errors %q: want one exit and only the error", *exits, out, errs)
	}
	Show(42, nil)
	if *exits != 1 || out.String() != "42\n" {
		t.Errorf("Show(42, nil): exits %d, out %q", *exits, out)
	}
}

// gonbCalls records what a gonbSink sends to GoNB, in order.
type gonbCalls struct{ calls []string }

func (g *gonbCalls) sink() *gonbSink {
	return &gonbSink{
		display: func(h string) { g.calls = append(g.calls, "html "+h) },
		update:  func(id, h string) { g.calls = append(g.calls, "update "+id+" "+h) },
		png:     func(b []byte) { g.calls = append(g.calls, "png "+string(b)) },
		sync:    func() { g.calls = append(g.calls, "sync") },
	}
}

type pngValue struct{}

func (pngValue) PNG() ([]byte, error) { return []byte("\x89PNG"), nil }

// The path the cells use in a notebook: every display goes through gonbui
// and is followed by a Sync, so that a program exiting right after it
// loses nothing; progress bars update one display block in place.
func TestGonbSink(t *testing.T) {
	g := &gonbCalls{}
	prev := setOutput(g.sink())
	defer setOutput(prev)
	noExit(t)

	Show(htmlValue{})
	Show(pngValue{})
	Table([]string{"a"}, [][]string{{"<x>"}})
	p := newProgress(output(), time.Now, "Embedding", 2)
	p.Set(2, 2)
	Print("Epoch 1/2")
	Print("Epoch 2/2 <done>")
	Check(errors.New("boom"))

	want := []string{
		"html <b>rich</b>", "sync",
		"png \x89PNG", "sync",
		"html " + TableHTML([]string{"a"}, [][]string{{"<x>"}}), "sync",
		"update " + p.id + " ", "sync",
		"update " + p.id + " ", "sync",
		"update text_", "sync",
		"update text_", "sync",
		"html " + NoticeHTML("Error", "boom"), "sync",
	}
	if len(g.calls) != len(want) {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(g.calls, "\n"), strings.Join(want, "\n"))
	}
	for i, c := range g.calls {
		if !strings.HasPrefix(c, want[i]) {
			t.Errorf("call %d = %q, want it to start with %q", i, c, want[i])
		}
	}
	if !strings.Contains(g.calls[8], "2/2") || !strings.Contains(g.calls[8], "<progress") {
		t.Errorf("last bar drawing %q: want the HTML bar at 2/2", g.calls[8])
	}
	// The text lines grow one block, in order, escaped.
	id1, id2 := strings.Fields(g.calls[10])[1], strings.Fields(g.calls[12])[1]
	if id1 != id2 || !strings.HasSuffix(g.calls[12], "Epoch 1/2\nEpoch 2/2 &lt;done&gt;\n</pre>") {
		t.Errorf("text blocks %q and %q: want one block holding both lines", g.calls[10], g.calls[12])
	}
}

func TestTableHTMLEscapes(t *testing.T) {
	got := TableHTML([]string{"<h>"}, [][]string{{"a & b"}, {`"q"`}})
	want := `<table class="embedclassify-table"><thead><tr><th style="text-align:left">&lt;h&gt;</th></tr></thead>` + "\n<tbody>\n" +
		`<tr><td style="text-align:left">a &amp; b</td></tr>` + "\n" + `<tr><td style="text-align:left">&#34;q&#34;</td></tr>` + "\n</tbody></table>"
	if got != want {
		t.Errorf("TableHTML:\n got %s\nwant %s", got, want)
	}
	if got := TableHTML(nil, nil); strings.Contains(got, "thead") {
		t.Errorf("TableHTML without header: %s", got)
	}
}

func TestNoticeHTMLEscapes(t *testing.T) {
	got := NoticeHTML("Warning", "<script>")
	if strings.Contains(got, "<script>") || !strings.Contains(got, "&lt;script&gt;") || !strings.Contains(got, "#e37400") {
		t.Errorf("NoticeHTML = %s", got)
	}
}

// barSink keeps the progress bar states it is given.
type barSink struct {
	textSink
	states []progressbar.State
}

func (b *barSink) Bar(_ string, st progressbar.State, _ bool) { b.states = append(b.states, st) }

func TestProgressThrottlesAndFinishes(t *testing.T) {
	now := time.Unix(0, 0)
	clock := func() time.Time { return now }
	s := &barSink{}
	p := newProgress(s, clock, "Embedding", 10)
	now = now.Add(10 * time.Millisecond)
	p.Set(1, 10) // too soon after the first drawing
	now = now.Add(time.Second)
	p.Add(2)
	p.Finish()
	p.Set(10, 10) // after Finish: ignored
	if len(s.states) != 3 {
		t.Fatalf("drew %d times, want 3: %+v", len(s.states), s.states)
	}
	last := s.states[2]
	if last.Done != 3 || !last.Finished || !strings.Contains(last.Text(10), "stopped") {
		t.Errorf("last state %+v (%s): want 3 done, finished and stopped", last, last.Text(10))
	}
}
