package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/embedclassify/embedclassify/lib/dataset"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/tutorial"
)

// ownFlags are run's flags for a labelled file of the user's own.
type ownFlags struct {
	trainFile, testFile     *string
	textColumn, labelColumn *string
	testFraction            *float64
	skipInvalid             *bool
}

// addOwnFileFlags defines run's flags for the user's own texts on fs.
func addOwnFileFlags(fs *flag.FlagSet) *ownFlags {
	return &ownFlags{
		trainFile:    fs.String("train-file", "", "your own labelled `file` to train on instead of 20 Newsgroups: .csv, .tsv, .jsonl (each may end in .gz) or .parquet; then --classes, --train-per-class and --test-per-class default to every class and row"),
		testFile:     fs.String("test-file", "", "labelled `file` to test on (default: a stratified --test-fraction of --train-file)"),
		textColumn:   fs.String("text-column", dataset.DefaultTextColumn, "`column` (JSON key) of --train-file and --test-file holding the text"),
		labelColumn:  fs.String("label-column", dataset.DefaultLabelColumn, "`column` (JSON key) of --train-file and --test-file holding the label"),
		testFraction: fs.Float64("test-fraction", 0.2, "share of each class of --train-file kept for testing when there is no --test-file (seeded by --seed)"),
		skipInvalid:  fs.Bool("skip-invalid", false, "drop invalid rows of --train-file and --test-file (empty text or label, ragged row, bad UTF-8 or JSON), classes with fewer than 2 examples and test rows whose label training lacks, and say how many, instead of stopping"),
	}
}

// run is tutorial.Run on 20 Newsgroups without --train-file, and on the
// user's own file with it. Every check of the flags (exit 2) and of the
// data (exit 1) comes before the embedder is chosen: a bad file costs no
// embedding and writes nothing.
func (o *ownFlags) run(ctx context.Context, fs *flag.FlagSet, s tutorial.Settings, hooks tutorial.Hooks, stderr io.Writer) (*tutorial.Result, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	usage := func(format string, args ...any) error {
		fmt.Fprintf(fs.Output(), "embedclassify run: "+format+"\n", args...)
		return errUsage
	}
	if *o.trainFile == "" {
		for _, name := range []string{"test-file", "text-column", "label-column", "test-fraction", "skip-invalid"} {
			if set[name] {
				return nil, usage("--%s goes with --train-file (your own labelled texts)", name)
			}
		}
		return tutorial.Run(ctx, s, hooks)
	}
	switch {
	case set["data"]:
		return nil, usage("--data is the 20 Newsgroups archive; with --train-file the texts come from your file")
	case *o.testFile != "" && set["test-fraction"]:
		return nil, usage("--test-fraction splits --train-file when there is no --test-file; give one or the other")
	case !(*o.testFraction > 0 && *o.testFraction < 1):
		return nil, usage("--test-fraction must be between 0 and 1, got %v", *o.testFraction)
	case strings.TrimSpace(*o.textColumn) == "" || strings.TrimSpace(*o.labelColumn) == "":
		return nil, usage("--text-column and --label-column need a column name")
	case *o.textColumn == *o.labelColumn:
		return nil, usage("--text-column and --label-column are both %q; the text and the label are two columns", *o.textColumn)
	}
	for _, f := range []string{*o.trainFile, *o.testFile} {
		if f == "" {
			continue
		}
		if _, _, err := dataset.FormatOf(f); err != nil {
			return nil, usage("%v", err)
		}
	}
	// Your own classes: all of them, every row, unless asked otherwise.
	if !set["classes"] {
		s.Classes = ""
	}
	if !set["train-per-class"] && !set["all"] {
		s.TrainPerClass = 0
	}
	if !set["test-per-class"] && !set["all"] {
		s.TestPerClass = 0
	}

	t0 := time.Now()
	train, test, src, err := o.load(ctx, s, hooks, stderr)
	if err != nil {
		return nil, err
	}
	loading := time.Since(t0)
	r, err := tutorial.RunFrames(ctx, s, train, test, hooks)
	if err != nil {
		return nil, err
	}
	r.Data = src
	r.Timings.Load += loading
	return r, nil
}

