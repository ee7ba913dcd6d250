package embedding_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"google.golang.org/genai"
)

// geminiCache returns a Cache in dir of a Gemini embedder of 128
// dimensions made from cc.
func geminiCache(t *testing.T, cc *genai.ClientConfig, dir string) *embedding.Cache {
	t.Helper()
	g, err := gemini.New(context.Background(), gemini.Config{ClientConfig: *cc, Dims: 128})
	if err != nil {
		t.Fatal(err)
	}
	c, err := embedding.NewCache(g, dir, embedding.CacheOptions{Warn: func(msg string) { t.Errorf("warning: %s", msg) }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCacheKeyedByGeminiEndpoint: vectors from a non-default base URL or
// another backend never serve a run against another endpoint, as README's
// fake-server example once made them do for a later run with a real key.
func TestCacheKeyedByGeminiEndpoint(t *testing.T) {
	t.Setenv("GOOGLE_GEMINI_BASE_URL", "")
	t.Setenv("GOOGLE_VERTEX_BASE_URL", "")
	a := geminitest.NewServer(geminitest.Options{})
	defer a.Close()
	b := geminitest.NewServer(geminitest.Options{})
	defer b.Close()
	dir := t.TempDir()
	texts := make([]string, 30)
	for i := range texts {
		texts[i] = fmt.Sprintf("text number %d", i)
	}
	embed := func(srv *geminitest.Server, cc *genai.ClientConfig) int64 {
		t.Helper()
		before := srv.Stats().Texts
		if _, err := geminiCache(t, cc, dir).Embed(context.Background(), texts); err != nil {
			t.Fatal(err)
		}
		return srv.Stats().Texts - before
	}
	if n := embed(a, a.ClientConfig("key")); n != 30 {
		t.Fatalf("first run paid for %d texts, want 30", n)
	}
	if n := embed(a, a.ClientConfig("key")); n != 0 {
		t.Fatalf("the same endpoint again paid for %d texts, want 0", n)
	}
	if n := embed(b, b.ClientConfig("key")); n != 30 {
		t.Errorf("another base URL paid for %d texts, want 30 (it was served the first server's vectors)", n)
	}
	if n := embed(a, a.VertexClientConfig()); n != 30 {
		t.Errorf("Vertex AI at the same address paid for %d texts, want 30 (it was served the Gemini API's vectors)", n)
	}
	// The default endpoint (no request is made: Len only reads the cache).
	real := geminiCache(t, &genai.ClientConfig{APIKey: "key", Backend: genai.BackendGeminiAPI}, dir)
	if n, err := real.Len(); err != nil || n != 0 {
		t.Errorf("the default endpoint finds %d vectors (%v), want 0: the fake servers' vectors would serve it", n, err)
	}
}

// TestCacheRefusesWrongLengthFromGemini: with the model's own dimension
// (Dims 0), a server answering 768 values for gemini-embedding-001 (3072)
// gets an error saying so, and nothing of its answer is cached.
func TestCacheRefusesWrongLengthFromGemini(t *testing.T) {
	models := geminitest.DefaultModels()
	for i := range models {
		if models[i].Name == "models/gemini-embedding-001" {
			models[i].Dims = 768
		}
	}
	srv := geminitest.NewServer(geminitest.Options{Models: models})
	defer srv.Close()
	g, err := gemini.New(context.Background(), gemini.Config{ClientConfig: *srv.ClientConfig("key")})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c, err := embedding.NewCache(g, dir, embedding.CacheOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Embed(context.Background(), []string{"one text", "another text"})
	// The Gemini embedder checks the answer before the cache sees it; either
	// one's message says what came back and what was expected.
	if err == nil || !strings.Contains(err.Error(), "768 values") || !strings.Contains(err.Error(), "3072") {
		t.Fatalf("error %v, want one saying 768 values came back instead of 3072", err)
	}
	c2, _ := embedding.NewCache(g, dir, embedding.CacheOptions{})
	if n, err := c2.Len(); n != 0 || err != nil {
		t.Errorf("%d vectors cached (%v), want none", n, err)
	}
}
