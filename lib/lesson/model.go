package lesson

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/metrics"
	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/lib/notebook"
	"github.com/embedclassify/embedclassify/plots"
)

// Model is the tutorial's classifier, used in Keras' order: build it
// (BuildClassificationModel), Compile it with a loss, an optimizer and
// metrics, look at its Summary, Fit it, then Evaluate it. The model
// summarised is the one fitted: same shape, settings and initial weights.
//
// Fit does not train at once: it returns the training history as a step
// (see package notebook), computed when a cell shows it or needs the
// trained model, and kept for the session; the Model's other methods use
// the weights that Fit trained.
type Model struct {
	Name     string // how tables and charts call the model
	train    Frame  // its embedding size and classes shape the model
	output   mlp.Output
	compiled *Compile
	fitted   *notebook.Value[*History]
	quiet    bool // Fit prints no epoch log (the comparison's many runs)
}

// BuildClassificationModel builds the tutorial's network for the frame of
// training posts: an input as wide as their embeddings, a Dense ReLU layer
// as wide, and a Dense layer with one unit per class and a sigmoid, as the
// tutorial's build_classification_model does. Give mlp.Logits as output
// for a plain linear output layer instead of the sigmoid.
func BuildClassificationModel(train Frame, output ...mlp.Output) *Model {
	m := &Model{Name: "sigmoid then softmax (tutorial)", train: train}
	if len(output) > 0 && output[0] == mlp.Logits {
		m.output, m.Name = mlp.Logits, "plain logits"
	}
	return m
}

// SparseCategoricalCrossentropy is Keras' loss of the same name. Only
// FromLogits true, the tutorial's, is available.
type SparseCategoricalCrossentropy struct{ FromLogits bool }

// Adam is Keras' Adam optimizer; LearningRate 0 means 0.001.
type Adam struct{ LearningRate float64 }

// Compile holds what Keras' compile takes: the loss, the optimizer and
// the metrics ("accuracy" only).
type Compile struct {
	Loss      SparseCategoricalCrossentropy
	Optimizer Adam
	Metrics   []string
}

// Compile sets the model's loss, optimizer and metrics, as Keras' compile
// does, and returns the model.
func (m *Model) Compile(c Compile) *Model {
	m.compiled = &c
	return m
}

// FitOptions are the arguments of Keras' fit beyond the training data.
type FitOptions struct {
	ValidationData Frame // measured after every epoch (Keras' validation_data)
	Epochs         int   // 0 means 20
	BatchSize      int   // 0 means 32
	EarlyStopping  *EarlyStopping
}

// EarlyStopping is Keras' EarlyStopping callback: stop when Monitor (only
// "accuracy", on the training data) has not improved for Patience epochs.
type EarlyStopping struct {
	Monitor  string
	Patience int
}

// config returns the mlp settings of the compiled model trained with opt.
func (m *Model) config(opt FitOptions) (mlp.Config, error) {
	c := m.compiled
	if c == nil {
		return mlp.Config{}, errors.New("the model is not compiled: call Compile before Summary and Fit, as in Keras")
	}
	if !c.Loss.FromLogits {
		return mlp.Config{}, errors.New("Compile: only SparseCategoricalCrossentropy{FromLogits: true}, the tutorial's loss, is available")
	}
	for _, mt := range c.Metrics {
		if mt != "accuracy" {
			return mlp.Config{}, fmt.Errorf("Compile: metric %q: only \"accuracy\" is available", mt)
		}
	}
	cfg := mlp.Config{Output: m.output, LearningRate: c.Optimizer.LearningRate, Epochs: opt.Epochs, BatchSize: opt.BatchSize, Patience: -1}
	if es := opt.EarlyStopping; es != nil {
		if es.Monitor != "accuracy" {
			return mlp.Config{}, fmt.Errorf("EarlyStopping: monitor %q: only \"accuracy\" is available", es.Monitor)
		}
		if es.Patience <= 0 {
			return mlp.Config{}, fmt.Errorf("EarlyStopping: patience %d: want 1 or more", es.Patience)
		}
		cfg.Patience = es.Patience
	}
	return cfg, nil
}

