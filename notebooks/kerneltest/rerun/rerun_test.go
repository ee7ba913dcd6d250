// Package rerun edits and re-runs the tutorial's cells in one GoNB kernel
// session.
package rerun

import (
	"regexp"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/notebooks/internal/cells"
	"github.com/embedclassify/embedclassify/notebooks/internal/nbtest"
)

var valRE = regexp.MustCompile(`val_accuracy: [0-9.]+ - val_loss: [0-9.]+`)

// TestRerunAndEditConstant runs the tutorial to its training cell in one
// kernel session, then: runs the training cell again, which must replay
// its epoch log from the cache; edits the test sample size in the sample
// cell and runs it, which must do no work of the cells below; and runs the
// training cell again, which must train anew on the new validation posts.
func TestRerunAndEditConstant(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a GoNB kernel")
	}
	s := nbtest.StartSession(t, nbtest.RunEnv(t))
	nb := cells.Notebook()
	source := map[string]string{}
	for _, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		source[c.ID] = c.Source
		if c.ID == "gemini-call" || c.ID == "models" {
			continue // not needed for training
		}
		out := s.Run(c.ID, c.Source)
		if c.ID == "train" {
			if !strings.Contains(out, "Epoch 1/20") || strings.Contains(out, "cache") {
				t.Fatalf("first training run:\n%s", nbtest.Trim(out, 3000))
			}
			break
		}
	}
	first := s.Run("train", source["train"])
	if !strings.Contains(first, "From the session cache: training") || !strings.Contains(first, "Epoch 1/20") ||
		!strings.Contains(first, "Trained for") {
		t.Errorf("training cell run again: want its epoch log replayed under the cache note, got:\n%s", nbtest.Trim(first, 3000))
	}

	edited := strings.Replace(source["sample"], "testNumSamples  = 25", "testNumSamples  = 10", 1)
	if edited == source["sample"] {
		t.Fatalf("no testNumSamples = 25 in the sample cell:\n%s", source["sample"])
	}
	if out := s.Run("sample", edited); strings.Contains(out, "<progress") || strings.Contains(out, "Epoch") {
		t.Errorf("the sample cell did the work of the cells below it:\n%s", nbtest.Trim(out, 3000))
	}
	if out := s.Run("counts-test", source["counts-test"]); !strings.Contains(out, "sci.med            10") {
		t.Errorf("counts after the edit:\n%s", nbtest.Trim(out, 2000))
	}
	second := s.Run("train", source["train"])
	if strings.Contains(second, "From the session cache: training") || !strings.Contains(second, "Epoch 1/20") ||
		!strings.Contains(second, "40/40") {
		t.Errorf("training cell after the edit: want the 40 test posts embedded and a new training, got:\n%s", nbtest.Trim(second, 3000))
	}
	before, after := valRE.FindAllString(first, -1), valRE.FindAllString(second, -1)
	t.Logf("validation, 25 posts per class: %v", before)
	t.Logf("validation, 10 posts per class: %v", after)
	if len(before) == 0 || len(after) == 0 || strings.Join(before, "|") == strings.Join(after, "|") {
		t.Errorf("the validation history did not change with the test sample size")
	}
}
