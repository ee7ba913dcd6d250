package lesson

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
	"github.com/embedclassify/embedclassify/lib/dataset"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// exportHeader is the first line of the CSV files ExportNewsgroups writes.
const exportHeader = "file,label,class,text\n"

// ExportNewsgroups writes a labelled CSV file to path, as `embedclassify
// data --format csv` writes one: the first perGroup preprocessed training
// posts of each of groups, with the columns file, label (the group's
// number), class (its name) and text. It lets a notebook about one's own
// texts run with no file but the 20 Newsgroups archive. The posts are
// loaded once per kernel session; the file is written only when it is
// missing or differs, and a file at path that is not such an export is
// never replaced. It returns a note saying what it did, naming the file
// by its base name only.
func ExportNewsgroups(path string, groups []string, perGroup int) (Note, error) {
	content, err := exportedPosts(groups, perGroup).Result()
	if err != nil {
		return Note{}, err
	}
	what := fmt.Sprintf("%d posts (the first %d of each of %d groups) to %s, %d KiB", content.Rows, perGroup, len(groups), filepath.Base(path), len(content.CSV)>>10)
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, content.CSV):
		return Note{"Note", "Already written: " + what + "."}, nil
	case err == nil && !bytes.HasPrefix(old, []byte(exportHeader)):
		return Note{}, fmt.Errorf("%s exists and is not a 20 Newsgroups export: it is left as it is; give another file name", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return Note{}, err
	}
	if err := atomicfile.WriteFile(path, content.CSV); err != nil {
		return Note{}, err
	}
	if old != nil {
		return Note{"Note", "Wrote " + what + ", replacing the earlier export."}, nil
	}
	return Note{"Note", "Wrote " + what + "."}, nil
}

// export is the content of an ExportNewsgroups file.
type export struct {
	CSV  []byte
	Rows int
}

// exportedPosts is the step that loads and writes the posts of
// ExportNewsgroups into memory.
func exportedPosts(groups []string, perGroup int) *notebook.Value[*export] {
	return notebook.Step("exporting 20 Newsgroups posts", func(ctx context.Context) (*export, error) {
		if perGroup < 1 {
			return nil, fmt.Errorf("ExportNewsgroups: %d posts per group; want 1 or more", perGroup)
		}
		ds, err := newsgroups.Load(ctx, newsgroups.Options{Subset: newsgroups.Train, Categories: groups})
		if err != nil {
			return nil, err
		}
		ds = ds.Head(perGroup)
		var b bytes.Buffer
		if err := newsgroups.Write(ctx, &b, newsgroups.CSV, ds, newsgroups.PreprocessAll(ds.Data)); err != nil {
			return nil, err
		}
		return &export{CSV: b.Bytes(), Rows: ds.Len()}, nil
	}, groups, perGroup, newsgroups.ArchiveSHA256, dataSource())
}

// fileContent is a file given to a step, identified by its content.
type fileContent string

// Fingerprint digests the file's bytes, so that a step reading it computes
// again when the file changes, whatever its name and time.
func (f fileContent) Fingerprint() (string, error) {
	fh, err := os.Open(string(f))
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, bufio.NewReader(fh)); err != nil {
		return "", fmt.Errorf("reading %s: %w", f, err)
	}
	return "file:sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// ReadLabelled reads a labelled file of one's own (CSV, TSV, JSON Lines or
// Parquet, see package dataset; opt names its text and label columns) into
// a frame with the columns Text, Label and Class Name, a row per valid row
// of the file, labels keeping their names; Label and Encoded Label number
// the classes in sorted order. An invalid row (an empty text or label, a
// ragged row, bad UTF-8) stops it with the file's line, unless
// opt.SkipInvalid drops such rows (it then says how many). The step is keyed
// by the file's content.
func ReadLabelled(path string, opt dataset.Options) Frame {
	return notebook.Step("reading "+filepath.Base(path), func(ctx context.Context) (*frame.Frame, error) {
		d, err := dataset.Load(ctx, path, opt)
		var ie *dataset.InvalidError
		if errors.As(err, &ie) {
			return nil, fmt.Errorf("%w\nfix these rows, or set SkipInvalid: true in the options to leave them out", err)
		}
		if err != nil {
			return nil, err
		}
		if d.Skipped > 0 {
			notebook.Warning("%s: left out %d invalid rows; the first: %v", filepath.Base(path), d.Skipped, d.Problems[0].Problem)
		}
		return d.Frame(d.Classes())
	}, fileContent(path), opt)
}

// splitSeed seeds TrainTestSplit: every run splits alike.
const splitSeed = 0

// split is the result of TrainTestSplit's step.
type split struct{ Train, Test *frame.Frame }

// TrainTestSplit divides the rows of df into a training and a test frame,
// class by class (stratified, with a fixed seed, see dataset.Split): each
// class keeps its share in both. It fails on a class with fewer than 2
// rows, which could not be both learnt and tested, and warns when test
// texts also appear among the training texts (the test would then partly
// measure memory).
func TrainTestSplit(df Frame, testFraction float64) (train, test Frame) {
	s := notebook.Step("splitting the rows", func(context.Context) (*split, error) {
		f, err := df.Result()
		if err != nil {
			return nil, err
		}
		d := &dataset.Dataset{Name: "the frame", Text: f.Text, Label: f.ClassName, Line: make([]int, f.Len())}
		for i := range d.Line {
			d.Line[i] = i + 1
		}
		if small := dataset.SmallClasses(d, 2); len(small) > 0 {
			return nil, fmt.Errorf("classes with fewer than 2 rows cannot be both learnt and tested: %v; add examples, or leave these classes out of the file", small)
		}
		tr, te, err := dataset.Split(d, testFraction, splitSeed)
		if err != nil {
			return nil, err
		}
		classes := d.Classes()
		out := &split{}
		if out.Train, err = tr.Frame(classes); err != nil {
			return nil, err
		}
		if out.Test, err = te.Frame(classes); err != nil {
			return nil, err
		}
		if dup := dataset.Duplicates(tr.Text, te.Text); dup > 0 {
			notebook.Warning("%d of the %d test texts also appear among the training texts: the test accuracy partly measures memory; remove the duplicates from the file for a fair figure", dup, te.Len())
		}
		return out, nil
	}, df, testFraction, splitSeed)
	part := func(what string, pick func(*split) *frame.Frame) Frame {
		return notebook.Step(what, func(context.Context) (*frame.Frame, error) {
			x, err := s.Result()
			if err != nil {
				return nil, err
			}
			return pick(x), nil
		}, s, what)
	}
	return part("the training rows", func(x *split) *frame.Frame { return x.Train }),
		part("the test rows", func(x *split) *frame.Frame { return x.Test })
}

// SplitCounts shows how many rows of each class went to training and to
// testing.
func SplitCounts(train, test Frame) (Table, error) {
	t := Table{Header: []string{"class", "training rows", "test rows"}}
	tr, te, err := notebook.Results(train, test)
	if err != nil {
		return t, err
	}
	count := func(f *frame.Frame) map[string]int {
		m := map[string]int{}
		for _, c := range f.ClassName {
			m[c]++
		}
		return m
	}
	a, b := count(tr), count(te)
	for _, c := range tr.Classes() {
		t.Rows = append(t.Rows, []string{c, fmt.Sprint(a[c]), fmt.Sprint(b[c])})
	}
	t.Rows = append(t.Rows, []string{"all", fmt.Sprint(tr.Len()), fmt.Sprint(te.Len())})
	return t, nil
}
