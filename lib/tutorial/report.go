package tutorial

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/embedclassify/embedclassify/lib/metrics"
	"github.com/embedclassify/embedclassify/plots"
)

// The files WriteReport writes into its folder.
const (
	MetricsFile    = "metrics.json"
	HistoryFile    = "history.csv"
	HistoryChart   = "history"          // .png and .svg
	ConfusionChart = "confusion_matrix" // .png and .svg
	ClassifierFile = "classifier.mlp"
)

// Metrics is the content of metrics.json: the test set's loss and accuracy at
// the top, then the per-class report, the confusion matrix, the training
// curve's summary and the settings that produced them.
type Metrics struct {
	Accuracy        float64            `json:"accuracy"`
	Loss            float64            `json:"loss"`
	Embedder        string             `json:"embedder"`
	EmbeddingDim    int                `json:"embedding_dim"`
	Classes         []string           `json:"classes"`
	TrainRows       int                `json:"train_rows"`
	TestRows        int                `json:"test_rows"`
	Report          []metrics.Scores   `json:"report"`
	MacroAvg        metrics.Scores     `json:"macro_avg"`
	WeightedAvg     metrics.Scores     `json:"weighted_avg"`
	ConfusionMatrix [][]int            `json:"confusion_matrix"`
	EpochsRun       int                `json:"epochs_run"`
	StoppedEpoch    int                `json:"stopped_epoch"`
	Settings        ReportSettings     `json:"settings"`
	Seconds         map[string]float64 `json:"seconds"`
	Data            *DataSource        `json:"data,omitempty"`
}

// ReportSettings are the settings of a run as metrics.json records them.
type ReportSettings struct {
	TrainPerClass int     `json:"train_per_class"`
	TestPerClass  int     `json:"test_per_class"`
	Classes       string  `json:"classes"`
	Seed          int64   `json:"seed"`
	Embedder      string  `json:"embedder"`
	Model         string  `json:"model,omitempty"`
	TaskType      string  `json:"task_type,omitempty"`
	Dims          int     `json:"dims,omitempty"`
	Output        string  `json:"output"`
	Hidden        int     `json:"hidden"`
	Epochs        int     `json:"epochs"`
	BatchSize     int     `json:"batch_size"`
	Patience      int     `json:"patience"`
	LearningRate  float64 `json:"learning_rate"`
}

// Metrics returns what metrics.json holds for r.
func (r *Result) Metrics() Metrics {
	c := r.Model.Config()
	e := r.Settings.Embedding
	return Metrics{
		Accuracy:        r.Accuracy,
		Loss:            r.Loss,
		Embedder:        r.Embedder.Model(),
		EmbeddingDim:    r.Model.InputSize(),
		Classes:         r.Classes,
		TrainRows:       r.Train.Len(),
		TestRows:        r.Test.Len(),
		Report:          r.Report.Classes,
		MacroAvg:        r.Report.MacroAvg,
		WeightedAvg:     r.Report.WeightedAvg,
		ConfusionMatrix: r.Confusion,
		EpochsRun:       r.History.Epochs(),
		StoppedEpoch:    r.History.StoppedEpoch,
		Settings: ReportSettings{
			TrainPerClass: r.Settings.TrainPerClass,
			TestPerClass:  r.Settings.TestPerClass,
			Classes:       r.Settings.Classes,
			Seed:          r.Settings.Seed,
			Embedder:      e.Kind,
			Model:         e.Model,
			TaskType:      e.TaskType,
			Dims:          e.Dims,
			Output:        c.Output.String(),
			Hidden:        r.Model.HiddenSize(),
			Epochs:        c.Epochs,
			BatchSize:     c.BatchSize,
			Patience:      c.Patience,
			LearningRate:  c.LearningRate,
		},
		Data: r.Data,
		Seconds: map[string]float64{
			"load":     r.Timings.Load.Seconds(),
			"embed":    r.Timings.Embed.Seconds(),
			"train":    r.Timings.Train.Seconds(),
			"evaluate": r.Timings.Evaluate.Seconds(),
		},
	}
}

