package notebook

import (
	"context"
	"fmt"
	"sync"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/frame"
)

// An embedder reports progress through the one callback it was built
// with; the bar it draws into is the one EmbedFrame started last.
var (
	barMu  sync.Mutex
	curBar *Progress
)

func setBar(p *Progress) {
	barMu.Lock()
	curBar = p
	barMu.Unlock()
}

// reportProgress is the embedders' progress callback.
func reportProgress(done, total int) {
	barMu.Lock()
	p := curBar
	barMu.Unlock()
	if p != nil {
		p.Set(done, total)
	}
}

// EmbeddingCacheEnv names the variable that overrides EmbeddingCacheDir.
const EmbeddingCacheEnv = embedding.CacheDirEnv

// EmbeddingCacheDir returns the folder where notebooks keep Gemini
// embeddings between sessions: embedding.DefaultCacheDir, shared with the
// embedclassify command.
func EmbeddingCacheDir() string { return embedding.DefaultCacheDir() }

// SelectEmbedder returns the embedder cfg asks for, as selector.Select
// does, with the announcement of the choice (never containing a key), set
// up for a notebook: its progress goes to the bar of the running
// EmbedFrame, and Gemini vectors are cached on disk (in cfg.CacheDir, by
// default EmbeddingCacheDir), so that an interrupted or repeated run only
// asks for what is missing. It stops the cell on error (see Check).
func SelectEmbedder(cfg selector.Config, trainTexts []string) (embedding.Embedder, string) {
	if cfg.CacheDir == "" {
		cfg.CacheDir = EmbeddingCacheDir()
	}
	user := cfg.Progress
	cfg.Progress = func(done, total int) {
		reportProgress(done, total)
		if user != nil {
			user(done, total)
		}
	}
	ctx, stop := Context()
	defer stop()
	emb, msg, err := selector.Select(ctx, cfg, trainTexts)
	Check(err)
	return emb, msg
}

// EmbedFrame returns a copy of f whose Embeddings column holds emb's
// vector of every text, drawing a live progress bar labelled label while
// it works. Interrupting the cell stops it promptly with an error wrapping
// context.Canceled; what a caching embedder finished is kept.
func EmbedFrame(emb embedding.Embedder, f *frame.Frame, label string) (*frame.Frame, error) {
	ctx, stop := Context()
	defer stop()
	return embedFrame(ctx, emb, f, label)
}

func embedFrame(ctx context.Context, emb embedding.Embedder, f *frame.Frame, label string) (*frame.Frame, error) {
	bar := NewProgress(label, f.Len())
	setBar(bar)
	defer func() {
		setBar(nil)
		bar.Finish()
	}()
	vecs, err := emb.Embed(ctx, f.Text)
	if err != nil {
		return nil, fmt.Errorf("embedding %d texts with %s: %w", f.Len(), emb.Model(), err)
	}
	if len(vecs) != f.Len() {
		return nil, fmt.Errorf("embedding with %s: got %d vectors for %d texts", emb.Model(), len(vecs), f.Len())
	}
	bar.Set(len(vecs), len(vecs))
	out := f.Clone()
	out.Embeddings = vecs
	return out, nil
}
