package lesson

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/lib/dataset"
	"github.com/embedclassify/embedclassify/lib/frame"
)

func writeText(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ticketsCSV is a file of 10 rows of "billing" and "login" and 5 of
// "spam", whose texts are all the same.
func ticketsCSV() string {
	var b strings.Builder
	b.WriteString("body,topic\n")
	for i := range 10 {
		b.WriteString("\"invoice " + string(rune('a'+i)) + " was charged twice\",billing\n")
		b.WriteString("cannot log in from device " + string(rune('a'+i)) + ",login\n")
	}
	for range 5 {
		b.WriteString("buy now,spam\n")
	}
	return b.String()
}

// A file of one's own is read into a frame with its labels' names, split
// class by class, and duplicates across the split are reported.
func TestReadLabelledAndSplit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tickets.csv")
	writeText(t, path, ticketsCSV())
	df := ReadLabelled(path, dataset.Options{TextColumn: "body", LabelColumn: "topic"})
	f, err := df.Result()
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Classes(); strings.Join(got, ",") != "billing,login,spam" || f.Len() != 25 {
		t.Fatalf("%d rows, classes %q; want 25 rows of billing, login and spam", f.Len(), got)
	}
	var train, test Frame
	out := capture(t, func() {
		train, test = TrainTestSplit(df, 0.2)
		_, err = test.Result()
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "1 of the 5 test texts also appear among the training texts") {
		t.Errorf("no warning of the duplicate spam text; output:\n%s", out)
	}
	tab, err := SplitCounts(train, test)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"billing", "8", "2"}, {"login", "8", "2"}, {"spam", "4", "1"}, {"all", "20", "5"}}
	if strings.Join(flatten(tab.Rows), " ") != strings.Join(flatten(want), " ") {
		t.Errorf("split counts %q, want %q", tab.Rows, want)
	}
	tr, _ := train.Result()
	te, _ := test.Result()
	for _, x := range []*frame.Frame{tr, te} {
		if strings.Join(x.Classes(), ",") != "billing,login,spam" {
			t.Errorf("classes %q: both sets number the classes as the whole file does", x.Classes())
		}
	}

	// The steps are keyed by the file's content, not its name.
	k1, _ := ReadLabelled(path, dataset.Options{TextColumn: "body", LabelColumn: "topic"}).Key()
	k2, _ := ReadLabelled(path, dataset.Options{TextColumn: "body", LabelColumn: "topic"}).Key()
	writeText(t, path, ticketsCSV()+"one more,spam\n")
	k3, _ := ReadLabelled(path, dataset.Options{TextColumn: "body", LabelColumn: "topic"}).Key()
	if k1 == "" || k1 != k2 || k1 == k3 {
		t.Errorf("keys %q, %q (same file), %q (a row added): want the same, then a new one", k1, k2, k3)
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

func TestReadLabelledBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	writeText(t, bad, "text,label\nfine,a\n,a\nok,b\nalso ok,b\nmore,a\n")
	_, err := ReadLabelled(bad, dataset.Options{}).Result()
	if err == nil || !strings.Contains(err.Error(), "line 3: the text") || !strings.Contains(err.Error(), "SkipInvalid") {
		t.Errorf("error %v, want line 3's empty text and how to skip it", err)
	}
	var f *frame.Frame
	out := capture(t, func() { f, err = ReadLabelled(bad, dataset.Options{SkipInvalid: true}).Result() })
	if err != nil || f.Len() != 4 || !strings.Contains(out, "left out 1 invalid rows") {
		t.Errorf("with SkipInvalid: %v rows, error %v, output %q", f.Len(), err, out)
	}
	if _, err := ReadLabelled(filepath.Join(dir, "missing.csv"), dataset.Options{}).Result(); err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file: error %v", err)
	}

	one := filepath.Join(dir, "one.csv")
	writeText(t, one, "text,label\nx,a\ny,a\nz,b\n")
	_, test := TrainTestSplit(ReadLabelled(one, dataset.Options{}), 0.2)
	if _, err := test.Result(); err == nil || !strings.Contains(err.Error(), `"b" (1)`) {
		t.Errorf("a class of one row: error %v, want it named", err)
	}
}

// ExportNewsgroups writes the example file, says so, rewrites only its own
// export, and never replaces another file.
func TestExportNewsgroups(t *testing.T) {
	t.Setenv("EMBEDCLASSIFY_DATA", shared.Archive(t))
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.csv")
	groups := []string{"sci.space", "rec.autos"}
	n, err := ExportNewsgroups(path, groups, 3)
	if err != nil || n.Msg != "Wrote 6 posts (the first 3 of each of 2 groups) to mine.csv, "+kib(t, path)+" KiB." {
		t.Fatalf("first export: %v, %v", n, err)
	}
	f, err := ReadLabelled(path, dataset.Options{LabelColumn: "class"}).Result()
	if err != nil || f.Len() != 6 || strings.Join(f.Classes(), ",") != "rec.autos,sci.space" {
		t.Fatalf("reading the export: %v, %v", f, err)
	}
	if n, err := ExportNewsgroups(path, groups, 3); err != nil || !strings.HasPrefix(n.Msg, "Already written") {
		t.Errorf("second export: %v, %v", n, err)
	}
	b, _ := os.ReadFile(path)
	writeText(t, path, string(b)+"x,0,y,z\n")
	if n, err := ExportNewsgroups(path, groups, 3); err != nil || !strings.HasSuffix(n.Msg, "replacing the earlier export.") {
		t.Errorf("export over a changed export: %v, %v", n, err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Error("the changed export was not rewritten")
	}
	theirs := filepath.Join(dir, "theirs.csv")
	writeText(t, theirs, "text,label\nmy own text,x\n")
	if _, err := ExportNewsgroups(theirs, groups, 3); err == nil || !strings.Contains(err.Error(), "is not a 20 Newsgroups export") {
		t.Errorf("export over another file: error %v", err)
	}
	if b, _ := os.ReadFile(theirs); string(b) != "text,label\nmy own text,x\n" {
		t.Errorf("another file was replaced: %q", b)
	}
}

// kib is the size of the file at path in KiB.
func kib(t *testing.T, path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(int(fi.Size() >> 10))
}
