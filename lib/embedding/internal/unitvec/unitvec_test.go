package unitvec

import (
	"math"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want []float32 }{
		{[]float32{3, 4}, []float32{0.6, 0.8}},
		{[]float32{0, 0, 0}, []float32{0, 0, 0}},
		{[]float32{-2}, []float32{-1}},
		{nil, nil},
	}
	for _, tt := range tests {
		got := Normalize(append([]float32(nil), tt.in...))
		for i := range tt.want {
			if math.Abs(float64(got[i]-tt.want[i])) > 1e-6 {
				t.Errorf("Normalize(%v) = %v, want %v", tt.in, got, tt.want)
				break
			}
		}
	}
}
