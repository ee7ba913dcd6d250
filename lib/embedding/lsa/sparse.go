package lsa

import (
	"runtime"
	"sync"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// csr is a sparse matrix in compressed sparse row form. gonum has no sparse
// matrix type; this is the small part of one that the fit needs: products
// with a dense matrix, computed in parallel over rows.
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

// mulDense sets dst = a·x, where x has a.cols rows and dst has a.rows rows.
// Rows are computed in parallel; every row is summed in a fixed order, so the
// result does not depend on scheduling.
func (a *csr) mulDense(dst, x *mat.Dense) {
	_, l := x.Dims()
	xr := x.RawMatrix()
	dr := dst.RawMatrix()
	parallelRows(a.rows, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := dr.Data[i*dr.Stride : i*dr.Stride+l]
			for c := range row {
				row[c] = 0
			}
			for k := a.ptr[i]; k < a.ptr[i+1]; k++ {
				j := int(a.ind[k])
				floats.AddScaled(row, a.val[k], xr.Data[j*xr.Stride:j*xr.Stride+l])
			}
		}
	})
}

// parallelRows calls f on contiguous ranges covering [0, n), one range per
// available processor.
func parallelRows(n int, f func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if w > n {
		w = n
	}
	if w <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		lo, hi := n*k/w, n*(k+1)/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}
