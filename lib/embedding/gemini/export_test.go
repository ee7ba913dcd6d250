package gemini

import (
	"context"
	"time"
)

// Clock is the clock an Embedder tells time and waits with.
type Clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

// SetClock makes e use c instead of the real clock.
func SetClock(e *Embedder, c Clock) { e.clk = c }

// SetJitter makes e spread its back-offs with f (numbers in [0, 1))
// instead of random numbers.
func SetJitter(e *Embedder, f func() float64) { e.jitter = f }

// SetMaxInlineBytes changes the most text bytes of one batch job, and
// returns a function that restores it.
func SetMaxInlineBytes(n int) func() {
	old := maxInlineBytes
	maxInlineBytes = n
	return func() { maxInlineBytes = old }
}

// SetMaxFileJobValues changes the most vector values one file job
// answers, and returns a function that restores it.
func SetMaxFileJobValues(n int) func() {
	old := maxFileJobValues
	maxFileJobValues = n
	return func() { maxFileJobValues = old }
}
