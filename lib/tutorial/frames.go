package tutorial

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/embedclassify/embedclassify/lib/frame"
)

// RunFrames runs the pipeline of Run on the caller's own train and test
// frames, such as a labelled file read with package dataset, instead of
// 20 Newsgroups. It uses their Text and ClassName columns as they are: any
// sampling is the caller's (frame.Sample samples them as Run samples 20
// Newsgroups), and s.TrainPerClass, s.TestPerClass, s.Classes and s.Data are
// only recorded. EncodedLabel is set on both frames from the training set's
// sorted class names; the test set may lack some of them, but may have no
// other. The frames are modified (EncodedLabel, Embeddings).
func RunFrames(ctx context.Context, s Settings, train, test *frame.Frame, hooks Hooks) (*Result, error) {
	if train.Len() == 0 || test.Len() == 0 {
		return nil, fmt.Errorf("tutorial: the training set has %d rows and the test set %d; both need some", train.Len(), test.Len())
	}
	t0 := time.Now()
	names := slices.Clone(train.ClassName)
	slices.Sort(names)
	names = slices.Compact(names)
	encode := func(f *frame.Frame, set string) error {
		f.EncodedLabel = make([]int, f.Len())
		for i, c := range f.ClassName {
			k, ok := slices.BinarySearch(names, c)
			if !ok {
				return fmt.Errorf("tutorial: the %s set's class %q is not among the training set's classes %q", set, c, names)
			}
			f.EncodedLabel[i] = k
		}
		return nil
	}
	if err := encode(train, "training"); err != nil {
		return nil, err
	}
	if err := encode(test, "test"); err != nil {
		return nil, err
	}
	r := &Result{Settings: s}
	r.Timings.Load = time.Since(t0)
	return fitFrames(ctx, r, train, test, hooks)
}

// classesAgree reports whether test's class names (by code, "" for a code
// test lacks) are train's or some of them, under the same codes.
func classesAgree(train, test []string) bool {
	if len(test) > len(train) {
		return false
	}
	for k, c := range test {
		if c != "" && c != train[k] {
			return false
		}
	}
	return true
}

// DataSource describes the user's own data a run read (see RunFrames), as
// metrics.json records it under "data".
type DataSource struct {
	TrainFile    string  `json:"train_file"`
	TestFile     string  `json:"test_file,omitempty"`
	TestFraction float64 `json:"test_fraction,omitempty"` // the stratified share of TrainFile tested on, without TestFile
	TextColumn   string  `json:"text_column"`
	LabelColumn  string  `json:"label_column"`
	SkippedRows  int     `json:"skipped_rows"`         // invalid rows left out
	DroppedRows  int     `json:"dropped_rows"`         // rows of classes with one example, test rows of labels training lacks
	Duplicates   int     `json:"duplicate_test_texts"` // test texts also in the training set
}
