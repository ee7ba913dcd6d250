//go:build !(openblas && cgo)

package mlp

// BLAS describes the float32 BLAS the package computes with: gonum's pure-Go
// implementation unless the program was built with -tags openblas (which
// needs cgo and libopenblas-dev).
func BLAS() string { return "gonum (pure Go)" }

// pureGoBLAS is true in the pure-Go build, where the package computes its
// two largest products with the vector kernels of internal/gemm32 when the
// CPU has them.
const pureGoBLAS = true
