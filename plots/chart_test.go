package plots

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/lib/mlp"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// inkStats reports the fraction of pixels that are not white and whether
// the image holds a pixel close to each of the wanted colours.
func inkStats(img image.Image, want ...color.RGBA) (ink float64, found []bool) {
	b := img.Bounds()
	found = make([]bool, len(want))
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				n++
			}
			for i, w := range want {
				if near(r>>8, w.R) && near(g>>8, w.G) && near(bl>>8, w.B) {
					found[i] = true
				}
			}
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy()), found
}

func near(a uint32, b uint8) bool { return math.Abs(float64(a)-float64(b)) <= 8 }

func TestRenderPNG(t *testing.T) {
	defaults := map[string][2]int{ // default pixel sizes at DefaultDPI
		"history":                     {2000, 800},
		"compare_histories":           {2000, 800},
		"confusion_matrix":            {900, 800},
		"confusion_matrix_normalized": {900, 800},
		"accuracy_by":                 {800, 500},
		"bars":                        {800, 500},
		"accuracy_by_embedder":        {800, 500},
		"embedding_map":               {900, 700},
	}
	// Colours each chart must show: the tab10 lines and bars, viridis' ends.
	colours := map[string][]color.RGBA{
		"history":                     {colorAt(0), colorAt(1)},
		"compare_histories":           {colorAt(0), colorAt(1)},
		"confusion_matrix":            {{0x44, 0x01, 0x54, 0xff}, {0xfd, 0xe7, 0x25, 0xff}},
		"confusion_matrix_normalized": {{0x44, 0x01, 0x54, 0xff}},
		"accuracy_by":                 {colorAt(0)},
		"bars":                        {colorAt(0)},
		"accuracy_by_embedder":        {colorAt(0)},
		"embedding_map":               {colorAt(0), colorAt(1), colorAt(2), colorAt(3)},
	}
	for _, tc := range chartCases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			data, err := c.PNG()
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("PNG does not decode: %v", err)
			}
			want := defaults[tc.name]
			if got := img.Bounds().Size(); got.X != want[0] || got.Y != want[1] {
				t.Errorf("PNG is %d×%d, want %d×%d", got.X, got.Y, want[0], want[1])
			}
			if w, h := c.PixelSize(); w != want[0] || h != want[1] {
				t.Errorf("PixelSize = %d×%d, want %d×%d", w, h, want[0], want[1])
			}
			ink, found := inkStats(img, colours[tc.name]...)
			if ink < 0.02 || ink > 0.9 {
				t.Errorf("%.1f%% of the pixels are not white; want a chart, not a blank or filled image", 100*ink)
			}
			for i, ok := range found {
				if !ok {
					t.Errorf("no pixel has colour %v", colours[tc.name][i])
				}
			}

			// Size and DPI change the pixel size.
			small := c.WithSize(4*vg.Inch, 3*vg.Inch).WithDPI(50)
			img2, err := small.Image()
			if err != nil {
				t.Fatal(err)
			}
			if got := img2.Bounds().Size(); got != image.Pt(200, 150) {
				t.Errorf("4×3 in at 50 DPI renders %v, want 200×150", got)
			}
			if w, h := c.Size(); w != vg.Length(want[0])*vg.Inch/DefaultDPI || h != vg.Length(want[1])*vg.Inch/DefaultDPI {
				t.Errorf("WithSize changed the original chart's size to %v×%v", w, h)
			}
		})
	}
}

// svgText returns the character data of every element of an SVG document,
// failing the test when the document is not well-formed XML.
func svgText(t *testing.T, data []byte) map[string]bool {
	t.Helper()
	texts := map[string]bool{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if cd, ok := tok.(xml.CharData); ok {
			if s := strings.TrimSpace(string(cd)); s != "" {
				texts[s] = true
			}
		}
	}
	return texts
}

func TestRenderSVG(t *testing.T) {
	for _, tc := range chartCases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			data, err := c.SVG()
			if err != nil {
				t.Fatal(err)
			}
			texts := svgText(t, data)
			for _, want := range tc.wantText {
				if !texts[want] {
					t.Errorf("SVG has no text %q", want)
				}
			}
			for _, s := range c.Text() {
				if !texts[s] {
					t.Errorf("Text() lists %q, which the SVG does not draw", s)
				}
			}
			if !bytes.Contains(data, []byte("@font-face")) {
				t.Error("SVG does not embed its font")
			}
			if !bytes.Contains(data, []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")) {
				t.Error("SVG text names no metric-compatible fallback fonts")
			}
			// Raster images in vector output are drawn upside down in PDF
			// by gonum and dropped by librsvg: everything must be vector.
			if bytes.Contains(data, []byte("<image")) {
				t.Error("SVG holds a raster <image>")
			}
			w, h := c.Size()
			if !bytes.Contains(data, []byte(`width="`+trimFloat(w.Points())+`pt"`)) ||
				!bytes.Contains(data, []byte(`height="`+trimFloat(h.Points())+`pt"`)) {
				t.Errorf("SVG header does not state the chart's size %v×%v pt", w.Points(), h.Points())
			}
		})
	}
}

