package lsa

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// topEigen returns the k largest eigenvalues of the Gram matrix G = a·aᵀ
// of the training texts, largest first, and their eigenvectors as the
// columns of a row-major a.rows × k float32 matrix. G is never formed:
// every product with it is two sparse products (see gram), so memory grows
// with the number of texts times k, never with the vocabulary.
//
// It is the randomized range finder of Halko, Martinsson and Tropp (2011),
// algorithm 4.3 with q subspace iterations, on G: a Gaussian test matrix of
// l = k+p columns multiplied q times by G, its columns rescaled after each
// product (G's eigenvalue ratios stay far from float64's limit for the few
// iterations used, so a single orthonormalisation at the end keeps the
// subspace), then the Rayleigh–Ritz step: the small l × l problem Qᵀ·G·Q
// solved exactly by a symmetric eigensolver. The products with the
// orthonormal Q, Qᵀ·(G·Q) and Q times the small problem's eigenvectors,
// are made in float32 with the vector kernels of internal/gemm32: their
// rounding, relative 1e-6, is far below what the approximation itself
// leaves. When l would be half the number of texts or more, G is formed
// and decomposed exactly instead: for so few texts that is as quick, and
// the randomized approximation of the last components, which are then most
// of the texts' directions, is coarse.
func topEigen(ctx context.Context, a, at *csr, k, p, q int, seed uint64) (lambda []float64, u []float32, err error) {
	n := a.rows
	l := min(k+p, n)
	if 2*l >= n {
		return exactEigen(ctx, a, at, k)
	}
	t0 := time.Now()
	tick := func(what string) {
		if os.Getenv("LSATIME") != "" {
			fmt.Fprintf(os.Stderr, "%8.2fs %s\n", time.Since(t0).Seconds(), what)
		}
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
			householderQR(dst, src, n, l)
		}
		tick("orth")
	}
	for it := 0; it < q; it++ {
		if err := gram32(ctx, z, y, l, a32, at32, &scratch); err != nil {
			return nil, nil, err
		}
		tick("gram")
		orth(y, z)
	}
	// A second pass makes the basis orthonormal to float32's precision.
	orth(z, y)
	y, z = z, y
	if err := gram32(ctx, z, y, l, a32, at32, &scratch); err != nil {
		return nil, nil, err
	}
	scratch = gramScratch32{}
	tick("gram")
	m := mulTN32(y, z, n, l, l) // Qᵀ·G·Q
	z = nil
	tick("QtGQ")
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
	tick("symEigen")
	u = mulNT32(y, top, n, l, k)
	fixSigns(u, n, k)
	tick("U")
	return lambda, u, nil
}

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
	for i, v := range x {
		y[i] = float32(v)
	}
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
