// Package dataset reads a labelled text dataset from a file: one record per
// row, with a text column and a label column chosen by name.
//
// The formats are CSV (RFC 4180: quoted fields with embedded commas,
// newlines and doubled quotes, an optional UTF-8 byte order mark, LF or CRLF
// line ends), TSV (tab-separated, with CSV's quoting, as Python's excel-tab
// dialect and pandas write it), JSON Lines (one object per line), Parquet
// (top-level columns, through github.com/parquet-go/parquet-go) and plain
// lines (one text per line, no label). A ".gz" suffix on a text format's
// extension (train.csv.gz) is read through gzip.
//
// A Reader streams records one at a time; Load keeps only the text and the
// label of each row (and its line number), so memory grows with the kept
// data, not with the file. Labels are strings and keep their names.
//
// Bad input is reported with the file, the line (for Parquet, the row) and
// the problem: a missing column is a *ColumnError naming the columns that
// exist; an empty text or label, a ragged row, invalid UTF-8 or a malformed
// JSON line is a *RowError, after which the Reader can go on to the next
// row. Load collects row errors into an *InvalidError, or drops those rows
// and counts them with Options.SkipInvalid.
package dataset

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Format is a file format.
type Format string

// The formats Open reads.
const (
	CSV     Format = "csv"     // comma-separated values with a header row (RFC 4180)
	TSV     Format = "tsv"     // tab-separated values with a header row
	JSONL   Format = "jsonl"   // JSON Lines: one object per line
	Parquet Format = "parquet" // Apache Parquet
	Lines   Format = "lines"   // plain text, one text per line, no header and no label
)

// Formats lists the formats in the order the documentation gives them.
var Formats = []Format{CSV, TSV, JSONL, Parquet, Lines}

// The default column names.
const (
	DefaultTextColumn  = "text"
	DefaultLabelColumn = "label"
)

// extensions maps a lower-case file extension to its format.
var extensions = map[string]Format{
	".csv":     CSV,
	".tsv":     TSV,
	".tab":     TSV,
	".jsonl":   JSONL,
	".ndjson":  JSONL,
	".json":    JSONL,
	".parquet": Parquet,
	".pq":      Parquet,
	".txt":     Lines,
}

