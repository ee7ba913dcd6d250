// Package gemini executes the tutorial notebook with the Gemini embedder
// against the fake Gemini server.
package gemini

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/jupyter"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"github.com/embedclassify/embedclassify/notebooks/internal/cells"
	"github.com/embedclassify/embedclassify/notebooks/internal/nbtest"
)

// TestTutorialGemini executes the notebook with the Gemini embedder
// pointed at the fake server, with the model's own 3072 dimensions.
func TestTutorialGemini(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: executing the notebook takes a minute or more")
	}
	t.Parallel()
	srv := geminitest.NewServer(geminitest.Options{APIKeys: []string{nbtest.DummyKey}})
	defer srv.Close()
	env := nbtest.RunEnv(t, "GEMINI_API_KEY="+nbtest.DummyKey, "GOOGLE_GEMINI_BASE_URL="+srv.URL)
	nb, raw := nbtest.Execute(t, env, nbtest.Tutorial)
	want := nbtest.TutorialExpect()
	want["key"] = nbtest.Expect{MIMEs: []string{"text/html"}, Texts: []string{"Gemini is configured (key from GEMINI_API_KEY)"}}
	want["models"] = nbtest.Expect{Texts: []string{"models/gemini-embedding-001"}}
	want["embedder"] = nbtest.Expect{Texts: []string{"Embedding with Gemini: gemini-embedding-001", "3072 dimensions"}}
	want["gemini-call"] = nbtest.Expect{Texts: []string{"3072 values:"}}
	want["compare"] = nbtest.Expect{MIMEs: []string{"image/png", "text/html"}, Texts: []string{"Gemini, 768 dims", "offline, 256 dims"}}
	nbtest.Check(t, nb, want)
	if strings.Contains(string(raw), nbtest.DummyKey) {
		t.Error("the executed notebook contains the API key")
	}
	st := srv.Stats()
	t.Logf("fake Gemini served %d embedding requests, %d texts, %d list requests, %d refused", st.EmbedRequests, st.Texts, st.ListRequests, st.Refused)
	// The one text of the API call cell, 500 posts at 3072 dimensions, the
	// same at 768 for the comparison, and the four sentences of the last
	// cell.
	if st.Texts != 1005 || st.ListRequests == 0 || st.Refused > 0 {
		t.Errorf("fake Gemini stats %+v: want 1005 texts embedded, the model list asked for, nothing refused", st)
	}
}

// TestWrongKey runs the first cells with a key the (fake) service refuses:
// the model list cell must fail with a message saying so, without the key.
func TestWrongKey(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a GoNB kernel")
	}
	t.Parallel()
	srv := geminitest.NewServer(geminitest.Options{APIKeys: []string{nbtest.DummyKey}})
	defer srv.Close()
	const wrongKey = "wrong-key-0c1d2e3f4a"
	// The notebook must sit in the notebooks folder: its first cell finds
	// the repository as the notebook's parent folder.
	f, err := os.CreateTemp(nbtest.Dir(t), ".wrongkey-*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	defer os.Remove(f.Name())
	if err := cells.Subset("setup", "key", "models").Write(f.Name()); err != nil {
		t.Fatal(err)
	}
	nb, raw, err := nbtest.ExecuteFile(t, nbtest.RunEnv(t, "GEMINI_API_KEY="+wrongKey, "GOOGLE_GEMINI_BASE_URL="+srv.URL), f.Name())
	var xerr *jupyter.ExecError
	if !errors.As(err, &xerr) || nb == nil {
		t.Fatalf("error = %v, want the models cell to fail", err)
	}
	if len(xerr.Problems) != 1 || nb.Cells[xerr.Problems[0].Cell].ID != "models" {
		t.Fatalf("problems = %v, want one in the models cell", xerr.Problems)
	}
	msg := xerr.Problems[0].Message
	t.Logf("the models cell says: %s", msg)
	if !strings.Contains(strings.ToLower(msg), "key") {
		t.Errorf("the message does not mention the key:\n%s", msg)
	}
	if strings.Contains(string(raw), wrongKey) {
		t.Error("the executed notebook contains the API key")
	}
}
