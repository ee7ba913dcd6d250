package lsa

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// lowRankCSR returns a dense rows × cols matrix, stored as a csr, whose
// singular values decay as 0.7^i, and the matrix as a mat.Dense.
func lowRankCSR(rng *rand.Rand, rows, cols int) (*csr, *mat.Dense) {
	orth := func(n, k int) *mat.Dense {
		g := mat.NewDense(n, k, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < k; j++ {
				g.Set(i, j, rng.NormFloat64())
			}
		}
		var qr mat.QR
		qr.Factorize(g)
		var q mat.Dense
		qr.QTo(&q)
		return mat.DenseCopyOf(q.Slice(0, n, 0, k))
	}
	r := min(rows, cols)
	u, v := orth(rows, r), orth(cols, r)
	s := mat.NewDiagDense(r, nil)
	for i := 0; i < r; i++ {
		s.SetDiag(i, 10*math.Pow(0.7, float64(i)))
	}
	var d mat.Dense
	d.Product(u, s, v.T())
	a := &csr{rows: rows, cols: cols, ptr: make([]int, rows+1)}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			a.ind = append(a.ind, int32(j))
			a.val = append(a.val, d.At(i, j))
		}
		a.ptr[i+1] = len(a.ind)
	}
	return a, &d
}

// TestRandomizedSVDAgainstGonum checks the randomized SVD against gonum's
// exact mat.SVD on a small matrix: the same top singular values and, up to
// sign, the same right singular vectors.
func TestRandomizedSVDAgainstGonum(t *testing.T) {
	const rows, cols, k = 40, 60, 6
	a, d := lowRankCSR(rand.New(rand.NewPCG(7, 8)), rows, cols)
	var svd mat.SVD
	if !svd.Factorize(d, mat.SVDThin) {
		t.Fatal("mat.SVD did not converge")
	}
	wantSigma := svd.Values(nil)
	var wantV mat.Dense
	svd.VTo(&wantV)

	z, top, sigma, err := randomizedSVD(context.Background(), a, k, 10, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got mat.Dense
	got.Mul(z, top) // cols × k: the right singular vectors
	for c := 0; c < k; c++ {
		if math.Abs(sigma[c]-wantSigma[c]) > 1e-9*wantSigma[0] {
			t.Errorf("σ%d = %.12g, want %.12g", c, sigma[c], wantSigma[c])
		}
		dot := mat.Dot(got.ColView(c), wantV.ColView(c))
		if math.Abs(math.Abs(dot)-1) > 1e-8 {
			t.Errorf("right singular vector %d: |cos| with mat.SVD's = %.12f, want 1", c, math.Abs(dot))
		}
	}
}
