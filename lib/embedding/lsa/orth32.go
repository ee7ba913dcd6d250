package lsa

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/embedclassify/embedclassify/internal/gemm32"
	"github.com/embedclassify/embedclassify/internal/parallel"
)

// maxGramCond is the largest condition number of yᵀ·y that cholQR
// accepts: a thousandth of the inverse of the float32 products' relative
// rounding.
const maxGramCond = 1e5

// Blocks of cholQR's factorisation and solve. cholBlock and cholPanel are
// multiples of 64, the column block of gemm32.TN's vector kernel, so that
// every tile of the trailing updates and every column range of the block
// rows' solves starts on such a block.
const (
	cholBlock  = 128 // rows of the Cholesky factor per step of cholesky
	cholPanel  = 128 // columns per task of its block row's solve
	cholSub    = 16  // rows per sub-block of that solve
	solveBlock = 128 // columns of q per step of solveUpper32
)

// cholQR sets q, n × l, to y·R⁻¹, where R is the Cholesky factor of
// yᵀ·y: q spans y's columns and is orthonormal up to the rounding of yᵀ·y
// and of R, relative 1e-6 times yᵀ·y's condition number, the square of
// y's (CholeskyQR; a second pass on q makes it orthonormal to float32's
// precision, as CholeskyQR2 does). It reports false, leaving q
// unspecified, when yᵀ·y is not positive definite or its condition number
// is over maxGramCond: y's columns are dependent, or too close to it for
// float32 (the rounding would then leave q far from orthonormal). The
// caller then falls back to Householder QR.
//
// The condition number checked is the 1-norm estimate of LAPACK's dpocon,
// what gonum's Cholesky.Cond returned when cholQR used it (see condBelow),
// after a test that costs nothing: (max Rᵢᵢ / min Rᵢᵢ)². Both are lower
// bounds of the 1-norm condition number, dpocon's rarely more than a few
// times below it, so a matrix somewhat worse than maxGramCond may pass.
// That costs only some orthonormality, which the second pass restores: q
// spans y whenever R exists, and a matrix whose factorisation meets a
// pivot ≤ 0 is always rejected.
//
// It replaces Householder QR (LAPACK's dgeqrf and dorgqr, which gonum runs
// in float64, several times slower) because nearly all its work is in
// the float32 vector kernels of internal/gemm32, on every core: the Gram
// matrix (gramTN32), the trailing updates of the blocked Cholesky
// factorisation (cholesky) and the triangular solve q·R = y
// (solveUpper32). BenchmarkCholQR times each part.
func cholQR(q, y []float32, n, l int) bool {
	w := gramTN32(y, n, l)
	rf, ok := factorGram(w, l)
	if !ok {
		return false
	}
	solveUpper32(q, y, w, n, l, rf)
	return true
}

// factorGram overwrites the upper triangle of the row-major l × l matrix
// w = yᵀ·y with its Cholesky factor R and reports whether w is positive
// definite with a condition number of at most maxGramCond (see cholQR).
// It returns cholesky's float32 scratch, for solveUpper32.
func factorGram(w []float64, l int) ([]float32, bool) {
	anorm := maxRowSum(w, l)
	rf := make([]float32, l*((l+63)&^63))
	return rf, cholesky(w, l, rf) && condBelow(w, l, anorm, maxGramCond)
}

