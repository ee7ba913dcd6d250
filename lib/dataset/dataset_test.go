package dataset

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// row is one row of a Parquet test file.
type row struct {
	ID    string  `parquet:"id"`
	Text  *string `parquet:"text,optional"`
	Label *string `parquet:"label,optional"`
	Other int64   `parquet:"other"`
}

func ptr(s string) *string { return &s }

// writeParquet writes rows to dir/name and returns its path.
func writeParquet(t testing.TB, dir, name string, rows []row) string {
	t.Helper()
	var b bytes.Buffer
	if err := parquet.Write(&b, rows); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, b.Bytes())
}

// writeFile writes data to dir/name, gzip-compressed when name ends in .gz.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	if strings.HasSuffix(strings.ToLower(name), ".gz") {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data = b.Bytes()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sample is the content every format test encodes: awkward texts included.
var sample = []struct{ text, label string }{
	{"The shuttle's main engine cut off early, NASA said.", "sci.space"},
	{"He wrote \"RSA is broken\"\non two lines", "sci.crypt"},
	{"Tabs\tand, commas; héllo wörld ✓", "Sci Space / ünïcode"},
	{"  leading and trailing spaces kept  ", "3"},
}

// encode writes sample in format f (CSV, TSV or JSON Lines) with an extra
// column.
func encode(t testing.TB, f Format) []byte {
	t.Helper()
	var b bytes.Buffer
	switch f {
	case CSV, TSV:
		w := csv.NewWriter(&b)
		if f == TSV {
			w.Comma = '\t'
		}
		w.Write([]string{"label", "extra", "text"})
		for _, s := range sample {
			w.Write([]string{s.label, "x,y", s.text})
		}
		w.Flush()
	case JSONL:
		for _, s := range sample {
			line, err := json.Marshal(map[string]any{"text": s.text, "label": s.label, "extra": []int{1}})
			if err != nil {
				t.Fatal(err)
			}
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

func TestFormats(t *testing.T) {
	dir := t.TempDir()
	var rows []row
	for _, s := range sample {
		rows = append(rows, row{ID: "x", Text: ptr(s.text), Label: ptr(s.label)})
	}
	files := map[string]string{
		"csv":      writeFile(t, dir, "s.csv", encode(t, CSV)),
		"csv.gz":   writeFile(t, dir, "s.csv.gz", encode(t, CSV)),
		"tsv":      writeFile(t, dir, "s.tsv", encode(t, TSV)),
		"tsv.gz":   writeFile(t, dir, "s.TSV.GZ", encode(t, TSV)),
		"jsonl":    writeFile(t, dir, "s.jsonl", encode(t, JSONL)),
		"jsonl.gz": writeFile(t, dir, "s.jsonl.gz", encode(t, JSONL)),
		"ndjson":   writeFile(t, dir, "s.ndjson", encode(t, JSONL)),
		"parquet":  writeParquet(t, dir, "s.parquet", rows),
	}
	for name, path := range files {
		t.Run(name, func(t *testing.T) {
			d, err := Load(context.Background(), path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Len() != len(sample) {
				t.Fatalf("%d rows, want %d", d.Len(), len(sample))
			}
			for i, s := range sample {
				if d.Text[i] != s.text || d.Label[i] != s.label {
					t.Errorf("row %d: %q, %q; want %q, %q", i, d.Text[i], d.Label[i], s.text, s.label)
				}
			}
			if want := []string{"3", "Sci Space / ünïcode", "sci.crypt", "sci.space"}; !slices.Equal(d.Classes(), want) {
				t.Errorf("classes %q, want %q", d.Classes(), want)
			}
		})
	}
}

// TestRFC4180 reads a file with a byte order mark, CRLF line ends, quoted
// fields with commas, doubled quotes and an embedded line break.
func TestRFC4180(t *testing.T) {
	d, err := Load(context.Background(), "testdata/tickets.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantText := []string{
		"The shuttle's main engine cut off early, NASA said.",
		"He wrote \"RSA is broken\"\non two lines",
		"Plain text with no quotes",
	}
	if !slices.Equal(d.Text, wantText) {
		t.Errorf("texts %q, want %q", d.Text, wantText)
	}
	if want := []string{"sci.space", "sci.crypt", "sci.space"}; !slices.Equal(d.Label, want) {
		t.Errorf("labels %q, want %q", d.Label, want)
	}
	if want := []int{2, 3, 5}; !slices.Equal(d.Line, want) {
		t.Errorf("lines %v, want %v", d.Line, want)
	}
}

func TestFixtures(t *testing.T) {
	for _, tc := range []struct {
		file      string
		ids       []string
		wantLabel []string
		wantLine  []int
	}{
		{"testdata/tickets.tsv", []string{"1", "2", "3"}, []string{"hardware", "software", "account"}, []int{2, 3, 4}},
		{"testdata/tickets.jsonl", []string{"a1", "a2", "a3"}, []string{"billing", "bug", "3"}, []int{1, 3, 4}},
	} {
		r, err := Open(tc.file, Options{IDColumn: "id"})
		if err != nil {
			t.Fatal(err)
		}
		var ids, labels []string
		var lines []int
		err = ReadAll(context.Background(), r, func(rec Record) error {
			ids, labels, lines = append(ids, rec.ID), append(labels, rec.Label), append(lines, rec.Line)
			if rec.Row != len(ids) {
				t.Errorf("%s: record %d has Row %d", tc.file, len(ids), rec.Row)
			}
			return nil
		}, func(re *RowError) error { return re })
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, tc.ids) || !slices.Equal(labels, tc.wantLabel) || !slices.Equal(lines, tc.wantLine) {
			t.Errorf("%s: ids %q labels %q lines %v; want %q %q %v", tc.file, ids, labels, lines, tc.ids, tc.wantLabel, tc.wantLine)
		}
	}
}

func TestColumnsByName(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "r.csv", []byte("Review,Stars,Text\nGreat phone,5,ignored\nBroke in a week,1,ignored\n"))
	d, err := Load(context.Background(), p, Options{TextColumn: "review", LabelColumn: "stars"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Text, []string{"Great phone", "Broke in a week"}) || !slices.Equal(d.Label, []string{"5", "1"}) {
		t.Errorf("got %q %q", d.Text, d.Label)
	}
}

// TestBadInput covers every kind of bad input: its message names the file,
// the line and the problem.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	pq := writeParquet(t, dir, "bad.parquet", []row{
		{Text: ptr("fine"), Label: ptr("a")},
		{Text: ptr("  "), Label: ptr("a")},
		{Text: ptr("no label"), Label: nil},
		{Text: ptr("bad \xff utf8"), Label: ptr("b")},
	})
	for _, tc := range []struct {
		name, file, content string
		opt                 Options
		want                []string // substrings of the error, in order
		count               int      // invalid rows (0: not an *InvalidError)
	}{
		{"csv missing text column", "a.csv", "body,label\nhi,x\n", Options{},
			[]string{`a.csv: no text column "text": its columns are "body", "label"`}, 0},
		{"csv missing label column", "a.csv", "text,class\nhi,x\n", Options{},
			[]string{`a.csv: no label column "label": its columns are "text", "class"`}, 0},
		{"csv chosen missing", "a.csv", "text,label\nhi,x\n", Options{LabelColumn: "topic"},
			[]string{`no label column "topic": its columns are "text", "label"`}, 0},
		{"csv empty file", "a.csv", "", Options{}, []string{"a.csv is empty"}, 0},
		{"csv duplicate column", "a.csv", "text,text,label\n", Options{}, []string{`the column "text" appears twice (columns 1 and 2)`}, 0},
		{"csv empty text", "a.csv", "text,label\nok,x\n,x\nok,y\n", Options{},
			[]string{`a.csv: 1 row is invalid`, `a.csv: line 3: the text (column "text") is empty`}, 1},
		{"csv blank text", "a.csv", "text,label\nok,x\n\"  \n \",x\n", Options{},
			[]string{`line 3: the text (column "text") is empty`}, 1},
		{"csv empty label", "a.csv", "text,label\nok,x\r\nok,\r\n", Options{},
			[]string{`line 3: the label (column "label") is empty`}, 1},
		{"csv ragged", "a.csv", "text,label\nok,x\nok,x,extra\nshort\n", Options{},
			[]string{`2 rows are invalid`, `line 3: the row has 3 fields but the header has 2`, `line 4: the row has 1 fields but the header has 2`}, 2},
		{"csv utf8", "a.csv", "text,label\nok,x\n\"multi\nline \xe9t\xe9\",x\n", Options{},
			[]string{`line 3: the text (column "text") is not valid UTF-8 (byte 0xe9 at offset 11); save the file as UTF-8`}, 1},
		{"csv utf8 label", "a.csv", "text,label\nok,\xff\nok,x\n", Options{},
			[]string{`line 2: the label (column "label") is not valid UTF-8`}, 1},
		{"csv bare quote", "a.csv", "text,label\nsay \"hi\",x\nok,y\n", Options{},
			[]string{`line 2: bare " in non-quoted-field (a field holding a quote is quoted as a whole, and its quotes are doubled: "say ""hi""")`}, 1},
		{"csv unterminated quote", "a.csv", "text,label\nok,x\n\"never closed,x\nmore\n", Options{},
			[]string{`line 3: extraneous or missing " in quoted-field`, `at line 4, column 6`}, 1},
		{"tsv ragged", "a.tsv", "text\tlabel\nok\tx\tz\nok\tx\n", Options{},
			[]string{`a.tsv: line 2: the row has 3 fields but the header has 2`}, 1},
		{"tsv gz empty label", "a.tsv.gz", "text\tlabel\nok\t\nok\tx\n", Options{},
			[]string{`a.tsv.gz: line 2: the label (column "label") is empty`}, 1},
		{"jsonl malformed", "a.jsonl", "{\"text\":\"ok\",\"label\":\"x\"}\n{\"text\":\"ok\",\"label\":\"x\"\n", Options{},
			[]string{`a.jsonl: line 2: not valid JSON: unexpected end of JSON input`}, 1},
		{"jsonl not an object", "a.jsonl", "{\"text\":\"ok\",\"label\":\"x\"}\n[1,2]\n", Options{},
			[]string{`line 2: not a JSON object`}, 1},
		{"jsonl missing column", "a.jsonl", "{\"body\":\"ok\",\"label\":\"x\"}\n", Options{},
			[]string{`a.jsonl: no text column "text": its columns are "body", "label"`}, 0},
		{"jsonl missing key later", "a.jsonl", "{\"text\":\"ok\",\"label\":\"x\"}\n{\"body\":\"ok\",\"label\":\"x\"}\n", Options{},
			[]string{`line 2: the text (key "text") is missing; this line has ["body" "label"]`}, 1},
		{"jsonl empty text", "a.jsonl", "{\"text\":\"ok\",\"label\":\"x\"}\n{\"text\":\"\",\"label\":\"x\"}\n", Options{},
			[]string{`line 2: the text (key "text") is empty`}, 1},
		{"jsonl null label", "a.jsonl", "{\"text\":\"ok\",\"label\":\"x\"}\n{\"text\":\"a\",\"label\":null}\n", Options{},
			[]string{`line 2: the label (key "label") is null`}, 1},
		{"jsonl number text", "a.jsonl", "{\"text\":\"ok\",\"label\":\"x\"}\n{\"text\":12,\"label\":\"x\"}\n", Options{},
			[]string{`line 2: the text (key "text") is a number, not a string`}, 1},
		{"jsonl utf8", "a.jsonl.gz", "{\"text\":\"ok\",\"label\":\"x\"}\n{\"text\":\"caf\xe9\",\"label\":\"x\"}\n", Options{},
			[]string{`a.jsonl.gz: line 2: the line is not valid UTF-8 (byte 0xe9 at offset 12)`}, 1},
		{"parquet", pq, "", Options{},
			[]string{`bad.parquet: 3 rows are invalid`, `bad.parquet: row 2: the text (column "text") is empty`,
				`row 3: the label (column "label") is empty`, `row 4: the text (column "text") is not valid UTF-8`}, 3},
		{"parquet missing column", pq, "", Options{TextColumn: "body"},
			[]string{`bad.parquet: no text column "body": its columns are "id", "text", "label", "other"`}, 0},
		{"parquet damaged", "d.parquet", "PAR1 not really a parquet file PAR1", Options{},
			[]string{`d.parquet is not a readable Parquet file`}, 0},
		{"unknown extension", "a.xlsx", "x", Options{},
			[]string{`a.xlsx: cannot tell the format from the extension; name it .csv, .tsv, .jsonl, .parquet or .txt`}, 0},
		{"not gzip", "a.csv.gz", "", Options{}, []string{"a.csv.gz: not a gzip file"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.file
			if tc.content != "" || !filepath.IsAbs(path) {
				path = filepath.Join(dir, tc.file)
				data := []byte(tc.content)
				if tc.name == "not gzip" {
					os.WriteFile(path, []byte("plain"), 0o644)
				} else {
					writeFile(t, dir, tc.file, data)
				}
			}
			_, err := Load(context.Background(), path, Options{TextColumn: tc.opt.TextColumn, LabelColumn: tc.opt.LabelColumn})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			at := 0
			for _, w := range tc.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("error\n%s\nlacks (in order) %q", msg, w)
				}
				at += i + len(w)
			}
			var ie *InvalidError
			if errors.As(err, &ie) != (tc.count > 0) {
				t.Fatalf("InvalidError: %v, want %v (%T)", ie != nil, tc.count > 0, err)
			}
			if ie != nil && ie.Count != tc.count {
				t.Errorf("%d invalid rows, want %d", ie.Count, tc.count)
			}
			if ie != nil {
				// The same file loads with SkipInvalid, dropping them.
				d, err := Load(context.Background(), path, Options{SkipInvalid: true})
				if err != nil {
					t.Fatalf("with SkipInvalid: %v", err)
				}
				if d.Skipped != tc.count {
					t.Errorf("with SkipInvalid: %d skipped, want %d", d.Skipped, tc.count)
				}
				for i := range d.Text {
					if strings.TrimSpace(d.Text[i]) == "" || strings.TrimSpace(d.Label[i]) == "" {
						t.Errorf("kept an empty row: %q %q", d.Text[i], d.Label[i])
					}
				}
			}
		})
	}
}

func TestInvalidErrorListsTheFirstProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,label\n")
	for range 25 {
		b.WriteString(",x\n")
	}
	b.WriteString("ok,x\n")
	p := writeFile(t, t.TempDir(), "many.csv", []byte(b.String()))
	_, err := Load(context.Background(), p, Options{})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Count != 25 || len(ie.Problems) != MaxProblems {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "many.csv: line 11: the text") || !strings.Contains(err.Error(), "... and 15 more") {
		t.Errorf("message:\n%v", err)
	}
	if _, err := Load(context.Background(), writeFile(t, t.TempDir(), "all.csv", []byte("text,label\n,x\n")), Options{SkipInvalid: true}); err == nil ||
		!strings.Contains(err.Error(), "every one of its 1 rows is invalid") {
		t.Errorf("a file of invalid rows with SkipInvalid: %v", err)
	}
	if _, err := Load(context.Background(), writeFile(t, t.TempDir(), "header.csv", []byte("text,label\n")), Options{}); err == nil ||
		!strings.Contains(err.Error(), "header.csv has no rows") {
		t.Errorf("a header alone: %v", err)
	}
}

// TestLines reads plain lines, as predict does: no header, no label, blank
// lines skipped, line numbers kept.
func TestLines(t *testing.T) {
	r, err := NewReader("standard input", strings.NewReader("first text\r\n\n  \nsecond\n\xffbad\nlast"), Options{Format: Lines, NoLabel: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var lines []int
	var bad []string
	err = ReadAll(context.Background(), r, func(rec Record) error {
		got, lines = append(got, rec.Text), append(lines, rec.Line)
		return nil
	}, func(re *RowError) error { bad = append(bad, re.Error()); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"first text", "second", "last"}) || !slices.Equal(lines, []int{1, 4, 6}) {
		t.Errorf("got %q at %v", got, lines)
	}
	if len(bad) != 1 || bad[0] != "standard input: line 5: the text is not valid UTF-8 (byte 0xff at offset 0); save the file as UTF-8" {
		t.Errorf("invalid rows: %q", bad)
	}
}

// TestStreaming reads a record before the rest of the stream is written.
func TestStreaming(t *testing.T) {
	for _, f := range []Format{CSV, TSV, JSONL, Lines} {
		pr, pw := io.Pipe()
		first := map[Format]string{
			CSV: "text,label\nfirst,a\n", TSV: "text\tlabel\nfirst\ta\n", JSONL: `{"text":"first","label":"a"}` + "\n", Lines: "first\n",
		}[f]
		go pw.Write([]byte(first))
		r, err := NewReader("pipe", pr, Options{Format: f, NoLabel: f == Lines})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := r.Read()
		if err != nil || rec.Text != "first" {
			t.Fatalf("%s: first record %+v, %v", f, rec, err)
		}
		pw.Close()
		if _, err := r.Read(); err != io.EOF {
			t.Errorf("%s: after the end: %v", f, err)
		}
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]struct {
		f  Format
		gz bool
	}{
		"a.csv": {CSV, false}, "dir.x/A.CSV.GZ": {CSV, true}, "b.tsv": {TSV, false}, "b.tab.gz": {TSV, true},
		"c.jsonl": {JSONL, false}, "c.ndjson.gz": {JSONL, true}, "c.json": {JSONL, false},
		"d.parquet": {Parquet, false}, "e.txt": {Lines, false}, "e.txt.gz": {Lines, true},
	} {
		f, gz, err := FormatOf(name)
		if err != nil || f != want.f || gz != want.gz {
			t.Errorf("FormatOf(%q) = %v, %v, %v; want %v, %v", name, f, gz, err, want.f, want.gz)
		}
	}
	for _, name := range []string{"a", "a.gz", "a.parquet.gz", "a.xlsx"} {
		if _, _, err := FormatOf(name); err == nil {
			t.Errorf("FormatOf(%q): no error", name)
		}
	}
	if f, err := ParseFormat("NDJSON"); err != nil || f != JSONL {
		t.Errorf("ParseFormat: %v %v", f, err)
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "csv, tsv, jsonl, parquet, lines") {
		t.Errorf("ParseFormat(xml): %v", err)
	}
}

// TestCancel stops reading when the context is cancelled.
func TestCancel(t *testing.T) {
	p := writeFile(t, t.TempDir(), "a.csv", encode(t, CSV))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, p, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
}

// TestParquetPages reads a file of many pages and row groups, each page's
// header checked before it is decoded.
func TestParquetPages(t *testing.T) {
	texts, labels := benchTexts(3000)
	rows := make([]row, len(texts))
	for i := range texts {
		rows[i] = row{ID: fmt.Sprint(i), Text: &texts[i], Label: &labels[i]}
	}
	var b bytes.Buffer
	if err := parquet.Write(&b, rows, parquet.PageBufferSize(8<<10), parquet.MaxRowsPerRowGroup(700), parquet.Compression(&parquet.Zstd)); err != nil {
		t.Fatal(err)
	}
	p := writeFile(t, t.TempDir(), "pages.parquet", b.Bytes())
	d, err := Load(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Text, texts) || !slices.Equal(d.Label, labels) {
		t.Error("the rows read back differ")
	}
	// A page that states a size beyond its chunk is refused before the
	// decoder allocates it.
	md := must(parquet.OpenFile(bytes.NewReader(b.Bytes()), int64(b.Len()))).Metadata()
	cm := md.RowGroups[0].Columns[1].MetaData
	if err := checkPages("x", bytes.NewReader(b.Bytes()), int64(b.Len()), md, 1, "text"); err != nil {
		t.Fatal(err)
	}
	md.RowGroups[0].Columns[1].MetaData.TotalCompressedSize = cm.TotalCompressedSize - 1
	if err := checkPages("x", bytes.NewReader(b.Bytes()), int64(b.Len()), md, 1, "text"); err == nil || !strings.Contains(err.Error(), "do not fit its column chunk") {
		t.Errorf("a short chunk: %v", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
