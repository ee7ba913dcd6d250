// Package plots draws the charts of the "Classify text with embeddings"
// tutorial with gonum.org/v1/plot: the training history (loss and accuracy
// per epoch), the confusion matrix, and bar charts comparing accuracies.
//
// Every constructor returns a *Chart, which renders on demand as PNG, SVG or
// PDF, at any size and DPI:
//
//	chart, err := plots.History(history)
//	if err != nil { ... }
//	err = chart.Save("history.png")        // format from the extension
//	svg, err := chart.WithSize(10*vg.Inch, 4*vg.Inch).SVG()
//
// Text uses the Liberation fonts bundled with gonum/plot, so output does not
// depend on the fonts installed on the machine; SVG and PDF embed them.
// In a GoNB notebook, lib/notebook's Show displays a Chart.
package plots
