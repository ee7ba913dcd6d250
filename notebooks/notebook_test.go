// Package notebooks holds the project's GoNB notebooks; its tests execute
// them through Jupyter and check their outputs.
package notebooks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/ipynb"
	"github.com/embedclassify/embedclassify/internal/jupyter"
	"github.com/embedclassify/embedclassify/internal/jupyter/jupytertest"
	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/internal/testenv"
	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"github.com/embedclassify/embedclassify/notebooks/internal/cells"
)

const tutorial = "classify_text_with_embeddings.ipynb"

// expect is what one code cell of the tutorial must show.
type expect struct {
	mimes []string // output MIME types (or "stream") that must be present
	texts []string // strings that must appear in the cell's outputs
}

// expectations by cell id, for every run. The embedder-specific ones are
// added by each test.
func expectations() map[string]expect {
	return map[string]expect{
		"load":         {texts: []string{"alt.atheism", "sci.space", "talk.religion.misc"}},
		"example":      {texts: []string{"Lines:"}},
		"preprocess":   {mimes: []string{"text/html"}, texts: []string{"Class Name", "rec.autos"}},
		"counts-train": {texts: []string{"sci.crypt          100", "sci.space          100"}},
		"counts-test":  {texts: []string{"sci.med            25"}},
		"embed-train":  {mimes: []string{"text/html"}, texts: []string{"<progress", "400/400", "Embeddings", "sci.crypt"}},
		"embed-test":   {mimes: []string{"text/html"}, texts: []string{"100/100", "Embeddings"}},
		"build":        {mimes: []string{"text/html"}, texts: []string{"Total params"}},
		"train":        {texts: []string{"Epoch 1/20", "val_accuracy", "Trained for"}},
		"evaluate":     {mimes: []string{"text/html"}, texts: []string{"accuracy", "loss"}},
		"plot":         {mimes: []string{"image/png"}},
		"confusion":    {mimes: []string{"image/png", "text/html"}, texts: []string{"precision", "macro avg"}},
		"logits":       {mimes: []string{"image/png", "text/html"}, texts: []string{"plain logits"}},
		"compare":      {mimes: []string{"image/png", "text/html"}, texts: []string{"the run above", "test accuracy"}},
		"predict":      {mimes: []string{"text/html"}, texts: []string{"predicted group", "Saved sigmoid then softmax (tutorial) to classifier.mlp"}},
	}
}

// checkNotebook fails the test for every cell that did not run, holds an
// error, or lacks what want says it must show.
func checkNotebook(t *testing.T, nb *ipynb.Notebook, want map[string]expect) {
	t.Helper()
	for _, p := range append(nb.Errors(), nb.Unexecuted()...) {
		t.Errorf("%v", p)
	}
	seen := map[string]bool{}
	for _, c := range nb.Cells {
		w, ok := want[c.ID]
		if !ok {
			continue
		}
		seen[c.ID] = true
		var mimes []string
		var text strings.Builder
		for _, o := range c.Outputs {
			if o.Type == ipynb.Stream {
				mimes = append(mimes, "stream")
				text.WriteString(o.Text)
			}
			for _, m := range o.MIMETypes() {
				mimes = append(mimes, m)
				if s, ok := o.DataText(m); ok && strings.HasPrefix(m, "text/") {
					text.WriteString(s)
				}
			}
		}
		for _, m := range w.mimes {
			if !slices.Contains(mimes, m) {
				t.Errorf("cell %s: no %s output (outputs: %v)", c.ID, m, mimes)
			}
		}
		for _, s := range w.texts {
			if !strings.Contains(text.String(), s) {
				t.Errorf("cell %s: outputs lack %q:\n%s", c.ID, s, trim(text.String(), 1500))
			}
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("no cell %q in the notebook", id)
		}
	}
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// runEnv returns the environment of a notebook run: this process's, with
// the shared dataset, an empty embedding cache, no Gemini settings, and the
// extra variables.
func runEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	data := shared.Archive(t)
	drop := []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT",
		"GOOGLE_CLOUD_LOCATION", "GOOGLE_GEMINI_BASE_URL", "EMBEDCLASSIFY_DIMS", "EMBEDCLASSIFY_DATA", embedding.CacheDirEnv}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if slices.Contains(drop, k) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "EMBEDCLASSIFY_DATA="+data, embedding.CacheDirEnv+"="+t.TempDir())
	return append(env, extra...)
}

