package embedding

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// countingEmbedder returns a deterministic vector per text and counts the
// texts it was asked for; it fails once it has embedded failAfter texts.
type countingEmbedder struct {
	calls, texts atomic.Int64
	failAfter    int64
}

func (c *countingEmbedder) Model() string { return "counting-test" }
func (c *countingEmbedder) Dim() int      { return 4 }
func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.failAfter > 0 && c.texts.Load()+int64(len(texts)) > c.failAfter {
		return nil, errors.New("boom")
	}
	c.calls.Add(1)
	c.texts.Add(int64(len(texts)))
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = []float32{float32(len(t)), float32(t[0]), 1, 2}
	}
	return out, nil
}

func testTexts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("text number %d", i)
	}
	return out
}

func TestCacheSecondRunMakesNoCalls(t *testing.T) {
	dir := t.TempDir()
	inner := &countingEmbedder{}
	c, err := NewCache(inner, dir, CacheOptions{Chunk: 10})
	if err != nil {
		t.Fatal(err)
	}
	texts := testTexts(35)
	texts = append(texts, texts[3]) // a duplicate is sent once
	first, err := c.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if got := inner.texts.Load(); got != 35 {
		t.Fatalf("first run embedded %d texts, want 35", got)
	}
	// A fresh Cache on the same folder: zero calls, same vectors.
	inner2 := &countingEmbedder{}
	c2, err := NewCache(inner2, dir, CacheOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var last [2]int
	c2.opts.Progress = func(done, total int) { last = [2]int{done, total} }
	second, err := c2.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if inner2.calls.Load() != 0 {
		t.Fatalf("second run made %d calls, want 0", inner2.calls.Load())
	}
	if last != [2]int{36, 36} {
		t.Fatalf("last progress %v, want [36 36]", last)
	}
	for i := range first {
		if !slices.Equal(first[i], second[i]) {
			t.Fatalf("vector %d differs: %v vs %v", i, first[i], second[i])
		}
	}
	segs, _ := filepath.Glob(filepath.Join(c.Dir(), "*.vec"))
	if len(segs) != 1 {
		t.Fatalf("%d segment files after a complete run, want 1 (merged)", len(segs))
	}
}

func TestCacheKeepsPartialRun(t *testing.T) {
	dir := t.TempDir()
	inner := &countingEmbedder{failAfter: 25}
	c, err := NewCache(inner, dir, CacheOptions{Chunk: 10})
	if err != nil {
		t.Fatal(err)
	}
	texts := testTexts(50)
	if _, err := c.Embed(context.Background(), texts); err == nil {
		t.Fatal("expected the failing run to fail")
	}
	saved := inner.texts.Load() // 20: two chunks of 10
	inner2 := &countingEmbedder{}
	c2, _ := NewCache(inner2, dir, CacheOptions{Chunk: 10})
	if _, err := c2.Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	if got := inner2.texts.Load(); got != 50-saved {
		t.Fatalf("resumed run embedded %d texts, want %d", got, 50-saved)
	}
}

func TestCacheKeyedByModelTaskDim(t *testing.T) {
	dir := t.TempDir()
	a, _ := NewCache(&countingEmbedder{}, dir, CacheOptions{TaskType: "CLASSIFICATION"})
	b, _ := NewCache(&countingEmbedder{}, dir, CacheOptions{TaskType: "CLUSTERING"})
	if a.Dir() == b.Dir() {
		t.Fatalf("task types share folder %s", a.Dir())
	}
	if !strings.Contains(a.Dir(), "counting-test") || !strings.HasSuffix(a.Dir(), "CLASSIFICATION-4") {
		t.Fatalf("unexpected folder %s", a.Dir())
	}
}

func TestCacheIgnoresDamagedSegment(t *testing.T) {
	dir := t.TempDir()
	inner := &countingEmbedder{}
	c, _ := NewCache(inner, dir, CacheOptions{})
	texts := testTexts(5)
	if _, err := c.Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	segs, _ := filepath.Glob(filepath.Join(c.Dir(), "*.vec"))
	b, _ := os.ReadFile(segs[0])
	os.WriteFile(segs[0], b[:len(b)-3], 0o644)
	inner2 := &countingEmbedder{}
	c2, _ := NewCache(inner2, dir, CacheOptions{})
	if _, err := c2.Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	if inner2.texts.Load() != 5 {
		t.Fatalf("re-embedded %d texts after damage, want 5", inner2.texts.Load())
	}
}
