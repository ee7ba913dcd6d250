// Package embedding turns texts into vectors: the Embedder interface every
// embedder meets and an on-disk Cache that wraps any of them.
//
// Two embedders implement the interface: gemini.Embedder (package
// lib/embedding/gemini) calls Google's embedding models through the
// google.golang.org/genai SDK, and lsa.Model (package lib/embedding/lsa) is an
// offline TF-IDF + LSA embedder fitted on the training texts. Package
// lib/embedding/selector picks one of them for a run; this package imports
// none of them.
package embedding

import (
	"context"
	"fmt"

	"github.com/embedclassify/embedclassify/lib/embedding/internal/unitvec"
)

// Embedder turns texts into vectors.
type Embedder interface {
	// Embed returns one vector per text, in input order. It stops when ctx
	// is cancelled.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model names the model, for example "gemini-embedding-001" or
	// "lsa-tfidf-256d-1a2b3c4d". Vectors of different models do not mix.
	Model() string
	// Dim is the length of every vector; 0 only when it cannot be known
	// before the first call.
	Dim() int
}

// StreamEmbedder is an Embedder that also hands over its results batch by
// batch as they arrive, so that a caller (the Cache) can keep them even if
// the run is cut off later. gemini.Embedder implements it.
type StreamEmbedder interface {
	Embedder
	// EmbedEach embeds texts and calls yield with each finished batch: the
	// vectors of texts[start:start+len(vecs)]. Batches may arrive in any
	// order; yield is never called concurrently. An error from yield stops
	// the run and is returned.
	EmbedEach(ctx context.Context, texts []string, yield func(start int, vecs [][]float32) error) error
}

// TaskTyper is implemented by embedders whose vectors depend on a task type
// (gemini.Embedder); the Cache keys its entries by it.
type TaskTyper interface {
	TaskType() string
}

// ProgressFunc receives progress reports: done of total texts are embedded.
// It is called from one goroutine at a time, with done never decreasing,
// and a last time with done == total on success. It must be quick: it runs
// on the embedding path. It drives terminal and notebook progress bars.
type ProgressFunc func(done, total int)

// Normalize scales v to unit L2 norm in place and returns it. The zero
// vector is returned unchanged.
func Normalize(v []float32) []float32 { return unitvec.Normalize(v) }

// checkVectors verifies that an embedder returned one vector per text, all
// of the same length.
func checkVectors(model string, texts []string, vecs [][]float32) error {
	if len(vecs) != len(texts) {
		return fmt.Errorf("embedding: %s returned %d vectors for %d texts", model, len(vecs), len(texts))
	}
	d := -1
	for i, v := range vecs {
		if d < 0 {
			d = len(v)
		}
		if len(v) != d || len(v) == 0 {
			return fmt.Errorf("embedding: %s returned a vector of length %d for text %d (expected %d)", model, len(v), i, d)
		}
	}
	return nil
}
