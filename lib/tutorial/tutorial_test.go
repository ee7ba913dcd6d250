package tutorial

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/lib/mlp"
)

func TestRunRejectsNegativeCounts(t *testing.T) {
	s := Defaults()
	s.TrainPerClass = -1
	if _, err := Run(context.Background(), s, Hooks{}); err == nil || !strings.Contains(err.Error(), "per class") {
		t.Fatalf("Run with -1 rows per class: err = %v, want a message about rows per class", err)
	}
}

// TestRunTutorial runs the tutorial's pipeline with the offline embedder on
// the shared archive and checks the report folder it writes.
func TestRunTutorial(t *testing.T) {
	s := Defaults()
	s.Data = shared.Archive(t)
	s.Embedding.Kind = "local"
	s.Seed = 3
	var steps, epochs int
	var lastDone, lastTotal int
	r, err := Run(context.Background(), s, Hooks{
		Step:     func(string) { steps++ },
		Embedded: func(_ string, done, total int) { lastDone, lastTotal = done, total },
		Epoch:    func(mlp.EpochResult) { epochs++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Train.Len() != 400 || r.Test.Len() != 100 {
		t.Errorf("rows = %d train, %d test; want 400, 100", r.Train.Len(), r.Test.Len())
	}
	want := []string{"sci.crypt", "sci.electronics", "sci.med", "sci.space"}
	if !slices.Equal(r.Classes, want) {
		t.Errorf("classes = %v, want %v", r.Classes, want)
	}
	if epochs != r.History.Epochs() || epochs == 0 || steps == 0 {
		t.Errorf("hooks: %d epoch calls for %d epochs, %d steps", epochs, r.History.Epochs(), steps)
	}
	if lastTotal != 100 || lastDone != 100 {
		t.Errorf("last embedding progress = %d/%d, want 100/100 (the test set)", lastDone, lastTotal)
	}
	// A trained classifier does far better than chance (0.25) on four classes.
	if r.Accuracy < 0.6 {
		t.Errorf("test accuracy = %.3f, want at least 0.6", r.Accuracy)
	}
	n := 0
	for i := range r.Confusion {
		for _, c := range r.Confusion[i] {
			n += c
		}
	}
	if n != 100 {
		t.Errorf("confusion matrix counts %d rows, want 100", n)
	}

	dir := t.TempDir()
	if err := r.WriteReport(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{MetricsFile, HistoryFile, HistoryChart + ".png", HistoryChart + ".svg",
		ConfusionChart + ".png", ConfusionChart + ".svg", ClassifierFile,
		EmbeddingMapChart + ".png", EmbeddingMapChart + ".svg", EmbeddingMapChart + ".pdf"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("report file %s missing or empty (%v)", name, err)
		}
	}
	var m map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, MetricsFile))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("metrics.json: %v", err)
	}
	if m["accuracy"] != r.Accuracy || m["loss"] != r.Loss {
		t.Errorf("metrics.json accuracy/loss = %v/%v, want %v/%v", m["accuracy"], m["loss"], r.Accuracy, r.Loss)
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.HistoryCSV()))).ReadAll()
	if err != nil || len(rows) != r.History.Epochs()+1 || rows[0][0] != "epoch" {
		t.Errorf("history.csv: %d rows (err %v), want a header and %d epochs", len(rows), err, r.History.Epochs())
	}
	loaded, err := mlp.LoadFile(filepath.Join(dir, ClassifierFile))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Embedder == "" || loaded.Embedder != r.Embedder.Model() {
		t.Errorf("the saved classifier records embedder %q, want %q", loaded.Embedder, r.Embedder.Model())
	}
	got, err := loaded.PredictClasses(r.Test.Embeddings)
	if err != nil || !slices.Equal(got, r.Predicted) {
		t.Errorf("the saved classifier predicts differently from the trained one (err %v)", err)
	}

	// Same settings, same seed: the same numbers.
	r2, err := Run(context.Background(), s, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Accuracy != r.Accuracy || r2.Loss != r.Loss {
		t.Errorf("second run: accuracy %v loss %v, first %v %v; want equal", r2.Accuracy, r2.Loss, r.Accuracy, r.Loss)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	s := Defaults()
	s.Data = shared.Archive(t)
	s.Embedding.Kind = "local"
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, s, Hooks{}); err == nil {
		t.Fatal("Run with a cancelled context: no error")
	}
}
