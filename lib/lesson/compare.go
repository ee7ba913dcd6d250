package lesson

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/lib/notebook"
	"github.com/embedclassify/embedclassify/plots"
)

// Variant is another embedder to try the classifier with.
type Variant struct {
	Name   string
	Config selector.Config
}

// Fingerprint identifies the variant for the comparison's key: its name
// and the settings that decide its vectors.
func (v Variant) Fingerprint() (string, error) {
	return notebook.Fingerprint(struct {
		Name     string
		Settings embedderSettings
	}{v.Name, settingsOf(v.Config)})
}

// Variants returns the embedders the comparison tries: with a Gemini key,
// shorter Gemini vectors of modelID (768 dimensions) and the offline
// embedder; without one, the offline embedder at three sizes.
func Variants(modelID string) []Variant {
	if gemini.Configured() {
		return []Variant{
			{"Gemini, 768 dims", selector.Config{Kind: selector.KindGemini, Model: modelID, TaskType: "CLASSIFICATION", Dims: 768}},
			{"offline, 256 dims", selector.Config{Kind: selector.KindLocal, Dims: 256}},
		}
	}
	return []Variant{
		{"offline, 64 dims", selector.Config{Kind: selector.KindLocal, Dims: 64}},
		{"offline, 128 dims", selector.Config{Kind: selector.KindLocal, Dims: 128}},
		{"offline, 512 dims", selector.Config{Kind: selector.KindLocal, Dims: 512}},
	}
}

// Comparison is the test accuracy of the classifier trained on the
// vectors of several embedders.
type Comparison struct {
	Labels     []string
	Accuracies []float64
}

// Table lists the test accuracy of every embedder.
func (c *Comparison) Table() Table {
	t := Table{Header: []string{"embedder", "test accuracy"}}
	for i, l := range c.Labels {
		t.Rows = append(t.Rows, []string{l, fmt.Sprintf("%.4f", c.Accuracies[i])})
	}
	return t
}

// PNG draws the comparison as a bar chart.
func (c *Comparison) PNG() ([]byte, error) {
	ch, err := plots.AccuracyBy("embedder", c.Labels, c.Accuracies)
	if err != nil {
		return nil, err
	}
	return ch.PNG()
}

// CompareEmbedders answers "how much does the embedder matter?": for every
// variant it embeds the posts of train and test, trains a model built and
// compiled as m (and fitted with opt, validation data aside) on them, and
// measures its accuracy on test; the first bar is m itself on
// testEmbedded. Each variant's embedding shows a progress bar.
func CompareEmbedders(m *Model, testEmbedded, train, test Frame, opt FitOptions, variants ...Variant) *notebook.Value[*Comparison] {
	return notebook.Step("comparing embedders", func(ctx context.Context) (*Comparison, error) {
		e, err := m.Evaluate(testEmbedded)
		if err != nil {
			return nil, err
		}
		net, err := m.trained()
		if err != nil {
			return nil, err
		}
		c := &Comparison{Labels: []string{fmt.Sprintf("the run above, %d dims", net.InputSize())}, Accuracies: []float64{e.Accuracy}}
		for _, v := range variants {
			emb := NewEmbedder(v.Config, train)
			tr, te := CreateEmbeddings(emb, train), CreateEmbeddings(emb, test)
			vm := BuildClassificationModel(tr, m.output).Compile(*m.compiled)
			vm.quiet = true
			o := opt
			o.ValidationData = nil
			if _, err := vm.Fit(tr, o).Result(); err != nil {
				return nil, fmt.Errorf("%s: %w", v.Name, err)
			}
			ve, err := vm.Evaluate(te)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", v.Name, err)
			}
			c.Labels, c.Accuracies = append(c.Labels, v.Name), append(c.Accuracies, ve.Accuracy)
		}
		notebook.Show(c.Table())
		return c, nil
	}, m, testEmbedded, train, test, opt, variants)
}

// Classify embeds texts with emb and shows, for each, the class the first
// model predicts and every model's top probability.
func Classify(emb *notebook.Value[*Embedder], texts []string, models ...*Model) (Table, error) {
	p := Table{Header: []string{"text", "predicted group"}}
	vecs, err := EmbedTexts(emb, texts)
	if err != nil {
		return p, err
	}
	var names []string
	var probs [][][]float32
	for i, m := range models {
		net, err := m.trained()
		if err != nil {
			return p, err
		}
		if i == 0 {
			if names, err = net.PredictNames(vecs); err != nil {
				return p, err
			}
		}
		pr, err := net.Probabilities(vecs)
		if err != nil {
			return p, err
		}
		probs = append(probs, pr)
		p.Header = append(p.Header, m.Name+": top probability")
	}
	for i, t := range texts {
		row := []string{t, names[i]}
		for _, pr := range probs {
			row = append(row, fmt.Sprintf("%.2f", slices.Max(pr[i])))
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// SaveAndLoad saves the trained model as name in the temporary folder,
// loads it back, and says so with its parameter count (the folder, which
// differs from machine to machine, is not shown).
func SaveAndLoad(m *Model, name string) (string, error) {
	net, err := m.trained()
	if err != nil {
		return "", err
	}
	path := filepath.Join(os.TempDir(), filepath.Base(name))
	if err := net.SaveFile(path); err != nil {
		return "", err
	}
	loaded, err := mlp.LoadFile(path)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Saved %s to %s in the temporary folder and loaded it back: %d parameters, classes %v.",
		m.Name, filepath.Base(path), loaded.NumParams(), loaded.Classes), nil
}
