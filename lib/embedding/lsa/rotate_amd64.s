#include "textflag.h"

// func rotateFMA(x, y *float32, n int, c, s float32)
//
// (x[i], y[i]) ← (c·x[i] − s·y[i], s·x[i] + c·y[i]) for i < n, n a
// multiple of 16: sixteen pairs per step, in two 8-wide registers each.
TEXT ·rotateFMA(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         y+8(FP), DI
	MOVQ         n+16(FP), CX
	VBROADCASTSS c+24(FP), Y14
	VBROADCASTSS s+28(FP), Y15

loop:
	CMPQ         CX, $16
	JL           done
	VMOVUPS      (SI), Y0
	VMOVUPS      32(SI), Y1
	VMOVUPS      (DI), Y2
	VMOVUPS      32(DI), Y3
	VMULPS       Y14, Y0, Y4
	VMULPS       Y14, Y1, Y5
	VMULPS       Y14, Y2, Y6
	VMULPS       Y14, Y3, Y7
	VFNMADD231PS Y15, Y2, Y4
	VFNMADD231PS Y15, Y3, Y5
	VFMADD231PS  Y15, Y0, Y6
	VFMADD231PS  Y15, Y1, Y7
	VMOVUPS      Y4, (SI)
	VMOVUPS      Y5, 32(SI)
	VMOVUPS      Y6, (DI)
	VMOVUPS      Y7, 32(DI)
	ADDQ         $64, SI
	ADDQ         $64, DI
	SUBQ         $16, CX
	JMP          loop

done:
	VZEROUPPER
	RET
