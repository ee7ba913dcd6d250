package plots

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Default size of an embedding map.
const (
	EmbeddingMapWidth  = 9 * vg.Inch
	EmbeddingMapHeight = 7 * vg.Inch
)

// MaxMapPoints is the most vectors EmbeddingMap projects and draws. With
// more, it takes MaxMapPoints of them evenly spread through the input, so
// that each class keeps its share: more dots would hide each other, and the
// principal components of 1,000 vectors of 3,072 dimensions take a second.
const MaxMapPoints = 1000

// DefaultEmbeddingMapTitle is the title EmbeddingMap gives its chart.
const DefaultEmbeddingMapTitle = "Embeddings projected on their first two principal components"

// EmbeddingMap draws a map of embeddings: each vector is projected on the
// first two principal components of the vectors (principal component
// analysis with gonum's stat.PC) and drawn as a dot coloured by its class,
// labels[i] being the index in classNames of vector i's class. Classes that
// the embeddings separate show as separate clouds. The axes say how much of
// the vectors' variance each component holds; the legend names the
// classes. Beyond ten classes, colours repeat with other marker shapes.
//
// A map shows what two directions hold: embeddings whose variance is
// spread evenly over many dimensions (the offline embedder's whitened
// components hold under 1% each) show as one cloud even when a classifier
// separates them well.
//
// Options: WithTitle (default DefaultEmbeddingMapTitle), WithSize (default
// 9 × 7 in), WithDPI.
func EmbeddingMap(vectors [][]float32, labels []int, classNames []string, opts ...Option) (*Chart, error) {
	if err := checkEmbeddings(vectors, labels, classNames); err != nil {
		return nil, err
	}
	o, err := buildOptions(EmbeddingMapWidth, EmbeddingMapHeight, opts)
	if err != nil {
		return nil, err
	}
	rows := spread(len(vectors), MaxMapPoints)
	xy, varShare, err := project2(vectors, rows)
	if err != nil {
		return nil, err
	}
	byClass := make([]plotter.XYs, len(classNames))
	for i, r := range rows {
		byClass[labels[r]] = append(byClass[labels[r]], xy[i])
	}
	title := str(o.title, DefaultEmbeddingMapTitle)
	xLabel := fmt.Sprintf("PC 1 (%s of the variance)", percent(varShare[0]))
	yLabel := fmt.Sprintf("PC 2 (%s of the variance)", percent(varShare[1]))
	var entries []series
	for k, name := range classNames {
		if len(byClass[k]) > 0 {
			entries = append(entries, series{name: name, color: colorAt(k), shape: k / len(palette10)})
		}
	}
	text := []string{xLabel, yLabel}
	if title != "" {
		text = append([]string{title}, text...)
	}
	for _, e := range entries {
		text = append(text, e.name)
	}
	render := func(c draw.Canvas) error {
		c = drawFigureTitle(c, title)
		c = drawSideLegend(c, entries)
		p := newPlot("", xLabel, yLabel)
		grid := plotter.NewGrid()
		grid.Vertical.Color, grid.Horizontal.Color = gridColor, gridColor
		grid.Vertical.Width, grid.Horizontal.Width = vg.Points(0.6), vg.Points(0.6)
		p.Add(grid)
		for k, pts := range byClass {
			if len(pts) == 0 {
				continue
			}
			s, err := plotter.NewScatter(pts)
			if err != nil {
				return fmt.Errorf("plots: embedding map, class %q: %w", classNames[k], err)
			}
			e := series{color: colorAt(k), shape: k / len(palette10)}
			s.GlyphStyle = e.glyphStyle()
			p.Add(s)
		}
		p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
		pad := vg.Points(8)
		p.Draw(draw.Crop(c, pad, -pad, pad, -pad))
		return nil
	}
	return &Chart{width: o.width, height: o.height, dpi: o.dpi, render: render, text: text}, nil
}

// checkEmbeddings reports what makes the input of EmbeddingMap unusable.
func checkEmbeddings(vectors [][]float32, labels []int, classNames []string) error {
	if len(classNames) == 0 {
		return errors.New("plots: embedding map needs the class names")
	}
	if len(vectors) < 3 {
		return fmt.Errorf("plots: embedding map needs at least 3 vectors, got %d", len(vectors))
	}
	if len(labels) != len(vectors) {
		return fmt.Errorf("plots: embedding map has %d vectors but %d labels: pass one label per vector", len(vectors), len(labels))
	}
	d := len(vectors[0])
	if d < 2 {
		return fmt.Errorf("plots: vectors have %d dimensions; a map needs at least 2", d)
	}
	for i, v := range vectors {
		if len(v) != d {
			return fmt.Errorf("plots: vector %d has %d dimensions, vector 0 has %d: embed every text with the same embedder", i, len(v), d)
		}
		for j, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return fmt.Errorf("plots: vector %d, value %d is %v; embeddings must be finite", i, j, x)
			}
		}
		if l := labels[i]; l < 0 || l >= len(classNames) {
			return fmt.Errorf("plots: label %d of vector %d is not the index of one of the %d class names", l, i, len(classNames))
		}
	}
	return nil
}

// spread returns n row indices when n <= max, else max of them evenly
// spread over 0..n-1.
func spread(n, max int) []int {
	k := min(n, max)
	rows := make([]int, k)
	for i := range rows {
		rows[i] = i * n / k
	}
	return rows
}

// project2 returns the given rows of vectors projected on their first two
// principal components, and the share of the variance each component
// holds. Each component's sign is chosen so that its largest coefficient is
// positive (as scikit-learn does), so that the map does not flip between
// machines.
func project2(vectors [][]float32, rows []int) (plotter.XYs, [2]float64, error) {
	var share [2]float64
	n, d := len(rows), len(vectors[0])
	a := mat.NewDense(n, d, nil)
	for i, r := range rows {
		row := a.RawRowView(i)
		for j, x := range vectors[r] {
			row[j] = float64(x)
		}
	}
	var pc stat.PC
	if !pc.PrincipalComponents(a, nil) {
		return nil, share, errors.New("plots: the principal component analysis of the embeddings failed")
	}
	vars := pc.VarsTo(nil)
	total := 0.0
	for _, v := range vars {
		total += v
	}
	if len(vars) < 2 || !(total > 0) {
		return nil, share, errors.New("plots: the embeddings are all the same: there is nothing to map")
	}
	share = [2]float64{vars[0] / total, vars[1] / total}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	dirs := mat.DenseCopyOf(vecs.Slice(0, d, 0, 2))
	for k := range 2 {
		col := mat.Col(nil, k, dirs)
		big := 0
		for j, v := range col {
			if math.Abs(v) > math.Abs(col[big]) {
				big = j
			}
		}
		if col[big] < 0 {
			for j := range col {
				dirs.Set(j, k, -col[j])
			}
		}
	}
	// Centre the rows, then project them: scores = (a - mean) · dirs.
	for j := range d {
		col := mat.Col(nil, j, a)
		m := stat.Mean(col, nil)
		for i := range n {
			a.Set(i, j, col[i]-m)
		}
	}
	var scores mat.Dense
	scores.Mul(a, dirs)
	xy := make(plotter.XYs, n)
	for i := range xy {
		xy[i] = plotter.XY{X: scores.At(i, 0), Y: scores.At(i, 1)}
	}
	return xy, share, nil
}

// percent writes a share as a percentage: whole numbers from 10%, one
// decimal below (the offline embedder's whitened components hold under 1%
// each).
func percent(share float64) string {
	if p := 100 * share; p < 9.95 {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(100*share, 'f', 0, 64) + "%"
}
