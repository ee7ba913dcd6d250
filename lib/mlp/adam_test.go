package mlp

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/embedclassify/embedclassify/internal/gemm32"
)

// TestAdamFirstStepByHand trains a fixed 2→2→2 network with plain logits on
// one example for one step and compares every parameter with values worked
// out by hand:
//
//	x = (1, 2), label 0
//	W1 = [[0.5, -0.5], [0.25, 0.5]] (input × hidden), b1 = 0
//	a  = x·W1 = (1·0.5 + 2·0.25, 1·(−0.5) + 2·0.5) = (1, 0.5); h = relu(a) = (1, 0.5)
//	W2 = [[1, −1], [0.5, 0.5]] (hidden × class), b2 = 0
//	z  = h·W2 = (1 + 0.25, −1 + 0.25) = (1.25, −0.75)
//	p  = softmax(z) = (1/(1+e⁻²), e⁻²/(1+e⁻²)) = (0.880797, 0.119203)
//	loss = −log p₀ = log(1+e⁻²) = 0.126928
//	dz = p − onehot(0) = (−q, q) with q = 0.1192029220
//	gW2 = hᵀ·dz = [[−q, q], [−q/2, q/2]];  gb2 = (−q, q)
//	dh = dz·W2ᵀ ⊙ [a>0] = (−q·1 + q·(−1), −q·0.5 + q·0.5) = (−2q, 0)
//	gW1 = xᵀ·dh = [[−2q, 0], [−4q, 0]];  gb1 = (−2q, 0)
//
// Adam's first step (t = 1, lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e−7) on a
// gradient g: m = 0.1g, v = 0.001g², α = 0.001·√0.001/0.1 = 3.16227766e−4,
//
//	Δ = α·m/(√v + ε) = 0.001·g/(|g| + ε/√0.001) = 0.001·sign(g)·|g|/(|g| + 3.16227766e−6)
//
// so every parameter with a non-zero gradient moves by almost exactly 0.001
// against its gradient, and the two with zero gradient do not move:
//
//	|g| = 2q = 0.2384058:  Δ = 0.001·0.2384058/0.2384090 = 0.000999986736
//	|g| = 4q = 0.4768117:  Δ = 0.001·0.4768117/0.4768149 = 0.000999993368
//	|g| = q  = 0.1192029:  Δ = 0.001·0.1192029/0.1192061 = 0.000999973472
//	|g| = q/2 = 0.0596015: Δ = 0.001·0.0596015/0.0596046 = 0.000999946946
func TestAdamFirstStepByHand(t *testing.T) {
	m, err := New(2, 2, Config{Hidden: 2, Output: Logits, BatchSize: 1, Epochs: 1, Patience: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetWeights([]float32{0.5, -0.5, 0.25, 0.5}, []float32{0, 0}, []float32{1, -1, 0.5, 0.5}, []float32{0, 0}); err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(context.Background(), [][]float32{{1, 2}}, []int{0}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := h.Loss[0], 0.126928011; math.Abs(got-want) > 1e-6 {
		t.Errorf("loss %.9f, want %.9f", got, want)
	}
	const d2q, d4q, dq, dq2 = 0.000999986736, 0.000999993368, 0.000999973472, 0.000999946946
	w1, b1, w2, b2 := m.Weights()
	check := func(name string, got []float32, want []float64) {
		t.Helper()
		for i := range want {
			if math.Abs(float64(got[i])-want[i]) > 2e-7 {
				t.Errorf("%s[%d] = %.9f, want %.9f", name, i, got[i], want[i])
			}
		}
	}
	check("W1", w1, []float64{0.5 + d2q, -0.5, 0.25 + d4q, 0.5})
	check("b1", b1, []float64{d2q, 0})
	check("W2", w2, []float64{1 + dq, -1 - dq, 0.5 + dq2, 0.5 - dq2})
	check("b2", b2, []float64{dq, -dq})
}

// refNet is a plain float64 implementation of the network and of Keras 3's
// Adam, written as directly as possible from the formulas, for checking the
// optimised float32 engine over several steps and across tile boundaries.
type refNet struct {
	in, hid, k     int
	sig            bool
	w1, b1, w2, b2 []float64 // w1 in×hid, w2 hid×k (Keras layout)
	m, v           [4][]float64
	t              int
}

func newRefNet(mod *Model) *refNet {
	w1, b1, w2, b2 := mod.Weights()
	f := func(s []float32) []float64 {
		r := make([]float64, len(s))
		for i, v := range s {
			r[i] = float64(v)
		}
		return r
	}
	n := &refNet{in: mod.in, hid: mod.hidden, k: mod.classes, sig: mod.cfg.Output == Sigmoid,
		w1: f(w1), b1: f(b1), w2: f(w2), b2: f(b2)}
	for i, p := range n.params() {
		n.m[i] = make([]float64, len(p))
		n.v[i] = make([]float64, len(p))
	}
	return n
}

func (n *refNet) params() [4][]float64 { return [4][]float64{n.w1, n.b1, n.w2, n.b2} }

// step does one Adam step on the batch and returns the batch's mean loss.
func (n *refNet) step(x [][]float32, y []int) float64 {
	B := float64(len(x))
	g := [4][]float64{make([]float64, len(n.w1)), make([]float64, len(n.b1)), make([]float64, len(n.w2)), make([]float64, len(n.b2))}
	var loss float64
	for r, xr := range x {
		a := make([]float64, n.hid)
		for j := range n.hid {
			a[j] = n.b1[j]
			for i := range n.in {
				a[j] += float64(xr[i]) * n.w1[i*n.hid+j]
			}
		}
		h := make([]float64, n.hid)
		for j := range h {
			h[j] = math.Max(a[j], 0)
		}
		o := make([]float64, n.k)
		for c := range n.k {
			o[c] = n.b2[c]
			for j := range n.hid {
				o[c] += h[j] * n.w2[j*n.k+c]
			}
			if n.sig {
				o[c] = 1 / (1 + math.Exp(-o[c]))
			}
		}
		var s float64
		for _, v := range o {
			s += math.Exp(v)
		}
		loss += math.Log(s) - o[y[r]]
		dz := make([]float64, n.k)
		for c := range dz {
			dz[c] = math.Exp(o[c]) / s
			if c == y[r] {
				dz[c]--
			}
			if n.sig {
				dz[c] *= o[c] * (1 - o[c])
			}
			dz[c] /= B
		}
		dh := make([]float64, n.hid)
		for j := range n.hid {
			for c := range n.k {
				g[2][j*n.k+c] += h[j] * dz[c]
				dh[j] += dz[c] * n.w2[j*n.k+c]
			}
			if a[j] <= 0 {
				dh[j] = 0
			}
			g[1][j] += dh[j]
			for i := range n.in {
				g[0][i*n.hid+j] += float64(xr[i]) * dh[j]
			}
		}
		for c := range n.k {
			g[3][c] += dz[c]
		}
	}
	n.t++
	alpha := 0.001 * math.Sqrt(1-math.Pow(0.999, float64(n.t))) / (1 - math.Pow(0.9, float64(n.t)))
	for i, p := range n.params() {
		for j := range p {
			n.m[i][j] += (g[i][j] - n.m[i][j]) * 0.1
			n.v[i][j] += (g[i][j]*g[i][j] - n.v[i][j]) * 0.001
			p[j] -= alpha * n.m[i][j] / (math.Sqrt(n.v[i][j]) + 1e-7)
		}
	}
	return loss / B
}

// TestAdamStepsMatchReference runs five full-batch Adam steps of a network
// whose shapes cross the engine's tile boundaries and compares the weights
// and losses with the float64 reference.
func TestAdamStepsMatchReference(t *testing.T) {
	const in, hidden, classes, rows, steps = 150, 300, 3, 40, 5
	for _, out := range []Output{Sigmoid, Logits} {
		t.Run(out.String(), func(t *testing.T) {
			x, y := synthetic(7, rows, in, classes, 0.3)
			m, err := New(in, classes, Config{Hidden: hidden, Output: out, BatchSize: rows, Epochs: 1, Patience: -1, Seed: 9})
			if err != nil {
				t.Fatal(err)
			}
			ref := newRefNet(m)
			for s := range steps {
				// One epoch of one full batch is one Adam step; the shuffle
				// does not change a full batch's gradient.
				h, err := m.Fit(context.Background(), x, y, nil, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				want := ref.step(x, y)
				if math.Abs(h.Loss[0]-want) > 1e-5 {
					t.Errorf("step %d: loss %.7f, reference %.7f", s+1, h.Loss[0], want)
				}
			}
			// Five steps move a weight by up to 0.005; float32 rounding
			// of the forward pass stays far below 1e-5 of that.
			checkAgainstReference(t, m, ref)
		})
	}
}

// TestMiniBatchesMatchReference trains two epochs of four unshuffled
// batches (the last one partial), where each batch's forward pass is fused
// into the previous batch's update, and compares with the reference stepping
// through the same batches.
func TestMiniBatchesMatchReference(t *testing.T) {
	// With the vector kernels (where the CPU has them) and without.
	for _, fma := range []bool{gemm32.HasFMA, false} {
		t.Run(fmt.Sprintf("fma=%v", fma), func(t *testing.T) {
			defer func(v bool) { gemm32.HasFMA = v }(gemm32.HasFMA)
			gemm32.HasFMA = fma
			const in, hidden, classes, rows, batch = 150, 300, 4, 45, 12
			x, y := synthetic(8, rows, in, classes, 0.3)
			m, err := New(in, classes, Config{Hidden: hidden, BatchSize: batch, Epochs: 2, Patience: -1, Seed: 10})
			if err != nil {
				t.Fatal(err)
			}
			ref := newRefNet(m)
			h, err := m.fit(context.Background(), x, y, nil, nil, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			for epoch := range 2 {
				var sum float64
				for s := 0; s < rows; s += batch {
					e := min(s+batch, rows)
					sum += ref.step(x[s:e], y[s:e]) * float64(e-s)
				}
				if want := sum / rows; math.Abs(h.Loss[epoch]-want) > 1e-5 {
					t.Errorf("epoch %d: loss %.7f, reference %.7f", epoch+1, h.Loss[epoch], want)
				}
			}
			checkAgainstReference(t, m, ref)
		})
	}
}

// checkAgainstReference compares the model's parameters with the float64
// reference's, to within 2e-6.
func checkAgainstReference(t *testing.T, m *Model, ref *refNet) {
	t.Helper()
	w1, b1, w2, b2 := m.Weights()
	for i, got := range [][]float32{w1, b1, w2, b2} {
		want := ref.params()[i]
		var worst float64
		for j := range got {
			worst = math.Max(worst, math.Abs(float64(got[j])-want[j]))
		}
		if worst > 2e-6 {
			t.Errorf("parameter %d differs from the reference by up to %.3g", i, worst)
		}
	}
}
