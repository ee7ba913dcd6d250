package tutorial

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/mlp"
)

// tinyResult runs the tutorial on the miniature archive of package
// newsgroups' tests (4 training and 2 test posts of two sci groups) with
// the offline embedder: a real Result in well under a second, without the
// dataset.
func tinyResult(t *testing.T, seed int64) *Result {
	t.Helper()
	s := Defaults()
	s.Data = filepath.Join("..", "newsgroups", "testdata", "tiny-bydate.tar.gz")
	s.TrainPerClass, s.TestPerClass = 0, 0
	s.Embedding.Kind = selector.KindLocal
	s.Classifier.Epochs = 2
	s.Seed = seed
	r, err := Run(context.Background(), s, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// readReport returns every file of a report folder by name.
func readReport(t *testing.T, dir string) map[string]string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = string(b)
	}
	return m
}

// fullDisk is a file that fails with ENOSPC once it has taken room bytes.
type fullDisk struct {
	*os.File
	room int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if len(p) > f.room {
		n, _ := f.File.Write(p[:f.room])
		f.room = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.room -= len(p)
	return f.File.Write(p)
}

// TestWriteReportWholeOrUntouched writes a report, then fails the writing
// of a second one at each of its files in turn (a full disk): the first
// report must stay exactly as it was, with nothing left beside it.
func TestWriteReportWholeOrUntouched(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	first := tinyResult(t, 1)
	if err := first.WriteReport(dir); err != nil {
		t.Fatal(err)
	}
	want := readReport(t, dir)
	for _, name := range reportFiles {
		if _, ok := want[name]; !ok {
			t.Errorf("the report lacks %s", name)
		}
	}
	second := tinyResult(t, 2)
	const room = 10 // the disk fills up 10 bytes into the failing file
	for _, failing := range reportFiles {
		err := second.writeReport(dir, func(name string) (reportFile, error) {
			f, err := os.Create(name)
			if err != nil || filepath.Base(name) != failing {
				return f, err
			}
			return &fullDisk{f, room}, nil
		})
		if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), failing) {
			t.Errorf("full disk at %s: error %v, want ENOSPC naming the file", failing, err)
		}
		if got := readReport(t, dir); !maps.Equal(got, want) {
			t.Fatalf("after a full disk at %s the report changed", failing)
		}
		if es, _ := os.ReadDir(parent); len(es) != 1 {
			t.Fatalf("after a full disk at %s: %d entries beside the report, want none", failing, len(es)-1)
		}
	}
	// Written whole, the second report replaces the first entirely.
	if err := second.WriteReport(dir); err != nil {
		t.Fatal(err)
	}
	if got := readReport(t, dir); maps.Equal(got, want) || len(got) != len(want) {
		t.Errorf("the second report did not replace the first (%d files)", len(got))
	}
}

// TestCheckReportDir checks the folders a report must not be written to:
// none of them is changed.
func TestCheckReportDir(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "a-file")
	os.WriteFile(file, []byte("mine"), 0o644)
	users := filepath.Join(base, "users")
	os.Mkdir(users, 0o755)
	os.WriteFile(filepath.Join(users, "thesis.tex"), []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(users, MetricsFile), []byte("{}"), 0o644)
	readOnly := filepath.Join(base, "ro")
	os.Mkdir(readOnly, 0o555)
	tests := []struct {
		dir, want string
	}{
		{file, "is a file"},
		{filepath.Join(file, "out"), "is a file"},
		{users, "thesis.tex"},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		tests = append(tests, struct{ dir, want string }{filepath.Join(readOnly, "out"), "cannot be written"})
	}
	for _, tt := range tests {
		err := CheckReportDir(tt.dir)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("CheckReportDir(%s) = %v, want an error saying %q", tt.dir, err, tt.want)
		}
	}
	for _, ok := range []string{filepath.Join(base, "new"), filepath.Join(base, "new", "deeper"), t.TempDir()} {
		if err := CheckReportDir(ok); err != nil {
			t.Errorf("CheckReportDir(%s) = %v, want nil", ok, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(users, "thesis.tex")); string(b) != "mine" {
		t.Error("the user's file changed")
	}
	r := tinyResult(t, 1)
	if err := r.WriteReport(users); err == nil {
		t.Error("WriteReport replaced a folder holding a user's file")
	}
	if es, _ := os.ReadDir(users); len(es) != 2 {
		t.Errorf("the user's folder holds %d files, want its 2", len(es))
	}
}

// TestLoadEmbedderNamesDamagedFile checks that a truncated or damaged
// embedder.lsa.gz is reported by its path.
func TestLoadEmbedderNamesDamagedFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := tinyResult(t, 1).WriteReport(dir); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, LocalFile)
	whole, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadEmbedder(context.Background(), dir, selector.Config{}); err != nil {
		t.Fatalf("the whole file: %v", err)
	}
	// A cut in gzip's trailer loses no JSON, but the file is damaged all
	// the same.
	for _, cut := range []int{len(whole) / 2, len(whole) - 4, 10, 0} {
		os.WriteFile(name, whole[:cut], 0o644)
		_, _, err := LoadEmbedder(context.Background(), dir, selector.Config{})
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s cut to %d of %d bytes: error %v, want one naming the file", LocalFile, cut, len(whole), err)
		}
	}
}

// TestClassifierRecordsEmbedder checks that classifier.mlp records the
// fingerprint of the embedder that fed it, and that CheckPair refuses
// another embedder's record.
func TestClassifierRecordsEmbedder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	r := tinyResult(t, 1)
	if err := r.WriteReport(dir); err != nil {
		t.Fatal(err)
	}
	m, err := mlp.LoadFile(filepath.Join(dir, ClassifierFile))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ReadEmbedderSpec(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Embedder == "" || m.Embedder != spec.Fingerprint() || !strings.Contains(m.Embedder, r.Embedder.Model()) {
		t.Errorf("classifier.mlp records the embedder %q, want %q (model %s)", m.Embedder, spec.Fingerprint(), r.Embedder.Model())
	}
	if err := CheckPair(m, spec, ClassifierFile); err != nil {
		t.Errorf("CheckPair of a run's own files: %v", err)
	}
	other := spec
	other.Model += "-other-fit"
	if err := CheckPair(m, other, ClassifierFile); err == nil || !strings.Contains(err.Error(), "different runs") {
		t.Errorf("CheckPair with another embedder: %v, want an error saying the files come from different runs", err)
	}
}

// The confusion matrix of a run on one's own file is titled for its test
// set, not for the newsgroups.
func TestConfusionTitle(t *testing.T) {
	r := tinyResult(t, 1)
	for _, c := range []struct {
		data *DataSource
		want string
	}{
		{nil, "Confusion matrix for newsgroup test dataset"},
		{&DataSource{TrainFile: "tickets.csv"}, "Confusion matrix for the test set"},
	} {
		r.Data = c.data
		_, confusion, err := r.Charts()
		if err != nil {
			t.Fatal(err)
		}
		got := confusion.Text()
		if !slices.Contains(got, c.want) || slices.ContainsFunc(got, func(s string) bool { return s != c.want && strings.HasPrefix(s, "Confusion matrix") }) {
			t.Errorf("with data %+v: chart text %q, want the title %q", c.data, got, c.want)
		}
	}
}
