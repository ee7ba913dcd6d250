package mlp

import (
	"math"
	"testing"
)

// batchLoss runs the model forward on the flattened block x and returns the
// block's mean loss.
func batchLoss(e *engine, x []float32, y []int) float64 {
	e.forward(x, len(y))
	l, _ := e.lossAndGrad(y, false)
	return l / float64(len(y))
}

// TestGradientFiniteDifferences checks every analytic gradient of the batch
// loss against central finite differences, for both output layers.
func TestGradientFiniteDifferences(t *testing.T) {
	const in, hidden, classes, rows = 5, 7, 3, 6
	for _, out := range []Output{Sigmoid, Logits} {
		t.Run(out.String(), func(t *testing.T) {
			m, err := New(in, classes, Config{Hidden: hidden, Output: out, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			// Non-zero biases, so their gradients are exercised away from
			// the starting point too.
			for i := range m.b1 {
				m.b1[i] = 0.05 * float32(i%3)
			}
			for i := range m.b2 {
				m.b2[i] = -0.1 * float32(i)
			}
			xs, y := synthetic(6, rows, in, classes, 1)
			x := make([]float32, 0, rows*in)
			for _, r := range xs {
				x = append(x, r...)
			}
			// Finite differences are meaningless across ReLU's kink: make sure
			// every hidden pre-activation is far from zero compared with the
			// step, so that each one keeps its side of the kink.
			if margin := minAbsPreActivation(m, xs); margin < 0.02 {
				t.Fatalf("test data puts a hidden pre-activation at %.3g, too close to ReLU's kink; change the seed", margin)
			}
			m.ensureOptimizer()
			e := newEngine(m, rows, true)
			defer e.close()
			e.forward(x, rows)
			e.lossAndGrad(y, true)
			// Training never holds the first kernel's whole gradient: each
			// block goes into Adam as soon as it is computed. Adam's first
			// step from zero moments sets m = g·(1−β₁), so the test takes
			// one step, reads every gradient back from the first moments
			// (to float32 rounding) and puts the weights back.
			weights := [][]float32{m.w1t, m.b1, m.w2t, m.b2}
			var saved [][]float32
			for _, w := range weights {
				saved = append(saved, append([]float32(nil), w...))
			}
			e.backward(nil, 0)
			for i, w := range weights {
				copy(w, saved[i])
			}
			a := m.opt
			grad := func(moment []float32) []float32 {
				g := make([]float32, len(moment))
				for i, v := range moment {
					g[i] = float32(float64(v) / float64(a.oneMinusB1))
				}
				return g
			}
			params := []struct {
				name string
				w    []float32
				g    []float32
			}{
				{"w1", m.w1t, grad(a.m1)},
				{"b1", m.b1, grad(a.mb1)},
				{"w2", m.w2t, grad(a.m2t)},
				{"b2", m.b2, grad(a.mb2)},
			}
			const h = 2e-3
			var num, den float64
			for _, p := range params {
				for i := range p.w {
					orig := p.w[i]
					p.w[i] = orig + h
					lp := batchLoss(e, x, y)
					p.w[i] = orig - h
					lm := batchLoss(e, x, y)
					p.w[i] = orig
					fd := (lp - lm) / (2 * h)
					an := float64(p.g[i])
					if d := math.Abs(fd - an); d > 2e-4+2e-2*math.Abs(fd) {
						t.Errorf("%s[%d]: analytic gradient %.6g, finite difference %.6g", p.name, i, an, fd)
					}
					num += (fd - an) * (fd - an)
					den += (fd + an) * (fd + an)
				}
			}
			if rel := math.Sqrt(num / den); rel > 1e-3 {
				t.Errorf("relative gradient error %.3g, want < 1e-3", rel)
			} else {
				t.Logf("relative gradient error %.3g", rel)
			}
		})
	}
}

// minAbsPreActivation returns the smallest |x·w1+b1| over the examples and
// hidden units, computed directly in float64.
func minAbsPreActivation(m *Model, xs [][]float32) float64 {
	least := math.Inf(1)
	for _, x := range xs {
		for j := range m.hidden {
			a := float64(m.b1[j])
			for i, v := range x {
				a += float64(v) * float64(m.w1t[j*m.in+i])
			}
			least = math.Min(least, math.Abs(a))
		}
	}
	return least
}
