package lsa

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strings"
)

// The saved form of a Model, in gzip's framing (its CRC-32 checks it
// whole) but stored rather than compressed: the float32 values, most of the
// file, hardly compress, and inflating them was most of the time Load
// took. Little-endian:
//
//	magic    "embedclassify lsa\n"
//	version  uint32 (saveVersion)
//	name     uint32 length, then the bytes of Model()
//	features uint8 bigrams, uint32 charMin, charMax, title
//	sizes    uint32 training texts, terms, dims; uint64 postings
//	keys     terms × uint64: the hashed key of every term
//	idf      terms × float32
//	df       terms × uint32: how many postings each term has
//	doc      postings × uint32: the training texts of each term, increasing
//	weight   postings × float32: the term's weight in each
//	proj     training texts × dims float32: the projection matrix
const (
	saveMagic   = "embedclassify lsa\n"
	saveVersion = 5
)

// Limits of the saved form, far above any real model, so that a damaged
// header is refused before anything is allocated for it.
const (
	maxName     = 256
	maxTexts    = 1 << 26
	maxTerms    = 1 << 28
	maxDims     = 1 << 16
	maxNgram    = 64
	maxTitle    = 1 << 10
	maxPostings = 1 << 36
)

// ErrFormat is the error Load returns, wrapped, for a file that is not a
// saved model this version reads: another kind of file, an older format,
// or a damaged or truncated model.
var ErrFormat = errors.New("lsa: not a usable saved embedder")

// Save writes the fitted model to w, gzip-framed: the vocabulary, its
// idf, the training texts' TF-IDF weights (as term → text postings) and the
// projection matrix, all in float32, which is what the model computes
// with. Load restores it exactly; nothing is fitted again.
func (m *Model) Save(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.NoCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(zw, 1<<16)
	e := encoder{w: bw}
	e.bytes([]byte(saveMagic))
	e.u32(saveVersion)
	e.u32(uint32(len(m.name)))
	e.bytes([]byte(m.name))
	b := uint8(0)
	if m.feat.bigrams {
		b = 1
	}
	e.bytes([]byte{b})
	e.u32(uint32(m.feat.charMin))
	e.u32(uint32(m.feat.charMax))
	e.u32(uint32(m.feat.title))
	e.u32(uint32(m.nDocs))
	e.u32(uint32(len(m.keys)))
	e.u32(uint32(m.dims))
	e.u64(uint64(len(m.post.doc)))
	for _, k := range m.keys {
		e.u64(k)
	}
	e.f32s(m.idf)
	for j := range m.keys {
		e.u32(uint32(m.post.ptr[j+1] - m.post.ptr[j]))
	}
	for _, d := range m.post.doc {
		e.u32(uint32(d))
	}
	e.f32s(m.post.w)
	e.f32s(m.proj)
	if e.err == nil {
		e.err = bw.Flush()
	}
	if err := zw.Close(); e.err == nil {
		e.err = err
	}
	if e.err != nil {
		return fmt.Errorf("lsa: saving the model: %w", e.err)
	}
	return nil
}

// encoder writes little-endian values, keeping the first error.
type encoder struct {
	w   io.Writer
	buf [8]byte
	err error
}

func (e *encoder) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:4], v)
	e.bytes(e.buf[:4])
}

func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:8], v)
	e.bytes(e.buf[:8])
}

func (e *encoder) f32s(v []float32) {
	for _, x := range v {
		e.u32(math.Float32bits(x))
	}
}

// Load reads a model written by Save. It checks everything it reads: the
// format and its version (a model saved by an older version, or another
// kind of file, is refused with ErrFormat saying what it is), every size
// against the file's before anything is allocated for it, every index and
// value, and the gzip checksum. When r is a file, errors name it.
func Load(ctx context.Context, r io.Reader) (*Model, error) {
	m, err := load(ctx, r, uncompressedSize(r))
	if err != nil {
		if f, ok := r.(interface{ Name() string }); ok {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		return nil, err
	}
	return m, nil
}

// uncompressedSize returns the size the gzip file r holds uncompressed,
// from its trailer, or -1 when r cannot tell (not a file, or not gzip).
func uncompressedSize(r io.Reader) int64 {
	ra, ok := r.(io.ReaderAt)
	if !ok {
		return -1
	}
	var size int64
	switch s := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		fi, err := s.Stat()
		if err != nil {
			return -1
		}
		size = fi.Size()
	case interface{ Size() int64 }:
		size = s.Size()
	default:
		return -1
	}
	if size < 18 {
		return -1
	}
	var b [4]byte
	if _, err := ra.ReadAt(b[:], size-4); err != nil {
		return -1
	}
	return int64(binary.LittleEndian.Uint32(b[:]))
}

