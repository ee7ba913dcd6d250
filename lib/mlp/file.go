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
	"math"
	"os"
)

// The model file format, version 1. All numbers are little-endian.
//
//	offset  size        content
//	0       8           magic "MLPF32\x00\x01" (the last byte is the version)
//	8       4           uint32 n: length of the header
//	12      n           header, JSON: {"input":3072,"hidden":3072,"classes":4,
//	                    "output":"sigmoid","class_names":[...],"config":{...}}
//	12+n    4·in·hidden first kernel, float32, input×hidden row-major (Keras' layout)
//	…       4·hidden    first bias
//	…       4·hidden·k  second kernel, hidden×classes row-major
//	…       4·k         second bias
//	…       4           CRC-32 (IEEE) of every byte before it
//
// The optimizer's state is not saved: a loaded model predicts exactly as the
// saved one did, and a Fit on it starts Adam afresh.
const fileMagic = "MLPF32\x00\x01"

// maxFileParams bounds the weights a file may declare (4 GiB of float32), so
// that a damaged header cannot make Load allocate without limit.
const maxFileParams = 1 << 30

type fileHeader struct {
	Input      int        `json:"input"`
	Hidden     int        `json:"hidden"`
	Classes    int        `json:"classes"`
	Output     string     `json:"output"`
	ClassNames []string   `json:"class_names,omitempty"`
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

// Save writes the model — shape, configuration, class names and weights — to
// w in the format described above.
func (m *Model) Save(w io.Writer) error {
	crc := crc32.NewIEEE()
	bw := bufio.NewWriterSize(io.MultiWriter(w, crc), 1<<16)
	c := m.cfg
	hdr, err := json.Marshal(fileHeader{
		Input: m.in, Hidden: m.hidden, Classes: m.classes, Output: c.Output.String(), ClassNames: m.Classes,
		Config: fileConfig{c.LearningRate, c.Beta1, c.Beta2, c.Epsilon, c.BatchSize, c.Epochs, c.Patience, c.Seed},
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

// Load reads a model written by Save. It fails with an error wrapping
// ErrBadFile when the data is not a model file, is truncated or fails its
// checksum.
func Load(r io.Reader) (*Model, error) {
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
	if magic[7] != fileMagic[7] {
		return nil, bad("format version %d; this package reads version %d", magic[7], fileMagic[7])
	}
	var n uint32
	if err := binary.Read(tr, binary.LittleEndian, &n); err != nil {
		return nil, bad("truncated header (%v)", err)
	}
	if n > 1<<24 {
		return nil, bad("header length %d is implausible", n)
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
	if h.Input <= 0 || h.Hidden <= 0 || h.Classes < 2 ||
		h.Input > maxFileParams/h.Hidden || h.Hidden > maxFileParams/h.Classes {
		return nil, bad("header declares an impossible shape %d→%d→%d", h.Input, h.Hidden, h.Classes)
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
	w1 := make([]float32, h.Input*h.Hidden)
	b1 := make([]float32, h.Hidden)
	w2 := make([]float32, h.Hidden*h.Classes)
	b2 := make([]float32, h.Classes)
	for _, s := range [][]float32{w1, b1, w2, b2} {
		if err := readFloats(tr, s); err != nil {
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
	if err := m.SetWeights(w1, b1, w2, b2); err != nil {
		return nil, bad("%v", err)
	}
	m.Classes = h.ClassNames
	return m, nil
}

func readFloats(r io.Reader, s []float32) error {
	var buf [1 << 14]byte
	for len(s) > 0 {
		n := min(len(s), len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*n]); err != nil {
			return err
		}
		for i := range n {
			s[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		s = s[n:]
	}
	return nil
}

// SaveFile writes the model to the named file, replacing it.
func (m *Model) SaveFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("mlp: saving model: %w", err)
	}
	if err := m.Save(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
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