// ParseFormat returns the format named s ("csv", "tsv", "jsonl", "parquet"
// or "lines"; "json" and "ndjson" mean JSON Lines, "txt" means lines).
func ParseFormat(s string) (Format, error) {
	if f, ok := extensions["."+strings.ToLower(strings.TrimPrefix(s, "."))]; ok {
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q; the formats are %s", s, formatList())
}

func formatList() string {
	var s []string
	for _, f := range Formats {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}

// FormatOf returns the format of the file name by its extension, and
// whether a ".gz" suffix marks it gzip-compressed: "train.csv.gz" is CSV in
// gzip. Parquet compresses inside the file and has no .gz variant.
func FormatOf(name string) (f Format, gzipped bool, err error) {
	base := strings.ToLower(filepath.Base(name))
	if strings.HasSuffix(base, ".gz") {
		base, gzipped = strings.TrimSuffix(base, ".gz"), true
	}
	f, ok := extensions[filepath.Ext(base)]
	if !ok || (gzipped && f == Parquet) {
		return "", false, fmt.Errorf("%s: cannot tell the format from the extension; name it .csv, .tsv, .jsonl, .parquet or .txt (text formats may end in .gz)", name)
	}
	return f, gzipped, nil
}

// Options say how to read a file. The zero value reads the columns "text"
// and "label" of a file whose format is given by its extension.
type Options struct {
	// TextColumn and LabelColumn name the columns (JSON keys) holding each
	// row's text and label; "" means "text" and "label".
	TextColumn, LabelColumn string
	// NoLabel reads texts only: the label column is not required, and
	// Record.Label is empty.
	NoLabel bool
	// IDColumn, if set, names a column whose value each Record carries as
	// its ID. It is optional: a file without it reads with empty IDs.
	IDColumn string
	// Format overrides the format FormatOf gives the file name; Gzip then
	// says whether it is gzip-compressed. Both are needed for NewReader,
	// which has no file name.
	Format Format
	Gzip   bool
	// SkipInvalid makes Load drop invalid rows (and count them) instead of
	// failing. Reader.Read reports every invalid row regardless.
	SkipInvalid bool
}

func (o Options) textColumn() string {
	if o.TextColumn == "" {
		return DefaultTextColumn
	}
	return o.TextColumn
}

func (o Options) labelColumn() string {
	if o.LabelColumn == "" {
		return DefaultLabelColumn
	}
	return o.LabelColumn
}

// Record is one row of a file.
type Record struct {
	// Row is the record's position among the file's records, from 1.
	Row int
	// Line is the line of the file where the record starts, from 1 (a
	// CSV record may span several lines). For Parquet it is the row.
	Line int
	// ID is the value of Options.IDColumn, "" without one.
	ID string
	// Text and Label are the row's text and label.
	Text, Label string
}

// RowError is one invalid row: an empty text or label, a row with the
// wrong number of fields, invalid UTF-8, or a line that is not a JSON
// object. The Reader that returned it can read on.
type RowError struct {
	File    string // the file's name, as given to Open
	Line    int    // the line where the row starts (for Parquet, the row), from 1
	Unit    string // what Line counts: "line", or "row" for Parquet
	Problem string // what is wrong, for people
}

func (e *RowError) Error() string {
	unit := e.Unit
	if unit == "" {
		unit = "line"
	}
	return fmt.Sprintf("%s: %s %d: %s", e.File, unit, e.Line, e.Problem)
}

// ColumnError is a column the options name but the file does not have.
type ColumnError struct {
	File    string   // the file's name
	Column  string   // the missing column
	Role    string   // "text", "label" or "id"
	Columns []string // the columns the file has
}

func (e *ColumnError) Error() string {
	have := "it has no columns"
	if len(e.Columns) > 0 {
		q := make([]string, len(e.Columns))
		for i, c := range e.Columns {
			q[i] = fmt.Sprintf("%q", c)
		}
		have = "its columns are " + strings.Join(q, ", ")
	}
	return fmt.Sprintf("%s: no %s column %q: %s", e.File, e.Role, e.Column, have)
}

// rowReader is one format's reader.
type rowReader interface {
	// next returns the next record (Row is set by Reader), a *RowError for
	// an invalid row, io.EOF at the end, or another error that stops
	// reading.
	next() (Record, error)
	// columns returns the columns the file has.
	columns() []string
}

// Reader streams the records of a file. Its Read returns records in file
// order; it is not safe for concurrent use.
type Reader struct {
	name   string
	format Format
	rr     rowReader
	rows   int
	closer []io.Closer
	err    error // a sticky error that stopped reading
}

// Open opens the named file for reading with the options. The file's format
// is opt.Format, else its extension's (see FormatOf). A missing column is a
// *ColumnError, returned here for the formats with a header (CSV, TSV,
// Parquet) and at the first record for JSON Lines.
func Open(name string, opt Options) (*Reader, error) {
	format, gz := opt.Format, opt.Gzip
	if format == "" {
		var err error
		if format, gz, err = FormatOf(name); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a folder, not a file", name)
	}
	if format == Parquet {
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		pr, err := newParquetReader(name, f, fi.Size(), opt)
		if err != nil {
			f.Close()
			return nil, err
		}
		return &Reader{name: name, format: format, rr: pr, closer: []io.Closer{f}}, nil
	}
	opt.Format, opt.Gzip = format, gz
	r, err := newReader(name, f, opt)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = append(r.closer, f)
	return r, nil
}

// NewReader reads records from r, a stream in a text format (opt.Format:
// CSV, TSV, JSON Lines or lines; Parquet needs Open). name is the stream's
// name in messages, such as "standard input".
func NewReader(name string, r io.Reader, opt Options) (*Reader, error) {
	if opt.Format == "" {
		return nil, fmt.Errorf("%s: the format must be given to read a stream", name)
	}
	if opt.Format == Parquet {
		return nil, fmt.Errorf("%s: Parquet needs a file, not a stream", name)
	}
	return newReader(name, r, opt)
}

func newReader(name string, r io.Reader, opt Options) (*Reader, error) {
	rd := &Reader{name: name, format: opt.Format}
	if opt.Gzip {
		zr, err := gzip.NewReader(bufio.NewReaderSize(r, 1<<16))
		if err != nil {
			return nil, fmt.Errorf("%s: not a gzip file: %w", name, err)
		}
		rd.closer = append(rd.closer, zr)
		r = &gzipErrReader{name: name, r: zr}
	}
	br := bufio.NewReaderSize(r, 1<<16)
	// A UTF-8 byte order mark (Excel writes one) is not part of the data.
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		br.Discard(3)
	}
	var err error
	switch opt.Format {
	case CSV:
		rd.rr, err = newCSVReader(name, br, ',', opt)
	case TSV:
		rd.rr, err = newCSVReader(name, br, '\t', opt)
	case JSONL:
		rd.rr = newJSONLReader(name, br, opt)
	case Lines:
		rd.rr = newLinesReader(name, br)
	default:
		return nil, fmt.Errorf("%s: unknown format %q; the formats are %s", name, opt.Format, formatList())
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// gzipErrReader names the file in a gzip error.
type gzipErrReader struct {
	name string
	r    io.Reader
}

func (g *gzipErrReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: damaged gzip data: %w", g.name, err)
	}
	return n, err
}

// Name returns the file's name, as given to Open or NewReader.
func (r *Reader) Name() string { return r.name }

// Format returns the format the file is read as.
func (r *Reader) Format() Format { return r.format }

// Columns returns the columns of the file: its header for CSV and TSV, its
// schema's top-level columns for Parquet, the keys of the first object
// read for JSON Lines (none before the first Read), and "text" for lines.
func (r *Reader) Columns() []string { return r.rr.columns() }

// Read returns the next record. At the end it returns io.EOF. An invalid
// row is a *RowError (errors.As finds it) and the next Read goes on with
// the row after it; any other error stops the reader and is returned again
// by every later Read.
func (r *Reader) Read() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	rec, err := r.rr.next()
	if err != nil {
		var re *RowError
		if !errors.As(err, &re) {
			r.err = err
			return Record{}, err
		}
		r.rows++
		return Record{}, err
	}
	r.rows++
	rec.Row = r.rows
	return rec, nil
}

// Close closes the file.
func (r *Reader) Close() error {
	var err error
	for i := len(r.closer) - 1; i >= 0; i-- {
		if e := r.closer[i].Close(); err == nil {
			err = e
		}
	}
	r.closer = nil
	return err
}

// ReadAll calls fn with every record of r in order, stopping at the end,
// at fn's first error, at a read error that is not a *RowError, or when ctx
// is cancelled. onInvalid is called with each *RowError; if it returns an
// error, ReadAll stops with it.
func ReadAll(ctx context.Context, r *Reader, fn func(Record) error, onInvalid func(*RowError) error) error {
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var re *RowError
			if errors.As(err, &re) {
				if err := onInvalid(re); err != nil {
					return err
				}
				continue
			}
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
}