// formatError wraps ErrFormat with what was found.
func formatError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
}

// load reads a saved model; size is its uncompressed size, or -1 when
// unknown.
func load(ctx context.Context, r io.Reader, size int64) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, formatError("not gzip-compressed (%v)", err)
	}
	zr.Multistream(false)
	d := &decoder{r: bufio.NewReaderSize(zr, 1<<16), ctx: ctx}
	head := d.bytes(len(saveMagic))
	switch {
	case d.err != nil && d.n == 0:
		return nil, formatError("empty")
	case d.err != nil && strings.HasPrefix(saveMagic, string(head[:d.n])):
		return nil, d.fail()
	case d.err != nil:
		return nil, foreign(head[:d.n], d)
	case string(head) != saveMagic:
		return nil, foreign(head, d)
	}
	if v := d.u32(); d.err == nil && v != saveVersion {
		return nil, formatError("saved in format version %d, and this version of embedclassify reads version %d; fit the embedder again (embedclassify run)", v, saveVersion)
	}
	m := &Model{}
	n := d.u32()
	if d.err == nil && n > maxName {
		return nil, formatError("the model's name is %d bytes long (at most %d)", n, maxName)
	}
	m.name = string(d.bytes(int(n)))
	m.feat.bigrams = d.bytes(1)[0] == 1
	m.feat.charMin, m.feat.charMax, m.feat.title = int(d.u32()), int(d.u32()), int(d.u32())
	m.nDocs = int(d.u32())
	terms := int(d.u32())
	m.dims = int(d.u32())
	nnz := d.u64()
	if d.err != nil {
		return nil, d.fail()
	}
	if err := checkSizes(m, terms, nnz, size, d.n); err != nil {
		return nil, err
	}
	m.keys = d.u64s(terms)
	m.idf = d.f32s(terms)
	df := d.u32s(terms)
	doc := d.u32s(int(nnz))
	m.post.w = d.f32s(int(nnz))
	m.proj = d.f32s(m.nDocs * m.dims)
	if d.err != nil {
		return nil, d.fail()
	}
	// The end: nothing more, and the gzip checksum (checked at EOF) right.
	var one [1]byte
	if n, err := io.ReadFull(d.r, one[:]); n != 0 {
		return nil, formatError("data after the end of the model")
	} else if err != io.EOF {
		d.err = err
		return nil, d.fail()
	}
	if err := m.setLoaded(df, doc, nnz); err != nil {
		return nil, err
	}
	m.initCache()
	return m, nil
}

// foreign explains what a file that does not start with saveMagic is.
func foreign(head []byte, d *decoder) error {
	if bytes.HasPrefix(head, []byte("{")) {
		more := append(head, d.bytes(200)...)
		if bytes.Contains(more, []byte("embedclassify-lsa-refit")) {
			return formatError("saved by an older version of embedclassify, which stored the training texts and fitted the embedder again on every load; fit it again (embedclassify run) to save it in the current form")
		}
	}
	return formatError("not a saved LSA embedder (it starts with %q)", head)
}

// checkSizes checks the header's sizes against the limits, one another and
// the uncompressed size (-1: unknown) of which read bytes are read.
func checkSizes(m *Model, terms int, nnz uint64, size, read int64) error {
	f := m.feat
	switch {
	case f.charMin < 0 || f.charMax < f.charMin || f.charMax > maxNgram || f.title > maxTitle:
		return formatError("bad character n-gram lengths %d-%d or title repeat %d", f.charMin, f.charMax, f.title)
	case m.nDocs < 2 || m.nDocs > maxTexts:
		return formatError("%d training texts (want 2 to %d)", m.nDocs, maxTexts)
	case terms < 2 || terms > maxTerms:
		return formatError("%d terms (want 2 to %d)", terms, maxTerms)
	case m.dims < 1 || m.dims > maxDims || m.dims >= m.nDocs:
		return formatError("%d dimensions for %d training texts", m.dims, m.nDocs)
	case nnz > maxPostings || nnz > uint64(m.nDocs)*uint64(terms):
		return formatError("%d postings for %d texts and %d terms", nnz, m.nDocs, terms)
	case !strings.HasPrefix(m.name, fmt.Sprintf("lsa-tfidf-%dd-", m.dims)):
		return formatError("the model's name %q does not match its %d dimensions", m.name, m.dims)
	}
	need := read + int64(terms)*16 + int64(nnz)*8 + int64(m.nDocs)*int64(m.dims)*4
	if size >= 0 && need > size {
		return formatError("truncated or damaged: its header announces %d bytes of data, but the file holds %d", need, size)
	}
	return nil
}

