package dataset

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Dataset is the kept part of a labelled file: each valid row's text,
// label and line, in file order.
type Dataset struct {
	// Name is the file's name.
	Name string
	// Text, Label and Line hold one entry per kept row.
	Text, Label []string
	Line        []int
	// Skipped counts the invalid rows dropped with Options.SkipInvalid;
	// Problems holds the first MaxProblems of them.
	Skipped  int
	Problems []*RowError
}

// MaxProblems is how many invalid rows an *InvalidError or a Dataset lists.
const MaxProblems = 10

// InvalidError is a file with invalid rows: their count and the first
// MaxProblems of them.
type InvalidError struct {
	File     string
	Count    int
	Problems []*RowError
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	rows := "rows are"
	if e.Count == 1 {
		rows = "row is"
	}
	fmt.Fprintf(&b, "%s: %d %s invalid", e.File, e.Count, rows)
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	if e.Count > len(e.Problems) {
		fmt.Fprintf(&b, "\n  ... and %d more", e.Count-len(e.Problems))
	}
	return b.String()
}

// Len returns the number of rows.
func (d *Dataset) Len() int { return len(d.Text) }

// Load reads the named file (see Open) and keeps each valid row's text,
// label and line. Invalid rows make it fail with an *InvalidError listing
// them, after reading the whole file, unless opt.SkipInvalid is set: then
// they are dropped and counted in Skipped. Other errors (a missing column,
// an unreadable or damaged file, ctx cancelled) stop it at once.
//
// Only the kept values are retained (no reader's string shares a buffer
// with the rest of its row), and equal labels share one string, so memory
// grows with the kept texts, not with the file.
func Load(ctx context.Context, name string, opt Options) (*Dataset, error) {
	r, err := Open(name, opt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return load(ctx, r, opt)
}

// LoadReader is Load for a Reader already opened.
func LoadReader(ctx context.Context, r *Reader, opt Options) (*Dataset, error) {
	return load(ctx, r, opt)
}

func load(ctx context.Context, r *Reader, opt Options) (*Dataset, error) {
	d := &Dataset{Name: r.Name()}
	labels := map[string]string{}
	err := ReadAll(ctx, r, func(rec Record) error {
		d.Text = append(d.Text, rec.Text) // the readers' strings share no buffer
		l, ok := labels[rec.Label]
		if !ok {
			l = strings.Clone(rec.Label)
			labels[l] = l
		}
		d.Label = append(d.Label, l)
		d.Line = append(d.Line, rec.Line)
		return nil
	}, func(re *RowError) error {
		d.Skipped++
		if len(d.Problems) < MaxProblems {
			d.Problems = append(d.Problems, re)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if d.Skipped > 0 && !opt.SkipInvalid {
		return nil, &InvalidError{File: d.Name, Count: d.Skipped, Problems: d.Problems}
	}
	if d.Len() == 0 {
		if d.Skipped > 0 {
			return nil, fmt.Errorf("%s: every one of its %d rows is invalid (the first: %v)", d.Name, d.Skipped, d.Problems[0])
		}
		return nil, fmt.Errorf("%s has no rows", d.Name)
	}
	return d, nil
}

// Classes returns the distinct labels, sorted.
func (d *Dataset) Classes() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range d.Label {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

// Counts returns the number of rows of each label.
func (d *Dataset) Counts() map[string]int {
	c := map[string]int{}
	for _, l := range d.Label {
		c[l]++
	}
	return c
}

// Rows returns a new dataset holding the rows at the given positions, in
// that order. It shares the strings of d.
func (d *Dataset) Rows(pos []int) *Dataset {
	out := &Dataset{Name: d.Name, Text: make([]string, len(pos)), Label: make([]string, len(pos)), Line: make([]int, len(pos))}
	for i, p := range pos {
		out.Text[i], out.Label[i], out.Line[i] = d.Text[p], d.Label[p], d.Line[p]
	}
	return out
}
