package notebook

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A step's code version covers its package and the packages of its module
// it imports, and nothing else.
func TestSourceVersion(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "go.mod"), "module example.com/m\n")
	write(t, filepath.Join(root, "steps", "steps.go"), "package steps\n\nimport _ \"example.com/m/lib\"\n")
	write(t, filepath.Join(root, "lib", "lib.go"), "package lib\n\nfunc F() int { return 1 }\n")
	write(t, filepath.Join(root, "other", "other.go"), "package other\n")
	dir := filepath.Join(root, "steps")
	version := func() string {
		t.Helper()
		versionsMu.Lock()
		clear(versions)
		versionsMu.Unlock()
		v, err := sourceVersion(dir)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version()
	if v := version(); v != v0 {
		t.Errorf("nothing changed, version %s → %s", v0, v)
	}
	write(t, filepath.Join(root, "other", "other.go"), "package other\n\nvar X = 2\n")
	write(t, filepath.Join(root, "lib", "lib_test.go"), "package lib\n")
	if v := version(); v != v0 {
		t.Error("a package not imported, or a test file, changed the version")
	}
	write(t, filepath.Join(root, "lib", "lib.go"), "package lib\n\nfunc F() int { return 2 }\n")
	if v := version(); v == v0 {
		t.Error("editing a function body of an imported package did not change the version")
	}
}

// This package's own steps find their source.
func TestCodeVersionOfThisPackage(t *testing.T) {
	v := Step("x", func(ctx context.Context) (int, error) { return 0, nil })
	ver, err := codeVersion(v.code)
	if err != nil || len(ver) < 10 || ver[:4] != "src:" {
		t.Errorf("codeVersion = %q, %v; want the source's digest", ver, err)
	}
}
