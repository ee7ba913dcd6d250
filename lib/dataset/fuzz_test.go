package dataset

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
)

// checkStream reads every record of data in format f and checks what any
// input must give: no panic, an end, records with valid non-empty text and
// label, row errors naming the stream and a line within it, lines that
// never go back.
func checkStream(t *testing.T, f Format, data []byte) {
	r, err := NewReader("fuzz", bytes.NewReader(data), Options{Format: f, NoLabel: f == Lines, IDColumn: "id"})
	if err != nil {
		if !strings.Contains(err.Error(), "fuzz") {
			t.Fatalf("error without the file's name: %v", err)
		}
		return
	}
	checkRecords(t, r, bytes.Count(data, []byte("\n"))+1, f != Lines)
}

func checkRecords(t *testing.T, r *Reader, maxLine int, labelled bool) {
	last := 0
	for n := 0; ; n++ {
		if n > maxLine+1 {
			t.Fatalf("more records than lines (%d)", maxLine)
		}
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		var re *RowError
		switch {
		case errors.As(err, &re):
			if re.File != "fuzz" || re.Line < 1 || re.Line > maxLine || re.Problem == "" {
				t.Fatalf("row error %+v", re)
			}
			if re.Line < last {
				t.Fatalf("line %d after line %d", re.Line, last)
			}
			last = re.Line
			continue
		case err != nil:
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error without the file's name: %v", err)
			}
			if _, err2 := r.Read(); err2 == nil || err2.Error() != err.Error() {
				t.Fatalf("a stopping error %v is not sticky: %v", err, err2)
			}
			return
		}
		if rec.Line < last || rec.Line < 1 || rec.Line > maxLine || rec.Row != n+1 {
			t.Fatalf("record %d at line %d (row %d) after line %d", n, rec.Line, rec.Row, last)
		}
		last = rec.Line
		if !utf8.ValidString(rec.Text) || strings.TrimSpace(rec.Text) == "" || !utf8.ValidString(rec.ID) {
			t.Fatalf("bad text %q (id %q)", rec.Text, rec.ID)
		}
		if labelled && (!utf8.ValidString(rec.Label) || strings.TrimSpace(rec.Label) == "") {
			t.Fatalf("bad label %q", rec.Label)
		}
	}
}

