package gemm32

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAddRows checks AddRows against float64 sums on widths with and
// without the remainders the vector kernel leaves to Go, with repeated
// rows, a stride wider than the rows, with the vector kernel and without.
func TestAddRows(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, fma := range []bool{HasFMA, false} {
		defer func(v bool) { HasFMA = v }(HasFMA)
		HasFMA = fma
		for _, sh := range [][2]int{{64, 5}, {200, 17}, {8, 3}, {7, 4}, {130, 1}, {2058, 40}, {1, 1}, {16, 0}, {0, 3}} {
			n, np := sh[0], sh[1]
			t.Run(fmt.Sprintf("fma=%v/n=%d/rows=%d", fma, n, np), func(t *testing.T) {
				lds, rows := n+9, 11
				src := make([]float32, rows*lds)
				for i := range src {
					src[i] = float32(r.NormFloat64())
				}
				w := make([]float32, np)
				idx := make([]int32, np)
				for p := range w {
					w[p] = float32(r.NormFloat64())
					idx[p] = int32(r.IntN(rows))
				}
				dst := make([]float32, n)
				want := make([]float64, n)
				for i := range dst {
					dst[i] = float32(r.NormFloat64())
					want[i] = float64(dst[i])
				}
				for p := range w {
					for i := range n {
						want[i] += float64(w[p]) * float64(src[int(idx[p])*lds+i])
					}
				}
				first := int32(0)
				if np > 0 {
					first = slices.Min(idx)
				}
				AddRows(dst, w, idx, first, src[int(first)*lds:], lds)
				checkClose(t, "AddRows", dst, want, np+1)
			})
		}
	}
}

// TestAddRowsPanics checks that a row out of range or mismatched lengths
// panic rather than read past src.
func TestAddRowsPanics(t *testing.T) {
	src := make([]float32, 4*10)
	for _, tc := range []struct {
		name string
		w    []float32
		idx  []int32
	}{
		{"row past the end", []float32{1}, []int32{4}},
		{"row before the first", []float32{1}, []int32{-1}},
		{"lengths differ", []float32{1, 2}, []int32{0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			AddRows(make([]float32, 8), tc.w, tc.idx, 0, src, 10)
		})
	}
}

func BenchmarkAddRows(b *testing.B) {
	const rows, n, np = 11314, 2048, 300
	src := make([]float32, rows*n)
	r := rand.New(rand.NewPCG(1, 1))
	for i := range src {
		src[i] = float32(r.NormFloat64())
	}
	w := make([]float32, np)
	idx := make([]int32, np)
	for p := range w {
		w[p], idx[p] = 1, int32(r.IntN(rows))
	}
	dst := make([]float32, n)
	b.SetBytes(int64(np * n * 4))
	for b.Loop() {
		AddRows(dst, w, idx, 0, src, n)
	}
}
