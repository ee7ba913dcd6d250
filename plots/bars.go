package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Default size of a bar chart.
const (
	BarsWidth  = 8 * vg.Inch
	BarsHeight = 5 * vg.Inch
)

// Bars draws one bar per label, each with its value written on it: the chart
// for comparing a score across settings. Labels too long to sit side by
// side are written vertically.
//
// Options: WithTitle, WithXLabel, WithYLabel, WithYRange (default: from
// 0, or the smallest value when negative, to the largest value plus room
// for its label), WithSize (default 8 × 5 in), WithDPI.
func Bars(labels []string, values []float64, opts ...Option) (*Chart, error) {
	if len(labels) == 0 {
		return nil, errors.New("plots: bar chart needs at least one bar")
	}
	if len(labels) != len(values) {
		return nil, fmt.Errorf("plots: bar chart has %d labels but %d values: pass one value per label", len(labels), len(values))
	}
	for i, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("plots: bar %q has value %v; values must be finite", labels[i], v)
		}
	}
	o, err := buildOptions(BarsWidth, BarsHeight, opts)
	if err != nil {
		return nil, err
	}
	b := barChart{
		title:  str(o.title, ""),
		xLabel: str(o.xLabel, ""),
		yLabel: str(o.yLabel, ""),
		labels: append([]string(nil), labels...),
		values: append([]float64(nil), values...),
		format: func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) },
	}
	if o.yRange {
		b.yMin, b.yMax, b.yFixed = o.yMin, o.yMax, true
	}
	return b.chart(o), nil
}

// AccuracyBy draws accuracies (fractions in [0, 1]) per setting as a bar
// chart on a 0–1 axis, each bar labelled with its accuracy to three
// decimals: for example the test accuracy per embedder or per output
// dimension. setting names what varies; it titles the horizontal axis and
// the chart ("Accuracy by <setting>").
//
// Options: WithTitle, WithXLabel, WithYLabel (default "Accuracy"),
// WithSize (default 8 × 5 in), WithDPI.
func AccuracyBy(setting string, labels []string, accuracies []float64, opts ...Option) (*Chart, error) {
	if len(labels) == 0 {
		return nil, errors.New("plots: accuracy chart needs at least one bar")
	}
	if len(labels) != len(accuracies) {
		return nil, fmt.Errorf("plots: accuracy chart has %d labels but %d accuracies: pass one accuracy per label", len(labels), len(accuracies))
	}
	for i, v := range accuracies {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("plots: accuracy of %q is %v; accuracies are fractions between 0 and 1", labels[i], v)
		}
	}
	o, err := buildOptions(BarsWidth, BarsHeight, opts)
	if err != nil {
		return nil, err
	}
	title := "Accuracy"
	if setting != "" {
		title = "Accuracy by " + setting
	}
	b := barChart{
		title:  str(o.title, title),
		xLabel: str(o.xLabel, setting),
		yLabel: str(o.yLabel, "Accuracy"),
		labels: append([]string(nil), labels...),
		values: append([]float64(nil), accuracies...),
		yMin:   0, yMax: 1, yFixed: true, fractions: true,
		format: func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) },
	}
	return b.chart(o), nil
}

type barChart struct {
	title, xLabel, yLabel string
	labels                []string
	values                []float64
	yMin, yMax            float64
	yFixed, fractions     bool
	format                func(float64) string
}

func (b barChart) chart(o options) *Chart {
	text := []string{}
	for _, s := range []string{b.title, b.xLabel, b.yLabel} {
		if s != "" {
			text = append(text, s)
		}
	}
	text = append(text, b.labels...)
	for _, v := range b.values {
		text = append(text, b.format(v))
	}
	return &Chart{width: o.width, height: o.height, dpi: o.dpi, render: b.render, text: text}
}

