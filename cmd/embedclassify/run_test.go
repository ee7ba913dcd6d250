package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
)

func TestUsage(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{nil, 2, "usage: embedclassify COMMAND"},
		{[]string{"help"}, 0, "commands:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"run", "--no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"run", "extra"}, 2, "unexpected arguments"},
		{[]string{"run", "-h"}, 0, "-train-per-class"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := mainErr(context.Background(), tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.inStderr) {
			t.Errorf("embedclassify %q: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr.String(), tt.code, tt.inStderr)
		}
	}
}

// TestTypoFlag checks that a mistyped flag gets a short message naming the
// closest flag, not the whole usage, and exit code 2.
func TestTypoFlag(t *testing.T) {
	tests := []struct {
		args []string
		near string // "" when no flag is close
	}{
		{[]string{"run", "--epoch", "5"}, "--epochs"},
		{[]string{"run", "--ot", "x"}, "--out"},
		{[]string{"run", "--trian-per-class", "5"}, "--train-per-class"},
		{[]string{"embed", "--formt", "csv"}, "--format"},
		{[]string{"predict", "--model", "x.mlp", "text"}, "--model-file"},
		{[]string{"data", "--subst", "test"}, "--subset"},
		{[]string{"run", "--frobnicate"}, ""},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := mainErr(context.Background(), tt.args, &stdout, &stderr)
		msg := stderr.String()
		if code != 2 {
			t.Errorf("embedclassify %q: exit %d, want 2", tt.args, code)
		}
		if tt.near != "" && !strings.Contains(msg, "did you mean "+tt.near+"?") {
			t.Errorf("embedclassify %q: stderr %q does not suggest %s", tt.args, msg, tt.near)
		}
		if tt.near == "" && strings.Contains(msg, "did you mean") {
			t.Errorf("embedclassify %q: stderr %q suggests a flag far from the one typed", tt.args, msg)
		}
		if n := strings.Count(msg, "\n"); n > 3 {
			t.Errorf("embedclassify %q: %d lines on stderr, want at most 3 (no usage):\n%s", tt.args, n, msg)
		}
	}
}

func TestRunWritesReport(t *testing.T) {
	archive := shared.Archive(t)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"run", "--data", archive, "--embedder", "local", "--epochs", "3", "--out", out, "--seed", "1"}
	if code := mainErr(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("embedclassify %q: exit %d\n%s", args, code, stderr.String())
	}
	for _, want := range []string{"test accuracy", "sci.electronics", "report written to"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "Epoch 3/3") {
		t.Errorf("stderr lacks the per-epoch log:\n%s", stderr.String())
	}
	var m struct {
		Accuracy *float64 `json:"accuracy"`
		Loss     *float64 `json:"loss"`
		Settings struct {
			Epochs   int    `json:"epochs"`
			Embedder string `json:"embedder"`
			Model    string `json:"model"`
		} `json:"settings"`
		Report []map[string]any `json:"report"`
	}
	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Accuracy == nil || m.Loss == nil {
		t.Fatalf("metrics.json lacks accuracy or loss (%v):\n%s", err, b)
	}
	if m.Settings.Epochs != 3 {
		t.Errorf("metrics.json settings.epochs = %d, want 3", m.Settings.Epochs)
	}
	// The embedder actually used, not the flags' defaults.
	if m.Settings.Embedder != "local" || !strings.HasPrefix(m.Settings.Model, "lsa-") {
		t.Errorf("metrics.json settings name the embedder %q, model %q; want local and the offline model's name", m.Settings.Embedder, m.Settings.Model)
	}
	// snake_case keys throughout.
	for _, row := range m.Report {
		for k := range row {
			if k != strings.ToLower(k) {
				t.Errorf("metrics.json report key %q is not snake_case", k)
			}
		}
	}
	if len(m.Report) != 4 {
		t.Errorf("metrics.json report has %d rows, want 4", len(m.Report))
	}
}

