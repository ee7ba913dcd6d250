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

// TestTopEigenAgainstGonum checks the eigensolver against gonum's exact
// mat.SVD on a small matrix a: the eigenvalues of a·aᵀ are a's singular
// values squared, its eigenvectors a's left singular vectors (up to sign).
// Both routes are checked: the randomized one and the exact one for few
// texts.
func TestTopEigenAgainstGonum(t *testing.T) {
	const rows, cols = 60, 80
	a, d := lowRankCSR(rand.New(rand.NewPCG(7, 8)), rows, cols)
	var svd mat.SVD
	if !svd.Factorize(d, mat.SVDThin) {
		t.Fatal("mat.SVD did not converge")
	}
	sigma := svd.Values(nil)
	var wantU mat.Dense
	svd.UTo(&wantU)
	for _, tc := range []struct {
		name    string
		k, p, q int
	}{
		{"randomized", 6, 10, 4},
		{"exact", 20, 40, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lambda, u, err := topEigen(context.Background(), a, a.transpose(), tc.k, tc.p, tc.q, 1)
			if err != nil {
				t.Fatal(err)
			}
			for c := 0; c < tc.k; c++ {
				if want := sigma[c] * sigma[c]; math.Abs(lambda[c]-want) > 1e-9*sigma[0]*sigma[0] {
					t.Errorf("λ%d = %.12g, want σ² = %.12g", c, lambda[c], want)
				}
				dot := mat.Dot(u.ColView(c), wantU.ColView(c))
				if math.Abs(math.Abs(dot)-1) > 1e-8 {
					t.Errorf("eigenvector %d: |cos| with mat.SVD's left singular vector = %.12f, want 1", c, math.Abs(dot))
				}
			}
		})
	}
}
