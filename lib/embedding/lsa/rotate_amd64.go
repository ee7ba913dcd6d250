package lsa

import "golang.org/x/sys/cpu"

// hasFMA tells whether the CPU runs rotateFMA.
var hasFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// rotateFMA sets (x[i], y[i]) to (c·x[i] − s·y[i], s·x[i] + c·y[i]) for
// i < n, n a multiple of 16, with 8-wide fused multiply-adds.
//
//go:noescape
func rotateFMA(x, y *float32, n int, c, s float32)
