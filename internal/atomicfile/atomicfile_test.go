package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "out.json")
	for _, content := range []string{"first", "second, longer content"} {
		if err := WriteFile(dest, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(dest)
		if err != nil || string(got) != content {
			t.Fatalf("read %q (%v), want %q", got, err, content)
		}
	}
	if fi, _ := os.Stat(dest); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	assertOnly(t, dir, "out.json")
}

func TestAbortKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "out.txt")
	if err := WriteFile(dest, []byte("old")); err != nil {
		t.Fatal(err)
	}
	f, err := Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half of the new")
	f.Abort()
	f.Abort() // a second Abort does nothing
	if got, _ := os.ReadFile(dest); string(got) != "old" {
		t.Errorf("after Abort the file holds %q, want the old content", got)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Abort: no error")
	}
	assertOnly(t, dir, "out.txt")
}

func TestCreateInMissingFolder(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "no", "such", "folder", "f")
	if _, err := Create(dest); err == nil {
		t.Fatal("Create in a missing folder: no error")
	}
	if err := WriteFile(dest, nil); err == nil {
		t.Fatal("WriteFile in a missing folder: no error")
	}
}

// assertOnly fails unless dir holds exactly the named files: no temporary
// file is left behind.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("folder holds %v, want %v", got, names)
	}
	for i := range names {
		if got[i] != names[i] {
			t.Fatalf("folder holds %v, want %v", got, names)
		}
	}
}
