package gemm32

import "golang.org/x/sys/cpu"

// HasFMA tells whether the CPU runs the AVX2 and FMA kernels; tests switch
// it off to check the plain Go sums.
var HasFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func gemmTNFMA(c *float32, ldc int, n int, a *float32, lda int, units int, b *float32, ldb int, rows int)

//go:noescape
func dot4x2FMA(c *float32, ldc int, a *float32, lda int, b *float32, ldb int, k int)

//go:noescape
func addRowsFMA(dst *float32, n int, w *float32, idx *int32, np int, first int32, src *float32, lds int)