// build makes the untrained network with cfg, shaped by the training frame.
func (m *Model) build(cfg mlp.Config) (*mlp.Model, *frame.Frame, error) {
	f, err := m.train.Result()
	if err != nil {
		return nil, nil, err
	}
	if len(f.Embeddings) == 0 {
		return nil, nil, errors.New("the training frame has no embeddings: build the model from the embedded posts")
	}
	net, err := mlp.New(len(f.Embeddings[0]), len(f.Classes()), cfg)
	if err != nil {
		return nil, nil, err
	}
	return net, f, net.SetClasses(f.Classes())
}

// Summary shows the model's layers and parameter counts, as Keras'
// summary() prints them.
func (m *Model) Summary() {
	cfg, err := m.config(FitOptions{})
	notebook.Check(err)
	net, _, err := m.build(cfg)
	notebook.Check(err)
	notebook.Show(summary{net})
}

type summary struct{ m *mlp.Model }

func (s summary) HTML() string   { return s.m.SummaryHTML() }
func (s summary) String() string { return s.m.Summary() }

// History is what Fit gives: the loss and accuracy of every epoch, and the
// trained model.
type History struct {
	History mlp.History
	Model   []byte // the trained model, as mlp.Model.Save writes it
	Name    string // the model's name
}

// String says how many epochs ran.
func (h *History) String() string {
	s := "Trained for " + strconv.Itoa(h.History.Epochs()) + " epochs"
	if h.History.StoppedEpoch > 0 {
		s += " (early stopping)"
	}
	return s + "."
}

// Fit trains the model on the embedded posts x (their Encoded Label is the
// target) as Keras' fit does, printing one line per epoch, and returns the
// history as a step: it trains when a cell shows it or uses the trained
// model. Interrupting the cell stops training after the current batch.
func (m *Model) Fit(x Frame, opt FitOptions) *notebook.Value[*History] {
	compiled := m.compiled
	m.fitted = notebook.Step("training "+m.Name, func(ctx context.Context) (*History, error) {
		cfg, err := m.config(opt)
		if err != nil {
			return nil, err
		}
		net, _, err := m.build(cfg)
		if err != nil {
			return nil, err
		}
		tr, err := x.Result()
		if err != nil {
			return nil, err
		}
		var xVal [][]float32
		var yVal []int
		if opt.ValidationData != nil {
			val, err := opt.ValidationData.Result()
			if err != nil {
				return nil, err
			}
			xVal, yVal = val.Embeddings, val.EncodedLabel
		}
		h, err := net.Fit(ctx, tr.Embeddings, tr.EncodedLabel, xVal, yVal, func(r mlp.EpochResult) {
			if !m.quiet {
				notebook.Print(r.String())
			}
		})
		if err != nil {
			return nil, err
		}
		if h.StoppedEpoch > 0 && !m.quiet {
			notebook.Printf("Early stopping: accuracy did not improve for %d epochs; stopped after epoch %d.\n", cfg.Patience, h.StoppedEpoch)
		}
		var b bytes.Buffer
		if err := net.Save(&b); err != nil {
			return nil, err
		}
		return &History{History: *h, Model: b.Bytes(), Name: m.Name}, nil
	}, m.train, int(m.output), compiled, x, opt)
	return m.fitted
}

// Fingerprint identifies the trained model, for the steps that use it: the
// key of its training (see Fit). It is an error before Fit is called.
// Steps read it when their key is needed, not when they are declared: GoNB
// may initialise a cell's variable that uses the model before the one that
// fits it.
func (m *Model) Fingerprint() (string, error) {
	if m.fitted == nil {
		return "", fmt.Errorf("%s is not trained: call its Fit first", m.Name)
	}
	return m.fitted.Fingerprint()
}

// trained returns the model Fit trained.
func (m *Model) trained() (*mlp.Model, error) {
	if m.fitted == nil {
		return nil, fmt.Errorf("%s is not trained: call its Fit first", m.Name)
	}
	h, err := m.fitted.Result()
	if err != nil {
		return nil, err
	}
	return mlp.Load(bytes.NewReader(h.Model))
}

// Evaluation is the loss and accuracy of a model on a frame.
type Evaluation struct{ Accuracy, Loss float64 }

