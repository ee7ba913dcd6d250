package dataset

import (
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
)

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
	}
	return p, nil
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
