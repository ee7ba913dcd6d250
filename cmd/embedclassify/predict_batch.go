package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/embedclassify/embedclassify/lib/dataset"
	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/mlp"
)

// stdin is where --input - reads from (a variable for tests).
var stdin io.Reader = os.Stdin

// batchChunk is how many texts batch predict embeds at a time: enough to
// keep Gemini's concurrent requests of 100 busy, few enough that the
// output streams and memory stays flat.
const batchChunk = 512

// batchFlags are predict's flags for classifying a file of texts.
type batchFlags struct {
	input, output, format, inputFormat *string
	textColumn, idColumn               *string
	skipInvalid                        *bool
}

// addBatchFlags defines predict's batch flags on fs.
func addBatchFlags(fs *flag.FlagSet) *batchFlags {
	return &batchFlags{
		input:       fs.String("input", "", "`file` of texts to classify, '-' for standard input: .csv, .tsv, .jsonl (each may end in .gz), .parquet, or plain lines (any other name)"),
		output:      fs.String("output", "", "`file` for the predictions, written whole or not at all (default: standard output, as they come)"),
		format:      fs.String("format", "", "output format: jsonl or csv (default: from --output's extension, else jsonl)"),
		inputFormat: fs.String("input-format", "", "format of --input: csv, tsv, jsonl, parquet or lines (default: from its extension; for standard input, jsonl when it starts with '{', else lines)"),
		textColumn:  fs.String("text-column", dataset.DefaultTextColumn, "`column` (JSON key) of --input holding the text"),
		idColumn:    fs.String("id-column", "id", "`column` (JSON key) of --input copied to each prediction as its id, when the input has it"),
		skipInvalid: fs.Bool("skip-invalid", false, "leave out invalid rows of --input (empty text, ragged row, bad UTF-8 or JSON) and say how many, instead of stopping"),
	}
}

// given reports whether predict classifies a file (--input).
func (b *batchFlags) given() bool { return *b.input != "" }

// check validates the batch flags before anything is loaded: a mistake is
// a usage error (exit 2).
func (b *batchFlags) check(fs *flag.FlagSet) error {
	usage := func(format string, args ...any) error {
		fmt.Fprintf(fs.Output(), "embedclassify predict: "+format+"\n", args...)
		return errUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !b.given() {
		for _, name := range []string{"output", "format", "input-format", "text-column", "id-column", "skip-invalid"} {
			if set[name] {
				return usage("--%s goes with --input (a file of texts to classify)", name)
			}
		}
		return nil
	}
	if fs.NArg() > 0 {
		return usage("give the texts either as arguments or with --input, not both")
	}
	if _, err := b.outputFormat(); err != nil {
		return usage("%v", err)
	}
	if *b.inputFormat != "" {
		if _, err := dataset.ParseFormat(*b.inputFormat); err != nil {
			return usage("--input-format: %v", err)
		}
	}
	if strings.TrimSpace(*b.textColumn) == "" {
		return usage("--text-column needs a column name")
	}
	return nil
}

// outputFormat returns "jsonl" or "csv".
func (b *batchFlags) outputFormat() (string, error) {
	f := strings.ToLower(*b.format)
	if f == "" {
		f = "jsonl"
		if ext := strings.ToLower(strings.TrimSuffix(*b.output, ".gz")); strings.HasSuffix(ext, ".csv") {
			f = "csv"
		}
	}
	if f != "jsonl" && f != "csv" {
		return "", fmt.Errorf("unknown --format %q; the formats are jsonl and csv", *b.format)
	}
	return f, nil
}

// open opens --input: a file by its extension or --input-format, or
// standard input.
func (b *batchFlags) open(stdin io.Reader) (*dataset.Reader, error) {
	opt := dataset.Options{TextColumn: *b.textColumn, IDColumn: *b.idColumn, NoLabel: true}
	if *b.inputFormat != "" {
		opt.Format, _ = dataset.ParseFormat(*b.inputFormat)
	}
	if *b.input != "-" {
		if opt.Format == "" {
			var err error
			if opt.Format, opt.Gzip, err = dataset.FormatOf(*b.input); err != nil {
				opt.Format = dataset.Lines
			}
		}
		return dataset.Open(*b.input, opt)
	}
	br := bufio.NewReaderSize(stdin, 1<<16)
	if opt.Format == "" {
		opt.Format = dataset.Lines
		for n := 1; n <= 4096; n *= 4 {
			head, _ := br.Peek(n)
			if t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf"); len(t) > 0 {
				if t[0] == '{' {
					opt.Format = dataset.JSONL
				}
				break
			}
			if len(head) < n {
				break
			}
		}
	}
	return dataset.NewReader("standard input", br, opt)
}

