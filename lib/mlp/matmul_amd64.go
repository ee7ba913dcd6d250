package mlp

import "golang.org/x/sys/cpu"

// hasFMA tells whether the CPU runs the AVX2 and FMA matrix kernels.
var hasFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func gemmTNFMA(c *float32, ldc int, n int, a *float32, lda int, units int, b *float32, ldb int, rows int)

//go:noescape
func dot4x2FMA(c *float32, ldc int, a *float32, lda int, b *float32, ldb int, k int)
