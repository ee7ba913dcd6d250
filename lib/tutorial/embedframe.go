package tutorial

import (
	"context"
	"fmt"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/frame"
)

// EmbedFrame fills f's Embeddings column with emb's vector of every text
// of f, after checking that emb returned one non-empty vector per text.
// The command and the notebook steps (package lesson) both embed with it.
func EmbedFrame(ctx context.Context, emb embedding.Embedder, f *frame.Frame) error {
	vecs, err := emb.Embed(ctx, f.Text)
	if err != nil {
		return fmt.Errorf("embedding %d texts with %s: %w", f.Len(), emb.Model(), err)
	}
	if len(vecs) != f.Len() {
		return fmt.Errorf("embedding with %s: got %d vectors for %d texts", emb.Model(), len(vecs), f.Len())
	}
	for i, v := range vecs {
		if len(v) == 0 {
			return fmt.Errorf("embedding with %s: text %d got an empty vector", emb.Model(), i)
		}
	}
	f.Embeddings = vecs
	return nil
}
