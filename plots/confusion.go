package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// DefaultConfusionTitle is the tutorial's title for its confusion matrix.
const DefaultConfusionTitle = "Confusion matrix for newsgroup test dataset"

// Default size of a confusion matrix chart.
const (
	ConfusionWidth  = 9 * vg.Inch
	ConfusionHeight = 8 * vg.Inch
)

// viridisControls are points of matplotlib's default colour map, viridis
// (the one scikit-learn's ConfusionMatrixDisplay uses), in order of
// increasing lightness; moreland.NewLuminance interpolates between them.
var viridisControls = []color.Color{
	color.RGBA{0x44, 0x01, 0x54, 0xff},
	color.RGBA{0x48, 0x28, 0x78, 0xff},
	color.RGBA{0x3e, 0x49, 0x89, 0xff},
	color.RGBA{0x31, 0x68, 0x8e, 0xff},
	color.RGBA{0x26, 0x82, 0x8e, 0xff},
	color.RGBA{0x1f, 0x9e, 0x89, 0xff},
	color.RGBA{0x35, 0xb7, 0x79, 0xff},
	color.RGBA{0x6e, 0xce, 0x58, 0xff},
	color.RGBA{0xb5, 0xde, 0x2b, 0xff},
	color.RGBA{0xfd, 0xe7, 0x25, 0xff},
}

// ConfusionMatrix draws counts as scikit-learn's ConfusionMatrixDisplay
// does: counts[i][j] is the number of samples of true class i predicted as
// class j; rows run top to bottom and columns left to right in the order of
// classNames. Class names label both axes ("True label" vertically,
// "Predicted label" horizontally, written vertically as with
// xticks_rotation='vertical'), each cell shows its count in black or white,
// whichever reads better on the cell's colour, and a colour bar shows the
// scale.
//
// Options: WithTitle (default DefaultConfusionTitle), WithXLabel (default
// "Predicted label"), WithYLabel (default "True label"), Normalized
// (fractions of each true class instead of counts), WithSize (default
// 9 × 8 in), WithDPI.
func ConfusionMatrix(counts [][]int, classNames []string, opts ...Option) (*Chart, error) {
	n := len(classNames)
	if n == 0 {
		return nil, errors.New("plots: confusion matrix needs at least one class name")
	}
	if len(counts) != n {
		return nil, fmt.Errorf("plots: confusion matrix has %d rows but %d class names: pass one row and one column per class", len(counts), n)
	}
	for i, row := range counts {
		if len(row) != n {
			return nil, fmt.Errorf("plots: confusion matrix row %d (%s) has %d columns, want %d", i, classNames[i], len(row), n)
		}
		for j, v := range row {
			if v < 0 {
				return nil, fmt.Errorf("plots: confusion matrix count [%d][%d] is %d; counts cannot be negative", i, j, v)
			}
		}
	}
	o, err := buildOptions(ConfusionWidth, ConfusionHeight, opts)
	if err != nil {
		return nil, err
	}

	// values[i][j] is what cell (true i, predicted j) shows.
	values := make([][]float64, n)
	labels := make([][]string, n)
	maxV := 0.0
	for i, row := range counts {
		values[i] = make([]float64, n)
		labels[i] = make([]string, n)
		total := 0
		for _, v := range row {
			total += v
		}
		for j, v := range row {
			switch {
			case !o.normalize:
				values[i][j] = float64(v)
				labels[i][j] = strconv.Itoa(v)
			case total == 0:
				values[i][j] = 0
				labels[i][j] = "–"
			default:
				values[i][j] = float64(v) / float64(total)
				labels[i][j] = strconv.FormatFloat(values[i][j], 'f', 2, 64)
			}
			maxV = math.Max(maxV, values[i][j])
		}
	}
	if o.normalize {
		maxV = 1
	}
	if maxV == 0 {
		maxV = 1 // an all-zero matrix still needs a colour scale
	}
	cmap, err := moreland.NewLuminance(viridisControls)
	if err != nil {
		return nil, fmt.Errorf("plots: building the colour map: %w", err)
	}
	cmap.SetMin(0)
	cmap.SetMax(maxV)

	title := str(o.title, DefaultConfusionTitle)
	xLabel, yLabel := str(o.xLabel, "Predicted label"), str(o.yLabel, "True label")
	names := append([]string(nil), classNames...)
	var text []string
	for _, s := range []string{xLabel, yLabel} {
		if s != "" {
			text = append(text, s)
		}
	}
	text = append(text, names...)
	if title != "" {
		text = append(text, title)
	}
	for _, row := range labels {
		text = append(text, row...)
	}

	render := func(c draw.Canvas) error {
		return drawConfusion(c, title, xLabel, yLabel, names, values, labels, cmap, o.normalize)
	}
	return &Chart{width: o.width, height: o.height, dpi: o.dpi, render: render, text: text}, nil
}

