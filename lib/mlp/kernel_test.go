package mlp

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdamKernelMatchesGeneric checks that the vector Adam kernel gives
// bit-identical results to the portable one, tails included.
func TestAdamKernelMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1, 7, 8, 9, 31, 1000, 4099} {
		fill := func(scale float64, nonneg bool) []float32 {
			s := make([]float32, n)
			for i := range s {
				v := r.NormFloat64() * scale
				if nonneg {
					v = math.Abs(v)
				}
				s[i] = float32(v)
			}
			return s
		}
		w, g, m, v := fill(0.1, false), fill(0.01, false), fill(0.001, false), fill(1e-5, true)
		g[0] = 0 // a zero gradient with zero moments must give a zero step
		m[0], v[0] = 0, 0
		w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
		const alpha, c1, c2, eps = 3.1622776e-4, 0.1, 0.001, 1e-7
		for step := 0; step < 3; step++ {
			adamKernel(w, g, m, v, alpha, c1, c2, eps)
			adamGeneric(w2, g, m2, v2, alpha, c1, c2, eps)
		}
		for i := range w {
			if math.Float32bits(w[i]) != math.Float32bits(w2[i]) || m[i] != m2[i] || v[i] != v2[i] {
				t.Fatalf("n=%d, element %d: kernel gives w %v m %v v %v, generic %v %v %v", n, i, w[i], m[i], v[i], w2[i], m2[i], v2[i])
			}
		}
	}
}

// BenchmarkAdam measures one Adam step over the tutorial's first kernel
// (3072×3072 weights), single-threaded.
func BenchmarkAdam(b *testing.B) {
	const n = 3072 * 3072
	w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range g {
		g[i] = float32(i%17) * 1e-3
	}
	b.SetBytes(7 * 4 * n) // reads w, g, m, v; writes w, m, v
	for b.Loop() {
		adamKernel(w, g, m, v, 3e-4, 0.1, 0.001, 1e-7)
	}
}

func BenchmarkAdamGeneric(b *testing.B) {
	const n = 3072 * 3072
	w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range g {
		g[i] = float32(i%17) * 1e-3
	}
	b.SetBytes(7 * 4 * n)
	for b.Loop() {
		adamGeneric(w, g, m, v, 3e-4, 0.1, 0.001, 1e-7)
	}
}

// TestTrainingStepAllocatesNothing checks that a training step — loss and
// gradient, backward pass, Adam update and the fused forward pass of the
// next batch — allocates no memory.
func TestTrainingStepAllocatesNothing(t *testing.T) {
	const in, classes, rows = 300, 4, 32
	xs, y := synthetic(20, rows, in, classes, 0.3)
	m, err := New(in, classes, Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m.ensureOptimizer()
	e := newEngine(m, rows, true)
	defer e.close()
	for r, row := range xs {
		copy(e.xb[0][r*in:], row)
		copy(e.xb[1][r*in:], row)
	}
	e.forward(e.xb[0], rows)
	i := 0
	allocs := testing.AllocsPerRun(20, func() {
		e.lossAndGrad(y, true)
		i++
		e.backward(e.xb[i%2], rows)
	})
	if allocs != 0 {
		t.Errorf("a training step allocates %v times; want 0", allocs)
	}
}
