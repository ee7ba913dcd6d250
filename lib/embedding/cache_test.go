package embedding

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingEmbedder returns a deterministic vector per text and counts the
// texts it was asked for; it fails once it has embedded failAfter texts.
// bad, when set, replaces the vector of the texts it returns non-nil for.
type countingEmbedder struct {
	calls, texts atomic.Int64
	failAfter    int64
	unknownDim   bool
	endpoint     string
	bad          func(text string) []float32
}

func (c *countingEmbedder) Model() string { return "counting-test" }
func (c *countingEmbedder) Dim() int {
	if c.unknownDim {
		return 0
	}
	return 4
}
func (c *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if c.failAfter > 0 && c.texts.Load()+int64(len(texts)) > c.failAfter {
		return nil, errors.New("boom")
	}
	c.calls.Add(1)
	c.texts.Add(int64(len(texts)))
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = countingVector(t)
		if c.bad != nil {
			if v := c.bad(t); v != nil {
				out[i] = v
			}
		}
	}
	return out, nil
}

func countingVector(t string) []float32 { return []float32{float32(len(t)), float32(t[0]), 1, 2} }

// endpointEmbedder is a countingEmbedder with an endpoint.
type endpointEmbedder struct{ countingEmbedder }

func (e *endpointEmbedder) Endpoint() string { return e.endpoint }

func testTexts(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("text number %d", i)
	}
	return out
}

// warnings collects a Cache's warnings.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) add(msg string) {
	w.mu.Lock()
	w.msgs = append(w.msgs, msg)
	w.mu.Unlock()
}

func (w *warnings) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.msgs)
}

