// Package inline shows plots charts in a GoNB notebook cell, through GoNB's
// gonbui package:
//
//	chart, err := plots.History(history)
//	if err != nil { ... }
//	inline.Show(chart)
//
// It is a package of its own so that package plots builds and tests without
// Jupyter or GoNB. Outside a notebook the Show functions return
// ErrNotNotebook and display nothing.
package inline

import (
	"errors"
	"fmt"
	"strings"

	"github.com/embedclassify/embedclassify/plots"
	"github.com/janpfeifer/gonb/gonbui"
)

// ErrNotNotebook is returned when the program does not run in a GoNB cell.
var ErrNotNotebook = errors.New("inline: not running in a GoNB notebook (save the chart with Chart.Save instead)")

// Show displays the chart as a PNG image at the chart's size and DPI, the
// format every notebook viewer and exporter handles.
func Show(chart *plots.Chart) error { return ShowPNG(chart) }

// ShowPNG displays the chart as a PNG image at the chart's size and DPI.
func ShowPNG(chart *plots.Chart) error {
	if !gonbui.IsNotebook {
		return ErrNotNotebook
	}
	data, err := chart.PNG()
	if err != nil {
		return fmt.Errorf("inline: %w", err)
	}
	gonbui.DisplayPng(data)
	return sent()
}

// ShowSVG displays the chart as an SVG image, sharp at any zoom. The SVG
// embeds its font, which adds about half a megabyte to the notebook.
func ShowSVG(chart *plots.Chart) error {
	if !gonbui.IsNotebook {
		return ErrNotNotebook
	}
	data, err := chart.SVG()
	if err != nil {
		return fmt.Errorf("inline: %w", err)
	}
	gonbui.DisplaySvg(fitSVG(string(data)))
	return sent()
}

// fitSVG makes an SVG document displayable inside HTML (gonbui shows SVG as
// HTML, for the sake of notebook exports) at no more than the cell's width:
// it drops the XML declaration and lets the browser scale the drawing.
func fitSVG(svg string) string {
	if strings.HasPrefix(svg, "<?xml") {
		if i := strings.Index(svg, "?>"); i >= 0 {
			svg = strings.TrimLeft(svg[i+2:], "\r\n")
		}
	}
	return strings.Replace(svg, "<svg ", `<svg style="max-width:100%;height:auto" `, 1)
}

// sent reports a failure of the connection to GoNB, which gonbui keeps
// rather than returns.
func sent() error {
	// Wait until GoNB has the chart: a cell's program often exits right
	// after showing it, and whatever is still in the pipe then is lost.
	gonbui.Sync()
	if err := gonbui.Error(); err != nil {
		return fmt.Errorf("inline: sending the chart to the notebook: %w", err)
	}
	return nil
}
