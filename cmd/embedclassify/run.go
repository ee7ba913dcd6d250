package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
	"github.com/embedclassify/embedclassify/lib/tutorial"
)

// runRun implements "embedclassify run": the whole tutorial, headless.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("embedclassify run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	s := tutorial.Defaults()
	var (
		out    = fs.String("out", "out", "report `folder`: metrics.json, history.csv, charts (PNG, SVG) and the classifier")
		all    = fs.Bool("all", false, "every class and every document (same as --classes '' --train-per-class 0 --test-per-class 0)")
		logits = fs.Bool("logits", false, "plain logits at the output instead of the tutorial's sigmoid before a from-logits loss")
		quiet  = fs.Bool("quiet", false, "no progress on stderr")
	)
	fs.StringVar(&s.Data, "data", "", "20 Newsgroups `archive` (.tar.gz) or extracted folder (default: $EMBEDCLASSIFY_DATA, the cache, then a download)")
	fs.IntVar(&s.TrainPerClass, "train-per-class", s.TrainPerClass, "training rows sampled per class (0: all)")
	fs.IntVar(&s.TestPerClass, "test-per-class", s.TestPerClass, "test rows sampled per class (0: all)")
	fs.StringVar(&s.Classes, "classes", s.Classes, "keep the classes whose name contains this `text` ('' keeps all)")
	fs.Int64Var(&s.Seed, "seed", 0, "seed of the sampling and of the classifier's weights and shuffles")
	fs.IntVar(&s.Classifier.Epochs, "epochs", mlp.DefaultEpochs, "most training epochs")
	fs.IntVar(&s.Classifier.BatchSize, "batch-size", mlp.DefaultBatchSize, "training batch size")
	fs.IntVar(&s.Classifier.Patience, "patience", mlp.DefaultPatience, "early stopping patience on training accuracy (negative: off)")
	fs.IntVar(&s.Classifier.Hidden, "hidden", 0, "hidden layer width (0: the embedding size, as the tutorial)")
	ef := addEmbeddingFlags(fs, "embedding-batch-size")
	own := addOwnFileFlags(fs)
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if *all {
		s.Classes, s.TrainPerClass, s.TestPerClass = "", 0, 0
	}
	if *logits {
		s.Classifier.Output = mlp.Logits
	}
	s.Embedding = ef.config()
	if err := checkRun(fs, s, *out, *own.trainFile != ""); err != nil {
		return err
	}
	if *ef.gemini.estimate {
		return estimateRun(ctx, stdout, s, *ef.gemini.price)
	}

	progress := newProgress(stderr, *quiet)
	s.Embedding.Gemini.Status = geminiStatus(progress)
	hooks := tutorial.Hooks{
		Step: func(msg string) { progress.Step(msg) },
		Embedded: func(name string, done, total int) {
			progress.Bar("embed "+name, done, total)
		},
		Epoch: func(e mlp.EpochResult) { progress.Step(e.String()) },
		Warn:  progress.Warn,
		Download: func(done, total int64) {
			if total > 0 {
				progress.Bar("download", int(done>>10), int(total>>10))
			}
		},
	}
	r, err := own.run(ctx, fs, s, hooks, stderr)
	progress.Done()
	if err != nil {
		return err
	}
	if err := r.WriteReport(*out); err != nil {
		return err
	}
	fmt.Fprint(stdout, r.Summary())
	fmt.Fprintf(stdout, "\nreport written to %s\n", strings.TrimSuffix(*out, "/")+"/")
	return nil
}

// checkRun checks a run's settings before any work is done: nothing is
// loaded, and nothing paid for, to be lost on a bad flag or an unusable
// report folder. Bad flag values are usage errors. With ownFile (--train-file)
// the classes are the user's, checked when the file is read.
func checkRun(fs *flag.FlagSet, s tutorial.Settings, out string, ownFile bool) error {
	if s.TrainPerClass < 0 || s.TestPerClass < 0 {
		return badUsage(fs, "--train-per-class and --test-per-class must be 0 (all) or more")
	}
	if !ownFile {
		if err := checkClasses(fs, s.Classes); err != nil {
			return err
		}
	}
	if _, err := mlp.New(1, 2, s.Classifier); err != nil {
		return badUsage(fs, "%v", err)
	}
	if err := checkEmbedding(fs, s.Embedding); err != nil {
		return err
	}
	if err := tutorial.CheckReportDir(out); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}

