// Package frame is the small table of the "Classify text with embeddings"
// tutorial: the pandas DataFrame with the columns Text, Label, Class Name,
// Encoded Label and Embeddings, stored column by column.
//
// A Frame prints like pandas (String for text, HTML for notebooks such as
// GoNB), counts rows per class (ValueCounts) and is sampled per class by
// Sample, the tutorial's sample_data.
package frame

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Column names as the tutorial's dataframe spells them. ValueCounts accepts
// these (and the Go field names).
const (
	ColText         = "Text"
	ColLabel        = "Label"
	ColClassName    = "Class Name"
	ColEncodedLabel = "Encoded Label"
	ColEmbeddings   = "Embeddings"
	ColFile         = "File"
)

// Frame is a table with one entry per row in each non-nil column. All non-nil
// columns have the same length.
type Frame struct {
	// Text is the document text (column "Text").
	Text []string
	// Label is the dataset's target index (column "Label").
	Label []int
	// ClassName is the newsgroup name of Label (column "Class Name").
	ClassName []string
	// EncodedLabel is the class code after Sample: the index of ClassName
	// in Classes() (column "Encoded Label"). It is nil until Sample.
	EncodedLabel []int
	// Embeddings holds one vector per row (column "Embeddings"). It is nil
	// until the texts are embedded.
	Embeddings [][]float32
	// File is the source document as "group/name". It is optional and not
	// shown when the frame is printed.
	File []string
	// Index holds the row labels pandas would show (Sample keeps the labels
	// pandas' sample_data leaves). Nil means 0, 1, ..., Len()-1.
	Index []int
}

// Len returns the number of rows.
func (f *Frame) Len() int {
	if f == nil {
		return 0
	}
	for _, n := range []int{len(f.Text), len(f.Label), len(f.ClassName), len(f.EncodedLabel), len(f.Embeddings), len(f.File), len(f.Index)} {
		if n > 0 {
			return n
		}
	}
	return 0
}

// Validate reports an error when the non-nil columns differ in length or a
// Label has no ClassName.
func (f *Frame) Validate() error {
	if f == nil {
		return nil
	}
	n := f.Len()
	cols := []struct {
		name string
		len  int
		set  bool
	}{
		{ColText, len(f.Text), f.Text != nil},
		{ColLabel, len(f.Label), f.Label != nil},
		{ColClassName, len(f.ClassName), f.ClassName != nil},
		{ColEncodedLabel, len(f.EncodedLabel), f.EncodedLabel != nil},
		{ColEmbeddings, len(f.Embeddings), f.Embeddings != nil},
		{ColFile, len(f.File), f.File != nil},
		{"Index", len(f.Index), f.Index != nil},
	}
	for _, c := range cols {
		if c.set && c.len != n {
			return fmt.Errorf("frame: column %q has %d rows, want %d like the other columns", c.name, c.len, n)
		}
	}
	return nil
}

// Rows returns a new frame holding the rows at the given positions, in that
// order. Positions out of range are an error.
func (f *Frame) Rows(pos []int) (*Frame, error) {
	n := f.Len()
	for _, p := range pos {
		if p < 0 || p >= n {
			return nil, fmt.Errorf("frame: row %d out of range [0, %d)", p, n)
		}
	}
	return f.take(pos), nil
}

func take[T any](col []T, pos []int) []T {
	if col == nil {
		return nil
	}
	out := make([]T, len(pos))
	for i, p := range pos {
		out[i] = col[p]
	}
	return out
}

func (f *Frame) take(pos []int) *Frame {
	if f == nil {
		return &Frame{}
	}
	idx := make([]int, len(pos))
	for i, p := range pos {
		idx[i] = f.indexAt(p)
	}
	return &Frame{
		Text:         take(f.Text, pos),
		Label:        take(f.Label, pos),
		ClassName:    take(f.ClassName, pos),
		EncodedLabel: take(f.EncodedLabel, pos),
		Embeddings:   take(f.Embeddings, pos),
		File:         take(f.File, pos),
		Index:        idx,
	}
}

func (f *Frame) indexAt(i int) int {
	if f.Index != nil {
		return f.Index[i]
	}
	return i
}

// Head returns the first n rows, like pandas' DataFrame.head(n); a negative n
// returns all rows but the last -n. The result is a copy.
func (f *Frame) Head(n int) *Frame {
	l := f.Len()
	if n < 0 {
		n = max(l+n, 0)
	}
	n = min(n, l)
	pos := make([]int, n)
	for i := range pos {
		pos[i] = i
	}
	return f.take(pos)
}

