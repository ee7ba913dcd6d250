// Package randomstate reproduces the integer streams of numpy's legacy
// numpy.random.RandomState, so that shuffles and permutations made in Go
// visit the same indices as the ones scikit-learn (the dataset's order) and
// pandas (the frame's sampling) make in Python.
//
// The Mersenne Twister itself is gonum's prng.MT19937; this package adds only
// what numpy puts on top of it: bounded integers (random_interval), Shuffle
// and Permutation.
package randomstate

import "gonum.org/v1/gonum/mathext/prng"

// MaxSeed is the largest seed numpy's RandomState accepts (2**32 - 1).
const MaxSeed = 1<<32 - 1

// RandomState is numpy's legacy RandomState generator: gonum's MT19937 (the
// same init_genrand seeding and tempering numpy uses) with numpy's bounded
// integers, shuffle and permutation on top. The zero value is not usable;
// create one with New. A RandomState is not safe for concurrent use.
type RandomState struct {
	mt *prng.MT19937
}

// New returns the generator numpy builds for np.random.RandomState(seed)
// with an integer seed.
func New(seed uint32) *RandomState {
	mt := prng.NewMT19937()
	mt.Seed(uint64(seed))
	return &RandomState{mt: mt}
}

// Uint32 returns the next 32-bit output (numpy's next_uint32, Python's
// genrand_int32).
func (r *RandomState) Uint32() uint32 { return r.mt.Uint32() }

// Uint64 returns the next 64-bit output as numpy's legacy MT19937 builds it:
// two 32-bit outputs, the first one high.
func (r *RandomState) Uint64() uint64 { return r.mt.Uint64() }

// Interval returns a uniform integer in [0, max] exactly as numpy's
// random_interval does: it draws masked values from the smallest all-ones
// mask covering max and rejects those above max.
func (r *RandomState) Interval(max uint64) uint64 {
	if max == 0 {
		return 0
	}
	mask := max
	mask |= mask >> 1
	mask |= mask >> 2
	mask |= mask >> 4
	mask |= mask >> 8
	mask |= mask >> 16
	mask |= mask >> 32
	if max <= 0xffffffff {
		for {
			if v := uint64(r.Uint32()) & mask; v <= max {
				return v
			}
		}
	}
	for {
		if v := r.Uint64() & mask; v <= max {
			return v
		}
	}
}

// Shuffle permutes n elements in place through swap, visiting the same
// positions as numpy's RandomState.shuffle on a one-dimensional array of
// length n: for i from n-1 down to 1, swap(i, Interval(i)).
func (r *RandomState) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i >= 1; i-- {
		j := int(r.Interval(uint64(i)))
		swap(i, j)
	}
}

// Permutation returns numpy's RandomState.permutation(n): the integers
// 0..n-1 shuffled.
func (r *RandomState) Permutation(n int) []int {
	p := make([]int, max(n, 0))
	for i := range p {
		p[i] = i
	}
	r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}
