package mlp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
)

// The model file format, version 2. All numbers are little-endian.
//
//	offset  size        content
//	0       8           magic "MLPF32\x00\x02" (the last byte is the version)
//	8       4           uint32 n: length of the header
//	12      n           header, JSON: {"input":3072,"hidden":3072,"classes":4,
//	                    "output":"sigmoid","class_names":[...],
//	                    "embedder":"lsa-tfidf-2048d-1a2b3c4d","config":{...}}
//	12+n    4·in·hidden first kernel, float32, input×hidden row-major (Keras' layout)
//	…       4·hidden    first bias
//	…       4·hidden·k  second kernel, hidden×classes row-major
//	…       4·k         second bias
//	…       4           CRC-32 (IEEE) of every byte before it
//
// Version 1 is the same without the header's "embedder" field; Load still
// reads it (the weights are the same) and leaves Model.Embedder empty. The
// version changed so that a program that reads only version 1 refuses a
// version 2 file by its version number rather than by an unknown header
// field.
//
// The optimizer's state is not saved: a loaded model predicts exactly as the
// saved one did, and a Fit on it starts Adam afresh.
const (
	fileMagic   = "MLPF32\x00\x02"
	fileVersion = 2
)

// maxFileParams bounds the weights a file may declare (4 GiB of float32).
// Load also checks, before allocating, that the data holds the bytes its
// header declares when the reader's size is known (see remaining).
const maxFileParams = 1 << 30

// maxHeader bounds the header's length.
const maxHeader = 1 << 24

type fileHeader struct {
	Input      int        `json:"input"`
	Hidden     int        `json:"hidden"`
	Classes    int        `json:"classes"`
	Output     string     `json:"output"`
	ClassNames []string   `json:"class_names,omitempty"`
	Embedder   string     `json:"embedder,omitempty"`
	Config     fileConfig `json:"config"`
}

type fileConfig struct {
	LearningRate float64 `json:"learning_rate"`
	Beta1        float64 `json:"beta_1"`
	Beta2        float64 `json:"beta_2"`
	Epsilon      float64 `json:"epsilon"`
	BatchSize    int     `json:"batch_size"`
	Epochs       int     `json:"epochs"`
	Patience     int     `json:"patience"`
	Seed         int64   `json:"seed"`
}

// Save writes the model — shape, configuration, class names, embedder and
// weights — to w in the format described above.
func (m *Model) Save(w io.Writer) error {
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<16)
	c := m.cfg
	hdr, err := json.Marshal(fileHeader{
		Input: m.in, Hidden: m.hidden, Classes: m.classes, Output: c.Output.String(), ClassNames: m.Classes,
		Embedder: m.Embedder,
		Config:   fileConfig{c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, c.BatchSize, c.Epochs, c.Patience, c.Seed},
	})
	if err != nil {
		return fmt.Errorf("mlp: saving model: %w", err)
	}
	bw.WriteString(fileMagic)
	binary.Write(bw, binary.LittleEndian, uint32(len(hdr)))
	bw.Write(hdr)
	w1, b1, w2, b2 := m.Weights()
	var buf [4]byte
	for _, s := range [][]float32{w1, b1, w2, b2} {
		for _, v := range s {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
			bw.Write(buf[:])
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("mlp: saving model: %w", err)
	}
	binary.LittleEndian.PutUint32(buf[:], crc.Sum32())
	if _, err := w.Write(buf[:]); err != nil {
		return fmt.Errorf("mlp: saving model: %w", err)
	}
	return nil
}

// ErrBadFile is returned (wrapped) by Load for data that is not a model file
// or is damaged.
var ErrBadFile = errors.New("not a valid model file")

