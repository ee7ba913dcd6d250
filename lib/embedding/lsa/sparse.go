package lsa

import (
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
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

// gaussianBlockBytes bounds the memory mulGaussian holds for its block of
// Gaussian rows (a variable so that tests can use several blocks).
var gaussianBlockBytes = 32 << 20

// mulGaussian sets dst (a.rows × l) = a·Ω, where Ω is the a.cols × l matrix
// of standard normal draws taken from rng row after row, as if Ω had been
// filled in row-major order, without ever holding Ω: on a large vocabulary
// Ω is the biggest matrix of the fit (300,000 terms × 2058 columns are
// 4.9 GB). Ω is drawn a block of rows at a time, and every row of dst is
// summed in increasing column order, as mulDense does, so the result is
// exactly a.mulDense(dst, Ω). at is a's transpose. It stops early, leaving
// dst incomplete, when ctx is cancelled; the caller checks ctx.
func (a *csr) mulGaussian(ctx context.Context, dst *mat.Dense, at *csr, rng *rand.Rand) {
	_, l := dst.Dims()
	dr := dst.RawMatrix()
	for i := 0; i < a.rows; i++ {
		clear(dr.Data[i*dr.Stride : i*dr.Stride+l])
	}
	rowsPerBlock := max(1, gaussianBlockBytes/(8*l))
	block := make([]float64, min(rowsPerBlock, a.cols)*l)
	for j0 := 0; j0 < a.cols; j0 += rowsPerBlock {
		if ctx.Err() != nil {
			return
		}
		j1 := min(j0+rowsPerBlock, a.cols)
		omega := block[:(j1-j0)*l]
		for i := range omega {
			omega[i] = rng.NormFloat64()
		}
		parallelRows(a.rows, func(lo, hi int) {
			for j := j0; j < j1; j++ {
				// The texts of term j, in increasing order; this worker's are
				// those in [lo, hi).
				texts := at.ind[at.ptr[j]:at.ptr[j+1]]
				vals := at.val[at.ptr[j]:at.ptr[j+1]]
				start, _ := slices.BinarySearch(texts, int32(lo))
				row := omega[(j-j0)*l : (j-j0+1)*l]
				for k := start; k < len(texts) && int(texts[k]) < hi; k++ {
					i := int(texts[k])
					floats.AddScaled(dr.Data[i*dr.Stride:i*dr.Stride+l], vals[k], row)
				}
			}
		})
	}
}
