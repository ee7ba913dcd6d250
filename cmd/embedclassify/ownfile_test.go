package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
)

// topics are the classes of the synthetic support tickets: each has its
// own words, mixed with words every class uses.
var topics = map[string][]string{
	"billing":  strings.Fields("invoice refund charge payment card billed twice receipt price subscription"),
	"bug":      strings.Fields("crash error freeze button broken screen update exception loading bug"),
	"account":  strings.Fields("password login locked email username reset verification profile signin twofactor"),
	"shipping": strings.Fields("parcel delivery courier tracking address shipped arrived package warehouse late"),
}

var commonWords = strings.Fields("the my please help and it is was with for this on today again since not can you")

// ticket returns a synthetic ticket of topic, drawn with rng.
func ticket(rng *rand.Rand, topic string) string {
	words := make([]string, 0, 14)
	for range 5 {
		words = append(words, topics[topic][rng.IntN(len(topics[topic]))])
	}
	for range 9 {
		words = append(words, commonWords[rng.IntN(len(commonWords))])
	}
	rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	return strings.Join(words, " ")
}

// writeTickets writes perClass synthetic tickets of each topic to a CSV
// file with the columns id, body and topic, and returns its path.
func writeTickets(t testing.TB, dir, name string, perClass int, seed uint64) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "body", "topic"})
	id := 0
	for range perClass {
		for _, topic := range []string{"account", "billing", "bug", "shipping"} {
			id++
			w.Write([]string{fmt.Sprintf("t%d", id), ticket(rng, topic), topic})
		}
	}
	w.Flush()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runCmd runs embedclassify with args and returns its exit code, stdout