// checkClasses checks that a --classes filter keeps at least one of the 20
// newsgroups.
func checkClasses(fs *flag.FlagSet, classes string) error {
	for _, g := range newsgroups.Groups() {
		if strings.Contains(g, classes) {
			return nil
		}
	}
	return badUsage(fs, "--classes %q matches no newsgroup; it keeps the classes whose name contains it, among %s",
		classes, strings.Join(newsgroups.Groups(), ", "))
}

// checkEmbedding checks the embedder flags: the kind, and for Gemini the
// key, task type, dimension, batch size and concurrency.
func checkEmbedding(fs *flag.FlagSet, cfg selector.Config) error {
	kind, err := selector.Resolve(cfg)
	if err != nil {
		if !slices.Contains([]string{"", selector.KindAuto, selector.KindGemini, selector.KindLocal}, strings.ToLower(cfg.Kind)) {
			return badUsage(fs, "unknown --embedder %q; use %s, %s or %s", cfg.Kind, selector.KindAuto, selector.KindGemini, selector.KindLocal)
		}
		return err // Gemini asked for, and no key
	}
	switch {
	case cfg.Dims < 0:
		return badUsage(fs, "--dims %d is negative", cfg.Dims)
	case kind == selector.KindLocal:
		return nil
	case cfg.Dims != 0 && (cfg.Dims < gemini.MinDims || cfg.Dims > gemini.MaxDims):
		return badUsage(fs, "--dims %d is out of Gemini's range; use %d to %d, or 0 for the model's own", cfg.Dims, gemini.MinDims, gemini.MaxDims)
	case cfg.BatchSize < 1 || cfg.BatchSize > gemini.MaxBatchSize:
		return badUsage(fs, "the embedding batch size %d is out of range; Gemini takes 1 to %d texts per request", cfg.BatchSize, gemini.MaxBatchSize)
	case cfg.Concurrency < 1:
		return badUsage(fs, "--concurrency %d: at least 1 request must be in flight", cfg.Concurrency)
	}
	if _, err := gemini.ValidateTaskType(cfg.TaskType); err != nil {
		return badUsage(fs, "--task-type: %v", err)
	}
	return nil
}

// embeddingFlags are the embedder flags "run" and "embed" share.
type embeddingFlags struct {
	kind, model, taskType, cache *string
	dims, batch, concurrency     *int
	gemini                       geminiFlags
}

// addEmbeddingFlags defines the embedder flags on fs, with the gemini
// package's defaults. batchName names the request batch-size flag ("run"
// already has a --batch-size for training).
func addEmbeddingFlags(fs *flag.FlagSet, batchName string) *embeddingFlags {
	return &embeddingFlags{
		kind:        fs.String("embedder", selector.KindAuto, "embedder: gemini, local (offline TF-IDF + LSA) or auto (gemini when a key is set)"),
		model:       fs.String("model", gemini.DefaultModel, "Gemini embedding `model`"),
		taskType:    fs.String("task-type", gemini.DefaultTaskType, "Gemini task type"),
		dims:        fs.Int("dims", 0, fmt.Sprintf("output dimensionality (Gemini: %d-%d, 0 = the model's own; local: components, 0 = its default)", gemini.MinDims, gemini.MaxDims)),
		batch:       fs.Int(batchName, gemini.MaxBatchSize, fmt.Sprintf("texts per Gemini request (at most %d)", gemini.MaxBatchSize)),
		concurrency: fs.Int("concurrency", gemini.DefaultConcurrency, "Gemini requests in flight at once"),
		cache:       fs.String("cache", embedding.DefaultCacheDir(), "`folder` that caches Gemini vectors across runs, so no text is paid for twice ('' = no cache; default from $"+embedding.CacheDirEnv+")"),
		gemini:      addGeminiFlags(fs),
	}
}

func (f *embeddingFlags) config() selector.Config {
	return selector.Config{
		Kind:        *f.kind,
		Model:       *f.model,
		TaskType:    *f.taskType,
		Dims:        *f.dims,
		BatchSize:   *f.batch,
		Concurrency: *f.concurrency,
		CacheDir:    *f.cache,
		Gemini:      f.gemini.config(),
	}
}
