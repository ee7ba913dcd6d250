package embedding

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// wideEmbedder returns 3072-value unit-ish vectors, as gemini-embedding-001.
type wideEmbedder struct{}

func (wideEmbedder) Model() string { return "wide-test" }
func (wideEmbedder) Dim() int      { return 3072 }
func (wideEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i := range out {
		r := rand.New(rand.NewPCG(uint64(i), 1))
		v := make([]float32, 3072)
		for j := range v {
			v[j] = float32(r.NormFloat64() / 55)
		}
		out[i] = v
	}
	return out, nil
}

// BenchmarkCacheLoad reads a merged cache of 2,000 vectors of 3,072 values
// (24.6 MB), checksums and value checks included. Its B/op is the memory
// a load costs: about the vectors' own size.
func BenchmarkCacheLoad(b *testing.B) {
	dir := b.TempDir()
	texts := make([]string, 2000)
	for i := range texts {
		texts[i] = fmt.Sprint("text ", i)
	}
	c, err := NewCache(wideEmbedder{}, dir, CacheOptions{Chunk: 500})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Embed(context.Background(), texts); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(2000 * 3072 * 4)
	for b.Loop() {
		c2, err := NewCache(wideEmbedder{}, dir, CacheOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if n, err := c2.Len(); err != nil || n != 2000 {
			b.Fatalf("%d vectors, %v", n, err)
		}
	}
}
