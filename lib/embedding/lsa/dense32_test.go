package lsa

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMulTN32 checks mulTN32 and gramTN32 against float64 sums, for shapes
// that cut the blocks of tileInner rows and the tiles of tileOuter short.
func TestMulTN32(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, s := range []struct{ n, la, lb int }{{1, 1, 1}, {37, 5, 3}, {1100, 300, 70}, {530, 257, 513}} {
		t.Run(fmt.Sprintf("%dx%dx%d", s.n, s.la, s.lb), func(t *testing.T) {
			a, b := make([]float32, s.n*s.la), make([]float32, s.n*s.lb)
			for i := range a {
				a[i] = float32(rng.NormFloat64())
			}
			for i := range b {
				b[i] = float32(rng.NormFloat64())
			}
			check := func(name string, got []float64, x, y []float32, lx, ly int) {
				for u := 0; u < lx; u++ {
					for c := 0; c < ly; c++ {
						var want, scale float64
						for r := 0; r < s.n; r++ {
							p := float64(x[r*lx+u]) * float64(y[r*ly+c])
							want += p
							scale += math.Abs(p)
						}
						if d := math.Abs(got[u*ly+c] - want); d > 1e-6*scale {
							t.Fatalf("%s[%d,%d] = %g, want %g", name, u, c, got[u*ly+c], want)
						}
					}
				}
			}
			check("mulTN32", mulTN32(a, b, s.n, s.la, s.lb), a, b, s.la, s.lb)
			check("gramTN32", gramTN32(a, s.n, s.la), a, a, s.la, s.la)
		})
	}
}
