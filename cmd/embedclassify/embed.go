package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/embedclassify/embedclassify/internal/records"
	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
	"github.com/embedclassify/embedclassify/lib/tutorial"
)

const embedUsage = `usage: embedclassify embed [flags]

Embeds a frame of texts and writes one vector per text, in input order.

The texts come from --in, a file written by 'embedclassify data' (JSON Lines
or CSV, '-' for standard input), or else straight from the dataset (--data,
--subset, --classes, --per-class, --seed, preprocessed as the tutorial does).

The embedder is Gemini when --embedder is gemini, or auto and a key is set
(GEMINI_API_KEY or GOOGLE_API_KEY; GOOGLE_GEMINI_BASE_URL points it at another
server), else the offline TF-IDF + LSA embedder, fitted on the texts of --fit
(a file like --in); by default on the texts being embedded, except for the
dataset's test subset, where it is fitted on train texts chosen with the same
--classes and --seed (100 per class when --per-class is set, see
--fit-per-class), as the tutorial does.

Output formats (--format, else from the -o extension, else jsonl):
  npy    a float32 matrix, texts × dimensions, for numpy.load
  jsonl  {"file":..,"label":..,"class":..,"embedding":[..]} per line
  csv    file,label,class,e0,e1,...
`

// embedJob is what "embedclassify embed" was asked to do.
type embedJob struct {
	in, fit      string // files of texts to embed and to fit on ("" = the dataset)
	data, subset string // the dataset, when there is no --in
	classes      string
	perClass     int
	fitPerClass  int // -1: the default (see the flag)
	seed         int64
	out, format  string
	quiet        bool
	cfg          selector.Config
	kind         string  // the embedder cfg resolves to
	estimate     bool    // say what embedding would cost, and send nothing
	price        float64 // list price per million input tokens, for estimate
}

// runEmbed implements "embedclassify embed": it checks the job, reads the
// texts (and those to fit the offline embedder on), embeds them and writes
// the vectors.
func runEmbed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	job, err := parseEmbed(args, stdout, stderr)
	if err != nil {
		return err
	}
	progress := newProgress(stderr, job.quiet)
	defer progress.Done()
	f, err := job.texts(ctx, progress)
	if err != nil {
		return err
	}
	if job.estimate {
		progress.Done()
		return printEstimate(ctx, stdout, job.cfg, job.price, namedTexts{"", f.Text})
	}
	fitTexts, err := job.fitTexts(ctx, f, progress)
	if err != nil {
		return err
	}
	vecs, err := job.embed(ctx, fitTexts, f.Text, progress)
	if err != nil {
		return err
	}
	w, commit, err := openOutput(job.out, stdout)
	if err != nil {
		return err
	}
	return commit(writeVectors(ctx, w, job.format, f, vecs))
}

