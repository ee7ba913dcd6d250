package notebook

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// memo gives the test its own folder for kept values.
func memo(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	t.Setenv(memoDirEnv, d)
	return d
}

// counted returns a step computing n*factor that counts its runs; each call
// makes a new Value, as every cell's program does.
func counted(runs *int, n int, factor float64) *Value[float64] {
	return Step("scaling", func(context.Context) (float64, error) {
		*runs++
		Printf("scaled %d\n", n)
		return float64(n) * factor, nil
	}, n, factor)
}

func TestStepComputesOnceForTheSameInputs(t *testing.T) {
	memo(t)
	out, _ := useText(t)
	runs := 0
	v := counted(&runs, 3, 2)
	if runs != 0 {
		t.Fatal("declaring a value computed it")
	}
	if got := v.Get(); got != 6 || runs != 1 || v.FromCache() {
		t.Fatalf("Get = %v after %d runs (from cache %v), want 6 computed once", got, runs, v.FromCache())
	}
	// Another program (a later cell) with the same inputs reads it back.
	w := counted(&runs, 3, 2)
	if got := w.Get(); got != 6 || runs != 1 || !w.FromCache() {
		t.Errorf("second program: Get = %v, %d runs, from cache %v; want 6 read back", got, runs, w.FromCache())
	}
	// Any input changed: computed again.
	for _, c := range []*Value[float64]{counted(&runs, 4, 2), counted(&runs, 3, 2.5)} {
		before := runs
		c.Get()
		if runs != before+1 || c.FromCache() {
			t.Errorf("changed input: runs %d → %d, from cache %v; want computed again", before, runs, c.FromCache())
		}
	}
	if strings.Count(out.String(), "scaled 3") != 2 {
		t.Errorf("output %q: want the step's own print once per computation", out)
	}
}

// A chain of steps is keyed through its inputs' keys: changing the first
// step's input changes the second's key without computing either.
func TestStepChainKeys(t *testing.T) {
	memo(t)
	useText(t)
	runs := 0
	chain := func(n int) *Value[float64] {
		up := counted(&runs, n, 1)
		return Step("adding one", func(context.Context) (float64, error) { return up.Get() + 1, nil }, up)
	}
	a, _ := chain(1).Key()
	b, _ := chain(1).Key()
	c, _ := chain(2).Key()
	if a != b || a == c || runs != 0 {
		t.Errorf("keys %s %s %s after %d runs: want the first two equal, the third different, nothing computed", a, b, c, runs)
	}
	if got := chain(2).Get(); got != 3 {
		t.Errorf("chain(2) = %v", got)
	}
}

// Showing a value read back replays what computing it displayed, under a
// one-line note, with progress bars at their final state.
func TestShowReplays(t *testing.T) {
	memo(t)
	out, bars := useText(t)
	step := func() *Value[string] {
		return Step("training the classifier", func(context.Context) (string, error) {
			p := NewProgress("Training", 2)
			Print("Epoch 1/2 - loss: 1.3")
			p.Set(1, 2)
			Print("Epoch 2/2 - loss: 1.1")
			p.Set(2, 2)
			p.Finish()
			return "Trained for 2 epochs.", nil
		}, "settings")
	}
	Show(step())
	first := out.String()
	if strings.Contains(first, "cache") || !strings.Contains(first, "Epoch 2/2") || !strings.HasSuffix(first, "Trained for 2 epochs.\n") {
		t.Fatalf("first run shows:\n%s", first)
	}
	out.Reset()
	bars.Reset()
	Show(step())
	got := out.String()
	want := "(From the session cache: training the classifier, computed at "
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "replayed below.)\nEpoch 1/2 - loss: 1.3\nEpoch 2/2 - loss: 1.1\nTrained for 2 epochs.\n") {
		t.Errorf("replay shows:\n%s", got)
	}
	if b := bars.String(); strings.Count(b, "\r") != 1 || !strings.Contains(b, "2/2") {
		t.Errorf("replayed bars %q: want the final state only", b)
	}
}

