// Package gemm32 holds two float32 matrix products with AVX2 and FMA
// kernels (amd64) for the pure-Go build: gonum's sgemm computes them with
// 4-wide SSE dot products and axpys that read and write the output once per
// term, while these use 8-wide fused multiply-adds and keep blocks of the
// output in registers. lib/mlp trains with them and lib/embedding/lsa
// projects with them. Without those instructions (HasFMA false) the
// functions compute the same sums in plain Go.
//
// The functions do not block for the caches: callers pass tiles that fit.
package gemm32

// NT adds a·bᵀ to c: c[r·ldc+u] += Σ_i a[r·lda+i]·b[u·ldb+i] for
// r < rows, u < units, i < k.
func NT(rows, units, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if rows == 0 || units == 0 || k == 0 {
		return
	}
	// Bounds checks for everything the kernel reads and writes.
	_ = a[(rows-1)*lda+k-1]
	_ = b[(units-1)*ldb+k-1]
	_ = c[(rows-1)*ldc+units-1]
	k8, r4, u2 := k&^7, rows&^3, units&^1
	if !HasFMA {
		k8, r4, u2 = 0, 0, 0
	}
	if k8 > 0 {
		for r := 0; r < r4; r += 4 {
			for u := 0; u < u2; u += 2 {
				dot4x2FMA(&c[r*ldc+u], ldc, &a[r*lda], lda, &b[u*ldb], ldb, k8)
			}
		}
	}
	for r := range rows {
		ar := a[r*lda : r*lda+k]
		for u := range units {
			lo := 0
			if r < r4 && u < u2 {
				lo = k8
			}
			if lo == k {
				continue
			}
			bu := b[u*ldb : u*ldb+k]
			var s float32
			for i := lo; i < k; i++ {
				s += ar[i] * bu[i]
			}
			c[r*ldc+u] += s
		}
	}
}

// TN sets c to aᵀ·b: c[u·ldc+i] = Σ_r a[r·lda+u]·b[r·ldb+i] for
// u < units, i < n, r < rows, summing over r in order and skipping the
// terms whose a value is zero (the hidden units ReLU switched off).
func TN(units, n, rows int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if units == 0 || n == 0 {
		return
	}
	_ = c[(units-1)*ldc+n-1]
	if rows == 0 {
		for u := range units {
			clear(c[u*ldc : u*ldc+n])
		}
		return
	}
	_ = a[(rows-1)*lda+units-1]
	_ = b[(rows-1)*ldb+n-1]
	n64 := n &^ 63
	if !HasFMA {
		n64 = 0
	}
	if n64 > 0 {
		gemmTNFMA(&c[0], ldc, n64, &a[0], lda, units, &b[0], ldb, rows)
	}
	for u := range units {
		cu := c[u*ldc : u*ldc+n]
		for i := n64; i < n; i++ {
			var s float32
			for r := range rows {
				if v := a[r*lda+u]; v != 0 {
					s += v * b[r*ldb+i]
				}
			}
			cu[i] = s
		}
	}
}
