// Package selector picks the embedder a run should use: Gemini (package
// lib/embedding/gemini) when a key or Vertex AI settings are configured, the
// offline TF-IDF + LSA embedder (package lib/embedding/lsa) otherwise, and
// says which it chose:
//
//	emb, msg, err := selector.Select(ctx, selector.Config{CacheDir: ".embeddings"}, trainTexts)
//	if err != nil { ... }
//	fmt.Println(msg)
//	vectors, err := emb.Embed(ctx, texts)
//
// It is the one package that knows every implementation of
// embedding.Embedder; package embedding itself imports none of them.
package selector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/lsa"
	"google.golang.org/genai"
)

// Kinds of embedder Select can choose.
const (
	KindAuto   = "auto"   // Gemini when configured, else local
	KindGemini = "gemini" // Gemini, or an error when no key is set
	KindLocal  = "local"  // the offline TF-IDF + LSA embedder
)

// Config says which embedder Select should build and how. The zero
// value picks Gemini when a key is set and the offline embedder otherwise,
// with each one's defaults and no cache.
type Config struct {
	// Kind is KindAuto (default), KindGemini or KindLocal.
	Kind string
	// Model is the Gemini model (default "gemini-embedding-001").
	Model string
	// TaskType is the Gemini task type (default "CLASSIFICATION").
	TaskType string
	// Dims is the vector length: Gemini's output dimensionality (0: the
	// model's own, 3072) or the offline embedder's number of components
	// (0: 256).
	Dims int
	// BatchSize and Concurrency tune the Gemini requests (defaults 100
	// and 4).
	BatchSize   int
	Concurrency int
	// CacheDir, when not empty, keeps Gemini vectors on disk there (see
	// Cache). The offline embedder is not cached: it is faster than the
	// disk.
	CacheDir string
	// Progress receives progress reports of every Embed call.
	Progress embedding.ProgressFunc

	// APIKey overrides the key from GEMINI_API_KEY / GOOGLE_API_KEY.
	APIKey string
	// BaseURL overrides the service's address (also settable with
	// GOOGLE_GEMINI_BASE_URL), for example a geminitest server.
	BaseURL string
	// ClientConfig, when not nil, is used as is to make the SDK client
	// (APIKey and BaseURL are then ignored).
	ClientConfig *genai.ClientConfig

	// Gemini configures the Gemini embedder beyond the fields above:
	// pacing (RPM, TPM), retries (MaxWait), MaxChars, Status, Batch mode.
	// Select sets its Model, TaskType, Dims, BatchSize, Concurrency,
	// client and Progress from the fields above.
	Gemini gemini.Config

	// Local configures the offline embedder beyond Dims.
	Local lsa.Config
}

// Select builds the embedder cfg asks for and returns it with a one-line
// announcement of the choice, for people to read (it never contains the
// key). With KindAuto it uses Gemini when the environment (or cfg.APIKey)
// gives a key or Vertex AI settings, and otherwise fits the offline
// embedder on trainTexts: the texts it will be trained on, and nothing of
// the texts it will be evaluated on.
func Select(ctx context.Context, cfg Config, trainTexts []string) (embedding.Embedder, string, error) {
	kind, err := Resolve(cfg)
	if err != nil {
		return nil, "", err
	}
	if kind == KindGemini {
		return selectGemini(ctx, cfg)
	}
	emb, msg, err := selectLocal(ctx, cfg, trainTexts)
	if err != nil {
		return nil, "", err
	}
	if k := strings.ToLower(cfg.Kind); k == "" || k == KindAuto {
		msg = "No Gemini API key found (set GEMINI_API_KEY or GOOGLE_API_KEY to use Gemini). " + msg
	}
	return emb, msg, nil
}

// Resolve returns the kind of embedder Select builds for cfg, KindGemini or
// KindLocal, without building it: with KindAuto, Gemini when the
// environment (or cfg.APIKey, cfg.ClientConfig) gives a key or Vertex AI
// settings. It fails for an unknown kind, and for KindGemini with no key,
// so that a program can check its settings before it loads data or pays
// for a request.
func Resolve(cfg Config) (string, error) {
	configured := cfg.APIKey != "" || cfg.ClientConfig != nil || gemini.Configured()
	switch kind := strings.ToLower(cfg.Kind); kind {
	case "", KindAuto:
		if configured {
			return KindGemini, nil
		}
		return KindLocal, nil
	case KindGemini:
		if !configured {
			return "", errors.New("embedding: Gemini was asked for but no API key is set; set GEMINI_API_KEY or GOOGLE_API_KEY (or GOOGLE_GENAI_USE_VERTEXAI with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION), or use the offline embedder")
		}
		return KindGemini, nil
	case KindLocal:
		return KindLocal, nil
	}
	return "", fmt.Errorf("embedding: unknown embedder kind %q; use %q, %q or %q", cfg.Kind, KindAuto, KindGemini, KindLocal)
}

