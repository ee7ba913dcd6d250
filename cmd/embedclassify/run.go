package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/mlp"
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

	progress := newProgress(stderr, *quiet)
	hooks := tutorial.Hooks{
		Step: func(msg string) { progress.Step(msg) },
		Embedded: func(name string, done, total int) {
			progress.Bar("embed "+name, done, total)
		},
		Epoch: func(e mlp.EpochResult) { progress.Step(e.String()) },
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

// embeddingFlags are the embedder flags "run" and "embed" share.
type embeddingFlags struct {
	kind, model, taskType, cache *string
	dims, batch, concurrency     *int
}

// addEmbeddingFlags defines the embedder flags on fs. batchName names the
// request batch-size flag ("run" already has a --batch-size for training).
func addEmbeddingFlags(fs *flag.FlagSet, batchName string) *embeddingFlags {
	return &embeddingFlags{
		kind:        fs.String("embedder", selector.KindAuto, "embedder: gemini, local (offline TF-IDF + LSA) or auto (gemini when a key is set)"),
		model:       fs.String("model", "gemini-embedding-001", "Gemini embedding `model`"),
		taskType:    fs.String("task-type", "CLASSIFICATION", "Gemini task type"),
		dims:        fs.Int("dims", 0, "output dimensionality (Gemini: 128-3072, 0 = the model's own; local: components, 0 = its default)"),
		batch:       fs.Int(batchName, 100, "texts per Gemini request (at most 100)"),
		concurrency: fs.Int("concurrency", 4, "Gemini requests in flight at once"),
		cache:       fs.String("cache", embedding.DefaultCacheDir(), "`folder` that caches Gemini vectors across runs, so no text is paid for twice ('' = no cache; default from $"+embedding.CacheDirEnv+")"),
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
	}
}
