package dataset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/embedclassify/embedclassify/lib/frame"
)

// Split divides d into a training and a test set, class by class
// (stratified): each class's rows are shuffled with seed, and
// round(n × testFraction) of its n rows go to the test set, at least one and
// at most n-1 when the class has two rows or more. A class with a single
// row stays in the training set. Both sets keep the file's order. The same
// d, fraction and seed give the same split.
func Split(d *Dataset, testFraction float64, seed int64) (train, test *Dataset, err error) {
	if !(testFraction > 0 && testFraction < 1) {
		return nil, nil, fmt.Errorf("dataset: the test fraction must be between 0 and 1 (exclusive), got %v", testFraction)
	}
	byClass := map[string][]int{}
	for i, l := range d.Label {
		byClass[l] = append(byClass[l], i)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed_da7a))
	inTest := make([]bool, d.Len())
	for _, c := range d.Classes() {
		rows := byClass[c]
		n := len(rows)
		k := int(math.Round(float64(n) * testFraction))
		if n >= 2 {
			k = min(max(k, 1), n-1)
		} else {
			k = 0
		}
		perm := rng.Perm(n)
		for _, p := range perm[:k] {
			inTest[rows[p]] = true
		}
	}
	var tr, te []int
	for i, t := range inTest {
		if t {
			te = append(te, i)
		} else {
			tr = append(tr, i)
		}
	}
	return d.Rows(tr), d.Rows(te), nil
}

// ClassCount is a class and its number of rows.
type ClassCount struct {
	Class string
	N     int
}

func (c ClassCount) String() string { return fmt.Sprintf("%q (%d)", c.Class, c.N) }

// SmallClasses returns the classes of d with fewer than minRows rows,
// sorted by name.
func SmallClasses(d *Dataset, minRows int) []ClassCount {
	counts := d.Counts()
	var out []ClassCount
	for _, c := range d.Classes() {
		if counts[c] < minRows {
			out = append(out, ClassCount{c, counts[c]})
		}
	}
	return out
}

// UnknownLabels returns the labels of test that train does not have, with
// their number of rows in test, sorted by name.
func UnknownLabels(train, test *Dataset) []ClassCount {
	known := train.Counts()
	counts := test.Counts()
	var out []ClassCount
	for _, c := range test.Classes() {
		if known[c] == 0 {
			out = append(out, ClassCount{c, counts[c]})
		}
	}
	return out
}

// DropClasses returns d without the rows whose label is one of classes,
// and the number of rows dropped.
func (d *Dataset) DropClasses(classes []ClassCount) (*Dataset, int) {
	drop := map[string]bool{}
	for _, c := range classes {
		drop[c.Class] = true
	}
	var keep []int
	for i, l := range d.Label {
		if !drop[l] {
			keep = append(keep, i)
		}
	}
	out := d.Rows(keep)
	out.Skipped, out.Problems = d.Skipped, d.Problems
	return out, d.Len() - len(keep)
}

// Duplicates returns the number of texts in test that also appear in
// train, compared after trimming surrounding white space: such rows let a
// classifier score by memory rather than by generalising.
func Duplicates(train, test []string) int {
	seen := make(map[string]struct{}, len(train))
	for _, t := range train {
		seen[strings.TrimSpace(t)] = struct{}{}
	}
	n := 0
	for _, t := range test {
		if _, ok := seen[strings.TrimSpace(t)]; ok {
			n++
		}
	}
	return n
}

// Frame returns d as the tutorial's frame: Text, ClassName (the label), and
// Label and EncodedLabel, both the label's index in classes (which must be
// sorted and hold every label of d, such as the training set's Classes).
// frame.Sample then samples it per class as it samples 20 Newsgroups.
func (d *Dataset) Frame(classes []string) (*frame.Frame, error) {
	f := &frame.Frame{Text: slices.Clone(d.Text), ClassName: slices.Clone(d.Label), Label: make([]int, d.Len())}
	for i, l := range d.Label {
		k, ok := slices.BinarySearch(classes, l)
		if !ok {
			return nil, fmt.Errorf("%s: line %d: the label %q is not one of the classes %q", d.Name, d.Line[i], l, classes)
		}
		f.Label[i] = k
	}
	f.EncodedLabel = slices.Clone(f.Label)
	return f, nil
}
