package notebook

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/mlp"
)

type memoValue struct {
	Names []string
	N     int
}

func TestMemo(t *testing.T) {
	dir := t.TempDir()
	calls := 0
	compute := func() (memoValue, error) {
		calls++
		return memoValue{Names: []string{"a", "b"}, N: calls}, nil
	}
	for i := 0; i < 3; i++ {
		v, err := memo(dir, "value-1", compute)
		if err != nil {
			t.Fatal(err)
		}
		if v.N != 1 || len(v.Names) != 2 {
			t.Errorf("call %d: value %+v, want the first computation's", i, v)
		}
	}
	if calls != 1 {
		t.Errorf("computed %d times, want once", calls)
	}

	// Another key computes again; errors are not kept.
	boom := errors.New("boom")
	if _, err := memo(dir, "value-2", func() (memoValue, error) { return memoValue{}, boom }); !errors.Is(err, boom) {
		t.Errorf("error = %v, want boom", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "value-2.gob")); !os.IsNotExist(err) {
		t.Errorf("a failed computation was kept: %v", err)
	}

	// A different type under the same key (the cell changed) recomputes.
	s, err := memo(dir, "value-1", func() (string, error) { return "text", nil })
	if err != nil || s != "text" {
		t.Errorf("memo with another type = %q, %v", s, err)
	}

	// Without a folder, nothing is kept.
	calls = 0
	memo("", "x", compute)
	memo("", "x", compute)
	if calls != 2 {
		t.Errorf("without a folder computed %d times, want 2", calls)
	}

	if _, err := memo(dir, "../escape", compute); err == nil || !strings.Contains(err.Error(), "key") {
		t.Errorf("bad key error = %v", err)
	}
}

func TestMemoFrame(t *testing.T) {
	dir := t.TempDir()
	f := &frame.Frame{Text: []string{"x", "y"}, Label: []int{3, 4}, ClassName: []string{"a", "b"}, Embeddings: [][]float32{{1, 2}, {3, 4}}}
	memo(dir, "frame", func() (*frame.Frame, error) { return f, nil })
	got, err := memo(dir, "frame", func() (*frame.Frame, error) { return nil, errors.New("recomputed") })
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != 2 || got.Embeddings[1][1] != 4 || got.ClassName[0] != "a" {
		t.Errorf("frame read back = %+v", got)
	}
}

func TestKey(t *testing.T) {
	a := Key("train", 100, "sci")
	if a != Key("train", 100, "sci") {
		t.Error("Key is not deterministic")
	}
	if a == Key("train", 101, "sci") || a == Key("test", 100, "sci") {
		t.Error("Key ignores its settings")
	}
	if !keyRE.MatchString(a) || !strings.HasPrefix(a, "train-") {
		t.Errorf("Key = %q", a)
	}
	if Key("plain") != "plain" {
		t.Errorf("Key without settings = %q", Key("plain"))
	}
	if Key("c", mlp.Config{Epochs: 20}) == Key("c", mlp.Config{Epochs: 10}) {
		t.Error("Key ignores struct fields")
	}
}

// captureExit makes Check's exit record the status instead of exiting.
func captureExit(t *testing.T) *int {
	t.Helper()
	code := -1
	old := exit
	exit = func(c int) { code = c }
	t.Cleanup(func() { exit = old })
	return &code
}

func TestCheck(t *testing.T) {
	code := captureExit(t)
	r := &recorder{rich: true}
	use(t, r)

	Check(nil)
	if *code != -1 || len(r.html) != 0 {
		t.Fatal("Check(nil) did something")
	}
	Check(fmt.Errorf("loading: %w", errors.New("no archive")))
	if *code != 1 || len(r.html) != 1 || !strings.Contains(r.html[0], "loading: no archive") || !strings.Contains(r.html[0], "Warning") {
		t.Errorf("Check: code %d, output %q", *code, r.html)
	}
	Check(fmt.Errorf("embedding: %w", context.Canceled))
	if !strings.Contains(r.html[1], "Interrupted. Run the cell again") {
		t.Errorf("interrupted message = %q", r.html[1])
	}
	*code = -1
	if v := Must(7, nil); v != 7 || *code != -1 {
		t.Errorf("Must(7, nil) = %d, exit %d", v, *code)
	}
}

