// Package owntexts executes the own-texts notebook offline.
package owntexts

import (
	"os"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/notebooks/internal/nbtest"
)

// TestOwnTextsOffline executes the own-texts notebook without a key: it
// writes its example file in the temporary folder, reads it as one's own
// file and runs every step with the offline embedder.
func TestOwnTextsOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: executing the notebook takes a minute or more")
	}
	tmp := t.TempDir()
	nb, raw, err := nbtest.ExecuteFile(t, nbtest.RunEnv(t, "TMPDIR="+tmp), nbtest.Path(t, nbtest.OwnTexts))
	if err != nil {
		t.Fatal(err)
	}
	want := nbtest.OwnTextsExpect()
	want["export"] = nbtest.Expect{MIMEs: []string{"text/html"}, Texts: []string{"Wrote 500 posts"}}
	want["embedder"] = nbtest.Expect{Texts: []string{"Embedding offline with lsa-tfidf-256d", "fitted on 400 training texts"}}
	nbtest.Check(t, nb, want)
	// The example file went to the kernel's temporary folder, which the
	// run removed: nothing is left in the test's, nor beside the notebook.
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the run left %d files in the temporary folder, such as %s", len(left), left[0].Name())
	}
	if _, err := os.Stat(nbtest.Path(t, "my_texts.csv")); err == nil {
		t.Error("the example file was written beside the notebook, not in the temporary folder")
	}
	if strings.Contains(string(raw), tmp) {
		t.Error("the executed notebook shows the temporary folder's path")
	}
}
