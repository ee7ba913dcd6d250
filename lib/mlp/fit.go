package mlp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// EpochResult is what Fit reports after each epoch.
type EpochResult struct {
	Epoch, Epochs int     // 1-based epoch number, and the most Fit will run
	Steps         int     // batches in the epoch
	Loss          float64 // mean training loss over the epoch's examples
	Accuracy      float64 // fraction of the epoch's examples predicted right
	// ValLoss and ValAccuracy are measured on the validation data after
	// the epoch; HasVal tells whether there was any.
	ValLoss, ValAccuracy float64
	HasVal               bool
	Duration             time.Duration // wall time of the epoch, validation included
	// Stop is true when early stopping ends training after this epoch.
	Stop bool
}

// String formats r as Keras' fit prints an epoch (verbose=1), e.g.
//
//	Epoch 3/20
//	13/13 ━━━━━━━━━━━━━━━━━━━━ 1s 52ms/step - accuracy: 0.9125 - loss: 0.8322 - val_accuracy: 0.9000 - val_loss: 0.8526
func (r EpochResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Epoch %d/%d\n", r.Epoch, r.Epochs)
	fmt.Fprintf(&b, "%d/%d %s %s", r.Steps, r.Steps, strings.Repeat("━", 20), formatStepTime(r.Duration, r.Steps))
	fmt.Fprintf(&b, " - accuracy: %.4f - loss: %.4f", r.Accuracy, r.Loss)
	if r.HasVal {
		fmt.Fprintf(&b, " - val_accuracy: %.4f - val_loss: %.4f", r.ValAccuracy, r.ValLoss)
	}
	return b.String()
}

// formatStepTime prints a duration the way Keras' progress bar does: whole
// seconds, then the time per step in s, ms or µs.
func formatStepTime(d time.Duration, steps int) string {
	per := d.Seconds() / float64(max(steps, 1))
	var unit string
	switch {
	case per >= 1:
		unit = fmt.Sprintf("%.0fs/step", per)
	case per >= 1e-3:
		unit = fmt.Sprintf("%.0fms/step", per*1e3)
	default:
		unit = fmt.Sprintf("%.0fus/step", per*1e6)
	}
	return fmt.Sprintf("%.0fs %s", d.Seconds(), unit)
}

// Fit trains the model on the examples x with labels y (class numbers from
// 0 to NumClasses()-1) for up to Config.Epochs epochs, measuring loss and
// accuracy on xVal, yVal after each epoch when xVal is not nil, and stopping
// early as Config.Patience says. onEpoch, if not nil, is called after every
// epoch (from the calling goroutine).
//
// All inputs are checked before training starts: empty data, rows of the
// wrong width, NaN or infinite values, or labels out of range are errors and
// leave the model untouched.
//
// When ctx is cancelled Fit stops after the current batch and returns the
// history of the epochs completed, with an error wrapping ctx.Err(); the
// model keeps the weights it has reached.
func (m *Model) Fit(ctx context.Context, x [][]float32, y []int, xVal [][]float32, yVal []int, onEpoch func(EpochResult)) (*History, error) {
	return m.fit(ctx, x, y, xVal, yVal, onEpoch, true)
}

// fit is Fit; shuffle false keeps the examples in their order, for tests
// that step through the same batches by hand.
func (m *Model) fit(ctx context.Context, x [][]float32, y []int, xVal [][]float32, yVal []int, onEpoch func(EpochResult), shuffle bool) (*History, error) {
	train, err := m.flatten("training data", x)
	if err != nil {
		return nil, err
	}
	if err := m.checkLabels("training data", y, len(x)); err != nil {
		return nil, err
	}
	var val []float32
	hasVal := xVal != nil || yVal != nil
	if hasVal {
		if val, err = m.flatten("validation data", xVal); err != nil {
			return nil, err
		}
		if err := m.checkLabels("validation data", yVal, len(xVal)); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("mlp: training not started: %w", err)
	}

	cfg := m.cfg
	n := len(x)
	bs := min(cfg.BatchSize, n)
	steps := ceilDiv(n, bs)
	e := newEngine(m, max(bs, evalRows), true)
	defer e.close()
	m.ensureOptimizer()

	// The shuffle stream depends on the seed and on how many epochs this
	// model has trained, so a second Fit does not replay the first's order.
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6d6c702d73687566^uint64(m.opt.step))) // "mlp-shuf"
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	yb := [2][]int{make([]int, bs), make([]int, bs)}

	h := &History{}
	stop := newEarlyStopping(cfg.Patience)
	for epoch := 1; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		if shuffle {
			rng.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		}
		var lossSum float64
		var correct int
		// gather copies batch s into buffer s%2 and returns it.
		gather := func(s int) ([]float32, int) {
			idx := perm[s*bs : min((s+1)*bs, n)]
			xb := e.xb[s%2]
			for r, i := range idx {
				copy(xb[r*m.in:(r+1)*m.in], train[i*m.in:(i+1)*m.in])
				yb[s%2][r] = y[i]
			}
			return xb, len(idx)
		}
		xb, rows := gather(0)
		e.forward(xb, rows)
		for s := range steps {
			if err := ctx.Err(); err != nil {
				return h, fmt.Errorf("mlp: training interrupted in epoch %d: %w", epoch, err)
			}
			l, c := e.lossAndGrad(yb[s%2][:e.rows], true)
			lossSum += l
			correct += c
			// The update also runs the next batch forward, from the
			// updated weights.
			var next []float32
			var nextRows int
			if s+1 < steps {
				next, nextRows = gather(s + 1)
			}
			e.backward(next, nextRows)
		}
		res := EpochResult{
			Epoch: epoch, Epochs: cfg.Epochs, Steps: steps,
			Loss: lossSum / float64(n), Accuracy: float64(correct) / float64(n),
		}
		h.Loss = append(h.Loss, res.Loss)
		h.Accuracy = append(h.Accuracy, res.Accuracy)
		if hasVal {
			res.HasVal = true
			res.ValLoss, res.ValAccuracy = e.evaluate(val, yVal)
			h.ValLoss = append(h.ValLoss, res.ValLoss)
			h.ValAccuracy = append(h.ValAccuracy, res.ValAccuracy)
		}
		res.Duration = time.Since(start)
		res.Stop = stop.update(res.Accuracy)
		if res.Stop {
			h.StoppedEpoch = epoch
		}
		if onEpoch != nil {
			onEpoch(res)
		}
		if res.Stop {
			break
		}
	}
	return h, nil
}

// earlyStopping is Keras 3's EarlyStopping(monitor="accuracy",
// patience=p, min_delta=0, mode="auto" → "max", baseline=None) as its
// on_epoch_end implements it: the wait counter goes up every epoch and back
// to zero on a strict improvement of the best value; training stops when the
// counter reaches the patience (Keras also requires epoch > 0, which
// patience ≥ 1 implies). A patience below 0 never stops.
type earlyStopping struct {
	patience int
	wait     int
	best     float64
	seen     bool
}

func newEarlyStopping(patience int) *earlyStopping { return &earlyStopping{patience: patience} }

// update records an epoch's monitored value and reports whether to stop.
func (s *earlyStopping) update(current float64) bool {
	if s.patience < 0 {
		return false
	}
	s.wait++
	if !s.seen || current > s.best {
		s.best, s.seen = current, true
		s.wait = 0
		return false
	}
	return s.wait >= s.patience
}