// String prints the evaluation as Keras' evaluate(return_dict=True) does.
func (e Evaluation) String() string {
	return fmt.Sprintf("{'accuracy': %.4f, 'loss': %.4f}", e.Accuracy, e.Loss)
}

// HTML shows the evaluation as a table.
func (e Evaluation) HTML() string {
	return notebook.TableHTML([]string{"accuracy", "loss"}, [][]string{{fmt.Sprintf("%.4f", e.Accuracy), fmt.Sprintf("%.4f", e.Loss)}})
}

// Evaluate returns the trained model's loss and accuracy on the embedded
// posts x, as Keras' evaluate does.
func (m *Model) Evaluate(x Frame) (Evaluation, error) {
	net, f, err := m.trainedOn(x)
	if err != nil {
		return Evaluation{}, err
	}
	loss, acc, err := net.Evaluate(f.Embeddings, f.EncodedLabel)
	return Evaluation{acc, loss}, err
}

func (m *Model) trainedOn(x Frame) (*mlp.Model, *frame.Frame, error) {
	net, err := m.trained()
	if err != nil {
		return nil, nil, err
	}
	f, err := x.Result()
	return net, f, err
}

// Predict returns the class the trained model gives each post of x.
func (m *Model) Predict(x Frame) ([]int, error) {
	net, f, err := m.trainedOn(x)
	if err != nil {
		return nil, err
	}
	return net.PredictClasses(f.Embeddings)
}

// ConfusionMatrix draws the confusion matrix of the trained model on x:
// rows are the true classes, columns the predicted ones. The options set
// the title (the tutorial's by default) and the chart's other settings.
func (m *Model) ConfusionMatrix(x Frame, opts ...plots.Option) (*plots.Chart, error) {
	yHat, err := m.Predict(x)
	if err != nil {
		return nil, err
	}
	f, _ := x.Result()
	cm, err := metrics.ConfusionMatrix(f.EncodedLabel, yHat, len(f.Classes()))
	if err != nil {
		return nil, err
	}
	return plots.ConfusionMatrix(cm, f.Classes(), opts...)
}

// ClassificationReport returns the precision, recall and F1 of every class
// of x, as scikit-learn's classification_report does.
func (m *Model) ClassificationReport(x Frame) (*metrics.Report, error) {
	yHat, err := m.Predict(x)
	if err != nil {
		return nil, err
	}
	f, _ := x.Result()
	return metrics.ClassificationReport(f.EncodedLabel, yHat, f.Classes())
}

// PlotHistory draws the loss and accuracy of every epoch, on the training
// and the validation posts, as the tutorial's plot_history does.
func PlotHistory(h *notebook.Value[*History]) (*plots.Chart, error) {
	x, err := h.Result()
	if err != nil {
		return nil, err
	}
	return plots.History(&x.History)
}

// CompareHistories draws the histories of several models on one chart.
func CompareHistories(hs ...*notebook.Value[*History]) (*plots.Chart, error) {
	var runs []plots.NamedHistory
	for _, h := range hs {
		x, err := h.Result()
		if err != nil {
			return nil, err
		}
		runs = append(runs, plots.NamedHistory{Name: x.Name, History: &x.History})
	}
	return plots.CompareHistories(runs)
}

// EvaluationTable shows the accuracy and loss of every model on x, one row
// per model.
func EvaluationTable(x Frame, models ...*Model) (Table, error) {
	t := Table{Header: []string{"output layer", "test accuracy", "test loss"}}
	for _, m := range models {
		e, err := m.Evaluate(x)
		if err != nil {
			return t, err
		}
		t.Rows = append(t.Rows, []string{m.Name, fmt.Sprintf("%.4f", e.Accuracy), fmt.Sprintf("%.4f", e.Loss)})
	}
	return t, nil
}

// Table is rows under a header, shown as an HTML table in a notebook.
type Table struct {
	Header []string
	Rows   [][]string
}

// HTML renders the table (cells escaped).
func (t Table) HTML() string { return notebook.TableHTML(t.Header, t.Rows) }

// String renders the table as aligned text.
func (t Table) String() string { return notebook.TableText(t.Header, t.Rows) }
