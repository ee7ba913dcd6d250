//go:build cgo

// Package openblas routes gonum's float32 BLAS (blas32) to OpenBLAS through
// gonum.org/v1/netlib's cgo bindings, linking -lopenblas (on Debian, the
// libopenblas-dev package). Importing it for its side effect is enough; the
// mlp package does so when built with -tags openblas.
//
// OpenBLAS is set to one thread per call: package mlp spreads its work over
// its own goroutines, one per CPU, and OpenBLAS threads would compete with
// them for the same cores. SetThreads changes that for other uses.
package openblas

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	C.openblas_set_num_threads(1)
	blas32.Use(netlib.Implementation{})
}

// Config describes the OpenBLAS library in use, e.g.
// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64".
func Config() string { return C.GoString(C.openblas_get_config()) }

// Threads returns the number of threads OpenBLAS uses per call.
func Threads() int { return int(C.openblas_get_num_threads()) }

// SetThreads sets the number of threads OpenBLAS uses per call.
func SetThreads(n int) { C.openblas_set_num_threads(C.int(n)) }
