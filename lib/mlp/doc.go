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
// pure-Go sgemm, except the two that dominate training — the hidden layer
// and the first kernel's gradient — which the pure-Go build computes with
// its own AVX2/FMA kernels on CPUs that have them (internal/gemm32). Fit cuts
// every product and element-wise pass into tiles run on a fixed set of
// worker goroutines, one per available CPU, and the training loop allocates
// nothing per batch. Both kernels are stored transposed (one contiguous row
// per unit), so that the hidden layer is a set of dot products and the
// backward pass skips the units ReLU switched off. The pass that dominates a
// step walks the first kernel once: for each block of weights it computes
// the block's gradient, applies Adam to it (with an AVX2 kernel on amd64)
// and, while the updated block is still in cache, adds its contribution to
// the next batch's hidden layer. The first kernel and its two Adam moments
// are thus read and written once per step, and the gradient never leaves
// the cache; that memory traffic is what bounds a step's time once the
// products are fast. Every tile writes its own outputs and sums in a fixed
// order, so results do not depend on the number of CPUs or on scheduling.
//
// # OpenBLAS
//
// Building with the openblas tag (cgo, and Debian's libopenblas-dev for
// -lopenblas) routes blas32 to OpenBLAS through gonum.org/v1/netlib, which
// makes training faster (README has the figures BenchmarkFitTutorial
// measured). Turn it on with
//
//	go build -tags openblas ./cmd/embedclassify
//	go test -tags openblas ./lib/mlp
//	%goflags -tags=openblas        (in a GoNB notebook cell)
//
// BLAS reports which implementation a binary uses. The tag sets OpenBLAS to
// one thread per call, overriding OPENBLAS_NUM_THREADS: the package already
// keeps every CPU busy with its own goroutines, and OpenBLAS's spinning
// threads on top of them oversubscribe the cores.
package mlp
