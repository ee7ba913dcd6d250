package lsa

import (
	"errors"
	"math"
	"sort"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/embedclassify/embedclassify/internal/parallel"
)

// symEigen returns the eigenvalues of the symmetric part of the square
// matrix m, ascending, and its eigenvectors, in float32, as the rows of a
// row-major l × l slice (row i belongs to eigenvalue i).
//
// It is LAPACK's dsyev route — Householder reduction to a tridiagonal
// matrix (gonum's Dsytrd, Dorgtr, or tridiag32 in float32 from
// tridiag32Min rows on), then implicit QL iterations on it (EISPACK's
// tql2) — with one change that makes it many times faster than gonum's
// Dsyev for a thousand rows and more: the plane rotations of each
// QL sweep are applied to the transposed eigenvector matrix, where each
// touches two contiguous rows, in parallel over blocks of columns. gonum's
// Dsteqr applies each rotation to two columns of a row-major matrix, a
// strided walk through all of it per rotation. The rotations are applied
// in float32, which halves the memory they sweep through: the eigenvalues
// are computed in float64 all the same, and the eigenvectors, whose
// orthonormality each rotation keeps to float32's rounding, are used in
// float32.
func symEigen(m *mat.Dense) ([]float64, []float32, error) {
	l, _ := m.Dims()
	a := make([]float64, l*l)
	for i := 0; i < l; i++ {
		for j := i; j < l; j++ {
			a[i*l+j] = (m.At(i, j) + m.At(j, i)) / 2
		}
	}
	d, e := make([]float64, l), make([]float64, l)
	if l == 1 {
		return []float64{a[0]}, []float32{1}, nil
	}
	var vt []float32
	if l >= tridiag32Min {
		a32 := make([]float32, l*l)
		for i := 0; i < l; i++ {
			for j := i; j < l; j++ {
				a32[i*l+j] = float32(a[i*l+j])
				a32[j*l+i] = a32[i*l+j]
			}
		}
		d, e, vt = tridiag32(a32, l)
	} else {
		vt = gonumTridiag(a, l, d, e)
	}
	e[l-1] = 0
	if err := tql2(d, e, vt); err != nil {
		return nil, nil, err
	}
	// Ascending order.
	idx := make([]int, l)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return d[idx[i]] < d[idx[j]] })
	vals := make([]float64, l)
	vecs := make([]float32, l*l)
	for r, i := range idx {
		vals[r] = d[i]
		copy(vecs[r*l:(r+1)*l], vt[i*l:(i+1)*l])
	}
	return vals, vecs, nil
}

// gonumTridiag reduces the symmetric l × l matrix a (upper triangle) to
// tridiagonal form with gonum's Dsytrd, sets its diagonal d and
// off-diagonal e, and returns Qᵀ in float32, Q being the reduction's
// orthogonal matrix (a = Q·T·Qᵀ).
func gonumTridiag(a []float64, l int, d, e []float64) []float32 {
	var impl gonum.Implementation
	tau := make([]float64, l-1)
	work := make([]float64, 1)
	impl.Dsytrd(blas.Upper, l, a, l, d, e, tau, work, -1)
	lwork := int(work[0])
	impl.Dorgtr(blas.Upper, l, a, l, tau, work, -1)
	work = make([]float64, max(lwork, int(work[0]), 1))
	impl.Dsytrd(blas.Upper, l, a, l, d, e, tau, work, len(work))
	impl.Dorgtr(blas.Upper, l, a, l, tau, work, len(work))
	// The eigenvectors of a are Q times those of T: the rotations that
	// diagonalise T act on the rows of Qᵀ.
	vt := make([]float32, l*l)
	parallel.Ranges(l, 0, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for j := 0; j < l; j++ {
				vt[j*l+i] = float32(a[i*l+j])
			}
		}
	})
	return vt
}

// errNoConvergence is returned when the QL iterations do not converge.
var errNoConvergence = errors.New("lsa: the eigendecomposition did not converge")

