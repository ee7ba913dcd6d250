//go:build !amd64

package mlp

// hasFMA is false: the vector matrix kernels exist for amd64 only.
var hasFMA = false

func gemmTNFMA(c *float32, ldc int, n int, a *float32, lda int, units int, b *float32, ldb int, rows int) {
	panic("mlp: gemmTNFMA without amd64")
}

func dot4x2FMA(c *float32, ldc int, a *float32, lda int, b *float32, ldb int, k int) {
	panic("mlp: dot4x2FMA without amd64")
}
