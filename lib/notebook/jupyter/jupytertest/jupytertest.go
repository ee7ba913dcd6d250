// Package jupytertest gives tests a working Jupyter and an installed kernel.
// Where they are missing, the test is skipped on a developer machine and
// failed in CI (CI=true), where the CI script installs them.
package jupytertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/lib/notebook/jupyter"
)

// InCI reports whether the tests run in CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing skips the test, or fails it in CI, explaining what is missing.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("CI=true and "+format, args...)
	}
	tb.Skipf(format, args...)
}

// Jupyter returns a working jupyter (see jupyter.Find).
func Jupyter(tb testing.TB) *jupyter.Jupyter {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	j, err := jupyter.Find(ctx)
	if err != nil {
		Missing(tb, "%v", err)
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
		Missing(tb, "cannot list Jupyter kernels: %v", err)
	}
	k, ok := ks[name]
	if !ok {
		Missing(tb, "Jupyter kernel %q is not installed (run `go run ./kernelsetup`)", name)
	}
	return k
}