func TestEnvInt(t *testing.T) {
	code := captureExit(t)
	use(t, &recorder{})
	t.Setenv("X_DIMS", "")
	if got := EnvInt("X_DIMS", 5); got != 5 {
		t.Errorf("unset: %d", got)
	}
	t.Setenv("X_DIMS", "768")
	if got := EnvInt("X_DIMS", 5); got != 768 {
		t.Errorf("768: %d", got)
	}
	t.Setenv("X_DIMS", "lots")
	EnvInt("X_DIMS", 5)
	if *code != 1 {
		t.Error("a bad value did not stop the cell")
	}
}

// slowEmbedder embeds one text per 10ms, reporting progress, until ctx is
// cancelled.
type slowEmbedder struct {
	progress func(done, total int)
	calls    atomic.Int32
}

func (s *slowEmbedder) Model() string { return "slow" }
func (s *slowEmbedder) Dim() int      { return 2 }
func (s *slowEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	s.calls.Add(1)
	out := make([][]float32, 0, len(texts))
	for i := range texts {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
		out = append(out, []float32{float32(i), 1})
		if s.progress != nil {
			s.progress(len(out), len(texts))
		}
	}
	return out, nil
}

func TestEmbedFrame(t *testing.T) {
	r := &recorder{rich: true}
	use(t, r)
	emb := &slowEmbedder{progress: reportProgress}
	f := &frame.Frame{Text: []string{"a", "b", "c"}, Label: []int{0, 1, 0}, ClassName: []string{"x", "y", "x"}}
	out, err := embedFrame(context.Background(), emb, f, "Embedding")
	if err != nil {
		t.Fatal(err)
	}
	if out.Embeddings == nil || f.Embeddings != nil {
		t.Error("EmbedFrame must fill a copy and leave f alone")
	}
	if out.Embeddings[2][0] != 2 {
		t.Errorf("embeddings = %v", out.Embeddings)
	}
	if len(r.updates) != 1 {
		t.Fatalf("want one progress bar, got %d", len(r.updates))
	}
	for _, ups := range r.updates {
		if last := ups[len(ups)-1]; !strings.Contains(last, "3/3") || !strings.Contains(last, "Embedding") {
			t.Errorf("final bar = %s", last)
		}
	}
}

func TestEmbedFrameInterrupted(t *testing.T) {
	use(t, &recorder{rich: true})
	emb := &slowEmbedder{progress: reportProgress}
	f := &frame.Frame{Text: make([]string, 1000), Label: make([]int, 1000), ClassName: make([]string, 1000)}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := embedFrame(ctx, emb, f, "Embedding")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stopped after %v, want promptly", d)
	}
}

func TestFit(t *testing.T) {
	dir := t.TempDir()
	x := [][]float32{{0, 1}, {1, 0}, {0, 0.9}, {0.9, 0}}
	y := []int{0, 1, 0, 1}
	builds := 0
	build := func() (*mlp.Model, error) {
		builds++
		m, err := mlp.New(2, 2, mlp.Config{Epochs: 3, Patience: -1, Seed: 1})
		if err != nil {
			return nil, err
		}
		return m, m.SetClasses([]string{"left", "right"})
	}
	var log strings.Builder
	m1, h1, err := fit(context.Background(), dir, "clf", &log, build, x, y, x, y)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "Epoch 3/3") {
		t.Errorf("epoch log = %q", log.String())
	}
	log.Reset()
	m2, h2, err := fit(context.Background(), dir, "clf", &log, build, x, y, x, y)
	if err != nil {
		t.Fatal(err)
	}
	if builds != 1 || log.Len() != 0 {
		t.Errorf("second Fit trained again (builds %d, log %q)", builds, log.String())
	}
	if h2.Epochs() != h1.Epochs() || h2.ValAccuracy[2] != h1.ValAccuracy[2] {
		t.Errorf("history read back = %+v, want %+v", h2, h1)
	}
	p1, _ := m1.Predict(x)
	p2, _ := m2.Predict(x)
	if fmt.Sprint(p1) != fmt.Sprint(p2) || m2.ClassName(1) != "right" {
		t.Errorf("model read back predicts %v, want %v", p2, p1)
	}

	// A cancelled training is an error and is not kept.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := fit(ctx, dir, "cancelled", &log, build, x, y, x, y); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Fit error = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cancelled.model")); !os.IsNotExist(err) {
		t.Error("a cancelled training was kept")
	}
}
