package lsa

import (
	"sync"

	"github.com/embedclassify/embedclassify/internal/gemm32"
	"github.com/embedclassify/embedclassify/internal/parallel"
)

// Tiles of the float32 products: a tile of each operand stays in the
// second-level cache while the kernels of internal/gemm32 sweep it.
const (
	tileInner = 512 // rows of both operands per step of mulTNTiles
	tileOuter = 256 // rows or columns of the result per task
	tileRows  = 64  // rows of the result per task of mulNT32 and solveUpper32
)

// mulTN32 returns aᵀ·b, la × lb, for the row-major n × la matrix a and
// n × lb matrix b (see mulTNTiles).
func mulTN32(a, b []float32, n, la, lb int) []float64 {
	out := make([]float64, la*lb)
	var tiles [][2]int
	for u0 := 0; u0 < la; u0 += tileOuter {
		for c0 := 0; c0 < lb; c0 += tileOuter {
			tiles = append(tiles, [2]int{u0, c0})
		}
	}
	mulTNTiles(out, a, b, n, la, lb, tiles)
	return out
}

// mulTNTiles adds to the tiles of out, la × lb, at the given corners, the
// tiles of aᵀ·b for the row-major n × la matrix a and n × lb matrix b
// (a itself when b is nil: then transposed once, and lb must be la). It
// takes tileInner rows of a and b at a time: transposes them, so that
// gemm32.NT's dot products run along contiguous rows, then computes every
// tile's product in parallel, in float32, and adds it to out in float64.
// Each element's sum runs over the blocks in order, whatever the
// goroutines' schedule. The transposition costs little next to the
// product and gemm32.NT is more than twice as fast as gemm32.TN on these
// shapes (BenchmarkCholQR and README have the figures).
func mulTNTiles(out []float64, a, b []float32, n, la, lb int, tiles [][2]int) {
	if n == 0 || la == 0 || lb == 0 {
		return
	}
	gram := b == nil
	at, bt := make([]float32, la*tileInner), []float32(nil)
	if gram {
		bt = at
	} else {
		bt = make([]float32, lb*tileInner)
	}
	bufs := sync.Pool{New: func() any { return new([tileOuter * tileOuter]float32) }}
	for r0 := 0; r0 < n; r0 += tileInner {
		nr := min(tileInner, n-r0)
		transposeRows(at, a, la, r0, nr)
		if !gram {
			transposeRows(bt, b, lb, r0, nr)
		}
		parallel.Ranges(len(tiles), 1, func(lo, hi int) {
			buf := bufs.Get().(*[tileOuter * tileOuter]float32)
			defer bufs.Put(buf)
			for _, tile := range tiles[lo:hi] {
				u0, c0 := tile[0], tile[1]
				nu, nc := min(tileOuter, la-u0), min(tileOuter, lb-c0)
				tmp := buf[:nu*nc]
				clear(tmp)
				gemm32.NT(nu, nc, nr, at[u0*nr:], nr, bt[c0*nr:], nr, tmp, nc)
				for u := 0; u < nu; u++ {
					row := out[(u0+u)*lb+c0 : (u0+u)*lb+c0+nc]
					for c, v := range tmp[u*nc : (u+1)*nc] {
						row[c] += float64(v)
					}
				}
			}
		})
	}
}

// transposeRows sets t, l × nr, to the transpose of the rows [r0, r0+nr)
// of the row-major matrix a of l columns, in parallel over ranges of 64
// columns.
func transposeRows(t, a []float32, l, r0, nr int) {
	parallel.Ranges((l+63)/64, 4, func(lo, hi int) {
		for c0 := lo * 64; c0 < min(hi*64, l); c0 += 64 {
			c1 := min(c0+64, l)
			for r := 0; r < nr; r++ {
				for c, v := range a[(r0+r)*l+c0 : (r0+r)*l+c1] {
					t[(c0+c)*nr+r] = v
				}
			}
		}
	})
}

// mulNT32 returns a·bᵀ, n × k, for the row-major n × l matrix a and k × l
// matrix b, in parallel over tiles of the result.
func mulNT32(a, b []float32, n, l, k int) []float32 {
	out := make([]float32, n*k)
	tr, tu := (n+tileRows-1)/tileRows, (k+tileOuter-1)/tileOuter
	parallel.Ranges(tr*tu, 0, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			r0, u0 := (t/tu)*tileRows, (t%tu)*tileOuter
			nr, nu := min(tileRows, n-r0), min(tileOuter, k-u0)
			for i0 := 0; i0 < l; i0 += tileOuter {
				ni := min(tileOuter, l-i0)
				gemm32.NT(nr, nu, ni, a[r0*l+i0:], l, b[u0*l+i0:], l, out[r0*k+u0:], k)
			}
		}
	})
	return out
}

// gramTN32 returns aᵀ·a, l × l, for the row-major n × l matrix a: the
// tiles on and above the diagonal as mulTN32 computes them, mirrored below.
func gramTN32(a []float32, n, l int) []float64 {
	out := make([]float64, l*l)
	var tiles [][2]int
	for u0 := 0; u0 < l; u0 += tileOuter {
		for c0 := u0; c0 < l; c0 += tileOuter {
			tiles = append(tiles, [2]int{u0, c0})
		}
	}
	mulTNTiles(out, a, nil, n, l, l, tiles)
	for i := 0; i < l; i++ {
		for j := 0; j < i; j++ {
			out[i*l+j] = out[j*l+i]
		}
	}
	return out
}
