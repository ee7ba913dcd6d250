package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/shared"
)

// parityFirst reads document 0 of the train subset from parity.json.
func parityFirst(t *testing.T, key string) (file string, target int, raw, pre string) {
	t.Helper()
	b := shared.Parity()
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	var p struct {
		N         int `json:"n"`
		FirstDocs []struct {
			File      string `json:"file"`
			Target    int    `json:"target"`
			RawSHA256 string `json:"raw_sha256"`
			PreSHA256 string `json:"pre_sha256"`
		} `json:"first_docs"`
	}
	if err := json.Unmarshal(all[key], &p); err != nil || len(p.FirstDocs) == 0 {
		t.Fatalf("parity.json %s: %v", key, err)
	}
	d := p.FirstDocs[0]
	return d.File, d.Target, d.RawSHA256, d.PreSHA256
}

func hexSHA(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func runDataCmd(t *testing.T, args ...string) (string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := mainErr(context.Background(), append([]string{"data"}, args...), &stdout, &stderr); code != 0 {
		t.Fatalf("embedclassify data %q: exit %d: %s", args, code, stderr.String())
	}
	return stdout.String(), stderr.String()
}

func TestDataExport(t *testing.T) {
	archive := shared.Archive(t)
	file, target, rawSHA, preSHA := parityFirst(t, "train/remove=none")

	out, _ := runDataCmd(t, "--data", archive)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 11314 {
		t.Fatalf("%d JSON lines, want 11314", len(lines))
	}
	if !strings.HasPrefix(lines[0], `{"file":"rec.autos/102994","label":7,"class":"rec.autos","text":"`) {
		t.Errorf("first line %.100s does not have the documented field order", lines[0])
	}
	var rec dataRecord
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.File != file || rec.Label != target || hexSHA(rec.Text) != preSHA {
		t.Errorf("first record %s %d sha %s, want %s %d sha %s", rec.File, rec.Label, hexSHA(rec.Text), file, target, preSHA)
	}

	csvFile := filepath.Join(t.TempDir(), "train.csv")
	runDataCmd(t, "--data", archive, "--raw", "--format", "csv", "-o", csvFile)
	f, err := os.Open(csvFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 11315 || strings.Join(rows[0], ",") != "file,label,class,text" {
		t.Fatalf("%d CSV rows, header %v", len(rows), rows[0])
	}
	if rows[1][0] != file || rows[1][1] != strconv.Itoa(target) || hexSHA(rows[1][3]) != rawSHA {
		t.Errorf("first CSV row %s %s sha %s, want %s %d sha %s", rows[1][0], rows[1][1], hexSHA(rows[1][3]), file, target, rawSHA)
	}
}

func TestDataFiltered(t *testing.T) {
	archive := shared.Archive(t)
	out, _ := runDataCmd(t, "--data", archive, "--subset", "test", "--remove", "headers,footers,quotes",
		"--categories", "sci.space,alt.atheism")
	n := 0
	for line := range strings.Lines(out) {
		var rec dataRecord
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		if !(rec.Class == "alt.atheism" && rec.Label == 0 || rec.Class == "sci.space" && rec.Label == 1) {
			t.Fatalf("record %s: label %d class %s", rec.File, rec.Label, rec.Class)
		}
		if strings.HasPrefix(rec.Text, "From:") {
			t.Fatalf("record %s still has its headers", rec.File)
		}
		n++
	}
	// 319 alt.atheism + 394 sci.space test documents.
	if n != 319+394 {
		t.Errorf("%d records, want %d", n, 319+394)
	}
}

func TestDataBadUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"data", "--format", "xml"}, 2, "jsonl and csv"},
		{[]string{"data", "--no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"data", "extra"}, 2, "unexpected arguments"},
		{[]string{"data", "-h"}, 0, "-categories"},
		{[]string{"data", "--data", filepath.Join(dir, "missing.tar.gz")}, 1, "missing.tar.gz"},
		{[]string{"data", "--data", dir, "--subset", "dev"}, 1, `"train", "test" and "all"`},
		{[]string{"data", "--data", dir, "--remove", "sigs"}, 1, `"headers", "footers" and "quotes"`},
		{[]string{"data", "--data", dir, "-o", filepath.Join(dir, "out.jsonl")}, 1, "20news-bydate-train/"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := mainErr(context.Background(), tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.inStderr) {
			t.Errorf("embedclassify %q: exit %d, stderr %q; want exit %d and %q", tt.args, code, stderr.String(), tt.code, tt.inStderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.jsonl")); err == nil {
		t.Error("a failed export left an output file")
	}
}
