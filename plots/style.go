package plots

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Font sizes, in points. They are a little larger than matplotlib's so that
// charts stay readable when pasted into a report.
const (
	figureTitleSize = 18
	titleSize       = 16
	labelSize       = 14
	tickSize        = 12
	legendSize      = 13
	// figureLegendSize is the size of the legend under a comparison's
	// panels: a 20-inch figure is shown at half size in a notebook.
	figureLegendSize = 16
)

// sans is the bundled Liberation Sans (gonum/plot ships the font files, so
// text never depends on the fonts installed on the machine).
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// textStyle is black text in the regular face. Only one face is used: the
// SVG and PDF outputs embed each face (about 0.5 MB each in SVG), and
// gonum's PDF writer cannot name the bold Liberation face.
func textStyle(size vg.Length) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(sans, size),
		Handler: plot.DefaultTextHandler,
	}
}

// alignedText is textStyle(size) anchored as x and y say.
func alignedText(size vg.Length, x text.XAlignment, y text.YAlignment) text.Style {
	sty := textStyle(size)
	sty.XAlign, sty.YAlign = x, y
	return sty
}

// palette10 is matplotlib's default colour cycle ("tab10"), so charts look
// like the tutorial's.
var palette10 = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
}

func colorAt(i int) color.RGBA { return palette10[i%len(palette10)] }

var gridColor = color.Gray{Y: 0xdd}

// newPlot returns a plot with this package's fonts and sizes.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle = textStyle(titleSize)
	p.Title.TextStyle.XAlign = draw.XCenter
	p.Title.TextStyle.YAlign = draw.YTop
	p.Title.Padding = vg.Points(8)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, labelSize)
		ax.Tick.Label.Font = font.From(sans, tickSize)
		ax.Label.Padding = vg.Points(4)
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	return p
}

// integerTicks marks whole numbers only (epochs, counts): every one when
// there are few; otherwise the first, then every other one (1, 3, 5, ...) or
// multiples of 5, 10, 20, ..., with unlabelled minor ticks at the other whole
// numbers when the step is 2 or 5.
type integerTicks struct {
	// maxLabels bounds the number of labels, so that they do not collide
	// on a narrow axis; 0 means 12.
	maxLabels int
}

func (t integerTicks) Ticks(min, max float64) []plot.Tick {
	maxLabels := float64(t.maxLabels)
	if maxLabels <= 0 {
		maxLabels = 12
	}
	lo, hi := math.Ceil(min), math.Floor(max)
	if hi < lo {
		return nil
	}
	n := hi - lo + 1
	step := 1.0
	for _, s := range []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000} {
		step = s
		if n/s <= maxLabels {
			break
		}
	}
	if n/step > maxLabels { // more than 120000 epochs: fall back to gonum's ticks
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	var ticks []plot.Tick
	for v := lo; v <= hi; v++ {
		// The first value (epoch 1) is always labelled; with a step of 2
		// the labels are lo, lo+2, ...; with larger steps, the multiples
		// of the step not crowding the first label.
		label := v == lo ||
			(step == 2 && math.Mod(v-lo, 2) == 0) ||
			(step != 2 && math.Mod(v, step) == 0 && v-lo >= 0.6*step)
		switch {
		case label:
			ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', 0, 64)})
		case step <= 5:
			ticks = append(ticks, plot.Tick{Value: v})
		}
	}
	return ticks
}

