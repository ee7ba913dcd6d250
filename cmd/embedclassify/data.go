package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
)

// dataRecord is one exported document (see newsgroups.Record).
type dataRecord = newsgroups.Record

// runData implements "embedclassify data": it writes the 20 Newsgroups
// documents as JSON Lines or CSV, one record per document in dataset order.
func runData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("embedclassify data", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		data       = fs.String("data", "", "20 Newsgroups `archive` (.tar.gz) or extracted folder (default: $EMBEDCLASSIFY_DATA, the cache, then a download)")
		subset     = fs.String("subset", newsgroups.Train, "subset: train, test or all")
		remove     = fs.String("remove", "", "`parts` to strip, comma-separated: headers,footers,quotes")
		categories = fs.String("categories", "", "comma-separated `groups` to keep (default: all 20)")
		raw        = fs.Bool("raw", false, "texts as loaded, without the tutorial's preprocessing")
		format     = fs.String("format", "jsonl", "output format: jsonl or csv")
		out        = fs.String("o", "", "output `file` (default: standard output)")
		seed       = fs.Int64("seed", newsgroups.DefaultSeed, "scikit-learn's random_state for the document order")
		noShuffle  = fs.Bool("no-shuffle", false, "keep scikit-learn's cache order (shuffle=False)")
		cacheDir   = fs.String("cache-dir", "", "`folder` for the downloaded archive (default: the user cache folder)")
		quiet      = fs.Bool("quiet", false, "no download progress on stderr")
	)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: embedclassify data [flags]")
		fmt.Fprintln(stderr, "\nWrites the 20 Newsgroups documents, one record per document in scikit-learn's order:")
		fmt.Fprintln(stderr, `  {"file":"rec.autos/102994","label":7,"class":"rec.autos","text":"..."}`)
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, true); err != nil {
		return err
	}
	if *format != "jsonl" && *format != "csv" {
		return badUsage(fs, "unknown --format %q; valid formats are jsonl and csv", *format)
	}
	if err := checkOutput(*out); err != nil {
		return err
	}

	opt := newsgroups.Options{
		Path:        *data,
		CacheDir:    *cacheDir,
		Subset:      *subset,
		Remove:      splitList(*remove),
		NoShuffle:   *noShuffle,
		RandomState: newsgroups.Seed(*seed),
	}
	if c := splitList(*categories); len(c) > 0 {
		opt.Categories = c
	}
	progress := newProgress(stderr, *quiet)
	opt.Warn = progress.Warn
	opt.Progress = func(done, total int64) {
		if total > 0 {
			progress.Bar("download", int(done>>10), int(total>>10))
		}
	}
	ds, err := newsgroups.Load(ctx, opt)
	progress.Done()
	if err != nil {
		return err
	}
	texts := ds.Data
	if !*raw {
		texts = newsgroups.PreprocessAll(ds.Data)
	}

	w, commit, err := openOutput(*out, stdout)
	if err != nil {
		return err
	}
	err = newsgroups.Write(ctx, w, *format, ds, texts)
	return commit(err)
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// checkOutput checks, before any work, that openOutput will be able to
// write the file name ("" or "-" is standard output).
func checkOutput(name string) error {
	if name == "" || name == "-" {
		return nil
	}
	probe, err := atomicfile.Create(name)
	if err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	probe.Abort()
	return nil
}

// openOutput returns the writer for -o (a temporary file renamed into place
// by commit when everything was written) or stdout. commit flushes and
// closes, and removes the partial file when err is not nil.
func openOutput(name string, stdout io.Writer) (io.Writer, func(error) error, error) {
	if name == "" || name == "-" {
		bw := bufio.NewWriterSize(stdout, 1<<16)
		return bw, func(err error) error {
			if ferr := bw.Flush(); err == nil && ferr != nil {
				err = fmt.Errorf("writing the output: %w", ferr)
			}
			return err
		}, nil
	}
	f, err := atomicfile.Create(name)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the output file: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	return bw, func(err error) error {
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			f.Abort()
			return fmt.Errorf("writing %s: %w", name, err)
		}
		return f.Commit()
	}, nil
}
