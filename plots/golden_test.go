package plots

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var (
	update    = flag.Bool("update", false, "rewrite the golden images in testdata/ from the current rendering")
	renderDir = flag.String("render", "", "write every test chart at its default size as PNG, SVG and PDF into this directory, for a look")
)

// Golden comparison tolerance: a pixel differs when one of its channels is
// off by more than pixelTolerance (of 255); a rendering matches when at most
// maxDiffFraction of its pixels differ. This absorbs anti-aliasing noise
// (floating point differences between machines) but not a moved line,
// legend or label.
const (
	pixelTolerance  = 64
	maxDiffFraction = 0.0005
)

// imageDiff compares got with want. It returns the fraction of differing
// pixels and an image showing want faded with the differing pixels in red.
func imageDiff(got, want image.Image) (frac float64, diff *image.RGBA, err error) {
	if got.Bounds().Size() != want.Bounds().Size() {
		return 1, nil, fmt.Errorf("size %v, golden is %v", got.Bounds().Size(), want.Bounds().Size())
	}
	b := want.Bounds()
	diff = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	og := got.Bounds().Min
	n := 0
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r1, g1, b1, _ := want.At(b.Min.X+x, b.Min.Y+y).RGBA()
			r2, g2, b2, _ := got.At(og.X+x, og.Y+y).RGBA()
			d := max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) >> 8
			if d > pixelTolerance {
				n++
				diff.Set(x, y, color.RGBA{R: 255, A: 255})
				continue
			}
			// Faded copy of the golden image for context.
			lum := uint8(0xc0 + (r1>>8+g1>>8+b1>>8)/3/4)
			diff.Set(x, y, color.RGBA{R: lum, G: lum, B: lum, A: 255})
		}
	}
	return float64(n) / float64(b.Dx()*b.Dy()), diff, nil
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkGolden compares img with testdata/<name>_golden.png, rewriting the
// golden file under -update. On a mismatch it saves the rendering and a diff
// image in a fresh temporary directory and names them in the failure.
func checkGolden(t *testing.T, name string, img image.Image) {
	t.Helper()
	golden := filepath.Join("testdata", name+"_golden.png")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := writePNG(golden, img); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", golden)
		return
	}
	want, err := readPNG(golden)
	if err != nil {
		t.Fatalf("reading golden image: %v (run go test ./plots -run TestGolden -update to create it)", err)
	}
	frac, diff, err := imageDiff(img, want)
	if err == nil && frac <= maxDiffFraction {
		return
	}
	dir, derr := os.MkdirTemp("", "plots-golden-")
	if derr != nil {
		t.Fatalf("%s: rendering differs from %s, and saving it failed: %v", name, golden, derr)
	}
	gotPath := filepath.Join(dir, name+"_got.png")
	if werr := writePNG(gotPath, img); werr != nil {
		t.Errorf("saving %s: %v", gotPath, werr)
	}
	if err != nil {
		t.Fatalf("%s: rendering does not match %s: %v; got saved as %s", name, golden, err, gotPath)
	}
	diffPath := filepath.Join(dir, name+"_diff.png")
	if werr := writePNG(diffPath, diff); werr != nil {
		t.Errorf("saving %s: %v", diffPath, werr)
	}
	t.Fatalf("%s: %.2f%% of pixels differ from %s (tolerance %.2f%%); got %s, diff (red) %s; "+
		"if the change is intended, run go test ./plots -run TestGolden -update",
		name, 100*frac, golden, 100*maxDiffFraction, gotPath, diffPath)
}

func TestGolden(t *testing.T) {
	for _, tc := range chartCases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.build(WithSize(tc.width, tc.height), WithDPI(goldenDPI))
			if err != nil {
				t.Fatal(err)
			}
			img, err := c.Image()
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.name, img)
		})
	}
}

// TestSaveEveryFormat saves every test chart at its default size in every
// format and checks each file starts as its format does. With -render DIR
// the files are kept in DIR, for a look.
func TestSaveEveryFormat(t *testing.T) {
	dir := *renderDir
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	magic := map[Format]string{PNG: "\x89PNG", SVG: "<?xml", PDF: "%PDF"}
	for _, tc := range chartCases {
		c, err := tc.build()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range Formats() {
			path := filepath.Join(dir, tc.name+"."+string(f))
			if err := c.Save(path); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if m, ok := magic[f]; !ok || !strings.HasPrefix(string(b), m) {
				t.Errorf("%s: %d bytes starting %q, want a %s file", path, len(b), b[:min(len(b), 8)], f)
			}
			if *renderDir != "" {
				t.Logf("wrote %s", path)
			}
		}
	}
}

// TestGoldenCatchesRegressions checks that the tolerance is tight enough:
// small but visible changes to a chart must fail the comparison, while
// rendering the same chart again must pass it.
func TestGoldenCatchesRegressions(t *testing.T) {
	render := func(t *testing.T, build func(...Option) (*Chart, error)) image.Image {
		t.Helper()
		c, err := build(WithSize(chartCases[0].width, chartCases[0].height), WithDPI(goldenDPI))
		if err != nil {
			t.Fatal(err)
		}
		img, err := c.Image()
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	base := render(t, chartCases[0].build)
	again := render(t, chartCases[0].build)
	if frac, _, err := imageDiff(again, base); err != nil || frac != 0 {
		t.Fatalf("rendering twice differs: %.4f%% of pixels, %v", 100*frac, err)
	}
	changes := map[string]func(...Option) (*Chart, error){
		"one validation accuracy 0.05 lower": func(opts ...Option) (*Chart, error) {
			h := tutorialHistory()
			h.ValAccuracy[6] -= 0.05
			return History(h, opts...)
		},
		"one more epoch": func(opts ...Option) (*Chart, error) {
			h := tutorialHistory()
			h.Loss = append(h.Loss, 0.746)
			h.Accuracy = append(h.Accuracy, 1)
			h.ValLoss = append(h.ValLoss, 0.782)
			h.ValAccuracy = append(h.ValAccuracy, 0.94)
			return History(h, opts...)
		},
		"legend renamed": func(opts ...Option) (*Chart, error) {
			return CompareHistories([]NamedHistory{{Name: "x", History: tutorialHistory()}}, opts...)
		},
	}
	for name, build := range changes {
		frac, _, err := imageDiff(render(t, build), base)
		if err == nil && frac <= maxDiffFraction {
			t.Errorf("%s: only %.3f%% of pixels differ, within the golden tolerance; the comparison would miss it", name, 100*frac)
		} else {
			t.Logf("%s: %.3f%% of pixels differ", name, 100*frac)
		}
	}
}
