// Package jupytertest gives tests a working Jupyter and an installed kernel.
// Where they are missing, the test is skipped on a developer machine and
// failed in CI (CI=true), where the CI script installs them
// (testenv.Missing).
package jupytertest

import (
	"context"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/jupyter"
	"github.com/embedclassify/embedclassify/internal/testenv"
)

// Jupyter returns a working jupyter (see jupyter.Find).
func Jupyter(tb testing.TB) *jupyter.Jupyter {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	j, err := jupyter.Find(ctx)
	if err != nil {
		testenv.Missing(tb, "%v", err)
	}
	return j
}

// Kernel checks that j has the named kernel installed and returns its spec.
func Kernel(tb testing.TB, j *jupyter.Jupyter, name string) jupyter.KernelSpec {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ks, err := j.Kernels(ctx)
	if err != nil {
		testenv.Missing(tb, "cannot list Jupyter kernels: %v", err)
	}
	k, ok := ks[name]
	if !ok {
		testenv.Missing(tb, "Jupyter kernel %q is not installed (run `go run ./kernelsetup`)", name)
	}
	return k
}
