package lsa

import (
	"context"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/embedclassify/embedclassify/internal/gemm32"
	"github.com/embedclassify/embedclassify/internal/parallel"
)

// csr is a sparse matrix in compressed sparse row form. gonum has no sparse
// matrix type; this is the small part of one that the fit needs: the
// product of the Gram matrix a·aᵀ with a dense matrix, in parallel.
type csr struct {
	rows, cols int
	ptr        []int     // row i's entries are ind[ptr[i]:ptr[i+1]]
	ind        []int32   // column of each entry
	val        []float64 // value of each entry
}

// transpose returns the matrix's transpose, also in CSR form.
func (a *csr) transpose() *csr {
	t := &csr{rows: a.cols, cols: a.rows, ptr: make([]int, a.cols+1), ind: make([]int32, len(a.ind)), val: make([]float64, len(a.val))}
	for _, j := range a.ind {
		t.ptr[j+1]++
	}
	for j := 0; j < a.cols; j++ {
		t.ptr[j+1] += t.ptr[j]
	}
	next := append([]int(nil), t.ptr[:a.cols]...)
	for i := 0; i < a.rows; i++ {
		for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
			j := a.ind[k]
			p := next[j]
			t.ind[p] = int32(i)
			t.val[p] = a.val[k]
			next[j]++
		}
	}
	return t
}

// gramBlockBytes bounds the memory of a gramScratch, the block of the
// product aᵀ·y that gram holds (a variable so that tests can use several
// blocks). The block is also kept no larger than y itself (but at least
// 8 MB), so that the fit's memory grows with the texts, never with the
// vocabulary.
var gramBlockBytes = 32 << 20

// gramScratch is gram's scratch space, kept across calls: the block of
// aᵀ·y, and a cursor per text into its row of a.
type gramScratch struct {
	block  []float64
	cursor []int
}

// gram sets dst = a·aᵀ·y, where y and dst have a.rows rows, without ever
// holding aᵀ·y whole (it has a row per term: 300,000 terms × 2058 columns
// would be 4.9 GB): aᵀ·y is computed a block of terms at a time, in
// parallel over terms, and added to dst in parallel over texts, text by
// text so that each text's row of dst is read and written once per block.
// Every sum runs in a fixed order (over terms or texts in increasing
// order), so the result does not depend on scheduling. at is a's
// transpose; scratch is reused across calls. It returns ctx's error when
// cancelled.
func gram(ctx context.Context, dst, y *mat.Dense, a, at *csr, scratch *gramScratch) error {
	_, l := y.Dims()
	yr, dr := y.RawMatrix(), dst.RawMatrix()
	for i := 0; i < a.rows; i++ {
		clear(dr.Data[i*dr.Stride : i*dr.Stride+l])
	}
	perBlock := max(1, min(gramBlockBytes, max(8<<20, 8*a.rows*l))/(8*l))
	if n := min(perBlock, at.rows) * l; len(scratch.block) < n {
		scratch.block = make([]float64, n)
	}
	block := scratch.block
	if len(scratch.cursor) < a.rows {
		scratch.cursor = make([]int, a.rows)
	}
	cursor := scratch.cursor[:a.rows]
	copy(cursor, a.ptr[:a.rows])
	for j0 := 0; j0 < at.rows; j0 += perBlock {
		if err := ctx.Err(); err != nil {
			return err
		}
		j1 := min(j0+perBlock, at.rows)
		// block = rows j0 to j1 of aᵀ·y.
		parallel.Ranges(j1-j0, 0, func(lo, hi int) {
			for j := j0 + lo; j < j0+hi; j++ {
				row := block[(j-j0)*l : (j-j0+1)*l]
				clear(row)
				for p := at.ptr[j]; p < at.ptr[j+1]; p++ {
					d := int(at.ind[p])
					floats.AddScaled(row, at.val[p], yr.Data[d*yr.Stride:d*yr.Stride+l])
				}
			}
		})
		// dst += a[:, j0:j1]·block, each worker on its own texts, each
		// text's terms of the block in increasing order.
		parallel.Ranges(a.rows, 0, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				p, end := cursor[i], a.ptr[i+1]
				if p == end || int(a.ind[p]) >= j1 {
					continue
				}
				drow := dr.Data[i*dr.Stride : i*dr.Stride+l]
				for ; p < end && int(a.ind[p]) < j1; p++ {
					j := int(a.ind[p]) - j0
					floats.AddScaled(drow, a.val[p], block[j*l:(j+1)*l])
				}
				cursor[i] = p
			}
		})
	}
	return nil
}