func (b barChart) render(c draw.Canvas) error {
	n := len(b.values)
	p := newPlot(b.title, b.xLabel, b.yLabel)
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	grid.Horizontal.Color, grid.Horizontal.Width = gridColor, vg.Points(0.6)
	p.Add(grid)

	lo, hi := b.yMin, b.yMax
	if !b.yFixed {
		lo, hi = 0, 0
		for _, v := range b.values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if hi == lo {
			hi = lo + 1
		}
		// Headroom for the value labels.
		if hi > 0 {
			hi += 0.12 * (hi - lo)
		}
		if lo < 0 {
			lo -= 0.12 * (hi - lo)
		}
	}
	p.Y.Min, p.Y.Max = lo, hi
	if b.fractions {
		p.Y.Tick.Marker = fractionTicks()
	} else {
		p.Y.Tick.Marker = niceTicks{}
	}

	// Categories at x = 0..n-1, half a slot of margin on either side.
	ticks := make(plot.ConstantTicks, n)
	for i, l := range b.labels {
		ticks[i] = plot.Tick{Value: float64(i), Label: l}
	}
	p.X.Tick.Marker = ticks
	p.X.Tick.Length = 0
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.X.Padding = 0

	// Write the category labels vertically when they would collide.
	slot := vg.Length(float64(c.Size().X) * 0.8 / float64(n))
	for _, l := range b.labels {
		if p.X.Tick.Label.Width(l) > slot*0.9 {
			verticalTickLabels(&p.X)
			break
		}
	}

	data := p.DataCanvas(c)
	if data.Size().X <= 0 || data.Size().Y <= 0 {
		return fmt.Errorf("plots: chart is too small (%.3g×%.3g in) for its labels: enlarge it with WithSize",
			float64(c.Size().X/vg.Inch), float64(c.Size().Y/vg.Inch))
	}
	bars, err := plotter.NewBarChart(plotter.Values(b.values), data.Size().X/vg.Length(n)*0.6)
	if err != nil {
		return fmt.Errorf("plots: bar chart: %w", err)
	}
	bars.Color = colorAt(0)
	bars.LineStyle.Width = 0
	p.Add(bars)

	// Values above the bars, or inside the top of bars too tall for that.
	size := vg.Length(math.Max(8, math.Min(labelSize, float64(data.Size().X)/float64(n)*0.18)))
	var xys plotter.XYs
	var strs []string
	var styles []text.Style
	dataH := data.Size().Y
	lift := float64(vg.Points(3)/dataH) * (hi - lo) // a few points, in data units
	clamp := func(v float64) float64 { return math.Min(math.Max(v, lo), hi) }
	// Labels go above the bars, or all inside their tops when one of them
	// would not fit above (accuracies near 1 on a 0–1 axis): mixing both
	// looks ragged.
	inside := false
	for _, v := range b.values {
		sty := textStyle(size)
		h := sty.Rectangle(b.format(v)).Size().Y
		if v >= 0 && vg.Length((hi-clamp(v))/(hi-lo))*dataH < h+vg.Points(6) {
			inside = true
		}
	}
	for i, v := range b.values {
		sty := textStyle(size)
		sty.XAlign = draw.XCenter
		s := b.format(v)
		h := sty.Rectangle(s).Size().Y
		barH := vg.Length(math.Abs(clamp(v)-clamp(0))/(hi-lo)) * dataH
		var y float64
		switch {
		case v < 0: // below the bar's end
			sty.YAlign = draw.YTop
			y = clamp(v) - lift
		case inside && barH >= h+vg.Points(6):
			sty.YAlign = draw.YTop
			sty.Color = color.White
			y = clamp(v) - lift
		default:
			sty.YAlign = draw.YBottom
			y = clamp(v) + lift
		}
		xys = append(xys, plotter.XY{X: float64(i), Y: y})
		strs = append(strs, s)
		styles = append(styles, sty)
	}
	p.Add(&plotter.Labels{XYs: xys, Labels: strs, TextStyle: styles})
	p.Y.Min, p.Y.Max = lo, hi // the plotters must not widen the chosen range
	p.Draw(c)
	return nil
}