// and stderr.
func runCmd(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := mainErr(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// trainTickets trains on synthetic tickets with the offline embedder and
// returns the report folder.
func trainTickets(t testing.TB, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	train := writeTickets(t, dir, "train.csv", 60, 1)
	out := filepath.Join(dir, "out")
	args := append([]string{"run", "--train-file", train, "--text-column", "body", "--label-column", "topic",
		"--embedder", "local", "--epochs", "10", "--out", out, "--quiet"}, extra...)
	code, _, stderr := runCmd(t, args...)
	if code != 0 {
		t.Fatalf("embedclassify %q: exit %d\n%s", args, code, stderr)
	}
	return out
}

func TestRunTrainFile(t *testing.T) {
	dir := t.TempDir()
	train := writeTickets(t, dir, "train.csv", 50, 1)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCmd(t, "run", "--train-file", train, "--text-column", "body", "--label-column", "topic",
		"--embedder", "local", "--epochs", "10", "--out", out, "--seed", "3")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"test accuracy", "shipping", "report written to"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	var m struct {
		Accuracy  float64  `json:"accuracy"`
		Classes   []string `json:"classes"`
		TrainRows int      `json:"train_rows"`
		TestRows  int      `json:"test_rows"`
		Data      struct {
			TrainFile    string  `json:"train_file"`
			TestFraction float64 `json:"test_fraction"`
			TextColumn   string  `json:"text_column"`
		} `json:"data"`
	}
	b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	// 50 rows per class, 20% of each tested: 40 and 10 per class.
	if m.TrainRows != 160 || m.TestRows != 40 {
		t.Errorf("%d training and %d test rows, want 160 and 40", m.TrainRows, m.TestRows)
	}
	if strings.Join(m.Classes, ",") != "account,billing,bug,shipping" {
		t.Errorf("classes %q, want the file's labels", m.Classes)
	}
	if m.Data.TrainFile != train || m.Data.TestFraction != 0.2 || m.Data.TextColumn != "body" {
		t.Errorf("metrics.json data: %+v", m.Data)
	}
	if m.Accuracy < 0.8 {
		t.Errorf("accuracy %.3f on well-separated synthetic tickets, want at least 0.8", m.Accuracy)
	}
	for _, f := range []string{"classifier.mlp", "embedder.json", "history.png", "confusion_matrix.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("report lacks %s: %v", f, err)
		}
	}
}

func TestRunTestFileReportsDuplicates(t *testing.T) {
	dir := t.TempDir()
	train := writeTickets(t, dir, "train.csv", 30, 1)
	// The test file repeats the training file's first 2 tickets.
	rows, _ := csv.NewReader(bytes.NewReader(must(os.ReadFile(train)))).ReadAll()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(rows[0])
	w.WriteAll(rows[1:3])
	more, _ := csv.NewReader(bytes.NewReader(must(os.ReadFile(writeTickets(t, dir, "more.csv", 5, 2))))).ReadAll()
	w.WriteAll(more[1:])
	test := filepath.Join(dir, "test.csv")
	os.WriteFile(test, b.Bytes(), 0o644)
	out := filepath.Join(dir, "out")
	code, _, stderr := runCmd(t, "run", "--train-file", train, "--test-file", test, "--text-column", "body", "--label-column", "topic",
		"--embedder", "local", "--epochs", "3", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "2 of the 22 test texts also appear in the training set") {
		t.Errorf("stderr does not report the duplicates:\n%s", stderr)
	}
	if b := must(os.ReadFile(filepath.Join(out, "metrics.json"))); !bytes.Contains(b, []byte(`"duplicate_test_texts": 2`)) {
		t.Errorf("metrics.json does not record the duplicates:\n%s", b)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestRunTrainFileBadInput checks each bad input's message, line number and
// exit code, and that nothing is paid for or written: the fake Gemini
// server gets no request, and neither the report folder nor the cache is
// created.
func TestRunTrainFileBadInput(t *testing.T) {
	srv := geminitest.NewServer(geminitest.Options{})
	defer srv.Close()
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	t.Setenv("GEMINI_API_KEY", "test-key-for-the-fake-server")
	t.Setenv("GOOGLE_API_KEY", "")

	good := "text,label\n" + strings.Repeat("a fine text,x\nanother text,y\n", 5)
	for _, tc := range []struct {
		name  string
		files map[string]string // file name → content; "train.csv" is --train-file
		args  []string
		code  int
		want  []string
	}{
		{"missing column", map[string]string{"train.csv": "body,topic\nhi,x\n"}, nil, 1,
			[]string{`train.csv: no text column "text": its columns are "body", "topic"; name the text column with --text-column`}},
		{"empty text", map[string]string{"train.csv": good + ",x\n"}, nil, 1,
			[]string{`train.csv: 1 row is invalid`, `train.csv: line 12: the text (column "text") is empty`, `--skip-invalid`}},
		{"empty label", map[string]string{"train.csv": good + "text,\n"}, nil, 1,
			[]string{`train.csv: line 12: the label (column "label") is empty`}},
		{"ragged row", map[string]string{"train.csv": good + "a,b,c\n"}, nil, 1,
			[]string{`train.csv: line 12: the row has 3 fields but the header has 2`}},
		{"invalid utf-8", map[string]string{"train.csv": good + "caf\xe9,x\n"}, nil, 1,
			[]string{`train.csv: line 12: the text (column "text") is not valid UTF-8`}},
		{"malformed json line", map[string]string{"train.jsonl": `{"text":"a","label":"x"}` + "\n" + `{"text":"b",` + "\n"}, []string{"--train-file", "train.jsonl"}, 1,
			[]string{`train.jsonl: line 2: not valid JSON`}},
		{"class with one example", map[string]string{"train.csv": good + "lonely,z\n"}, nil, 1,
			[]string{`train.csv: 1 classes have fewer than 2 examples: "z" (1)`, `--skip-invalid`}},
		{"test labels absent from training", map[string]string{"train.csv": good, "test.csv": "text,label\nq,x\nr,w\ns,w\n"},
			[]string{"--test-file", "test.csv"}, 1,
			[]string{`test.csv: labels the training file`, `lacks: "w" (2)`}},
		{"test fraction", map[string]string{"train.csv": good}, []string{"--test-fraction", "1.5"}, 2,
			[]string{`--test-fraction must be between 0 and 1, got 1.5`}},
		{"fraction and test file", map[string]string{"train.csv": good, "test.csv": good}, []string{"--test-file", "test.csv", "--test-fraction", "0.3"}, 2,
			[]string{`give one or the other`}},
		{"same columns", map[string]string{"train.csv": good}, []string{"--label-column", "text"}, 2,
			[]string{`--text-column and --label-column are both "text"`}},
		{"unknown extension", map[string]string{"train.xlsx": good}, []string{"--train-file", "train.xlsx"}, 2,
			[]string{`train.xlsx: cannot tell the format from the extension`}},
		{"data with train file", map[string]string{"train.csv": good}, []string{"--data", "x.tar.gz"}, 2,
			[]string{`--data is the 20 Newsgroups archive`}},
		{"missing file", map[string]string{}, nil, 1, []string{`train.csv: no such file`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tc.files {
				os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
			}
			out, cache := filepath.Join(dir, "out"), filepath.Join(dir, "cache")
			args := []string{"run", "--train-file", "train.csv", "--embedder", "gemini", "--dims", "128", "--out", out, "--cache", cache, "--quiet"}
			args = append(args, tc.args...)
			for i, a := range args {
				if i > 0 && strings.HasPrefix(args[i-1], "--") && strings.HasSuffix(args[i-1], "-file") {
					args[i] = filepath.Join(dir, a)
				}
			}
			code, _, stderr := runCmd(t, args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, p := range []string{out, cache} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was created on bad input", p)
				}
			}
			if n := srv.Requests(); n != 0 {
				t.Errorf("%d embedding requests were paid for on bad input", n)
			}
		})
	}
}

func TestRunSkipInvalid(t *testing.T) {
	dir := t.TempDir()
	train := writeTickets(t, dir, "train.csv", 30, 1)
	f, _ := os.OpenFile(train, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("t999,,billing\nt1000,lonely ticket,other\nt1001,\"bad \xff\",bug\n")
	f.Close()
	out := filepath.Join(dir, "out")
	code, _, stderr := runCmd(t, "run", "--train-file", train, "--text-column", "body", "--label-column", "topic", "--skip-invalid",
		"--embedder", "local", "--epochs", "2", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"left out 2 invalid rows (--skip-invalid); the first: " + train + ": line 122: the text (column \"body\") is empty",
		`left out 1 classes with fewer than 2 examples (--skip-invalid): "other" (1)`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	b := must(os.ReadFile(filepath.Join(out, "metrics.json")))
	if !bytes.Contains(b, []byte(`"skipped_rows": 2`)) || !bytes.Contains(b, []byte(`"dropped_rows": 1`)) {
		t.Errorf("metrics.json does not count the rows left out:\n%s", b)
	}
}

func TestRunOwnFlagsNeedTrainFile(t *testing.T) {
	code, _, stderr := runCmd(t, "run", "--test-file", "x.csv")
	if code != 2 || !strings.Contains(stderr, "--test-file goes with --train-file") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
