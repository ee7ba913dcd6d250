// Package testenv holds the project's one rule for tests that need
// something outside Go (a shared data file, Jupyter, a browser): skip on a
// developer machine that lacks it, fail in CI, where the CI script installs
// everything and nothing may be skipped.
package testenv

import (
	"fmt"
	"os"
	"testing"
)

// CIEnv is the environment variable that marks a CI run when it is "true".
const CIEnv = "CI"

// InCI reports whether the tests run in CI (CI=true).
func InCI() bool { return os.Getenv(CIEnv) == "true" }

// Missing ends the test because something it needs is missing: it skips
// the test, or fails it in CI. The message says what is missing and, best,
// how to get it.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		tb.Fatalf("%s (%s=true: CI must have it)", msg, CIEnv)
		return
	}
	tb.Skip(msg)
}