// mustCache returns a Cache of inner in dir whose warnings go to w, or fails
// the test.
func mustCache(t *testing.T, inner Embedder, dir string, w *warnings) *Cache {
	t.Helper()
	c, err := NewCache(inner, dir, CacheOptions{Chunk: 10, Warn: w.add})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkServed fails the test unless vecs are the counting vectors of texts.
func checkServed(t *testing.T, texts []string, vecs [][]float32) {
	t.Helper()
	for i := range texts {
		if !slices.Equal(vecs[i], countingVector(texts[i])) {
			t.Fatalf("text %d served %v, want %v", i, vecs[i], countingVector(texts[i]))
		}
	}
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

func TestCacheKeyedByModelTaskDimEndpoint(t *testing.T) {
	dir := t.TempDir()
	var w warnings
	a := mustCache(t, &countingEmbedder{}, dir, &w)
	a2, _ := NewCache(&countingEmbedder{}, dir, CacheOptions{TaskType: "none"})
	b, _ := NewCache(&countingEmbedder{}, dir, CacheOptions{TaskType: "CLUSTERING"})
	u := mustCache(t, &countingEmbedder{unknownDim: true}, dir, &w)
	e1 := mustCache(t, &endpointEmbedder{countingEmbedder{endpoint: "svc https://a.example/"}}, dir, &w)
	e2 := mustCache(t, &endpointEmbedder{countingEmbedder{endpoint: "svc https://b.example/"}}, dir, &w)
	if a.Dir() != a2.Dir() {
		t.Errorf("the same key gives folders %s and %s", a.Dir(), a2.Dir())
	}
	seen := map[string]string{}
	for name, c := range map[string]*Cache{"plain": a, "task": b, "dim": u, "endpoint a": e1, "endpoint b": e2} {
		if other, dup := seen[c.Dir()]; dup {
			t.Errorf("%s and %s share folder %s", name, other, c.Dir())
		}
		seen[c.Dir()] = name
		if !strings.Contains(c.Dir(), "counting-test") {
			t.Errorf("%s: folder %s does not name the model", name, c.Dir())
		}
	}
	if !strings.HasPrefix(filepath.Base(b.Dir()), "CLUSTERING-4-") || !strings.HasPrefix(filepath.Base(u.Dir()), "none-0-") {
		t.Errorf("folders %s and %s do not name the task type and dimension", b.Dir(), u.Dir())
	}
	meta, err := os.ReadFile(filepath.Join(e1.Dir(), "meta.json"))
	if err != nil || !strings.Contains(string(meta), `"endpoint": "svc https://a.example/"`) {
		t.Errorf("meta.json does not state the endpoint: %s %v", meta, err)
	}
}

// TestCacheEndpointSeparatesVectors: vectors from one endpoint never serve
// a run against another.
func TestCacheEndpointSeparatesVectors(t *testing.T) {
	dir := t.TempDir()
	texts := testTexts(20)
	var w warnings
	fake := &endpointEmbedder{countingEmbedder{endpoint: "svc http://127.0.0.1:8080/"}}
	if _, err := mustCache(t, fake, dir, &w).Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	real := &endpointEmbedder{countingEmbedder{endpoint: "svc https://generativelanguage.googleapis.com/"}}
	if _, err := mustCache(t, real, dir, &w).Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	if got := real.texts.Load(); got != 20 {
		t.Fatalf("the run against another endpoint embedded %d texts, want 20 (served the first endpoint's vectors)", got)
	}
	again := &endpointEmbedder{countingEmbedder{endpoint: "svc http://127.0.0.1:8080/"}}
	if _, err := mustCache(t, again, dir, &w).Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	if got := again.texts.Load(); got != 0 {
		t.Fatalf("the same endpoint again embedded %d texts, want 0", got)
	}
}

// fillCache embeds texts into a new cache in dir and returns its only
// segment file.
func fillCache(t *testing.T, dir string, texts []string) (*Cache, string) {
	t.Helper()
	var w warnings
	c := mustCache(t, &countingEmbedder{}, dir, &w)
	if _, err := c.Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	segs, _ := filepath.Glob(filepath.Join(c.Dir(), "*.vec"))
	if len(segs) != 1 {
		t.Fatalf("%d segments, want 1", len(segs))
	}
	return c, segs[0]
}

// Offsets of a segment header's dimension and count fields.
const offDim, offCount = 40, 44

// recordValue returns the offset of value j of record i in a segment of
// 4-value records.
func recordValue(i, j int) int { return hdrLen + i*int(recLen(4)) + 32 + 4*j }

// TestCacheDamagedSegment damages a segment file in the ways a fault
// campaign did and checks that each is found, reported once naming the
// file, and repaired: the good vectors kept, the others embedded again,
// the file moved into damaged/, and only right vectors served.
func TestCacheDamagedSegment(t *testing.T) {
	setU32 := func(off int, x uint32) func([]byte) []byte {
		return func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off:], x); return b }
	}
	tests := []struct {
		name   string
		damage func([]byte) []byte
		again  int64 // texts embedded again
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)-3] }, 1},
		{"count 0xFFFFFFF0", setU32(offCount, 0xFFFFFFF0), 0},
		{"dims field 2", setU32(offDim, 2), 0},
		{"dims field 8", setU32(offDim, 8), 0},
		{"NaN value", setU32(recordValue(2, 1), math.Float32bits(float32(math.NaN()))), 1},
		{"3e38 value", setU32(recordValue(3, 0), math.Float32bits(3e38)), 1},
		{"one low bit flipped", func(b []byte) []byte { b[recordValue(1, 2)] ^= 1; return b }, 1},
		{"2000 bits flipped in 100 records", func(b []byte) []byte {
			for i := range 2000 {
				r, k := i/20, i%20
				b[hdrLen+r*int(recLen(4))+(k*5)%int(recLen(4))] ^= 1 << (i % 8)
			}
			return b
		}, 100},
		{"text hash changed", func(b []byte) []byte { b[hdrLen+5] ^= 0x40; return b }, 1},
		{"appended garbage", func(b []byte) []byte { return append(b, 1, 2, 3, 4, 5) }, 0},
		{"emptied", func(b []byte) []byte { return b[:0] }, 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			texts := testTexts(300)
			c, seg := fillCache(t, dir, texts)
			b, err := os.ReadFile(seg)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(seg, tt.damage(b), 0o644); err != nil {
				t.Fatal(err)
			}

			var w warnings
			inner := &countingEmbedder{}
			c2 := mustCache(t, inner, dir, &w)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			n, err := c2.Len()
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("loading a %d-byte damaged file allocated %d bytes", len(b), alloc)
			}
			if want := 300 - int(tt.again); n != want {
				t.Errorf("%d vectors kept, want %d", n, want)
			}
			got, err := c2.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			checkServed(t, texts, got)
			if inner.texts.Load() != tt.again {
				t.Errorf("embedded %d texts again, want %d", inner.texts.Load(), tt.again)
			}
			msgs := w.all()
			if len(msgs) != 1 || !strings.Contains(msgs[0], seg) || !strings.Contains(msgs[0], "damaged") {
				t.Fatalf("warnings %q, want one naming %s", msgs, seg)
			}
			moved := filepath.Join(c.Dir(), damagedDir, filepath.Base(seg))
			if _, err := os.Stat(moved); err != nil || !strings.Contains(msgs[0], moved) {
				t.Errorf("the damaged file is not at %s as the warning says: %v", moved, err)
			}
			if _, err := os.Stat(seg); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the damaged file is still at %s", seg)
			}

			// The repair holds: the next run is silent and pays nothing.
			var w3 warnings
			inner3 := &countingEmbedder{}
			got3, err := mustCache(t, inner3, dir, &w3).Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			checkServed(t, texts, got3)
			if inner3.texts.Load() != 0 || len(w3.all()) != 0 {
				t.Errorf("the run after the repair embedded %d texts and warned %q", inner3.texts.Load(), w3.all())
			}
		})
	}
}

