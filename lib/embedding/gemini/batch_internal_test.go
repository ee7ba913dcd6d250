package gemini

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"google.golang.org/genai"
)

// TestFileVectors reads result files of the forms the documentation gives
// (keyed lines, in any order, or bare EmbedContentResponse lines in the
// order of the requests) and refuses, naming the text or line, every file
// that does not answer each request exactly once.
func TestFileVectors(t *testing.T) {
	e := &Embedder{model: DefaultModel}
	e.dim.Store(2)
	job := &genai.BatchJob{Name: "batches/7", Dest: &genai.BatchJobDestination{FileName: "files/batch-7"}}
	sp := span{start: 10, end: 13}
	for _, tc := range []struct {
		name, file string
		want       string // the error, or "" for vectors [i+1, 0] of texts i
	}{
		{"keyed in order", `{"key":"0","response":{"embedding":{"values":[1,0]},"tokenCount":"3"}}
{"key":"1","response":{"embedding":{"values":[2,0]}}}
{"key":"2","response":{"embedding":{"values":[3,0]},"tokenCount":3}}
`, ""},
		{"keyed out of order", `{"key":"2","response":{"embedding":{"values":[3,0]}}}
{"key":"0","response":{"embedding":{"values":[1,0]}}}
{"key":"1","response":{"embedding":{"values":[2,0]}}}`, ""},
		{"bare responses", `{"embedding":{"values":[1,0]}}
{"embedding":{"values":[2,0]}}
{"embedding":{"values":[3,0]}}
`, ""},
		{"a refused text", `{"key":"0","response":{"embedding":{"values":[1,0]}}}
{"key":"1","error":{"code":3,"message":"The input token count (3000) exceeds the maximum"}}
{"key":"2","response":{"embedding":{"values":[3,0]}}}`, "refused text 11 of the batch job: The input token count"},
		{"a missing answer", `{"key":"0","response":{"embedding":{"values":[1,0]}}}
{"key":"2","response":{"embedding":{"values":[3,0]}}}`, "has no answer for text 11"},
		{"an answer twice", `{"key":"0","response":{"embedding":{"values":[1,0]}}}
{"key":"0","response":{"embedding":{"values":[1,0]}}}
{"key":"2","response":{"embedding":{"values":[3,0]}}}`, "answers text 10 twice"},
		{"a stranger's key", `{"key":"request-1","response":{"embedding":{"values":[1,0]}}}`, `has the key "request-1", not one of the job's 0 to 2`},
		{"too many lines", `{"embedding":{"values":[1,0]}}
{"embedding":{"values":[2,0]}}
{"embedding":{"values":[3,0]}}
{"embedding":{"values":[4,0]}}`, "more than the 3 lines"},
		{"no embedding", `{"key":"0","response":{}}`, "sent no embedding for text 10 (line 1"},
		{"not JSON", "{\"key\":\"0\",\"response\":{\"embedding\":{\"values\":[1,0]}}}\n<html>Server Error</html>", "line 2 of the result file files/batch-7 of batch job batches/7 is not JSON"},
		{"a wrong length", `{"embedding":{"values":[1,0,0]}}
{"embedding":{"values":[2,0]}}
{"embedding":{"values":[3,0]}}`, "3 values, not 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vecs, err := e.fileVectors([]byte(tc.file), job, sp)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range vecs {
				if len(v) != 2 || v[0] != float32(i+1) || v[1] != 0 {
					t.Fatalf("vector %d = %v", i, v)
				}
			}
		})
	}
}

// TestPlanBatch: the texts go in one inline job while the request stays
// under the inline limit and the answer under its bound, else in file jobs
// that each answer at most maxFileJobValues values.
func TestPlanBatch(t *testing.T) {
	e := &Embedder{model: DefaultModel}
	e.dim.Store(3072)
	text := strings.Repeat("a", 5000)
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = text
		}
		return out
	}
	per := inlineRequestBytes(text)
	for _, tc := range []struct {
		name   string
		texts  int
		jobs   int
		byFile bool
	}{
		{"the tutorial", 500, 1, false},
		{"answer past the inline bound", maxInlineValues/3072 + 1, 1, true},
		{"request past 20 MB", MaxInlineBytes/per + 1, (MaxInlineBytes/per + 1 + maxFileJobValues/3072 - 1) / (maxFileJobValues / 3072), true},
		{"all 20 groups", 18846, (18846 + maxFileJobValues/3072 - 1) / (maxFileJobValues / 3072), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jobs := e.planBatch(many(tc.texts))
			if len(jobs) != tc.jobs || jobs[0].byFile != tc.byFile {
				t.Fatalf("%d jobs, by file %v; want %d, %v", len(jobs), jobs[0].byFile, tc.jobs, tc.byFile)
			}
			next := 0
			for _, j := range jobs {
				if j.sp.start != next || j.sp.end <= j.sp.start || (j.byFile && (j.sp.end-j.sp.start)*3072 > maxFileJobValues) {
					t.Fatalf("job %+v after %d", j.sp, next)
				}
				next = j.sp.end
			}
			if next != tc.texts {
				t.Fatalf("jobs cover %d of %d texts", next, tc.texts)
			}
		})
	}
	if n, want := inlineRequestBytes("a\"<é\n"), 160+1+2+6+2+2; n != want {
		t.Errorf("inlineRequestBytes = %d, want %d", n, want)
	}
}

// TestFileVectorsMemory guards the memory a result file costs to read: at
// most 16 bytes allocated a vector value (the vectors' 4, and the slices
// the decoder grows), not the 50 or so of generic JSON, so that a file
// job's 8 million values stay within some 130 MB beside the file itself.
func TestFileVectorsMemory(t *testing.T) {
	const n, dim = 200, 3072
	e := &Embedder{model: DefaultModel}
	e.dim.Store(dim)
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"key":"%d","response":{"embedding":{"values":[`, i)
		for j := range dim {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%.9g", float32(1+(i+j)%7)/float32(dim))
		}
		b.WriteString("]},\"tokenCount\":\"100\"}}\n")
	}
	data := []byte(b.String())
	job := &genai.BatchJob{Name: "batches/1", Dest: &genai.BatchJobDestination{FileName: "files/batch-1"}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	vecs, err := e.fileVectors(data, job, span{end: n})
	runtime.ReadMemStats(&after)
	if err != nil || len(vecs) != n {
		t.Fatal(err)
	}
	per := float64(after.TotalAlloc-before.TotalAlloc) / (n * dim)
	t.Logf("%d bytes of result file (%.1f a value), %.1f bytes allocated a value", len(data), float64(len(data))/(n*dim), per)
	if per > 16 {
		t.Errorf("%.1f bytes allocated a value, more than 16", per)
	}
}
