package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"github.com/embedclassify/embedclassify/lib/mlp"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Default sizes of the history charts: the tutorial's figure, 20 × 8 in.
const (
	HistoryWidth  = 20 * vg.Inch
	HistoryHeight = 8 * vg.Inch
)

// NamedHistory is one training run to compare with others.
type NamedHistory struct {
	Name    string // legend name of the run, e.g. "gemini-embedding-001"
	History *mlp.History
}

// History draws the tutorial's training-history figure (plot_history): two
// panels side by side, "Loss" and "Accuracy", each with a "Train" and, when
// the history has validation data, a "Validation" line over the epochs
// (1, 2, ...). Accuracy is drawn on a fixed 0–1 axis; the loss axis spans
// the losses with a 5% margin, as matplotlib's autoscaling does.
//
// Options: WithTitle (a title over both panels; none by default),
// WithSize (default 20 × 8 in), WithDPI.
func History(h *mlp.History, opts ...Option) (*Chart, error) {
	if err := checkHistory("history", h); err != nil {
		return nil, err
	}
	return historyChart([]NamedHistory{{History: h}}, opts)
}

// CompareHistories draws several training runs on one two-panel figure
// like History's: each run has its own colour, training as a solid line and
// validation as a dashed one. The legend under the panels names each run
// in its colour, then shows the two line styles, "Train" and "Validation".
// Runs may have different numbers of epochs.
//
// Options: WithTitle, WithSize (default 20 × 8 in), WithDPI.
func CompareHistories(runs []NamedHistory, opts ...Option) (*Chart, error) {
	if len(runs) == 0 {
		return nil, errors.New("plots: CompareHistories needs at least one run")
	}
	seen := map[string]bool{}
	for i, r := range runs {
		if r.Name == "" {
			return nil, fmt.Errorf("plots: run %d has no name: name every run for the legend", i)
		}
		if seen[r.Name] {
			return nil, fmt.Errorf("plots: two runs are named %q: give each run its own name", r.Name)
		}
		seen[r.Name] = true
		if err := checkHistory(fmt.Sprintf("run %q", r.Name), r.History); err != nil {
			return nil, err
		}
	}
	return historyChart(runs, opts)
}

// checkHistory reports what makes h impossible to plot.
func checkHistory(what string, h *mlp.History) error {
	if h == nil {
		return fmt.Errorf("plots: %s is nil", what)
	}
	n := len(h.Loss)
	if n == 0 {
		return fmt.Errorf("plots: %s has no epochs: train the classifier before plotting its history", what)
	}
	fields := []struct {
		name     string
		v        []float64
		optional bool
	}{
		{"Loss", h.Loss, false},
		{"Accuracy", h.Accuracy, false},
		{"ValLoss", h.ValLoss, true},
		{"ValAccuracy", h.ValAccuracy, true},
	}
	for _, f := range fields {
		if f.optional && f.v == nil {
			continue
		}
		if len(f.v) != n {
			return fmt.Errorf("plots: %s has %d Loss values but %d %s values: every series needs one value per epoch",
				what, n, len(f.v), f.name)
		}
		for i, v := range f.v {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("plots: %s %s at epoch %d is %v: training diverged; lower the learning rate", what, f.name, i+1, v)
			}
		}
	}
	if (h.ValLoss == nil) != (h.ValAccuracy == nil) {
		return fmt.Errorf("plots: %s has only one of ValLoss and ValAccuracy", what)
	}
	return nil
}

