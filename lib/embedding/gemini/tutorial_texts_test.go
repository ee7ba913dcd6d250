package gemini_test

import (
	"context"
	"sync"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
	"github.com/embedclassify/embedclassify/lib/tutorial"
)

var (
	tutorialOnce sync.Once
	tutorialIn   []string
	tutorialErr  error
)

// tutorialTexts returns the tutorial's 500 texts as the pipeline sends
// them: 100 training and 25 test posts of each sci.* group (seed 0),
// preprocessed as the tutorial does. The test is skipped (failed in CI)
// without the dataset.
func tutorialTexts(t testing.TB) []string {
	t.Helper()
	archive := shared.Archive(t)
	tutorialOnce.Do(func() {
		ctx := context.Background()
		for _, part := range []struct {
			subset string
			n      int
		}{{newsgroups.Train, tutorial.TrainPerClass}, {newsgroups.Test, tutorial.TestPerClass}} {
			ds, err := newsgroups.Load(ctx, newsgroups.Options{Path: archive, Subset: part.subset})
			if err != nil {
				tutorialErr = err
				return
			}
			f, err := frame.Sample(newsgroups.PreprocessFrame(ds), part.n, tutorial.ClassesToKeep, 0)
			if err != nil {
				tutorialErr = err
				return
			}
			tutorialIn = append(tutorialIn, f.Text...)
		}
	})
	if tutorialErr != nil {
		t.Fatal(tutorialErr)
	}
	if len(tutorialIn) != 500 {
		t.Fatalf("%d tutorial texts, want 500", len(tutorialIn))
	}
	return tutorialIn
}
