package lsa

import (
	"context"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

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