// cholesky overwrites the upper triangle of the row-major l × l symmetric
// matrix a with its Cholesky factor R, a = RᵀR, leaving the strict lower
// triangle as it is, and reports whether a is positive definite (when it
// is not, the factorisation stops at the first pivot ≤ 0 or NaN, leaving a
// partly factored). rf, at least l × ((l+63) &^ 63) elements, all zero, is
// scratch: R's rows in float32, padded to a multiple of 64 columns.
//
// It is LAPACK's right-looking blocked algorithm (dpotrf), cholBlock rows
// at a time: the diagonal block A₁₁ = R₁₁ᵀR₁₁ factored by gonum in
// float64; the block row to its right solved, R₁₂ = R₁₁⁻ᵀ·A₁₂ (see
// panelSolve), in parallel over ranges of columns; and the trailing
// matrix updated, A₂₂ −= R₁₂ᵀ·R₁₂, by gemm32.TN on R₁₂'s float32 copy in
// parallel over tiles, each tile's product subtracted from the float64
// matrix. The updates are nearly all the l³/3 multiply-adds, so their
// float32 rounding matters most: relative 1e-7 per factor and per
// partial sum, of the order of yᵀ·y's own rounding (summed in float32 over
// blocks too), and a's running sums stay in float64. Every element's sums
// run in an order fixed by the blocks, whatever the goroutines' schedule.
//
// It is hand-written rather than gonum's Cholesky and triangular inverse
// because gonum's LAPACK is float64 only and, at these sizes, mostly
// serial with 2-wide vectors, where this uses the 8-wide fused
// multiply-adds of gemm32 on every core (about fifteen times faster for
// the fit's sizes: BenchmarkCholQR).
func cholesky(a []float64, l int, rf []float32) bool {
	ldf := (l + 63) &^ 63
	if len(a) < l*l || len(rf) < l*ldf {
		panic(fmt.Sprintf("lsa: cholesky of %d × %d with %d and %d elements", l, l, len(a), len(rf)))
	}
	for k0 := 0; k0 < l; k0 += cholBlock {
		k1 := min(k0+cholBlock, l)
		kb := k1 - k0
		if _, ok := lapack64.Potrf(blas64.Symmetric{N: kb, Stride: l, Data: a[k0*l+k0:], Uplo: blas.Upper}); !ok {
			return false
		}
		for i := k0; i < k1; i++ {
			toFloat32(rf[i*ldf+i:i*ldf+k1], a[i*l+i:i*l+k1])
		}
		m := l - k1
		if m == 0 {
			break
		}
		chunks := (ldf - k1 + cholPanel - 1) / cholPanel
		parallel.Ranges(chunks, 1, func(lo, hi int) {
			tmp := make([]float32, cholSub*cholPanel)
			for t := lo; t < hi; t++ {
				c0 := k1 + t*cholPanel
				panelSolve(a, l, rf, ldf, k0, k1, c0, min(c0+cholPanel, ldf), tmp)
			}
		})
		// The trailing update, by rows of tileOuter × tileOuter tiles on
		// and above the diagonal.
		rows := (m + tileOuter - 1) / tileOuter
		parallel.Ranges(rows, 1, func(lo, hi int) {
			tmp := make([]float32, tileOuter*tileOuter)
			for t := lo; t < hi; t++ {
				u0 := k1 + t*tileOuter
				updateRows(a, l, rf, ldf, k0, kb, u0, min(u0+tileOuter, l), tmp)
			}
		})
	}
	return true
}

// updateRows subtracts R₁₂ᵀ·R₁₂ from the rows [u0, u1) of the trailing
// matrix of cholesky's a, on and above the diagonal only, for the block
// row R₁₂ of kb rows from k0 in rf: tile by tile of tileOuter columns, the
// tile on the diagonal 64 rows at a time from the diagonal on. The tiles'
// columns past l are rf's zero padding, which keeps gemm32.TN on its
// vector kernel. u0 is a multiple of 64; tmp holds tileOuter² elements.
func updateRows(a []float64, l int, rf []float32, ldf, k0, kb, u0, u1 int, tmp []float32) {
	for c0 := u0; c0 < l; c0 += tileOuter {
		c1 := min(c0+tileOuter, l)
		step := u1 - u0
		if c0 == u0 {
			step = 64
		}
		for v0 := u0; v0 < u1; v0 += step {
			v1 := min(v0+step, u1)
			s0 := max(c0, v0)
			n64 := min(c0+tileOuter, ldf) - s0
			gemm32.TN(v1-v0, n64, kb, rf[k0*ldf+v0:], ldf, rf[k0*ldf+s0:], ldf, tmp, n64)
			for v := v0; v < v1; v++ {
				from := max(s0, v)
				row := a[v*l+from : v*l+c1]
				for c, x := range tmp[(v-v0)*n64+from-s0 : (v-v0)*n64+c1-s0] {
					row[c] -= float64(x)
				}
			}
		}
	}
}

