package notebook

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// recorder is a sink that records what it is given.
type recorder struct {
	rich    bool
	html    []string
	updates map[string][]string
	text    strings.Builder
	png     [][]byte
}

func (r *recorder) HTML(s string) { r.html = append(r.html, s) }
func (r *recorder) Update(id, s string) {
	if r.updates == nil {
		r.updates = map[string][]string{}
	}
	r.updates[id] = append(r.updates[id], s)
}
func (r *recorder) Text(s string) { r.text.WriteString(s) }
func (r *recorder) PNG(b []byte)  { r.png = append(r.png, b) }
func (r *recorder) Rich() bool    { return r.rich }

// use makes s the package's sink for the duration of the test.
func use(t *testing.T, s sink) {
	t.Helper()
	outMu.Lock()
	old := out
	out = s
	outMu.Unlock()
	t.Cleanup(func() {
		outMu.Lock()
		out = old
		outMu.Unlock()
	})
}

type htmlValue struct{}

func (htmlValue) HTML() string   { return "<b>rich</b>" }
func (htmlValue) String() string { return "plain" }

func TestShow(t *testing.T) {
	tests := []struct {
		name     string
		rich     bool
		v        any
		wantHTML string
		wantText string
	}{
		{"html in notebook", true, htmlValue{}, "<b>rich</b>", ""},
		{"stringer outside", false, htmlValue{}, "", "plain\n"},
		{"plain value", true, 42, "", "42\n"},
		{"keeps newline", false, "a\n", "", "a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{rich: tt.rich}
			use(t, r)
			Show(tt.v)
			if got := strings.Join(r.html, ""); got != tt.wantHTML {
				t.Errorf("HTML = %q, want %q", got, tt.wantHTML)
			}
			if got := r.text.String(); got != tt.wantText {
				t.Errorf("text = %q, want %q", got, tt.wantText)
			}
		})
	}
}

type pngValue struct{ err error }

func (p pngValue) PNG() ([]byte, error) { return []byte("\x89PNG"), p.err }
func (pngValue) String() string         { return "chart" }

func TestShowImage(t *testing.T) {
	r := &recorder{rich: true}
	use(t, r)
	Show(pngValue{})
	if len(r.png) != 1 || string(r.png[0]) != "\x89PNG" {
		t.Errorf("images = %q", r.png)
	}
	code := captureExit(t)
	Show(pngValue{err: errors.New("no font")})
	if *code != 1 || !strings.Contains(strings.Join(r.html, ""), "no font") {
		t.Errorf("a failed rendering: exit %d, output %q", *code, r.html)
	}

	var buf bytes.Buffer
	use(t, textSink{w: &buf})
	Show(pngValue{})
	if !strings.Contains(buf.String(), "PNG image") {
		t.Errorf("text fallback = %q", buf.String())
	}
}

