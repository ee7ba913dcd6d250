package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// writeInput writes n synthetic tickets, without labels, as CSV with an id
// column, and returns the path and each row's topic.
func writeInput(t testing.TB, dir string, n int) (string, []string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	names := []string{"account", "billing", "bug", "shipping"}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "text"})
	var want []string
	for i := range n {
		topic := names[rng.IntN(len(names))]
		want = append(want, topic)
		w.Write([]string{fmt.Sprintf("q%d", i+1), ticket(rng, topic)})
	}
	w.Flush()
	p := filepath.Join(dir, "input.csv")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, want
}

// prediction is one JSON Lines output record.
type prediction struct {
	Row           int                `json:"row"`
	ID            string             `json:"id"`
	Predicted     string             `json:"predicted"`
	Probability   float64            `json:"probability"`
	Probabilities map[string]float64 `json:"probabilities"`
}

// TestPredictBatch classifies 10,000 rows from a file into JSON Lines: one
// prediction per row, in input order, with its id and every class's
// probability.
func TestPredictBatch(t *testing.T) {
	out := trainTickets(t)
	dir := t.TempDir()
	input, topics := writeInput(t, dir, 10_000)
	preds := filepath.Join(dir, "predictions.jsonl")
	code, stdout, stderr := runCmd(t, "predict", "--model-file", filepath.Join(out, "classifier.mlp"), "--input", input, "--output", preds)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if stdout != "" || !strings.Contains(stderr, "classified 10000 texts into "+preds) {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	f, err := os.Open(preds)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, right := 0, 0
	for sc.Scan() {
		var p prediction
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("line %d: %v: %s", n+1, err, sc.Text())
		}
		n++
		if p.Row != n || p.ID != fmt.Sprintf("q%d", n) {
			t.Fatalf("line %d is row %d, id %q", n, p.Row, p.ID)
		}
		sum := 0.0
		for _, x := range p.Probabilities {
			sum += x
		}
		if len(p.Probabilities) != 4 || math.Abs(sum-1) > 1e-3 || p.Probabilities[p.Predicted] != p.Probability {
			t.Fatalf("row %d: %+v", n, p)
		}
		if p.Predicted == topics[n-1] {
			right++
		}
	}
	if n != 10_000 {
		t.Fatalf("%d predictions, want 10000", n)
	}
	if acc := float64(right) / float64(n); acc < 0.8 {
		t.Errorf("batch accuracy %.3f, want at least 0.8", acc)
	}
	// The classes are in the model's order in every line.
	first, _ := os.ReadFile(preds)
	if !bytes.Contains(first[:bytes.IndexByte(first, '\n')], []byte(`"probabilities":{"account":`)) {
		t.Errorf("first line %s", first[:bytes.IndexByte(first, '\n')])
	}
}

// lineCounter is a writer that signals when it has seen n lines.
type lineCounter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	at    int
	reach chan struct{}
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if c := bytes.Count(l.buf.Bytes(), []byte("\n")); c >= l.at && l.reach != nil {
		close(l.reach)
		l.reach = nil
	}
	return len(p), nil
}

// TestPredictBatchStreams reads CSV from standard input and writes CSV to
// standard output as it goes: the first chunk's predictions come out while
// the input is still open.
func TestPredictBatchStreams(t *testing.T) {
	out := trainTickets(t)
	pr, pw := io.Pipe()
	old := stdin
	stdin = pr
	defer func() { stdin = old }()
	stdout := &lineCounter{at: batchChunk + 1, reach: make(chan struct{})}
	reached := stdout.reach
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- mainErr(context.Background(), []string{"predict", "--model-file", filepath.Join(out, "classifier.mlp"),
			"--input", "-", "--input-format", "csv", "--format", "csv"}, stdout, &stderr)
	}()
	rng := rand.New(rand.NewPCG(3, 3))
	w := csv.NewWriter(pw)
	w.Write([]string{"text", "id"})
	for i := range batchChunk + 10 {
		w.Write([]string{ticket(rng, "bug"), fmt.Sprint(i + 1)})
	}
	w.Flush()
	select {
	case <-reached:
	case code := <-done:
		t.Fatalf("predict ended (exit %d) before its input did\n%s", code, stderr.String())
	case <-time.After(5 * time.Minute):
		t.Fatal("no prediction came out while the input was open")
	}
	pw.Close()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	rows, err := csv.NewReader(&stdout.buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != batchChunk+11 || strings.Join(rows[0], ",") != "row,id,predicted,probability,account,billing,bug,shipping" {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}
	for i, r := range rows[1:] {
		if r[0] != fmt.Sprint(i+1) || r[1] != fmt.Sprint(i+1) {
			t.Fatalf("output row %d is %q", i+1, r)
		}
	}
}

