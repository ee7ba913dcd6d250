package mlp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// synthetic returns n examples of dim features in k classes: each class has
// a random centre and its examples scatter around it with noise of the given
// scale. The data depends only on seed.
func synthetic(seed uint64, n, dim, k int, noise float64) ([][]float32, []int) {
	r := rand.New(rand.NewPCG(seed, 1))
	centres := make([][]float64, k)
	for c := range centres {
		centres[c] = make([]float64, dim)
		for j := range centres[c] {
			centres[c][j] = r.NormFloat64() * 0.02
		}
	}
	x := make([][]float32, n)
	y := make([]int, n)
	for i := range x {
		y[i] = i % k
		x[i] = make([]float32, dim)
		for j := range x[i] {
			x[i][j] = float32(centres[y[i]][j] + noise*r.NormFloat64())
		}
	}
	return x, y
}

// BenchmarkFitTutorial measures the tutorial's whole training run, one
// iteration being one Fit: 400 examples of 3072 features, hidden layer 3072,
// 4 classes, batch 32, 20 epochs (early stopping off, so every iteration does
// the same work), validation on 100 examples after every epoch. The data is
// random but fixed. cpu-s/op is the CPU time the process used (all threads):
// on a shared machine it shows how much of the wall time went elsewhere.
//
//	go test -run XXX -bench FitTutorial -benchtime 1x ./lib/mlp
//	go test -tags openblas -run XXX -bench FitTutorial -benchtime 1x ./lib/mlp
//
// README has measured figures, and the same job in PyTorch for comparison.
func BenchmarkFitTutorial(b *testing.B) {
	const dim, classes = 3072, 4
	xa, ya := synthetic(1, 500, dim, classes, 0.05)
	x, y, xv, yv := xa[:400], ya[:400], xa[400:], ya[400:]
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		m, err := New(dim, classes, Config{Seed: 1, Patience: -1})
		if err != nil {
			b.Fatal(err)
		}
		h, err := m.Fit(context.Background(), x, y, xv, yv, nil)
		if err != nil {
			b.Fatal(err)
		}
		if h.Epochs() != 20 {
			b.Fatalf("ran %d epochs, want 20", h.Epochs())
		}
		b.ReportMetric(h.ValAccuracy[19], "val_acc")
	}
	// CPU time used (all threads) per iteration: on a shared machine this
	// tells how much of the wall time went to other processes.
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSgemm measures the BLAS's raw float32 matrix product on the
// shape of the tutorial's forward pass (32×3072 by 3072×3072, one call, with
// whatever threading the BLAS does itself), for comparison with the
// training figures.
func BenchmarkSgemm(b *testing.B) {
	const m, n, k = 32, 3072, 3072
	a, w, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for i := range a {
		a[i] = float32(i%7) * 0.1
	}
	for i := range w {
		w[i] = float32(i%5) * 0.1
	}
	impl := blas32.Implementation()
	for b.Loop() {
		impl.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, w, n, 0, c, n)
	}
	b.ReportMetric(2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkFitAll measures one epoch of the classifier run --all trains:
// 2048-dimensional inputs, hidden layer 2048, 20 classes, batches of 32.
// rows sets the number of training examples (11,314 in run --all); the
// random data is fixed. cpu-s/op is the CPU time the process used.
//
//	go test -run XXX -bench 'FitAll/rows=11314' -benchtime 1x ./lib/mlp
func BenchmarkFitAll(b *testing.B) {
	const dim, classes = 2048, 20
	for _, rows := range []int{1024, 11314} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			x, y := synthetic(2, rows, dim, classes, 0.05)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				m, err := New(dim, classes, Config{Seed: 1, Patience: -1, Epochs: 1})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.Fit(context.Background(), x, y, nil, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