// TestCacheSegmentOfAnotherKey: a segment copied in from another key's
// folder (another endpoint) is not served.
func TestCacheSegmentOfAnotherKey(t *testing.T) {
	dir := t.TempDir()
	texts := testTexts(10)
	var w warnings
	other := mustCache(t, &endpointEmbedder{countingEmbedder{endpoint: "fake http://127.0.0.1:1/"}}, dir, &w)
	if _, err := other.Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	ours := mustCache(t, &countingEmbedder{}, dir, &w)
	segs, _ := filepath.Glob(filepath.Join(other.Dir(), "*.vec"))
	b, _ := os.ReadFile(segs[0])
	copied := filepath.Join(ours.Dir(), filepath.Base(segs[0]))
	os.WriteFile(copied, b, 0o644)
	inner := &countingEmbedder{}
	if _, err := mustCache(t, inner, dir, &w).Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	if inner.texts.Load() != 10 {
		t.Errorf("embedded %d texts, want 10: another key's vectors were served", inner.texts.Load())
	}
	if msgs := w.all(); len(msgs) != 1 || !strings.Contains(msgs[0], copied) || !strings.Contains(msgs[0], "another cache key") {
		t.Errorf("warnings %q, want one naming %s", msgs, copied)
	}
}

// TestCacheRetiresFormat1 puts a folder of format 1 (no checksums, no
// endpoint) where format 1 kept it: its vectors are never served, and the
// folder is moved aside with one warning, not deleted.
func TestCacheRetiresFormat1(t *testing.T) {
	dir := t.TempDir()
	texts := testTexts(3)
	old := filepath.Join(dir, "counting-test", "none-4")
	os.MkdirAll(old, 0o755)
	var seg []byte
	seg = append(seg, "EMBVEC01"...)
	seg = binary.LittleEndian.AppendUint32(seg, 4)
	seg = binary.LittleEndian.AppendUint32(seg, uint32(len(texts)))
	for _, s := range texts {
		k := textKey(s)
		seg = append(seg, k[:]...)
		for range 4 {
			seg = binary.LittleEndian.AppendUint32(seg, math.Float32bits(0.5)) // not countingVector
		}
	}
	os.WriteFile(filepath.Join(old, "seg-1.vec"), seg, 0o644)

	var w warnings
	inner := &countingEmbedder{}
	c := mustCache(t, inner, dir, &w)
	got, err := c.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	checkServed(t, texts, got)
	msgs := w.all()
	if len(msgs) != 1 || !strings.Contains(msgs[0], old) || !strings.Contains(msgs[0], "format 1") {
		t.Fatalf("warnings %q, want one about %s", msgs, old)
	}
	moved, _ := filepath.Glob(old + ".format1-*/seg-1.vec")
	if len(moved) != 1 || !strings.Contains(msgs[0], filepath.Dir(moved[0])) {
		t.Errorf("format 1 file not moved aside as said: %v", moved)
	}
	var w2 warnings
	mustCache(t, &countingEmbedder{}, dir, &w2)
	if len(w2.all()) != 0 {
		t.Errorf("second run warned again: %q", w2.all())
	}

	// A format 1 file inside a format 2 folder is not served either.
	os.WriteFile(filepath.Join(c.Dir(), "seg-0.vec"), seg, 0o644)
	inner3 := &countingEmbedder{}
	var w3 warnings
	got, err = mustCache(t, inner3, dir, &w3).Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	checkServed(t, texts, got)
	if msgs := w3.all(); len(msgs) != 1 || !strings.Contains(msgs[0], "format 1") {
		t.Errorf("warnings %q, want one about format 1", msgs)
	}
}