func TestPredictBatchErrors(t *testing.T) {
	out := trainTickets(t)
	model := filepath.Join(out, "classifier.mlp")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte("{\"text\":\"fine\"}\n{\"text\":\"\"}\n{\"text\":\"also fine\"}\n{oops\n"), 0o644)
	noText := filepath.Join(dir, "notext.csv")
	os.WriteFile(noText, []byte("body\nhello\n"), 0o644)
	preds := filepath.Join(dir, "p.csv")
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--input", bad, "--output", preds}, 1,
			[]string{"bad.jsonl: 2 rows are invalid", `bad.jsonl: line 2: the text (key "text") is empty`, "bad.jsonl: line 4: not valid JSON", "--skip-invalid"}},
		{[]string{"--input", noText, "--output", preds}, 1, []string{`no text column "text": its columns are "body"; name the text column with --text-column`}},
		{[]string{"--input", bad, "--format", "xml"}, 2, []string{`unknown --format "xml"`}},
		{[]string{"--input", bad, "some text"}, 2, []string{"either as arguments or with --input"}},
		{[]string{"--output", preds, "some text"}, 2, []string{"--output goes with --input"}},
		{[]string{"--input", bad, "--input-format", "xls"}, 2, []string{`--input-format: unknown format "xls"`}},
	} {
		code, _, stderr := runCmd(t, append([]string{"predict", "--model-file", model}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%q: exit %d, want %d\n%s", tc.args, code, tc.code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%q: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
		if _, err := os.Stat(preds); err == nil {
			t.Fatalf("%q: the output file was written", tc.args)
		}
	}
	// With --skip-invalid the good rows are classified, the others counted.
	code, stdout, stderr := runCmd(t, "predict", "--model-file", model, "--input", bad, "--skip-invalid")
	if code != 0 || strings.Count(stdout, "\n") != 2 || !strings.Contains(stderr, "left out 2 invalid rows") {
		t.Errorf("--skip-invalid: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !strings.Contains(stdout, `{"row":1,"predicted":`) || !strings.Contains(stdout, `{"row":3,"predicted":`) {
		t.Errorf("--skip-invalid: rows not numbered by input position: %s", stdout)
	}
	// Plain lines from standard input, and single-text predict still works.
	old := stdin
	stdin = strings.NewReader("a login problem with my password\n\nmy parcel never arrived\n")
	defer func() { stdin = old }()
	code, stdout, stderr = runCmd(t, "predict", "--model-file", model, "--input", "-")
	if code != 0 || strings.Count(stdout, "\n") != 2 || !strings.Contains(stdout, `"predicted":"account"`) || !strings.Contains(stdout, `"predicted":"shipping"`) {
		t.Errorf("lines from stdin: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = runCmd(t, "predict", "--model-file", model, "a refund for the invoice please")
	if code != 0 || !strings.Contains(stdout, "billing") {
		t.Errorf("single text: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// BenchmarkPredictBatch classifies 10,000 texts from a CSV file with the
// offline embedder, writing JSON Lines.
func BenchmarkPredictBatch(b *testing.B) {
	out := trainTickets(b)
	input, _ := writeInput(b, b.TempDir(), 10_000)
	model := filepath.Join(out, "classifier.mlp")
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	for b.Loop() {
		var stdout, stderr bytes.Buffer
		if code := mainErr(context.Background(), []string{"predict", "--model-file", model, "--input", input}, &stdout, &stderr); code != 0 {
			b.Fatalf("exit %d\n%s", code, stderr.String())
		}
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/10k-texts")
	// CPU time (every thread): on a busy machine, what the work costs.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/10k-texts")
}