// panelSolve solves R₁₁ᵀ·X = A₁₂ for the columns [c0, c1) of the block
// row [k0, k1) of cholesky's a, R₁₁ being the factored diagonal block, and
// copies X to rf: c0 and c1 are multiples of 64, c1 at most ldf, and the
// columns past l are rf's zero padding. The rows are taken cholSub at a
// time: the terms of the rows already solved by gemm32.TN from their
// float32 copies, those within the sub-block by forward substitution in
// float64. Like the trailing update, it rounds to float32 only the
// products' factors and partial sums of fewer than cholBlock terms, and
// substitution, unlike a product with R₁₁⁻¹, is backward stable whatever
// R₁₁'s condition number. tmp holds at least cholSub × (c1 − c0) elements.
func panelSolve(a []float64, l int, rf []float32, ldf, k0, k1, c0, c1 int, tmp []float32) {
	nc, cr := c1-c0, min(c1, l)
	for s0 := k0; s0 < k1; s0 += cholSub {
		s1 := min(s0+cholSub, k1)
		if s0 > k0 {
			// Rows [s0, s1) −= R[k0:s0, s0:s1]ᵀ·X[k0:s0, c0:c1].
			gemm32.TN(s1-s0, nc, s0-k0, rf[k0*ldf+s0:], ldf, rf[k0*ldf+c0:], ldf, tmp, nc)
			for i := s0; i < s1; i++ {
				row := a[i*l+c0 : i*l+cr]
				for c, v := range tmp[(i-s0)*nc : (i-s0)*nc+cr-c0] {
					row[c] -= float64(v)
				}
			}
		}
		for i := s0; i < s1; i++ {
			row := a[i*l+c0 : i*l+cr]
			for p := s0; p < i; p++ {
				rpi := a[p*l+i]
				for c, v := range a[p*l+c0 : p*l+cr] {
					row[c] -= rpi * v
				}
			}
			d := a[i*l+i]
			for c := range row {
				row[c] /= d
			}
			toFloat32(rf[i*ldf+c0:i*ldf+cr], row)
		}
	}
}

// toFloat32 sets dst to src rounded to float32.
func toFloat32(dst []float32, src []float64) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = float32(v)
	}
}

// condBelow reports whether RᵀR, for the row-major l × l upper
// triangular Cholesky factor R (the upper triangle of r) of a matrix of
// 1-norm anorm, has an estimated condition number of at most limit.
//
// It checks first (max Rᵢᵢ / min Rᵢᵢ)², which costs nothing and is a lower
// bound of the 2-norm condition number, itself at most the 1-norm one:
// Rᵢᵢ² is 1 / ((A_i)⁻¹)ᵢᵢ for RᵀR's leading i × i block A_i, whose
// eigenvalues lie between RᵀR's smallest and largest. Then the estimate
// of LAPACK's dpocon, anorm times Higham's estimate of the 1-norm of
// (RᵀR)⁻¹ (gonum's dlacn2, exact in most cases and otherwise below it,
// rarely by more than a few times), which takes a few pairs of triangular
// solves with R, O(l²) each: the same solves as dpocon's but by gonum's
// dtrsv instead of dlatrs, which rescales against overflow and takes
// twice as long. Without it an overflow makes the estimate infinite or
// NaN, and the matrix is rejected, as it should be: it would take a
// condition number near float64's range.
func condBelow(r []float64, l int, anorm, limit float64) bool {
	lo, hi := math.Inf(1), 0.0
	for i := 0; i < l; i++ {
		d := r[i*l+i]
		lo, hi = min(lo, d), max(hi, d)
	}
	if !(hi/lo*(hi/lo) <= limit) {
		return false
	}
	rt := blas64.Triangular{N: l, Stride: l, Data: r, Uplo: blas.Upper, Diag: blas.NonUnit}
	x := blas64.Vector{N: l, Inc: 1, Data: make([]float64, l)}
	v, isgn := make([]float64, l), make([]int, l)
	var (
		est   float64 // of the 1-norm of (RᵀR)⁻¹
		kase  int
		isave [3]int
	)
	for {
		est, kase = gonum.Implementation{}.Dlacn2(l, v, x.Data, isgn, est, kase, &isave)
		if kase == 0 {
			break
		}
		// x = (RᵀR)⁻¹·x, which is its own transpose.
		blas64.Trsv(blas.Trans, rt, x)
		blas64.Trsv(blas.NoTrans, rt, x)
	}
	return est*anorm <= limit
}

