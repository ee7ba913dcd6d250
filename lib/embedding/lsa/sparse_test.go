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

// dense returns a as a mat.Dense.
func (a *csr) dense() *mat.Dense {
	d := mat.NewDense(a.rows, a.cols, nil)
	for i := 0; i < a.rows; i++ {
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			d.Set(i, int(a.ind[p]), a.val[p])
		}
	}
	return d
}

// TestGram checks gram against gonum's dense a·aᵀ·y, and that computing
// aᵀ·y a block of terms at a time gives the same result bit for bit
// whatever the block.
func TestGram(t *testing.T) {
	defer func(b int) { gramBlockBytes = b }(gramBlockBytes)
	for _, tc := range []struct {
		name          string
		rows, cols, l int
		density       float64
	}{
		{"small", 37, 50, 7, 0.2},
		{"dense rows", 20, 31, 5, 0.5},
		{"empty rows and columns", 15, 40, 4, 0.03},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			a := randomCSR(rng, tc.rows, tc.cols, tc.density)
			y := mat.NewDense(tc.rows, tc.l, nil)
			for i := 0; i < tc.rows; i++ {
				for c := 0; c < tc.l; c++ {
					y.Set(i, c, rng.NormFloat64())
				}
			}
			ad := a.dense()
			var want, aty mat.Dense
			aty.Mul(ad.T(), y)
			want.Mul(ad, &aty)

			var first *mat.Dense
			for _, block := range []int{32 << 20, 3 * 8 * tc.l, 1} {
				gramBlockBytes = block
				got := mat.NewDense(tc.rows, tc.l, nil)
				got.Apply(func(int, int, float64) float64 { return 99 }, got) // must be overwritten
				if err := gram(context.Background(), got, y, a, a.transpose(), new(gramScratch)); err != nil {
					t.Fatal(err)
				}
				if !mat.EqualApprox(got, &want, 1e-12) {
					t.Fatalf("block of %d bytes: gram differs from gonum's a·aᵀ·y", block)
				}
				if first == nil {
					first = got
				} else if !mat.Equal(got, first) {
					t.Fatalf("block of %d bytes: result differs from the one-block result", block)
				}
			}
		})
	}
}

func TestGramCancelled(t *testing.T) {
	a := randomCSR(rand.New(rand.NewPCG(1, 2)), 10, 10, 0.5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	y := mat.NewDense(10, 2, nil)
	if err := gram(ctx, mat.NewDense(10, 2, nil), y, a, a.transpose(), new(gramScratch)); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
