package lsa

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// cholQRSizes are the shapes TestCholQR and TestCholQRDeterministic try:
// one column; fewer than a block; one more than cholBlock, and exactly
// cholBlock; several tiles of tileOuter, with blocks of cholBlock and
// solveBlock cut short at the end.
var cholQRSizes = []struct{ n, l int }{
	{20, 1}, {60, 7}, {300, 129}, {300, 128}, {700, 300}, {1100, 520},
}

// scaledGaussian returns a row-major n × l Gaussian matrix whose columns
// are scaled from 1 down to 1/20: its condition number is about 100.
func scaledGaussian(n, l int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, seed))
	y := make([]float32, n*l)
	for i := 0; i < n; i++ {
		for c := 0; c < l; c++ {
			y[i*l+c] = float32(rng.NormFloat64() * math.Pow(20, -float64(c)/float64(max(l-1, 1))))
		}
	}
	return y
}

// dense32 returns the row-major n × l float32 matrix m as a gonum matrix.
func dense32(m []float32, n, l int) *mat.Dense {
	d := mat.NewDense(n, l, nil)
	for i, v := range m[:n*l] {
		d.RawMatrix().Data[i] = float64(v)
	}
	return d
}

// TestCholQR checks that cholQR, twice, turns a random matrix with columns
// of very different scales (condition number about 100) into an
// orthonormal basis of the same span, and that it reports dependent
// columns instead of dividing by zero, for every shape of cholQRSizes.
func TestCholQR(t *testing.T) {
	for _, size := range cholQRSizes {
		n, l := size.n, size.l
		t.Run(fmt.Sprintf("%dx%d", n, l), func(t *testing.T) {
			y := scaledGaussian(n, l, 4)
			q1, q := make([]float32, n*l), make([]float32, n*l)
			if !cholQR(q1, y, n, l) || !cholQR(q, q1, n, l) {
				t.Fatal("cholQR failed on independent columns")
			}
			qd, yd := dense32(q, n, l), dense32(y, n, l)
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

			// A repeated column, or for one column a zero one: yᵀ·y is
			// singular.
			for i := 0; i < n; i++ {
				if l == 1 {
					y[i] = 0
				} else {
					y[i*l+l-1] = y[i*l+(l-1)/2]
				}
			}
			if cholQR(q, y, n, l) {
				t.Error("cholQR succeeded on dependent columns")
			}
			if l == 1 {
				return
			}
			householderQR(q, y, n, l)
			qd = dense32(q, n, l)
			qtq.Mul(qd.T(), qd)
			for i := 0; i < l; i++ {
				if d := math.Abs(qtq.At(i, i) - 1); d > 1e-5 {
					t.Fatalf("householderQR: (QᵀQ)[%d,%d] = %g, want 1", i, i, qtq.At(i, i))
				}
			}
		})
	}
}

// TestCholQRDeterministic checks that cholQR's result does not depend on
// the number of goroutines its products and factorisation run on.
func TestCholQRDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, size := range cholQRSizes {
		n, l := size.n, size.l
		y := scaledGaussian(n, l, 5)
		var want []float32
		for _, procs := range []int{1, 2, 3, 8} {
			runtime.GOMAXPROCS(procs)
			q := make([]float32, n*l)
			if !cholQR(q, y, n, l) {
				t.Fatalf("%d × %d on %d processors: cholQR failed", n, l, procs)
			}
			if want == nil {
				want = q
			} else if !slices.Equal(q, want) {
				t.Fatalf("%d × %d: the result on %d processors differs from that on one", n, l, procs)
			}
		}
	}
}

// TestCholesky checks cholesky against gonum's factorisation of yᵀ·y for a
// Gaussian y, for sizes around cholBlock and tileOuter, and that it leaves
// the strict lower triangle alone and rejects an indefinite matrix.
func TestCholesky(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, l := range []int{1, 2, 5, 64, 127, 128, 129, 257, 300, 520} {
		n := 2*l + 10
		y := mat.NewDense(n, l, nil)
		for i := range y.RawMatrix().Data {
			y.RawMatrix().Data[i] = rng.NormFloat64()
		}
		var w mat.SymDense
		w.SymOuterK(1, y.T())
		var ch mat.Cholesky
		if !ch.Factorize(&w) {
			t.Fatalf("l = %d: gonum failed", l)
		}
		var want mat.TriDense
		ch.UTo(&want)

		a := make([]float64, l*l)
		for i := 0; i < l; i++ {
			for j := 0; j < l; j++ {
				a[i*l+j] = w.At(i, j)
			}
		}
		if !cholesky(a, l, make([]float32, l*((l+63)&^63))) {
			t.Fatalf("l = %d: cholesky failed on a positive definite matrix", l)
		}
		for i := 0; i < l; i++ {
			for j := 0; j < l; j++ {
				got := a[i*l+j]
				if j < i {
					if got != w.At(i, j) {
						t.Fatalf("l = %d: a[%d,%d] below the diagonal changed to %g from %g", l, i, j, got, w.At(i, j))
					}
					continue
				}
				// Relative to the row's scale, R's diagonal entry.
				if d := math.Abs(got - want.At(i, j)); d > 1e-5*want.At(i, i) {
					t.Fatalf("l = %d: R[%d,%d] = %g, want %g", l, i, j, got, want.At(i, j))
				}
			}
		}

		// An indefinite matrix: one negative diagonal entry, in the last
		// block.
		for i := 0; i < l; i++ {
			for j := 0; j < l; j++ {
				a[i*l+j] = w.At(i, j)
			}
		}
		a[(l-1)*l+l-1] = -1
		if cholesky(a, l, make([]float32, l*((l+63)&^63))) {
			t.Fatalf("l = %d: cholesky succeeded on an indefinite matrix", l)
		}
	}
}

