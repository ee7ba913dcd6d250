package dataset

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// parquetFile returns a Parquet file of body (the bytes after the leading
// magic) and the metadata md, whose trailer states footerLen as the
// footer's length (the true length when footerLen is negative).
func parquetFile(body, footer []byte, footerLen int64) []byte {
	if footerLen < 0 {
		footerLen = int64(len(footer))
	}
	b := append([]byte("PAR1"), body...)
	b = append(b, footer...)
	b = binary.LittleEndian.AppendUint32(b, uint32(footerLen))
	return append(b, "PAR1"...)
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := thrift.Marshal(new(thrift.CompactProtocol), v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hugeList is a footer whose schema (field 2, a list of structs) states n
// items and holds none.
func hugeList(n uint64) []byte {
	b := []byte{0x15, 0x02, 0x19, 0xfc} // version 1; field 2: a list of structs, size follows
	b = binary.AppendUvarint(b, n)
	return append(b, 0x00, 0x00)
}

// pageHeaderFile is a file of one text column whose only page header
// states a statistics value of n bytes (it holds 100).
func pageHeaderFile(t *testing.T, n uint64) []byte {
	var valid bytes.Buffer
	if err := parquet.Write(&valid, []struct {
		Text string `parquet:"text"`
	}{{"a text"}}); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(valid.Bytes()), int64(valid.Len()))
	if err != nil {
		t.Fatal(err)
	}
	stat := bytes.Repeat([]byte("x"), 100)
	h := marshal(t, &format.PageHeader{
		Type: format.DataPage, UncompressedPageSize: 4, CompressedPageSize: 4,
		DataPageHeader: thrift.New(format.DataPageHeader{NumValues: 1, Statistics: format.Statistics{MinValue: stat}}),
	})
	i := bytes.Index(h, append([]byte{100}, stat...))
	if i < 0 {
		t.Fatal("no statistics value in the page header")
	}
	h = append(append(binary.AppendUvarint(h[:i:i], n), stat...), h[i+101:]...)
	body := append(h, 0, 0, 0, 0)
	md := *f.Metadata()
	md.RowGroups = []format.RowGroup{md.RowGroups[0]}
	cc := md.RowGroups[0].Columns[0]
	cc.MetaData.DataPageOffset, cc.MetaData.DictionaryPageOffset, cc.MetaData.TotalCompressedSize = 4, 0, int64(len(body))
	md.RowGroups[0].Columns = []format.ColumnChunk{cc}
	return parquetFile(body, marshal(t, &md), -1)
}

// A damaged length field in a Parquet file's footer or page header is an
// error naming the file, found before anything is allocated for it:
// parquet-go allocates stated lengths before reading, so such a file once
// took gigabytes, or killed the fuzzer's worker with an out-of-memory
// error.
func TestParquetDamagedLengths(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"footer longer than the file", parquetFile(nil, hugeList(1), 0xfffffff0), "is not a readable Parquet file: its footer states a length of 4294967280 bytes"},
		{"a list of 20 million schema elements", parquetFile(nil, hugeList(20_000_000), -1), "is not a readable Parquet file: its footer (the file metadata) is damaged: a length field exceeds"},
		{"a list of 2^31-1 schema elements", parquetFile(nil, hugeList(1<<31-1), -1), "is not a readable Parquet file: its footer (the file metadata) is damaged: a length field exceeds"},
		{"structures nested 100,000 deep", parquetFile(nil, bytes.Repeat([]byte{0x0c, 0xc8, 0x01}, 100_000), -1), "nest more than 64 deep"},
		{"a page header's 2 GiB statistics", pageHeaderFile(t, 1<<31-1), `a page header of the column "text" at byte 4 is damaged`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := parquetBytes(c.data, Options{NoLabel: true})
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "fuzz") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one naming the file and saying %q", err, c.want)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
				t.Errorf("allocated %d MiB for a %d-byte file", got>>20, len(c.data))
			}
		})
	}
	// With its true length, the page header passes the checks.
	r, err := parquetBytes(pageHeaderFile(t, 100), Options{NoLabel: true})
	if err != nil {
		t.Fatalf("the page-header file with its true length: %v", err)
	}
	r.Close()
}