// TestCacheChecksVectorsBeforeCaching: a bad answer is an error saying what
// came back, nothing of it is cached, and the good vectors paid for before
// it are kept by the merge.
func TestCacheChecksVectorsBeforeCaching(t *testing.T) {
	tests := []struct {
		name       string
		unknownDim bool
		vec        []float32
		want       string
	}{
		{"short", false, []float32{0.5, 0.5, 0.5}, "has 3 values, not 4"},
		{"long, dimension learned", true, []float32{1, 1, 1, 1, 1, 1}, "has 6 values, not 4"},
		{"NaN", false, []float32{1, float32(math.NaN()), 0, 0}, "NaN at position 1"},
		{"infinite", false, []float32{1, 0, float32(math.Inf(-1)), 0}, "-Inf at position 2"},
		{"3e38", false, []float32{3e38, 0, 0, 0}, "norm 3e+38"},
		{"zero", false, []float32{0, 0, 0, 0}, "norm 0"},
		{"empty", false, []float32{}, "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			texts := testTexts(30)
			badText := texts[25]
			inner := &countingEmbedder{unknownDim: tt.unknownDim, bad: func(s string) []float32 {
				if s == badText {
					return tt.vec
				}
				return nil
			}}
			var w warnings
			_, err := mustCache(t, inner, dir, &w).Embed(context.Background(), texts)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "text 25") {
				t.Fatalf("error %v, want one about text 25 that %s", err, tt.want)
			}
			// The first two chunks of 10 were good and stay; nothing of
			// the third is cached.
			inner2 := &countingEmbedder{unknownDim: tt.unknownDim}
			c2 := mustCache(t, inner2, dir, &w)
			if n, _ := c2.Len(); n != 20 {
				t.Errorf("%d vectors cached, want the 20 good ones", n)
			}
			got, err := c2.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			checkServed(t, texts, got)
			if inner2.texts.Load() != 10 {
				t.Errorf("embedded %d texts again, want 10", inner2.texts.Load())
			}
			if len(w.all()) != 0 {
				t.Errorf("unexpected warnings %q", w.all())
			}
		})
	}
}

func TestCacheRemovesOrphanTemps(t *testing.T) {
	dir := t.TempDir()
	var w warnings
	c := mustCache(t, &countingEmbedder{}, dir, &w)
	old := filepath.Join(c.Dir(), ".seg-123.tmp")
	young := filepath.Join(c.Dir(), ".seg-456.vec.789.tmp")
	other := filepath.Join(c.Dir(), ".notes.tmp")
	for _, name := range []string{old, young, other} {
		os.WriteFile(name, []byte("partial"), 0o644)
	}
	long := time.Now().Add(-2 * orphanAge)
	os.Chtimes(old, long, long)
	os.Chtimes(other, long, long)
	mustCache(t, &countingEmbedder{}, dir, &w)
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("orphan %s not removed", old)
	}
	for _, name := range []string{young, other} {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("%s removed: %v", name, err)
		}
	}
}