// csr32 is a csr matrix's pattern with its values in float32, for the
// float32 products of the randomized eigensolver.
type csr32 struct {
	rows, cols int
	ptr        []int
	ind        []int32
	val        []float32
}

// to32 returns a's values in float32, sharing its pattern.
func (a *csr) to32() *csr32 {
	return &csr32{rows: a.rows, cols: a.cols, ptr: a.ptr, ind: a.ind, val: to32(a.val)}
}

// Blocks of gram32: gramCols columns of y at a time (all texts' values of
// them stay in the last-level cache while every term sums them) and
// gram32BlockBytes of aᵀ·y's rows at a time (a variable so that tests can
// use several blocks), but no more than that column slice of y itself (at
// least 4 MB), so that the fit's memory grows with the texts, never with
// the vocabulary.
const gramCols = 256

var gram32BlockBytes = 16 << 20

// gramScratch32 is gram32's scratch space, kept across calls.
type gramScratch32 struct {
	block  []float32
	cursor []int
}

// gram32 sets dst = a·aᵀ·y for the row-major a.rows × l float32 matrices
// y and dst, as gram does in float64 and with the same bound on memory:
// aᵀ·y is never held whole. It works gramCols columns at a time; for each,
// a block of terms at a time, it sums the block's rows of aᵀ·y in parallel
// over terms, then adds a's entries in the block times them to dst in
// parallel over texts. Both sums are made by gemm32.AddRows, in a fixed
// order (over texts, then over terms, increasing), so the result does not
// depend on scheduling. at is a's transpose; scratch is reused across
// calls. It returns ctx's error when cancelled.
func gram32(ctx context.Context, dst, y []float32, l int, a, at *csr32, scratch *gramScratch32) error {
	n := a.rows
	clear(dst[:n*l])
	cols := min(l, gramCols)
	perBlock := max(1, min(at.rows, min(gram32BlockBytes, max(4<<20, 4*n*cols))/(4*cols)))
	if len(scratch.block) < perBlock*cols {
		scratch.block = make([]float32, perBlock*cols)
	}
	if len(scratch.cursor) < n {
		scratch.cursor = make([]int, n)
	}
	cursor := scratch.cursor[:n]
	for c0 := 0; c0 < l; c0 += cols {
		w := min(cols, l-c0)
		block := scratch.block[:perBlock*w]
		copy(cursor, a.ptr[:n])
		for j0 := 0; j0 < at.rows; j0 += perBlock {
			if err := ctx.Err(); err != nil {
				return err
			}
			j1 := min(j0+perBlock, at.rows)
			// The terms come most frequent first: small chunks keep the
			// workers' shares even.
			parallel.Ranges(j1-j0, 64, func(lo, hi int) {
				for j := j0 + lo; j < j0+hi; j++ {
					row := block[(j-j0)*w : (j-j0+1)*w]
					clear(row)
					if p, q := at.ptr[j], at.ptr[j+1]; p < q {
						gemm32.AddRows(row, at.val[p:q], at.ind[p:q], 0, y[c0:], l)
					}
				}
			})
			parallel.Ranges(n, 512, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					p, end := cursor[i], a.ptr[i+1]
					q := p
					for q < end && int(a.ind[q]) < j1 {
						q++
					}
					if q > p {
						gemm32.AddRows(dst[i*l+c0:i*l+c0+w], a.val[p:q], a.ind[p:q], int32(j0), block, w)
					}
					cursor[i] = q
				}
			})
		}
	}
	return nil
}
