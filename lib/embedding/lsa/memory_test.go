package lsa

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
)

// peakHeap runs f and returns the high-water mark of the heap's object
// bytes (live and not yet collected) above what it was before, sampled
// every millisecond with runtime/metrics.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	peak = max(peak, read())
	return peak - min(base, peak)
}

// TestFitMemoryDoesNotGrowWithVocabulary fits 3,000 texts with a
// vocabulary of about 50,000 terms and 256 components: a dense vocabulary ×
// components matrix would be 100 MB in float64. The fit works in the space
// of the texts and must stay well under that.
func TestFitMemoryDoesNotGrowWithVocabulary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	texts := make([]string, 3000)
	var b strings.Builder
	for i := range texts {
		b.Reset()
		for w := 0; w < 100; w++ {
			fmt.Fprintf(&b, "w%d ", rng.IntN(60000))
		}
		texts[i] = b.String()
	}
	var m *Model
	var err error
	peak := peakHeap(func() {
		m, err = Fit(context.Background(), texts, Config{Dims: 256, Unigrams: true, NoChars: true, TitleRepeat: -1})
	})
	if err != nil {
		t.Fatal(err)
	}
	vocabBytes := uint64(m.Terms()) * uint64(m.Dim()) * 8
	t.Logf("%d texts, %d terms, %d dims: peak heap %.1f MB (vocabulary × dims in float64: %.1f MB)",
		len(texts), m.Terms(), m.Dim(), float64(peak)/1e6, float64(vocabBytes)/1e6)
	if m.Terms() < 40000 {
		t.Fatalf("only %d terms: the test needs a large vocabulary", m.Terms())
	}
	if limit := vocabBytes / 2; peak > limit {
		t.Errorf("the fit's heap peaked at %.1f MB, over %.1f MB: does it hold a vocabulary × components matrix?", float64(peak)/1e6, float64(limit)/1e6)
	}
}
