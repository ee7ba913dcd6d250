package plots

import (
	"math"
	"strings"
	"testing"
)

func TestEmbeddingMapBadInput(t *testing.T) {
	good := [][]float32{{0, 1}, {1, 0}, {1, 1}}
	tests := []struct {
		name    string
		vectors [][]float32
		labels  []int
		classes []string
		want    string
	}{
		{"no classes", good, []int{0, 0, 0}, nil, "needs the class names"},
		{"two vectors", good[:2], []int{0, 0}, []string{"a"}, "at least 3 vectors"},
		{"labels short", good, []int{0, 0}, []string{"a"}, "3 vectors but 2 labels"},
		{"one dimension", [][]float32{{1}, {2}, {3}}, []int{0, 0, 0}, []string{"a"}, "at least 2"},
		{"ragged", [][]float32{{0, 1}, {1, 0, 2}, {1, 1}}, []int{0, 0, 0}, []string{"a"}, "vector 1 has 3 dimensions"},
		{"NaN", [][]float32{{0, 1}, {1, float32(math.NaN())}, {1, 1}}, []int{0, 0, 0}, []string{"a"}, "vector 1, value 1 is NaN"},
		{"label too big", good, []int{0, 1, 0}, []string{"a"}, "label 1 of vector 1"},
		{"negative label", good, []int{0, 0, -1}, []string{"a"}, "label -1 of vector 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := EmbeddingMap(tt.vectors, tt.labels, tt.classes)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := EmbeddingMap([][]float32{{1, 2}, {1, 2}, {1, 2}}, []int{0, 0, 0}, []string{"a"}); err == nil {
		t.Error("identical vectors: no error")
	}
}

func TestSpread(t *testing.T) {
	if got := spread(3, 5); len(got) != 3 || got[2] != 2 {
		t.Errorf("spread(3, 5) = %v", got)
	}
	got := spread(10, 4)
	want := []int{0, 2, 5, 7}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("spread(10, 4) = %v, want %v", got, want)
		}
	}
}

// TestProject2 projects vectors whose variance lies along known directions.
func TestProject2(t *testing.T) {
	// Twelve points on the line y = -2x in 3-D, centred, plus ±1 along z
	// (symmetric, so uncorrelated with x).
	var vectors [][]float32
	for i := range 12 {
		x := float32(i) - 5.5
		z := float32(1 - min(i, 11-i)%2*2)
		vectors = append(vectors, []float32{x, -2 * x, z})
	}
	xy, share, err := project2(vectors, spread(len(vectors), MaxMapPoints))
	if err != nil {
		t.Fatal(err)
	}
	// The squares of x sum to 143; along the line (1, -2)/√5 the
	// variance is 5·143/11 = 65, along z 12/11.
	if want := 715.0 / 727; math.Abs(share[0]-want) > 1e-9 || math.Abs(share[1]-12.0/727) > 1e-9 {
		t.Errorf("variance shares = %v, want %v, %v", share, want, 12.0/727)
	}
	// The first direction's largest coefficient, on y, is made positive:
	// the direction is (-1, 2, 0)/√5 and x projects to -√5·x.
	for i, p := range xy {
		wantX := -math.Sqrt(5) * (float64(i) - 5.5)
		if math.Abs(p.X-wantX) > 1e-4 || math.Abs(math.Abs(p.Y)-1) > 1e-4 {
			t.Fatalf("point %d projects to %v, want (%.4f, ±1)", i, p, wantX)
		}
	}
	// More vectors than MaxMapPoints: a spread subset is projected.
	big := make([][]float32, 3*MaxMapPoints)
	for i := range big {
		big[i] = vectors[i%len(vectors)]
	}
	xy, _, err = project2(big, spread(len(big), MaxMapPoints))
	if err != nil || len(xy) != MaxMapPoints {
		t.Errorf("%d vectors: %d points, %v; want %d", len(big), len(xy), err, MaxMapPoints)
	}
}