func historyChart(runs []NamedHistory, opts []Option) (*Chart, error) {
	o, err := buildOptions(HistoryWidth, HistoryHeight, opts)
	if err != nil {
		return nil, err
	}
	var loss, acc []series
	single := len(runs) == 1 && runs[0].Name == ""
	for i, r := range runs {
		trainName, valName := r.Name+" (Train)", r.Name+" (Validation)"
		trainColor, valColor := colorAt(i), colorAt(i)
		dashed := true
		if single {
			// The tutorial's look: two colours, solid lines.
			trainName, valName = "Train", "Validation"
			valColor = colorAt(1)
			dashed = false
		}
		h := r.History
		loss = append(loss, series{name: trainName, ys: h.Loss, color: trainColor})
		acc = append(acc, series{name: trainName, ys: h.Accuracy, color: trainColor})
		if h.ValLoss != nil {
			loss = append(loss, series{name: valName, ys: h.ValLoss, color: valColor, dashed: dashed})
			acc = append(acc, series{name: valName, ys: h.ValAccuracy, color: valColor, dashed: dashed})
		}
	}
	title := str(o.title, "")
	text := []string{"Loss", "Accuracy", "Epoch"}
	if title != "" {
		text = append(text, title)
	}
	figLegend := runsLegend(runs)
	entries := loss
	if !single {
		entries = figLegend
	}
	for _, s := range entries {
		text = append(text, s.name)
	}
	render := func(c draw.Canvas) error {
		// One run: a legend in each panel, as in the tutorial. Several runs:
		// one legend under both panels.
		lossCorners := []corner{topRight, bottomLeft, topLeft, bottomRight}
		accCorners := []corner{bottomRight, topLeft, bottomLeft, topRight}
		if !single {
			lossCorners, accCorners = nil, nil
		}
		lp, err := linePanel("Loss", "Loss", loss, lossCorners)
		if err != nil {
			return err
		}
		ap, err := linePanel("Accuracy", "Accuracy", acc, accCorners)
		if err != nil {
			return err
		}
		// Loss: the data's range with 5% margins, as matplotlib autoscales,
		// so that curves spanning 1.14 to 1.39 fill the panel.
		lp.Y.Min, lp.Y.Max = autoscale(lp.Y.Min, lp.Y.Max)
		lp.Y.Tick.Marker = niceTicks{}
		ap.Y.Min, ap.Y.Max = 0, 1
		ap.Y.Tick.Marker = fractionTicks()
		// As many epoch labels as fit side by side in a panel.
		for _, p := range []*plot.Plot{lp, ap} {
			widest := p.X.Tick.Label.Width(strconv.Itoa(int(p.X.Max))) + vg.Points(16)
			p.X.Tick.Marker = integerTicks{maxLabels: max(2, int(c.Size().X*0.45/widest))}
		}

		c = drawFigureTitle(c, title)
		if !single {
			c = drawFigureLegend(c, figLegend)
		}
		// Panel titles are drawn here, level with each other over the data
		// areas; plot.Align would shift titles with the panels' tick labels.
		titleSty := lp.Title.TextStyle
		titleH := titleSty.Rectangle("Loss").Size().Y + lp.Title.Padding
		lp.Title.Text, ap.Title.Text = "", ""
		pad := vg.Length(float64(c.Size().X) * 0.01)
		tiles := draw.Tiles{
			Rows: 1, Cols: 2,
			PadX:   vg.Length(float64(c.Size().X) * 0.04),
			PadTop: pad + titleH, PadBottom: pad, PadLeft: pad, PadRight: 2 * pad,
		}
		plots := [][]*plot.Plot{{lp, ap}}
		canvases := plot.Align(plots, tiles, c)
		for i, p := range plots[0] {
			p.Draw(canvases[0][i])
			data := p.DataCanvas(canvases[0][i])
			name := []string{"Loss", "Accuracy"}[i]
			c.FillText(titleSty, vg.Point{X: data.Center().X, Y: data.Max.Y + titleH}, name)
		}
		return nil
	}
	return &Chart{width: o.width, height: o.height, dpi: o.dpi, render: render, text: text}, nil
}

// legendGrey draws the line-style keys of a comparison's legend.
var legendGrey = color.Gray{Y: 0x55}

// runsLegend returns the legend of a comparison of runs: one entry per run
// in its colour, then the line styles of training and validation.
func runsLegend(runs []NamedHistory) []series {
	var entries []series
	val := false
	for i, r := range runs {
		entries = append(entries, series{name: r.Name, color: colorAt(i)})
		val = val || r.History.ValLoss != nil
	}
	entries = append(entries, series{name: "Train", color: legendGrey, noGlyph: true})
	if val {
		entries = append(entries, series{name: "Validation", color: legendGrey, dashed: true, noGlyph: true})
	}
	return entries
}

// linePanel is one panel of a history chart: ss over epochs 1, 2, ...
// With corners nil, the panel has no legend.
func linePanel(title, yLabel string, ss []series, corners []corner) (*plot.Plot, error) {
	p := newPlot(title, "Epoch", yLabel)
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = gridColor, gridColor
	grid.Vertical.Width, grid.Horizontal.Width = vg.Points(0.6), vg.Points(0.6)
	p.Add(grid)
	epochs := 0
	for _, s := range ss {
		xys := make(plotter.XYs, len(s.ys))
		for i, y := range s.ys {
			xys[i] = plotter.XY{X: float64(i + 1), Y: y}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, fmt.Errorf("plots: %s %s: %w", title, s.name, err)
		}
		line.LineStyle = s.lineStyle()
		points.GlyphStyle = s.glyphStyle()
		p.Add(line, points)
		epochs = max(epochs, len(s.ys))
	}
	if corners != nil {
		p.Add(&legend{entries: ss, corners: corners})
	}
	p.X.Min, p.X.Max = 1, float64(epochs)
	if epochs == 1 {
		p.X.Min, p.X.Max = 0.5, 1.5
	}
	return p, nil
}

// autoscale returns the axis range matplotlib would give data spanning
// [lo, hi]: 5% of the span added on either side, or ±5% of the value
// (±0.05 around 0) when the data is constant. A range of non-negative data
// does not go below 0.
func autoscale(lo, hi float64) (float64, float64) {
	span := hi - lo
	if span == 0 {
		span = math.Abs(lo)
		if span == 0 {
			span = 1
		}
	}
	min, max := lo-0.05*span, hi+0.05*span
	if lo >= 0 && min < 0 {
		min = 0
	}
	return min, max
}
