// Package unitvec scales vectors to unit length. It is shared by the
// embedding package and its Gemini embedder, which cannot import each other.
package unitvec

import "math"

// Normalize scales v to unit L2 norm in place and returns it. The zero
// vector is returned unchanged.
func Normalize(v []float32) []float32 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	if ss == 0 {
		return v
	}
	inv := 1 / math.Sqrt(ss)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
	return v
}
