package gemm32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernels checks NT and TN against float64 sums on shapes
// with and without the remainders the vector kernels leave to Go, on
// matrices with leading dimensions wider than the product and with zeros
// among TN's coefficients, with the vector kernels and without.
func TestKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(r.NormFloat64())
			if r.IntN(3) == 0 {
				s[i] = 0
			}
		}
		return s
	}
	shapes := [][3]int{{4, 2, 8}, {32, 64, 256}, {18, 64, 768}, {5, 3, 13}, {1, 1, 1}, {7, 9, 130}, {9, 5, 200}, {0, 4, 8}, {3, 0, 8}}
	for _, fma := range []bool{HasFMA, false} {
		defer func(v bool) { HasFMA = v }(HasFMA)
		HasFMA = fma
		for _, sh := range shapes {
			rows, units, k := sh[0], sh[1], sh[2]
			t.Run(fmt.Sprintf("fma=%v/%dx%dx%d", fma, rows, units, k), func(t *testing.T) {
				lda, ldb, ldc := k+3, k+5, units+2
				a, b := fill(max(rows, 1)*lda), fill(max(units, 1)*ldb)
				c := fill(max(rows, 1) * ldc)
				want := make([]float64, len(c))
				for i, v := range c {
					want[i] = float64(v)
				}
				for i := range rows {
					for u := range units {
						for j := range k {
							want[i*ldc+u] += float64(a[i*lda+j]) * float64(b[u*ldb+j])
						}
					}
				}
				NT(rows, units, k, a, lda, b, ldb, c, ldc)
				checkClose(t, "NT", c, want, k)

				// TN: c2 (units×k) = a2ᵀ·b2 with a2 rows×units, b2 rows×k.
				lda2, ldb2, ldc2 := units+1, k+7, k+2
				a2, b2 := fill(max(rows, 1)*lda2), fill(max(rows, 1)*ldb2)
				c2 := fill(max(units, 1) * ldc2)
				want2 := make([]float64, len(c2))
				for i, v := range c2 {
					want2[i] = float64(v) // outside the product: untouched
				}
				for u := range units {
					for j := range k {
						var s float64
						for i := range rows {
							s += float64(a2[i*lda2+u]) * float64(b2[i*ldb2+j])
						}
						want2[u*ldc2+j] = s
					}
				}
				TN(units, k, rows, a2, lda2, b2, ldb2, c2, ldc2)
				checkClose(t, "TN", c2, want2, rows)
			})
		}
	}
}

func checkClose(t *testing.T, name string, got []float32, want []float64, terms int) {
	t.Helper()
	for i := range got {
		// float32 sums of terms products of unit normals.
		tol := 1e-6 * float64(terms+1) * (1 + math.Abs(want[i]))
		if d := math.Abs(float64(got[i]) - want[i]); d > tol || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s: element %d is %v, want %v", name, i, got[i], want[i])
		}
	}
}
