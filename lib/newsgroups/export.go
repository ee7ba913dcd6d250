package newsgroups

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// Record is one exported document, as Write writes it; the JSON field
// order is the documented one: file, label, class, text.
type Record struct {
	File  string `json:"file"`
	Label int    `json:"label"`
	Class string `json:"class"`
	Text  string `json:"text"`
}

// The export formats of Write.
const (
	JSONL = "jsonl" // JSON Lines: one Record object per line
	CSV   = "csv"   // CSV with the header file,label,class,text
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
	var (
		cw    *csv.Writer
		write func(i int) error
	)
	switch format {
	case CSV:
		cw = csv.NewWriter(w)
		if err := cw.Write([]string{"file", "label", "class", "text"}); err != nil {
			return err
		}
		write = func(i int) error {
			return cw.Write([]string{ds.Filenames[i], strconv.Itoa(ds.Target[i]), class(i), texts[i]})
		}
	case JSONL:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		write = func(i int) error { return enc.Encode(Record{ds.Filenames[i], ds.Target[i], class(i), texts[i]}) }
	default:
		return fmt.Errorf("newsgroups.Write: unknown format %q; the formats are %s and %s", format, JSONL, CSV)
	}
	for i := range texts {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := write(i); err != nil {
			return err
		}
	}
	if cw != nil {
		cw.Flush()
		return cw.Error()
	}
	return nil
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
