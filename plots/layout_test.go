package plots

import (
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/lib/mlp"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// affine is a 2-D affine transform: page = (a*x + c*y + e, b*x + d*y + f).
type affine struct{ a, b, c, d, e, f float64 }

func (m affine) apply(p vg.Point) vg.Point {
	x, y := float64(p.X), float64(p.Y)
	return vg.Point{X: vg.Length(m.a*x + m.c*y + m.e), Y: vg.Length(m.b*x + m.d*y + m.f)}
}

// then returns m followed, in local coordinates, by n (m·n).
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

// drawn is what a chart drew, in page coordinates and drawing order: the
// boxes of its text runs, its straight line segments and the boxes of its
// filled shapes.
type drawn struct {
	texts    []textBox
	segments []segment
	fills    []fill
}

type textBox struct {
	s   string
	box vg.Rectangle
	at  int // index of the drawing action
}

type segment struct {
	p  [2]vg.Point
	at int
}

type fill struct {
	box vg.Rectangle
	at  int
}

// bounds returns the bounding box of pts.
func bounds(pts []vg.Point) vg.Rectangle {
	r := vg.Rectangle{Min: pts[0], Max: pts[0]}
	for _, p := range pts[1:] {
		r.Min.X, r.Min.Y = min(r.Min.X, p.X), min(r.Min.Y, p.Y)
		r.Max.X, r.Max.Y = max(r.Max.X, p.X), max(r.Max.Y, p.Y)
	}
	return r
}

func contains(outer, inner vg.Rectangle) bool {
	return outer.Min.X <= inner.Min.X && outer.Min.Y <= inner.Min.Y && outer.Max.X >= inner.Max.X && outer.Max.Y >= inner.Max.Y
}

// visibleSegments returns the segments drawn before t that no later fill
// covering t hides.
func (d drawn) visibleSegments(t textBox) []segment {
	from := 0
	for _, f := range d.fills {
		if f.at < t.at && contains(f.box, t.box) {
			from = f.at
		}
	}
	var out []segment
	for _, s := range d.segments {
		if s.at > from {
			out = append(out, s)
		}
	}
	return out
}

// record renders c on a recording canvas and returns what it drew. A text
// box spans the string's advance width, and from the font's descent below
// the baseline to the height of digits and capitals (0.72 em in Liberation
// Sans) above it.
func record(t *testing.T, c *Chart) drawn {
	t.Helper()
	var rec recorder.Canvas
	if err := c.render(draw.NewCanvas(&rec, c.width, c.height)); err != nil {
		t.Fatal(err)
	}
	var out drawn
	m := affine{a: 1, d: 1}
	var stack []affine
	var col color.Color
	for i, a := range rec.Actions {
		switch a := a.(type) {
		case *recorder.Push:
			stack = append(stack, m)
		case *recorder.Pop:
			m, stack = stack[len(stack)-1], stack[:len(stack)-1]
		case *recorder.Rotate:
			s, co := math.Sincos(a.Angle)
			m = m.then(affine{a: co, b: s, c: -s, d: co})
		case *recorder.Translate:
			m = m.then(affine{a: 1, d: 1, e: float64(a.Point.X), f: float64(a.Point.Y)})
		case *recorder.Scale:
			m = m.then(affine{a: a.X, d: a.Y})
		case *recorder.FillString:
			face := plot.DefaultTextHandler.Cache().Lookup(a.Font, a.Size)
			w, lo, hi := face.Width(a.String), a.Point.Y-face.Extents().Descent, a.Point.Y+0.72*a.Size
			box := bounds([]vg.Point{
				m.apply(vg.Point{X: a.Point.X, Y: lo}), m.apply(vg.Point{X: a.Point.X + w, Y: lo}),
				m.apply(vg.Point{X: a.Point.X, Y: hi}), m.apply(vg.Point{X: a.Point.X + w, Y: hi}),
			})
			out.texts = append(out.texts, textBox{a.String, box, i})
		case *recorder.SetColor:
			col = a.Color
		case *recorder.Stroke:
			if col == gridColor {
				// Grid lines run behind everything, as in matplotlib.
				continue
			}
			for j := 1; j < len(a.Path); j++ {
				if a.Path[j].Type == vg.LineComp {
					out.segments = append(out.segments, segment{[2]vg.Point{m.apply(a.Path[j-1].Pos), m.apply(a.Path[j].Pos)}, i})
				}
			}
		case *recorder.Fill:
			var pts []vg.Point
			for _, pc := range a.Path {
				if pc.Type == vg.MoveComp || pc.Type == vg.LineComp {
					pts = append(pts, m.apply(pc.Pos))
				}
			}
			if len(pts) > 0 {
				out.fills = append(out.fills, fill{bounds(pts), i})
			}
		}
	}
	return out
}

// crosses reports whether segment s passes through r shrunk by inset on
// every side.
func crosses(s [2]vg.Point, r vg.Rectangle, inset vg.Length) bool {
	r.Min.X, r.Min.Y, r.Max.X, r.Max.Y = r.Min.X+inset, r.Min.Y+inset, r.Max.X-inset, r.Max.Y-inset
	const steps = 64
	for i := 0; i <= steps; i++ {
		f := vg.Length(i) / steps
		p := vg.Point{X: s[0].X + f*(s[1].X-s[0].X), Y: s[0].Y + f*(s[1].Y-s[0].Y)}
		if p.X > r.Min.X && p.X < r.Max.X && p.Y > r.Min.Y && p.Y < r.Max.Y {
			return true
		}
	}
	return false
}

// TestLabelsClearOfLines checks that no line (tick mark, axis or curve;
// grid lines run behind) runs through a text of any chart, at its default and golden sizes,
// unless a shape drawn later covers the text (a legend's box). gonum
// anchors rotated tick labels a font descent into the tick marks.
func TestLabelsClearOfLines(t *testing.T) {
	for _, tc := range chartCases {
		for _, size := range []string{"default", "golden"} {
			var opts []Option
			if size == "golden" {
				opts = append(opts, WithSize(tc.width, tc.height))
			}
			c, err := tc.build(opts...)
			if err != nil {
				t.Fatal(err)
			}
			d := record(t, c)
			if len(d.texts) == 0 || len(d.segments) == 0 {
				t.Fatalf("%s: recorded %d texts and %d lines", tc.name, len(d.texts), len(d.segments))
			}
			for _, tb := range d.texts {
				if !inside(tb.box, c) {
					t.Errorf("%s (%s size): the text %q at %v is not inside the chart", tc.name, size, tb.s, tb.box)
				}
				for _, s := range d.visibleSegments(tb) {
					// Half a point of the font's box is empty space around
					// the glyphs.
					if crosses(s.p, tb.box, vg.Points(0.5)) {
						t.Errorf("%s (%s size): the line %v–%v crosses the text %q at %v", tc.name, size, s.p[0], s.p[1], tb.s, tb.box)
						break
					}
				}
			}
		}
	}
}

func TestAutoscale(t *testing.T) {
	tests := []struct{ lo, hi, wantLo, wantHi float64 }{
		{1.14, 1.39, 1.1275, 1.4025},
		{0.01, 1.01, 0, 1.06}, // not below 0 for non-negative data
		{2, 2, 1.9, 2.1},
		{0, 0, 0, 0.05},
		{-1, 1, -1.1, 1.1},
	}
	for _, tt := range tests {
		lo, hi := autoscale(tt.lo, tt.hi)
		if math.Abs(lo-tt.wantLo) > 1e-12 || math.Abs(hi-tt.wantHi) > 1e-12 {
			t.Errorf("autoscale(%g, %g) = %g, %g; want %g, %g", tt.lo, tt.hi, lo, hi, tt.wantLo, tt.wantHi)
		}
	}
}

// TestLossAxisAutoscaled draws the history of a run whose losses span
// 1.14–1.39 (the notebook's): the loss panel's axis must span about that
// range, as matplotlib's does, not start at 0 and flatten the curves.
func TestLossAxisAutoscaled(t *testing.T) {
	h := &mlp.History{
		Loss:        []float64{1.386, 1.372, 1.36, 1.348, 1.333, 1.315, 1.294, 1.269, 1.241, 1.21, 1.176, 1.139},
		Accuracy:    []float64{0.23, 0.55, 0.82, 0.91, 0.96, 0.98, 0.99, 0.995, 1, 1, 1, 1},
		ValLoss:     []float64{1.378, 1.369, 1.36, 1.348, 1.335, 1.318, 1.297, 1.273, 1.247, 1.218, 1.186, 1.153},
		ValAccuracy: []float64{0.41, 0.63, 0.76, 0.81, 0.87, 0.87, 0.87, 0.86, 0.87, 0.86, 0.86, 0.86},
	}
	c, err := History(h)
	if err != nil {
		t.Fatal(err)
	}
	d := record(t, c)
	var labels []float64
	for _, tb := range d.texts {
		// The loss panel's y tick labels: decimal numbers (epochs are
		// whole) in the left tenth of the chart.
		v, err := strconv.ParseFloat(tb.s, 64)
		if err != nil || !strings.Contains(tb.s, ".") || tb.box.Max.X > c.width/10 {
			continue
		}
		labels = append(labels, v)
	}
	if len(labels) < 3 {
		t.Fatalf("loss axis labels %v: want at least 3", labels)
	}
	lo, hi := slices.Min(labels), slices.Max(labels)
	if lo < 1.1 || hi > 1.45 {
		t.Errorf("loss axis labelled %v: want labels within 1.1–1.45 for losses spanning 1.14–1.39", labels)
	}
}

// inside reports whether r lies within the chart c.
func inside(r vg.Rectangle, c *Chart) bool {
	return r.Min.X >= 0 && r.Min.Y >= 0 && r.Max.X <= c.width && r.Max.Y <= c.height
}

// TestLongTitleFits gives a chart a title wider than the chart: it is set
// smaller, inside the chart.
func TestLongTitleFits(t *testing.T) {
	vectors, labels := clusters(2, 10, 4)
	title := "Training embeddings (lsa-tfidf-256d-53f29b74) on their first two principal components"
	c, err := EmbeddingMap(vectors, labels, classNames[:2], WithTitle(title))
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range record(t, c).texts {
		if tb.s == title && !inside(tb.box, c) {
			t.Errorf("the title at %v overflows the %v×%v chart", tb.box, c.width, c.height)
		}
	}
}
