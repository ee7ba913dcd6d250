package lsa

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"testing"
)

var corpus = []string{
	"The rocket launch to orbit was delayed by the weather at the space center.",
	"NASA plans a new space station module and another rocket launch next year.",
	"The shuttle reached orbit; the space station crew docked with the shuttle.",
	"Encryption keys and the clipper chip: the government wants key escrow.",
	"Public key encryption protects privacy; the chip's escrow worries us.",
	"Strong encryption and key management for secure email privacy.",
	"The doctor said the patient's disease responds to a new medicine.",
	"Medicine for the disease: my doctor prescribed a drug for the patient.",
	"Patients with this disease should see a doctor about medicine doses.",
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestFitEmbedMeaningAndDeterminism(t *testing.T) {
	ctx := context.Background()
	m, err := Fit(ctx, corpus, Config{Dims: 3, MinDF: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Dim() != 3 {
		t.Fatalf("Dim = %d, want 3", m.Dim())
	}
	v, err := m.Embed(ctx, []string{
		"space shuttle rocket orbit",
		"rocket launch into orbit",
		"encryption key escrow chip",
		"", // no known term
	})
	if err != nil {
		t.Fatal(err)
	}
	if same, other := dot(v[0], v[1]), dot(v[0], v[2]); same <= other {
		t.Errorf("similar texts not closer: cos(space, space)=%.3f <= cos(space, crypto)=%.3f", same, other)
	}
	if d := dot(v[0], v[0]); d < 0.999 || d > 1.001 {
		t.Errorf("vector not normalised: |v|² = %f", d)
	}
	if dot(v[3], v[3]) != 0 {
		t.Errorf("a text with no known term should get the zero vector, got %v", v[3])
	}
	m2, err := Fit(ctx, corpus, Config{Dims: 3, MinDF: 1})
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := m2.Embed(ctx, []string{"space shuttle rocket orbit"})
	if !slices.Equal(v[0], v2[0]) || m.Model() != m2.Model() {
		t.Errorf("two fits differ: %v %s vs %v %s", v[0], m.Model(), v2[0], m2.Model())
	}
	m3, _ := Fit(ctx, corpus[:8], Config{Dims: 3, MinDF: 1})
	if m3.Model() == m.Model() {
		t.Errorf("fits on different texts share the name %s", m.Model())
	}
}

func TestFitErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		texts []string
	}{
		{"none", nil},
		{"one", []string{"just one text"}},
		{"no shared terms", []string{"alpha beta", "gamma delta"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Fit(ctx, tc.texts, Config{}); !errors.Is(err, ErrTooFewTexts) {
				t.Fatalf("err = %v, want ErrTooFewTexts", err)
			}
		})
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Fit(cctx, corpus, Config{MinDF: 1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Fit: err = %v", err)
	}
}

func TestTermKeys(t *testing.T) {
	// Tokens of 2+ word characters, lower-cased; bigrams of neighbours.
	a := termKeys(nil, "Hello, WORLD a x_1", features{bigrams: true})
	b := termKeys(nil, "hello world x_1", features{bigrams: true})
	if !slices.Equal(a, b) || len(a) != 5 {
		t.Fatalf("keys %v vs %v", a, b)
	}
	if u := termKeys(nil, "hello world", features{}); len(u) != 2 {
		t.Fatalf("unigrams only: %d keys", len(u))
	}
}

func TestSaveLoad(t *testing.T) {
	ctx := context.Background()
	m, err := Fit(ctx, corpus, Config{Dims: 3, MinDF: 1})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(ctx, &buf)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.Embed(ctx, []string{"rocket orbit"})
	b, _ := m2.Embed(ctx, []string{"rocket orbit"})
	if m.Model() != m2.Model() || !slices.Equal(a[0], b[0]) {
		t.Fatalf("loaded model differs: %s %v vs %s %v", m.Model(), a, m2.Model(), b)
	}
	if _, err := Load(ctx, bytes.NewReader([]byte("not gzip"))); err == nil {
		t.Fatal("Load accepted garbage")
	}
}

func TestConfigVariants(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"defaults", Config{Dims: 4, MinDF: 1}},
		{"words only", Config{Dims: 4, MinDF: 1, Unigrams: true, NoChars: true, TitleRepeat: -1}},
		{"no whitening", Config{Dims: 4, MinDF: 1, Whiten: -1}},
		{"classic tf-idf", Config{Dims: 4, MinDF: 1, IDFPower: 1}},
		{"idf cubed", Config{Dims: 4, MinDF: 1, IDFPower: 3}},
		{"char 2-3", Config{Dims: 4, MinDF: 1, CharMin: 2, CharMax: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Fit(ctx, corpus, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			const want = 4
			v, err := m.Embed(ctx, []string{"space shuttle rocket orbit", "rocket launch into orbit", "encryption key escrow chip"})
			if err != nil {
				t.Fatal(err)
			}
			if m.Dim() != want || len(v[0]) != want {
				t.Fatalf("Dim %d, len %d, want %d", m.Dim(), len(v[0]), want)
			}
			if same, other := dot(v[0], v[1]), dot(v[0], v[2]); same <= other {
				t.Errorf("similar texts not closer: %.3f <= %.3f", same, other)
			}
		})
	}
}

// TestIDFPower checks the term weights themselves: in a text where a rare
// and a common term occur once each, the ratio of their weights is
// idf_rare/idf_common with IDFPower 1 and its square with IDFPower 2.
func TestIDFPower(t *testing.T) {
	ctx := context.Background()
	texts := []string{"aa bb", "aa cc", "aa dd", "aa bb cc", "aa dd ee", "ee ff aa"}
	f := features{}
	docs, err := countAll(ctx, texts, f)
	if err != nil {
		t.Fatal(err)
	}
	ratio := func(p float64) float64 {
		t.Helper()
		var m Model
		m.setIDF(vocabulary(docs, Config{MinDF: 1, MaxDF: 1, MaxFeatures: 100}), len(texts), p)
		r := m.weigh(countTerms(textKeys(nil, "aa ff", f)))
		if len(r.val) != 2 {
			t.Fatalf("IDFPower %g: %d non-zero weights, want 2", p, len(r.val))
		}
		return max(r.val[0], r.val[1]) / min(r.val[0], r.val[1])
	}
	// aa is in all 6 texts, ff in 1: smooth idf ln(7/7)+1 = 1 and ln(7/2)+1.
	want := math.Log(7.0/2) + 1
	if got := ratio(1); math.Abs(got-want) > 1e-6 { // idf is float32
		t.Errorf("IDFPower 1: weight ratio %.6f, want %.6f", got, want)
	}
	if got := ratio(2); math.Abs(got-want*want) > 1e-6 {
		t.Errorf("IDFPower 2: weight ratio %.6f, want %.6f", got, want*want)
	}
}