// TestCholQRRejectsIllConditioned checks that cholQR refuses y when the
// condition number of yᵀ·y is over maxGramCond, and accepts it below:
// y = U·T with orthonormal columns U, so that yᵀ·y = TᵀT, for T of known
// singular values (then (max Rᵢᵢ / min Rᵢᵢ)² alone rejects it), and for T
// unit upper triangular with −c above the diagonal, whose inverse's
// entries grow as (1+c) to the distance from the diagonal while R's
// diagonal stays 1: only the estimate of condBelow sees it.
func TestCholQRRejectsIllConditioned(t *testing.T) {
	const n, l = 600, 200
	rng := rand.New(rand.NewPCG(7, 7))
	gauss := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range m.RawMatrix().Data {
			m.RawMatrix().Data[i] = rng.NormFloat64()
		}
		return m
	}
	orthonormal := func(r, c int) *mat.Dense {
		var qr mat.QR
		qr.Factorize(gauss(r, c))
		var q mat.Dense
		qr.QTo(&q)
		return mat.DenseCopyOf(q.Slice(0, r, 0, c))
	}
	u := orthonormal(n, l)
	check := func(name string, tm *mat.Dense, wantOK, estimate bool) {
		var yd mat.Dense
		yd.Mul(u, tm)
		var g mat.Dense
		g.Mul(tm.T(), tm)
		cond := mat.Cond(&g, 1)
		if wantOK != (cond <= maxGramCond) {
			t.Fatalf("%s: the test matrix's condition number is %g", name, cond)
		}
		y := make([]float32, n*l)
		for i, v := range yd.RawMatrix().Data {
			y[i] = float32(v)
		}
		if got := cholQR(make([]float32, n*l), y, n, l); got != wantOK {
			t.Errorf("%s, cond(yᵀ·y) = %.3g: cholQR reports %v, want %v", name, cond, got, wantOK)
		}
		if !estimate {
			return
		}
		// Only condBelow's estimate should see the condition number.
		w := gramTN32(y, n, l)
		if !cholesky(w, l, make([]float32, l*((l+63)&^63))) {
			t.Fatalf("%s: cholesky failed", name)
		}
		lo, hi := math.Inf(1), 0.0
		for i := 0; i < l; i++ {
			lo, hi = min(lo, w[i*l+i]), max(hi, w[i*l+i])
		}
		if r := hi / lo * (hi / lo); r > maxGramCond/10 {
			t.Fatalf("%s: (max Rᵢᵢ / min Rᵢᵢ)² = %g", name, r)
		}
	}
	// Singular values from 1 down to 1/s, in random directions.
	for _, s := range []float64{30, 1000} {
		v := orthonormal(l, l)
		var tm mat.Dense
		tm.Scale(1, v)
		for i := 0; i < l; i++ {
			row := tm.RawRowView(i)
			for j := range row {
				row[j] *= math.Pow(s, -float64(i)/float64(l-1))
			}
		}
		check(fmt.Sprintf("singular values to 1/%g", s), &tm, s*s <= maxGramCond, false)
	}
	// Unit upper triangular.
	for _, c := range []float64{0.005, 0.03} {
		tm := mat.NewDense(l, l, nil)
		for i := 0; i < l; i++ {
			tm.Set(i, i, 1)
			for j := i + 1; j < l; j++ {
				tm.Set(i, j, -c)
			}
		}
		check(fmt.Sprintf("unit triangular, %g", c), tm, c < 0.01, true)
	}
}

// BenchmarkCholQR times cholQR at the size of the 20 newsgroups fit: the
// 11,314 training texts and l = 2,058 columns (k = 2,048 components and
// p = 10), on a Gaussian matrix ("all"), and its three parts: the Gram
// matrix yᵀ·y ("gram"), factorGram, the factorisation of yᵀ·y and the
// check of its condition number ("factor"), and the triangular solve
// ("solve").
func BenchmarkCholQR(b *testing.B) {
	const n, l = 11314, 2058
	rng := rand.New(rand.NewPCG(1, 2))
	y := make([]float32, n*l)
	for i := range y {
		y[i] = float32(rng.NormFloat64())
	}
	q := make([]float32, n*l)
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			if !cholQR(q, y, n, l) {
				b.Fatal("cholQR failed on a Gaussian matrix")
			}
		}
	})
	b.Run("gram", func(b *testing.B) {
		for b.Loop() {
			gramTN32(y, n, l)
		}
	})
	w0 := gramTN32(y, n, l)
	w := make([]float64, l*l)
	b.Run("factor", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			copy(w, w0)
			b.StartTimer()
			if _, ok := factorGram(w, l); !ok {
				b.Fatal("factorGram failed on a Gaussian matrix")
			}
		}
	})
	b.Run("solve", func(b *testing.B) {
		copy(w, w0)
		rf, ok := factorGram(w, l)
		if !ok {
			b.Fatal("factorGram failed on a Gaussian matrix")
		}
		for b.Loop() {
			solveUpper32(q, y, w, n, l, rf)
		}
	})
}