// What a step that another step needs displays is recorded with its own
// value, not with the outer step's.
func TestNestedStepsRecordSeparately(t *testing.T) {
	memo(t)
	out, _ := useText(t)
	mk := func() (*Value[int], *Value[int]) {
		inner := Step("inner", func(context.Context) (int, error) { Print("inner work"); return 1, nil }, "i")
		outer := Step("outer", func(context.Context) (int, error) { Print("outer work"); return inner.Get() + 1, nil }, inner)
		return inner, outer
	}
	_, outer := mk()
	outer.Get()
	out.Reset()
	_, outer = mk()
	Show(outer)
	if got := out.String(); strings.Contains(got, "inner work") || !strings.Contains(got, "outer work") {
		t.Errorf("replay of the outer step:\n%s", got)
	}
}

// A damaged kept value is dropped with a warning and computed again.
func TestDamagedEntryIsRecomputed(t *testing.T) {
	dir := memo(t)
	out, _ := useText(t)
	runs := 0
	counted(&runs, 5, 1).Get()
	files, _ := filepath.Glob(filepath.Join(dir, "*.gob"))
	if len(files) != 1 {
		t.Fatalf("kept files %v, want 1", files)
	}
	b, _ := os.ReadFile(files[0])
	b[len(b)-1] ^= 0xff
	os.WriteFile(files[0], b, 0o644)
	v := counted(&runs, 5, 1)
	if got := v.Get(); got != 5 || runs != 2 || v.FromCache() {
		t.Errorf("damaged entry: Get = %v after %d runs, from cache %v", got, runs, v.FromCache())
	}
	if !strings.Contains(out.String(), "checksum mismatch") {
		t.Errorf("no warning naming the damage:\n%s", out)
	}
}

func TestStepErrorIsNotKept(t *testing.T) {
	memo(t)
	useText(t)
	fail := true
	mk := func() *Value[int] {
		return Step("flaky", func(context.Context) (int, error) {
			if fail {
				return 0, errors.New("network down")
			}
			return 7, nil
		}, "x")
	}
	if _, err := mk().Result(); err == nil || !strings.Contains(err.Error(), "flaky: network down") {
		t.Fatalf("error = %v", err)
	}
	fail = false
	if got, err := mk().Result(); got != 7 || err != nil {
		t.Errorf("after the failure: %v, %v", got, err)
	}
}

type opaque struct{ secret int }

type withFunc struct {
	Name string
	F    func()
}

func TestFingerprint(t *testing.T) {
	type cfg struct {
		Dims  int
		Names []string
		M     map[string]float64
		P     *int
	}
	one := 1
	a, err := Fingerprint(cfg{3, []string{"a"}, map[string]float64{"x": 1, "y": 2}, &one})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Fingerprint(cfg{3, []string{"a"}, map[string]float64{"y": 2, "x": 1}, &one})
	c, _ := Fingerprint(cfg{3, []string{"a", ""}, map[string]float64{"x": 1, "y": 2}, &one})
	d, _ := Fingerprint([][]float32{{1, 2}})
	e, _ := Fingerprint([][]float32{{1, 2.0000002}})
	if a != b || a == c || d == e {
		t.Errorf("fingerprints: %s %s %s %s %s", a, b, c, d, e)
	}
	if _, err := Fingerprint(opaque{1}); err == nil || !strings.Contains(err.Error(), "unexported field secret") {
		t.Errorf("unexported field: %v", err)
	}
	if _, err := Fingerprint(withFunc{"x", func() {}}); err == nil {
		t.Error("a function in an input: no error")
	}
	if _, err := Fingerprint(withFunc{"x", nil}); err != nil {
		t.Errorf("a nil function: %v", err)
	}
}

func TestResults(t *testing.T) {
	memo(t)
	useText(t)
	runs := 0
	a, b := counted(&runs, 2, 1), counted(&runs, 5, 1)
	if x, y, err := Results(a, b); x != 2 || y != 5 || err != nil || runs != 2 {
		t.Errorf("Results = %v, %v, %v after %d runs; want 2, 5, nil after 2", x, y, err, runs)
	}
	failed := Step("failing", func(context.Context) (float64, error) { return 0, errors.New("no data") }, "y")
	later := counted(&runs, 9, 1)
	if _, _, err := Results(failed, later); err == nil || !strings.Contains(err.Error(), "no data") || runs != 2 {
		t.Errorf("Results with the first failing: %v after %d runs; want its error, the second not computed", err, runs)
	}
	if _, _, err := Results(b, failed); err == nil || !strings.Contains(err.Error(), "no data") {
		t.Errorf("Results with the second failing: %v; want its error", err)
	}
}