// fractionTicks labels 0, 0.2, ..., 1 with minor ticks every 0.1: the
// accuracy axis.
func fractionTicks() plot.ConstantTicks {
	var ticks []plot.Tick
	for i := 0; i <= 10; i++ {
		t := plot.Tick{Value: float64(i) / 10}
		if i%2 == 0 {
			t.Label = strconv.FormatFloat(t.Value, 'f', 1, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// drawFigureTitle draws a title across the top of c and returns the canvas
// left below it.
func drawFigureTitle(c draw.Canvas, title string) draw.Canvas {
	if title == "" {
		return c
	}
	sty := alignedText(figureTitleSize, draw.XCenter, draw.YTop)
	pad := vg.Points(8)
	// A title wider than the chart is set smaller, down to the tick size.
	if w := sty.Width(title); w > c.Size().X-2*pad {
		size := max(tickSize, figureTitleSize*float64((c.Size().X-2*pad)/w))
		sty = alignedText(vg.Length(size), draw.XCenter, draw.YTop)
	}
	c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y - pad}, title)
	h := sty.Rectangle(title).Size().Y
	return draw.Crop(c, 0, 0, 0, -(h + 2*pad))
}

// series is one line of a line chart: Y values at X = 1, 2, ...
type series struct {
	name    string
	ys      []float64
	color   color.Color
	dashed  bool
	noGlyph bool // in a legend: the line only, no dot
	shape   int  // marker: 0 a dot, 1 a square, 2 a triangle, 3 a ring
}

func (s series) lineStyle() draw.LineStyle {
	ls := draw.LineStyle{Color: s.color, Width: vg.Points(2)}
	if s.dashed {
		ls.Dashes = []vg.Length{vg.Points(7), vg.Points(4)}
	}
	return ls
}

// shapes are the markers of series.shape.
var shapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.RingGlyph{}}

func (s series) glyphStyle() draw.GlyphStyle {
	return draw.GlyphStyle{Color: s.color, Radius: vg.Points(3), Shape: shapes[s.shape%len(shapes)]}
}

// corner is a legend position inside the data area.
type corner int

const (
	topRight corner = iota
	bottomRight
	topLeft
	bottomLeft
)

// legend is a framed legend drawn inside the data area, in whichever of the
// corners (tried in the order given) hides the fewest data points.
// gonum's own legend has no frame and a fixed corner; a framed legend in the
// emptiest corner never hides a curve's end, which is what readers look at.
type legend struct {
	entries []series
	corners []corner
}

func (l *legend) style() text.Style {
	return alignedText(legendSize, draw.XLeft, draw.YCenter)
}

// Plot implements plot.Plotter.
func (l *legend) Plot(c draw.Canvas, p *plot.Plot) {
	if len(l.entries) == 0 {
		return
	}
	sty := l.style()
	const (
		margin = vg.Length(8)
		pad    = vg.Length(6)
		thumb  = vg.Length(28)
		gap    = vg.Length(6)
		clear  = vg.Length(24) // curves this close to the box count as hidden
	)
	var textW vg.Length
	for _, e := range l.entries {
		if w := sty.Width(e.name); w > textW {
			textW = w
		}
	}
	rowH := sty.Rectangle("Mg").Size().Y * 1.35
	w := pad + thumb + gap + textW + pad
	h := 2*pad + rowH*vg.Length(len(l.entries))

	// Score each candidate box by the number of sampled curve points it covers.
	xf, yf := p.Transforms(&c)
	// place returns the span of length size a margin inside [lo, hi], at its
	// high end or at its low end.
	place := func(lo, hi, size vg.Length, high bool) (vg.Length, vg.Length) {
		if high {
			return hi - margin - size, hi - margin
		}
		return lo + margin, lo + margin + size
	}
	box := func(k corner) vg.Rectangle {
		var r vg.Rectangle
		r.Min.X, r.Max.X = place(c.Min.X, c.Max.X, w, k == topRight || k == bottomRight)
		r.Min.Y, r.Max.Y = place(c.Min.Y, c.Max.Y, h, k == topRight || k == topLeft)
		return r
	}
	corners := l.corners
	if len(corners) == 0 {
		corners = []corner{topRight, bottomRight, topLeft, bottomLeft}
	}
	best, bestScore := box(corners[0]), math.MaxInt
	for _, k := range corners {
		r := box(k)
		score := 0
		for _, e := range l.entries {
			for i := range e.ys {
				// Sample the segment from point i to point i+1.
				steps := 16
				if i == len(e.ys)-1 {
					steps = 1
				}
				for s := 0; s < steps; s++ {
					t := float64(s) / float64(steps)
					x := float64(i+1) + t
					y := e.ys[i]
					if i+1 < len(e.ys) {
						y += t * (e.ys[i+1] - e.ys[i])
					}
					pt := vg.Point{X: xf(x), Y: yf(y)}
					if pt.X >= r.Min.X-clear && pt.X <= r.Max.X+clear && pt.Y >= r.Min.Y-clear && pt.Y <= r.Max.Y+clear {
						score++
					}
				}
			}
		}
		if score < bestScore {
			best, bestScore = r, score
		}
	}

	// Opaque: gonum's PDF writer draws translucent white as grey.
	c.FillPolygon(color.White, []vg.Point{
		best.Min, {X: best.Max.X, Y: best.Min.Y}, best.Max, {X: best.Min.X, Y: best.Max.Y},
	})
	frame := draw.LineStyle{Color: color.Gray{Y: 0xbb}, Width: vg.Points(0.8)}
	c.StrokeLines(frame, []vg.Point{
		best.Min, {X: best.Max.X, Y: best.Min.Y}, best.Max, {X: best.Min.X, Y: best.Max.Y}, best.Min,
	})
	for i, e := range l.entries {
		y := best.Max.Y - pad - rowH*(vg.Length(i)+0.5)
		x0 := best.Min.X + pad
		c.StrokeLine2(e.lineStyle(), x0, y, x0+thumb, y)
		c.DrawGlyph(e.glyphStyle(), vg.Point{X: x0 + thumb/2, Y: y})
		c.FillText(sty, vg.Point{X: x0 + thumb + gap, Y: y}, e.name)
	}
}

// luminance returns the relative luminance (0 black to 1 white) of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// niceTicks labels round numbers (steps of 1, 2, 2.5 or 5 times a power of
// ten), about five to ten of them, with an unlabelled minor tick halfway.
// gonum's default often labels only two or three values.
type niceTicks struct{}

func (niceTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || math.IsInf(max-min, 0) {
		return plot.DefaultTicks{}.Ticks(min, max)
	}
	span := max - min
	mag := math.Pow(10, math.Floor(math.Log10(span/5)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		step = m * mag
		if span/step <= 8 {
			break
		}
	}
	// Decimals needed to write a multiple of step exactly.
	prec := 0
	for s := step; math.Abs(s-math.Round(s)) > 1e-9*step && prec < 15; s *= 10 {
		prec++
	}
	var ticks []plot.Tick
	first := math.Ceil(min/step-1e-9) * step
	for i := 0; ; i++ {
		v := first + float64(i)*step
		if v > max+1e-9*step {
			break
		}
		if math.Abs(v) < 1e-12*step {
			v = 0
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', prec, 64)})
		if mid := v + step/2; mid <= max {
			ticks = append(ticks, plot.Tick{Value: mid})
		}
	}
	if v := first - step/2; v >= min {
		ticks = append(ticks, plot.Tick{Value: v})
	}
	return ticks
}

// The legends' geometry.
const (
	figureLegendThumb   = vg.Length(40) // the line sample of an entry
	figureLegendGap     = vg.Length(8)  // between the sample and the name
	figureLegendSpacing = vg.Length(32) // between entries of a row
	figureLegendPad     = vg.Length(8)  // around the legend
	sideLegendMarker    = vg.Length(12) // the marker column's width
	sideLegendGap       = vg.Length(6)  // between the marker and the name
	sideLegendPad       = vg.Length(10) // around the legend
)

// drawFigureLegend draws entries in rows across the bottom of c, centred,
// wrapping to as many rows as the width needs, and returns the canvas left
// above it. Charts comparing several runs use it: their two panels share
// one legend, too long to sit inside a panel without hiding curves.
func drawFigureLegend(c draw.Canvas, entries []series) draw.Canvas {
	if len(entries) == 0 {
		return c
	}
	sty := alignedText(figureLegendSize, draw.XLeft, draw.YCenter)
	thumb, gap, spacing, pad := figureLegendThumb, figureLegendGap, figureLegendSpacing, figureLegendPad
	width := func(e series) vg.Length { return thumb + gap + sty.Width(e.name) }
	avail := c.Size().X - 2*pad
	var rows [][]series
	var rowW []vg.Length
	for _, e := range entries {
		w := width(e)
		if n := len(rows); n > 0 && rowW[n-1]+spacing+w <= avail {
			rows[n-1] = append(rows[n-1], e)
			rowW[n-1] += spacing + w
			continue
		}
		rows = append(rows, []series{e})
		rowW = append(rowW, w)
	}
	rowH := sty.Rectangle("Mg").Size().Y * 1.4
	for i, row := range rows {
		y := c.Min.Y + pad + rowH*(vg.Length(len(rows)-1-i)+0.5)
		x := c.Center().X - rowW[i]/2
		for _, e := range row {
			c.StrokeLine2(e.lineStyle(), x, y, x+thumb, y)
			if !e.noGlyph {
				c.DrawGlyph(e.glyphStyle(), vg.Point{X: x + thumb/2, Y: y})
			}
			c.FillText(sty, vg.Point{X: x + thumb + gap, Y: y}, e.name)
			x += width(e) + spacing
		}
	}
	return draw.Crop(c, 0, 0, 2*pad+rowH*vg.Length(len(rows)), 0)
}

// tickLabelGap is the space between a tick mark and its label.
const tickLabelGap = vg.Length(3)

// verticalTickLabels writes the tick labels of the horizontal axis ax
// vertically, reading upwards, ending tickLabelGap below the tick marks.
// gonum anchors rotated labels a font descent inside the tick marks; the
// labels' handler (endGap) draws them short of that anchor and measures
// them longer, so that the axis reserves the room.
func verticalTickLabels(ax *plot.Axis) {
	ax.Tick.Label.Rotation = math.Pi / 2
	ax.Tick.Label.XAlign = draw.XRight
	ax.Tick.Label.YAlign = draw.YCenter
	gap := ax.Tick.Label.FontExtents().Descent + tickLabelGap
	ax.Tick.Label.Handler = endGap{Handler: ax.Tick.Label.Handler, gap: gap}
}

// endGap is a text handler for right-aligned text: it draws the text gap
// short of its anchor, along the text's direction, and measures it gap
// wider, so that layouts leave the gap free.
type endGap struct {
	text.Handler
	gap vg.Length
}

// Box implements text.Handler.
func (h endGap) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	width, height, depth = h.Handler.Box(txt, fnt)
	return width + h.gap, height, depth
}

// Draw implements text.Handler.
func (h endGap) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	sin, cos := math.Sincos(sty.Rotation)
	pt.X -= h.gap * vg.Length(cos)
	pt.Y -= h.gap * vg.Length(sin)
	sty.Handler = h.Handler
	h.Handler.Draw(c, txt, sty, pt)
}

// drawSideLegend draws entries as markers with names in a column at the
// top right of c and returns the canvas left of it.
func drawSideLegend(c draw.Canvas, entries []series) draw.Canvas {
	if len(entries) == 0 {
		return c
	}
	sty := alignedText(legendSize, draw.XLeft, draw.YCenter)
	marker, gap, pad := sideLegendMarker, sideLegendGap, sideLegendPad
	var textW vg.Length
	for _, e := range entries {
		textW = max(textW, sty.Width(e.name))
	}
	rowH := sty.Rectangle("Mg").Size().Y * 1.4
	x := c.Max.X - pad - textW - gap - marker
	for i, e := range entries {
		y := c.Max.Y - pad - rowH*(vg.Length(i)+0.5)
		g := e.glyphStyle()
		g.Radius = vg.Points(4)
		c.DrawGlyph(g, vg.Point{X: x + marker/2, Y: y})
		c.FillText(sty, vg.Point{X: x + marker + gap, Y: y}, e.name)
	}
	return draw.Crop(c, 0, -(marker + gap + textW + 2*pad), 0, 0)
}
