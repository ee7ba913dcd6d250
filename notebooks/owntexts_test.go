package notebooks

import (
	"os"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/ipynb"
)

const ownTexts = "classify_your_own_texts.ipynb"

// ownTextsExpectations is what each code cell of the own-texts notebook
// must show, by cell id.
func ownTextsExpectations() map[string]expect {
	groups := []string{"comp.graphics", "rec.sport.hockey", "sci.space", "talk.politics.guns"}
	return map[string]expect{
		"export":    {mimes: []string{"text/html"}, texts: []string{"500 posts (the first 125 of each of 4 groups) to my_texts.csv"}},
		"read":      {mimes: []string{"text/html"}, texts: []string{"Class Name", "Text"}},
		"counts":    {texts: append([]string{"125"}, groups...)},
		"split":     {mimes: []string{"text/html"}, texts: []string{"training rows", "test rows", "400", "100"}},
		"embedder":  {texts: []string{"Embedding"}},
		"embed":     {mimes: []string{"text/html"}, texts: []string{"<progress", "400/400", "100/100", "Embeddings"}},
		"train":     {texts: []string{"Epoch 1/20", "val_accuracy", "Trained for"}},
		"evaluate":  {mimes: []string{"text/html"}, texts: []string{"accuracy", "loss"}},
		"plot":      {mimes: []string{"image/png"}},
		"confusion": {mimes: []string{"image/png", "text/html"}, texts: append([]string{"precision", "macro avg"}, groups...)},
		"predict":   {mimes: []string{"text/html"}, texts: append([]string{"Saved plain logits to my_classifier.mlp", "predicted group"}, groups...)},
	}
}

// TestOwnTextsOffline executes the own-texts notebook without a key: it
// writes its example file in the temporary folder, reads it as one's own
// file and runs every step with the offline embedder.
func TestOwnTextsOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: executing the notebook takes a minute or more")
	}
	t.Parallel()
	tmp := t.TempDir()
	nb, raw, err := executeFile(t, runEnv(t, "TMPDIR="+tmp), ownTexts)
	if err != nil {
		t.Fatal(err)
	}
	want := ownTextsExpectations()
	want["export"] = expect{mimes: []string{"text/html"}, texts: []string{"Wrote 500 posts"}}
	want["embedder"] = expect{texts: []string{"Embedding offline with lsa-tfidf-256d", "fitted on 400 training texts"}}
	checkNotebook(t, nb, want)
	// The example file went to the kernel's temporary folder, which the
	// run removed: nothing is left in the test's, nor beside the notebook.
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the run left %d files in the temporary folder, such as %s", len(left), left[0].Name())
	}
	if _, err := os.Stat("my_texts.csv"); err == nil {
		t.Error("the example file was written beside the notebook, not in the temporary folder")
	}
	if strings.Contains(string(raw), tmp) {
		t.Error("the executed notebook shows the temporary folder's path")
	}
}

// The committed own-texts notebook must carry the outputs of a complete
// run, with no machine paths.
func TestOwnTextsCommittedOutputs(t *testing.T) {
	nb, err := ipynb.Read(ownTexts)
	if err != nil {
		t.Fatal(err)
	}
	checkNotebook(t, nb, ownTextsExpectations())
	b, err := os.ReadFile(ownTexts)
	if err != nil {
		t.Fatal(err)
	}
	checkNoMachinePaths(t, b)
}