// trimFloat formats v as vgsvg writes sizes.
func trimFloat(v float64) string { return fmt.Sprintf("%.5g", v) }

func TestRenderPDF(t *testing.T) {
	for _, tc := range chartCases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			data, err := c.PDF()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[len(data)-64:], []byte("%%EOF")) {
				t.Errorf("output is not a complete PDF (%d bytes)", len(data))
			}
			if !bytes.Contains(data, []byte("/FontFile2")) {
				t.Error("PDF does not embed its font")
			}
		})
	}
}

func TestSave(t *testing.T) {
	c, err := History(tutorialHistory(), WithSize(6*vg.Inch, 3*vg.Inch), WithDPI(40))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		file  string
		magic string
	}{
		{"h.png", "\x89PNG"},
		{"H.PNG", "\x89PNG"},
		{"h.svg", "<?xml"},
		{"h.pdf", "%PDF-"},
	} {
		path := filepath.Join(dir, tc.file)
		if err := c.Save(path); err != nil {
			t.Errorf("Save(%q): %v", tc.file, err)
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte(tc.magic)) {
			t.Errorf("%s starts with %q, want %q", tc.file, data[:min(8, len(data))], tc.magic)
		}
	}

	for _, tc := range []struct {
		name, path, wantErr string
	}{
		{"unknown extension", filepath.Join(dir, "h.gif"), `unknown image extension ".gif"`},
		{"no extension", filepath.Join(dir, "history"), "no file extension"},
		{"missing directory", filepath.Join(dir, "missing", "h.png"), "check that the directory exists"},
		{"directory", dir + "/.png", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "directory" {
				if err := os.Mkdir(tc.path, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			err := c.Save(tc.path)
			if err == nil {
				t.Fatalf("Save(%q) succeeded, want an error", tc.path)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Save(%q) = %q, want it to mention %q", tc.path, err, tc.wantErr)
			}
			if tc.name == "unknown extension" || tc.name == "no extension" {
				if _, err := os.Stat(tc.path); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("Save left a file at %q", tc.path)
				}
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	c, err := History(tutorialHistory())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		chart   *Chart
		format  Format
		wantErr string
	}{
		{"unknown format", c, "gif", "unknown format"},
		{"zero size", c.WithSize(0, 3*vg.Inch), SVG, "not positive"},
		{"negative DPI", c.WithDPI(-1), PNG, "DPI -1"},
		{"huge PNG", c.WithDPI(10000), PNG, "lower the size or the DPI"},
		{"too small for pixels", c.WithSize(0.001, 0.001), PNG, "raise the size or the DPI"},
		{"nil chart", nil, PNG, "nil or zero Chart"},
		{"zero chart", &Chart{}, SVG, "nil or zero Chart"},
		{"too small for labels", mustChart(t)(ConfusionMatrix(tutorialConfusion, classNames)).WithSize(vg.Inch, vg.Inch), PNG, "too small"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.chart.Encode(io.Discard, tc.format)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Encode = %v, want an error mentioning %q", err, tc.wantErr)
			}
		})
	}
	// A DPI change leaves vector output alone.
	if _, err := c.WithDPI(-1).SVG(); err != nil {
		t.Errorf("SVG with a bad DPI: %v; SVG does not use the DPI", err)
	}
}

