package lsa

import (
	"context"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// topEigen returns the k largest eigenvalues of the Gram matrix G = a·aᵀ
// of the training texts, largest first, and their eigenvectors as the
// columns of a row-major a.rows × k float32 matrix. G is never formed:
// every product with it is two sparse products (see gram32), so memory
// grows with the number of texts times k, never with the vocabulary.
//
// It is the randomized subspace iteration of Halko, Martinsson and Tropp
// (2011), algorithm 4.4 with q iterations, on G: a Gaussian test matrix
// of l = k+p columns multiplied q times by G and orthonormalised after
// each product, then the Rayleigh–Ritz step: the small l × l problem
// Qᵀ·G·Q solved exactly by a symmetric eigensolver. Everything large is
// float32, made with the vector kernels of internal/gemm32: the sparse
// products, the orthonormalisations (CholeskyQR, see cholQR, and a second
// pass at the end) and the products with Q. Orthonormalising after every
// product keeps the basis well conditioned (G·Q's condition number is G's
// eigenvalue ratio over the l components, 28 for 20 Newsgroups), which
// float32 and CholeskyQR need; their rounding, relative 1e-6, is far below
// what the approximation itself leaves. When l would be half the number of
// texts or more, G is formed and decomposed exactly instead, in float64:
// for so few texts that is as quick, and the randomized approximation of
// the last components, which are then most of the texts' directions, is
// coarse.
func topEigen(ctx context.Context, a, at *csr, k, p, q int, seed uint64) (lambda []float64, u []float32, err error) {
	n := a.rows
	l := min(k+p, n)
	if 2*l >= n {
		return exactEigen(ctx, a, at, k)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed_15a_0ff1ce))
	y := make([]float32, n*l)
	for i := range y {
		y[i] = float32(rng.NormFloat64())
	}
	z := make([]float32, n*l)
	a32, at32 := a.to32(), at.to32()
	var scratch gramScratch32
	orth := func(dst, src []float32) {
		if !cholQR(dst, src, n, l) {
			householderFallbacks.Add(1)
			householderQR(dst, src, n, l)
		}
	}
	for it := 0; it < q; it++ {
		if err := gram32(ctx, z, y, l, a32, at32, &scratch); err != nil {
			return nil, nil, err
		}
		orth(y, z)
	}
	// A second pass makes the basis orthonormal to float32's precision.
	orth(z, y)
	y, z = z, y
	if err := gram32(ctx, z, y, l, a32, at32, &scratch); err != nil {
		return nil, nil, err
	}
	scratch = gramScratch32{}
	m := mulTN32(y, z, n, l, l) // Qᵀ·G·Q
	z = nil
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	vals, vecs, err := symEigen(mat.NewDense(l, l, m))
	if err != nil {
		return nil, nil, err
	}
	// The top k of vals and vecs, largest first.
	top := make([]float32, k*l)
	lambda = make([]float64, k)
	for c := 0; c < k; c++ {
		lambda[c] = vals[l-1-c]
		copy(top[c*l:(c+1)*l], vecs[(l-1-c)*l:(l-c)*l])
	}
	u = mulNT32(y, top, n, l, k)
	fixSigns(u, n, k)
	return lambda, u, nil
}

// householderFallbacks counts the orthonormalisations that fell back to
// householderQR, for the tests.
var householderFallbacks atomic.Int64

// householderQR sets q to an orthonormal basis of y's columns by
// Householder QR in float64: cholQR's fallback when y's columns are
// dependent (a corpus with many repeated texts).
func householderQR(q, y []float32, n, l int) {
	m := mat.NewDense(n, l, nil)
	d := m.RawMatrix().Data
	for i, v := range y[:n*l] {
		d[i] = float64(v)
	}
	orthonormalize(m)
	for i, v := range d {
		q[i] = float32(v)
	}
}

// exactEigen returns the k largest eigenvalues of a·aᵀ and their
// eigenvectors, forming the matrix: for a few thousand texts at most.
func exactEigen(ctx context.Context, a, at *csr, k int) ([]float64, []float32, error) {
	n := a.rows
	id := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		id.Set(i, i, 1)
	}
	g := mat.NewDense(n, n, nil)
	if err := gram(ctx, g, id, a, at, new(gramScratch)); err != nil {
		return nil, nil, err
	}
	vals, vecs, err := symEigen(g)
	if err != nil {
		return nil, nil, err
	}
	u := make([]float32, n*k)
	lambda := make([]float64, k)
	for c := 0; c < k; c++ {
		lambda[c] = vals[n-1-c]
		for i, v := range vecs[(n-1-c)*n : (n-c)*n] {
			u[i*k+c] = v
		}
	}
	fixSigns(u, n, k)
	return lambda, u, nil
}

// to32 returns x in float32.
func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	toFloat32(y, x)
	return y
}

// fixSigns makes the largest coefficient of every column of the row-major
// rows × cols matrix m positive, so that results do not depend on the
// eigensolver's arbitrary choice of sign.
func fixSigns(m []float32, rows, cols int) {
	best := make([]float32, cols)
	neg := make([]bool, cols)
	for i := 0; i < rows; i++ {
		for j, v := range m[i*cols : (i+1)*cols] {
			if a := float32(math.Abs(float64(v))); a > best[j] {
				best[j], neg[j] = a, v < 0
			}
		}
	}
	for i := 0; i < rows; i++ {
		row := m[i*cols : (i+1)*cols]
		for j := range row {
			if neg[j] {
				row[j] = -row[j]
			}
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
