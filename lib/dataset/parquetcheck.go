package dataset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go/encoding/thrift"
)

// maxFooter is the largest file metadata (the footer) the reader accepts.
// Real files' footers are kilobytes to a few megabytes.
const maxFooter = 64 << 20

// maxNesting is the deepest nesting of structures and containers accepted in
// a Parquet footer or page header; Parquet's own schema nests under 10.
const maxNesting = 64

// checkFooter checks the footer of the Parquet file r of size bytes before
// parquet-go decodes it. parquet-go allocates the footer's stated length,
// and then every list's stated number of items, before reading them: a
// damaged length field would take gigabytes, or kill the program with an
// out-of-memory error no recover catches. So the footer must fit in the
// file, and each list, set, map and byte string in it must fit in the
// footer's bytes that follow it (every item takes at least one byte); then
// what parquet-go allocates stays proportional to the file. A file that is
// not plain Parquet (no "PAR1" at its end) is left to parquet-go to report.
func checkFooter(name string, r io.ReaderAt, size int64) error {
	if size < 12 {
		return nil
	}
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return fmt.Errorf("%s: reading the Parquet footer: %w", name, err)
	}
	if string(tail[4:]) != "PAR1" {
		return nil
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-12 || n > maxFooter {
		return fmt.Errorf("%s is not a readable Parquet file: its footer states a length of %d bytes, more than the file's %d (or the %d MiB accepted): the file is damaged", name, n, size, maxFooter>>20)
	}
	footer := make([]byte, n)
	if _, err := r.ReadAt(footer, size-8-n); err != nil {
		return fmt.Errorf("%s: reading the Parquet footer: %w", name, err)
	}
	if _, err := thriftStructLen(footer); err != nil {
		return fmt.Errorf("%s is not a readable Parquet file: its footer (the file metadata) is damaged: %w", name, err)
	}
	return nil
}

// errLength is a container or string length that does not fit in the
// bytes that follow it.
var errLength = errors.New("a length field exceeds the bytes that follow it")

// thriftStructLen walks the Thrift struct (compact protocol) at the start
// of b without decoding it, checks every length it states against the
// bytes of b that follow, and returns the struct's length in bytes. Running
// out of bytes is io.ErrUnexpectedEOF or io.EOF.
func thriftStructLen(b []byte) (int, error) {
	var compact thrift.CompactProtocol
	r := compact.NewReaderFromBytes(b)
	if err := walkStruct(r, len(b), 0); err != nil {
		return 0, err
	}
	return r.BytesRead(), nil
}

func walkStruct(r thrift.Reader, size, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("structures nest more than %d deep", maxNesting)
	}
	for {
		f, err := r.ReadField()
		if err != nil {
			return err
		}
		if f.Type == thrift.STOP {
			return nil
		}
		// A struct field's boolean is in its type (compact protocol).
		if f.Type == thrift.TRUE || f.Type == thrift.FALSE {
			continue
		}
		if err := walkValue(r, f.Type, size, depth+1); err != nil {
			return err
		}
	}
}

// walkValue walks one value of type t; booleans take a byte, as a
// container's items do.
func walkValue(r thrift.Reader, t thrift.Type, size, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("structures nest more than %d deep", maxNesting)
	}
	fits := func(items, per int) error {
		if items < 0 || items > (size-r.BytesRead())/per {
			return fmt.Errorf("%w: %d items at byte %d of %d", errLength, items, r.BytesRead(), size)
		}
		return nil
	}
	var err error
	switch t {
	case thrift.TRUE, thrift.FALSE:
		_, err = r.ReadBool()
	case thrift.I8:
		_, err = r.ReadInt8()
	case thrift.I16, thrift.I32, thrift.I64: // varints alike; the decoder checks their range
		_, err = r.ReadInt64()
	case thrift.DOUBLE:
		_, err = r.ReadFloat64()
	case thrift.UUID:
		if _, err = r.ReadFloat64(); err == nil {
			_, err = r.ReadFloat64()
		}
	case thrift.BINARY:
		_, err = r.ReadBytes() // bounds-checked, not copied
	case thrift.STRUCT:
		err = walkStruct(r, size, depth)
	case thrift.LIST, thrift.SET:
		var l thrift.List
		if l, err = r.ReadList(); err == nil {
			if err = fits(int(l.Size), 1); err == nil {
				for i := 0; i < int(l.Size) && err == nil; i++ {
					err = walkValue(r, l.Type, size, depth+1)
				}
			}
		}
	case thrift.MAP:
		var m thrift.Map
		if m, err = r.ReadMap(); err == nil {
			if err = fits(int(m.Size), 2); err == nil {
				for i := 0; i < int(m.Size) && err == nil; i++ {
					if err = walkValue(r, m.Key, size, depth+1); err == nil {
						err = walkValue(r, m.Value, size, depth+1)
					}
				}
			}
		}
	default:
		err = fmt.Errorf("unknown Thrift type %d at byte %d", t, r.BytesRead())
	}
	return err
}
