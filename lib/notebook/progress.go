package notebook

import (
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Progress is a live progress bar, in the manner of tqdm: an HTML bar that
// a notebook redraws in place, or a line on standard error that is
// rewritten elsewhere. It is safe for concurrent use.
type Progress struct {
	mu          sync.Mutex
	label       string
	total, done int
	start, last time.Time
	finished    bool

	id       string    // display block the notebook updates
	out      sink      // where the bar goes
	text     io.Writer // where the text bar goes when out is not rich
	now      func() time.Time
	interval time.Duration // minimum time between two redraws
}

// NewProgress starts a progress bar labelled label, for total steps (a
// total of 0 or less means unknown until Set gives one), and draws it.
func NewProgress(label string, total int) *Progress {
	return newProgress(output(), os.Stderr, time.Now, label, total)
}

func newProgress(out sink, text io.Writer, now func() time.Time, label string, total int) *Progress {
	p := &Progress{
		label:    label,
		total:    total,
		out:      out,
		text:     text,
		now:      now,
		interval: 100 * time.Millisecond,
	}
	if out.Rich() {
		p.id = "progress_" + gonbui.UniqueId()
	}
	p.start = now()
	p.mu.Lock()
	p.drawLocked(true)
	p.mu.Unlock()
	return p
}

// Set records that done of total steps are finished and redraws the bar
// (at most ten times a second, and always when done reaches total). Its
// signature fits progress callbacks of the form func(done, total int); a
// total of 0 or less keeps the previous total.
func (p *Progress) Set(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	if total > 0 {
		p.total = total
	}
	p.done = done
	p.drawLocked(p.total > 0 && done >= p.total)
}

// Add records n more finished steps and redraws the bar like Set.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	total := p.total
	done := p.done + n
	p.mu.Unlock()
	p.Set(done, total)
}

// Finish draws the bar one last time, marked as stopped when fewer than
// total steps were done, and ends it: later calls to Set, Add and Finish do
// nothing.
func (p *Progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.finished = true
	p.drawLocked(true)
	if !p.out.Rich() {
		fmt.Fprintln(p.text)
	}
}

// drawLocked redraws the bar unless the last redraw was too recent and
// force is false. p.mu must be held.
func (p *Progress) drawLocked(force bool) {
	t := p.now()
	if !force && !p.last.IsZero() && t.Sub(p.last) < p.interval {
		return
	}
	p.last = t
	if p.out.Rich() {
		p.out.Update(p.id, p.htmlLocked(t))
		return
	}
	fmt.Fprint(p.text, "\r"+p.textLocked(t))
}

// status returns the counter and timing part of the bar, like tqdm's
// "150/400 [00:12<00:20, 12.5 it/s]".
func (p *Progress) statusLocked(t time.Time) string {
	elapsed := t.Sub(p.start)
	var b strings.Builder
	if p.total > 0 {
		fmt.Fprintf(&b, "%d/%d", p.done, p.total)
	} else {
		fmt.Fprintf(&b, "%d", p.done)
	}
	b.WriteString(" [" + clock(elapsed))
	if p.done > 0 && elapsed > 0 {
		rate := float64(p.done) / elapsed.Seconds()
		if p.total > p.done && !p.finished {
			left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
			b.WriteString("<" + clock(left))
		}
		fmt.Fprintf(&b, ", %.2f it/s", rate)
	}
	b.WriteString("]")
	if p.finished && p.total > 0 && p.done < p.total {
		b.WriteString(" stopped")
	}
	return b.String()
}

func (p *Progress) fractionLocked() float64 {
	if p.total <= 0 {
		return 0
	}
	f := float64(p.done) / float64(p.total)
	return min(max(f, 0), 1)
}

func (p *Progress) htmlLocked(t time.Time) string {
	max := max(p.total, 1)
	return fmt.Sprintf(`<div style="font-family:monospace">%s %3.0f%% <progress value="%d" max="%d" style="width:40%%;vertical-align:middle"></progress> %s</div>`,
		html.EscapeString(p.label), 100*p.fractionLocked(), min(p.done, max), max, html.EscapeString(p.statusLocked(t)))
}

func (p *Progress) textLocked(t time.Time) string {
	const width = 20
	filled := int(p.fractionLocked()*width + 0.5)
	bar := strings.Repeat("#", filled) + strings.Repeat(" ", width-filled)
	return fmt.Sprintf("%s %3.0f%%|%s| %s", p.label, 100*p.fractionLocked(), bar, p.statusLocked(t))
}

// clock formats d as tqdm does: mm:ss, or h:mm:ss from an hour on.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
