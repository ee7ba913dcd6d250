package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
)

// record is one output record of "data" and "embed": a JSON object in
// JSON Lines, a row under a header in CSV.
type record interface {
	// csvRow appends the record's CSV fields to row.
	csvRow(row []string) []string
}

// recordWriter writes records as CSV rows under a header or as JSON Lines.
type recordWriter struct {
	cw  *csv.Writer
	enc *json.Encoder
	row []string
}

// newRecordWriter starts a CSV file (writing header) when format is "csv",
// and JSON Lines otherwise.
func newRecordWriter(w io.Writer, format string, header []string) (*recordWriter, error) {
	if format == "csv" {
		cw := csv.NewWriter(w)
		return &recordWriter{cw: cw}, cw.Write(header)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &recordWriter{enc: enc}, nil
}

func (r *recordWriter) write(rec record) error {
	if r.cw == nil {
		return r.enc.Encode(rec)
	}
	r.row = rec.csvRow(r.row[:0])
	return r.cw.Write(r.row)
}

// writeAll writes the n records rec(0), rec(1), … and flushes, checking ctx
// every 1024 records.
func (r *recordWriter) writeAll(ctx context.Context, n int, rec func(i int) record) error {
	for i := range n {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := r.write(rec(i)); err != nil {
			return err
		}
	}
	if r.cw != nil {
		r.cw.Flush()
		return r.cw.Error()
	}
	return nil
}
