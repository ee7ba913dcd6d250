//go:build !amd64

package lsa

// hasFMA is false: rotateFMA exists for amd64 only.
var hasFMA = false

func rotateFMA(x, y *float32, n int, c, s float32) {
	panic("lsa: rotateFMA without amd64")
}