// setLoaded checks and keeps the postings and the vocabulary read by load.
func (m *Model) setLoaded(df, doc []uint32, nnz uint64) error {
	terms := len(m.keys)
	m.post.ptr = make([]int, terms+1)
	for j, n := range df {
		m.post.ptr[j+1] = m.post.ptr[j] + int(n)
		if uint64(m.post.ptr[j+1]) > nnz {
			return formatError("the terms' postings add up to more than %d", nnz)
		}
	}
	if uint64(m.post.ptr[terms]) != nnz {
		return formatError("the terms' postings add up to %d, not %d", m.post.ptr[terms], nnz)
	}
	m.post.doc = make([]int32, len(doc))
	for j := 0; j < terms; j++ {
		prev := -1
		for p := m.post.ptr[j]; p < m.post.ptr[j+1]; p++ {
			if int(doc[p]) <= prev || int(doc[p]) >= m.nDocs {
				return formatError("term %d's training texts are not increasing indices below %d", j, m.nDocs)
			}
			prev = int(doc[p])
			m.post.doc[p] = int32(doc[p])
		}
	}
	for _, vs := range [][]float32{m.idf, m.post.w, m.proj} {
		for _, v := range vs {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return formatError("a weight is %v", v)
			}
		}
	}
	m.vocab = vocabIndex(m.keys)
	if len(m.vocab) != terms {
		return formatError("%d of its %d term keys are repeated", terms-len(m.vocab), terms)
	}
	return nil
}

// decoder reads little-endian values, keeping the first error. Slices are
// read a chunk at a time, so that what is allocated never runs ahead of
// the data actually there.
type decoder struct {
	r   io.Reader
	ctx context.Context
	n   int64 // bytes read
	buf [8]byte
	err error
}

// fail returns d's error as load reports it.
func (d *decoder) fail() error {
	switch {
	case errors.Is(d.err, io.ErrUnexpectedEOF), errors.Is(d.err, io.EOF):
		return formatError("truncated: the file ends early (damaged, or not completely written)")
	case errors.Is(d.err, gzip.ErrChecksum), errors.Is(d.err, gzip.ErrHeader):
		return formatError("damaged (%v)", d.err)
	case d.ctx.Err() != nil:
		return d.err
	}
	return fmt.Errorf("%w: %w", ErrFormat, d.err)
}

func (d *decoder) read(b []byte) {
	if d.err != nil {
		clear(b)
		return
	}
	n, err := io.ReadFull(d.r, b)
	d.n += int64(n)
	d.err = err
}

func (d *decoder) bytes(n int) []byte {
	b := make([]byte, 0, min(n, 1<<16))
	for len(b) < n && d.err == nil {
		chunk := min(n-len(b), 1<<16)
		start := len(b)
		b = append(b, make([]byte, chunk)...)
		d.read(b[start:])
	}
	if len(b) < n {
		b = append(b, make([]byte, n-len(b))...)[:n]
	}
	return b
}

func (d *decoder) u32() uint32 {
	d.read(d.buf[:4])
	return binary.LittleEndian.Uint32(d.buf[:4])
}

func (d *decoder) u64() uint64 {
	d.read(d.buf[:8])
	return binary.LittleEndian.Uint64(d.buf[:8])
}

// chunk reads n values of size bytes each, calling put with each chunk.
func (d *decoder) chunk(n, size int, put func([]byte)) {
	buf := make([]byte, min(n*size, 1<<16))
	for done := 0; done < n && d.err == nil; {
		if err := d.ctx.Err(); err != nil {
			d.err = err
			return
		}
		c := min(n-done, len(buf)/size)
		d.read(buf[:c*size])
		if d.err == nil {
			put(buf[:c*size])
		}
		done += c
	}
}

// values reads n values of size bytes each, decoded by conv.
func values[T any](d *decoder, n, size int, conv func([]byte) T) []T {
	out := make([]T, 0, min(n, 1<<16))
	d.chunk(n, size, func(b []byte) {
		for i := 0; i < len(b); i += size {
			out = append(out, conv(b[i:]))
		}
	})
	return out
}

func (d *decoder) u32s(n int) []uint32 { return values(d, n, 4, binary.LittleEndian.Uint32) }

func (d *decoder) u64s(n int) []uint64 { return values(d, n, 8, binary.LittleEndian.Uint64) }

func (d *decoder) f32s(n int) []float32 {
	return values(d, n, 4, func(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) })
}
