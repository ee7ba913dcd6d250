package lsa

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// randomizedSVD returns the top k right singular vectors of a, as the
// product z·top of an a.cols × l and an l × k matrix (l = k+p), and the k
// singular values, largest first. The product is left to the caller: a
// sparse row times z then times top is cheaper than forming it.
//
// It follows Halko, Martinsson and Tropp (2011), algorithms 4.4 and 5.1: a
// Gaussian test matrix of k+p columns, q subspace iterations with the range
// re-orthonormalised by a thin QR after each product with a·aᵀ, then the
// small (k+p)×(k+p) problem solved exactly by a symmetric eigensolver. Only
// the n-row side is re-orthonormalised (n ≤ a few ten thousand texts), not
// the much taller vocabulary side: in float64 a few iterations lose nothing
// that matters here, and it saves most of the time.
func randomizedSVD(ctx context.Context, a *csr, k, p, q int, seed uint64) (z, top *mat.Dense, sigma []float64, err error) {
	l := min(k+p, a.rows, a.cols)
	at := a.transpose()
	rng := rand.New(rand.NewPCG(seed, 0x5eed_15a_0ff1ce))

	// y = a·Ω for a Gaussian Ω of a.cols × l, drawn a block at a time.
	y := mat.NewDense(a.rows, l, nil)
	a.mulGaussian(ctx, y, at, rng)
	z = mat.NewDense(a.cols, l, nil)
	for it := 0; it < q; it++ {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		orthonormalize(y)
		at.mulDense(z, y)
		a.mulDense(y, z)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	orthonormalize(y)
	at.mulDense(z, y) // z = aᵀ·Q = Bᵀ, with B = Qᵀ·a

	// B·Bᵀ = Qᵀ·(a·z) = W·Λ·Wᵀ; B's right singular vectors are z·W·Λ^(-1/2).
	// Qᵀ·(a·z) costs one more sparse product and an n×l×l one, much less
	// than zᵀ·z over the whole vocabulary.
	az := mat.NewDense(a.rows, l, nil)
	a.mulDense(az, z)
	var gd mat.Dense
	gd.Mul(y.T(), az)
	g := mat.NewSymDense(l, nil)
	for i := 0; i < l; i++ {
		for j := i; j < l; j++ {
			g.SetSym(i, j, (gd.At(i, j)+gd.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if ok := eig.Factorize(g, true); !ok {
		return nil, nil, nil, fmt.Errorf("lsa: eigendecomposition did not converge")
	}
	vals := eig.Values(nil) // ascending
	var w mat.Dense
	eig.VectorsTo(&w)
	top = mat.NewDense(l, k, nil)
	sigma = make([]float64, k)
	for c := 0; c < k; c++ {
		src := l - 1 - c
		s := math.Sqrt(math.Max(vals[src], 0))
		sigma[c] = s
		inv := 0.0
		if s > 0 {
			inv = 1 / s
		}
		for r := 0; r < l; r++ {
			top.Set(r, c, w.At(r, src)*inv)
		}
	}
	// Fix each component's sign (largest coefficient positive), so results
	// do not depend on the eigensolver's arbitrary choice.
	for c := 0; c < k; c++ {
		best, sign := 0.0, 1.0
		for r := 0; r < l; r++ {
			if v := top.At(r, c); math.Abs(v) > best {
				best, sign = math.Abs(v), math.Copysign(1, v)
			}
		}
		if sign < 0 {
			for r := 0; r < l; r++ {
				top.Set(r, c, -top.At(r, c))
			}
		}
	}
	return z, top, sigma, nil
}

// orthonormalize replaces the columns of m (rows ≥ columns) by an
// orthonormal basis of their span: the thin Q of m's QR factorisation.
func orthonormalize(m *mat.Dense) {
	raw := m.RawMatrix()
	g := blas64.General{Rows: raw.Rows, Cols: raw.Cols, Stride: raw.Stride, Data: raw.Data}
	tau := make([]float64, raw.Cols)
	work := make([]float64, 1)
	lapack64.Geqrf(g, tau, work, -1)
	lwork := int(work[0])
	lapack64.Orgqr(g, tau, work, -1)
	lwork = max(lwork, int(work[0]), raw.Cols)
	work = make([]float64, lwork)
	lapack64.Geqrf(g, tau, work, lwork)
	lapack64.Orgqr(g, tau, work, lwork)
}
