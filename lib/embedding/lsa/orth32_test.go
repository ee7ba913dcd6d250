package lsa

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestCholQR checks that cholQR, twice, turns a random matrix with columns
// of very different scales (condition number about 100) into an
// orthonormal basis of the same span, and that it reports dependent
// columns instead of dividing by zero.
func TestCholQR(t *testing.T) {
	const n, l = 700, 300 // l spans two tiles
	rng := rand.New(rand.NewPCG(4, 4))
	y := make([]float32, n*l)
	for i := 0; i < n; i++ {
		for c := 0; c < l; c++ {
			y[i*l+c] = float32(rng.NormFloat64() * math.Pow(20, -float64(c)/float64(l-1)))
		}
	}
	q1, q := make([]float32, n*l), make([]float32, n*l)
	if !cholQR(q1, y, n, l) || !cholQR(q, q1, n, l) {
		t.Fatal("cholQR failed on independent columns")
	}
	dense := func(m []float32, cols int) *mat.Dense {
		d := mat.NewDense(n, cols, nil)
		for i := 0; i < n; i++ {
			for c := 0; c < cols; c++ {
				d.Set(i, c, float64(m[i*cols+c]))
			}
		}
		return d
	}
	qd, yd := dense(q, l), dense(y, l)
	var qtq mat.Dense
	qtq.Mul(qd.T(), qd)
	for i := 0; i < l; i++ {
		for j := 0; j < l; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if d := math.Abs(qtq.At(i, j) - want); d > 1e-5 {
				t.Fatalf("(QᵀQ)[%d,%d] = %g, want %g", i, j, qtq.At(i, j), want)
			}
		}
	}
	// Same span: y - Q·Qᵀ·y is zero, relative to each column's norm.
	var qty, proj, res mat.Dense
	qty.Mul(qd.T(), yd)
	proj.Mul(qd, &qty)
	res.Sub(yd, &proj)
	for c := 0; c < l; c++ {
		if r, norm := mat.Norm(res.ColView(c), 2), mat.Norm(yd.ColView(c), 2); r > 1e-4*norm {
			t.Fatalf("column %d: %g of its norm %g lies outside Q's span", c, r, norm)
		}
	}

	// A repeated column: yᵀ·y is singular.
	for i := 0; i < n; i++ {
		y[i*l+7] = y[i*l+3]
	}
	if cholQR(q, y, n, l) {
		t.Error("cholQR succeeded on dependent columns")
	}
	householderQR(q, y, n, l)
	qd = dense(q, l)
	qtq.Mul(qd.T(), qd)
	for i := 0; i < l; i++ {
		if d := math.Abs(qtq.At(i, i) - 1); d > 1e-5 {
			t.Fatalf("householderQR: (QᵀQ)[%d,%d] = %g, want 1", i, i, qtq.At(i, i))
		}
	}
}
