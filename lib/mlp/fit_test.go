package mlp

import (
	"bytes"
	"context"
	"errors"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestAdamEpsilonPlacement pins Keras 3's form of the update, where ε is
// added to √v rather than to the bias-corrected √v̂: for a first-step
// gradient g the step is lr·g/(|g| + ε/√(1−β₂)). With g = 1e−6 that is
// 0.001·1e−6/(1e−6 + 3.16227766e−6) = 2.40253e−4 (the textbook form would
// give 0.001·1e−6/(1e−6 + 1e−7) = 9.09e−4).
func TestAdamEpsilonPlacement(t *testing.T) {
	a := &adam{lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7}
	a.begin()
	w := []float32{0, 0}
	a.update(w, []float32{1e-6, -1e-6}, make([]float32, 2), make([]float32, 2))
	want := 0.001 * 1e-6 / (1e-6 + 1e-7/math.Sqrt(0.001))
	if math.Abs(float64(w[0])+want) > 1e-9 || math.Abs(float64(w[1])-want) > 1e-9 {
		t.Errorf("step moved the weights to %v, want ∓%.6g", w, want)
	}
}

// kerasEarlyStopping is a line-by-line port of Keras 3's
// EarlyStopping.on_epoch_end for monitor="accuracy" (mode max, min_delta 0,
// baseline None, start_from_epoch 0), returning the 1-based epoch after which
// training stops, or 0.
func kerasEarlyStopping(acc []float64, patience int) int {
	wait := 0
	var best *float64
	for epoch, current := range acc {
		wait++
		if best == nil || current-0 > *best {
			c := current
			best = &c
			wait = 0 // baseline is None
			continue
		}
		if wait >= patience && epoch > 0 {
			return epoch + 1
		}
	}
	return 0
}

func TestEarlyStoppingRule(t *testing.T) {
	tests := []struct {
		acc      []float64
		patience int
		want     int
	}{
		{[]float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 3, 4},
		{[]float64{0.5, 0.6, 0.6, 0.6, 0.6, 0.6}, 3, 5},
		{[]float64{0.5, 0.6, 0.55, 0.7, 0.6, 0.6, 0.6, 0.9}, 3, 7},
		{[]float64{0.5, 0.4, 0.45, 0.5, 0.51, 0.3}, 3, 4},
		{[]float64{0.5, 0.4, 0.45, 0.51, 0.3, 0.3, 0.3, 0.9}, 3, 7},
		{[]float64{0.1, 0.2, 0.3, 0.4, 0.5}, 3, 0},
		{[]float64{0.5, 0.5}, 1, 2},
		{[]float64{0.5, 0.4, 0.3, 0.2, 0.1}, 5, 0},
		{[]float64{0.5, 0.5, 0.5, 0.5, 0.5}, -1, 0},
	}
	for _, tt := range tests {
		s := newEarlyStopping(tt.patience)
		got := 0
		for i, a := range tt.acc {
			if s.update(a) {
				got = i + 1
				break
			}
		}
		if got != tt.want {
			t.Errorf("accuracies %v, patience %d: stopped after epoch %d, want %d", tt.acc, tt.patience, got, tt.want)
		}
		if tt.patience > 0 {
			if k := kerasEarlyStopping(tt.acc, tt.patience); k != tt.want {
				t.Errorf("accuracies %v: the Keras port stops after %d, the table says %d", tt.acc, k, tt.want)
			}
		}
	}
}

// TestFitEarlyStopping checks early stopping inside Fit. With a learning
// rate so small that no prediction changes, training accuracy is the same
// every epoch, so Keras stops after epoch 1+patience.
func TestFitEarlyStopping(t *testing.T) {
	x, y := synthetic(11, 60, 16, 3, 0.5)
	for _, patience := range []int{1, 3, 5} {
		m, err := New(16, 3, Config{LearningRate: 1e-12, Patience: patience, Epochs: 20, BatchSize: 8, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		var calls []EpochResult
		h, err := m.Fit(context.Background(), x, y, nil, nil, func(r EpochResult) { calls = append(calls, r) })
		if err != nil {
			t.Fatal(err)
		}
		if h.StoppedEpoch != patience+1 || h.Epochs() != patience+1 || len(calls) != patience+1 {
			t.Errorf("patience %d: stopped at %d after %d epochs and %d callbacks; want all %d (accuracies %v)",
				patience, h.StoppedEpoch, h.Epochs(), len(calls), patience+1, h.Accuracy)
		}
		if last := calls[len(calls)-1]; !last.Stop {
			t.Errorf("patience %d: last EpochResult has Stop false", patience)
		}
	}
	// A run that learns: Fit's decision must agree with the Keras port on
	// its own accuracies.
	m, _ := New(16, 3, Config{Epochs: 30, BatchSize: 8, Seed: 2})
	h, err := m.Fit(context.Background(), x, y, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := kerasEarlyStopping(h.Accuracy, 3); h.StoppedEpoch != want {
		t.Errorf("stopped at %d; Keras' rule on accuracies %v says %d", h.StoppedEpoch, h.Accuracy, want)
	}
}

// TestFitReportsKerasMeans checks the loss and accuracy Fit reports against
// a recomputation: with a learning rate of ~0 the model does not change, so
// the epoch's running means equal Evaluate on the training data.
func TestFitReportsKerasMeans(t *testing.T) {
	x, y := synthetic(12, 70, 16, 3, 0.5) // 70 = 2 batches of 32 and one of 6
	m, _ := New(16, 3, Config{LearningRate: 1e-12, Epochs: 1, Seed: 3})
	loss, acc, err := m.Evaluate(x, y)
	if err != nil {
		t.Fatal(err)
	}
	h, err := m.Fit(context.Background(), x, y, x, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(h.Loss[0]-loss) > 1e-6 || h.Accuracy[0] != acc {
		t.Errorf("epoch loss %.7f accuracy %.4f; per-example means are %.7f %.4f", h.Loss[0], h.Accuracy[0], loss, acc)
	}
	if math.Abs(h.ValLoss[0]-loss) > 1e-6 || h.ValAccuracy[0] != acc {
		t.Errorf("validation loss %.7f accuracy %.4f; want %.7f %.4f", h.ValLoss[0], h.ValAccuracy[0], loss, acc)
	}
}

func TestFitLearnsAndIsReproducible(t *testing.T) {
	xa, ya := synthetic(13, 250, 200, 4, 0.05)
	x, y, xv, yv := xa[:200], ya[:200], xa[200:], ya[200:]
	run := func() (*History, *Model) {
		m, err := New(200, 4, Config{Seed: 42, Patience: -1})
		if err != nil {
			t.Fatal(err)
		}
		h, err := m.Fit(context.Background(), x, y, xv, yv, nil)
		if err != nil {
			t.Fatal(err)
		}
		return h, m
	}
	h1, m1 := run()
	if h1.ValAccuracy[len(h1.ValAccuracy)-1] < 0.9 {
		t.Errorf("validation accuracy %v after 20 epochs on separable data; want ≥ 0.9", h1.ValAccuracy)
	}
	if h1.Loss[19] >= h1.Loss[0] {
		t.Errorf("loss did not fall: %v", h1.Loss)
	}
	// Same seed, same numbers — also with a different number of workers.
	prev := runtime.GOMAXPROCS(1)
	h2, m2 := run()
	runtime.GOMAXPROCS(prev)
	if !reflect.DeepEqual(h1, h2) {
		t.Errorf("histories differ between runs with one seed:\n%v\n%v", h1, h2)
	}
	w1a, _, _, _ := m1.Weights()
	w1b, _, _, _ := m2.Weights()
	if !reflect.DeepEqual(w1a, w1b) {
		t.Error("weights differ between runs with one seed")
	}
	m3, _ := New(200, 4, Config{Seed: 43, Patience: -1})
	h3, _ := m3.Fit(context.Background(), x, y, xv, yv, nil)
	if reflect.DeepEqual(h1.Loss, h3.Loss) {
		t.Error("a different seed gave the same losses")
	}
}

func TestFitCancel(t *testing.T) {
	x, y := synthetic(14, 64, 8, 2, 0.5)
	m, _ := New(8, 2, Config{Seed: 1, Patience: -1})
	ctx, cancel := context.WithCancel(context.Background())
	h, err := m.Fit(ctx, x, y, nil, nil, func(r EpochResult) {
		if r.Epoch == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Fit returned %v, want context.Canceled", err)
	}
	if h.Epochs() != 2 {
		t.Errorf("history has %d epochs, want the 2 completed", h.Epochs())
	}
}

func TestBadInput(t *testing.T) {
	good, labels := synthetic(15, 10, 4, 3, 0.5)
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	withRow := func(i int, row []float32) [][]float32 {
		x := append([][]float32(nil), good...)
		x[i] = row
		return x
	}
	withLabel := func(i, l int) []int {
		y := append([]int(nil), labels...)
		y[i] = l
		return y
	}
	tests := []struct {
		name    string
		x       [][]float32
		y       []int
		xv      [][]float32
		yv      []int
		mention string
	}{
		{"empty", nil, nil, nil, nil, "no examples"},
		{"ragged", withRow(3, []float32{1, 2, 3}), labels, nil, nil, "row 3 has 3 values"},
		{"NaN", withRow(2, []float32{0, nan, 0, 0}), labels, nil, nil, "row 2, column 1 is NaN"},
		{"Inf", withRow(5, []float32{0, 0, 0, inf}), labels, nil, nil, "row 5, column 3 is +Inf"},
		{"label too big", good, withLabel(4, 3), nil, nil, "label 3 of example 4 is out of range"},
		{"negative label", good, withLabel(0, -1), nil, nil, "label -1 of example 0"},
		{"label count", good, labels[:9], nil, nil, "9 labels for 10 examples"},
		{"validation width", good, labels, [][]float32{{1, 2, 3, 4, 5}}, []int{0}, "validation data: row 0 has 5 values"},
		{"validation NaN", good, labels, [][]float32{{1, nan, 3, 4}}, []int{0}, "validation data: row 0, column 1 is NaN"},
		{"validation label", good, labels, good[:2], []int{0, 7}, "validation data: label 7"},
		{"validation labels without rows", good, labels, nil, []int{0}, "validation data: no examples"},
	}
	for _, tt := range tests {
		m, _ := New(4, 3, Config{Seed: 1})
		before, _, _, _ := m.Weights()
		called := false
		_, err := m.Fit(context.Background(), tt.x, tt.y, tt.xv, tt.yv, func(EpochResult) { called = true })
		if err == nil || !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, err, tt.mention)
		}
		after, _, _, _ := m.Weights()
		if called || !reflect.DeepEqual(before, after) || m.opt != nil {
			t.Errorf("%s: training started despite the error", tt.name)
		}
	}
	m, _ := New(4, 3, Config{})
	if _, err := m.Predict([][]float32{{1, 2}}); err == nil {
		t.Error("Predict accepted a row of the wrong width")
	}
	if _, _, err := m.Evaluate(good, labels[:3]); err == nil {
		t.Error("Evaluate accepted mismatched labels")
	}
	for _, c := range []Config{{Hidden: -1}, {Output: 7}, {LearningRate: math.NaN()}, {Beta1: 1}, {BatchSize: -2}} {
		if _, err := New(4, 3, c); err == nil {
			t.Errorf("New accepted %+v", c)
		}
	}
	var zero Model
	if _, err := zero.Fit(context.Background(), good, labels, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "New or Load") {
		t.Errorf("Fit on a zero Model: %v", err)
	}
	if _, err := New(0, 3, Config{}); err == nil {
		t.Error("New accepted input size 0")
	}
	if _, err := New(4, 1, Config{}); err == nil {
		t.Error("New accepted one class")
	}
}

func TestPredict(t *testing.T) {
	xa, ya := synthetic(16, 300, 32, 3, 0.05)
	m, _ := New(32, 3, Config{Seed: 5, Patience: -1})
	if err := m.SetClasses([]string{"a", "b", "c"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(context.Background(), xa[:200], ya[:200], nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	out, err := m.Predict(xa[200:])
	if err != nil {
		t.Fatal(err)
	}
	cls, _ := m.PredictClasses(xa[200:])
	names, _ := m.PredictNames(xa[200:])
	probs, _ := m.Probabilities(xa[200:])
	correct := 0
	for i, o := range out {
		if len(o) != 3 {
			t.Fatalf("row %d has %d outputs", i, len(o))
		}
		for _, v := range o {
			if v <= 0 || v >= 1 {
				t.Fatalf("sigmoid output %v outside (0, 1)", v)
			}
		}
		if cls[i] != argmax(o) || names[i] != m.Classes[cls[i]] || argmax(probs[i]) != cls[i] {
			t.Fatalf("row %d: class %d, name %q, outputs %v, probabilities %v disagree", i, cls[i], names[i], o, probs[i])
		}
		var s float64
		for _, p := range probs[i] {
			s += float64(p)
		}
		if math.Abs(s-1) > 1e-5 {
			t.Fatalf("probabilities %v sum to %v", probs[i], s)
		}
		if cls[i] == ya[200+i] {
			correct++
		}
	}
	_, acc, _ := m.Evaluate(xa[200:], ya[200:])
	if got := float64(correct) / 100; got != acc {
		t.Errorf("Evaluate accuracy %v, PredictClasses accuracy %v", acc, got)
	}
}

func TestSaveLoad(t *testing.T) {
	x, y := synthetic(17, 50, 24, 3, 0.5)
	m, _ := New(24, 3, Config{Hidden: 40, Output: Logits, Seed: 8, Epochs: 2})
	m.SetClasses([]string{"sci.crypt", "sci.med", "sci.space"})
	m.Embedder = "lsa-tfidf-24d-0123abcd"
	if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if want := 8 + 4 + 4*(24*40+40+40*3+3) + 4; len(data) < want {
		t.Fatalf("file of %d bytes, want at least %d", len(data), want)
	}
	l, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if l.Config() != m.Config() || !reflect.DeepEqual(l.Classes, m.Classes) || l.HiddenSize() != 40 || l.Embedder != m.Embedder {
		t.Errorf("loaded config %+v classes %v embedder %q; saved %+v %v %q", l.Config(), l.Classes, l.Embedder, m.Config(), m.Classes, m.Embedder)
	}
	p1, _ := m.Predict(x)
	p2, _ := l.Predict(x)
	if !reflect.DeepEqual(p1, p2) {
		t.Error("loaded model predicts differently")
	}
	path := t.TempDir() + "/model.mlp"
	if err := m.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); err != nil {
		t.Fatal(err)
	}
	if err := l.CheckShape(3072, 4); err == nil || !strings.Contains(err.Error(), "24 features to 3 classes") {
		t.Errorf("CheckShape on another shape: %v", err)
	}

	damaged := func(name string, d []byte) {
		t.Helper()
		if _, err := Load(bytes.NewReader(d)); !errors.Is(err, ErrBadFile) {
			t.Errorf("%s: Load returned %v, want ErrBadFile", name, err)
		}
	}
	flip := append([]byte(nil), data...)
	flip[len(flip)/2] ^= 0x10
	damaged("flipped bit", flip)
	damaged("truncated", data[:len(data)-100])
	damaged("no checksum", data[:len(data)-4])
	damaged("empty", nil)
	damaged("not a model", []byte("PK\x03\x04 a zip file, say"))
	hdr := bytes.Replace(append([]byte(nil), data...), []byte(`"hidden":40`), []byte(`"hidden":41`), 1)
	damaged("header of another shape", hdr)
}

func TestSummary(t *testing.T) {
	m, err := New(3072, 4, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if m.NumParams() != 9452548 {
		t.Errorf("NumParams %d, want 9,452,548", m.NumParams())
	}
	s := m.Summary()
	for _, want := range []string{"(None, 3072)", "9,440,256", "12,292", "Total params: 9,452,548 (36.06 MB)", "dense_1 (Dense)"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	if h := m.SummaryHTML(); !strings.Contains(h, "<table") || !strings.Contains(h, "9,440,256") {
		t.Errorf("HTML summary: %s", h)
	}
}
