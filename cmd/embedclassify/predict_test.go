package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
)

// runThenPredict trains with extra run flags, then classifies texts with
// the saved classifier and returns predict's output.
func runThenPredict(t *testing.T, runFlags []string, texts ...string) string {
	t.Helper()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := append([]string{"run", "--data", shared.Archive(t), "--out", out, "--quiet"}, runFlags...)
	if code := mainErr(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("embedclassify %q: exit %d\n%s", args, code, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	args = append([]string{"predict", "--model-file", filepath.Join(out, "classifier.mlp")}, texts...)
	if code := mainErr(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("embedclassify predict: exit %d\n%s", code, stderr.String())
	}
	return stdout.String()
}

func TestPredictOffline(t *testing.T) {
	texts := []string{
		"Clipper chip key escrow lets the NSA decrypt my encryption keys",
		"The orbiter reached lunar orbit after the launch; NASA mission control",
	}
	got := runThenPredict(t, []string{"--embedder", "local", "--logits"}, texts...)
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "class") {
		t.Fatalf("predict printed %q, want a header and 2 lines", got)
	}
	for i, want := range []string{"sci.crypt", "sci.space"} {
		if !strings.HasPrefix(lines[i+1], want) {
			t.Errorf("text %q classified as %q, want %s", texts[i], lines[i+1], want)
		}
	}
}

func TestPredictGemini(t *testing.T) {
	srv := geminitest.NewServer(geminitest.Options{})
	defer srv.Close()
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	t.Setenv("GEMINI_API_KEY", "test-key-for-the-fake-server")
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("EMBEDCLASSIFY_EMBEDDING_CACHE", t.TempDir())
	got := runThenPredict(t, []string{"--embedder", "gemini", "--dims", "256", "--epochs", "3"}, "some text about orbits")
	if n := strings.Count(strings.TrimSpace(got), "\n"); n != 1 {
		t.Errorf("predict printed %q, want a header and 1 line", got)
	}
	if strings.Contains(got, "test-key-for-the-fake-server") {
		t.Error("predict printed the API key")
	}
	// The training run embedded 500 texts in requests of 100; predict adds one.
	if n := srv.Requests(); n != 6 {
		t.Errorf("the fake server got %d embedding requests, want 6", n)
	}
	// The same run again finds every vector in the cache: no request.
	var stdout, stderr bytes.Buffer
	args := []string{"run", "--data", shared.Archive(t), "--out", t.TempDir(), "--quiet", "--embedder", "gemini", "--dims", "256", "--epochs", "3"}
	if code := mainErr(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr.String())
	}
	if n := srv.Requests(); n != 6 {
		t.Errorf("the second run made %d requests, want 0 (all cached)", n-6)
	}
}

func TestPredictErrors(t *testing.T) {
	dir := t.TempDir()
	bogus := filepath.Join(dir, "classifier.mlp")
	if err := os.WriteFile(bogus, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"predict"}, 2, "no text to classify"},
		{[]string{"predict", "--model-file", bogus, ""}, 2, "text 1 of 1 is empty"},
		{[]string{"predict", "--model-file", bogus, "fine", " \t\n"}, 2, "text 2 of 2 is empty or blank"},
		{[]string{"predict", "--model-file", filepath.Join(dir, "missing.mlp"), "x"}, 1, "missing.mlp"},
		{[]string{"predict", "--model-file", bogus, "x"}, 1, "loading the classifier"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := mainErr(context.Background(), tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.inStderr) {
			t.Errorf("embedclassify %q: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr.String(), tt.code, tt.inStderr)
		}
	}
}

// TestPredictRefusesMixedReport trains two small offline runs whose
// embedders differ (fitted on other texts) but make vectors of the same
// length, puts the second run's embedder beside the first run's
// classifier, and checks that predict refuses the pair.
func TestPredictRefusesMixedReport(t *testing.T) {
	tiny := filepath.Join("..", "..", "lib", "newsgroups", "testdata", "tiny-bydate.tar.gz")
	dirs := map[string]string{}
	for _, classes := range []string{"sci", ""} {
		out := filepath.Join(t.TempDir(), "out")
		var stdout, stderr bytes.Buffer
		args := []string{"run", "--data", tiny, "--out", out, "--quiet", "--embedder", "local", "--dims", "2",
			"--classes", classes, "--train-per-class", "0", "--test-per-class", "0", "--epochs", "2"}
		if code := mainErr(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("embedclassify %q: exit %d\n%s", args, code, stderr.String())
		}
		dirs[classes] = out
	}
	predict := func(dir string) (int, string) {
		var stdout, stderr bytes.Buffer
		code := mainErr(context.Background(), []string{"predict", "--model-file", filepath.Join(dir, "classifier.mlp"), "orbit"}, &stdout, &stderr)
		return code, stderr.String()
	}
	if code, msg := predict(dirs["sci"]); code != 0 {
		t.Fatalf("predict with a whole report: exit %d: %s", code, msg)
	}
	for _, name := range []string{"embedder.json", "embedder.lsa.gz"} {
		b, err := os.ReadFile(filepath.Join(dirs[""], name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dirs["sci"], name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, msg := predict(dirs["sci"]); code != 1 || !strings.Contains(msg, "different runs") {
		t.Errorf("predict with another run's embedder: exit %d, stderr %q; want exit 1 saying the files come from different runs", code, msg)
	}
}