// Load reads a model written by Save (format version 1 or 2). It fails with
// an error wrapping ErrBadFile when the data is not a model file, is
// truncated or fails its checksum.
//
// When r tells how much data it holds — an *os.File, *bytes.Reader,
// *bytes.Buffer or *strings.Reader — every length the file declares is
// checked against that before anything is allocated; from other readers the
// weights are read in pieces, so that memory grows only with the data
// actually there.
func Load(r io.Reader) (*Model, error) {
	size := remaining(r)
	crc := crc32.NewIEEE()
	br := bufio.NewReaderSize(r, 1<<16)
	tr := io.TeeReader(br, crc)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("mlp: loading model: %s: %w", fmt.Sprintf(format, args...), ErrBadFile)
	}
	var magic [8]byte
	if _, err := io.ReadFull(tr, magic[:]); err != nil {
		return nil, bad("file too short (%v)", err)
	}
	if string(magic[:7]) != fileMagic[:7] {
		return nil, bad("wrong magic number %q", magic[:])
	}
	if v := magic[7]; v < 1 || v > fileVersion {
		return nil, bad("format version %d; this package reads versions 1 to %d", v, fileVersion)
	}
	var n uint32
	if err := binary.Read(tr, binary.LittleEndian, &n); err != nil {
		return nil, bad("truncated header (%v)", err)
	}
	if n > maxHeader {
		return nil, bad("header length %d is implausible", n)
	}
	if size >= 0 && int64(n) > size-12 {
		return nil, bad("header length %d, but only %d bytes follow: the file is truncated", n, max(size-12, 0))
	}
	hb := make([]byte, n)
	if _, err := io.ReadFull(tr, hb); err != nil {
		return nil, bad("truncated header (%v)", err)
	}
	var h fileHeader
	dec := json.NewDecoder(bytes.NewReader(hb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, bad("header: %v", err)
	}
	if dec.More() {
		return nil, bad("header: data after the JSON object")
	}
	if magic[7] == 1 && h.Embedder != "" {
		return nil, bad("header: version 1 files have no embedder field")
	}
	if h.Input <= 0 || h.Hidden <= 0 || h.Classes < 2 ||
		h.Input > maxFileParams/h.Hidden || h.Hidden > maxFileParams/h.Classes ||
		h.Input*h.Hidden+h.Hidden*h.Classes+h.Hidden+h.Classes > maxFileParams {
		return nil, bad("header declares an impossible shape %d→%d→%d", h.Input, h.Hidden, h.Classes)
	}
	params := h.Input*h.Hidden + h.Hidden + h.Hidden*h.Classes + h.Classes
	if need, left := 4*int64(params)+4, size-12-int64(n); size >= 0 && need > left {
		return nil, bad("the header declares a %d→%d→%d network, %d bytes of weights and checksum, but only %d bytes follow: the file is truncated or damaged",
			h.Input, h.Hidden, h.Classes, need, left)
	}
	var out Output
	switch h.Output {
	case "sigmoid":
		out = Sigmoid
	case "logits":
		out = Logits
	default:
		return nil, bad("unknown output layer %q", h.Output)
	}
	if h.ClassNames != nil && len(h.ClassNames) != h.Classes {
		return nil, bad("%d class names for %d classes", len(h.ClassNames), h.Classes)
	}
	fc := h.Config
	cfg := Config{Hidden: h.Hidden, Output: out, LearningRate: fc.LearningRate, Beta1: fc.Beta1, Beta2: fc.Beta2,
		Epsilon: fc.Epsilon, BatchSize: fc.BatchSize, Epochs: fc.Epochs, Patience: fc.Patience, Seed: fc.Seed}.withDefaults(h.Input)
	if err := cfg.validate(); err != nil {
		return nil, bad("header: %v", err)
	}
	var w [4][]float32
	for i, k := range [4]int{h.Input * h.Hidden, h.Hidden, h.Hidden * h.Classes, h.Classes} {
		var err error
		if w[i], err = readFloats(tr, k, size >= 0); err != nil {
			return nil, bad("weights truncated (%v)", err)
		}
	}
	want := crc.Sum32()
	var sum [4]byte
	if _, err := io.ReadFull(br, sum[:]); err != nil {
		return nil, bad("checksum missing (%v)", err)
	}
	if got := binary.LittleEndian.Uint32(sum[:]); got != want {
		return nil, bad("checksum mismatch: the file is damaged")
	}
	m := newModel(h.Input, h.Hidden, h.Classes, cfg)
	if err := m.SetWeights(w[0], w[1], w[2], w[3]); err != nil {
		return nil, bad("%v", err)
	}
	m.Classes = h.ClassNames
	m.Embedder = h.Embedder
	return m, nil
}

// remaining returns how many bytes r still holds, or -1 when r does not say.
func remaining(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }: // *bytes.Reader, *bytes.Buffer, *strings.Reader
		return int64(r.Len())
	case interface {
		io.Seeker
		Stat() (fs.FileInfo, error)
	}: // *os.File
		fi, err := r.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		pos, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return max(fi.Size()-pos, 0)
	}
	return -1
}

// readFloats reads n little-endian float32 values from r. With prealloc the
// slice is allocated whole (the caller has checked that the data is there);
// otherwise it grows as values arrive.
func readFloats(r io.Reader, n int, prealloc bool) ([]float32, error) {
	var s []float32
	if prealloc {
		s = make([]float32, 0, n)
	}
	var buf [1 << 14]byte
	for len(s) < n {
		k := min(n-len(s), len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*k]); err != nil {
			return nil, err
		}
		for i := range k {
			s = append(s, math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:])))
		}
	}
	return s, nil
}

// SaveFile writes the model to the named file, replacing it atomically: a
// failure leaves the old file as it was.
func (m *Model) SaveFile(path string) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("mlp: saving model: %w", err)
	}
	defer f.Abort()
	if err := m.Save(f); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("mlp: saving model: %w", err)
	}
	return nil
}

// LoadFile reads a model from the named file.
func LoadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mlp: loading model: %w", err)
	}
	defer f.Close()
	m, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return m, nil
}

// CheckShape reports, as an error naming both shapes, whether the model does
// not take inputSize features or does not predict numClasses classes — for
// checking that a loaded model fits the data at hand.
func (m *Model) CheckShape(inputSize, numClasses int) error {
	if m.in != inputSize || m.classes != numClasses {
		return fmt.Errorf("mlp: the model maps %d features to %d classes, but the data has %d features and %d classes",
			m.in, m.classes, inputSize, numClasses)
	}
	return nil
}
