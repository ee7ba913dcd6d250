package lsa

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
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
		tol     float64 // of the eigenvalues, relative to the largest
	}{
		// Qᵀ·G·Q is formed in float32.
		{"randomized", 6, 10, 4, 1e-6},
		{"exact", 20, 40, 4, 1e-9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lambda, u, err := topEigen(context.Background(), a, a.transpose(), tc.k, tc.p, tc.q, 1)
			if err != nil {
				t.Fatal(err)
			}
			for c := 0; c < tc.k; c++ {
				if want := sigma[c] * sigma[c]; math.Abs(lambda[c]-want) > tc.tol*sigma[0]*sigma[0] {
					t.Errorf("λ%d = %.12g, want σ² = %.12g", c, lambda[c], want)
				}
				var dot float64
				for i := 0; i < rows; i++ {
					dot += float64(u[i*tc.k+c]) * wantU.At(i, c)
				}
				if math.Abs(math.Abs(dot)-1) > 1e-6 {
					t.Errorf("eigenvector %d: |cos| with mat.SVD's left singular vector = %.12f, want 1", c, math.Abs(dot))
				}
			}
		})
	}
}

// TestSymEigenAgainstGonum checks symEigen against gonum's mat.EigenSym on
// random symmetric matrices, small and large enough for the rotations to be
// applied in parallel blocks, with the vector rotation kernel and without,
// reduced to tridiagonal form by gonum and by tridiag32:
// the same eigenvalues, and eigenvectors that are orthonormal and satisfy
// m·v = λ·v to float32's precision.
func TestSymEigenAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		n        int
		fma, f32 bool
	}{{1, hasFMA, false}, {2, hasFMA, false}, {3, hasFMA, false}, {17, hasFMA, false}, {300, hasFMA, false}, {520, hasFMA, false}, {17, false, false}, {300, false, false},
		{2, hasFMA, true}, {3, hasFMA, true}, {17, hasFMA, true}, {300, hasFMA, true}, {520, hasFMA, true}, {17, false, true}, {300, false, true}} {
		n := tc.n
		t.Run(fmt.Sprintf("%d/fma=%v/tridiag32=%v", n, tc.fma, tc.f32), func(t *testing.T) {
			defer func(v bool, m int) { hasFMA, tridiag32Min = v, m }(hasFMA, tridiag32Min)
			hasFMA = tc.fma
			tridiag32Min = math.MaxInt
			if tc.f32 {
				tridiag32Min = 0
			}
			m := mat.NewDense(n, n, nil)
			s := mat.NewSymDense(n, nil)
			for i := 0; i < n; i++ {
				for j := i; j < n; j++ {
					v := rng.NormFloat64()
					if i == j && i%5 == 0 {
						v = 3 // repeated eigenvalues are the hard case
					}
					m.Set(i, j, v)
					m.Set(j, i, v)
					s.SetSym(i, j, v)
				}
			}
			var eig mat.EigenSym
			if !eig.Factorize(s, false) {
				t.Fatal("mat.EigenSym did not converge")
			}
			want := eig.Values(nil)
			vals, vecs, err := symEigen(m)
			if err != nil {
				t.Fatal(err)
			}
			scale := math.Max(math.Abs(want[0]), math.Abs(want[n-1]))
			tol := 1e-12 // the reduction in float64
			if tc.f32 {
				tol = 2e-7
			}
			for i := range want {
				if math.Abs(vals[i]-want[i]) > tol*scale*float64(n) {
					t.Fatalf("λ%d = %.15g, want %.15g", i, vals[i], want[i])
				}
			}
			// The eigenvectors are rotated in float32.
			v64 := make([]float64, len(vecs))
			for i, x := range vecs {
				v64[i] = float64(x)
			}
			var worst, worstOrth float64
			mv := make([]float64, n)
			for i := 0; i < n; i++ {
				v := v64[i*n : (i+1)*n]
				for r := 0; r < n; r++ {
					mv[r] = floats.Dot(m.RawRowView(r), v)
				}
				floats.AddScaled(mv, -vals[i], v)
				worst = math.Max(worst, floats.Norm(mv, 2))
				for j := i; j < n; j++ {
					d := floats.Dot(v, v64[j*n:(j+1)*n])
					if i == j {
						d--
					}
					worstOrth = math.Max(worstOrth, math.Abs(d))
				}
			}
			if worst > 2e-7*scale*float64(n) || worstOrth > 2e-7*float64(n) {
				t.Errorf("largest residual |m·v - λ·v| = %g, largest |vᵢ·vⱼ - δᵢⱼ| = %g", worst, worstOrth)
			}
		})
	}
}

// TestFoldInMatchesVocabularySVD checks the document-space route end to
// end against the textbook one: a text's vector must be its TF-IDF row
// projected on the right singular vectors of the training texts' TF-IDF
// matrix (gonum's mat.SVD of it, dense, vocabulary-wide), each component
// scaled by (σ/σ₁)^(-Whiten), and normalised, up to each component's sign,
// through both of Embed's routes (few texts, and a batch).
func TestFoldInMatchesVocabularySVD(t *testing.T) {
	ctx := context.Background()
	for _, whiten := range []float64{0.5, 1, -1} {
		t.Run(fmt.Sprint("whiten=", whiten), func(t *testing.T) {
			m, err := Fit(ctx, corpus, Config{Dims: 3, MinDF: 1, Whiten: whiten})
			if err != nil {
				t.Fatal(err)
			}
			w := max(whiten, 0)
			docs, err := countAll(ctx, corpus, m.feat)
			if err != nil {
				t.Fatal(err)
			}
			a := m.tfidf(docs)
			d := mat.NewDense(a.rows, a.cols, nil)
			for i := 0; i < a.rows; i++ {
				for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
					d.Set(i, int(a.ind[p]), a.val[p])
				}
			}
			var svd mat.SVD
			if !svd.Factorize(d, mat.SVDThin) {
				t.Fatal("mat.SVD did not converge")
			}
			sigma := svd.Values(nil)
			var u, v mat.Dense
			svd.UTo(&u)
			svd.VTo(&v)
			k := m.Dim()
			// The sign of each component: the model's projection column is
			// its left singular vector times a positive factor.
			sign := make([]float64, k)
			for c := 0; c < k; c++ {
				var s float64
				for i := 0; i < m.nDocs; i++ {
					s += float64(m.proj[i*k+c]) * u.At(i, c)
				}
				sign[c] = math.Copysign(1, s)
			}
			texts := append(slices.Clone(probe), corpus[0], corpus[4])
			batch := slices.Repeat(texts, smallBatch)
			few, err := m.Embed(ctx, texts)
			if err != nil {
				t.Fatal(err)
			}
			many, err := m.Embed(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			for i, text := range texts {
				r := m.weigh(countTerms(textKeys(nil, text, m.feat)))
				want := make([]float64, k)
				for c := range want {
					for p, j := range r.ind {
						want[c] += r.val[p] * v.At(int(j), c)
					}
					want[c] *= sign[c] * math.Pow(sigma[c]/sigma[0], -w)
				}
				normalizeInPlace(want)
				for route, got := range map[string][]float32{"few": few[i], "batch": many[i]} {
					for c := range want {
						if math.Abs(float64(got[c])-want[c]) > 1e-5 {
							t.Fatalf("%q (%s): vector %v, want %v from the vocabulary-space SVD", text, route, got, want)
						}
					}
				}
			}
		})
	}
}
