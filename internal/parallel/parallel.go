// Package parallel runs a loop over index ranges on every processor: the
// one parallel loop of the packages whose work splits into independent
// indices (preprocessing texts, the offline embedder's products). It is
// errgroup with a limit, since a goroutine per range costs nothing next to
// the work of a range. mlp keeps a pool of its own, allocation-free, for
// the thousands of short rounds of a training run (see mlp/pool.go).
package parallel

import (
	"runtime"

	"golang.org/x/sync/errgroup"
)

// Ranges calls f on consecutive ranges [lo, hi) of at most chunk indices
// that cover [0, n), on at most GOMAXPROCS goroutines at once, and returns
// when every call has returned. A chunk of 0 or less means one range per
// processor. Calls must not depend on one another: they run in any order.
func Ranges(n, chunk int, f func(lo, hi int)) {
	if n <= 0 {
		return
	}
	procs := runtime.GOMAXPROCS(0)
	if chunk <= 0 {
		chunk = (n + procs - 1) / procs
	}
	if procs == 1 || chunk >= n {
		for lo := 0; lo < n; lo += chunk {
			f(lo, min(lo+chunk, n))
		}
		return
	}
	var g errgroup.Group
	g.SetLimit(procs)
	for lo := 0; lo < n; lo += chunk {
		g.Go(func() error {
			f(lo, min(lo+chunk, n))
			return nil
		})
	}
	g.Wait()
}