// execute runs the tutorial notebook with the GoNB kernel and env into a
// temporary file and returns the executed notebook and its bytes.
func execute(t *testing.T, env []string) (*ipynb.Notebook, []byte) {
	t.Helper()
	nb, b, err := executeFile(t, env, tutorial)
	if err != nil {
		t.Fatal(err)
	}
	return nb, b
}

// executeFile runs the notebook at path (in this folder) with env.
func executeFile(t *testing.T, env []string, path string) (*ipynb.Notebook, []byte, error) {
	t.Helper()
	j := jupytertest.Jupyter(t)
	if err := j.HasNBConvert(context.Background()); err != nil {
		testenv.Missing(t, "%v", err)
	}
	jupytertest.Kernel(t, j, "gonb")
	j.Env = env
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	start := time.Now()
	nb, err := j.Execute(context.Background(), path, jupyter.ExecOptions{
		Output: out, Timeout: 10 * time.Minute, AllowErrors: true,
	})
	t.Logf("executed %s in %.1fs", path, time.Since(start).Seconds())
	b, rerr := os.ReadFile(out)
	if err == nil && rerr != nil {
		err = rerr
	}
	return nb, b, err
}

// TestTutorialOffline executes the notebook without a key: it must say so
// and run every step with the offline embedder.
func TestTutorialOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: executing the notebook takes a minute or more")
	}
	t.Parallel()
	nb, _ := execute(t, runEnv(t))
	want := expectations()
	want["key"] = expect{mimes: []string{"text/html"}, texts: []string{"No GEMINI_API_KEY", "offline"}}
	want["models"] = expect{texts: []string{"No key"}}
	want["embedder"] = expect{texts: []string{"Embedding offline with lsa-tfidf-256d"}}
	want["gemini-call"] = expect{texts: []string{"No key, so nothing is sent", "batchEmbedContents", "taskType"}}
	checkNotebook(t, nb, want)
}

