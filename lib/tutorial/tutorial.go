// Package tutorial runs the "Classify text with embeddings" pipeline in one
// call: load and preprocess the 20 Newsgroups posts, sample the classes to
// keep, embed the texts, train the tutorial's classifier, and evaluate it.
// The notebook takes the same steps cell by cell; the embedclassify command
// takes them here, headless, and writes a report folder with WriteReport.
package tutorial

import (
	"context"
	"fmt"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/metrics"
	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
)

// The tutorial's constants.
const (
	TrainPerClass = 100   // TRAIN_NUM_SAMPLES
	TestPerClass  = 25    // TEST_NUM_SAMPLES
	ClassesToKeep = "sci" // CLASSES_TO_KEEP
)

// Settings are the knobs of a run. The zero value is not the tutorial's
// setup: start from Defaults.
type Settings struct {
	// Data is the dataset's archive or folder; "" lets newsgroups.Load look
	// in $EMBEDCLASSIFY_DATA, the cache, then download.
	Data string
	// TrainPerClass and TestPerClass are the rows sampled per class; 0 keeps
	// every document of the kept classes.
	TrainPerClass int
	TestPerClass  int
	// Classes keeps the classes whose name contains it ("" keeps all).
	Classes string
	// Seed seeds the sampling and the classifier (its weights and
	// shuffles). The tutorial's pandas sampling is unseeded; ours is
	// reproducible.
	Seed int64
	// Classifier configures the network and its training; its Seed is
	// replaced by Seed.
	Classifier mlp.Config
	// Embedding picks and configures the embedder.
	Embedding selector.Config
}

// Defaults returns the tutorial's settings: 100 training and 25 test posts
// from each sci.* group, the embedder chosen automatically (Gemini when a key
// is set, the offline embedder otherwise), and the tutorial's classifier.
func Defaults() Settings {
	return Settings{
		TrainPerClass: TrainPerClass,
		TestPerClass:  TestPerClass,
		Classes:       ClassesToKeep,
	}
}

// Hooks receive progress while Run works. Every field is optional.
type Hooks struct {
	// Step is called when a step starts, with a short description.
	Step func(msg string)
	// Embedded is called with the progress of each embedding pass; name is
	// "train" or "test".
	Embedded func(name string, done, total int)
	// Epoch is called after every training epoch.
	Epoch func(mlp.EpochResult)
	// Download is called while the dataset archive downloads (only when no
	// copy is found), with the bytes received and the total (-1 if unknown).
	Download func(done, total int64)
	// Warn receives what a person should know about, such as a cached
	// archive that did not match and was moved aside; nil logs it with the
	// standard logger.
	Warn func(msg string)
}

func (h Hooks) step(format string, args ...any) {
	if h.Step != nil {
		h.Step(fmt.Sprintf(format, args...))
	}
}

// Result is everything a run produced.
type Result struct {
	Settings     Settings
	Train, Test  *frame.Frame       // the sampled frames, with embeddings
	Classes      []string           // class names in encoded-label order
	Embedder     embedding.Embedder // the embedder that made the vectors
	Announcement string             // how the embedder was chosen, for people
	Model        *mlp.Model
	History      *mlp.History
	Loss         float64 // test loss
	Accuracy     float64 // test accuracy
	Predicted    []int   // predicted class of each test row
	Confusion    [][]int // Confusion[true][predicted]
	Report       *metrics.Report
	Timings      Timings
	Data         *DataSource // the user's own files, when RunFrames ran on them
}

// Timings are the wall times of a run's steps.
type Timings struct {
	Load, Embed, Train, Evaluate time.Duration
}

// Run takes every step of the tutorial and returns what it measured. It
// stops when ctx is cancelled.
func Run(ctx context.Context, s Settings, hooks Hooks) (*Result, error) {
	if s.TrainPerClass < 0 || s.TestPerClass < 0 {
		return nil, fmt.Errorf("tutorial: rows per class must be 0 (all) or more, got train %d, test %d", s.TrainPerClass, s.TestPerClass)
	}
	r := &Result{Settings: s}

	t0 := time.Now()
	hooks.step("loading the 20 Newsgroups train and test sets")
	train, err := loadFrame(ctx, s, newsgroups.Train, s.TrainPerClass, hooks)
	if err != nil {
		return nil, err
	}
	test, err := loadFrame(ctx, s, newsgroups.Test, s.TestPerClass, hooks)
	if err != nil {
		return nil, err
	}
	r.Timings.Load = time.Since(t0)
	return fitFrames(ctx, r, train, test, hooks)
}