// tql2 diagonalises the symmetric tridiagonal matrix with diagonal d and
// off-diagonal e (e[i] between rows i and i+1, e[n-1] = 0) by implicit QL
// iterations with Wilkinson-like shifts (EISPACK's tql2, as in JAMA),
// leaving the eigenvalues in d and applying every rotation to the rows of
// the row-major n × n matrix vt, so that row i of vt ends as the
// eigenvector of d[i] when vt starts as the transpose of the reduction's
// orthogonal matrix.
func tql2(d, e []float64, vt []float32) error {
	n := len(d)
	cs, sn := make([]float32, n), make([]float32, n)
	var f, tst1 float64
	const eps = 0x1p-52
	iters := 0
	for l := 0; l < n; l++ {
		tst1 = max(tst1, math.Abs(d[l])+math.Abs(e[l]))
		m := l
		for m < n-1 && math.Abs(e[m]) > eps*tst1 {
			m++
		}
		for m > l {
			// LAPACK's limit: 30 iterations per eigenvalue on average.
			if iters++; iters > 30*n {
				return errNoConvergence
			}
			// Implicit shift.
			g := d[l]
			p := (d[l+1] - g) / (2 * e[l])
			r := math.Hypot(p, 1)
			if p < 0 {
				r = -r
			}
			d[l] = e[l] / (p + r)
			d[l+1] = e[l] * (p + r)
			dl1 := d[l+1]
			h := g - d[l]
			for i := l + 2; i < n; i++ {
				d[i] -= h
			}
			f += h
			// Implicit QL sweep from m-1 down to l.
			p = d[m]
			c, c2, c3 := 1.0, 1.0, 1.0
			el1 := e[l+1]
			s, s2 := 0.0, 0.0
			for i := m - 1; i >= l; i-- {
				c3, c2, s2 = c2, c, s
				g = c * e[i]
				h = c * p
				r = math.Hypot(p, e[i])
				e[i+1] = s * r
				s = e[i] / r
				c = p / r
				p = c*d[i] - s*g
				d[i+1] = h + s*(c*g+s*d[i])
				cs[i], sn[i] = float32(c), float32(s)
			}
			rotateRows(vt, n, l, m, cs, sn)
			p = -s * s2 * c3 * el1 * e[l] / dl1
			e[l] = s * p
			d[l] = c * p
			if math.Abs(e[l]) <= eps*tst1 {
				break
			}
		}
		d[l] += f
		e[l] = 0
	}
	for _, v := range d {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errNoConvergence
		}
	}
	return nil
}

// rotateRowsBlock is the number of columns of vt a worker rotates at a
// time: two rows of it stay in the first-level cache, and a sweep's rows in
// the second.
const rotateRowsBlock = 256

// rotateRows applies the rotations of one QL sweep, i = m-1 down to l, to
// rows i and i+1 of the row-major n × n matrix vt:
// (vt[i], vt[i+1]) ← (c·vt[i] − s·vt[i+1], s·vt[i] + c·vt[i+1]). Each
// column is rotated in the same order whatever the split, so the result
// does not depend on scheduling.
func rotateRows(vt []float32, n, l, m int, cs, sn []float32) {
	blocks := (n + rotateRowsBlock - 1) / rotateRowsBlock
	apply := func(lo, hi int) {
		for b := lo; b < hi; b++ {
			c0, c1 := b*rotateRowsBlock, min((b+1)*rotateRowsBlock, n)
			for i := m - 1; i >= l; i-- {
				c, s := cs[i], sn[i]
				rotate(vt[i*n+c0:i*n+c1], vt[(i+1)*n+c0:(i+1)*n+c1], c, s)
			}
		}
	}
	if (m-l)*n < 1<<15 {
		apply(0, blocks)
		return
	}
	parallel.Ranges(blocks, 0, apply)
}

// rotate sets (x[k], y[k]) to (c·x[k] − s·y[k], s·x[k] + c·y[k]).
func rotate(x, y []float32, c, s float32) {
	y = y[:len(x)]
	if n16 := len(x) &^ 15; hasFMA && n16 > 0 {
		rotateFMA(&x[0], &y[0], n16, c, s)
		x, y = x[n16:], y[n16:]
	}
	for k, xk := range x {
		yk := y[k]
		y[k] = s*xk + c*yk
		x[k] = c*xk - s*yk
	}
}
