// Package progressbar draws a progress bar in the manner of tqdm, as a line
// of text for a terminal or as HTML for a notebook, from one State: the
// embedclassify command and the notebook helpers show the same bar.
package progressbar

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// State is what a bar shows: Done of Total steps of the work named Label,
// after Elapsed. A Total of 0 or less means unknown. A Finished bar with
// Done below Total is marked as stopped.
type State struct {
	Label       string
	Done, Total int
	Elapsed     time.Duration
	Finished    bool
}

// Fraction returns Done/Total clamped to [0, 1], or 0 when Total is unknown.
func (s State) Fraction() float64 {
	if s.Total <= 0 {
		return 0
	}
	return min(max(float64(s.Done)/float64(s.Total), 0), 1)
}

// Status returns the counter and timing part of the bar, as tqdm's
// "150/400 [00:12<00:20, 12.50 it/s]": done of total, time elapsed, time
// left while running, and the rate.
func (s State) Status() string {
	var b strings.Builder
	if s.Total > 0 {
		fmt.Fprintf(&b, "%d/%d", s.Done, s.Total)
	} else {
		fmt.Fprintf(&b, "%d", s.Done)
	}
	b.WriteString(" [" + Clock(s.Elapsed))
	if s.Done > 0 && s.Elapsed > 0 {
		rate := float64(s.Done) / s.Elapsed.Seconds()
		if s.Total > s.Done && !s.Finished {
			b.WriteString("<" + Clock(time.Duration(float64(s.Total-s.Done)/rate*float64(time.Second))))
		}
		fmt.Fprintf(&b, ", %.2f it/s", rate)
	}
	b.WriteString("]")
	if s.Finished && s.Total > 0 && s.Done < s.Total {
		b.WriteString(" stopped")
	}
	return b.String()
}

// Text renders the bar as one line of text, width characters of bar
// between the percentage and the status:
//
//	Embedding  38%|########            | 150/400 [00:12<00:20, 12.50 it/s]
func (s State) Text(width int) string {
	filled := int(s.Fraction()*float64(width) + 0.5)
	bar := strings.Repeat("#", filled) + strings.Repeat(" ", width-filled)
	return fmt.Sprintf("%s %3.0f%%|%s| %s", s.Label, 100*s.Fraction(), bar, s.Status())
}

var htmlBar = template.Must(template.New("bar").Parse(
	`<div style="font-family:monospace">{{.Label}} {{.Percent}} ` +
		`<progress value="{{.Value}}" max="{{.Max}}" style="width:40%;vertical-align:middle"></progress> {{.Status}}</div>`))

// HTML renders the bar as an HTML fragment holding a <progress> element;
// the label and status are escaped.
func (s State) HTML() string {
	maxV := max(s.Total, 1)
	var b strings.Builder
	htmlBar.Execute(&b, map[string]any{
		"Label":   s.Label,
		"Percent": fmt.Sprintf("%3.0f%%", 100*s.Fraction()),
		"Value":   min(max(s.Done, 0), maxV),
		"Max":     maxV,
		"Status":  s.Status(),
	})
	return b.String()
}

// Clock formats d as tqdm does: mm:ss, or h:mm:ss from an hour on.
func Clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
