package lsa

import (
	"context"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomCSR returns a rows × cols sparse matrix with about density of its
// entries set, columns increasing in every row, as Fit builds them.
func randomCSR(rng *rand.Rand, rows, cols int, density float64) *csr {
	a := &csr{rows: rows, cols: cols, ptr: make([]int, rows+1)}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if rng.Float64() < density {
				a.ind = append(a.ind, int32(j))
				a.val = append(a.val, rng.NormFloat64())
			}
		}
		a.ptr[i+1] = len(a.ind)
	}
	return a
}

// TestMulGaussian checks that drawing Ω a block at a time gives exactly,
// bit for bit, the product with the whole Ω drawn from the same stream.
func TestMulGaussian(t *testing.T) {
	defer func(b int) { gaussianBlockBytes = b }(gaussianBlockBytes)
	for _, tc := range []struct {
		name          string
		rows, cols, l int
		density       float64
		blockBytes    int
	}{
		{"one block", 37, 50, 7, 0.2, 32 << 20},
		{"blocks of 3 rows", 37, 50, 7, 0.2, 3 * 8 * 7},
		{"block of one row", 20, 31, 5, 0.5, 1},
		{"empty rows and columns", 15, 40, 4, 0.03, 8 * 4 * 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gaussianBlockBytes = tc.blockBytes
			a := randomCSR(rand.New(rand.NewPCG(1, 2)), tc.rows, tc.cols, tc.density)
			rng := rand.New(rand.NewPCG(3, 4))
			omega := mat.NewDense(tc.cols, tc.l, nil)
			od := omega.RawMatrix().Data
			for i := range od {
				od[i] = rng.NormFloat64()
			}
			want := mat.NewDense(tc.rows, tc.l, nil)
			a.mulDense(want, omega)

			got := mat.NewDense(tc.rows, tc.l, nil)
			got.Apply(func(int, int, float64) float64 { return 99 }, got) // must be overwritten
			a.mulGaussian(context.Background(), got, a.transpose(), rand.New(rand.NewPCG(3, 4)))
			for i := 0; i < tc.rows; i++ {
				for c := 0; c < tc.l; c++ {
					if g, w := got.At(i, c), want.At(i, c); g != w {
						t.Fatalf("entry (%d, %d) = %v, want %v", i, c, g, w)
					}
				}
			}
		})
	}
}
