package selector

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
)

func clearGeminiEnv(t *testing.T) {
	for _, k := range []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GEMINI_BASE_URL"} {
		t.Setenv(k, "")
	}
}

var trainTexts = []string{
	"The rocket launch put a satellite in orbit around the earth.",
	"A new space station module and another rocket launch to orbit.",
	"Encryption keys and the clipper chip key escrow.",
	"Public key encryption protects the privacy of email.",
	"The doctor prescribed medicine for the disease.",
	"The patient's disease responds to the new medicine.",
}

func TestSelectLocalWithoutKey(t *testing.T) {
	clearGeminiEnv(t)
	var last [2]int
	for _, kind := range []string{"", KindAuto, KindLocal} {
		emb, msg, err := Select(context.Background(), Config{Kind: kind, Dims: 3, Progress: func(d, n int) { last = [2]int{d, n} }}, trainTexts)
		if err != nil {
			t.Fatalf("kind %q: %v", kind, err)
		}
		if !strings.HasPrefix(emb.Model(), "lsa-tfidf-3d-") || emb.Dim() != 3 {
			t.Errorf("kind %q: got %s (%d dims)", kind, emb.Model(), emb.Dim())
		}
		if kind != KindLocal && !strings.Contains(msg, "No Gemini API key found") {
			t.Errorf("kind %q: announcement %q does not say why", kind, msg)
		}
		if !strings.Contains(msg, "offline") || !strings.Contains(msg, "6 training texts") {
			t.Errorf("kind %q: announcement %q", kind, msg)
		}
		vecs, err := emb.Embed(context.Background(), []string{"rocket orbit", "key escrow", "medicine"})
		if err != nil || len(vecs) != 3 || last != [2]int{3, 3} {
			t.Errorf("kind %q: %d vectors, %v, last progress %v", kind, len(vecs), err, last)
		}
	}
}

func TestSelectErrors(t *testing.T) {
	clearGeminiEnv(t)
	ctx := context.Background()
	if _, _, err := Select(ctx, Config{Kind: KindGemini}, trainTexts); err == nil || !strings.Contains(err.Error(), "GEMINI_API_KEY") {
		t.Errorf("gemini without a key: %v", err)
	}
	if _, _, err := Select(ctx, Config{Kind: "openai"}, trainTexts); err == nil || !strings.Contains(err.Error(), `"local"`) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, _, err := Select(ctx, Config{Kind: KindLocal}, nil); err == nil {
		t.Error("local without training texts: no error")
	}
	if _, _, err := Select(ctx, Config{Kind: KindGemini, APIKey: "k", TaskType: "NOPE"}, nil); err == nil || !strings.Contains(err.Error(), "CLASSIFICATION") {
		t.Errorf("bad task type: %v", err)
	}
}

func TestSelectGeminiAnnouncementAndCache(t *testing.T) {
	clearGeminiEnv(t)
	const key = "select-secret-key-123"
	srv := geminitest.NewServer(geminitest.Options{APIKeys: []string{key}})
	defer srv.Close()
	dir := t.TempDir()
	var last [2]int
	cfg := Config{APIKey: key, BaseURL: srv.URL, Dims: 768, CacheDir: dir, Progress: func(d, n int) { last = [2]int{d, n} }}
	emb, msg, err := Select(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := emb.(*embedding.Cache); !ok {
		t.Fatalf("with CacheDir, Select returned a %T", emb)
	}
	for _, want := range []string{"gemini-embedding-001", "Gemini API", "CLASSIFICATION", "768 dimensions", "Cache:"} {
		if !strings.Contains(msg, want) {
			t.Errorf("announcement %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, key) {
		t.Fatal("the announcement shows the key")
	}
	if _, err := emb.Embed(context.Background(), trainTexts); err != nil {
		t.Fatal(err)
	}
	if last != [2]int{6, 6} {
		t.Errorf("last progress %v", last)
	}
	_, msg2, _ := Select(context.Background(), cfg, nil)
	if !strings.Contains(msg2, "6 vectors already there") {
		t.Errorf("second announcement %q", msg2)
	}
}

func TestLocalSaveLoad(t *testing.T) {
	clearGeminiEnv(t)
	emb, _, err := Select(context.Background(), Config{Kind: KindLocal, Dims: 3}, trainTexts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := emb.(*Local).Save(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := LoadLocal(context.Background(), &buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := emb.Embed(context.Background(), []string{"rocket"})
	b, _ := back.Embed(context.Background(), []string{"rocket"})
	if back.Model() != emb.Model() || !slices.Equal(a[0], b[0]) {
		t.Fatalf("restored %s differs from %s", back.Model(), emb.Model())
	}
}

func TestResolve(t *testing.T) {
	clearGeminiEnv(t)
	tests := []struct {
		cfg     Config
		want    string
		wantErr string
	}{
		{Config{}, KindLocal, ""},
		{Config{Kind: "AUTO", APIKey: "k"}, KindGemini, ""},
		{Config{Kind: KindLocal, APIKey: "k"}, KindLocal, ""},
		{Config{Kind: KindGemini}, "", "no API key"},
		{Config{Kind: KindGemini, APIKey: "k"}, KindGemini, ""},
		{Config{Kind: "gemni"}, "", `unknown embedder kind "gemni"`},
	}
	for _, tt := range tests {
		got, err := Resolve(tt.cfg)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Resolve(kind %q, key %q) = %q, %v; want %q, %q", tt.cfg.Kind, tt.cfg.APIKey, got, err, tt.want, tt.wantErr)
		}
	}
}
