package tutorial

import (
	"fmt"
	"path/filepath"

	"github.com/embedclassify/embedclassify/plots"
)

// EmbeddingMapChart is the name of the report's embedding map (.png, .svg
// and .pdf): the training embeddings on their first two principal
// components, coloured by class.
const EmbeddingMapChart = "embedding_map"

// EmbeddingMap returns the map of the run's training embeddings (see
// plots.EmbeddingMap): whether the embedder separates the classes, seen.
func (r *Result) EmbeddingMap() (*plots.Chart, error) {
	return plots.EmbeddingMap(r.Train.Embeddings, r.Train.EncodedLabel, r.Classes,
		plots.WithTitle(fmt.Sprintf("Training embeddings (%s) on their first two principal components", r.Embedder.Model())))
}

// writeEmbeddingMap writes the embedding map into dir as PNG, SVG and PDF.
func (r *Result) writeEmbeddingMap(dir string) error {
	chart, err := r.EmbeddingMap()
	if err != nil {
		return fmt.Errorf("drawing the embedding map: %w", err)
	}
	for _, f := range plots.Formats() {
		if err := chart.Save(filepath.Join(dir, EmbeddingMapChart+"."+string(f))); err != nil {
			return err
		}
	}
	return nil
}
