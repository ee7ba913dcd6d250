package embedding

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// Segment file format 2 (little-endian):
//
//	magic   [8]byte "EMBVEC02"
//	key     [32]byte the SHA-256 of the cache key (see cacheKey)
//	dim     uint32
//	count   uint32
//	hcrc    uint32 CRC-32C of the 48 bytes above
//	count × record:
//	        sha256 [32]byte of the UTF-8 text
//	        dim × float32
//	        crc uint32 CRC-32C of the key, then of the record's 32+4·dim bytes
//
// Every record carries its own checksum, seeded with the key, so that a
// damaged record costs only its own vector, a damaged header costs nothing
// when the dimension is known, and a record copied from a cache of another
// key never verifies.
var segMagic = [8]byte{'E', 'M', 'B', 'V', 'E', 'C', '0', '2'}

// segMagicV1 starts the files of format 1, which had neither checksums nor
// the endpoint in their key.
var segMagicV1 = [8]byte{'E', 'M', 'B', 'V', 'E', 'C', '0', '1'}

const (
	segFormat = 2 // the version in segMagic, part of every cache key
	segExt    = ".vec"
	hdrLen    = 8 + 32 + 4 + 4 + 4
	// maxSegDim bounds the dimension a header may announce.
	maxSegDim = 1 << 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recLen returns the length of one record of dim values.
func recLen(dim int) int64 { return 32 + 4*int64(dim) + 4 }

// segment is what decodeSegment read from a segment file.
type segment struct {
	dim  int
	keys [][32]byte
	vecs [][]float32
	// damage says what was wrong with the file, "" when nothing was; the
	// good records are kept even then.
	damage string
	// bad counts the records lost to damage, when known.
	bad int
	// oldFormat is set for files of format 1, which are never read.
	oldFormat bool
}

// encodeSegment writes a segment of records under key to w.
func encodeSegment(w io.Writer, key [32]byte, keys [][32]byte, vecs [][]float32) error {
	if len(keys) != len(vecs) || len(keys) == 0 {
		return fmt.Errorf("embedding: a segment needs as many vectors as keys, at least one (%d and %d)", len(keys), len(vecs))
	}
	dim := len(vecs[0])
	bw := bufio.NewWriterSize(w, 1<<16)
	var hdr [hdrLen]byte
	copy(hdr[0:8], segMagic[:])
	copy(hdr[8:40], key[:])
	binary.LittleEndian.PutUint32(hdr[40:44], uint32(dim))
	binary.LittleEndian.PutUint32(hdr[44:48], uint32(len(keys)))
	binary.LittleEndian.PutUint32(hdr[48:52], crc32.Checksum(hdr[:48], castagnoli))
	bw.Write(hdr[:])
	seed := crc32.Checksum(key[:], castagnoli)
	rec := make([]byte, recLen(dim))
	for i, k := range keys {
		if len(vecs[i]) != dim {
			return fmt.Errorf("embedding: a segment's vectors have lengths %d and %d", dim, len(vecs[i]))
		}
		copy(rec, k[:])
		for j, x := range vecs[i] {
			binary.LittleEndian.PutUint32(rec[32+4*j:], math.Float32bits(x))
		}
		n := len(rec) - 4
		binary.LittleEndian.PutUint32(rec[n:], crc32.Update(seed, castagnoli, rec[:n]))
		bw.Write(rec)
	}
	return bw.Flush()
}

// decodeSegment reads a segment of size bytes from r, written under key.
// wantDim is the dimension the cache expects, 0 when not known yet.
//
// No length read from the file is trusted before it is checked against
// size: a damaged count or dimension cannot make it allocate more than the
// file holds. Records whose checksum fails, or whose vector is not a sane
// embedding (see checkVector), are left out and counted in bad; a damaged
// header is not fatal when wantDim is known, as every record proves itself.
// The returned error is for I/O failures only; damage is reported in the
// segment's damage field.
func decodeSegment(r io.Reader, size int64, key [32]byte, wantDim int) (*segment, error) {
	s := &segment{}
	br := bufio.NewReaderSize(r, 1<<16)
	if size < hdrLen {
		s.damage = fmt.Sprintf("%d bytes, shorter than a segment header (%d)", size, hdrLen)
		return s, nil
	}
	var hdr [hdrLen]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil, err
	}
	if [8]byte(hdr[0:8]) == segMagicV1 {
		s.oldFormat = true
		s.damage = "written in the cache's format 1, which had no checksums and did not record the endpoint"
		return s, nil
	}
	dim := int(binary.LittleEndian.Uint32(hdr[40:44]))
	count := int64(binary.LittleEndian.Uint32(hdr[44:48]))
	headerOK := true
	switch {
	case [8]byte(hdr[0:8]) != segMagic:
		s.damage, headerOK = fmt.Sprintf("it does not start with %q", segMagic[:]), false
	case binary.LittleEndian.Uint32(hdr[48:52]) != crc32.Checksum(hdr[:48], castagnoli):
		s.damage, headerOK = "its header fails its checksum", false
	case [32]byte(hdr[8:40]) != key:
		// A valid header of another cache: none of its records would
		// verify under this key.
		s.damage = "it belongs to another cache key (model, task type, dimension, endpoint or format)"
		return s, nil
	case dim <= 0 || dim > maxSegDim:
		s.damage, headerOK = fmt.Sprintf("its header announces %d dimensions", dim), false
	case wantDim > 0 && dim != wantDim:
		s.damage, headerOK = fmt.Sprintf("its header announces %d dimensions, not %d", dim, wantDim), false
	}
	if !headerOK {
		if wantDim <= 0 {
			return s, nil
		}
		// Salvage: every record verifies on its own.
		dim, count = wantDim, -1
	}
	rl := recLen(dim)
	fit := (size - hdrLen) / rl
	n := fit
	if count >= 0 {
		n = min(count, fit)
		if want := hdrLen + count*rl; want != size && s.damage == "" {
			s.damage = fmt.Sprintf("%d bytes where its header announces %d records of %d values (%d bytes)", size, count, dim, want)
		}
		if count > fit {
			s.bad += int(count - fit)
		}
	} else if (size-hdrLen)%rl != 0 {
		s.damage += fmt.Sprintf("; %d bytes are not a whole number of records", size)
	}
	s.dim = dim
	s.keys = make([][32]byte, 0, n)
	s.vecs = make([][]float32, 0, n)
	slab := make([]float32, n*int64(dim))
	seed := crc32.Checksum(key[:], castagnoli)
	rec := make([]byte, rl)
	var firstBad string
	for i := int64(0); i < n; i++ {
		if _, err := io.ReadFull(br, rec); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				// The file shrank while being read.
				s.damage = "it was cut short while being read"
				break
			}
			return nil, err
		}
		body := rec[:rl-4]
		if binary.LittleEndian.Uint32(rec[rl-4:]) != crc32.Update(seed, castagnoli, body) {
			s.bad++
			if firstBad == "" {
				firstBad = fmt.Sprintf("record %d fails its checksum", i)
			}
			continue
		}
		v := slab[:dim:dim]
		slab = slab[dim:]
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(body[32+4*j:]))
		}
		if err := checkVector(v, dim); err != nil {
			s.bad++
			if firstBad == "" {
				firstBad = fmt.Sprintf("record %d %s", i, err)
			}
			continue
		}
		s.keys = append(s.keys, [32]byte(body[:32]))
		s.vecs = append(s.vecs, v)
	}
	if firstBad != "" {
		if s.damage != "" {
			s.damage += "; "
		}
		if s.bad == 1 {
			s.damage += "1 record is bad: " + firstBad
		} else {
			s.damage += fmt.Sprintf("%d records are bad, the first: %s", s.bad, firstBad)
		}
	}
	return s, nil
}

// Limits of a sane embedding's L2 norm. Embedding models return unit or
// near-unit vectors; anything outside these bounds is garbage (or an
// overflowing value such as 3e38).
const (
	minNorm = 1e-6
	maxNorm = 1e4
)

// checkVector returns an error saying what is wrong with v when it is not a
// sane embedding of dimension dim (dim ≤ 0: any length): every value finite
// and the norm within [minNorm, maxNorm].
func checkVector(v []float32, dim int) error {
	if len(v) == 0 {
		return errors.New("is empty")
	}
	if dim > 0 && len(v) != dim {
		return fmt.Errorf("has %d values, not %d", len(v), dim)
	}
	var ss float64
	for j, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("has value %v at position %d", x, j)
		}
		ss += f * f
	}
	if norm := math.Sqrt(ss); norm < minNorm || norm > maxNorm {
		return fmt.Errorf("has norm %.3g, outside the sane range [%g, %g]", norm, minNorm, maxNorm)
	}
	return nil
}
