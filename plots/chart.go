package plots

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DefaultDPI is the resolution of PNG output when none is chosen,
// matplotlib's default for saved figures.
const DefaultDPI = 100

// maxPixels bounds the size of a PNG rendering (about 400 MB of RGBA) so
// that a typo in a size or DPI is an error rather than an out-of-memory crash.
const maxPixels = 100_000_000

// Format is an output file format.
type Format string

// The formats a Chart can be written in.
const (
	PNG Format = "png" // raster image at the chart's DPI
	SVG Format = "svg" // vector image, fonts embedded
	PDF Format = "pdf" // vector document, fonts embedded
)

// Formats lists the supported output formats.
func Formats() []Format { return []Format{PNG, SVG, PDF} }

// FormatOf returns the format named by the extension of path (.png, .svg or
// .pdf, in any letter case).
func FormatOf(path string) (Format, error) {
	ext := filepath.Ext(path)
	if ext == "" {
		return "", fmt.Errorf("plots: %q has no file extension: end the name with .png, .svg or .pdf", path)
	}
	f := Format(strings.ToLower(ext[1:]))
	if !f.valid() {
		return "", fmt.Errorf("plots: unknown image extension %q in %q: use .png, .svg or .pdf", ext, path)
	}
	return f, nil
}

func (f Format) valid() bool { return f == PNG || f == SVG || f == PDF }

// A Chart is a rendered-on-demand figure: the same chart can be written as
// PNG, SVG or PDF, at any size and resolution. Charts are immutable;
// WithSize and WithDPI return modified copies. The zero Chart is not usable;
// charts come from the constructors of this package (History,
// CompareHistories, ConfusionMatrix, Bars, AccuracyBy).
type Chart struct {
	width, height vg.Length
	dpi           int
	// render draws the chart on c, which may have any size.
	render func(c draw.Canvas) error
	// text is every string the chart draws (titles, labels, legend
	// entries), for callers that want to index or check a chart.
	text []string
}

// Size returns the chart's size; vg.Inch converts it to inches.
func (c *Chart) Size() (width, height vg.Length) { return c.width, c.height }

// DPI returns the resolution, in dots per inch, used for PNG output.
func (c *Chart) DPI() int { return c.dpi }

// WithSize returns a copy of the chart that renders at the given size, for
// example c.WithSize(10*vg.Inch, 4*vg.Inch). A size that is not positive
// makes rendering fail with an error.
func (c *Chart) WithSize(width, height vg.Length) *Chart {
	d := *c
	d.width, d.height = width, height
	return &d
}

// WithDPI returns a copy of the chart whose PNG output has the given
// resolution. SVG and PDF output is resolution independent.
func (c *Chart) WithDPI(dpi int) *Chart {
	d := *c
	d.dpi = dpi
	return &d
}

// Text returns the strings drawn on the chart: titles, axis labels, tick
// labels of categories, legend entries and cell values.
func (c *Chart) Text() []string { return append([]string(nil), c.text...) }

// PixelSize returns the width and height in pixels of the chart's PNG output.
func (c *Chart) PixelSize() (width, height int) {
	// vgimg rounds to the nearest pixel.
	w := float64(c.width/vg.Inch) * float64(c.dpi)
	h := float64(c.height/vg.Inch) * float64(c.dpi)
	return int(w + 0.5), int(h + 0.5)
}

func (c *Chart) check(format Format) error {
	if c == nil || c.render == nil {
		return errors.New("plots: nil or zero Chart: build charts with History, ConfusionMatrix or Bars")
	}
	if !(c.width > 0 && c.height > 0) {
		return fmt.Errorf("plots: chart size %.4g×%.4g in is not positive: use WithSize with positive lengths",
			float64(c.width/vg.Inch), float64(c.height/vg.Inch))
	}
	if format == PNG {
		if c.dpi <= 0 {
			return fmt.Errorf("plots: DPI %d is not positive: use WithDPI with a positive resolution, e.g. %d", c.dpi, DefaultDPI)
		}
		w, h := c.PixelSize()
		if w < 1 || h < 1 {
			return fmt.Errorf("plots: chart renders to %d×%d pixels: raise the size or the DPI", w, h)
		}
		if w*h > maxPixels {
			return fmt.Errorf("plots: chart would render to %d×%d pixels, more than %d: lower the size or the DPI", w, h, maxPixels)
		}
	}
	return nil
}

