package embedding

import (
	"bytes"
	"testing"
)

// fuzzKey is the key the fuzz seeds in testdata/fuzz/FuzzDecodeSegment were
// written under.
var fuzzKey = cacheKey{Format: segFormat, Model: "fuzz", TaskType: "none", Dims: 4}.digest()

// FuzzDecodeSegment feeds the segment reader arbitrary files. Whatever the
// bytes, it must not panic, must allocate no more than the file holds,
// and must return only records that verify, of one sane dimension; a file
// it finds undamaged must be exactly what encodeSegment writes for the
// records it returned. Its seed corpus (testdata/fuzz/FuzzDecodeSegment)
// holds a valid segment and the damage of issue #12 — huge count, changed
// dimension, NaN and 3e38 values, flipped bits, truncation, format 1 —
// and runs in every go test.
func FuzzDecodeSegment(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, dimKnown bool) {
		wantDim := 0
		if dimKnown {
			wantDim = 4
		}
		s, err := decodeSegment(bytes.NewReader(data), int64(len(data)), fuzzKey, wantDim)
		if err != nil {
			t.Fatalf("error reading from memory: %v", err)
		}
		if len(s.keys) != len(s.vecs) {
			t.Fatalf("%d keys and %d vectors", len(s.keys), len(s.vecs))
		}
		if len(s.vecs) == 0 {
			return
		}
		if wantDim > 0 && s.dim != wantDim {
			t.Fatalf("read %d-value vectors, want %d", s.dim, wantDim)
		}
		if max := (int64(len(data)) - hdrLen) / recLen(s.dim); int64(len(s.vecs)) > max {
			t.Fatalf("%d records from a file that holds at most %d", len(s.vecs), max)
		}
		for i, v := range s.vecs {
			if err := checkVector(v, s.dim); err != nil {
				t.Fatalf("record %d served: it %v", i, err)
			}
		}
		if s.damage == "" {
			var b bytes.Buffer
			if err := encodeSegment(&b, fuzzKey, s.keys, s.vecs); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), data) {
				t.Fatalf("an undamaged file does not re-encode to itself")
			}
		}
	})
}
