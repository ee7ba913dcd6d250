package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/lib/tutorial"
)

const predictUsage = `usage: embedclassify predict [flags] TEXT...

Classifies each TEXT (or each line of standard input when TEXT is "-") with a
classifier saved by 'embedclassify run'. The texts are embedded as the
classifier's training texts were, by the embedder recorded beside it
(embedder.json): the offline embedder is restored from its saved model,
Gemini is called with the same model, task type and dimension.

Prints one line per text: the predicted class, its probability (the softmax
of the classifier's outputs, as the training loss sees them) and the text.
`

// runPredict implements "embedclassify predict".
func runPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("embedclassify predict", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelFile := fs.String("model-file", filepath.Join("out", tutorial.ClassifierFile), "classifier `file` written by 'embedclassify run' (its embedder.json must be beside it)")
	cache := fs.String("cache", embedding.DefaultCacheDir(), "`folder` that caches Gemini vectors ('' = no cache)")
	fs.Usage = func() {
		fmt.Fprint(stderr, predictUsage)
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	batch := addBatchFlags(fs)
	if err := parseFlags(fs, args, false); err != nil {
		return err
	}
	if err := batch.check(fs); err != nil {
		return err
	}
	texts := fs.Args()
	if len(texts) == 1 && texts[0] == "-" {
		var err error
		if texts, err = readLines(os.Stdin); err != nil {
			return err
		}
	}
	if len(texts) == 0 && !batch.given() {
		fmt.Fprintln(stderr, "embedclassify predict: no text to classify")
		fs.Usage()
		return errUsage
	}
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			return badUsage(fs, "text %d of %d is empty or blank: there is nothing to classify in it", i+1, len(texts))
		}
	}

	model, err := mlp.LoadFile(*modelFile)
	if err != nil {
		return fmt.Errorf("loading the classifier: %w", err)
	}
	dir := filepath.Dir(*modelFile)
	spec, err := tutorial.ReadEmbedderSpec(dir)
	if err != nil {
		return err
	}
	if err := tutorial.CheckPair(model, spec, *modelFile); err != nil {
		return err
	}
	emb, _, err := tutorial.LoadEmbedder(ctx, dir, selector.Config{CacheDir: *cache})
	if err != nil {
		return err
	}
	if batch.given() {
		return batch.run(ctx, model, emb, stdin, stdout, stderr)
	}
	vecs, err := emb.Embed(ctx, texts)
	if err != nil {
		return fmt.Errorf("embedding the texts: %w", err)
	}
	probs, err := model.Probabilities(vecs)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "class\tprobability\ttext")
	for i, p := range probs {
		best := 0
		for j := range p {
			if p[j] > p[best] {
				best = j
			}
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%s\n", model.ClassName(best), p[best], abbreviate(texts[i], 60))
	}
	return tw.Flush()
}

// readLines returns the non-empty lines of r.
func readLines(r io.Reader) ([]string, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			lines = append(lines, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading texts from standard input: %w", err)
	}
	if len(lines) == 0 {
		return nil, errors.New("standard input held no text to classify")
	}
	return lines, nil
}

// abbreviate cuts s to at most n runes on one line, marking a cut with "…".
func abbreviate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
