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

// Endpointer is implemented by embedders whose vectors are computed by a
// remote service (gemini.Embedder); the Cache keys its entries by the
// endpoint, so that vectors from one service never serve a run against
// another.
type Endpointer interface {
	// Endpoint identifies the service that computes the vectors: its
	// backend and address, and anything else besides the model, task type
	// and dimension that may change them (for example
	// "gemini-api https://generativelanguage.googleapis.com/"). Two
	// embedders with different endpoints never share cached vectors, so
	// the string must be the same for the same service in every run and
	// process. It is written into the cache folder's meta.json: it must
	// not hold a secret (no key, no credentials, no query string).
	Endpoint() string
}

// ProgressFunc receives progress reports: done of total texts are embedded.
// It is called from one goroutine at a time, with done never decreasing,
// and a last time with done == total on success. It must be quick: it runs
// on the embedding path. It drives terminal and notebook progress bars.
type ProgressFunc func(done, total int)

// checkVectors verifies that an embedder returned one vector per text; the
// Cache checks each vector itself before storing it (see checkVector).
func checkVectors(model string, texts []string, vecs [][]float32) error {
	if len(vecs) != len(texts) {
		return fmt.Errorf("embedding: %s returned %d vectors for %d texts", model, len(vecs), len(texts))
	}
	return nil
}
