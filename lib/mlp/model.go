package mlp

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Model is the tutorial's classifier: Dense(hidden, ReLU) followed by
// Dense(classes) with a sigmoid or linear output (see Output). Its weights
// live in float32 slices; Fit trains it in place, and calling Fit again
// continues training with the optimizer state it has built up, as Keras does.
//
// A Model is not safe for concurrent use: call its methods from one
// goroutine at a time (each call itself uses every CPU).
type Model struct {
	// Classes optionally names the classes: Classes[i] is the name of class
	// i. It is saved with the model. Set it with SetClasses, which checks
	// its length.
	Classes []string

	// Embedder identifies the embedder whose vectors the model was trained
	// on: its model name, which for a fitted embedder carries a fingerprint
	// of its fit (embedding.Embedder's Model), for example
	// "lsa-tfidf-2048d-1a2b3c4d". It is saved with the model, so that a
	// program can refuse vectors from another embedder; empty means
	// unknown (a model made without one, or read from a version 1 file).
	Embedder string

	cfg                 Config // defaulted
	in, hidden, classes int

	// Parameters. Both kernels are stored transposed, one row per unit
	// they feed: w1t is hidden×in and w2t classes×hidden (Keras stores
	// in×hidden and hidden×classes; Weights converts). Each hidden unit's
	// weights are then one contiguous row, which lets the backward pass skip
	// the units ReLU switched off, a dot product compute each activation,
	// and the weight update stream whole rows.
	w1t, b1, w2t, b2 []float32

	opt *adam // nil until the first Fit
}

// adam is Adam's state: the step count and the first and second moment of
// every parameter, laid out like the parameters.
type adam struct {
	step                   int64
	m1, v1, mb1, vb1       []float32
	m2t, v2t, mb2, vb2     []float32
	lr, beta1, beta2, eps  float64
	alpha                  float32 // this step's lr·√(1−β₂ᵗ)/(1−β₁ᵗ)
	oneMinusB1, oneMinusB2 float32
}

// New returns a model for inputSize features and numClasses classes, its
// weights drawn Glorot-uniform from cfg.Seed and its biases zero.
func New(inputSize, numClasses int, cfg Config) (*Model, error) {
	if inputSize <= 0 {
		return nil, fmt.Errorf("mlp: input size is %d; want the width of an embedding, > 0", inputSize)
	}
	if numClasses < 2 {
		return nil, fmt.Errorf("mlp: %d classes; a classifier needs at least 2", numClasses)
	}
	c := cfg.withDefaults(inputSize)
	if err := c.validate(); err != nil {
		return nil, err
	}
	m := newModel(inputSize, c.Hidden, numClasses, c)
	r := rand.New(rand.NewPCG(uint64(c.Seed), 0x6d6c702d696e6974)) // stream "mlp-init"
	glorotT(r, m.w1t, inputSize, c.Hidden)
	glorotT(r, m.w2t, c.Hidden, numClasses)
	return m, nil
}

func newModel(in, hidden, classes int, cfg Config) *Model {
	return &Model{
		cfg: cfg, in: in, hidden: hidden, classes: classes,
		w1t: make([]float32, hidden*in),
		b1:  make([]float32, hidden),
		w2t: make([]float32, classes*hidden),
		b2:  make([]float32, classes),
	}
}

// glorotT fills the transposed kernel wt (fanOut×fanIn) with Glorot-uniform
// values: uniform on [-l, l] with l = √(6/(fanIn+fanOut)), Keras' default
// kernel initializer. Values are drawn in the order of Keras' fanIn×fanOut
// layout.
func glorotT(r *rand.Rand, wt []float32, fanIn, fanOut int) {
	lim := math.Sqrt(6 / float64(fanIn+fanOut))
	for i := range fanIn {
		for j := range fanOut {
			wt[j*fanIn+i] = float32((2*r.Float64() - 1) * lim)
		}
	}
}

// transpose returns the rows×cols row-major matrix a transposed.
func transpose(a []float32, rows, cols int) []float32 {
	t := make([]float32, len(a))
	for i := range rows {
		for j := range cols {
			t[j*rows+i] = a[i*cols+j]
		}
	}
	return t
}

// InputSize returns the number of features the model takes.
func (m *Model) InputSize() int { return m.in }

// HiddenSize returns the width of the hidden layer.
func (m *Model) HiddenSize() int { return m.hidden }

// NumClasses returns the number of classes.
func (m *Model) NumClasses() int { return m.classes }

// Config returns the model's configuration with defaults filled in.
func (m *Model) Config() Config { return m.cfg }

// NumParams returns the number of trainable parameters: 9,452,548 for the
// tutorial's 3072→3072→4 network.
func (m *Model) NumParams() int {
	return m.in*m.hidden + m.hidden + m.hidden*m.classes + m.classes
}

