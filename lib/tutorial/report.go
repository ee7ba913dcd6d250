package tutorial

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"text/tabwriter"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
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
	TrainPerClass int    `json:"train_per_class"`
	TestPerClass  int    `json:"test_per_class"`
	Classes       string `json:"classes"`
	Seed          int64  `json:"seed"`
	// The embedder actually used (not the one asked for: "auto" resolves
	// to one of them): its kind ("local" or "gemini"), model name, task
	// type and vector length.
	Embedder     string  `json:"embedder"`
	Model        string  `json:"model,omitempty"`
	TaskType     string  `json:"task_type,omitempty"`
	Dims         int     `json:"dims,omitempty"`
	Output       string  `json:"output"`
	Hidden       int     `json:"hidden"`
	Epochs       int     `json:"epochs"`
	BatchSize    int     `json:"batch_size"`
	Patience     int     `json:"patience"`
	LearningRate float64 `json:"learning_rate"`
}

// Metrics returns what metrics.json holds for r.
func (r *Result) Metrics() Metrics {
	c := r.Model.Config()
	// The embedder actually used, whatever the settings asked for.
	e, err := SpecOf(r.Embedder)
	if err != nil {
		e = EmbedderSpec{Model: r.Embedder.Model(), Dims: r.Embedder.Dim()}
	}
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
	var opts []plots.Option
	if r.Data != nil { // the user's own texts, not the newsgroups
		opts = append(opts, plots.WithTitle("Confusion matrix for the test set"))
	}
	if confusion, err = plots.ConfusionMatrix(r.Confusion, r.Classes, opts...); err != nil {
		return nil, nil, err
	}
	return history, confusion, nil
}

// reportFiles are the names a report folder holds.
var reportFiles = []string{
	MetricsFile, HistoryFile,
	HistoryChart + ".png", HistoryChart + ".svg",
	ConfusionChart + ".png", ConfusionChart + ".svg",
	EmbeddingMapChart + ".png", EmbeddingMapChart + ".svg", EmbeddingMapChart + ".pdf",
	ClassifierFile, EmbedderFile, LocalFile,
}

// CheckReportDir returns an error, naming dir and what to do, when
// WriteReport could not write a report at dir: dir is a file, a folder that
// holds anything but a previous report (WriteReport replaces a report as a
// whole and never deletes other files), or in a folder where nothing can be
// written. It creates nothing. Call it before a run, so that a run is not
// paid for to be lost at the end.
func CheckReportDir(dir string) error {
	dir = filepath.Clean(dir)
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return fmt.Errorf("the report folder %s is a file; choose a folder (it is created if missing)", dir)
	case err == nil:
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("the report folder %s cannot be read: %w", dir, err)
		}
		for _, e := range entries {
			if !slices.Contains(reportFiles, e.Name()) || e.IsDir() {
				return fmt.Errorf("the folder %s holds %s, which is not part of a report: a report replaces the whole folder, so choose an empty or new folder (or move that out)", dir, e.Name())
			}
		}
	case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("the report folder %s cannot be used: %w", dir, err)
	}
	// The report is written beside dir, in its parent (or the nearest
	// ancestor that exists): check that a folder can be made there.
	parent := filepath.Dir(dir)
	for {
		fi, err := os.Stat(parent)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("the report folder %s cannot be made: %s is a file", dir, parent)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) || filepath.Dir(parent) == parent {
			return fmt.Errorf("the report folder %s cannot be made: %w", dir, err)
		}
		parent = filepath.Dir(parent)
	}
	probe, err := os.MkdirTemp(parent, ".embedclassify-check-*")
	if err != nil {
		return fmt.Errorf("the report folder %s cannot be written: %w", dir, err)
	}
	return os.Remove(probe)
}

// reportStep writes the report's file name with fn.
type reportStep struct {
	name string
	fn   func(io.Writer) error
}

// reportFile is where one file of the report is written.
type reportFile interface {
	io.Writer
	Sync() error
	Close() error
}

// WriteReport writes the run's report into the folder dir: metrics.json,
// history.csv, the history and confusion-matrix charts as PNG and SVG, the
// trained classifier (classifier.mlp, which mlp.LoadFile reads) and its
// embedder (embedder.json, see SaveEmbedder): together they let
// "embedclassify predict" classify new texts.
//
// The report is whole or untouched: the files are written into a temporary
// folder beside dir, which takes dir's place at the end. A failure at any
// file (a full disk, say) leaves a previous report at dir exactly as it
// was. dir must pass CheckReportDir: WriteReport replaces a previous report
// but never a folder with other files.
func (r *Result) WriteReport(dir string) error {
	return r.writeReport(dir, func(name string) (reportFile, error) { return os.Create(name) })
}

func (r *Result) writeReport(dir string, create func(name string) (reportFile, error)) error {
	if err := CheckReportDir(dir); err != nil {
		return err
	}
	dir = filepath.Clean(dir)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return fmt.Errorf("creating the report folder: %w", err)
	}
	tmp, err := atomicfile.CreateDir(dir)
	if err != nil {
		return fmt.Errorf("creating the report folder: %w", err)
	}
	defer tmp.Abort()
	write := func(name string, fn func(io.Writer) error) error {
		f, err := create(filepath.Join(tmp.Path(), name))
		if err != nil {
			return fmt.Errorf("writing the report: %w", err)
		}
		bw := bufio.NewWriterSize(f, 1<<16)
		err = fn(bw)
		if err == nil {
			err = bw.Flush()
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing the report's %s (the folder %s is unchanged): %w", name, dir, err)
		}
		return nil
	}
	history, confusion, err := r.Charts()
	if err != nil {
		return fmt.Errorf("drawing the charts: %w", err)
	}
	embMap, err := r.EmbeddingMap()
	if err != nil {
		return fmt.Errorf("drawing the embedding map: %w", err)
	}
	if _, err := saveEmbedder(r.Embedder, write); err != nil {
		return err
	}
	steps := []reportStep{
		{MetricsFile, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(r.Metrics())
		}},
		{HistoryFile, func(w io.Writer) error { _, err := w.Write(r.HistoryCSV()); return err }},
		{HistoryChart + ".png", func(w io.Writer) error { return history.Encode(w, plots.PNG) }},
		{HistoryChart + ".svg", func(w io.Writer) error { return history.Encode(w, plots.SVG) }},
		{ConfusionChart + ".png", func(w io.Writer) error { return confusion.Encode(w, plots.PNG) }},
		{ConfusionChart + ".svg", func(w io.Writer) error { return confusion.Encode(w, plots.SVG) }},
		{ClassifierFile, r.Model.Save},
	}
	for _, f := range plots.Formats() { // embedding_map.png, .svg, .pdf
		steps = append(steps, reportStep{EmbeddingMapChart + "." + string(f), func(w io.Writer) error { return embMap.Encode(w, f) }})
	}
	for _, st := range steps {
		if err := write(st.name, st.fn); err != nil {
			return err
		}
	}
	if err := tmp.Commit(); err != nil {
		return fmt.Errorf("putting the report in place: %w", err)
	}
	return nil
}