// cells draws the matrix as coloured squares, cell (true i, predicted j) at
// x = j, y = n-1-i. plotter.HeatMap leaves hairline seams between vector
// cells and blurs rasterized ones; cells overlap each square by a hair.
type cells struct {
	values [][]float64
	cmap   palette.ColorMap
}

// Plot implements plot.Plotter.
func (m *cells) Plot(c draw.Canvas, p *plot.Plot) {
	xf, yf := p.Transforms(&c)
	n := len(m.values)
	const overlap = vg.Length(0.5)
	for i, row := range m.values {
		for j, v := range row {
			col, err := m.cmap.At(math.Min(math.Max(v, m.cmap.Min()), m.cmap.Max()))
			if err != nil {
				col = color.Gray{Y: 0x80}
			}
			x0, x1 := xf(float64(j)-0.5), xf(float64(j)+0.5)
			y0, y1 := yf(float64(n-1-i)-0.5), yf(float64(n-1-i)+0.5)
			if j < n-1 {
				x1 += overlap
			}
			if i > 0 {
				y1 += overlap
			}
			c.FillPolygon(col, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		}
	}
}

// colorStrip is a vertical colour scale drawn as thin vector bands.
// plotter.ColorBar draws an image, which gonum's PDF writer turns upside
// down and which SVG renderers such as librsvg leave out.
type colorStrip struct {
	cmap palette.ColorMap
}

// Plot implements plot.Plotter.
func (s *colorStrip) Plot(c draw.Canvas, p *plot.Plot) {
	const bands = 128
	lo, hi := s.cmap.Min(), s.cmap.Max()
	_, yf := p.Transforms(&c)
	for i := range bands {
		v0 := lo + (hi-lo)*float64(i)/bands
		v1 := lo + (hi-lo)*float64(i+1)/bands
		col, err := s.cmap.At(math.Min((v0+v1)/2, hi))
		if err != nil {
			continue
		}
		y0, y1 := yf(v0), yf(v1)
		if i < bands-1 {
			y1++ // overlap the next band: no hairline seams
		}
		c.FillPolygon(col, []vg.Point{{X: c.Min.X, Y: y0}, {X: c.Max.X, Y: y0}, {X: c.Max.X, Y: y1}, {X: c.Min.X, Y: y1}})
	}
}

// DataRange implements plot.DataRanger.
func (s *colorStrip) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, 1, s.cmap.Min(), s.cmap.Max()
}

// DataRange implements plot.DataRanger.
func (m *cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	n := float64(len(m.values))
	return -0.5, n - 0.5, -0.5, n - 0.5
}

