//go:build openblas && cgo

package mlp

import "github.com/embedclassify/embedclassify/lib/mlp/internal/openblas"

// BLAS describes the float32 BLAS the package computes with: here OpenBLAS,
// selected by the openblas build tag.
func BLAS() string { return "OpenBLAS via cgo: " + openblas.Config() }

// With OpenBLAS every call costs a fixed overhead (argument checks, packing)
// but each one runs far faster, so the products are cut into fewer, larger
// tiles than for gonum.
func init() {
	tileRows, tileCols, tileK = 32, 256, 1<<30
	gradUnits, gradInputs, gemmMaxCols = 32, 768, 1<<30
}

// pureGoBLAS is false: OpenBLAS computes every product.
const pureGoBLAS = false
