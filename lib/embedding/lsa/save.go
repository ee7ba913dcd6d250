package lsa

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// savedModel is what Save writes: enough to fit the same model again.
type savedModel struct {
	Format string   `json:"format"`
	Name   string   `json:"name"`
	Config Config   `json:"config"`
	Texts  []string `json:"texts"`
}

const saveFormat = "embedclassify-lsa-refit-1"

// Save writes the model to w so that Load can restore it. A fitted model is
// large (a vector per vocabulary term), while fitting is deterministic and
// quick, so what is saved is the recipe — the Config and the training texts,
// gzip-compressed JSON — and Load fits again and checks that the result has
// the same name, fingerprint included.
func (m *Model) Save(w io.Writer) error {
	zw := gzip.NewWriter(w)
	enc := json.NewEncoder(zw)
	if err := enc.Encode(savedModel{Format: saveFormat, Name: m.name, Config: m.cfg, Texts: m.texts}); err != nil {
		zw.Close()
		return fmt.Errorf("lsa: saving the model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("lsa: saving the model: %w", err)
	}
	return nil
}

// Load reads a model written by Save and fits it again (about a second for
// the tutorial's 400 training texts). It fails if the result is not the
// model that was saved.
func Load(ctx context.Context, r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("lsa: reading a saved model: %w", err)
	}
	defer zr.Close()
	var s savedModel
	if err := json.NewDecoder(zr).Decode(&s); err != nil {
		return nil, fmt.Errorf("lsa: reading a saved model: %w", err)
	}
	// Read to the end so that gzip checks its length and checksum: a file
	// cut short is damaged even when its JSON is whole.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, fmt.Errorf("lsa: reading a saved model: %w", err)
	}
	if s.Format != saveFormat {
		return nil, fmt.Errorf("lsa: not a saved LSA model (format %q, want %q)", s.Format, saveFormat)
	}
	m, err := Fit(ctx, s.Texts, s.Config)
	if err != nil {
		return nil, err
	}
	if m.name != s.Name {
		return nil, fmt.Errorf("lsa: the saved model %s fits again as %s; it was saved by an incompatible version", s.Name, m.name)
	}
	return m, nil
}
