package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot/vg"
)

// An Option changes how a chart is built. Options that do not apply to a
// chart (say, WithYRange for a confusion matrix) are ignored; each
// constructor lists the options it reads.
type Option func(*options)

type options struct {
	title         *string
	xLabel        *string
	yLabel        *string
	width, height vg.Length
	dpi           int
	yMin, yMax    float64
	yRange        bool
	normalize     bool
}

// WithTitle sets the chart's title; an empty title removes it.
func WithTitle(title string) Option { return func(o *options) { o.title = &title } }

// WithXLabel sets the title of the horizontal axis.
func WithXLabel(label string) Option { return func(o *options) { o.xLabel = &label } }

// WithYLabel sets the title of the vertical axis.
func WithYLabel(label string) Option { return func(o *options) { o.yLabel = &label } }

// WithSize sets the chart's size, for example WithSize(10*vg.Inch, 4*vg.Inch).
func WithSize(width, height vg.Length) Option {
	return func(o *options) { o.width, o.height = width, height }
}

// WithDPI sets the resolution of the chart's PNG output.
func WithDPI(dpi int) Option { return func(o *options) { o.dpi = dpi } }

// WithYRange fixes the range of the vertical axis of a bar chart.
func WithYRange(min, max float64) Option {
	return func(o *options) { o.yMin, o.yMax, o.yRange = min, max, true }
}

// Normalized makes ConfusionMatrix show each row as fractions of the true
// class's count (recall per class on the diagonal) instead of raw counts.
func Normalized() Option { return func(o *options) { o.normalize = true } }

func buildOptions(width, height vg.Length, opts []Option) (options, error) {
	o := options{width: width, height: height, dpi: DefaultDPI}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if !(o.width > 0 && o.height > 0) || math.IsInf(float64(o.width), 0) || math.IsInf(float64(o.height), 0) {
		return o, fmt.Errorf("plots: size %.4g×%.4g in is not positive and finite: pass WithSize positive lengths such as 8*vg.Inch",
			float64(o.width/vg.Inch), float64(o.height/vg.Inch))
	}
	if o.dpi <= 0 {
		return o, fmt.Errorf("plots: DPI %d is not positive: pass WithDPI a positive resolution, e.g. %d", o.dpi, DefaultDPI)
	}
	if o.yRange && !(o.yMin < o.yMax) {
		return o, fmt.Errorf("plots: y range [%g, %g] is empty: WithYRange needs min < max", o.yMin, o.yMax)
	}
	return o, nil
}

// str returns *p, or def when p is nil.
func str(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}
