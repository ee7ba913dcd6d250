package tutorial

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
)

// The files that record a run's embedder in its report folder.
const (
	EmbedderFile = "embedder.json"   // which embedder, with its settings
	LocalFile    = "embedder.lsa.gz" // the offline embedder's saved model
)

// EmbedderSpec is the content of embedder.json: what it takes to embed new
// texts exactly as a run embedded its training texts. It never holds a key.
type EmbedderSpec struct {
	Kind     string `json:"kind"`  // selector.KindGemini or selector.KindLocal
	Model    string `json:"model"` // the embedder's model name
	TaskType string `json:"task_type,omitempty"`
	Dims     int    `json:"dims"`           // vector length
	File     string `json:"file,omitempty"` // the offline model, relative to the folder
}

// SaveEmbedder records emb in dir: embedder.json and, for the offline
// embedder, its model (see selector.Local.Save).
func SaveEmbedder(dir string, emb embedding.Embedder) error {
	spec := EmbedderSpec{Model: emb.Model(), Dims: emb.Dim()}
	inner := emb
	if c, ok := emb.(*embedding.Cache); ok {
		inner = c.Inner()
	}
	switch e := inner.(type) {
	case *selector.Local:
		spec.Kind, spec.File = selector.KindLocal, LocalFile
		var b bytes.Buffer
		if err := e.Save(&b); err != nil {
			return fmt.Errorf("saving the offline embedder: %w", err)
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, LocalFile), b.Bytes()); err != nil {
			return err
		}
	case embedding.TaskTyper:
		spec.Kind, spec.TaskType = selector.KindGemini, e.TaskType()
	default:
		return fmt.Errorf("saving the embedder: %T cannot be recorded (want the offline or the Gemini embedder)", emb)
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, EmbedderFile), append(b, '\n'))
}

// LoadEmbedder rebuilds the embedder recorded in dir by SaveEmbedder. A
// Gemini embedder takes its key from the environment, as selector.Select
// does; cfg supplies the settings a record does not hold (cache, batch
// size, concurrency, progress, base URL).
func LoadEmbedder(ctx context.Context, dir string, cfg selector.Config) (embedding.Embedder, EmbedderSpec, error) {
	var spec EmbedderSpec
	b, err := os.ReadFile(filepath.Join(dir, EmbedderFile))
	if err != nil {
		return nil, spec, fmt.Errorf("reading the embedder record: %w (it is written by 'embedclassify run' beside the classifier)", err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		return nil, spec, fmt.Errorf("reading %s: %w", filepath.Join(dir, EmbedderFile), err)
	}
	var emb embedding.Embedder
	switch spec.Kind {
	case selector.KindLocal:
		f, err := os.Open(filepath.Join(dir, spec.File))
		if err != nil {
			return nil, spec, fmt.Errorf("opening the offline embedder: %w", err)
		}
		defer f.Close()
		if emb, err = selector.LoadLocal(ctx, f, cfg.Progress); err != nil {
			return nil, spec, err
		}
	case selector.KindGemini:
		cfg.Kind, cfg.Model, cfg.TaskType, cfg.Dims = selector.KindGemini, spec.Model, spec.TaskType, spec.Dims
		if emb, _, err = selector.Select(ctx, cfg, nil); err != nil {
			return nil, spec, err
		}
	default:
		return nil, spec, fmt.Errorf("%s: unknown embedder kind %q (want %q or %q)", filepath.Join(dir, EmbedderFile), spec.Kind, selector.KindGemini, selector.KindLocal)
	}
	if emb.Model() != spec.Model {
		return nil, spec, fmt.Errorf("the recorded embedder %s came back as %s: its vectors would not match the classifier's", spec.Model, emb.Model())
	}
	return emb, spec, nil
}
