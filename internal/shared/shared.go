// Package shared locates the team's shared reference files (the 20 Newsgroups
// archive and the scikit-learn parity values) for tests and benchmarks.
//
// The files live in a folder named shared beside the repository's root (the
// folder that holds go.mod). EMBEDCLASSIFY_SHARED overrides that location.
// When the files are missing, tests skip with a message on a developer
// machine, and fail in CI (CI=true), where they must always be present
// (testenv.Missing).
package shared

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/embedclassify/embedclassify/internal/testenv"
)

// Dir returns the shared folder: $EMBEDCLASSIFY_SHARED, or the folder named
// shared beside the module root found by walking up from the working
// directory. It returns "" when neither exists.
func Dir() string {
	if d := os.Getenv("EMBEDCLASSIFY_SHARED"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			s := filepath.Join(filepath.Dir(d), "shared")
			if fi, err := os.Stat(s); err == nil && fi.IsDir() {
				return s
			}
			return ""
		}
		p := filepath.Dir(d)
		if p == d {
			return ""
		}
		d = p
	}
}

// File returns the path of name (for example "data/20news-bydate.tar.gz")
// inside the shared folder. When it is missing the test is skipped, or failed
// when the CI variable is "true".
func File(tb testing.TB, name string) string {
	tb.Helper()
	dir := Dir()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if dir != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	testenv.Missing(tb, "shared file %s not found (set EMBEDCLASSIFY_SHARED to the folder holding data/)", name)
	return ""
}

// Archive returns the path of the shared 20 Newsgroups archive, skipping or
// failing the test as File does.
func Archive(tb testing.TB) string {
	tb.Helper()
	return File(tb, "data/20news-bydate.tar.gz")
}

// Parity returns the path of the shared parity.json, skipping or failing the
// test as File does.
func Parity(tb testing.TB) string {
	tb.Helper()
	return File(tb, "data/parity.json")
}