// addSeeds adds the fixtures of testdata with the given extension.
func addSeeds(f *testing.F, ext string) {
	files, _ := filepath.Glob("testdata/*" + ext)
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

func FuzzCSV(f *testing.F) {
	addSeeds(f, ".csv")
	f.Add(encode(f, CSV))
	f.Add([]byte("text,label\n\"a\"\"b\",x\n\"unterminated,y\n"))
	f.Add([]byte("\xef\xbb\xbfid,text,label\r\n1,\"multi\r\nline\",z\r\n2,,\r\n3,a,b,c\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkStream(t, CSV, data) })
}

func FuzzTSV(f *testing.F) {
	addSeeds(f, ".tsv")
	f.Add(encode(f, TSV))
	f.Add([]byte("text\tlabel\tid\n\"quoted\ttab\"\tx\t1\nragged\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkStream(t, TSV, data) })
}

func FuzzJSONL(f *testing.F) {
	addSeeds(f, ".jsonl")
	f.Add(encode(f, JSONL))
	f.Add([]byte("{\"text\":\"a\",\"label\":1,\"id\":2}\n{\"text\":\"\\ud800\",\"label\":\"x\"}\n[1]\n{\"text\":\"b\",\"label\":null}\n{bad\n"))
	f.Add([]byte("{\"Text\":\"a\",\"LABEL\":\"b\"}\n{\"text\":\"a\",\"text\":\"\",\"label\":\"b\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkStream(t, JSONL, data) })
}

// FuzzJSONLFastPath checks the fast JSON Lines decoder against the
// general path: every line it takes, encoding/json reads alike.
func FuzzJSONLFastPath(f *testing.F) {
	for _, s := range []string{
		`{"text":"a \"quoted\" \u00e9\ud83d\ude00 \\ \/ \b\f\n\r\t","label":"x","id":7}`,
		`{"text":"t","label":-1.5e+3,"id":null,"other":{"a":[1,true,null,"s",{}],"b":[]}}`,
		`{"text":"first","text":"second","label":false}`,
		` { "label" : "l" , "text" : "t" } `,
		`{"text":"t","label":"l","te\u0078t":"escaped key"}`,
		`{"text":"\ud800","label":"x"}`,
		`{"text":"t","label":01}`,
		`{"text":"t","label":[1]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.ContainsAny(line, "\r\n") || !utf8.Valid(line) {
			return // the line reader splits lines; invalid UTF-8 is refused before
		}
		opt := Options{IDColumn: "id"}
		fast, ok := newFastDecoder(opt).decode(line, opt)
		if !ok {
			return
		}
		j := newJSONLReader("fuzz", bufio.NewReader(bytes.NewReader(line)), opt)
		j.fast = nil
		rec, err := j.next()
		if err != nil || rec.Text != fast.Text || rec.Label != fast.Label || rec.ID != fast.ID {
			t.Fatalf("fast path %+v; general path %+v, %v", fast, rec, err)
		}
	})
}

func FuzzLines(f *testing.F) {
	f.Add([]byte("one\r\ntwo\n\n\xff\nthree"))
	f.Fuzz(func(t *testing.T, data []byte) { checkStream(t, Lines, data) })
}

// FuzzParquet reads damaged Parquet files: a valid file with bytes changed.
func FuzzParquet(f *testing.F) {
	var b bytes.Buffer
	if err := parquet.Write(&b, []row{
		{ID: "1", Text: ptr("first text"), Label: ptr("a")},
		{ID: "2", Text: ptr(""), Label: ptr("b")},
		{ID: "3", Text: ptr("third"), Label: nil},
	}); err != nil {
		f.Fatal(err)
	}
	valid := b.Bytes()
	f.Add(valid, 0, byte(0))
	f.Add(valid, len(valid)-10, byte(0xff))
	f.Add(valid, 40, byte(7))
	f.Fuzz(func(t *testing.T, data []byte, at int, x byte) {
		if len(data) > 0 && at >= 0 {
			data = bytes.Clone(data)
			data[at%len(data)] ^= x
		}
		r, err := parquetBytes(data, Options{IDColumn: "id"})
		if err != nil {
			return
		}
		checkRecords(t, r, int(r.rr.(*parquetReader).file.NumRows())+1, true)
	})
}

// FuzzRoundTrip writes a text and a label in every format with the
// writers other programs use, and reads them back unchanged.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range sample {
		f.Add(s.text, s.label)
	}
	f.Add("\"", "\r\n")
	f.Fuzz(func(t *testing.T, text, label string) {
		valid := checkValue("", text, false) == "" && checkValue("", label, false) == ""
		for _, format := range []Format{CSV, TSV, JSONL, Parquet} {
			var b bytes.Buffer
			switch format {
			case CSV, TSV:
				w := csv.NewWriter(&b)
				if format == TSV {
					w.Comma = '\t'
				}
				w.Write([]string{"text", "label"})
				w.Write([]string{text, label})
				w.Flush()
			case JSONL:
				line, _ := json.Marshal(map[string]string{"text": text, "label": label})
				b.Write(line)
			case Parquet:
				parquet.Write(&b, []row{{Text: &text, Label: &label}})
			}
			var r *Reader
			var err error
			if format == Parquet {
				r, err = parquetBytes(b.Bytes(), Options{})
			} else {
				r, err = NewReader("rt", bytes.NewReader(b.Bytes()), Options{Format: format})
			}
			var d *Dataset
			if err == nil {
				d, err = LoadReader(context.Background(), r, Options{})
			}
			if format == JSONL && (!utf8.ValidString(text) || !utf8.ValidString(label)) {
				// json.Marshal writes invalid UTF-8 as U+FFFD: the file is valid.
				continue
			}
			if !valid {
				if err == nil {
					t.Fatalf("%s: invalid text %q or label %q accepted", format, text, label)
				}
				continue
			}
			if (format == CSV || format == TSV) && strings.Contains(text+label, "\r") {
				// encoding/csv reads a quoted \r\n back as \n.
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			if d.Len() != 1 || d.Text[0] != text || d.Label[0] != label {
				t.Fatalf("%s: read back %q, %q; wrote %q, %q", format, d.Text, d.Label, text, label)
			}
		}
	})
}

// parquetBytes reads Parquet from memory, named "fuzz".
func parquetBytes(data []byte, opt Options) (*Reader, error) {
	pr, err := newParquetReader("fuzz", bytes.NewReader(data), int64(len(data)), opt)
	if err != nil {
		return nil, err
	}
	return &Reader{name: "fuzz", format: Parquet, rr: pr}, nil
}
