package plots

import (
	"math/rand/v2"

	"github.com/embedclassify/embedclassify/lib/mlp"
	"gonum.org/v1/plot/vg"
)

// Fixed data shaped like the tutorial's run: 4 sci.* classes, training
// accuracy reaching 1 while validation levels off near 0.94.

var classNames = []string{"sci.crypt", "sci.electronics", "sci.med", "sci.space"}

func tutorialHistory() *mlp.History {
	return &mlp.History{
		Loss:         []float64{1.21, 0.93, 0.82, 0.78, 0.765, 0.757, 0.753, 0.751, 0.749, 0.748, 0.747, 0.747},
		Accuracy:     []float64{0.45, 0.79, 0.93, 0.97, 0.985, 0.99, 0.995, 1, 1, 1, 1, 1},
		ValLoss:      []float64{1.02, 0.86, 0.81, 0.795, 0.787, 0.784, 0.783, 0.782, 0.782, 0.781, 0.781, 0.782},
		ValAccuracy:  []float64{0.71, 0.84, 0.9, 0.92, 0.93, 0.935, 0.94, 0.94, 0.945, 0.94, 0.945, 0.94},
		StoppedEpoch: 12,
	}
}

func offlineHistory() *mlp.History {
	return &mlp.History{
		Loss:        []float64{1.31, 1.12, 1.01, 0.96, 0.93, 0.92, 0.915},
		Accuracy:    []float64{0.31, 0.5, 0.6, 0.64, 0.66, 0.67, 0.675},
		ValLoss:     []float64{1.26, 1.15, 1.1, 1.08, 1.07, 1.07, 1.071},
		ValAccuracy: []float64{0.34, 0.5, 0.55, 0.58, 0.6, 0.6, 0.61},
	}
}

var tutorialConfusion = [][]int{
	{94, 2, 1, 3},
	{3, 85, 6, 6},
	{0, 4, 93, 3},
	{1, 2, 2, 95},
}

// clusters returns perClass vectors of dims dimensions for each of
// classes classes: class k's vectors scatter around a centre of their own
// (fixed pseudo-random numbers), the first two classes' centres closer to
// each other than to the others, like sci.crypt and sci.electronics.
func clusters(classes, perClass, dims int) (vectors [][]float32, labels []int) {
	rng := rand.New(rand.NewPCG(1, 2))
	centres := make([][]float64, classes)
	for k := range centres {
		centres[k] = make([]float64, dims)
		for j := range centres[k] {
			centres[k][j] = rng.NormFloat64()
		}
	}
	for j := range centres[1] {
		centres[1][j] = 0.6*centres[0][j] + 0.4*centres[1][j]
	}
	for k := range classes {
		for range perClass {
			v := make([]float32, dims)
			for j := range v {
				v[j] = float32(centres[k][j] + 0.45*rng.NormFloat64())
			}
			vectors = append(vectors, v)
			labels = append(labels, k)
		}
	}
	return vectors, labels
}

// chartCase is one chart built from fixed data, with the strings its SVG
// must hold and the small size its golden image is rendered at.
type chartCase struct {
	name          string
	build         func(opts ...Option) (*Chart, error)
	wantText      []string
	width, height vg.Length // golden size, rendered at goldenDPI
}

const goldenDPI = 60

var chartCases = []chartCase{
	{
		name:     "history",
		build:    func(opts ...Option) (*Chart, error) { return History(tutorialHistory(), opts...) },
		wantText: []string{"Loss", "Accuracy", "Epoch", "Train", "Validation"},
		width:    10 * vg.Inch, height: 4 * vg.Inch,
	},
	{
		name: "compare_histories",
		build: func(opts ...Option) (*Chart, error) {
			return CompareHistories([]NamedHistory{
				{Name: "gemini-embedding-001", History: tutorialHistory()},
				{Name: "offline", History: offlineHistory()},
			}, append([]Option{WithTitle("Embedders compared")}, opts...)...)
		},
		wantText: []string{"Embedders compared", "Loss", "Accuracy", "Epoch",
			"gemini-embedding-001", "offline", "Train", "Validation"},
		width: 10 * vg.Inch, height: 5 * vg.Inch,
	},
	{
		name:  "confusion_matrix",
		build: func(opts ...Option) (*Chart, error) { return ConfusionMatrix(tutorialConfusion, classNames, opts...) },
		wantText: append([]string{DefaultConfusionTitle, "Predicted label", "True label", "94", "85", "93", "95"},
			classNames...),
		width: 6 * vg.Inch, height: 5.5 * vg.Inch,
	},
	{
		name: "confusion_matrix_normalized",
		build: func(opts ...Option) (*Chart, error) {
			return ConfusionMatrix(tutorialConfusion, classNames, append([]Option{Normalized()}, opts...)...)
		},
		wantText: append([]string{DefaultConfusionTitle, "0.94", "0.85", "0.93", "0.95"}, classNames...),
		width:    6 * vg.Inch, height: 5.5 * vg.Inch,
	},
	{
		name: "accuracy_by",
		build: func(opts ...Option) (*Chart, error) {
			return AccuracyBy("output dimension", []string{"128", "768", "1536", "3072"}, []float64{0.912, 0.948, 0.955, 0.96}, opts...)
		},
		wantText: []string{"Accuracy by output dimension", "output dimension", "Accuracy", "3072", "0.960"},
		width:    6 * vg.Inch, height: 4 * vg.Inch,
	},
	{
		name: "embedding_map",
		build: func(opts ...Option) (*Chart, error) {
			vectors, labels := clusters(len(classNames), 50, 24)
			return EmbeddingMap(vectors, labels, classNames, opts...)
		},
		wantText: append([]string{DefaultEmbeddingMapTitle}, classNames...),
		width:    7 * vg.Inch, height: 5.5 * vg.Inch,
	},
	{
		// The notebook's comparison of embedders: labels long enough to
		// be written vertically.
		name: "accuracy_by_embedder",
		build: func(opts ...Option) (*Chart, error) {
			return AccuracyBy("embedder", []string{"the run above, 256 dims", "offline, 64 dims", "offline, 128 dims", "offline, 512 dims"},
				[]float64{0.86, 0.84, 0.85, 0.84}, opts...)
		},
		wantText: []string{"Accuracy by embedder", "the run above, 256 dims", "0.860"},
		width:    6 * vg.Inch, height: 5 * vg.Inch,
	},
	{
		name: "bars",
		build: func(opts ...Option) (*Chart, error) {
			return Bars([]string{"sci.crypt", "sci.electronics", "sci.med", "sci.space"}, []float64{593, 591, 594, -12},
				append([]Option{WithTitle("Training documents per class"), WithYLabel("Documents"), WithXLabel("Class")}, opts...)...)
		},
		wantText: append([]string{"Training documents per class", "Documents", "Class", "593", "-12"}, classNames...),
		width:    6 * vg.Inch, height: 4 * vg.Inch,
	},
}
