package frame

import (
	"slices"
	"strings"
	"testing"
)

func classFrame() *Frame {
	f := &Frame{}
	names := []string{"alt.atheism", "sci.crypt", "sci.med", "rec.autos"}
	for i := range 40 {
		l := i % 4
		f.Text = append(f.Text, "doc"+itoa(i))
		f.Label = append(f.Label, l)
		f.ClassName = append(f.ClassName, names[l])
	}
	f.Embeddings = make([][]float32, 40)
	for i := range f.Embeddings {
		f.Embeddings[i] = []float32{float32(i)}
	}
	return f
}

func TestSample(t *testing.T) {
	f := classFrame()
	before := f.Clone()
	s, err := Sample(f, 3, "sci", 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 6 {
		t.Fatalf("%d rows, want 6", s.Len())
	}
	if !slices.Equal(s.Classes(), []string{"sci.crypt", "sci.med"}) {
		t.Errorf("Classes() = %v", s.Classes())
	}
	for i := range s.Len() {
		if s.Classes()[s.EncodedLabel[i]] != s.ClassName[i] {
			t.Errorf("row %d: encoded %d for %s", i, s.EncodedLabel[i], s.ClassName[i])
		}
		if s.Embeddings[i][0] != float32(slices.Index(f.Text, s.Text[i])) {
			t.Errorf("row %d: embedding not carried with its text", i)
		}
	}
	// Groups in label order; row labels as pandas' reset_index leaves them.
	if !slices.Equal(s.Index, []int{3, 4, 5, 6, 7, 8}) {
		t.Errorf("Index = %v", s.Index)
	}
	again, _ := Sample(f, 3, "sci", 1)
	if !slices.Equal(again.Text, s.Text) {
		t.Error("same seed, different sample")
	}
	other, _ := Sample(f, 3, "sci", 2)
	if slices.Equal(other.Text, s.Text) {
		t.Error("seeds 1 and 2 drew the same sample")
	}
	if !slices.Equal(f.Text, before.Text) || f.EncodedLabel != nil {
		t.Error("Sample modified its input")
	}
	all, err := Sample(f, 10, "", 0)
	if err != nil || all.Len() != 40 {
		t.Errorf("Sample of every row: %v rows, %v", all.Len(), err)
	}
}

func TestSampleErrors(t *testing.T) {
	f := classFrame()
	tests := []struct {
		name     string
		f        *Frame
		n        int
		contains string
		seed     int64
		want     string
	}{
		{"too few rows", f, 11, "sci", 0, `class "sci.crypt" (label 1) has 10 rows`},
		{"no class", f, 2, "talk", 0, "no class name contains"},
		{"zero per class", f, 0, "", 0, "positive"},
		{"negative seed", f, 2, "", -1, "seed -1"},
		{"ragged", &Frame{Text: []string{"a"}, Label: []int{1, 2}, ClassName: []string{"x", "y"}}, 1, "", 0, "rows"},
		{"no labels", &Frame{Text: []string{"a"}}, 1, "", 0, "Label"},
		{"nil", nil, 1, "", 0, "nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sample(tt.f, tt.n, tt.contains, tt.seed)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestKeepClasses(t *testing.T) {
	f := &Frame{
		Text:      []string{"a", "b", "c", "d", "e"},
		Label:     []int{3, 0, 1, 3, 2},
		ClassName: []string{"sci.space", "alt.atheism", "sci.crypt", "sci.space", "rec.autos"},
	}
	tests := []struct {
		substr      string
		wantText    []string
		wantEncoded []int
		wantErr     bool
	}{
		{"sci", []string{"a", "c", "d"}, []int{1, 0, 1}, false},
		// alt.atheism 0, rec.autos 1, sci.crypt 2, sci.space 3.
		{"", []string{"a", "b", "c", "d", "e"}, []int{3, 0, 2, 3, 1}, false},
		{"comp", nil, nil, true},
	}
	for _, tt := range tests {
		got, err := KeepClasses(f, tt.substr)
		if tt.wantErr {
			if err == nil {
				t.Errorf("KeepClasses(%q): no error, want one", tt.substr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("KeepClasses(%q): %v", tt.substr, err)
		}
		if !slices.Equal(got.Text, tt.wantText) || !slices.Equal(got.EncodedLabel, tt.wantEncoded) {
			t.Errorf("KeepClasses(%q) = texts %v codes %v, want %v %v", tt.substr, got.Text, got.EncodedLabel, tt.wantText, tt.wantEncoded)
		}
		// Codes follow the sorted class names, as pandas' category codes do.
		for i, c := range got.EncodedLabel {
			if got.Classes()[c] != got.ClassName[i] {
				t.Errorf("KeepClasses(%q): row %d has code %d for %q, but class %d is %q", tt.substr, i, c, got.ClassName[i], c, got.Classes()[c])
			}
		}
		if !slices.IsSorted(got.Classes()) {
			t.Errorf("KeepClasses(%q): classes %v not sorted", tt.substr, got.Classes())
		}
	}
}
