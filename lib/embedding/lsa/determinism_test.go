package lsa

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestFitDoesNotDependOnScheduling fits a corpus large enough for the
// randomized eigensolver (sparse products, CholeskyQR, the float32
// tridiagonal reduction) with 1, 2 and 3 processors and checks that the
// vectors are the same bit for bit: every parallel sum runs in a fixed
// order. CholeskyQR must take every orthonormalisation, without falling
// back to Householder QR.
func TestFitDoesNotDependOnScheduling(t *testing.T) {
	defer func(m int) { tridiag32Min = m }(tridiag32Min)
	tridiag32Min = 0
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rng := rand.New(rand.NewPCG(9, 9))
	texts := make([]string, 1500)
	var b strings.Builder
	for i := range texts {
		b.Reset()
		topic := i % 7
		for w := 0; w < 60; w++ {
			fmt.Fprintf(&b, "t%dw%d ", topic, rng.IntN(300))
			fmt.Fprintf(&b, "w%d ", rng.IntN(3000))
		}
		texts[i] = b.String()
	}
	cfg := Config{Dims: 96, Unigrams: true, NoChars: true, TitleRepeat: -1}
	fallbacks := householderFallbacks.Load()
	var first [][]float32
	for _, procs := range []int{1, 2, 3} {
		runtime.GOMAXPROCS(procs)
		m, err := Fit(context.Background(), texts, cfg)
		if err != nil {
			t.Fatal(err)
		}
		vecs, err := m.Embed(context.Background(), texts[:100])
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = vecs
			continue
		}
		for i := range vecs {
			if !slices.Equal(vecs[i], first[i]) {
				t.Fatalf("%d processors: vector %d differs from the one fitted with 1", procs, i)
			}
		}
	}
	if n := householderFallbacks.Load() - fallbacks; n > 0 {
		t.Errorf("%d orthonormalisations fell back to Householder QR: CholeskyQR should take them all", n)
	}
}
