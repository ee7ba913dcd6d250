package geminitest

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/embedclassify/embedclassify/internal/wordchar"
)

// Vector returns the vector the fake server answers for text: deterministic
// and meaningful, so that similar texts get similar vectors and a
// classifier trained on them learns something.
//
// The text's features — lower-cased words, pairs of neighbouring words and
// the character 4-grams of each word — are hashed (with the model's name as
// salt, so different models disagree) into a vector of the model's full
// dimension with random signs, weighted by count sublinearly, and
// L2-normalised. Each feature lands in the first 128 values, the first 768
// and anywhere, so that truncated vectors keep meaning.
// When dims is smaller than full, the first dims values are returned
// without renormalising, as the real service does with
// outputDimensionality; full ≤ 0 means 3072. taskType is accepted for
// symmetry with the service but does not change the vector.
func Vector(model, taskType, text string, dims, full int) []float32 {
	if full <= 0 {
		full = 3072
	}
	if dims <= 0 || dims > full {
		dims = full
	}
	salt := fnv64(strings.TrimPrefix(model, "models/"))
	counts := map[uint64]float64{}
	add := func(h uint64, w float64) { counts[h] += w }
	words := tokens(text)
	for i, w := range words {
		hw := mix(fnv64(w), salt)
		add(hw, 1)
		if i > 0 {
			add(mix(hw, fnv64(words[i-1])+1), 0.5)
		}
		r := []rune(" " + w + " ")
		for j := 0; j+4 <= len(r); j++ {
			add(mix(fnv64(string(r[j:j+4])), salt^0x9e3779b97f4a7c15), 0.25)
		}
	}
	v := make([]float64, full)
	for h, c := range counts {
		w := 1 + math.Log(1+c) - math.Log(2) // sublinear, 1 for a single occurrence
		// Like Matryoshka-trained models, keep meaning in every prefix: one
		// slot in the first 128 values, one in the first 768, one anywhere.
		for k, span := range [3]int{min(128, full), min(768, full), full} {
			x := mix(h, uint64(k)+0x632be59bd9b4e019)
			idx := int(x % uint64(span))
			if x>>63 == 1 {
				v[idx] -= w
			} else {
				v[idx] += w
			}
		}
	}
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	out := make([]float32, dims)
	if ss == 0 {
		// An empty or symbol-only text: a fixed unit vector, as the real
		// service also answers something for it.
		out[0] = 1
		return out
	}
	inv := 1 / math.Sqrt(ss)
	for i := range out {
		out[i] = float32(v[i] * inv)
	}
	return out
}

// tokens returns the lower-cased words (runs of letters and digits) of s.
func tokens(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); {
		r, size := utf8.RuneError, 1
		if i < len(s) {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		word := i < len(s) && wordchar.Is(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			if i-start > 1 {
				out = append(out, strings.ToLower(s[start:i]))
			}
			start = -1
		}
		i += size
	}
	return out
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// mix combines two hashes (splitmix64 finaliser).
func mix(a, b uint64) uint64 {
	x := a ^ (b + 0x9e3779b97f4a7c15 + a<<6 + a>>2)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
