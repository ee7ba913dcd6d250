package notebook

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/mlp"
)

// TestAccuracy answers "how well would the classifier do with another
// embedder?": it embeds the train and test frames with the embedder cfg
// selects (see SelectEmbedder; the offline one is fitted on train's texts),
// trains a new classifier from build on the training vectors (silently)
// and returns its accuracy on the test vectors. Progress bars labelled
// with label follow the embedding. Interrupting the cell stops it.
func TestAccuracy(label string, cfg selector.Config, train, test *frame.Frame, build func(inputSize, numClasses int) (*mlp.Model, error)) (float64, error) {
	emb, _ := SelectEmbedder(cfg, train.Text)
	tr, err := EmbedFrame(emb, train, label+": training posts")
	if err != nil {
		return 0, err
	}
	te, err := EmbedFrame(emb, test, label+": test posts")
	if err != nil {
		return 0, err
	}
	if len(tr.Embeddings) == 0 {
		return 0, fmt.Errorf("%s: no training rows", label)
	}
	m, err := build(len(tr.Embeddings[0]), len(train.Classes()))
	if err != nil {
		return 0, err
	}
	ctx, stop := Context()
	defer stop()
	return trainAndScore(ctx, m, tr, te)
}

func trainAndScore(ctx context.Context, m *mlp.Model, tr, te *frame.Frame) (float64, error) {
	if _, err := m.Fit(ctx, tr.Embeddings, tr.EncodedLabel, nil, nil, nil); err != nil {
		return 0, fmt.Errorf("training the classifier: %w", err)
	}
	_, acc, err := m.Evaluate(te.Embeddings, te.EncodedLabel)
	return acc, err
}

// EnvInt returns the integer in the environment variable name, or def when
// it is unset. A value that is not an integer stops the cell (see Check).
func EnvInt(name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		Check(fmt.Errorf("environment variable %s=%q is not a whole number", name, s))
	}
	return n
}
