package lsa

import (
	"github.com/embedclassify/embedclassify/internal/gemm32"
	"github.com/embedclassify/embedclassify/internal/parallel"
)

// Tiles of the float32 products: a tile of each operand stays in the
// second-level cache while the kernels of internal/gemm32 sweep it.
const (
	tileInner = 512 // rows of both operands per step of mulTN32
	tileOuter = 256 // rows or columns of the result per task
	tileRows  = 64  // rows of the result per task of mulNT32 and solveUpper32
)

// mulTN32 returns aᵀ·b, la × lb, for the row-major n × la matrix a and
// n × lb matrix b, in parallel over tiles of the result. Each tile's sum
// runs over blocks of tileInner rows in order, each block's in float32 and
// their total in float64.
func mulTN32(a, b []float32, n, la, lb int) []float64 {
	out := make([]float64, la*lb)
	tu, tc := (la+tileOuter-1)/tileOuter, (lb+tileOuter-1)/tileOuter
	parallel.Ranges(tu*tc, 0, func(lo, hi int) {
		tmp := make([]float32, tileOuter*tileOuter)
		for t := lo; t < hi; t++ {
			u0, c0 := (t/tc)*tileOuter, (t%tc)*tileOuter
			nu, nc := min(tileOuter, la-u0), min(tileOuter, lb-c0)
			for r0 := 0; r0 < n; r0 += tileInner {
				nr := min(tileInner, n-r0)
				gemm32.TN(nu, nc, nr, a[r0*la+u0:], la, b[r0*lb+c0:], lb, tmp, nc)
				for u := 0; u < nu; u++ {
					row := out[(u0+u)*lb+c0 : (u0+u)*lb+c0+nc]
					for c, v := range tmp[u*nc : (u+1)*nc] {
						row[c] += float64(v)
					}
				}
			}
		}
	})
	return out
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
	t := (l + tileOuter - 1) / tileOuter
	var tiles [][2]int
	for tu := 0; tu < t; tu++ {
		for tc := tu; tc < t; tc++ {
			tiles = append(tiles, [2]int{tu * tileOuter, tc * tileOuter})
		}
	}
	parallel.Ranges(len(tiles), 1, func(lo, hi int) {
		tmp := make([]float32, tileOuter*tileOuter)
		for _, tile := range tiles[lo:hi] {
			u0, c0 := tile[0], tile[1]
			nu, nc := min(tileOuter, l-u0), min(tileOuter, l-c0)
			for r0 := 0; r0 < n; r0 += tileInner {
				nr := min(tileInner, n-r0)
				gemm32.TN(nu, nc, nr, a[r0*l+u0:], l, a[r0*l+c0:], l, tmp, nc)
				for u := 0; u < nu; u++ {
					row := out[(u0+u)*l+c0 : (u0+u)*l+c0+nc]
					for c, v := range tmp[u*nc : (u+1)*nc] {
						row[c] += float64(v)
					}
				}
			}
		}
	})
	for i := 0; i < l; i++ {
		for j := 0; j < i; j++ {
			out[i*l+j] = out[j*l+i]
		}
	}
	return out
}
