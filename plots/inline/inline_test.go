//go:build unix

package inline

import (
	"bytes"
	"encoding/gob"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/plots"
	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
	"gonum.org/v1/plot/vg"
)

func chart(t *testing.T) *plots.Chart {
	t.Helper()
	c, err := plots.History(&mlp.History{
		Loss:        []float64{1.2, 0.9, 0.8},
		Accuracy:    []float64{0.5, 0.8, 0.9},
		ValLoss:     []float64{1.1, 0.95, 0.9},
		ValAccuracy: []float64{0.45, 0.7, 0.8},
	}, plots.WithSize(6*vg.Inch, 2.5*vg.Inch), plots.WithDPI(50))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOutsideNotebook(t *testing.T) {
	if gonbui.IsNotebook {
		t.Skip("running inside GoNB")
	}
	for name, show := range map[string]func(*plots.Chart) error{"Show": Show, "ShowPNG": ShowPNG, "ShowSVG": ShowSVG} {
		if err := show(chart(t)); !errors.Is(err, ErrNotNotebook) {
			t.Errorf("%s outside a notebook = %v, want ErrNotNotebook", name, err)
		}
	}
}

// TestShowThroughGoNBPipes plays the GoNB kernel's side of gonbui's named
// pipes and checks what the Show functions send.
func TestShowThroughGoNBPipes(t *testing.T) {
	dir := t.TempDir()
	toKernel, fromKernel := filepath.Join(dir, "pipe"), filepath.Join(dir, "pipe_back")
	for _, p := range []string{toKernel, fromKernel} {
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skipf("cannot make a named pipe: %v", err)
		}
	}
	t.Setenv(protocol.GONB_PIPE_ENV, toKernel)
	t.Setenv(protocol.GONB_PIPE_BACK_ENV, fromKernel)
	was := gonbui.IsNotebook
	gonbui.IsNotebook = true
	t.Cleanup(func() { gonbui.IsNotebook = was })

	received := make(chan *protocol.DisplayData, 8)
	syncs := make(chan int, 8) // one entry per acknowledged Sync
	kernelErr := make(chan error, 1)
	go func() {
		r, err := os.OpenFile(toKernel, os.O_RDONLY, 0)
		if err != nil {
			kernelErr <- err
			return
		}
		defer r.Close()
		w, err := os.OpenFile(fromKernel, os.O_WRONLY, 0)
		if err != nil {
			kernelErr <- err
			return
		}
		defer w.Close()
		dec := gob.NewDecoder(r)
		enc := gob.NewEncoder(w)
		for {
			var d protocol.DisplayData
			if err := dec.Decode(&d); err != nil {
				kernelErr <- err
				return
			}
			// Acknowledge a Sync as GoNB does; the Show functions wait
			// for it, so that a chart is never lost when a cell exits.
			if cv, ok := d.Data[protocol.MIMECommValue].(protocol.CommValue); ok && cv.Address == "#gonbui/sync" {
				syncs <- 1
				ack := &protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: cv.Value}
				if err := enc.Encode(ack); err != nil {
					kernelErr <- err
					return
				}
				continue
			}
			received <- &d
		}
	}()
	next := func() *protocol.DisplayData {
		t.Helper()
		select {
		case d := <-received:
			return d
		case err := <-kernelErr:
			t.Fatalf("fake kernel: %v", err)
		case <-time.After(20 * time.Second):
			t.Fatal("nothing reached the fake kernel in 20s")
		}
		return nil
	}

	c := chart(t)
	if err := Show(c); err != nil {
		t.Fatalf("Show: %v", err)
	}
	d := next()
	data, ok := d.Data[protocol.MIMEImagePNG].([]byte)
	if !ok {
		t.Fatalf("Show sent %T under %q, want PNG bytes", d.Data[protocol.MIMEImagePNG], protocol.MIMEImagePNG)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Show sent an undecodable PNG: %v", err)
	}
	if w, h := c.PixelSize(); img.Bounds().Dx() != w || img.Bounds().Dy() != h {
		t.Errorf("PNG is %v, want %d×%d", img.Bounds().Size(), w, h)
	}

	if err := ShowSVG(c); err != nil {
		t.Fatalf("ShowSVG: %v", err)
	}
	d = next()
	html, ok := d.Data[protocol.MIMETextHTML].(string)
	if !ok {
		t.Fatalf("ShowSVG sent %T under %q, want HTML text", d.Data[protocol.MIMETextHTML], protocol.MIMETextHTML)
	}
	for _, want := range []string{`<svg style="max-width:100%;height:auto"`, ">Accuracy<", ">Validation<"} {
		if !strings.Contains(html, want) {
			t.Errorf("ShowSVG's HTML lacks %q", want)
		}
	}
	if strings.Contains(html, "<?xml") {
		t.Error("ShowSVG's HTML still holds the XML declaration")
	}
	// Show and ShowSVG returned, so each had its Sync acknowledged.
	if n := len(syncs); n != 2 {
		t.Errorf("%d sync requests reached the kernel, want 2 (one per chart shown)", n)
	}
}

func TestFitSVG(t *testing.T) {
	got := fitSVG("<?xml version=\"1.0\"?>\n<svg width=\"10pt\">x</svg>")
	want := `<svg style="max-width:100%;height:auto" width="10pt">x</svg>`
	if got != want {
		t.Errorf("fitSVG = %q, want %q", got, want)
	}
}