// HistoryCSV returns the training history as CSV: a header line
// "epoch,loss,accuracy,val_loss,val_accuracy", then one line per epoch.
func (r *Result) HistoryCSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"epoch", "loss", "accuracy", "val_loss", "val_accuracy"})
	h := r.History
	f := func(s []float64, i int) string {
		if i < len(s) {
			return strconv.FormatFloat(s[i], 'g', -1, 64)
		}
		return ""
	}
	for i := range h.Loss {
		w.Write([]string{strconv.Itoa(i + 1), f(h.Loss, i), f(h.Accuracy, i), f(h.ValLoss, i), f(h.ValAccuracy, i)})
	}
	w.Flush()
	return b.Bytes()
}

// Summary returns a short table of the run for a terminal.
func (r *Result) Summary() string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "embedder\t%s (%d dimensions)\n", r.Embedder.Model(), r.Model.InputSize())
	fmt.Fprintf(tw, "classes\t%d: %v\n", len(r.Classes), r.Classes)
	fmt.Fprintf(tw, "rows\t%d train, %d test\n", r.Train.Len(), r.Test.Len())
	stop := "ran every epoch"
	if r.History.StoppedEpoch > 0 {
		stop = fmt.Sprintf("early stopping after epoch %d", r.History.StoppedEpoch)
	}
	fmt.Fprintf(tw, "epochs\t%d (%s)\n", r.History.Epochs(), stop)
	fmt.Fprintf(tw, "test loss\t%.4f\n", r.Loss)
	fmt.Fprintf(tw, "test accuracy\t%.4f\n", r.Accuracy)
	fmt.Fprintf(tw, "time\tload %.1fs, embed %.1fs, train %.1fs, evaluate %.1fs\n",
		r.Timings.Load.Seconds(), r.Timings.Embed.Seconds(), r.Timings.Train.Seconds(), r.Timings.Evaluate.Seconds())
	tw.Flush()
	b.WriteString("\n")
	b.WriteString(r.Report.String())
	return b.String()
}

// Charts returns the run's two figures: the loss and accuracy curves and
// the test set's confusion matrix.
func (r *Result) Charts() (history, confusion *plots.Chart, err error) {
	if history, err = plots.History(r.History); err != nil {
		return nil, nil, err
	}
	if confusion, err = plots.ConfusionMatrix(r.Confusion, r.Classes); err != nil {
		return nil, nil, err
	}
	return history, confusion, nil
}

// WriteReport writes the run's report into dir, creating it if needed:
// metrics.json, history.csv, the history and confusion-matrix charts as PNG
// and SVG, the trained classifier (classifier.mlp, which mlp.LoadFile reads)
// and its embedder (embedder.json, see SaveEmbedder): together they let
// "embedclassify predict" classify new texts.
func (r *Result) WriteReport(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating the report folder: %w", err)
	}
	m, err := json.MarshalIndent(r.Metrics(), "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, MetricsFile), append(m, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, HistoryFile), r.HistoryCSV(), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	history, confusion, err := r.Charts()
	if err != nil {
		return fmt.Errorf("drawing the charts: %w", err)
	}
	for _, ext := range []string{".png", ".svg"} {
		if err := history.Save(filepath.Join(dir, HistoryChart+ext)); err != nil {
			return err
		}
		if err := confusion.Save(filepath.Join(dir, ConfusionChart+ext)); err != nil {
			return err
		}
	}
	if err := r.writeEmbeddingMap(dir); err != nil { // embedding_map.png, .svg, .pdf
		return err
	}
	if err := r.Model.SaveFile(filepath.Join(dir, ClassifierFile)); err != nil {
		return fmt.Errorf("saving the classifier: %w", err)
	}
	return SaveEmbedder(dir, r.Embedder)
}