// The committed notebook must carry the outputs of a complete run.
func TestCommittedOutputs(t *testing.T) {
	nb, err := ipynb.Read(tutorial)
	if err != nil {
		t.Fatal(err)
	}
	want := expectations()
	want["embedder"] = expect{texts: []string{"Embedding"}}
	checkNotebook(t, nb, want)
	b, err := os.ReadFile(tutorial)
	if err != nil {
		t.Fatal(err)
	}
	checkNoMachinePaths(t, b)
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

// checkNoMachinePaths fails the test if the notebook b shows a path of
// this machine: committed outputs must not depend on the machine.
func checkNoMachinePaths(t *testing.T, b []byte) {
	t.Helper()
	for _, p := range []string{"/tmp/", "/work/", "/root/", "/home/", `"/var/`} {
		if strings.Contains(string(b), p) {
			t.Errorf("the committed notebook shows a machine path (%s…): outputs must not depend on the machine", p)
		}
	}
}

// dummyKey is the key the Gemini run uses; it must never show in outputs.
const dummyKey = "dummy-key-7f3a9c1e5b"

// TestTutorialGemini executes the notebook with the Gemini embedder
// pointed at the fake server, with the model's own 3072 dimensions.
func TestTutorialGemini(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: executing the notebook takes a minute or more")
	}
	t.Parallel()
	srv := geminitest.NewServer(geminitest.Options{APIKeys: []string{dummyKey}})
	defer srv.Close()
	env := runEnv(t, "GEMINI_API_KEY="+dummyKey, "GOOGLE_GEMINI_BASE_URL="+srv.URL)
	nb, raw := execute(t, env)
	want := expectations()
	want["key"] = expect{mimes: []string{"text/html"}, texts: []string{"Gemini is configured (key from GEMINI_API_KEY)"}}
	want["models"] = expect{texts: []string{"models/gemini-embedding-001"}}
	want["embedder"] = expect{texts: []string{"Embedding with Gemini: gemini-embedding-001", "3072 dimensions"}}
	want["gemini-call"] = expect{texts: []string{"3072 values:"}}
	want["compare"] = expect{mimes: []string{"image/png", "text/html"}, texts: []string{"Gemini, 768 dims", "offline, 256 dims"}}
	checkNotebook(t, nb, want)
	if strings.Contains(string(raw), dummyKey) {
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

// TestInterruptAndResume interrupts the cell embedding the training posts
// while one Gemini request waits on a rate limit, as Jupyter's stop button
// does, then runs the cell again: it must stop promptly with a message
// saying how to go on, and the second run must ask only for the texts the
// first did not get.
func TestInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a GoNB kernel")
	}
	t.Parallel()
	srv := geminitest.NewServer(geminitest.Options{APIKeys: []string{dummyKey}})
	defer srv.Close()
	s := startSession(t, runEnv(t, "GEMINI_API_KEY="+dummyKey, "GOOGLE_GEMINI_BASE_URL="+srv.URL, "EMBEDCLASSIFY_DIMS=768"))
	var target string
	for _, c := range cells.Notebook().Cells {
		if c.Type != "code" {
			continue
		}
		if c.ID == "embed-train" {
			target = c.Source
			break
		}
		s.run(c.ID, c.Source)
	}

	before := srv.Stats().Texts
	// One of the four batches of 100 is refused with a long Retry-After:
	// the other three arrive (and are cached) while it waits.
	srv.InjectFaults(geminitest.Fault{Status: 429, RetryAfter: time.Minute})
	r := s.exec(request{Source: target, InterruptAfter: "/400", Delay: 3})
	t.Logf("interrupted cell: status %s, stopped %.2fs after the interrupt", r.Status, r.Seconds)
	// GoNB answers "ok" for a cell whose program failed, and says "exit
	// status 1" on stderr.
	if !strings.Contains(r.Text, "exit status 1") || !strings.Contains(r.Text, "Interrupted. Run the cell again") {
		t.Errorf("interrupted cell: status %q, output:\n%s", r.Status, trim(r.Text, 3000))
	}
	// GoNB kills the cell's program 5s after the interrupt: stopping before
	// shows the cell's context was cancelled.
	if r.Seconds > 4 {
		t.Errorf("the cell took %.1fs to stop after the interrupt", r.Seconds)
	}
	// With the default 100 texts per request and 4 requests at a time, 300
	// texts arrive; any number between none and all shows a partial run.
	got := srv.Stats().Texts - before
	t.Logf("%d of 400 texts embedded before the interrupt", got)
	if got <= 0 || got >= 400 {
		t.Errorf("the fake server embedded %d texts before the interrupt, want some but not all of 400", got)
	}

	if out := s.run("embed-train", target); !strings.Contains(out, "400/400") {
		t.Errorf("re-run cell output:\n%s", trim(out, 3000))
	}
	if got := srv.Stats().Texts - before; got != 400 {
		t.Errorf("after the re-run the server embedded %d texts in all, want 400: the re-run must ask only for the 100 missing", got)
	}
}

// TestWrongKey runs the first cells with a key the (fake) service refuses:
// the model list cell must fail with a message saying so, without the key.
func TestWrongKey(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a GoNB kernel")
	}
	t.Parallel()
	srv := geminitest.NewServer(geminitest.Options{APIKeys: []string{dummyKey}})
	defer srv.Close()
	const wrongKey = "wrong-key-0c1d2e3f4a"
	// The notebook must sit in this folder: its first cell finds the
	// repository as the notebook's parent folder.
	f, err := os.CreateTemp(".", ".wrongkey-*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	defer os.Remove(f.Name())
	if err := cells.Subset("setup", "key", "models").Write(f.Name()); err != nil {
		t.Fatal(err)
	}
	nb, raw, err := executeFile(t, runEnv(t, "GEMINI_API_KEY="+wrongKey, "GOOGLE_GEMINI_BASE_URL="+srv.URL), f.Name())
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