// fitFrames checks the classes of train and test (the test set's must be
// the training set's, or some of them, under the same codes), embeds both,
// trains the classifier and evaluates it, filling r.
func fitFrames(ctx context.Context, r *Result, train, test *frame.Frame, hooks Hooks) (*Result, error) {
	s := r.Settings
	r.Classes = train.Classes()
	if tc := test.Classes(); !classesAgree(r.Classes, tc) {
		return nil, fmt.Errorf("tutorial: the train and test sets kept different classes (%v and %v)", r.Classes, tc)
	}
	if len(r.Classes) < 2 {
		return nil, fmt.Errorf("tutorial: classes matching %q: %d; a classifier needs at least 2", s.Classes, len(r.Classes))
	}

	t0 := time.Now()
	// The embedder reports progress through one callback; current names
	// the pass it belongs to.
	current := "train"
	cfg := s.Embedding
	if hooks.Embedded != nil {
		user := cfg.Progress
		cfg.Progress = func(done, total int) {
			hooks.Embedded(current, done, total)
			if user != nil {
				user(done, total)
			}
		}
	}
	hooks.step("choosing the embedder")
	emb, announcement, err := selector.Select(ctx, cfg, train.Text)
	if err != nil {
		return nil, err
	}
	r.Embedder, r.Announcement = emb, announcement
	hooks.step("%s", announcement)
	if err := embedFrame(ctx, emb, train, "train", hooks); err != nil {
		return nil, err
	}
	current = "test"
	if err := embedFrame(ctx, emb, test, "test", hooks); err != nil {
		return nil, err
	}
	r.Train, r.Test = train, test
	r.Timings.Embed = time.Since(t0)

	t0 = time.Now()
	mc := s.Classifier
	mc.Seed = s.Seed
	dim := len(train.Embeddings[0])
	model, err := mlp.New(dim, len(r.Classes), mc)
	if err != nil {
		return nil, err
	}
	if err := model.SetClasses(r.Classes); err != nil {
		return nil, err
	}
	// The classifier records the embedder that feeds it, so that predict
	// refuses vectors from another.
	if spec, err := SpecOf(r.Embedder); err == nil {
		model.Embedder = spec.Fingerprint()
	}
	hooks.step("training the classifier (%d inputs, %d hidden, %d classes) on %d rows", dim, model.HiddenSize(), len(r.Classes), train.Len())
	r.History, err = model.Fit(ctx, train.Embeddings, train.EncodedLabel, test.Embeddings, test.EncodedLabel, hooks.Epoch)
	if err != nil {
		return nil, err
	}
	r.Model = model
	r.Timings.Train = time.Since(t0)

	t0 = time.Now()
	hooks.step("evaluating on %d test rows", test.Len())
	if r.Loss, r.Accuracy, err = model.Evaluate(test.Embeddings, test.EncodedLabel); err != nil {
		return nil, err
	}
	if r.Predicted, err = model.PredictClasses(test.Embeddings); err != nil {
		return nil, err
	}
	if r.Confusion, err = metrics.ConfusionMatrix(test.EncodedLabel, r.Predicted, len(r.Classes)); err != nil {
		return nil, err
	}
	if r.Report, err = metrics.ClassificationReport(test.EncodedLabel, r.Predicted, r.Classes); err != nil {
		return nil, err
	}
	r.Timings.Evaluate = time.Since(t0)
	return r, nil
}

// loadFrame loads one subset, preprocesses it as the tutorial does and keeps
// perClass rows of every class matching s.Classes (all of them when perClass
// is 0).
func loadFrame(ctx context.Context, s Settings, subset string, perClass int, hooks Hooks) (*frame.Frame, error) {
	ds, err := newsgroups.Load(ctx, newsgroups.Options{Path: s.Data, Subset: subset, Progress: hooks.Download, Warn: hooks.Warn})
	if err != nil {
		return nil, err
	}
	f := newsgroups.PreprocessFrame(ds)
	if perClass > 0 {
		out, err := frame.Sample(f, perClass, s.Classes, s.Seed)
		if err != nil {
			return nil, fmt.Errorf("sampling the %s set: %w", subset, err)
		}
		return out, nil
	}
	return frame.KeepClasses(f, s.Classes)
}

// embedFrame fills f.Embeddings, reporting progress under name.
func embedFrame(ctx context.Context, emb embedding.Embedder, f *frame.Frame, name string, hooks Hooks) error {
	hooks.step("embedding %d %s texts with %s", f.Len(), name, emb.Model())
	if gemini.Of(emb) != nil {
		// Name an empty text by its row before Gemini refuses it.
		if err := gemini.CheckTexts(f.Text, gemini.RowName(f.File)); err != nil {
			return fmt.Errorf("embedding the %s texts: %w", name, err)
		}
	}
	if err := EmbedFrame(ctx, emb, f); err != nil {
		return fmt.Errorf("embedding the %s texts: %w", name, err)
	}
	return nil
}