// maxRowSum returns the largest sum of the absolute values of a row of the
// row-major l × l matrix a: its 1-norm and ∞-norm when it is symmetric.
// Each row is summed in order by one goroutine.
func maxRowSum(a []float64, l int) float64 {
	sums := make([]float64, l)
	parallel.Ranges(l, 0, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var s float64
			for _, v := range a[i*l : (i+1)*l] {
				s += math.Abs(v)
			}
			sums[i] = s
		}
	})
	var m float64
	for _, s := range sums {
		m = max(m, s) // NaN if any is
	}
	return m
}

// solveUpper32 sets q, n × l, to y·R⁻¹ for the row-major n × l matrix y and
// the l × l upper triangular matrix R, the upper triangle of r (positive
// diagonal): it solves q·R = y by blocks of solveBlock columns, in float32,
// in parallel over tiles of tileRows rows. Block j of q is
// (y_j − Σ_{i<j} q_i·R_ij)·R_jj⁻¹: the products by gemm32.NT, the inverses
// of the diagonal blocks by gonum in float64. Substitution by blocks
// spares R⁻¹, l³/3 more multiply-adds, and the rounding they would add;
// only the diagonal blocks are inverted, so that their products run on
// the vector kernel too, and their condition numbers are at most R's.
// The result does not depend on the goroutines' schedule: each tile's
// sums run in a fixed order. b, at least l × l, is scratch: it receives
// −Rᵀ with R_jj⁻¹ᵀ in the diagonal blocks.
func solveUpper32(q, y []float32, r []float64, n, l int, b []float32) {
	if len(q) < n*l || len(y) < n*l || len(r) < l*l || len(b) < l*l {
		panic(fmt.Sprintf("lsa: solving %d × %d by %d × %d with %d, %d, %d and %d elements",
			n, l, l, l, len(q), len(y), len(r), len(b)))
	}
	blocks := (l + solveBlock - 1) / solveBlock
	parallel.Ranges(blocks, 1, func(lo, hi int) {
		inv := make([]float64, solveBlock*solveBlock)
		for j := lo; j < hi; j++ {
			j0 := j * solveBlock
			j1 := min(j0+solveBlock, l)
			nj := j1 - j0
			// Row u of b, j0 ≤ u < j1, is −R's column u above the block,
			// then R_jj⁻¹'s column u - j0, zero past its diagonal.
			for i := 0; i < j0; i++ {
				for u, v := range r[i*l+j0 : i*l+j1] {
					b[(j0+u)*l+i] = float32(-v)
				}
			}
			clear(inv)
			for i := 0; i < nj; i++ {
				copy(inv[i*nj+i:(i+1)*nj], r[(j0+i)*l+j0+i:(j0+i)*l+j1])
			}
			if !lapack64.Trtri(blas64.Triangular{N: nj, Stride: nj, Data: inv, Uplo: blas.Upper, Diag: blas.NonUnit}) {
				panic("lsa: solveUpper32 with a zero on R's diagonal")
			}
			for u := 0; u < nj; u++ {
				row := b[(j0+u)*l+j0 : (j0+u)*l+j1]
				for i := range row {
					row[i] = float32(inv[i*nj+u])
				}
			}
		}
	})
	tiles := (n + tileRows - 1) / tileRows
	parallel.Ranges(tiles, 1, func(lo, hi int) {
		z := make([]float32, tileRows*solveBlock)
		for t := lo; t < hi; t++ {
			r0 := t * tileRows
			nr := min(tileRows, n-r0)
			for j0 := 0; j0 < l; j0 += solveBlock {
				nj := min(solveBlock, l-j0)
				for i := 0; i < nr; i++ {
					copy(z[i*nj:(i+1)*nj], y[(r0+i)*l+j0:])
				}
				for i0 := 0; i0 < j0; i0 += tileOuter {
					ni := min(tileOuter, j0-i0)
					gemm32.NT(nr, nj, ni, q[r0*l+i0:], l, b[j0*l+i0:], l, z, nj)
				}
				for i := 0; i < nr; i++ {
					clear(q[(r0+i)*l+j0 : (r0+i)*l+j0+nj])
				}
				gemm32.NT(nr, nj, nj, z, nj, b[j0*l+j0:], l, q[r0*l+j0:], l)
			}
		}
	})
}
