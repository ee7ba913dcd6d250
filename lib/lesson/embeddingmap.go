package lesson

import (
	"github.com/embedclassify/embedclassify/plots"
)

// EmbeddingMap draws the embeddings of the posts of df on their first two
// principal components, one colour per class, to see whether the classes
// separate (see plots.EmbeddingMap).
func EmbeddingMap(df Frame) (*plots.Chart, error) {
	f, err := df.Result()
	if err != nil {
		return nil, err
	}
	return plots.EmbeddingMap(f.Embeddings, f.EncodedLabel, f.Classes())
}