func drawConfusion(c draw.Canvas, title, xLabel, yLabel string, names []string, values [][]float64, labels [][]string,
	cmap palette.ColorMap, normalized bool) error {
	n := len(names)
	// The title is drawn centred over the cells, not over cells and labels.
	p := newPlot("", xLabel, yLabel)
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	xt := make(plot.ConstantTicks, n)
	yt := make(plot.ConstantTicks, n)
	for i, name := range names {
		xt[i] = plot.Tick{Value: float64(i), Label: name}
		yt[i] = plot.Tick{Value: float64(n - 1 - i), Label: name}
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = xt, yt
	verticalTickLabels(&p.X)
	p.Add(&cells{values: values, cmap: cmap})

	// The colour bar is a plot of its own: a vertical strip with its axis.
	cb := newPlot("", "", "")
	cb.HideX()
	cb.X.Padding, cb.Y.Padding = 0, 0
	cb.Add(&colorStrip{cmap: cmap})
	cb.Y.Min, cb.Y.Max = cmap.Min(), cmap.Max()
	if normalized {
		cb.Y.Tick.Marker = fractionTicks()
	} else {
		cb.Y.Tick.Marker = integerTicks{}
	}

	barW := vg.Length(0.25 * float64(vg.Inch))
	gap := vg.Length(0.3 * float64(vg.Inch))
	cbAxisW := func() vg.Length {
		trial := draw.Crop(c, c.Size().X-3*vg.Inch, 0, 0, 0)
		return cb.DataCanvas(trial).Min.X - trial.Min.X
	}()
	stripW := gap + cbAxisW + barW

	// Make the heat map's data area square, then centre heat map and colour
	// bar together in the canvas.
	titleSty := p.Title.TextStyle
	titleH := vg.Length(0)
	if title != "" {
		// Padding clears the colour bar's top tick label, which sticks out
		// above the cells by half its height.
		titleH = titleSty.Rectangle(title).Size().Y + vg.Points(tickSize) + vg.Points(8)
	}
	main := draw.Crop(c, 0, -stripW, 0, -titleH)
	data := p.DataCanvas(main)
	dw, dh := data.Size().X, data.Size().Y
	if dw <= 0 || dh <= 0 {
		return fmt.Errorf("plots: chart is too small (%.3g×%.3g in) for the confusion matrix's labels: enlarge it with WithSize",
			float64(c.Size().X/vg.Inch), float64(c.Size().Y/vg.Inch))
	}
	side := min(dw, dh)
	main = draw.Crop(main, 0, -(dw - side), (dh-side)/2, -(dh-side)/2)
	shift := (dw - side) / 2
	main.Min.X += shift
	main.Max.X += shift
	data = p.DataCanvas(main)

	// Counts, in a size that fits the cells and a colour readable on them.
	cell := side / vg.Length(n)
	size := vg.Length(math.Max(7, math.Min(20, float64(cell)*0.3)))
	var xys plotter.XYs
	var strs []string
	var styles []text.Style
	for i := range n {
		for j := range n {
			sty := textStyle(size)
			sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
			col, err := cmap.At(math.Min(values[i][j], cmap.Max()))
			if err == nil && luminance(col) < 0.3 {
				sty.Color = color.White
			}
			xys = append(xys, plotter.XY{X: float64(j), Y: float64(n - 1 - i)})
			strs = append(strs, labels[i][j])
			styles = append(styles, sty)
		}
	}
	p.Add(&plotter.Labels{XYs: xys, Labels: strs, TextStyle: styles})
	p.Draw(main)
	if title != "" {
		// Centred over the cells, or over cells and colour bar when wider
		// than the cells, and kept inside the canvas.
		x := data.Center().X
		if w := titleSty.Width(title); w > data.Size().X {
			x = (data.Min.X + data.Max.X + gap + cbAxisW + barW) / 2
			x = max(x, c.Min.X+w/2)
			x = min(x, c.Max.X-w/2)
		}
		c.FillText(titleSty, vg.Point{X: x, Y: data.Max.Y + titleH - vg.Points(8)}, title)
	}

	strip := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: data.Max.X + gap, Y: data.Min.Y},
		Max: vg.Point{X: data.Max.X + gap + cbAxisW + barW, Y: data.Max.Y},
	}}
	// Line the bar up with the heat map exactly, whatever the axis adds.
	got := cb.DataCanvas(strip)
	strip.Min.Y -= got.Min.Y - data.Min.Y
	strip.Max.Y += data.Max.Y - got.Max.Y
	cb.Draw(strip)
	return nil
}
