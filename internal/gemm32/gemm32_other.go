//go:build !amd64

package gemm32

// HasFMA is false: the vector kernels exist for amd64 only.
var HasFMA = false

func gemmTNFMA(c *float32, ldc int, n int, a *float32, lda int, units int, b *float32, ldb int, rows int) {
	panic("gemm32: gemmTNFMA without amd64")
}

func dot4x2FMA(c *float32, ldc int, a *float32, lda int, b *float32, ldb int, k int) {
	panic("gemm32: dot4x2FMA without amd64")
}

func addRowsFMA(dst *float32, n int, w *float32, idx *int32, np int, first int32, src *float32, lds int) {
	panic("gemm32: addRowsFMA without amd64")
}