// SetClasses names the classes, in label order. It fails unless there is
// one name per class.
func (m *Model) SetClasses(names []string) error {
	if names != nil && len(names) != m.classes {
		return fmt.Errorf("mlp: %d class names for a model of %d classes", len(names), m.classes)
	}
	m.Classes = append([]string(nil), names...)
	return nil
}

// ClassName returns the name of class i, or its number when the model has
// no names.
func (m *Model) ClassName(i int) string {
	if i >= 0 && i < len(m.Classes) {
		return m.Classes[i]
	}
	return fmt.Sprint(i)
}

// Weights returns copies of the model's parameters in Keras' layout: the
// first kernel (input×hidden, row-major) and bias, the second kernel
// (hidden×classes, row-major) and bias — the arrays Keras'
// model.get_weights() returns.
func (m *Model) Weights() (w1, b1, w2, b2 []float32) {
	return transpose(m.w1t, m.hidden, m.in), append([]float32(nil), m.b1...),
		transpose(m.w2t, m.classes, m.hidden), append([]float32(nil), m.b2...)
}

// SetWeights replaces the model's parameters, given in the layout Weights
// returns, and resets the optimizer. Values must be finite.
func (m *Model) SetWeights(w1, b1, w2, b2 []float32) error {
	if len(w1) != m.in*m.hidden || len(b1) != m.hidden || len(w2) != m.hidden*m.classes || len(b2) != m.classes {
		return fmt.Errorf("mlp: SetWeights got arrays of %d, %d, %d, %d values; the %d→%d→%d model needs %d, %d, %d, %d",
			len(w1), len(b1), len(w2), len(b2), m.in, m.hidden, m.classes,
			m.in*m.hidden, m.hidden, m.hidden*m.classes, m.classes)
	}
	for _, s := range [][]float32{w1, b1, w2, b2} {
		if i := firstNonFinite(s); i >= 0 {
			return errors.New("mlp: SetWeights got a NaN or infinite value")
		}
	}
	m.w1t = transpose(w1, m.in, m.hidden)
	copy(m.b1, b1)
	m.w2t = transpose(w2, m.hidden, m.classes)
	copy(m.b2, b2)
	m.opt = nil
	return nil
}

// firstNonFinite returns the index of the first NaN or ±Inf in s, or -1.
func firstNonFinite(s []float32) int {
	for i, v := range s {
		// v-v is 0 for finite v and NaN for NaN and ±Inf.
		if v-v != 0 {
			return i
		}
	}
	return -1
}

func (m *Model) ensureOptimizer() *adam {
	if m.opt != nil {
		return m.opt
	}
	m.opt = &adam{
		m1: make([]float32, len(m.w1t)), v1: make([]float32, len(m.w1t)),
		mb1: make([]float32, len(m.b1)), vb1: make([]float32, len(m.b1)),
		m2t: make([]float32, len(m.w2t)), v2t: make([]float32, len(m.w2t)),
		mb2: make([]float32, len(m.b2)), vb2: make([]float32, len(m.b2)),
		lr: m.cfg.LearningRate, beta1: m.cfg.Beta1, beta2: m.cfg.Beta2, eps: m.cfg.Epsilon,
	}
	return m.opt
}

// begin advances Adam to its next step and computes that step's constants,
// as Keras 3's Adam.update_step does (in float32 there; the scalar here is
// computed in float64 and rounded once).
func (a *adam) begin() {
	a.step++
	t := float64(a.step)
	a.alpha = float32(a.lr * math.Sqrt(1-math.Pow(a.beta2, t)) / (1 - math.Pow(a.beta1, t)))
	a.oneMinusB1 = float32(1 - a.beta1)
	a.oneMinusB2 = float32(1 - a.beta2)
}

// update applies one Adam step to the parameters w with gradients g and
// moments m, v (all the same length):
//
//	m += (g−m)(1−β₁); v += (g²−v)(1−β₂); w −= α·m/(√v+ε)
func (a *adam) update(w, g, m, v []float32) {
	adamKernel(w, g, m, v, a.alpha, a.oneMinusB1, a.oneMinusB2, float32(a.eps))
}

// adamGeneric is the portable Adam kernel. The vector kernels perform the
// same float32 operations in the same order and so give identical results.
func adamGeneric(w, g, m, v []float32, alpha, c1, c2, eps float32) {
	g = g[:len(w)]
	m = m[:len(w)]
	v = v[:len(w)]
	for i := range w {
		gi := g[i]
		mi := m[i] + (gi-m[i])*c1
		vi := v[i] + (gi*gi-v[i])*c2
		m[i] = mi
		v[i] = vi
		// The float64 square root rounded to float32 is the correctly
		// rounded float32 square root, as VSQRTPS computes it.
		w[i] -= alpha * mi / (float32(math.Sqrt(float64(vi))) + eps)
	}
}
