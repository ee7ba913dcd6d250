package mlp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// testdata/version1.mlp was written by the package before the format's
// version 2 (commit bc2d9c1): a 3→4→2 sigmoid model with class names, trained
// on version1X. version1Predict is what that code's Predict returned for it.
var (
	version1X = [][]float32{{1, 0, 0.5}, {0, 1, -0.5}, {1, 1, 0}, {0, 0, 1}, {0.5, 0.2, 0.1}, {0.1, 0.9, 0.3}}

	version1Predict = [][]float32{{0.4125356, 0.4521053}, {0.5977528, 0.40433252}, {0.618608, 0.46989754},
		{0.46254367, 0.48492292}, {0.50222915, 0.4808066}, {0.58036125, 0.47652712}}
)

func TestLoadVersion1(t *testing.T) {
	m, err := LoadFile(filepath.Join("testdata", "version1.mlp"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Embedder != "" || !reflect.DeepEqual(m.Classes, []string{"no", "yes"}) || m.InputSize() != 3 || m.HiddenSize() != 4 {
		t.Errorf("loaded embedder %q, classes %v, shape %d→%d", m.Embedder, m.Classes, m.InputSize(), m.HiddenSize())
	}
	p, err := m.Predict(version1X)
	if err != nil {
		t.Fatal(err)
	}
	// Within float32 rounding: a BLAS other than the one that wrote the
	// values (OpenBLAS picks its kernels by CPU) may sum in another order.
	if len(p) != len(version1Predict) || len(p[0]) != len(version1Predict[0]) {
		t.Fatalf("version 1 model predicts %v, want %v", p, version1Predict)
	}
	for i := range version1Predict {
		for j, want := range version1Predict[i] {
			if math.Abs(float64(p[i][j]-want)) > 1e-6 {
				t.Fatalf("version 1 model predicts %v, want %v", p, version1Predict)
			}
		}
	}
	// Saved again, it is a version 2 file that loads the same.
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if v := buf.Bytes()[7]; v != 2 {
		t.Errorf("Save wrote version %d, want 2", v)
	}
}

// resum replaces the last four bytes of data with the CRC-32 of the bytes
// before them, so that a test can change a file and still get past the
// checksum.
func resum(data []byte) []byte {
	d := append([]byte(nil), data...)
	if len(d) >= 4 {
		binary.LittleEndian.PutUint32(d[len(d)-4:], crc32.ChecksumIEEE(d[:len(d)-4]))
	}
	return d
}

// header returns a model file made of the given header JSON and nweights
// zero weights, with a valid checksum.
func header(version byte, hdr string, nweights int) []byte {
	var b bytes.Buffer
	b.WriteString(fileMagic[:7])
	b.WriteByte(version)
	binary.Write(&b, binary.LittleEndian, uint32(len(hdr)))
	b.WriteString(hdr)
	b.Write(make([]byte, 4*nweights+4))
	return resum(b.Bytes())
}

// onlyReader hides every method of a reader but Read, so that Load cannot
// learn its size.
type onlyReader struct{ io.Reader }

func TestLoadChecksLengthsBeforeAllocating(t *testing.T) {
	const cfg = `"config":{"learning_rate":0.001,"beta_1":0.9,"beta_2":0.999,"epsilon":1e-7,"batch_size":32,"epochs":20,"patience":3,"seed":1}`
	// A header that declares 2^29 parameters (2 GiB of weights) in a file
	// of a few hundred bytes.
	huge := header(2, `{"input":16384,"hidden":32768,"classes":2,"output":"sigmoid",`+cfg+`}`, 10)
	longHeader := header(2, `{}`, 0)
	binary.LittleEndian.PutUint32(longHeader[8:], 1<<24) // 16 MiB header in an 18-byte file
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"huge shape", huge, "bytes follow"},
		{"long header", longHeader, "only 6 bytes follow"},
	} {
		for _, sized := range []bool{true, false} {
			var r io.Reader = bytes.NewReader(c.data)
			if !sized {
				r = onlyReader{r}
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := Load(r)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrBadFile) {
				t.Errorf("%s (size known: %v): Load returned %v, want ErrBadFile", c.name, sized, err)
			}
			if sized && !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: error %q does not say %q", c.name, err, c.want)
			}
			// The unsized long header costs its 16 MiB bound; the weights
			// never cost more than the data there is.
			limit := uint64(1 << 20)
			if !sized && c.name == "long header" {
				limit = 1<<24 + 1<<20
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > limit {
				t.Errorf("%s (size known: %v): Load allocated %d bytes for a %d-byte file", c.name, sized, got, len(c.data))
			}
		}
	}
}

func TestLoadFileNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "classifier.mlp")
	data, err := os.ReadFile(filepath.Join("testdata", "version1.mlp"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadFile(path)
	if !errors.Is(err, ErrBadFile) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("LoadFile of a truncated file: %v", err)
	}
}

// FuzzLoad feeds Load arbitrary data, as is and with a valid checksum. Load
// must never panic, must agree with itself whether or not it knows the
// data's size, and a model it accepts must save and load back unchanged.
// The seed corpus is in testdata/fuzz/FuzzLoad and runs in every go test.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range [][]byte{data, resum(data)} {
			m, err := Load(bytes.NewReader(d))
			m2, err2 := Load(onlyReader{bytes.NewReader(d)})
			if (err == nil) != (err2 == nil) {
				t.Fatalf("Load with the size known: %v; unknown: %v", err, err2)
			}
			if err != nil {
				if !errors.Is(err, ErrBadFile) {
					t.Fatalf("Load error %v does not wrap ErrBadFile", err)
				}
				continue
			}
			if !sameModel(m, m2) {
				t.Fatal("Load gives different models with the size known and unknown")
			}
			var buf bytes.Buffer
			if err := m.Save(&buf); err != nil {
				t.Fatal(err)
			}
			m3, err := Load(&buf)
			if err != nil {
				t.Fatalf("a loaded model, saved again, does not load: %v", err)
			}
			if !sameModel(m, m3) {
				t.Fatal("a loaded model, saved and loaded again, changed")
			}
		}
	})
}

func sameModel(a, b *Model) bool {
	return a.cfg == b.cfg && a.in == b.in && a.hidden == b.hidden && a.classes == b.classes &&
		a.Embedder == b.Embedder && reflect.DeepEqual(a.Classes, b.Classes) &&
		reflect.DeepEqual(a.w1t, b.w1t) && reflect.DeepEqual(a.b1, b.b1) &&
		reflect.DeepEqual(a.w2t, b.w2t) && reflect.DeepEqual(a.b2, b.b2)
}
