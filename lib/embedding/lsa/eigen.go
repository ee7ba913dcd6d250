package lsa

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// topEigen returns the k largest eigenvalues of the Gram matrix G = a·aᵀ
// of the training texts, largest first, and their eigenvectors as the
// columns of an a.rows × k matrix. G is never formed: every product with it
// is two sparse products (see gram), so memory grows with the number of
// texts times k, never with the vocabulary.
//
// It is the randomized range finder of Halko, Martinsson and Tropp (2011),
// algorithm 4.3 with q subspace iterations, on G: a Gaussian test matrix of
// l = k+p columns multiplied q times by G, its columns rescaled after each
// product (G's eigenvalue ratios stay far from float64's limit for the few
// iterations used, so a single orthonormalisation at the end keeps the
// subspace), then the Rayleigh–Ritz step: the small l × l problem Qᵀ·G·Q
// solved exactly by a symmetric eigensolver. When l would be the number of
// texts, G is formed and decomposed exactly instead.
func topEigen(ctx context.Context, a, at *csr, k, p, q int, seed uint64) (lambda []float64, u *mat.Dense, err error) {
	n := a.rows
	l := min(k+p, n)
	if l >= n {
		return exactEigen(ctx, a, at, k)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed_15a_0ff1ce))
	y := mat.NewDense(n, l, nil)
	yd := y.RawMatrix().Data
	for i := range yd {
		yd[i] = rng.NormFloat64()
	}
	z := mat.NewDense(n, l, nil)
	var scratch gramScratch
	for it := 0; it < q; it++ {
		if err := gram(ctx, z, y, a, at, &scratch); err != nil {
			return nil, nil, err
		}
		normalizeColumns(z)
		y, z = z, y
	}
	orthonormalize(y)
	if err := gram(ctx, z, y, a, at, &scratch); err != nil {
		return nil, nil, err
	}
	var m mat.Dense
	m.Mul(y.T(), z) // Qᵀ·G·Q
	vals, w, err := symEigen(&m)
	if err != nil {
		return nil, nil, err
	}
	// The top k of vals and w, largest first; z's storage is free again.
	top := mat.NewDense(l, k, nil)
	lambda = make([]float64, k)
	for c := 0; c < k; c++ {
		lambda[c] = vals[l-1-c]
		top.SetCol(c, mat.Col(nil, l-1-c, w))
	}
	fixSigns(top)
	u = z.Slice(0, n, 0, k).(*mat.Dense)
	u.Mul(y, top)
	return lambda, u, nil
}

// exactEigen returns the k largest eigenvalues of a·aᵀ and their
// eigenvectors, forming the matrix: for a few thousand texts at most.
func exactEigen(ctx context.Context, a, at *csr, k int) ([]float64, *mat.Dense, error) {
	n := a.rows
	id := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		id.Set(i, i, 1)
	}
	g := mat.NewDense(n, n, nil)
	if err := gram(ctx, g, id, a, at, new(gramScratch)); err != nil {
		return nil, nil, err
	}
	vals, w, err := symEigen(g)
	if err != nil {
		return nil, nil, err
	}
	u := mat.NewDense(n, k, nil)
	lambda := make([]float64, k)
	for c := 0; c < k; c++ {
		lambda[c] = vals[n-1-c]
		u.SetCol(c, mat.Col(nil, n-1-c, w))
	}
	fixSigns(u)
	return lambda, u, nil
}

// symEigen returns the eigenvalues (ascending) and eigenvectors of the
// symmetric part of the square matrix m.
func symEigen(m *mat.Dense) ([]float64, *mat.Dense, error) {
	l, _ := m.Dims()
	s := mat.NewSymDense(l, nil)
	for i := 0; i < l; i++ {
		for j := i; j < l; j++ {
			s.SetSym(i, j, (m.At(i, j)+m.At(j, i))/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(s, true) {
		return nil, nil, errors.New("lsa: the eigendecomposition did not converge")
	}
	var w mat.Dense
	eig.VectorsTo(&w)
	return eig.Values(nil), &w, nil
}

// fixSigns makes the largest coefficient of every column positive, so that
// results do not depend on the eigensolver's arbitrary choice of sign.
func fixSigns(m *mat.Dense) {
	r, c := m.Dims()
	for j := 0; j < c; j++ {
		best, sign := 0.0, 1.0
		for i := 0; i < r; i++ {
			if v := m.At(i, j); math.Abs(v) > best {
				best, sign = math.Abs(v), math.Copysign(1, v)
			}
		}
		if sign < 0 {
			for i := 0; i < r; i++ {
				m.Set(i, j, -m.At(i, j))
			}
		}
	}
}

// normalizeColumns scales every non-zero column of m to unit norm.
func normalizeColumns(m *mat.Dense) {
	r, c := m.Dims()
	raw := m.RawMatrix()
	norms := make([]float64, c)
	for i := 0; i < r; i++ {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
			norms[j] += v * v
		}
	}
	for j := range norms {
		if norms[j] > 0 {
			norms[j] = 1 / math.Sqrt(norms[j])
		}
	}
	for i := 0; i < r; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+c]
		for j := range row {
			row[j] *= norms[j]
		}
	}
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
