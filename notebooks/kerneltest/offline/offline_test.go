// Package offline executes the tutorial notebook without a key.
package offline

import (
	"testing"

	"github.com/embedclassify/embedclassify/notebooks/internal/nbtest"
)

// TestTutorialOffline executes the notebook without a key: it must say so
// and run every step with the offline embedder.
func TestTutorialOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: executing the notebook takes a minute or more")
	}
	nb, _ := nbtest.Execute(t, nbtest.RunEnv(t), nbtest.Tutorial)
	want := nbtest.TutorialExpect()
	want["key"] = nbtest.Expect{MIMEs: []string{"text/html"}, Texts: []string{"No GEMINI_API_KEY", "offline"}}
	want["models"] = nbtest.Expect{Texts: []string{"No key"}}
	want["embedder"] = nbtest.Expect{Texts: []string{"Embedding offline with lsa-tfidf-256d"}}
	want["gemini-call"] = nbtest.Expect{Texts: []string{"No key, so nothing is sent", "batchEmbedContents", "taskType"}}
	nbtest.Check(t, nb, want)
}