// Classes returns the class names in EncodedLabel order: Classes()[c] is the
// name of encoded label c. It returns nil before Sample (EncodedLabel nil).
func (f *Frame) Classes() []string {
	if f == nil || f.EncodedLabel == nil || len(f.ClassName) != len(f.EncodedLabel) {
		return nil
	}
	var names []string
	for i, c := range f.EncodedLabel {
		if c < 0 {
			continue
		}
		for len(names) <= c {
			names = append(names, "")
		}
		names[c] = f.ClassName[i]
	}
	return names
}

// Count is one line of ValueCounts: a value and the number of rows holding it.
type Count struct {
	Value string
	N     int
}

// Counts is the result of ValueCounts, printed like the pandas Series that
// DataFrame.value_counts returns.
type Counts struct {
	// Column is the column counted, as pandas names it ("Class Name").
	Column string
	// Rows are the counts, most frequent first; ties in ascending value
	// order, as pandas prints them.
	Rows []Count
}

// Map returns the counts keyed by value.
func (c Counts) Map() map[string]int {
	m := make(map[string]int, len(c.Rows))
	for _, r := range c.Rows {
		m[r.Value] = r.N
	}
	return m
}

// String formats the counts as pandas 2 prints df.value_counts(column).
func (c Counts) String() string {
	w, wn := 0, 0
	for _, r := range c.Rows {
		w = max(w, runeLen(r.Value))
		wn = max(wn, len(strconv.Itoa(r.N))+1)
	}
	var b strings.Builder
	b.WriteString(c.Column)
	b.WriteByte('\n')
	for _, r := range c.Rows {
		b.WriteString(padRight(r.Value, w))
		b.WriteString("   ")
		b.WriteString(padLeft(" "+strconv.Itoa(r.N), wn))
		b.WriteByte('\n')
	}
	b.WriteString("Name: count, dtype: int64")
	return b.String()
}

// canonicalColumn maps the accepted spellings of a column to its pandas name.
func canonicalColumn(name string) (string, bool) {
	key := strings.ToLower(strings.NewReplacer(" ", "", "_", "").Replace(name))
	for _, c := range []string{ColText, ColLabel, ColClassName, ColEncodedLabel, ColFile} {
		if key == strings.ToLower(strings.ReplaceAll(c, " ", "")) {
			return c, true
		}
	}
	return "", false
}

// ValueCounts counts the rows per value of a column, like pandas'
// df.value_counts(column): most frequent first, ties in ascending value order
// (numbers in numeric order). column is "Class Name", "Label",
// "Encoded Label", "Text" or "File" (Go field names such as "ClassName" work
// too).
func (f *Frame) ValueCounts(column string) (Counts, error) {
	if f == nil {
		f = &Frame{}
	}
	name, ok := canonicalColumn(column)
	if !ok {
		return Counts{}, fmt.Errorf("frame: no column %q to count; columns are %q, %q, %q, %q and %q",
			column, ColText, ColLabel, ColClassName, ColEncodedLabel, ColFile)
	}
	var strs []string
	var ints []int
	switch name {
	case ColText:
		strs = f.Text
	case ColClassName:
		strs = f.ClassName
	case ColFile:
		strs = f.File
	case ColLabel:
		ints = f.Label
	case ColEncodedLabel:
		ints = f.EncodedLabel
	}
	if strs == nil && ints == nil {
		return Counts{}, fmt.Errorf("frame: column %q is empty (nil)", name)
	}
	out := Counts{Column: name}
	if strs != nil {
		m := map[string]int{}
		for _, s := range strs {
			m[s]++
		}
		for v, n := range m {
			out.Rows = append(out.Rows, Count{v, n})
		}
		sort.Slice(out.Rows, func(i, j int) bool {
			a, b := out.Rows[i], out.Rows[j]
			if a.N != b.N {
				return a.N > b.N
			}
			return a.Value < b.Value
		})
		return out, nil
	}
	m := map[int]int{}
	for _, v := range ints {
		m[v]++
	}
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		out.Rows = append(out.Rows, Count{strconv.Itoa(k), m[k]})
	}
	return out, nil
}

// Clone returns a deep copy of f (embedding vectors included).
func (f *Frame) Clone() *Frame {
	if f == nil {
		return nil
	}
	g := &Frame{
		Text:         slices.Clone(f.Text),
		Label:        slices.Clone(f.Label),
		ClassName:    slices.Clone(f.ClassName),
		EncodedLabel: slices.Clone(f.EncodedLabel),
		File:         slices.Clone(f.File),
		Index:        slices.Clone(f.Index),
	}
	if f.Embeddings != nil {
		g.Embeddings = make([][]float32, len(f.Embeddings))
		for i, v := range f.Embeddings {
			g.Embeddings[i] = slices.Clone(v)
		}
	}
	return g
}
