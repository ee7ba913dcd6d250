package tutorial

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeSpec(t testing.TB, record string) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, EmbedderFile), []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReadEmbedderSpecRefusesDamage(t *testing.T) {
	for _, tc := range []struct {
		name, record, want string
	}{
		{"not JSON", `{"kind": "local",`, "unexpected end of JSON input"},
		{"unknown kind", `{"kind":"bert","model":"m","dims":8}`, `unknown embedder kind "bert"`},
		{"no model", `{"kind":"gemini","dims":8}`, `"model" is empty`},
		{"zero dims", `{"kind":"gemini","model":"m","dims":0}`, `"dims" is 0`},
		{"huge dims", `{"kind":"gemini","model":"m","dims":4294967296}`, `"dims" is 4294967296`},
		{"file outside the folder", `{"kind":"local","model":"m","dims":8,"file":"../../etc/passwd"}`, `"file" is "../../etc/passwd"`},
		{"another file in the folder", `{"kind":"local","model":"m","dims":8,"file":"classifier.mlp"}`, `"file" is "classifier.mlp"`},
		{"gemini with a file", `{"kind":"gemini","model":"m","dims":8,"file":"embedder.lsa.gz"}`, "has no model file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeSpec(t, tc.record)
			_, err := ReadEmbedderSpec(dir)
			if err == nil {
				t.Fatalf("ReadEmbedderSpec accepted %s", tc.record)
			}
			for _, want := range []string{tc.want, filepath.Join(dir, EmbedderFile), "run 'embedclassify run' again"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
	for _, ok := range []string{
		`{"kind":"local","model":"lsa-tfidf-256d-0123","dims":256,"file":"embedder.lsa.gz"}`,
		`{"kind":"gemini","model":"gemini-embedding-001","task_type":"CLASSIFICATION","dims":3072}`,
	} {
		if _, err := ReadEmbedderSpec(writeSpec(t, ok)); err != nil {
			t.Errorf("ReadEmbedderSpec(%s): %v", ok, err)
		}
	}
}

// FuzzReadEmbedderSpec checks that a record is either refused or names an
// embedder predict can build: a known kind, a sane dimension, and no file
// but the offline model beside it. Its seed corpus is in testdata/fuzz.
func FuzzReadEmbedderSpec(f *testing.F) {
	f.Fuzz(func(t *testing.T, record []byte) {
		spec, err := ReadEmbedderSpec(writeSpec(t, string(record)))
		if err != nil {
			return
		}
		if spec.check() != nil || spec.Dims <= 0 || (spec.File != "" && spec.File != LocalFile) {
			t.Fatalf("accepted %+v from %q", spec, record)
		}
	})
}
