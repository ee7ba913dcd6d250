package lsa

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
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

// TestGram32 checks gram32 against gonum's float64 a·aᵀ·y, with widths
// below, at and above gramCols, and that the result does not depend on the
// block size: every sum runs in the same order whatever the blocks.
func TestGram32(t *testing.T) {
	defer func(b int) { gram32BlockBytes = b }(gram32BlockBytes)
	for _, tc := range []struct {
		name          string
		rows, cols, l int
		density       float64
	}{
		{"small", 37, 50, 7, 0.2},
		{"dense rows", 20, 31, 72, 0.5},
		{"empty rows and columns", 15, 40, 4, 0.03},
		{"several column chunks", 30, 60, gramCols + 44, 0.3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			a := randomCSR(rng, tc.rows, tc.cols, tc.density)
			y := mat.NewDense(tc.rows, tc.l, nil)
			y32 := make([]float32, tc.rows*tc.l)
			for i := 0; i < tc.rows; i++ {
				for c := 0; c < tc.l; c++ {
					v := float32(rng.NormFloat64())
					y.Set(i, c, float64(v))
					y32[i*tc.l+c] = v
				}
			}
			ad := a.dense()
			var want, aty mat.Dense
			aty.Mul(ad.T(), y)
			want.Mul(ad, &aty)
			scale := mat.Norm(&want, math.Inf(1))

			var first []float32
			for _, block := range []int{8 << 20, 3 * 4 * gramCols, 1} {
				gram32BlockBytes = block
				got := make([]float32, tc.rows*tc.l)
				for i := range got {
					got[i] = 99 // must be overwritten
				}
				a32 := a.to32()
				if err := gram32(context.Background(), got, y32, tc.l, a32, a.transpose().to32(), new(gramScratch32)); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < tc.rows; i++ {
					for c := 0; c < tc.l; c++ {
						if d := math.Abs(float64(got[i*tc.l+c]) - want.At(i, c)); d > 1e-5*scale {
							t.Fatalf("block of %d bytes: [%d,%d] = %g, gonum's a·aᵀ·y %g", block, i, c, got[i*tc.l+c], want.At(i, c))
						}
					}
				}
				if first == nil {
					first = got
				} else if !slices.Equal(got, first) {
					t.Fatalf("block of %d bytes: result differs from the one-block result", block)
				}
			}
		})
	}
}

func TestGram32Cancelled(t *testing.T) {
	a := randomCSR(rand.New(rand.NewPCG(1, 2)), 10, 10, 0.5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := gram32(ctx, make([]float32, 20), make([]float32, 20), 2, a.to32(), a.transpose().to32(), new(gramScratch32)); err != context.Canceled {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
