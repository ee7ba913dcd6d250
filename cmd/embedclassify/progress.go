package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/embedclassify/embedclassify/internal/progressbar"
	"golang.org/x/term"
)

// progress writes a run's steps and progress bars to a terminal (stderr).
// On a terminal a bar redraws itself in place; elsewhere (a log file, CI)
// it prints a line at every 10% so logs stay short.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	quiet    bool
	tty      bool
	start    time.Time
	barOpen  bool // a bar is drawn on the current line
	lastTick int  // last 10% step printed when not a terminal
	lastName string
	note     string    // shown after the bar (the Gemini traffic)
	barStart time.Time // when the current bar started
}

func newProgress(w io.Writer, quiet bool) *progress {
	return &progress{w: w, quiet: quiet, tty: isTerminal(w), start: time.Now(), lastTick: -1}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Step prints one line.
func (p *progress) Step(msg string) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endBar()
	fmt.Fprintf(p.w, "[%5.1fs] %s\n", time.Since(p.start).Seconds(), msg)
}

// Warn prints a warning line, even when quiet.
func (p *progress) Warn(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endBar()
	fmt.Fprintf(p.w, "warning: %s\n", msg)
}

// Bar shows done of total under name.
func (p *progress) Bar(name string, done, total int) {
	if p.quiet || total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if name != p.lastName {
		p.endBar()
		p.lastName, p.lastTick, p.barStart = name, -1, time.Now()
	}
	line := progressbar.State{Label: fmt.Sprintf("%-12s", name), Done: done, Total: total,
		Elapsed: time.Since(p.barStart), Finished: done >= total}.Text(30)
	if p.note != "" {
		line += " · " + p.note
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r%s", line)
		p.barOpen = done < total
		if done >= total {
			fmt.Fprintln(p.w)
		}
		return
	}
	if tick := 10 * done / total; tick > p.lastTick {
		p.lastTick = tick
		fmt.Fprintln(p.w, line)
	}
}

// Note sets the text shown after the bar from its next redraw on.
func (p *progress) Note(s string) {
	p.mu.Lock()
	p.note = s
	p.mu.Unlock()
}

// Done ends a bar left open (for example by an interrupted run).
func (p *progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.endBar()
}

func (p *progress) endBar() {
	if p.barOpen {
		fmt.Fprintln(p.w)
		p.barOpen = false
	}
}
