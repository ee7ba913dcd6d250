// Package mlp is the classifier of Google's "Classify text with embeddings"
// tutorial, rebuilt on gonum's float32 BLAS with Keras' training semantics.
//
// The network has one hidden layer:
//
//	input (n) → Dense(hidden, ReLU) → Dense(classes, sigmoid)
//
// and is trained with sparse categorical cross-entropy computed from logits,
// Adam, mini-batches drawn from a fresh shuffle every epoch, and optional
// early stopping on training accuracy — everything the tutorial's Keras model
// does, with the same defaults:
//
//	model, err := mlp.New(3072, 4, mlp.Config{Seed: 1})
//	hist, err := model.Fit(ctx, xTrain, yTrain, xVal, yVal, func(e mlp.EpochResult) { fmt.Println(e) })
//	loss, acc, err := model.Evaluate(xVal, yVal)
//	classes, err := model.PredictClasses(xVal)
//
// # The tutorial's quirk
//
// The tutorial's output layer applies a sigmoid and its loss,
// SparseCategoricalCrossentropy(from_logits=True), then treats those sigmoid
// values as logits: the loss is -log softmax(sigmoid(z))[y]. Because sigmoid
// values lie in (0, 1), the loss can never fall below log(1+(k-1)/e) (about
// 0.744 for four classes) and predictions are never confident. Output Sigmoid
// (the default) reproduces that model faithfully; Output Logits drops the
// sigmoid and gives the usual softmax classifier.
//
// # Keras semantics
//
// Weights start Glorot-uniform (limit √(6/(fan_in+fan_out))) and biases at
// zero. Adam follows Keras 3's update rule, including its epsilon placement:
//
//	α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ);  m += (g−m)(1−β₁);  v += (g²−v)(1−β₂);  w −= α·m/(√v+ε)
//
// Each epoch visits every example once in a new random order, in batches of
// BatchSize with the last, partial batch included. The loss and accuracy an
// epoch reports are what Keras 3 reports: running means over the epoch's
// examples, computed from each batch's predictions before that batch's update
// (Keras 3 weights each batch's mean loss by the batch's size, so this is the
// mean per-example loss; accuracy is the fraction of examples predicted
// right). Validation loss and accuracy are measured after the epoch on the
// whole validation set. Early stopping applies Keras'
// EarlyStopping(monitor="accuracy", patience=Patience) rule exactly; see
// Config.Patience.
//
// Training is seeded: the same Config.Seed and data give the same weights and
// history on every run of the same build.
//
// # Speed
//
// All arithmetic is float32. Matrix products go through
// gonum.org/v1/gonum/blas/blas32, whose default implementation is gonum's
// pure-Go sgemm. Fit splits each product and every element-wise pass (bias,
// ReLU, Adam) into tiles run on a fixed set of worker goroutines, one per
// available CPU, and computes the large weight gradient tile by tile, applying
// Adam to each tile while it is still in cache; the training loop allocates
// nothing per batch. Building with -tags openblas (cgo and Debian's
// libopenblas-dev) routes the same calls to OpenBLAS, which is several times
// faster; see BenchmarkFitTutorial for measured figures.
package mlp
