package frame

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// testdata/pandas.json holds frames and what pandas 1.5.3 prints for them:
// repr(df) (display.width unlimited) and df._repr_html_().
type pandasFixture struct {
	Text       []string    `json:"text"`
	Label      []int       `json:"label"`
	Class      []string    `json:"class"`
	Encoded    []int       `json:"encoded"`
	Embeddings [][]float32 `json:"embeddings"`
	Plain      [2]string   `json:"plain"`
	Full       [2]string   `json:"full"`
	Long       [2]string   `json:"long"`
	LongHead   [2]string   `json:"long_head"`
}

func readFixture(t *testing.T) pandasFixture {
	t.Helper()
	b, err := os.ReadFile("testdata/pandas.json")
	if err != nil {
		t.Fatal(err)
	}
	var p pandasFixture
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func longFrame() *Frame {
	f := &Frame{}
	for i := range 70 {
		f.Text = append(f.Text, "t"+itoa(i))
		f.Label = append(f.Label, i%3)
		f.ClassName = append(f.ClassName, "c"+itoa(i%3))
	}
	return f
}

func itoa(i int) string {
	return strings.TrimLeft(intCell([]int{i}, 0), " ")
}

func TestRenderMatchesPandas(t *testing.T) {
	p := readFixture(t)
	plain := &Frame{Text: p.Text, Label: p.Label, ClassName: p.Class}
	full := plain.Clone()
	full.EncodedLabel = p.Encoded
	full.Embeddings = p.Embeddings
	tests := []struct {
		name string
		f    *Frame
		want [2]string
	}{
		{"plain", plain, p.Plain},
		{"with encoded labels and embeddings", full, p.Full},
		{"70 rows", longFrame(), p.Long},
		{"61 rows", longFrame().Head(61), p.LongHead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want[0] == "" || tt.want[1] == "" {
				t.Fatal("fixture missing")
			}
			if got := tt.f.String(); got != tt.want[0] {
				t.Errorf("String():\n%s\nwant (pandas):\n%s", got, tt.want[0])
			}
			if got := tt.f.HTML(); got != tt.want[1] {
				t.Errorf("HTML():\n%s\nwant (pandas):\n%s", got, tt.want[1])
			}
		})
	}
}

func TestFormatFloat(t *testing.T) {
	tests := []struct {
		in   float32
		want string
	}{
		{0, "0.0"}, {1, "1.0"}, {-0.5, "-0.5"}, {0.0123, "0.0123"}, {1.25e-05, "1.25e-05"},
		{1e-4, "1e-04"}, {0.00011, "0.00011"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"}, {0.33333334, "0.33333334"},
	}
	for _, tt := range tests {
		if got := FormatFloat(tt.in); got != tt.want {
			t.Errorf("FormatFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHeadAndRows(t *testing.T) {
	f := longFrame()
	if got := f.Head(5).Len(); got != 5 {
		t.Errorf("Head(5).Len() = %d", got)
	}
	if got := f.Head(-68).Text; !slices.Equal(got, []string{"t0", "t1"}) {
		t.Errorf("Head(-68).Text = %v", got)
	}
	if got := f.Head(100).Len(); got != 70 {
		t.Errorf("Head(100).Len() = %d", got)
	}
	h := f.Head(2)
	h.Text[0] = "changed"
	if f.Text[0] != "t0" {
		t.Error("Head shares memory with the frame")
	}
	r, err := f.Rows([]int{69, 3})
	if err != nil || !slices.Equal(r.Text, []string{"t69", "t3"}) || !slices.Equal(r.Index, []int{69, 3}) {
		t.Errorf("Rows = %v %v, %v", r.Text, r.Index, err)
	}
	if _, err := f.Rows([]int{70}); err == nil {
		t.Error("Rows(70) of 70 rows: no error")
	}
	bad := &Frame{Text: []string{"a"}, Label: []int{1, 2}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "Label") {
		t.Errorf("Validate of ragged columns = %v", err)
	}
	var nilFrame *Frame
	if nilFrame.Len() != 0 || nilFrame.Head(3).Len() != 0 || nilFrame.Classes() != nil || nilFrame.Validate() != nil {
		t.Error("nil frame misbehaves")
	}
	if nilFrame.String() != "Empty DataFrame\nColumns: [Text, Label, Class Name]\nIndex: []" || !strings.Contains(nilFrame.HTML(), "<table") {
		t.Error("nil frame does not print as an empty table")
	}
	if _, err := nilFrame.ValueCounts("Label"); err == nil {
		t.Error("ValueCounts of a nil frame: no error")
	}
	ragged := &Frame{Text: []string{"a", "b"}, Label: []int{1}, Embeddings: [][]float32{{1}}}
	if s := ragged.String(); !strings.Contains(s, "NaN") {
		t.Errorf("ragged frame printed as\n%s", s)
	}
}

func TestValueCounts(t *testing.T) {
	f := &Frame{
		Text:      []string{"a", "b", "c", "d", "e", "f"},
		Label:     []int{14, 11, 11, 12, 14, 13},
		ClassName: []string{"sci.space", "sci.crypt", "sci.crypt", "sci.electronics", "sci.space", "sci.med"},
	}
	c, err := f.ValueCounts("Class Name")
	if err != nil {
		t.Fatal(err)
	}
	want := "Class Name\nsci.crypt          2\nsci.space          2\nsci.electronics    1\nsci.med            1\nName: count, dtype: int64"
	if got := c.String(); got != want {
		t.Errorf("ValueCounts:\n%s\nwant:\n%s", got, want)
	}
	if c.Map()["sci.space"] != 2 {
		t.Errorf("Map = %v", c.Map())
	}
	l, err := f.ValueCounts("label")
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Rows; !slices.Equal(got, []Count{{"11", 2}, {"14", 2}, {"12", 1}, {"13", 1}}) {
		t.Errorf("Label counts = %v", got)
	}
	if _, err := f.ValueCounts("Colour"); err == nil || !strings.Contains(err.Error(), "Class Name") {
		t.Errorf("unknown column: %v", err)
	}
	if _, err := f.ValueCounts("Encoded Label"); err == nil {
		t.Error("counting a nil column: no error")
	}
}

// TestValueCountsTutorial checks the format against the tutorial's printed
// df_train.value_counts('Class Name') (pandas 2).
func TestValueCountsTutorial(t *testing.T) {
	f := &Frame{}
	for _, c := range []string{"sci.crypt", "sci.electronics", "sci.med", "sci.space"} {
		for range 100 {
			f.ClassName = append(f.ClassName, c)
		}
	}
	c, _ := f.ValueCounts(ColClassName)
	want := `Class Name
sci.crypt          100
sci.electronics    100
sci.med            100
sci.space          100
Name: count, dtype: int64`
	if got := c.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
