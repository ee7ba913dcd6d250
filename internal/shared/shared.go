// Package shared finds the reference data tests and benchmarks need: the
// 20 Newsgroups archive, found where the program finds it, and the
// scikit-learn parity values, which ship with this package.
//
// The archive is the one the program would load with no --data flag:
// $EMBEDCLASSIFY_DATA (an archive, or a folder holding one or the
// extracted dataset), else the per-user cache's copy
// (os.UserCacheDir()/embedclassify/20news-bydate.tar.gz). Tests never
// download it. When there is none, a test skips with a message on a
// developer machine and fails in CI (CI=true), where it must be present
// (testenv.Missing).
package shared

import (
	_ "embed"
	"os"
	"path/filepath"
	"testing"

	"github.com/embedclassify/embedclassify/internal/testenv"
)

// The dataset's environment variable and the cached archive's place, as
// lib/newsgroups defines them (the package's test checks they agree; it
// cannot be imported here, since its own tests import this package).
const (
	envData     = "EMBEDCLASSIFY_DATA"
	cacheFolder = "embedclassify"
	archiveName = "20news-bydate.tar.gz"
)

// parity is scikit-learn 1.2's fetch_20newsgroups on the by-date files:
// per subset and removal option, the document count, the target names, the
// first 25 documents (file, target, sha256 of the raw and of the
// preprocessed text) and sha256 fingerprints of whole subsets.
//
//go:embed parity.json
var parity []byte

// Parity returns the scikit-learn parity values as JSON (see the keys
// "train/remove=none", "train/remove=all", "test/remove=none",
// "test/remove=all", "train/example0_from_Lines" and
// "train/head5_preprocessed_first_60_chars").
func Parity() []byte { return parity }

// ArchivePath returns the dataset the program would load without --data,
// and where that choice came from; "" when there is none.
func ArchivePath() (path, from string) {
	if p := os.Getenv(envData); p != "" {
		return p, "$" + envData
	}
	if base, err := os.UserCacheDir(); err == nil {
		p := filepath.Join(base, cacheFolder, archiveName)
		if _, err := os.Stat(p); err == nil {
			return p, "the per-user cache"
		}
	}
	return "", ""
}

// Archive returns the 20 Newsgroups dataset (see ArchivePath) for a test or
// benchmark. When there is none, the test is skipped, or failed when the CI
// variable is "true"; a path set in $EMBEDCLASSIFY_DATA that does not exist
// always fails it.
func Archive(tb testing.TB) string {
	tb.Helper()
	p, from := ArchivePath()
	if p != "" {
		if _, err := os.Stat(p); err != nil {
			tb.Fatalf("the 20 Newsgroups dataset from %s cannot be used: %v", from, err)
		}
		return p
	}
	testenv.Missing(tb, "the 20 Newsgroups archive was not found: set %s to its path (or run 'embedclassify data' once to download it into the per-user cache)", envData)
	return ""
}
