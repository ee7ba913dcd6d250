package dataset

import (
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// maxPage is the largest page, compressed or not, the reader accepts. The
// Parquet decoder allocates a page's stated size before reading it, so a
// damaged size field would otherwise take all memory.
const maxPage = 256 << 20

// parquetReader reads the top-level columns it needs from a Parquet file,
// one row group at a time, a page at a time: the other columns are never
// read.
type parquetReader struct {
	name  string
	file  *parquet.File
	names []string      // the top-level columns
	cols  []*columnFeed // text, label, id (nil when not read)
	role  []string
	group int // the next row group to open
	left  int64
	row   int
}

// columnFeed hands out the values of one column of the current row group.
type columnFeed struct {
	index  int // leaf column index
	name   string
	reader parquet.ColumnChunkValueReader
	buf    []parquet.Value
	vals   []parquet.Value
}

func newParquetReader(name string, r io.ReaderAt, size int64, opt Options) (pr *parquetReader, err error) {
	defer recoverDamage(name, &err)
	if err := checkFooter(name, r, size); err != nil {
		return nil, err
	}
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("%s is not a readable Parquet file: %w", name, err)
	}
	p := &parquetReader{name: name, file: f}
	for _, c := range f.Root().Columns() {
		p.names = append(p.names, c.Name())
	}
	header := p.names
	cs, err := pickColumns(name, header, opt)
	if err != nil {
		return nil, err
	}
	for i, pos := range []int{cs.text, cs.label, cs.id} {
		role := []string{"text", "label", "id"}[i]
		p.role = append(p.role, role)
		if pos < 0 {
			p.cols = append(p.cols, nil)
			continue
		}
		c := f.Root().Columns()[pos]
		if !c.Leaf() || c.Repeated() {
			return nil, fmt.Errorf("%s: the %s column %q holds lists or nested records; it must hold one string per row", name, role, c.Name())
		}
		p.cols = append(p.cols, &columnFeed{index: c.Index(), name: c.Name(), buf: make([]parquet.Value, 256)})
		if err := checkPages(name, r, size, f.Metadata(), c.Index(), c.Name()); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkPages walks the page headers of one column in every row group and
// checks each page's sizes against its chunk and maxPage, before the
// decoder trusts them.
func checkPages(name string, r io.ReaderAt, size int64, md *format.FileMetaData, col int, colName string) error {
	var buf []byte
	for g, rg := range md.RowGroups {
		if col >= len(rg.Columns) {
			return fmt.Errorf("%s: row group %d has no column %q: the file is damaged", name, g+1, colName)
		}
		cm := rg.Columns[col].MetaData
		start := cm.DataPageOffset
		if cm.DictionaryPageOffset > 0 && cm.DictionaryPageOffset < start {
			start = cm.DictionaryPageOffset
		}
		end := start + cm.TotalCompressedSize
		if start < 0 || cm.TotalCompressedSize < 0 || end > size || end < start {
			return fmt.Errorf("%s: the column %q of row group %d lies outside the file (bytes %d to %d of %d): the file is damaged", name, colName, g+1, start, end, size)
		}
		for off := start; off < end; {
			h, n, err := readPageHeader(r, off, end, &buf)
			if err != nil {
				return fmt.Errorf("%s: a page header of the column %q at byte %d is damaged: %v", name, colName, off, err)
			}
			next := off + n + int64(h.CompressedPageSize)
			if h.CompressedPageSize < 0 || h.UncompressedPageSize < 0 || h.CompressedPageSize > maxPage || h.UncompressedPageSize > maxPage || next > end {
				return fmt.Errorf("%s: a page of the column %q at byte %d states sizes %d and %d that do not fit its column chunk (bytes %d to %d, pages of at most %d MiB): the file is damaged",
					name, colName, off, h.CompressedPageSize, h.UncompressedPageSize, start, end, maxPage>>20)
			}
			off = next
		}
	}
	return nil
}

// maxPageHeader is the longest page header accepted (its statistics may
// hold a long string value).
const maxPageHeader = 16 << 20

// readPageHeader decodes the page header at byte off of r, which ends at
// end at the latest, and returns it with its length. It reads 4 KiB of the
// chunk, more while the header goes on (up to maxPageHeader), into *buf,
// which it reuses; the header's lengths are checked against those bytes
// before it is decoded, as the decoder allocates them before reading.
func readPageHeader(r io.ReaderAt, off, end int64, buf *[]byte) (h format.PageHeader, n int64, err error) {
	for want := int64(4096); ; want *= 2 {
		want = min(want, end-off, maxPageHeader)
		if int64(cap(*buf)) < want {
			*buf = make([]byte, want)
		}
		b := (*buf)[:want]
		if _, err := r.ReadAt(b, off); err != nil && !(err == io.EOF && int64(len(b)) == end-off) {
			return h, 0, err
		}
		size, err := thriftStructLen(b)
		if err != nil {
			if (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) && want < min(end-off, maxPageHeader) {
				continue
			}
			return h, 0, err
		}
		var compact thrift.CompactProtocol
		if err := thrift.NewDecoder(compact.NewReaderFromBytes(b[:size])).Decode(&h); err != nil {
			return h, 0, err
		}
		return h, int64(size), nil
	}
}

// recoverDamage turns a panic of the Parquet decoder, on a damaged file,
// into an error naming the file.
func recoverDamage(name string, err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("%s: damaged Parquet data (%v)", name, v)
	}
}

func (p *parquetReader) columns() []string { return p.names }

func (p *parquetReader) next() (rec Record, err error) {
	defer recoverDamage(p.name, &err)
	for p.left == 0 {
		groups := p.file.RowGroups()
		if p.group >= len(groups) {
			p.closeFeeds()
			return Record{}, io.EOF
		}
		rg := groups[p.group]
		p.group++
		p.left = rg.NumRows()
		p.closeFeeds()
		chunks := rg.ColumnChunks()
		for _, c := range p.cols {
			if c != nil {
				if c.index >= len(chunks) {
					return Record{}, fmt.Errorf("%s: row group %d has no column %q", p.name, p.group, c.name)
				}
				c.reader = parquet.NewColumnChunkValueReader(chunks[c.index])
				c.vals = nil
			}
		}
	}
	p.left--
	p.row++
	rec.Line = p.row
	var problem string
	for i, c := range p.cols {
		if c == nil {
			continue
		}
		v, err := c.value(p.name)
		if err != nil {
			return Record{}, err
		}
		s := ""
		if !v.IsNull() {
			s = v.String()
		}
		what := column(p.role[i], c.name)
		if problem == "" {
			problem = checkValue(what, s, p.role[i] == "id")
		}
		switch i {
		case 0:
			rec.Text = s
		case 1:
			rec.Label = s
		case 2:
			rec.ID = s
		}
	}
	if problem != "" {
		return Record{}, &RowError{File: p.name, Line: p.row, Unit: "row", Problem: problem}
	}
	return rec, nil
}

// value returns the column's next value.
func (c *columnFeed) value(name string) (parquet.Value, error) {
	if len(c.vals) == 0 {
		n, err := c.reader.ReadValues(c.buf)
		if n == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				return parquet.Value{}, fmt.Errorf("%s: the column %q ends before its row group does: the file is damaged", name, c.name)
			}
			return parquet.Value{}, fmt.Errorf("%s: reading the column %q: %w", name, c.name, err)
		}
		c.vals = c.buf[:n]
	}
	v := c.vals[0]
	c.vals = c.vals[1:]
	return v, nil
}

func (p *parquetReader) closeFeeds() {
	for _, c := range p.cols {
		if c != nil && c.reader != nil {
			c.reader.Close()
			c.reader = nil
		}
	}
}