// draw renders the chart on canvas, turning a panic in the plotting library
// into an error so that bad input never crashes a notebook.
func (c *Chart) draw(canvas vg.CanvasSizer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plots: rendering failed: %v", r)
		}
	}()
	return c.render(draw.New(canvas))
}

// Image renders the chart as an image at the chart's size and DPI.
func (c *Chart) Image() (image.Image, error) {
	if err := c.check(PNG); err != nil {
		return nil, err
	}
	canvas := vgimg.NewWith(vgimg.UseWH(c.width, c.height), vgimg.UseDPI(c.dpi))
	if err := c.draw(canvas); err != nil {
		return nil, err
	}
	return canvas.Image(), nil
}

// Encode writes the chart to w in the given format.
func (c *Chart) Encode(w io.Writer, format Format) error {
	if !format.valid() {
		return fmt.Errorf("plots: unknown format %q: use %q, %q or %q", string(format), PNG, SVG, PDF)
	}
	if err := c.check(format); err != nil {
		return err
	}
	var out io.WriterTo
	switch format {
	case PNG:
		canvas := vgimg.NewWith(vgimg.UseWH(c.width, c.height), vgimg.UseDPI(c.dpi))
		if err := c.draw(canvas); err != nil {
			return err
		}
		out = vgimg.PngCanvas{Canvas: canvas}
	case SVG:
		canvas := vgsvg.NewWith(vgsvg.UseWH(c.width, c.height), vgsvg.EmbedFonts(true))
		if err := c.draw(canvas); err != nil {
			return err
		}
		out = canvas
	case PDF:
		canvas := vgpdf.New(c.width, c.height)
		canvas.EmbedFonts(true)
		if err := c.draw(canvas); err != nil {
			return err
		}
		out = canvas
	}
	if format == SVG {
		// The SVG embeds Liberation Sans; for viewers that ignore embedded
		// fonts (librsvg, some editors), name the metric-compatible Arial
		// and Helvetica as fallbacks so that text keeps its measured width.
		var buf bytes.Buffer
		if _, err := out.WriteTo(&buf); err != nil {
			return fmt.Errorf("plots: writing %s: %w", format, err)
		}
		svg := bytes.ReplaceAll(buf.Bytes(), []byte("font-family:Liberation Sans;"),
			[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
		if _, err := w.Write(svg); err != nil {
			return fmt.Errorf("plots: writing %s: %w", format, err)
		}
		return nil
	}
	if _, err := out.WriteTo(w); err != nil {
		return fmt.Errorf("plots: writing %s: %w", format, err)
	}
	return nil
}

// Bytes returns the chart encoded in the given format.
func (c *Chart) Bytes(format Format) ([]byte, error) {
	var buf bytes.Buffer
	if err := c.Encode(&buf, format); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// PNG returns the chart as a PNG image at the chart's size and DPI.
func (c *Chart) PNG() ([]byte, error) { return c.Bytes(PNG) }

// SVG returns the chart as an SVG document with its fonts embedded.
func (c *Chart) SVG() ([]byte, error) { return c.Bytes(SVG) }

// PDF returns the chart as a one-page PDF document with its fonts embedded.
func (c *Chart) PDF() ([]byte, error) { return c.Bytes(PDF) }

// Save writes the chart to the file at path, as PNG, SVG or PDF according to
// the file's extension. PNG output uses the chart's DPI (see WithDPI). The
// chart is rendered before the file is created, so a chart that cannot be
// rendered leaves no file behind.
func (c *Chart) Save(path string) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	data, err := c.Bytes(format)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("plots: saving chart: %w (check that the directory exists and is writable)", err)
	}
	return nil
}
