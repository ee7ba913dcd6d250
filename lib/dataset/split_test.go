package dataset

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// skewed returns a dataset with classes of very different sizes.
func skewed() *Dataset {
	d := &Dataset{Name: "skewed.csv"}
	for c, n := range map[string]int{"big": 500, "mid": 97, "small": 10, "pair": 2, "single": 1} {
		for i := range n {
			d.Text = append(d.Text, fmt.Sprintf("%s text %d", c, i))
			d.Label = append(d.Label, c)
			d.Line = append(d.Line, len(d.Line)+2)
		}
	}
	return d
}

func TestSplitIsStratified(t *testing.T) {
	d := skewed()
	for _, frac := range []float64{0.2, 0.1, 0.5, 0.75} {
		train, test, err := Split(d, frac, 7)
		if err != nil {
			t.Fatal(err)
		}
		if train.Len()+test.Len() != d.Len() {
			t.Fatalf("%d + %d rows, want %d", train.Len(), test.Len(), d.Len())
		}
		tr, te := train.Counts(), test.Counts()
		for c, n := range d.Counts() {
			want := int(math.Round(float64(n) * frac))
			switch {
			case n == 1:
				want = 0
			case want < 1:
				want = 1
			case want > n-1:
				want = n - 1
			}
			if te[c] != want || tr[c] != n-want {
				t.Errorf("fraction %v, class %s of %d: %d test and %d train, want %d and %d", frac, c, n, te[c], tr[c], want, n-want)
			}
		}
		// Every row is in exactly one set, and both keep the file's order.
		all := append(slices.Clone(train.Line), test.Line...)
		slices.Sort(all)
		if !slices.Equal(all, d.Line) {
			t.Error("the split lost or repeated rows")
		}
		if !slices.IsSorted(train.Line) || !slices.IsSorted(test.Line) {
			t.Error("the split does not keep the file's order")
		}
	}
}

func TestSplitIsSeeded(t *testing.T) {
	d := skewed()
	_, a, _ := Split(d, 0.2, 1)
	_, b, _ := Split(d, 0.2, 1)
	_, c, _ := Split(d, 0.2, 2)
	if !slices.Equal(a.Text, b.Text) {
		t.Error("the same seed gave different splits")
	}
	if slices.Equal(a.Text, c.Text) {
		t.Error("seeds 1 and 2 gave the same split")
	}
	for _, f := range []float64{0, 1, -0.5, math.NaN()} {
		if _, _, err := Split(d, f, 0); err == nil {
			t.Errorf("fraction %v: no error", f)
		}
	}
}

func TestChecks(t *testing.T) {
	d := skewed()
	if got := SmallClasses(d, 2); !slices.Equal(got, []ClassCount{{"single", 1}}) {
		t.Errorf("SmallClasses: %v", got)
	}
	test := &Dataset{Text: []string{"a", "b", "c", "big text 3 "}, Label: []string{"big", "new", "new", "other"}, Line: []int{2, 3, 4, 5}}
	if got := UnknownLabels(d, test); !slices.Equal(got, []ClassCount{{"new", 2}, {"other", 1}}) {
		t.Errorf("UnknownLabels: %v", got)
	}
	kept, n := test.DropClasses(UnknownLabels(d, test))
	if n != 3 || !slices.Equal(kept.Label, []string{"big"}) || !slices.Equal(kept.Line, []int{2}) {
		t.Errorf("DropClasses: %d, %v", n, kept.Label)
	}
	if got := Duplicates(d.Text, test.Text); got != 1 {
		t.Errorf("Duplicates: %d, want 1", got)
	}
	f, err := d.Frame(d.Classes())
	if err != nil {
		t.Fatal(err)
	}
	if f.Len() != d.Len() || f.ClassName[0] != d.Label[0] || d.Classes()[f.Label[0]] != d.Label[0] {
		t.Errorf("Frame: %v %v", f.ClassName[0], f.Label[0])
	}
	if _, err := test.Frame(d.Classes()); err == nil || !strings.Contains(err.Error(), `line 3: the label "new" is not one of the classes`) {
		t.Errorf("Frame with an unknown label: %v", err)
	}
}

// TestMemoryFollowsKeptData loads a file whose unused column is 100 times
// larger than its texts: what stays in memory is the texts.
func TestMemoryFollowsKeptData(t *testing.T) {
	const rows = 2000
	var b strings.Builder
	b.WriteString("junk,text,label\n")
	junk := strings.Repeat("j", 10_000)
	for i := range rows {
		fmt.Fprintf(&b, "%s,text number %06d is here,class%d\n", junk, i, i%3) // ~30-byte texts
	}
	p := writeFile(t, t.TempDir(), "wide.csv", []byte(b.String()))
	b.Reset()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := Load(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	// 2,000 texts of 29 bytes, their headers, labels and lines: about
	// 200 KB with slack; the file is 20 MB.
	if kept > 1<<20 {
		t.Errorf("loading kept %d bytes for %d texts of %d bytes", kept, d.Len(), len(d.Text[0]))
	}
	runtime.KeepAlive(d)
}