func selectGemini(ctx context.Context, cfg Config) (embedding.Embedder, string, error) {
	gc := cfg.Gemini
	gc.Model, gc.TaskType, gc.Dims = cfg.Model, cfg.TaskType, cfg.Dims
	gc.BatchSize, gc.Concurrency = cfg.BatchSize, cfg.Concurrency
	if gc.BatchDir == "" && cfg.CacheDir != "" {
		// Batch jobs' records live beside the vectors they will fill in.
		gc.BatchDir = filepath.Join(cfg.CacheDir, "gemini-batch")
	}
	source := gemini.KeySource()
	if cfg.ClientConfig != nil {
		gc.ClientConfig = *cfg.ClientConfig
		source = "the given client configuration"
	} else {
		gc.ClientConfig.APIKey = cfg.APIKey
		gc.ClientConfig.HTTPOptions.BaseURL = cfg.BaseURL
		if cfg.APIKey != "" {
			source = "the given key"
		}
	}
	if cfg.CacheDir == "" {
		gc.Progress = cfg.Progress
	}
	g, err := gemini.New(ctx, gc)
	if err != nil {
		return nil, "", err
	}
	dims := "the model's own dimension"
	if g.Dim() > 0 {
		dims = fmt.Sprintf("%d dimensions", g.Dim())
	}
	auth := "key from " + source
	if source == "" {
		auth = "Vertex AI settings from the environment"
	}
	msg := fmt.Sprintf("Embedding with Gemini: %s on the %s (%s), task type %s, %s, %d texts per request, %d requests at a time.",
		g.Model(), g.Backend(), auth, g.TaskType(), dims, g.BatchSize(), g.Concurrency())
	if cfg.CacheDir == "" {
		return g, msg + " No cache: every run pays again.", nil
	}
	c, err := embedding.NewCache(g, cfg.CacheDir, embedding.CacheOptions{Progress: cfg.Progress})
	if err != nil {
		return nil, "", err
	}
	n, err := c.Len()
	if err != nil {
		return nil, "", err
	}
	return c, msg + fmt.Sprintf(" Cache: %s (%d vectors already there).", c.Dir(), n), nil
}

// Local is the offline embedder as returned by Select: an lsa.Model that
// also reports progress.
type Local struct {
	m        *lsa.Model
	progress embedding.ProgressFunc
}

// NewLocal wraps a fitted lsa.Model, reporting progress to progress (may be
// nil).
func NewLocal(m *lsa.Model, progress embedding.ProgressFunc) *Local {
	return &Local{m: m, progress: progress}
}

// Save writes the offline embedder so that LoadLocal can restore it, for
// classifying new texts later with the same vectors (see lsa.Model.Save).
func (l *Local) Save(w io.Writer) error { return l.m.Save(w) }

// LoadLocal restores an offline embedder written by Local.Save, reporting
// progress to progress (may be nil).
func LoadLocal(ctx context.Context, r io.Reader, progress embedding.ProgressFunc) (*Local, error) {
	m, err := lsa.Load(ctx, r)
	if err != nil {
		return nil, err
	}
	return NewLocal(m, progress), nil
}

// LSA returns the fitted model.
func (l *Local) LSA() *lsa.Model { return l.m }

// Model returns the fitted model's name.
func (l *Local) Model() string { return l.m.Model() }

// Dim returns the vector length.
func (l *Local) Dim() int { return l.m.Dim() }

// Embed embeds texts offline, reporting progress in steps.
func (l *Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if l.progress == nil {
		return l.m.Embed(ctx, texts)
	}
	out := make([][]float32, 0, len(texts))
	l.progress(0, len(texts))
	const step = 512
	for lo := 0; lo < len(texts); lo += step {
		vecs, err := l.m.Embed(ctx, texts[lo:min(lo+step, len(texts))])
		if err != nil {
			return nil, err
		}
		out = append(out, vecs...)
		l.progress(len(out), len(texts))
	}
	return out, nil
}

func selectLocal(ctx context.Context, cfg Config, trainTexts []string) (embedding.Embedder, string, error) {
	lc := cfg.Local
	if cfg.Dims > 0 {
		lc.Dims = cfg.Dims
	}
	start := time.Now()
	m, err := lsa.Fit(ctx, trainTexts, lc)
	if err != nil {
		return nil, "", fmt.Errorf("embedding: fitting the offline embedder: %w", err)
	}
	msg := fmt.Sprintf("Embedding offline with %s: TF-IDF + LSA (%d terms, %d dimensions) fitted on %d training texts in %.1fs; no key, no network.",
		m.Model(), m.Terms(), m.Dim(), m.TrainingTexts(), time.Since(start).Seconds())
	return NewLocal(m, cfg.Progress), msg, nil
}