// run classifies every text of --input with model, embedding them
// batchChunk at a time with emb (through its cache), and writes one
// prediction per text in input order. A file is checked whole first, so
// that a bad row stops the run before any text is embedded.
func (b *batchFlags) run(ctx context.Context, model *mlp.Model, emb embedding.Embedder, stdin io.Reader, stdout, stderr io.Writer) error {
	format, _ := b.outputFormat()
	if *b.input != "-" && !*b.skipInvalid {
		if err := b.validate(ctx); err != nil {
			return err
		}
	}
	r, err := b.open(stdin)
	if err != nil {
		return b.explain(err)
	}
	defer r.Close()
	w, commit, err := openOutput(*b.output, stdout)
	if err != nil {
		return err
	}
	pw := newPredictionWriter(w, format, model)
	var (
		chunk    []dataset.Record
		texts    []string
		done     int
		skipped  int
		firstBad *dataset.RowError
	)
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		texts = texts[:0]
		for _, rec := range chunk {
			texts = append(texts, rec.Text)
		}
		vecs, err := emb.Embed(ctx, texts)
		if err != nil {
			return fmt.Errorf("embedding rows %d to %d: %w", chunk[0].Row, chunk[len(chunk)-1].Row, err)
		}
		probs, err := model.Probabilities(vecs)
		if err != nil {
			return err
		}
		for i, rec := range chunk {
			if err := pw.write(rec, probs[i]); err != nil {
				return err
			}
		}
		done += len(chunk)
		chunk = chunk[:0]
		return pw.flush()
	}
	err = dataset.ReadAll(ctx, r, func(rec dataset.Record) error {
		chunk = append(chunk, rec)
		if len(chunk) == batchChunk {
			return flush()
		}
		return nil
	}, func(re *dataset.RowError) error {
		if !*b.skipInvalid {
			return fmt.Errorf("%w\nfix the row, or pass --skip-invalid to leave such rows out", re)
		}
		if skipped++; firstBad == nil {
			firstBad = re
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil && done == 0 {
		err = fmt.Errorf("%s holds no text to classify", r.Name())
	}
	if err := commit(b.explain(err)); err != nil {
		return err
	}
	if skipped > 0 {
		fmt.Fprintf(stderr, "embedclassify predict: left out %d invalid rows (--skip-invalid); the first: %v\n", skipped, firstBad)
	}
	if *b.output != "" && *b.output != "-" {
		fmt.Fprintf(stderr, "classified %d texts into %s\n", done, *b.output)
	}
	return nil
}

// validate reads --input once, before anything is embedded, and fails
// with every invalid row (the first dataset.MaxProblems of them).
func (b *batchFlags) validate(ctx context.Context) error {
	r, err := b.open(nil)
	if err != nil {
		return b.explain(err)
	}
	defer r.Close()
	ie := &dataset.InvalidError{File: r.Name()}
	err = dataset.ReadAll(ctx, r, func(dataset.Record) error { return nil }, func(re *dataset.RowError) error {
		if ie.Count++; len(ie.Problems) < dataset.MaxProblems {
			ie.Problems = append(ie.Problems, re)
		}
		return nil
	})
	if err != nil {
		return b.explain(err)
	}
	if ie.Count > 0 {
		return fmt.Errorf("%w\nfix these rows, or pass --skip-invalid to leave them out", ie)
	}
	return nil
}

// explain adds the flag that fixes a missing column.
func (b *batchFlags) explain(err error) error {
	var ce *dataset.ColumnError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w; name the text column with --text-column", err)
	}
	return err
}

// predictionWriter writes predictions as JSON Lines or CSV.
type predictionWriter struct {
	w       io.Writer
	csv     *csv.Writer
	classes []string
	buf     []byte
	row     []string
}

func newPredictionWriter(w io.Writer, format string, model *mlp.Model) *predictionWriter {
	p := &predictionWriter{w: w}
	for i := range model.NumClasses() {
		p.classes = append(p.classes, model.ClassName(i))
	}
	if format == "csv" {
		p.csv = csv.NewWriter(w)
	}
	return p
}

// write writes rec's prediction: its row and id, the most probable class
// and its probability, and every class's probability, in the model's class
// order.
func (p *predictionWriter) write(rec dataset.Record, probs []float32) error {
	best := 0
	for j := range probs {
		if probs[j] > probs[best] {
			best = j
		}
	}
	num := func(b []byte, x float32) []byte { return strconv.AppendFloat(b, float64(x), 'g', 6, 32) }
	if p.csv != nil {
		if p.row == nil {
			header := append([]string{"row", "id", "predicted", "probability"}, p.classes...)
			if err := p.csv.Write(header); err != nil {
				return err
			}
		}
		p.row = append(p.row[:0], strconv.Itoa(rec.Row), rec.ID, p.classes[best], string(num(nil, probs[best])))
		for _, x := range probs {
			p.row = append(p.row, string(num(nil, x)))
		}
		return p.csv.Write(p.row)
	}
	b := append(p.buf[:0], `{"row":`...)
	b = strconv.AppendInt(b, int64(rec.Row), 10)
	if rec.ID != "" {
		b = append(b, `,"id":`...)
		b = appendJSONString(b, rec.ID)
	}
	b = append(b, `,"predicted":`...)
	b = appendJSONString(b, p.classes[best])
	b = append(b, `,"probability":`...)
	b = num(b, probs[best])
	b = append(b, `,"probabilities":{`...)
	for j, x := range probs {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, p.classes[j])
		b = append(b, ':')
		b = num(b, x)
	}
	b = append(b, "}}\n"...)
	p.buf = b
	_, err := p.w.Write(b)
	return err
}

// flush pushes what is written so far to the output, so that standard
// output streams.
func (p *predictionWriter) flush() error {
	if p.csv != nil {
		p.csv.Flush()
		if err := p.csv.Error(); err != nil {
			return err
		}
	}
	if f, ok := p.w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}