// parseEmbed reads embed's flags and checks them, and the output file,
// before anything is loaded or paid for.
func parseEmbed(args []string, stdout, stderr io.Writer) (*embedJob, error) {
	fs := flag.NewFlagSet("embedclassify embed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	j := &embedJob{}
	fs.StringVar(&j.in, "in", "", "`file` of texts written by 'embedclassify data' (jsonl or csv; '-' = stdin); default: the dataset")
	fs.StringVar(&j.fit, "fit", "", "`file` of texts (like --in) to fit the offline embedder on (default: the texts being embedded, or the matching train texts for --subset test)")
	fs.StringVar(&j.data, "data", "", "20 Newsgroups `archive` (.tar.gz) or extracted folder, when there is no --in")
	fs.StringVar(&j.subset, "subset", newsgroups.Train, "dataset subset when there is no --in: train, test or all")
	fs.StringVar(&j.classes, "classes", "", "keep the classes whose name contains this `text` ('' keeps all)")
	fs.IntVar(&j.perClass, "per-class", 0, "sample this many texts per class (frame.Sample; 0 = all)")
	fs.Int64Var(&j.seed, "seed", 0, "seed of the per-class sample")
	fs.IntVar(&j.fitPerClass, "fit-per-class", -1, fmt.Sprintf("with --subset test and the offline embedder: train texts per class to fit it on (default: %d, the tutorial's, when --per-class is set; else all)", tutorial.TrainPerClass))
	fs.StringVar(&j.out, "o", "", "output `file` (default: standard output)")
	fs.StringVar(&j.format, "format", "", "output format: npy, jsonl or csv (default: from -o's extension, else jsonl)")
	fs.BoolVar(&j.quiet, "quiet", false, "no progress on stderr")
	ef := addEmbeddingFlags(fs, "batch-size")
	fs.Usage = func() {
		fmt.Fprint(stderr, embedUsage)
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, true); err != nil {
		return nil, err
	}
	j.cfg = ef.config()
	j.estimate, j.price = *ef.gemini.estimate, *ef.gemini.price
	if j.format == "" {
		switch strings.ToLower(filepath.Ext(j.out)) {
		case ".npy":
			j.format = "npy"
		case ".csv":
			j.format = "csv"
		default:
			j.format = "jsonl"
		}
	}
	if j.format != "npy" && j.format != "jsonl" && j.format != "csv" {
		return nil, badUsage(fs, "unknown --format %q; valid formats are npy, jsonl and csv", j.format)
	}
	if j.format == "npy" && (j.out == "" || j.out == "-") && isTerminal(stdout) {
		return nil, badUsage(fs, "npy is binary; write it to a file with -o")
	}
	if j.perClass < 0 {
		return nil, badUsage(fs, "--per-class %d is negative", j.perClass)
	}
	if j.in == "" && j.classes != "" {
		if err := checkClasses(fs, j.classes); err != nil {
			return nil, err
		}
	}
	if err := checkEmbedding(fs, j.cfg); err != nil {
		return nil, err
	}
	j.kind, _ = selector.Resolve(j.cfg) // checked above
	if err := checkOutput(j.out); err != nil {
		return nil, err
	}
	return j, nil
}

// texts returns the frame to embed: --in, or the dataset's subset, sampled
// or filtered by class.
func (j *embedJob) texts(ctx context.Context, progress *progress) (*frame.Frame, error) {
	var (
		f   *frame.Frame
		err error
	)
	if j.in != "" {
		f, err = readFrame(j.in, os.Stdin)
	} else {
		progress.Step("loading the " + j.subset + " subset")
		f, err = loadDatasetFrame(ctx, j.data, j.subset)
	}
	if err != nil {
		return nil, err
	}
	if f, err = j.pick(f, j.perClass); err != nil {
		return nil, err
	}
	if f.Len() == 0 {
		return nil, errors.New("no texts to embed: the input is empty or no class matches --classes")
	}
	return f, nil
}

// pick samples perClass rows of each class kept by --classes, or keeps all
// of their rows when perClass is 0.
func (j *embedJob) pick(f *frame.Frame, perClass int) (*frame.Frame, error) {
	if perClass > 0 {
		return frame.Sample(f, perClass, j.classes, j.seed)
	}
	if j.classes != "" {
		return frame.KeepClasses(f, j.classes)
	}
	return f, nil
}

// fitTexts returns the texts to fit the offline embedder on: --fit's, the
// training texts chosen as the tutorial chooses them when the dataset's
// test texts are embedded offline, else the texts being embedded.
func (j *embedJob) fitTexts(ctx context.Context, f *frame.Frame, progress *progress) ([]string, error) {
	switch {
	case j.fit != "":
		ff, err := readFrame(j.fit, os.Stdin)
		if err != nil {
			return nil, err
		}
		return ff.Text, nil
	case j.in == "" && j.subset != newsgroups.Train && j.kind == selector.KindLocal:
		progress.Step("loading the train subset to fit the offline embedder on")
		tf, err := loadDatasetFrame(ctx, j.data, newsgroups.Train)
		if err != nil {
			return nil, err
		}
		n := j.fitPerClass
		if n < 0 {
			n = 0
			if j.perClass > 0 {
				n = tutorial.TrainPerClass
			}
		}
		if tf, err = j.pick(tf, n); err != nil {
			return nil, err
		}
		return tf.Text, nil
	}
	return f.Text, nil
}

// embed builds the embedder (fitted on fitTexts when offline) and embeds
// texts, reporting progress and, at the end, what it took.
func (j *embedJob) embed(ctx context.Context, fitTexts, texts []string, progress *progress) ([][]float32, error) {
	cfg := j.cfg
	cfg.Progress = func(done, total int) { progress.Bar("embed", done, total) }
	cfg.Gemini.Status = geminiStatus(progress)
	emb, msg, err := selector.Select(ctx, cfg, fitTexts)
	if err != nil {
		return nil, err
	}
	progress.Step(msg)
	start := time.Now()
	vecs, err := emb.Embed(ctx, texts)
	progress.Done()
	if err != nil {
		return nil, err
	}
	summary := fmt.Sprintf("embedded %d texts with %s (%d dimensions) in %.1fs", len(vecs), emb.Model(), emb.Dim(), time.Since(start).Seconds())
	if c, ok := emb.(*embedding.Cache); ok {
		st := c.Stats()
		summary += fmt.Sprintf("; cache: %d reused, %d requested", st.Hits, st.Misses)
	}
	progress.Step(summary)
	return vecs, nil
}

// loadDatasetFrame loads a subset of the dataset and preprocesses it as the
// tutorial does.
func loadDatasetFrame(ctx context.Context, data, subset string) (*frame.Frame, error) {
	ds, err := newsgroups.Load(ctx, newsgroups.Options{Path: data, Subset: subset})
	if err != nil {
		return nil, err
	}
	return newsgroups.PreprocessFrame(ds), nil
}

// readFrame reads a file written by "embedclassify data" ("-" reads
// stdin): JSON Lines records {"file","label","class","text"} or CSV with
// the header file,label,class,text (only text is required).
func readFrame(name string, stdin io.Reader) (*frame.Frame, error) {
	var r io.Reader
	if name == "-" {
		r = stdin
	} else {
		fh, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r = fh
	}
	br := bufio.NewReaderSize(r, 1<<16)
	first, _ := br.Peek(1)
	f := &frame.Frame{Text: []string{}, Label: []int{}, ClassName: []string{}, File: []string{}}
	if len(first) == 1 && first[0] == '{' {
		dec := json.NewDecoder(br)
		for n := 1; ; n++ {
			var rec dataRecord
			if err := dec.Decode(&rec); err == io.EOF {
				break
			} else if err != nil {
				return nil, fmt.Errorf("%s: record %d: %w", name, n, err)
			}
			f.Text = append(f.Text, rec.Text)
			f.Label = append(f.Label, rec.Label)
			f.ClassName = append(f.ClassName, rec.Class)
			f.File = append(f.File, rec.File)
		}
		return f, nil
	}
	cr := csv.NewReader(br)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: not JSON Lines, and no CSV header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	ti, ok := col["text"]
	if !ok {
		return nil, fmt.Errorf("%s: the CSV header %q has no text column", name, header)
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		label := -1
		if v := get(rec, "label"); v != "" {
			if label, err = strconv.Atoi(v); err != nil {
				return nil, fmt.Errorf("%s: line %d: label %q is not a number", name, n, v)
			}
		}
		f.Text = append(f.Text, rec[ti])
		f.Label = append(f.Label, label)
		f.ClassName = append(f.ClassName, get(rec, "class"))
		f.File = append(f.File, get(rec, "file"))
	}
	return f, nil
}

// vectorRecord is one JSON Lines output record.
type vectorRecord struct {
	File      string    `json:"file,omitempty"`
	Label     int       `json:"label"`
	Class     string    `json:"class,omitempty"`
	Embedding []float32 `json:"embedding"`
}

// CSVRow implements records.Record: file, label, class, then the vector.
func (r vectorRecord) CSVRow(row []string) []string {
	row = append(row, r.File, strconv.Itoa(r.Label), r.Class)
	for _, x := range r.Embedding {
		row = append(row, strconv.FormatFloat(float64(x), 'g', -1, 32))
	}
	return row
}

func writeVectors(ctx context.Context, w io.Writer, format string, f *frame.Frame, vecs [][]float32) error {
	at := func(s []string, i int) string {
		if i < len(s) {
			return s[i]
		}
		return ""
	}
	label := func(i int) int {
		if i < len(f.Label) {
			return f.Label[i]
		}
		return -1
	}
	if format == "npy" {
		return writeNPY(w, vecs)
	}
	dim := 0
	if len(vecs) > 0 {
		dim = len(vecs[0])
	}
	header := []string{"file", "label", "class"}
	for j := range dim {
		header = append(header, "e"+strconv.Itoa(j))
	}
	rw, err := records.NewWriter(w, format, header)
	if err != nil {
		return err
	}
	return rw.WriteAll(ctx, len(vecs), func(i int) records.Record {
		return vectorRecord{at(f.File, i), label(i), at(f.ClassName, i), vecs[i]}
	})
}

// writeNPY writes vecs as a little-endian float32 matrix in numpy's .npy
// format (version 1.0).
func writeNPY(w io.Writer, vecs [][]float32) error {
	dim := 0
	if len(vecs) > 0 {
		dim = len(vecs[0])
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", len(vecs), dim)
	// Magic, version, header length, then the header padded with spaces
	// and a newline so that the data starts at a multiple of 64 bytes.
	total := 10 + len(header) + 1
	pad := (64 - total%64) % 64
	header += strings.Repeat(" ", pad) + "\n"
	var pre [10]byte
	copy(pre[:], "\x93NUMPY\x01\x00")
	binary.LittleEndian.PutUint16(pre[8:], uint16(len(header)))
	if _, err := w.Write(pre[:]); err != nil {
		return err
	}
	if _, err := io.WriteString(w, header); err != nil {
		return err
	}
	buf := make([]byte, 4*dim)
	for i, v := range vecs {
		if len(v) != dim {
			return fmt.Errorf("vector %d has %d values, not %d", i, len(v), dim)
		}
		for j, x := range v {
			binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(x))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
