package mlp

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkTiles compares tile shapes (gradUnits, gradInputs, gemmMaxCols,
// tileCols, tileK) on two epochs of the tutorial's training, for tuning the
// defaults of each BLAS build; compare the cpu-s/op figures on a busy
// machine.
func BenchmarkTiles(b *testing.B) {
	xa, ya := synthetic(1, 500, 3072, 4, 0.05)
	defer func(a, c, d, e, f int) { gradUnits, gradInputs, gemmMaxCols, tileCols, tileK = a, c, d, e, f }(gradUnits, gradInputs, gemmMaxCols, tileCols, tileK)
	configs := [][5]int{{64, 768, 192, 128, 256}, {32, 768, 192, 128, 256}, {64, 1536, 192, 128, 256}, {64, 384, 192, 128, 256}, {64, 768, 192, 128, 512}}
	if BLAS() != "gonum (pure Go)" {
		configs = [][5]int{{64, 768, 1 << 30, 256, 1 << 30}, {32, 768, 1 << 30, 256, 1 << 30}, {16, 768, 1 << 30, 256, 1 << 30}, {32, 1536, 1 << 30, 256, 1 << 30}, {32, 512, 1 << 30, 256, 1 << 30}, {32, 768, 1 << 30, 128, 1 << 30}, {32, 768, 1 << 30, 512, 1 << 30}}
	}
	for _, t := range configs {
		gradUnits, gradInputs, gemmMaxCols, tileCols, tileK = t[0], t[1], t[2], t[3], t[4]
		b.Run(fmt.Sprint(t), func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				m, _ := New(3072, 4, Config{Seed: 1, Patience: -1, Epochs: 2})
				if _, err := m.Fit(context.Background(), xa[:400], ya[:400], xa[400:], ya[400:], nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
