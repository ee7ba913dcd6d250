package mlp

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// pool runs a numbered set of tasks on a fixed set of goroutines. The caller
// takes part as worker 0, so a pool of one worker runs everything inline.
// run allocates nothing, which keeps the training loop allocation-free as
// long as the task functions are created once, ahead of the loop.
//
// It is not errgroup.SetLimit because of where it runs: a training step
// hands out several rounds of tasks of a fraction of a millisecond each,
// thousands of steps in a row, and each task needs its worker's scratch
// space. errgroup starts a goroutine and allocates per task and has no
// worker numbers; this pool starts its goroutines once per Fit.
type pool struct {
	workers int
	start   []chan func(worker, task int)
	next    atomic.Int64
	tasks   int64
	wg      sync.WaitGroup
}

// newPool starts workers-1 helper goroutines (workers ≤ 0 means GOMAXPROCS).
// Call stop when done with it.
func newPool(workers int) *pool {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &pool{workers: workers}
	p.start = make([]chan func(int, int), workers-1)
	for i := range p.start {
		ch := make(chan func(int, int))
		p.start[i] = ch
		go func(worker int) {
			for fn := range ch {
				p.drain(worker, fn)
				p.wg.Done()
			}
		}(i + 1)
	}
	return p
}

// run calls fn(worker, t) once for every t in [0, tasks), spreading the calls
// over the pool's goroutines, and returns when all calls have returned. Tasks
// are handed out in increasing order; no two running calls share a worker
// number, so fn may use per-worker scratch space.
func (p *pool) run(tasks int, fn func(worker, task int)) {
	if tasks <= 0 {
		return
	}
	p.next.Store(0)
	p.tasks = int64(tasks)
	helpers := min(len(p.start), tasks-1)
	p.wg.Add(helpers)
	for i := range helpers {
		p.start[i] <- fn
	}
	p.drain(0, fn)
	p.wg.Wait()
}

func (p *pool) drain(worker int, fn func(int, int)) {
	for {
		t := p.next.Add(1) - 1
		if t >= p.tasks {
			return
		}
		fn(worker, int(t))
	}
}

// stop ends the helper goroutines.
func (p *pool) stop() {
	for _, ch := range p.start {
		close(ch)
	}
	p.start = nil
}