func mustChart(t *testing.T) func(*Chart, error) *Chart {
	return func(c *Chart, err error) *Chart {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

func TestBadInput(t *testing.T) {
	h := tutorialHistory
	withNaN := h()
	withNaN.ValLoss[3] = math.NaN()
	short := h()
	short.Accuracy = short.Accuracy[:5]
	halfVal := h()
	halfVal.ValAccuracy = nil
	for _, tc := range []struct {
		name    string
		build   func() (*Chart, error)
		wantErr string
	}{
		{"nil history", func() (*Chart, error) { return History(nil) }, "nil"},
		{"empty history", func() (*Chart, error) { return History(&mlp.History{}) }, "no epochs"},
		{"NaN loss", func() (*Chart, error) { return History(withNaN) }, "ValLoss at epoch 4 is NaN"},
		{"short accuracy", func() (*Chart, error) { return History(short) }, "5 Accuracy values"},
		{"half validation", func() (*Chart, error) { return History(halfVal) }, "only one of ValLoss and ValAccuracy"},
		{"zero size", func() (*Chart, error) { return History(h(), WithSize(0, vg.Inch)) }, "not positive"},
		{"zero DPI", func() (*Chart, error) { return History(h(), WithDPI(0)) }, "DPI 0"},
		{"no runs", func() (*Chart, error) { return CompareHistories(nil) }, "at least one run"},
		{"unnamed run", func() (*Chart, error) { return CompareHistories([]NamedHistory{{History: h()}}) }, "no name"},
		{"same names", func() (*Chart, error) {
			return CompareHistories([]NamedHistory{{"a", h()}, {"a", h()}})
		}, `two runs are named "a"`},
		{"bad run", func() (*Chart, error) { return CompareHistories([]NamedHistory{{"a", h()}, {"b", nil}}) }, `run "b" is nil`},
		{"no classes", func() (*Chart, error) { return ConfusionMatrix(nil, nil) }, "at least one class"},
		{"rows vs names", func() (*Chart, error) { return ConfusionMatrix(tutorialConfusion, classNames[:3]) }, "4 rows but 3 class names"},
		{"ragged", func() (*Chart, error) {
			return ConfusionMatrix([][]int{{1, 2}, {3}}, []string{"a", "b"})
		}, "row 1 (b) has 1 columns"},
		{"negative count", func() (*Chart, error) {
			return ConfusionMatrix([][]int{{1, -2}, {3, 4}}, []string{"a", "b"})
		}, "cannot be negative"},
		{"no bars", func() (*Chart, error) { return Bars(nil, nil) }, "at least one bar"},
		{"bars vs values", func() (*Chart, error) { return Bars([]string{"a"}, []float64{1, 2}) }, "1 labels but 2 values"},
		{"infinite bar", func() (*Chart, error) { return Bars([]string{"a"}, []float64{math.Inf(1)}) }, "must be finite"},
		{"empty y range", func() (*Chart, error) { return Bars([]string{"a"}, []float64{1}, WithYRange(1, 1)) }, "needs min < max"},
		{"accuracy above 1", func() (*Chart, error) { return AccuracyBy("x", []string{"a"}, []float64{95}) }, "between 0 and 1"},
		{"accuracy NaN", func() (*Chart, error) { return AccuracyBy("x", []string{"a"}, []float64{math.NaN()}) }, "between 0 and 1"},
		{"no accuracies", func() (*Chart, error) { return AccuracyBy("x", nil, nil) }, "at least one bar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.build()
			if err == nil {
				t.Fatalf("got a chart, want an error mentioning %q", tc.wantErr)
			}
			if c != nil {
				t.Error("got a chart along with the error")
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
		})
	}
}

// Edge cases that must render: one epoch, no validation data, an all-zero
// confusion matrix, a single class, equal bars, many epochs.
func TestEdgeCases(t *testing.T) {
	long := &mlp.History{}
	for i := range 150 {
		long.Loss = append(long.Loss, 1/float64(i+1))
		long.Accuracy = append(long.Accuracy, 1-1/float64(i+2))
	}
	for _, tc := range []struct {
		name  string
		build func() (*Chart, error)
	}{
		{"one epoch", func() (*Chart, error) {
			return History(&mlp.History{Loss: []float64{1}, Accuracy: []float64{0.5}, ValLoss: []float64{1.1}, ValAccuracy: []float64{0.4}})
		}},
		{"no validation", func() (*Chart, error) {
			return History(&mlp.History{Loss: []float64{1, 0.5}, Accuracy: []float64{0.5, 0.7}})
		}},
		{"zero loss", func() (*Chart, error) {
			return History(&mlp.History{Loss: []float64{0, 0}, Accuracy: []float64{1, 1}})
		}},
		{"150 epochs", func() (*Chart, error) { return History(long) }},
		{"all-zero matrix", func() (*Chart, error) { return ConfusionMatrix([][]int{{0, 0}, {0, 0}}, []string{"a", "b"}) }},
		{"all-zero normalized", func() (*Chart, error) {
			return ConfusionMatrix([][]int{{0, 0}, {0, 0}}, []string{"a", "b"}, Normalized())
		}},
		{"one class", func() (*Chart, error) { return ConfusionMatrix([][]int{{7}}, []string{"only"}) }},
		{"no title", func() (*Chart, error) { return ConfusionMatrix(tutorialConfusion, classNames, WithTitle("")) }},
		{"own axis titles", func() (*Chart, error) {
			return ConfusionMatrix(tutorialConfusion, classNames, WithXLabel("Predicted"), WithYLabel(""))
		}},
		{"equal bars", func() (*Chart, error) { return Bars([]string{"a", "b"}, []float64{0, 0}) }},
		{"fixed range", func() (*Chart, error) { return Bars([]string{"a", "b"}, []float64{2, 30}, WithYRange(0, 10)) }},
		{"accuracy 0 and 1", func() (*Chart, error) { return AccuracyBy("", []string{"a", "b"}, []float64{0, 1}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range Formats() {
				if _, err := c.WithSize(6*vg.Inch, 4*vg.Inch).WithDPI(40).Bytes(f); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
		})
	}
}

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Format
		ok   bool
	}{
		{"a.png", PNG, true}, {"dir.x/a.SVG", SVG, true}, {"a.Pdf", PDF, true},
		{"a.jpg", "", false}, {"a", "", false}, {"a.png.txt", "", false},
	} {
		got, err := FormatOf(tc.path)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("FormatOf(%q) = %q, %v; want %q, ok=%v", tc.path, got, err, tc.want, tc.ok)
		}
	}
}

func labels(ticks []plot.Tick) []string {
	var out []string
	for _, t := range ticks {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return out
}

func TestIntegerTicks(t *testing.T) {
	for _, tc := range []struct {
		min, max  float64
		maxLabels int
		want      string
	}{
		{1, 1, 0, "1"},
		{0.5, 1.5, 0, "1"},
		{1, 10, 0, "1 2 3 4 5 6 7 8 9 10"},
		{1, 12, 9, "1 3 5 7 9 11"},
		{1, 20, 0, "1 3 5 7 9 11 13 15 17 19"},
		{1, 40, 0, "1 5 10 15 20 25 30 35 40"},
		{1, 150, 0, "1 20 40 60 80 100 120 140"},
		{0, 95, 0, "0 10 20 30 40 50 60 70 80 90"},
		{3, 4, 0, "3 4"},
	} {
		got := strings.Join(labels(integerTicks{maxLabels: tc.maxLabels}.Ticks(tc.min, tc.max)), " ")
		if got != tc.want {
			t.Errorf("integer ticks on [%g, %g] = %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		min, max float64
		want     string
	}{
		{0, 1.27, "0.0 0.2 0.4 0.6 0.8 1.0 1.2"},
		{0, 35, "0 5 10 15 20 25 30 35"},
		{-16, 35, "-10 0 10 20 30"},
		{0, 10, "0 2 4 6 8 10"},
		{0, 0.0012, "0.0000 0.0002 0.0004 0.0006 0.0008 0.0010 0.0012"},
		{0, 2.5, "0.0 0.5 1.0 1.5 2.0 2.5"},
	} {
		got := strings.Join(labels(niceTicks{}.Ticks(tc.min, tc.max)), " ")
		if got != tc.want {
			t.Errorf("nice ticks on [%g, %g] = %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
}

// TestRenderTwentyClasses renders what the full 20 Newsgroups would give:
// 20 long class names and 20 epochs.
func TestRenderTwentyClasses(t *testing.T) {
	names := []string{
		"alt.atheism", "comp.graphics", "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware",
		"comp.sys.mac.hardware", "comp.windows.x", "misc.forsale", "rec.autos", "rec.motorcycles",
		"rec.sport.baseball", "rec.sport.hockey", "sci.crypt", "sci.electronics", "sci.med", "sci.space",
		"soc.religion.christian", "talk.politics.guns", "talk.politics.mideast", "talk.politics.misc",
		"talk.religion.misc",
	}
	counts := make([][]int, len(names))
	for i := range counts {
		counts[i] = make([]int, len(names))
		for j := range counts[i] {
			counts[i][j] = (i*7 + j*3) % 5
		}
		counts[i][i] = 300 + 10*i
	}
	cm, err := ConfusionMatrix(counts, names)
	if err != nil {
		t.Fatal(err)
	}
	h := &mlp.History{}
	for i := range 20 {
		h.Loss = append(h.Loss, 1/float64(i+1))
		h.Accuracy = append(h.Accuracy, 1-1/float64(i+2))
	}
	hc, err := History(h)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*Chart{"confusion_matrix_20": cm, "history_20_epochs": hc} {
		img, err := c.Image()
		if err != nil {
			t.Fatal(err)
		}
		if ink, _ := inkStats(img); ink < 0.02 {
			t.Errorf("%s: %.1f%% ink, looks blank", name, 100*ink)
		}
		if *renderDir != "" {
			if err := c.Save(filepath.Join(*renderDir, name+".png")); err != nil {
				t.Fatal(err)
			}
		}
	}
}
