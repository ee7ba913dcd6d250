// Package randomstate reproduces the integer streams of numpy's legacy
// numpy.random.RandomState (the Mersenne Twister MT19937 seeded with
// init_genrand), so that shuffles and permutations made in Go visit the same
// indices as the ones scikit-learn and pandas make in Python.
//
// Only what those libraries need is provided: 32-bit outputs, numpy's bounded
// integers (random_interval), Shuffle and Permutation.
package randomstate

const (
	n         = 624
	m         = 397
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
)

// MaxSeed is the largest seed numpy's RandomState accepts (2**32 - 1).
const MaxSeed = 1<<32 - 1

// RandomState is numpy's legacy RandomState generator. The zero value is not
// usable; create one with New. A RandomState is not safe for concurrent use.
type RandomState struct {
	mt  [n]uint32
	pos int
}

// New returns the generator numpy builds for np.random.RandomState(seed)
// with an integer seed.
func New(seed uint32) *RandomState {
	r := &RandomState{}
	r.mt[0] = seed
	for i := 1; i < n; i++ {
		prev := r.mt[i-1]
		r.mt[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	r.pos = n
	return r
}

func (r *RandomState) generate() {
	mt := &r.mt
	var i int
	for i = 0; i < n-m; i++ {
		y := mt[i]&upperMask | mt[i+1]&lowerMask
		mt[i] = mt[i+m] ^ y>>1 ^ (-(y & 1) & matrixA)
	}
	for ; i < n-1; i++ {
		y := mt[i]&upperMask | mt[i+1]&lowerMask
		mt[i] = mt[i+m-n] ^ y>>1 ^ (-(y & 1) & matrixA)
	}
	y := mt[n-1]&upperMask | mt[0]&lowerMask
	mt[n-1] = mt[m-1] ^ y>>1 ^ (-(y & 1) & matrixA)
	r.pos = 0
}

// Uint32 returns the next 32-bit output (numpy's next_uint32, Python's
// genrand_int32).
func (r *RandomState) Uint32() uint32 {
	if r.pos >= n {
		r.generate()
	}
	y := r.mt[r.pos]
	r.pos++
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	y ^= y >> 18
	return y
}

// Uint64 returns the next 64-bit output as numpy's legacy MT19937 builds it:
// two 32-bit outputs, the first one high.
func (r *RandomState) Uint64() uint64 {
	hi := uint64(r.Uint32())
	return hi<<32 | uint64(r.Uint32())
}

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
