package plots_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/plots"
	"gonum.org/v1/plot/vg"
)

// The tutorial's plot_history(history): loss and accuracy per epoch, saved
// for a report.
func ExampleHistory() {
	history := &mlp.History{ // as returned by the classifier's Fit
		Loss:        []float64{1.21, 0.93, 0.82, 0.78, 0.765},
		Accuracy:    []float64{0.45, 0.79, 0.93, 0.97, 0.985},
		ValLoss:     []float64{1.02, 0.86, 0.81, 0.795, 0.787},
		ValAccuracy: []float64{0.71, 0.84, 0.9, 0.92, 0.93},
	}
	chart, err := plots.History(history)
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "plots-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := chart.Save(filepath.Join(dir, "history.png")); err != nil {
		log.Fatal(err)
	}
	w, h := chart.PixelSize()
	fmt.Printf("history.png: %d×%d pixels (20×8 in at %d DPI)\n", w, h, chart.DPI())
	// Output:
	// history.png: 2000×800 pixels (20×8 in at 100 DPI)
}

// The tutorial's confusion matrix for the four sci.* newsgroups: counts
// (true class by row, predicted class by column) and the class names.
func ExampleConfusionMatrix() {
	counts := [][]int{
		{94, 2, 1, 3},
		{3, 85, 6, 6},
		{0, 4, 93, 3},
		{1, 2, 2, 95},
	}
	names := []string{"sci.crypt", "sci.electronics", "sci.med", "sci.space"}
	chart, err := plots.ConfusionMatrix(counts, names)
	if err != nil {
		log.Fatal(err)
	}
	svg, err := chart.SVG()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(chart.Text()[:2], len(svg) > 0)
	// Output:
	// [Predicted label True label] true
}

// Two training runs, e.g. two embedders, on one chart.
func ExampleCompareHistories() {
	gemini := &mlp.History{
		Loss: []float64{1.2, 0.9, 0.8}, Accuracy: []float64{0.5, 0.85, 0.95},
		ValLoss: []float64{1.0, 0.85, 0.8}, ValAccuracy: []float64{0.7, 0.88, 0.93},
	}
	offline := &mlp.History{
		Loss: []float64{1.3, 1.1, 1.0}, Accuracy: []float64{0.3, 0.5, 0.6},
		ValLoss: []float64{1.25, 1.15, 1.1}, ValAccuracy: []float64{0.35, 0.5, 0.55},
	}
	chart, err := plots.CompareHistories([]plots.NamedHistory{
		{Name: "gemini-embedding-001", History: gemini},
		{Name: "offline", History: offline},
	}, plots.WithTitle("Embedders compared"))
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range chart.Text() {
		fmt.Println(s)
	}
	// Output:
	// Loss
	// Accuracy
	// Epoch
	// Embedders compared
	// gemini-embedding-001
	// offline
	// Train
	// Validation
}

// Test accuracy per output dimension, as a bar chart on a 0–1 axis.
func ExampleAccuracyBy() {
	chart, err := plots.AccuracyBy("output dimension",
		[]string{"768", "1536", "3072"}, []float64{0.948, 0.955, 0.96})
	if err != nil {
		log.Fatal(err)
	}
	png, err := chart.WithSize(6*vg.Inch, 4*vg.Inch).PNG()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(chart.Text()[0], len(png) > 0)
	// Output:
	// Accuracy by output dimension true
}

// Save picks the format from the file's extension and rejects the others.
func ExampleChart_Save() {
	chart, err := plots.Bars([]string{"a", "b"}, []float64{3, 5}, plots.WithYLabel("Count"))
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "plots-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for _, name := range []string{"bars.png", "bars.svg", "bars.pdf", "bars.gif"} {
		err := chart.WithDPI(150).Save(filepath.Join(dir, name))
		fmt.Println(name, err == nil)
	}
	// Output:
	// bars.png true
	// bars.svg true
	// bars.pdf true
	// bars.gif false
}
