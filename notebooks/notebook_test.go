// Package notebooks holds the project's GoNB notebooks. Its tests check
// the committed notebooks; the tests that execute them in a kernel are in
// notebooks/kerneltest, a package each.
package notebooks

import (
	"os"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/ipynb"
	"github.com/embedclassify/embedclassify/notebooks/internal/nbtest"
)

// The committed notebook must carry the outputs of a complete run.
func TestCommittedOutputs(t *testing.T) {
	nb, err := ipynb.Read(nbtest.Tutorial)
	if err != nil {
		t.Fatal(err)
	}
	want := nbtest.TutorialExpect()
	want["embedder"] = nbtest.Expect{Texts: []string{"Embedding"}}
	nbtest.Check(t, nb, want)
	b, err := os.ReadFile(nbtest.Tutorial)
	if err != nil {
		t.Fatal(err)
	}
	nbtest.CheckNoMachinePaths(t, nbtest.Tutorial, b)
	// The save cell's line comes before its table.
	for _, c := range nb.Cells {
		if c.ID != "predict" {
			continue
		}
		var texts []string
		for _, o := range c.Outputs {
			if s, ok := o.DataText("text/html"); ok {
				texts = append(texts, s)
			}
		}
		if len(texts) < 2 || !strings.Contains(texts[0], "Saved") || !strings.Contains(texts[len(texts)-1], "predicted group") {
			t.Errorf("predict cell outputs in the wrong order: %q", texts)
		}
	}
}

// The committed own-texts notebook must carry the outputs of a complete
// run, with no machine paths.
func TestOwnTextsCommittedOutputs(t *testing.T) {
	nb, err := ipynb.Read(nbtest.OwnTexts)
	if err != nil {
		t.Fatal(err)
	}
	nbtest.Check(t, nb, nbtest.OwnTextsExpect())
	b, err := os.ReadFile(nbtest.OwnTexts)
	if err != nil {
		t.Fatal(err)
	}
	nbtest.CheckNoMachinePaths(t, nbtest.OwnTexts, b)
}
