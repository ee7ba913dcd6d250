// Package lesson is the "Classify text with embeddings" tutorial as the
// project's GoNB notebooks call it: one function per step of the Python
// original (fetch_20newsgroups, preprocess_newsgroup_data, sample_data,
// create_embeddings, build_classification_model, compile, fit, evaluate),
// each as short to call as its Python twin.
//
// Every slow step returns a notebook.Value: declaring it in a cell does no
// work; it is computed when a cell asks for it (notebook.Show, Get, or a
// step that needs it) and kept for the kernel session under a key derived
// from its inputs and the code that computes it (see notebook.Step). So a
// cell can declare
//
//	var dfTrain = lesson.SampleData(dfTrainAll, trainNumSamples, classesToKeep)
//
// as a package-level variable, which GoNB initialises in every later
// cell's program, without sampling, embedding or training anything there;
// and changing trainNumSamples gives every step that depends on it a new
// key, so each computes again in the cell that asks for it.
//
// A cell shows a step's result, or its error in an error box, with
// notebook.Show; shown again from the cache, the step's output (progress
// bars, epoch log, tables) is replayed under a one-line note.
package lesson

import (
	"context"
	"fmt"
	"os"

	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// Frame is a step that gives a frame: the posts, sampled, embedded.
type Frame = *notebook.Value[*frame.Frame]

// Fetch20Newsgroups loads the "train" or "test" subset of the 20
// Newsgroups posts as scikit-learn's fetch_20newsgroups(subset=...) does,
// from $EMBEDCLASSIFY_DATA, the local cache, or a download.
func Fetch20Newsgroups(subset string) *notebook.Value[*newsgroups.Dataset] {
	return notebook.Step("loading the 20 Newsgroups "+subset+" posts", func(ctx context.Context) (*newsgroups.Dataset, error) {
		return newsgroups.Load(ctx, newsgroups.Options{Subset: subset})
	}, subset, newsgroups.ArchiveSHA256, dataSource())
}

// dataSource identifies the archive Fetch20Newsgroups reads when it is not
// the canonical one found in the cache: its path, size and time.
func dataSource() string {
	p := os.Getenv("EMBEDCLASSIFY_DATA")
	if p == "" {
		return ""
	}
	fi, err := os.Stat(p)
	if err != nil {
		return p
	}
	return fmt.Sprintf("%s %d %d", p, fi.Size(), fi.ModTime().UnixNano())
}

// PreprocessNewsgroupData cleans the posts as the tutorial's
// preprocess_newsgroup_data does (no e-mail addresses, no parenthesised
// names, no "From: " and "\nSubject: " labels, 5,000 characters at most)
// into a frame with the columns Text, Label and Class Name.
func PreprocessNewsgroupData(ds *notebook.Value[*newsgroups.Dataset]) Frame {
	return notebook.Step("preprocessing the posts", func(context.Context) (*frame.Frame, error) {
		d, err := ds.Result()
		if err != nil {
			return nil, err
		}
		return newsgroups.PreprocessFrame(d), nil
	}, ds)
}

// SampleData draws numSamples rows of every class, keeps the classes whose
// name contains classesToKeep and encodes their labels 0, 1, ... in the
// Encoded Label column, as the tutorial's sample_data does (with a fixed
// seed, so every run draws the same rows).
func SampleData(df Frame, numSamples int, classesToKeep string) Frame {
	return notebook.Step("sampling the posts", func(context.Context) (*frame.Frame, error) {
		f, err := df.Result()
		if err != nil {
			return nil, err
		}
		return frame.Sample(f, numSamples, classesToKeep, 0)
	}, df, numSamples, classesToKeep)
}

// FrameOf makes a step of a frame built in a cell (for example from one's
// own texts), keyed by its content, so that the steps taking frames accept
// it.
func FrameOf(f *frame.Frame) Frame {
	return notebook.Step("the given frame", func(context.Context) (*frame.Frame, error) { return f, nil }, f)
}