func TestTable(t *testing.T) {
	header := []string{"Task type", "Use"}
	rows := [][]string{{"CLASSIFICATION", "labels <& classes>"}, {"CLUSTERING", "groups"}}

	r := &recorder{rich: true}
	use(t, r)
	Table(header, rows)
	if len(r.html) != 1 {
		t.Fatalf("got %d HTML outputs, want 1", len(r.html))
	}
	h := r.html[0]
	for _, want := range []string{"<th", "Task type", "<td", "CLASSIFICATION", "labels &lt;&amp; classes&gt;"} {
		if !strings.Contains(h, want) {
			t.Errorf("table HTML lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<& classes>") {
		t.Errorf("table HTML holds unescaped text:\n%s", h)
	}

	txt := TableText(header, rows)
	lines := strings.Split(strings.TrimRight(txt, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("text table has %d lines, want 3:\n%s", len(lines), txt)
	}
	// Columns are aligned: the second column starts at the same offset.
	col := strings.Index(lines[0], "Use")
	if strings.Index(lines[1], "labels") != col || strings.Index(lines[2], "groups") != col {
		t.Errorf("columns not aligned:\n%s", txt)
	}
}

func TestNotice(t *testing.T) {
	r := &recorder{rich: true}
	use(t, r)
	Notice("running the %s embedder", "offline")
	Warning("key <rejected>")
	if len(r.html) != 2 {
		t.Fatalf("got %d HTML outputs, want 2", len(r.html))
	}
	if !strings.Contains(r.html[0], "<b>Note:</b> running the offline embedder") {
		t.Errorf("notice HTML = %s", r.html[0])
	}
	if !strings.Contains(r.html[1], "<b>Warning:</b> key &lt;rejected&gt;") {
		t.Errorf("warning HTML = %s", r.html[1])
	}
	if r.html[0] == strings.Replace(r.html[1], "Warning", "Note", 1) {
		t.Error("warning and notice look the same")
	}

	p := &recorder{}
	use(t, p)
	Notice("plain %d", 1)
	Warning("careful")
	if got, want := p.text.String(), "Note: plain 1\nWarning: careful\n"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

// fakeClock advances by step on every reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

func TestProgressHTML(t *testing.T) {
	r := &recorder{rich: true}
	clk := &fakeClock{t: time.Unix(0, 0), step: 50 * time.Millisecond}
	p := newProgress(r, nil, clk.now, "Embedding", 4)
	for i := 1; i <= 4; i++ {
		p.Set(i, 4)
	}
	p.Finish()
	p.Set(1, 4) // ignored after Finish

	if len(r.updates) != 1 {
		t.Fatalf("progress used %d display blocks, want 1", len(r.updates))
	}
	var ups []string
	for _, u := range r.updates {
		ups = u
	}
	// Redraws are throttled to one per 100ms of the 50ms clock steps, but
	// the first, the one reaching the total and Finish always draw.
	if len(ups) >= 6 || len(ups) < 3 {
		t.Errorf("got %d redraws, want between 3 and 5:\n%s", len(ups), strings.Join(ups, "\n"))
	}
	last := ups[len(ups)-1]
	for _, want := range []string{"Embedding", "100%", `value="4" max="4"`, "4/4"} {
		if !strings.Contains(last, want) {
			t.Errorf("final bar lacks %q: %s", want, last)
		}
	}
	if strings.Contains(last, "stopped") {
		t.Errorf("complete bar marked stopped: %s", last)
	}
}

func TestProgressText(t *testing.T) {
	var buf bytes.Buffer
	clk := &fakeClock{t: time.Unix(0, 0), step: time.Second}
	p := newProgress(&recorder{}, &buf, clk.now, "Embedding", 10)
	p.Add(3)
	p.Add(2)
	p.Finish()
	got := buf.String()
	if !strings.HasSuffix(got, "\n") {
		t.Errorf("text bar does not end its line: %q", got)
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\r")
	final := lines[len(lines)-1]
	for _, want := range []string{"Embedding", " 50%", "5/10", "stopped", "it/s"} {
		if !strings.Contains(final, want) {
			t.Errorf("final text bar lacks %q: %q", want, final)
		}
	}
}

func TestProgressUnknownTotal(t *testing.T) {
	var buf bytes.Buffer
	clk := &fakeClock{t: time.Unix(0, 0), step: time.Second}
	p := newProgress(&recorder{}, &buf, clk.now, "Items", 0)
	p.Add(7)
	if !strings.Contains(buf.String(), "Items   0%") || !strings.Contains(buf.String(), " 7 [") {
		t.Errorf("unknown total bar = %q", buf.String())
	}
	p.Set(7, 14)
	if !strings.Contains(buf.String(), " 50%") {
		t.Errorf("Set did not take the new total: %q", buf.String())
	}
}

func TestClock(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "00:00"},
		{1500 * time.Millisecond, "00:02"},
		{215 * time.Second, "03:35"},
		{3*time.Hour + 4*time.Minute + 5*time.Second, "3:04:05"},
	}
	for _, tt := range tests {
		if got := clock(tt.d); got != tt.want {
			t.Errorf("clock(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestContextCancelledBySIGINT(t *testing.T) {
	ctx, stop := Context()
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
		if ctx.Err() != context.Canceled {
			t.Errorf("ctx.Err() = %v, want context.Canceled", ctx.Err())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("context not cancelled 5s after SIGINT")
	}
}