func TestRunFailsClearlyWithoutData(t *testing.T) {
	var stdout, stderr bytes.Buffer
	missing := filepath.Join(t.TempDir(), "nothing-here.tar.gz")
	code := mainErr(context.Background(), []string{"run", "--data", missing, "--out", t.TempDir()}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "nothing-here.tar.gz") {
		t.Errorf("run with a missing archive: exit %d, stderr %q; want exit 1 naming the path", code, stderr.String())
	}
}

// TestRunChecksBeforeWork checks that bad flags and an unusable report
// folder are refused before the dataset is opened or a request is sent:
// --data names a path that does not exist, so any attempt to load it would
// be the error instead.
func TestRunChecksBeforeWork(t *testing.T) {
	srv := geminitest.NewServer(geminitest.Options{})
	defer srv.Close()
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "")
	t.Setenv("EMBEDCLASSIFY_EMBEDDING_CACHE", t.TempDir())
	dir := t.TempDir()
	missing := filepath.Join(dir, "never-opened.tar.gz")
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("mine"), 0o644)
	users := filepath.Join(dir, "users")
	os.Mkdir(users, 0o755)
	os.WriteFile(filepath.Join(users, "thesis.tex"), []byte("mine"), 0o644)
	tests := []struct {
		key      string
		args     []string
		code     int
		inStderr string
	}{
		{"", []string{"--out", file}, 1, "is a file"},
		{"", []string{"--out", filepath.Join(file, "sub")}, 1, "is a file"},
		{"", []string{"--out", users}, 1, "thesis.tex"},
		{"", []string{"--embedder", "gemni"}, 2, `unknown --embedder "gemni"`},
		{"", []string{"--classes", "scii"}, 2, `--classes "scii" matches no newsgroup`},
		{"", []string{"--embedder", "gemini"}, 1, "no API key"},
		{"k", []string{"--embedder", "gemini", "--dims", "5"}, 2, "--dims 5"},
		{"k", []string{"--embedder", "gemini", "--task-type", "CLASIFICATION"}, 2, "unknown task type"},
		{"k", []string{"--embedding-batch-size", "500"}, 2, "1 to 100"},
		{"", []string{"--epochs", "-1"}, 2, "Epochs"},
		{"", []string{"--train-per-class", "-1"}, 2, "0 (all) or more"},
	}
	for _, tt := range tests {
		t.Setenv("GEMINI_API_KEY", tt.key)
		var stdout, stderr bytes.Buffer
		args := append([]string{"run", "--data", missing, "--out", filepath.Join(dir, "new")}, tt.args...)
		code := mainErr(context.Background(), args, &stdout, &stderr)
		msg := stderr.String()
		if code != tt.code || !strings.Contains(msg, tt.inStderr) {
			t.Errorf("embedclassify %q: exit %d, stderr %q; want exit %d and %q", args, code, msg, tt.code, tt.inStderr)
		}
		if strings.Contains(msg, "never-opened") || strings.Contains(msg, "loading") {
			t.Errorf("embedclassify %q: the dataset was opened before the check: %s", args, msg)
		}
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("the checks sent %d requests, want 0", n)
	}
	if b, _ := os.ReadFile(filepath.Join(users, "thesis.tex")); string(b) != "mine" {
		t.Error("the user's file changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Error("a refused run created its report folder")
	}

	// With the real dataset, a Gemini run into a file is refused before
	// one text is paid for.
	archive := shared.Archive(t)
	t.Setenv("GEMINI_API_KEY", "k")
	var stdout, stderr bytes.Buffer
	args := []string{"run", "--data", archive, "--embedder", "gemini", "--dims", "128", "--out", file}
	if code := mainErr(context.Background(), args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "is a file") {
		t.Errorf("embedclassify %q: exit %d, stderr %q; want exit 1 and \"is a file\"", args, code, stderr.String())
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("a run refused for its --out sent %d requests, want 0", n)
	}
}
