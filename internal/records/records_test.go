package records

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

type pair struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

func (p pair) CSVRow(row []string) []string { return append(row, p.Name, strconv.Itoa(p.N)) }

func TestWriteAll(t *testing.T) {
	recs := []pair{{"a,b", 1}, {`say "hi"`, 2}, {"<x>", 3}}
	for _, tc := range []struct{ format, want string }{
		{CSV, "name,n\n\"a,b\",1\n\"say \"\"hi\"\"\",2\n<x>,3\n"},
		{JSONL, `{"name":"a,b","n":1}` + "\n" + `{"name":"say \"hi\"","n":2}` + "\n" + `{"name":"<x>","n":3}` + "\n"},
	} {
		var b strings.Builder
		w, err := NewWriter(&b, tc.format, []string{"name", "n"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteAll(context.Background(), len(recs), func(i int) Record { return recs[i] }); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.format, b.String(), tc.want)
		}
	}
	if _, err := NewWriter(&strings.Builder{}, "xml", nil); err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("unknown format: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w, _ := NewWriter(&strings.Builder{}, JSONL, nil)
	if err := w.WriteAll(ctx, 1, func(int) Record { return pair{} }); err != context.Canceled {
		t.Errorf("cancelled: %v", err)
	}
}
