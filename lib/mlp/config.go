package mlp

import (
	"cmp"
	"fmt"
	"math"
)

// Output selects what the output layer hands to the loss.
type Output int

const (
	// Sigmoid is the tutorial's output layer: Dense(classes,
	// activation="sigmoid"), whose values the loss then treats as logits
	// (SparseCategoricalCrossentropy(from_logits=True)). Predict returns the
	// sigmoid values, as Keras' predict does.
	Sigmoid Output = iota
	// Logits is a plain linear output layer whose values are the softmax
	// logits: the usual softmax classifier. Predict returns the logits.
	Logits
)

// String returns "sigmoid" or "logits".
func (o Output) String() string {
	switch o {
	case Sigmoid:
		return "sigmoid"
	case Logits:
		return "logits"
	}
	return fmt.Sprintf("Output(%d)", int(o))
}

// Defaults used for zero Config fields. They are the tutorial's and Keras'.
const (
	DefaultLearningRate = 0.001
	DefaultBeta1        = 0.9
	DefaultBeta2        = 0.999
	DefaultEpsilon      = 1e-7
	DefaultBatchSize    = 32
	DefaultEpochs       = 20
	DefaultPatience     = 3
)

// Config describes the network and its training. The zero value is the
// tutorial's setup: a hidden layer as wide as the input, sigmoid outputs,
// Adam(0.001) with Keras' defaults, batches of 32, 20 epochs and
// EarlyStopping(monitor="accuracy", patience=3).
type Config struct {
	// Hidden is the width of the hidden ReLU layer; 0 means the input size,
	// as in the tutorial.
	Hidden int
	// Output is the output layer's kind; the zero value is the tutorial's
	// Sigmoid.
	Output Output
	// LearningRate is Adam's step size; 0 means 0.001.
	LearningRate float64
	// Beta1, Beta2 and Epsilon are Adam's constants; 0 means Keras' defaults
	// 0.9, 0.999 and 1e-7.
	Beta1, Beta2, Epsilon float64
	// BatchSize is the number of examples per gradient step; 0 means 32.
	BatchSize int
	// Epochs is the maximum number of passes over the training data; 0
	// means 20.
	Epochs int
	// Patience configures early stopping on training accuracy, with Keras'
	// EarlyStopping(monitor="accuracy", patience=Patience) rule: after every
	// epoch a wait counter is incremented, then reset to 0 if the epoch's
	// accuracy is strictly greater than the best seen so far (the first
	// epoch always is); training stops when the counter reaches Patience.
	// With patience 3 that is after three epochs in a row without a new
	// best. 0 means 3; a negative value turns early stopping off.
	Patience int
	// Seed seeds the weight initialisation and the per-epoch shuffles.
	Seed int64
}

// withDefaults returns c with zero fields replaced by their defaults.
func (c Config) withDefaults(inputSize int) Config {
	c.Hidden = cmp.Or(c.Hidden, inputSize)
	c.LearningRate = cmp.Or(c.LearningRate, DefaultLearningRate)
	c.Beta1 = cmp.Or(c.Beta1, DefaultBeta1)
	c.Beta2 = cmp.Or(c.Beta2, DefaultBeta2)
	c.Epsilon = cmp.Or(c.Epsilon, DefaultEpsilon)
	c.BatchSize = cmp.Or(c.BatchSize, DefaultBatchSize)
	c.Epochs = cmp.Or(c.Epochs, DefaultEpochs)
	c.Patience = cmp.Or(c.Patience, DefaultPatience)
	return c
}

// validate reports the first invalid field of a defaulted Config.
func (c Config) validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case c.Hidden < 0:
		return fmt.Errorf("mlp: Config.Hidden is %d; want a positive width, or 0 for the input size", c.Hidden)
	case c.Output != Sigmoid && c.Output != Logits:
		return fmt.Errorf("mlp: Config.Output is %v; want mlp.Sigmoid or mlp.Logits", c.Output)
	case !finite(c.LearningRate) || c.LearningRate < 0:
		return fmt.Errorf("mlp: Config.LearningRate is %v; want a positive number", c.LearningRate)
	case !finite(c.Beta1) || c.Beta1 < 0 || c.Beta1 >= 1:
		return fmt.Errorf("mlp: Config.Beta1 is %v; want a value in (0, 1)", c.Beta1)
	case !finite(c.Beta2) || c.Beta2 < 0 || c.Beta2 >= 1:
		return fmt.Errorf("mlp: Config.Beta2 is %v; want a value in (0, 1)", c.Beta2)
	case !finite(c.Epsilon) || c.Epsilon < 0:
		return fmt.Errorf("mlp: Config.Epsilon is %v; want a small positive number", c.Epsilon)
	case c.BatchSize < 0:
		return fmt.Errorf("mlp: Config.BatchSize is %d; want a positive number", c.BatchSize)
	case c.Epochs < 0:
		return fmt.Errorf("mlp: Config.Epochs is %d; want a positive number", c.Epochs)
	}
	return nil
}
