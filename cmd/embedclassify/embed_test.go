package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
)

// writeFrameFile writes n records in the format of "embedclassify data".
func writeFrameFile(t *testing.T, n int) string {
	t.Helper()
	topics := []struct{ class, text string }{
		{"sci.space", "The shuttle launch put the satellite in orbit around the moon"},
		{"sci.crypt", "The encryption key escrow of the clipper chip worries privacy advocates"},
		{"sci.med", "The doctor prescribed a new medicine for the patient's disease"},
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for i := 0; i < n; i++ {
		tp := topics[i%len(topics)]
		enc.Encode(dataRecord{File: fmt.Sprintf("%s/%d", tp.class, i), Label: i % len(topics), Class: tp.class,
			Text: fmt.Sprintf("%s, message %d, and the %s group.", tp.text, i, tp.class)})
	}
	p := filepath.Join(t.TempDir(), "frame.jsonl")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runEmbedCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := mainErr(context.Background(), append([]string{"embed"}, args...), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// readNPY parses a float32 .npy matrix written by writeNPY.
func readNPY(t *testing.T, name string) (rows, cols int, data []float32) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:6]) != "\x93NUMPY" {
		t.Fatalf("not an npy file")
	}
	hl := int(binary.LittleEndian.Uint16(b[8:10]))
	header := string(b[10 : 10+hl])
	if (10+hl)%64 != 0 || !strings.Contains(header, "'descr': '<f4'") {
		t.Fatalf("bad header %q", header)
	}
	if _, err := fmt.Sscanf(header[strings.Index(header, "'shape': (")+len("'shape': ("):], "%d, %d)", &rows, &cols); err != nil {
		t.Fatalf("shape in %q: %v", header, err)
	}
	body := b[10+hl:]
	if len(body) != 4*rows*cols {
		t.Fatalf("body of %d bytes for %d×%d", len(body), rows, cols)
	}
	data = make([]float32, rows*cols)
	for i := range data {
		data[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return rows, cols, data
}

func TestEmbedLocalNPY(t *testing.T) {
	t.Setenv("GEMINI_API_KEY", "")
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "")
	in := writeFrameFile(t, 30)
	out := filepath.Join(t.TempDir(), "v.npy")
	_, stderr, code := runEmbedCmd(t, "--in", in, "-o", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows, cols, data := readNPY(t, out)
	if rows != 30 || cols < 2 {
		t.Fatalf("shape %d×%d", rows, cols)
	}
	var ss float64
	for _, x := range data[:cols] {
		ss += float64(x) * float64(x)
	}
	if math.Abs(ss-1) > 1e-4 {
		t.Errorf("row 0 not normalised: %f", ss)
	}
}

func TestEmbedGeminiWithCache(t *testing.T) {
	const key = "embed-cmd-secret-key-42"
	srv := geminitest.NewServer(geminitest.Options{APIKeys: []string{key}})
	defer srv.Close()
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	t.Setenv("GEMINI_API_KEY", key)
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "")
	in := writeFrameFile(t, 250)
	cache := t.TempDir()
	args := []string{"--in", in, "--cache", cache, "--dims", "128", "--format", "jsonl"}
	stdout, stderr, code := runEmbedCmd(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := srv.Requests(); n != 3 {
		t.Errorf("%d requests for 250 texts, want 3", n)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 250 {
		t.Fatalf("%d output lines", len(lines))
	}
	var rec vectorRecord
	if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil || len(rec.Embedding) != 128 || rec.Class != "sci.crypt" || rec.Label != 1 {
		t.Fatalf("record %+v, %v", rec, err)
	}
	if !strings.Contains(stderr, "Embedding with Gemini") || !strings.Contains(stderr, "250 requested") {
		t.Errorf("stderr does not announce Gemini and the cache: %s", stderr)
	}

	srv.ResetStats()
	stdout2, stderr2, code := runEmbedCmd(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr2)
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("second run made %d requests, want 0", n)
	}
	if stdout2 != stdout {
		t.Errorf("second run wrote different vectors")
	}
	for _, s := range []string{stdout, stderr, stdout2, stderr2} {
		if strings.Contains(s, key) {
			t.Fatal("the key appears in the command's output")
		}
	}
}

func TestEmbedBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--format", "xml"},
		{"--no-such-flag"},
		{"extra-arg"},
	} {
		if _, _, code := runEmbedCmd(t, args...); code != 2 {
			t.Errorf("embed %q: exit %d, want 2", args, code)
		}
	}
	t.Setenv("GEMINI_API_KEY", "")
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "")
	_, stderr, code := runEmbedCmd(t, "--in", writeFrameFile(t, 5), "--embedder", "gemini", "--quiet")
	if code != 1 || !strings.Contains(stderr, "no API key") {
		t.Errorf("gemini without a key: exit %d, %s", code, stderr)
	}
	// Checked before the dataset is opened: --data names nothing.
	dir := t.TempDir()
	missing := filepath.Join(dir, "never-opened.tar.gz")
	for _, tt := range []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"--embedder", "gemni"}, 2, `unknown --embedder "gemni"`},
		{[]string{"--classes", "scii"}, 2, "matches no newsgroup"},
		{[]string{"--embedder", "gemini"}, 1, "no API key"},
		{[]string{"-o", filepath.Join(dir, "no-such-folder", "v.npy")}, 1, "no-such-folder"},
	} {
		args := append([]string{"--data", missing}, tt.args...)
		_, stderr, code := runEmbedCmd(t, args...)
		if code != tt.code || !strings.Contains(stderr, tt.inStderr) || strings.Contains(stderr, "never-opened") {
			t.Errorf("embed %q: exit %d, stderr %q; want exit %d and %q, before the dataset is opened", args, code, stderr, tt.code, tt.inStderr)
		}
	}
}

// TestEmbedTestSubsetFitsOnTrain embeds the tutorial's test sample offline:
// the embedder must be fitted on the matching training sample, not on the
// test texts.
func TestEmbedTestSubsetFitsOnTrain(t *testing.T) {
	archive := shared.Archive(t)
	t.Setenv("GEMINI_API_KEY", "")
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "")
	stdout, stderr, code := runEmbedCmd(t, "--data", archive, "--subset", "test", "--classes", "sci", "--per-class", "25", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "fitted on 400 training texts") {
		t.Errorf("not fitted on the 400 training texts: %s", stderr)
	}
	if lines := strings.Count(stdout, "\n"); lines != 101 {
		t.Errorf("%d CSV lines, want a header and 100 rows", lines)
	}
}
