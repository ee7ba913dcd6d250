// Package records writes records as CSV rows under a header or as JSON
// Lines: the one writer of the project's exports (the documents of
// "embedclassify data" and of the own-texts notebook's example file, the
// vectors of "embedclassify embed").
package records

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
)

// The formats a Writer writes.
const (
	JSONL = "jsonl" // JSON Lines: each record's JSON encoding, one a line
	CSV   = "csv"   // CSV: the header, then each record's fields, one row a record
)

// A Record is one output record: a JSON object in JSON Lines (its
// encoding/json encoding), a row in CSV.
type Record interface {
	// CSVRow appends the record's CSV fields to row and returns it.
	CSVRow(row []string) []string
}

// A Writer writes records in one format.
type Writer struct {
	cw  *csv.Writer
	enc *json.Encoder
	row []string
}

// NewWriter starts writing format (JSONL or CSV) to w; a CSV file starts
// with header.
func NewWriter(w io.Writer, format string, header []string) (*Writer, error) {
	switch format {
	case CSV:
		cw := csv.NewWriter(w)
		return &Writer{cw: cw}, cw.Write(header)
	case JSONL:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return &Writer{enc: enc}, nil
	}
	return nil, fmt.Errorf("unknown format %q; the formats are %s and %s", format, JSONL, CSV)
}

// Write writes one record.
func (r *Writer) Write(rec Record) error {
	if r.cw == nil {
		return r.enc.Encode(rec)
	}
	r.row = rec.CSVRow(r.row[:0])
	return r.cw.Write(r.row)
}

// WriteAll writes the n records rec(0), rec(1), … and flushes, checking
// ctx every 1024 records.
func (r *Writer) WriteAll(ctx context.Context, n int, rec func(i int) Record) error {
	for i := range n {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := r.Write(rec(i)); err != nil {
			return err
		}
	}
	if r.cw != nil {
		r.cw.Flush()
		return r.cw.Error()
	}
	return nil
}
