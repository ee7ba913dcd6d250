package lsa

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/small.lsa.gz")

// small is the model of testdata/small.lsa.gz.
func small(t testing.TB) *Model {
	t.Helper()
	m, err := Fit(context.Background(), corpus, Config{Dims: 3, MinDF: 1})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func saved(t testing.TB, m *Model) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := m.Save(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

func gunzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

var probe = []string{"rocket orbit", "encryption key escrow", "the doctor's medicine", "nothing known here"}

// TestSaveLoadExact checks that a loaded model is the saved one: same
// name, dimension, vocabulary and vectors, bit for bit, for small batches
// and large ones; and that testdata/small.lsa.gz, written by an earlier
// run, still loads as the same model.
func TestSaveLoadExact(t *testing.T) {
	ctx := context.Background()
	m := small(t)
	b := saved(t, m)
	if *update {
		if err := os.WriteFile(filepath.Join("testdata", "small.lsa.gz"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file, err := os.ReadFile(filepath.Join("testdata", "small.lsa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	many := slices.Repeat(probe, smallBatch) // takes the other route
	want, _ := m.Embed(ctx, probe)
	wantMany, _ := m.Embed(ctx, many)
	for name, data := range map[string][]byte{"saved now": b, "testdata": file} {
		m2, err := Load(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m2.Model() != m.Model() || m2.Dim() != m.Dim() || m2.Terms() != m.Terms() || m2.TrainingTexts() != m.TrainingTexts() {
			t.Fatalf("%s: loaded %s (%d dims, %d terms, %d texts), saved %s (%d, %d, %d)", name, m2.Model(), m2.Dim(), m2.Terms(), m2.TrainingTexts(), m.Model(), m.Dim(), m.Terms(), m.TrainingTexts())
		}
		got, _ := m2.Embed(ctx, probe)
		gotMany, _ := m2.Embed(ctx, many)
		for i := range want {
			if !slices.Equal(got[i], want[i]) {
				t.Errorf("%s: %q: loaded vector %v, fitted %v", name, probe[i], got[i], want[i])
			}
		}
		for i := range wantMany {
			if !slices.Equal(gotMany[i], wantMany[i]) {
				t.Fatalf("%s: batch of %d, %q: loaded vector %v, fitted %v", name, len(many), many[i], gotMany[i], wantMany[i])
			}
		}
	}
	// The two routes agree up to float rounding.
	for i := range want {
		for c := range want[i] {
			if math.Abs(float64(want[i][c]-wantMany[i][c])) > 1e-6 {
				t.Fatalf("%q: component %d is %v alone and %v in a batch", probe[i], c, want[i][c], wantMany[i][c])
			}
		}
	}
}

// header returns the body of a saved model (uncompressed) with the
// uint32 at offset off replaced by v.
func withU32(body []byte, off int, v uint32) []byte {
	b := slices.Clone(body)
	binary.LittleEndian.PutUint32(b[off:], v)
	return b
}

func TestLoadRefuses(t *testing.T) {
	ctx := context.Background()
	good := saved(t, small(t))
	body := gunzipped(t, good)
	nameLen := int(binary.LittleEndian.Uint32(body[len(saveMagic)+4:]))
	sizes := len(saveMagic) + 8 + nameLen + 1 + 12 // training texts, terms, dims, postings
	oldFormat, err := os.ReadFile(filepath.Join("testdata", "refit-v4.lsa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"empty file", "not gzip-compressed", nil},
		{"not gzip", "not gzip-compressed", []byte("hello, world\n")},
		{"gzip of nothing", "empty", gzipped(nil)},
		{"another gzip file", `it starts with "PK`, gzipped([]byte("PK\x03\x04 a zip file in a gzip file"))},
		{"older format", "saved by an older version", oldFormat},
		{"future version", "format version 6", gzipped(withU32(body, len(saveMagic), 6))},
		{"truncated", "truncated", good[:len(good)/2]},
		{"truncated body", "truncated", gzipped(body[:len(body)-10])},
		{"damaged", "", flipped},
		{"trailing data", "after the end", gzipped(append(slices.Clone(body), 0))},
		{"huge name", "name is", gzipped(withU32(body, len(saveMagic)+4, 0xFFFFFFF0))},
		{"huge text count", "training texts", gzipped(withU32(body, sizes, 0xFFFFFFF0))},
		{"huge term count", "terms", gzipped(withU32(body, sizes+4, 0xFFFFFFF0))},
		{"dims over texts", "dimensions", gzipped(withU32(body, sizes+8, 1000))},
		{"more postings than the file holds", "truncated", gzipped(withU32(body, sizes+12, 7000))},
		{"more texts than the file holds", "truncated", gzipped(withU32(body, sizes, maxTexts))},
	} {
		for _, sized := range []bool{true, false} {
			name := tc.name
			if !sized {
				name += ", size unknown"
			}
			t.Run(name, func(t *testing.T) {
				var r io.Reader = bytes.NewReader(tc.data)
				if !sized {
					r = struct{ io.Reader }{r}
				}
				var m *Model
				var err error
				peak := peakHeap(func() { m, err = Load(ctx, r) })
				if err == nil {
					t.Fatalf("Load accepted it as %s", m.Model())
				}
				if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("err = %v, want ErrFormat saying %q", err, tc.want)
				}
				if peak > 16<<20 {
					t.Errorf("Load's heap peaked at %d MB refusing a %d-byte file", peak>>20, len(tc.data))
				}
			})
		}
	}
}

// TestLoadNamesTheFile: an error loading a file names it.
func TestLoadNamesTheFile(t *testing.T) {
	good := saved(t, small(t))
	path := filepath.Join(t.TempDir(), "embedder.lsa.gz")
	if err := os.WriteFile(path, good[:len(good)-20], 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = Load(context.Background(), f)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v, want one naming %s and saying it is truncated", err, path)
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, bytes.NewReader(saved(t, small(t)))); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// FuzzLoad feeds Load damaged files, both as they are and gzip-compressed
// (so that the fuzzer reaches the parser past gzip's checksum). Load must
// refuse them with ErrFormat, never panic or allocate beyond the data, and
// a model it accepts must embed.
func FuzzLoad(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.gz"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files in testdata: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(gunzipped(f, b))
	}
	f.Add([]byte(saveMagic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		for _, in := range [][]byte{data, gzipped(data)} {
			m, err := Load(ctx, bytes.NewReader(in))
			if err != nil {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("error is not ErrFormat: %v", err)
				}
				continue
			}
			vs, err := m.Embed(ctx, probe)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				if len(v) != m.Dim() {
					t.Fatalf("vector of %d values, model of %d dims", len(v), m.Dim())
				}
			}
		}
	})
}
