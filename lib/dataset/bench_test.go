package dataset

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchRows is the benchmark's dataset size: 100,000 rows of about 1 KB.
const benchRows = 100_000

// benchTexts returns n texts of about 1 KB, made of words, with some
// punctuation and quotes, and their labels.
func benchTexts(n int) (texts, labels []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(`the shuttle engine cut off early NASA said orbit launch encryption key
		"quoted" printer driver, jammed; refund order invoice customer support crash app café`)
	var b strings.Builder
	for i := range n {
		b.Reset()
		for b.Len() < 1000 {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		texts = append(texts, b.String())
		labels = append(labels, fmt.Sprintf("class-%02d", i%20))
	}
	return texts, labels
}

// benchFile writes the benchmark's rows in the format of name's extension
// and returns the file's path and size.
func benchFile(b *testing.B, name string) (string, int64) {
	b.Helper()
	texts, labels := benchTexts(benchRows)
	var buf bytes.Buffer
	f, _, err := FormatOf(name)
	if err != nil {
		b.Fatal(err)
	}
	switch f {
	case CSV, TSV:
		w := csv.NewWriter(&buf)
		if f == TSV {
			w.Comma = '\t'
		}
		w.Write([]string{"id", "text", "label"})
		for i := range texts {
			w.Write([]string{fmt.Sprint(i), texts[i], labels[i]})
		}
		w.Flush()
	case JSONL:
		enc := json.NewEncoder(&buf)
		for i := range texts {
			enc.Encode(map[string]any{"id": i, "text": texts[i], "label": labels[i]})
		}
	case Parquet:
		rows := make([]row, len(texts))
		for i := range texts {
			rows[i] = row{ID: fmt.Sprint(i), Text: &texts[i], Label: &labels[i]}
		}
		return writeParquet(b, b.TempDir(), name, rows), int64(buf.Len())
	}
	p := writeFile(b, b.TempDir(), name, buf.Bytes())
	return p, int64(buf.Len())
}

// cpuTime returns the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoad loads 100,000 rows of about 1 KB from each format and
// reports the heap that stays in use per byte of kept text (about 1: the
// texts themselves).
func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"rows.csv", "rows.tsv", "rows.jsonl", "rows.csv.gz", "rows.jsonl.gz", "rows.parquet"} {
		b.Run(name, func(b *testing.B) {
			p, size := benchFile(b, name)
			if size == 0 {
				fi, _ := os.Stat(p)
				size = fi.Size()
			}
			b.SetBytes(size)
			var kept float64
			var cpu time.Duration
			b.ResetTimer()
			for range b.N {
				var before, after runtime.MemStats
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&before)
				c0 := cpuTime()
				b.StartTimer()
				d, err := Load(context.Background(), p, Options{})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += cpuTime() - c0
				runtime.GC()
				runtime.ReadMemStats(&after)
				textBytes := 0
				for _, t := range d.Text {
					textBytes += len(t)
				}
				kept = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(textBytes)
				if d.Len() != benchRows {
					b.Fatalf("%d rows", d.Len())
				}
				runtime.KeepAlive(d)
				b.StartTimer()
			}
			b.ReportMetric(kept, "heap/text-byte")
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/load")
			// The process's CPU time (user and system, every thread): on a
			// busy machine it shows what the load costs, wall time aside.
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/load")
		})
	}
}
