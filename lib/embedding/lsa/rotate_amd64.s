#include "textflag.h"

// func rotateFMA(x, y *float64, n int, c, s float64)
//
// (x[i], y[i]) ← (c·x[i] − s·y[i], s·x[i] + c·y[i]) for i < n, n a
// multiple of 8: eight pairs per step, in two 4-wide registers each.
TEXT ·rotateFMA(SB), NOSPLIT, $0-40
	MOVQ         x+0(FP), SI
	MOVQ         y+8(FP), DI
	MOVQ         n+16(FP), CX
	VBROADCASTSD c+24(FP), Y14
	VBROADCASTSD s+32(FP), Y15

loop:
	CMPQ         CX, $8
	JL           done
	VMOVUPD      (SI), Y0
	VMOVUPD      32(SI), Y1
	VMOVUPD      (DI), Y2
	VMOVUPD      32(DI), Y3
	VMULPD       Y14, Y0, Y4
	VMULPD       Y14, Y1, Y5
	VMULPD       Y14, Y2, Y6
	VMULPD       Y14, Y3, Y7
	VFNMADD231PD Y15, Y2, Y4
	VFNMADD231PD Y15, Y3, Y5
	VFMADD231PD  Y15, Y0, Y6
	VFMADD231PD  Y15, Y1, Y7
	VMOVUPD      Y4, (SI)
	VMOVUPD      Y5, 32(SI)
	VMOVUPD      Y6, (DI)
	VMOVUPD      Y7, 32(DI)
	ADDQ         $64, SI
	ADDQ         $64, DI
	SUBQ         $8, CX
	JMP          loop

done:
	VZEROUPPER
	RET
