package newsgroups

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/embedclassify/embedclassify/internal/records"
)

// Record is one exported document, as Write writes it; the JSON field
// order is the documented one: file, label, class, text.
type Record struct {
	File  string `json:"file"`
	Label int    `json:"label"`
	Class string `json:"class"`
	Text  string `json:"text"`
}

// CSVRow implements records.Record: file, label, class, text.
func (r Record) CSVRow(row []string) []string {
	return append(row, r.File, strconv.Itoa(r.Label), r.Class, r.Text)
}

// The export formats of Write.
const (
	JSONL = records.JSONL // JSON Lines: one Record object per line
	CSV   = records.CSV   // CSV with the header file,label,class,text
)

// Write writes the documents of ds to w in format (JSONL or CSV), one
// record per document in ds's order, with texts[i] as document i's text
// (ds.Data, or its preprocessed form). It stops when ctx is cancelled.
func Write(ctx context.Context, w io.Writer, format string, ds *Dataset, texts []string) error {
	if len(texts) != ds.Len() {
		return fmt.Errorf("newsgroups.Write: %d texts for %d documents", len(texts), ds.Len())
	}
	class := func(i int) string {
		if t := ds.Target[i]; t >= 0 && t < len(ds.TargetNames) {
			return ds.TargetNames[t]
		}
		return ""
	}
	rw, err := records.NewWriter(w, format, []string{"file", "label", "class", "text"})
	if err != nil {
		return fmt.Errorf("newsgroups.Write: %w", err)
	}
	return rw.WriteAll(ctx, len(texts), func(i int) records.Record {
		return Record{ds.Filenames[i], ds.Target[i], class(i), texts[i]}
	})
}

// Head returns the first n documents of each group of ds, in ds's order
// (all of a group's documents when it has n or fewer).
func (d *Dataset) Head(n int) *Dataset {
	out := &Dataset{TargetNames: d.TargetNames}
	seen := make([]int, len(d.TargetNames))
	for i, t := range d.Target {
		if t >= 0 && t < len(seen) {
			if seen[t] >= n {
				continue
			}
			seen[t]++
		}
		out.Data = append(out.Data, d.Data[i])
		out.Filenames = append(out.Filenames, d.Filenames[i])
		out.Target = append(out.Target, t)
	}
	return out
}
