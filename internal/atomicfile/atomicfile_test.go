package atomicfile

import (
	"maps"
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

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range es {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		m[e.Name()] = string(b)
	}
	return m
}

func TestDir(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "report")
	write := func(files map[string]string, commit bool) error {
		d, err := CreateDir(dest)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Abort()
		for name, s := range files {
			if err := WriteFile(filepath.Join(d.Path(), name), []byte(s)); err != nil {
				t.Fatal(err)
			}
		}
		if !commit {
			return nil
		}
		return d.Commit()
	}
	first := map[string]string{"a": "1", "b": "2"}
	if err := write(first, true); err != nil {
		t.Fatal(err)
	}
	if got := readDir(t, dest); !maps.Equal(got, first) {
		t.Errorf("new folder holds %v, want %v", got, first)
	}
	// Aborted: the old folder stays as it was.
	write(map[string]string{"a": "changed", "c": "3"}, false)
	if got := readDir(t, dest); !maps.Equal(got, first) {
		t.Errorf("after Abort the folder holds %v, want %v", got, first)
	}
	// Committed over the old one: exactly the new files.
	second := map[string]string{"a": "new", "c": "3"}
	if err := write(second, true); err != nil {
		t.Fatal(err)
	}
	if got := readDir(t, dest); !maps.Equal(got, second) {
		t.Errorf("replaced folder holds %v, want %v", got, second)
	}
	if es, _ := os.ReadDir(parent); len(es) != 1 {
		t.Errorf("the parent holds %d entries, want only the folder (no temporary left)", len(es))
	}
	// A file at dest is not replaced.
	file := filepath.Join(parent, "file")
	os.WriteFile(file, []byte("keep"), 0o644)
	d, err := CreateDir(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err == nil {
		t.Error("Commit over a file succeeded")
	}
	if b, _ := os.ReadFile(file); string(b) != "keep" {
		t.Errorf("the file was changed to %q", b)
	}
}
