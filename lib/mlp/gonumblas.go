//go:build !(openblas && cgo)

package mlp

// BLAS describes the float32 BLAS the package computes with: gonum's pure-Go
// implementation unless the program was built with -tags openblas (which
// needs cgo and libopenblas-dev).
func BLAS() string { return "gonum (pure Go)" }
