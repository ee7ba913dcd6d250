package notebook

import (
	"sync"
	"time"

	"github.com/embedclassify/embedclassify/internal/progressbar"
	"github.com/janpfeifer/gonb/gonbui"
)

// Progress is a live progress bar, in the manner of tqdm: an HTML bar that
// a notebook redraws in place, or a line on standard error that is
// rewritten elsewhere (the embedclassify command draws the same bar, see
// internal/progressbar). It is safe for concurrent use.
type Progress struct {
	mu       sync.Mutex
	st       progressbar.State
	start    time.Time
	last     time.Time
	finished bool

	id       string // display block the notebook updates
	out      sink   // where the bar goes
	now      func() time.Time
	interval time.Duration // minimum time between two redraws
}

// NewProgress starts a progress bar labelled label, for total steps (a
// total of 0 or less means unknown until Set gives one), and draws it.
func NewProgress(label string, total int) *Progress {
	return newProgress(output(), time.Now, label, total)
}

func newProgress(out sink, now func() time.Time, label string, total int) *Progress {
	p := &Progress{
		st:       progressbar.State{Label: label, Total: total},
		out:      out,
		now:      now,
		interval: 100 * time.Millisecond,
		id:       "progress_" + gonbui.UniqueId(),
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
	if total <= 0 {
		total = p.st.Total
	}
	if done == p.st.Done && total == p.st.Total && !p.last.IsZero() {
		return // nothing new to draw
	}
	p.st.Total, p.st.Done = total, done
	p.drawLocked(total > 0 && done >= total)
}

// Add records n more finished steps and redraws the bar like Set.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	total, done := p.st.Total, p.st.Done+n
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
	p.st.Finished = true
	p.drawLocked(true)
}

// drawLocked redraws the bar unless the last redraw was too recent and
// force is false. p.mu must be held.
func (p *Progress) drawLocked(force bool) {
	t := p.now()
	if !force && !p.last.IsZero() && t.Sub(p.last) < p.interval {
		return
	}
	p.last = t
	p.st.Elapsed = t.Sub(p.start)
	p.out.Bar(p.id, p.st, p.finished)
}