// load reads, checks, splits and samples the user's files into the train
// and test frames, and describes what it did for metrics.json.
func (o *ownFlags) load(ctx context.Context, s tutorial.Settings, hooks tutorial.Hooks, stderr io.Writer) (train, test *frame.Frame, src *tutorial.DataSource, err error) {
	opt := dataset.Options{TextColumn: *o.textColumn, LabelColumn: *o.labelColumn, SkipInvalid: *o.skipInvalid}
	src = &tutorial.DataSource{TrainFile: *o.trainFile, TestFile: *o.testFile, TextColumn: *o.textColumn, LabelColumn: *o.labelColumn}
	warn := func(format string, args ...any) { fmt.Fprintf(stderr, "embedclassify run: "+format+"\n", args...) }
	step := func(msg string) {
		if hooks.Step != nil {
			hooks.Step(msg)
		}
	}
	read := func(name string) (*dataset.Dataset, error) {
		step("reading " + name)
		d, err := dataset.Load(ctx, name, opt)
		var ie *dataset.InvalidError
		var ce *dataset.ColumnError
		switch {
		case errors.As(err, &ie):
			return nil, fmt.Errorf("%w\nfix these rows, or pass --skip-invalid to leave them out", err)
		case errors.As(err, &ce):
			return nil, fmt.Errorf("%w; name the %s column with --%s-column", err, ce.Role, ce.Role)
		case err != nil:
			return nil, err
		}
		if d.Skipped > 0 {
			warn("%s: left out %d invalid rows (--skip-invalid); the first: %v", name, d.Skipped, d.Problems[0])
			src.SkippedRows += d.Skipped
		}
		return d, nil
	}
	trainSet, err := read(*o.trainFile)
	if err != nil {
		return nil, nil, nil, err
	}
	// A class needs an example to learn from and, when the file is split,
	// one to test on.
	if small := dataset.SmallClasses(trainSet, 2); len(small) > 0 {
		if !*o.skipInvalid {
			return nil, nil, nil, fmt.Errorf("%s: %d classes have fewer than 2 examples: %s; a classifier cannot learn and test a class from one example: add examples, or pass --skip-invalid to leave these classes out",
				*o.trainFile, len(small), classList(small))
		}
		var n int
		trainSet, n = trainSet.DropClasses(small)
		src.DroppedRows += n
		warn("%s: left out %d classes with fewer than 2 examples (--skip-invalid): %s", *o.trainFile, len(small), classList(small))
	}
	var testSet *dataset.Dataset
	if *o.testFile != "" {
		if testSet, err = read(*o.testFile); err != nil {
			return nil, nil, nil, err
		}
		if unknown := dataset.UnknownLabels(trainSet, testSet); len(unknown) > 0 {
			if !*o.skipInvalid {
				return nil, nil, nil, fmt.Errorf("%s: labels the training file %s lacks: %s; the classifier can never predict them: fix the labels, or pass --skip-invalid to leave those test rows out",
					*o.testFile, *o.trainFile, classList(unknown))
			}
			var n int
			testSet, n = testSet.DropClasses(unknown)
			src.DroppedRows += n
			warn("%s: left out %d test rows whose labels the training file lacks (--skip-invalid): %s", *o.testFile, n, classList(unknown))
		}
	} else {
		src.TestFraction = *o.testFraction
		if trainSet, testSet, err = dataset.Split(trainSet, *o.testFraction, s.Seed); err != nil {
			return nil, nil, nil, err
		}
	}
	if testSet.Len() == 0 {
		return nil, nil, nil, fmt.Errorf("no test rows are left to evaluate on")
	}

	classes := trainSet.Classes()
	if train, err = trainSet.Frame(classes); err != nil {
		return nil, nil, nil, err
	}
	if test, err = testSet.Frame(classes); err != nil {
		return nil, nil, nil, err
	}
	if train, err = sampleFrame(train, s.TrainPerClass, s.Classes, s.Seed, "training"); err != nil {
		return nil, nil, nil, err
	}
	if test, err = sampleFrame(test, s.TestPerClass, s.Classes, s.Seed, "test"); err != nil {
		return nil, nil, nil, err
	}
	if dup := dataset.Duplicates(train.Text, test.Text); dup > 0 {
		src.Duplicates = dup
		warn("%d of the %d test texts also appear in the training set: the test accuracy partly measures memory; remove the duplicates for a fair figure", dup, test.Len())
	}
	step(fmt.Sprintf("%d training and %d test rows, %d classes", train.Len(), test.Len(), len(classes)))
	return train, test, src, nil
}

// sampleFrame keeps perClass rows of each class whose name contains
// classes (every row when perClass is 0), as run samples 20 Newsgroups.
func sampleFrame(f *frame.Frame, perClass int, classes string, seed int64, set string) (*frame.Frame, error) {
	var err error
	switch {
	case perClass > 0:
		f, err = frame.Sample(f, perClass, classes, seed)
	case classes != "":
		f, err = frame.KeepClasses(f, classes)
	}
	if err != nil {
		return nil, fmt.Errorf("choosing the %s rows: %w", set, err)
	}
	return f, nil
}

func classList(cs []dataset.ClassCount) string {
	const most = 10
	var parts []string
	for i, c := range cs {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(cs)-most))
			break
		}
		parts = append(parts, c.String())
	}
	return strings.Join(parts, ", ")
}
