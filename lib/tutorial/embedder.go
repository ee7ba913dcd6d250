package tutorial

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/mlp"
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

// Fingerprint identifies the vectors the embedder makes: its kind, model
// name (for the offline embedder the name carries a fingerprint of its fit),
// task type and dimension. A classifier records the fingerprint of the
// embedder that fed it (mlp.Model.Embedder), so that predict can refuse an
// embedder from another run.
func (s EmbedderSpec) Fingerprint() string {
	f := s.Kind + ":" + s.Model
	if s.TaskType != "" {
		f += ":" + s.TaskType
	}
	return f + ":" + strconv.Itoa(s.Dims)
}

// SpecOf describes emb as embedder.json records it. Only the offline and
// the Gemini embedders (cached or not) can be recorded.
func SpecOf(emb embedding.Embedder) (EmbedderSpec, error) {
	spec := EmbedderSpec{Model: emb.Model(), Dims: emb.Dim()}
	inner := emb
	if c, ok := emb.(*embedding.Cache); ok {
		inner = c.Inner()
	}
	switch e := inner.(type) {
	case *selector.Local:
		spec.Kind, spec.File = selector.KindLocal, LocalFile
	case embedding.TaskTyper:
		spec.Kind, spec.TaskType = selector.KindGemini, e.TaskType()
	default:
		return spec, fmt.Errorf("saving the embedder: %T cannot be recorded (want the offline or the Gemini embedder)", emb)
	}
	return spec, nil
}

// saveEmbedder records emb with write: embedder.json and, for the offline
// embedder, its model (see selector.Local.Save).
func saveEmbedder(emb embedding.Embedder, write func(name string, fn func(io.Writer) error) error) (EmbedderSpec, error) {
	spec, err := SpecOf(emb)
	if err != nil {
		return spec, err
	}
	if spec.Kind == selector.KindLocal {
		inner := emb
		if c, ok := emb.(*embedding.Cache); ok {
			inner = c.Inner()
		}
		local := inner.(*selector.Local)
		if err := write(LocalFile, local.Save); err != nil {
			return spec, err
		}
	}
	return spec, write(EmbedderFile, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(spec)
	})
}

// ReadEmbedderSpec reads the embedder record (embedder.json) in dir,
// without building the embedder.
func ReadEmbedderSpec(dir string) (EmbedderSpec, error) {
	var spec EmbedderSpec
	name := filepath.Join(dir, EmbedderFile)
	b, err := os.ReadFile(name)
	if err != nil {
		return spec, fmt.Errorf("reading the embedder record: %w (it is written by 'embedclassify run' beside the classifier)", err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		return spec, fmt.Errorf("reading %s: %w (run 'embedclassify run' again to rewrite the report)", name, err)
	}
	if err := spec.check(); err != nil {
		return spec, fmt.Errorf("%s: %w (run 'embedclassify run' again to rewrite the report)", name, err)
	}
	return spec, nil
}

// check reports a record that SaveEmbedder would not have written: an
// unknown kind, no model, a dimension out of range, or an offline model
// file other than LocalFile (a damaged record must not lead predict to
// read some other file).
func (s EmbedderSpec) check() error {
	switch {
	case s.Kind != selector.KindLocal && s.Kind != selector.KindGemini:
		return fmt.Errorf("unknown embedder kind %q (want %q or %q)", s.Kind, selector.KindGemini, selector.KindLocal)
	case s.Model == "":
		return errors.New("the field \"model\" is empty")
	case s.Dims <= 0 || s.Dims > maxDims:
		return fmt.Errorf("the field \"dims\" is %d; want 1 to %d", s.Dims, maxDims)
	case s.Kind == selector.KindLocal && s.File != LocalFile:
		return fmt.Errorf("the field \"file\" is %q; the offline embedder's model is always %q, beside embedder.json", s.File, LocalFile)
	case s.Kind == selector.KindGemini && s.File != "":
		return fmt.Errorf("the field \"file\" is %q; a Gemini embedder has no model file", s.File)
	}
	return nil
}

// maxDims bounds the vector length a record may claim: Gemini's largest
// output is 3072 values, the offline embedder's a few thousand.
const maxDims = 1 << 16

// CheckPair returns an error when the classifier was not trained on the
// vectors of the embedder spec describes: its recorded fingerprint (or, for
// a classifier that records none, its input size) differs. file names the
// classifier in the message.
func CheckPair(model *mlp.Model, spec EmbedderSpec, file string) error {
	if model.Embedder != "" && model.Embedder != spec.Fingerprint() {
		return fmt.Errorf("%s was trained on vectors of the embedder %s, but the embedder beside it is %s: the two files come from different runs; run 'embedclassify run' again, or put the classifier back with its own embedder",
			file, model.Embedder, spec.Fingerprint())
	}
	if spec.Dims != model.InputSize() {
		return fmt.Errorf("the embedder beside %s makes %d-dimensional vectors but the classifier takes %d: they come from different runs", file, spec.Dims, model.InputSize())
	}
	return nil
}

// LoadEmbedder rebuilds the embedder recorded in dir by SaveEmbedder. A
// Gemini embedder takes its key from the environment, as selector.Select
// does; cfg supplies the settings a record does not hold (cache, batch
// size, concurrency, progress, base URL).
func LoadEmbedder(ctx context.Context, dir string, cfg selector.Config) (embedding.Embedder, EmbedderSpec, error) {
	spec, err := ReadEmbedderSpec(dir)
	if err != nil {
		return nil, spec, err
	}
	var emb embedding.Embedder
	switch spec.Kind {
	case selector.KindLocal:
		name := filepath.Join(dir, spec.File)
		f, err := os.Open(name)
		if err != nil {
			return nil, spec, fmt.Errorf("opening the offline embedder: %w", err)
		}
		defer f.Close()
		if emb, err = selector.LoadLocal(ctx, f, cfg.Progress); err != nil {
			if ctx.Err() != nil {
				return nil, spec, err
			}
			return nil, spec, fmt.Errorf("reading the offline embedder %s: %w (run 'embedclassify run' again to rewrite the report)", name, err)
		}
	case selector.KindGemini:
		cfg.Kind, cfg.Model, cfg.TaskType, cfg.Dims = selector.KindGemini, spec.Model, spec.TaskType, spec.Dims
		if emb, _, err = selector.Select(ctx, cfg, nil); err != nil {
			return nil, spec, err
		}
	default:
		panic("unreachable: ReadEmbedderSpec checks the kind")
	}
	if emb.Model() != spec.Model {
		return nil, spec, fmt.Errorf("the recorded embedder %s came back as %s: its vectors would not match the classifier's", spec.Model, emb.Model())
	}
	return emb, spec, nil
}
