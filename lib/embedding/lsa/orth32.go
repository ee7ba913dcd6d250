package lsa

import (
	"fmt"
	"gonum.org/v1/gonum/mat"
	"os"
	"time"
)

// maxGramCond is the largest condition number of yᵀ·y that cholQR
// accepts: a thousandth of the inverse of the float32 products' relative
// rounding.
const maxGramCond = 1e5

// cholQR sets q, n × l, to y·R⁻¹, where R is the Cholesky factor of
// yᵀ·y: q spans y's columns and is orthonormal up to the rounding of yᵀ·y,
// which grows with the square of y's condition number (CholeskyQR; a
// second pass on q makes it orthonormal to float32's precision, as
// CholeskyQR2 does). It reports false, leaving q unspecified, when yᵀ·y is
// not positive definite or its condition number is over maxGramCond: y's
// columns are dependent, or too close to it for float32 (the products'
// rounding, relative 1e-6, would then leave q far from orthonormal).
//
// It replaces Householder QR (LAPACK's dgeqrf and dorgqr, which gonum runs
// in float64 at a third of the speed) because all its work is in the two
// float32 products of internal/gemm32 and a Cholesky factorisation of the
// small l × l matrix.
func cholQR(q, y []float32, n, l int) bool {
	t0 := time.Now()
	w := gramTN32(y, n, l)
	t1 := time.Now()
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(l, w)) || ch.Cond() > maxGramCond {
		return false
	}
	var r, rinv mat.TriDense
	ch.UTo(&r)
	if err := rinv.InverseTri(&r); err != nil {
		return false
	}
	t2 := time.Now()
	// b's row u is R⁻¹'s column u, zero past u.
	b := make([]float32, l*l)
	raw := rinv.RawTriangular()
	for i := 0; i < l; i++ {
		for u := i; u < l; u++ {
			b[u*l+i] = float32(raw.Data[i*raw.Stride+u])
		}
	}
	mulNT32Upper(q, y, b, n, l, l)
	if os.Getenv("LSATIME") != "" {
		fmt.Fprintf(os.Stderr, "   cholQR: gram %v chol+inv %v apply %v\n", t1.Sub(t0), t2.Sub(t1), time.Since(t2))
	}
	return true
}
