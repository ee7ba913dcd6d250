#include "textflag.h"

// func addRowsFMA(dst *float32, n int, w *float32, idx *int32, np int, first int32, src *float32, lds int)
//
// dst[i] += Σ_p w[p]·src[(idx[p]-first)·lds+i] for i < n (n a multiple of 8), the
// sum over p in increasing order with fused multiply-adds. The columns are
// taken 64 at a time (then 8 at a time), outermost: each block of dst stays
// in registers Y0 to Y7 while every row adds to it, and is written once.
TEXT ·addRowsFMA(SB), NOSPLIT, $0-64
	MOVQ    dst+0(FP), DI
	MOVQ    n+8(FP), BX
	MOVQ    w+16(FP), SI
	MOVQ    idx+24(FP), R8
	MOVQ    np+32(FP), R9
	MOVLQSX first+40(FP), R11
	MOVQ    src+48(FP), DX
	MOVQ    lds+56(FP), R10
	SHLQ    $2, R10
	// DX = src - first·lds·4, so that row r is at DX + r·lds·4.
	MOVQ    R11, AX
	IMULQ   R10, AX
	SUBQ    AX, DX

wide:
	CMPQ BX, $64
	JL   narrow
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VMOVUPS 128(DI), Y4
	VMOVUPS 160(DI), Y5
	VMOVUPS 192(DI), Y6
	VMOVUPS 224(DI), Y7
	XORQ    CX, CX

wrow:
	CMPQ         CX, R9
	JGE          wstore
	MOVLQSX      (R8)(CX*4), AX
	IMULQ        R10, AX
	ADDQ         DX, AX
	// Prefetch the row after next: rows are scattered, out of reach of
	// the hardware prefetcher.
	LEAQ         2(CX), R12
	CMPQ         R12, R9
	JGE          wfma
	MOVLQSX      (R8)(R12*4), R12
	IMULQ        R10, R12
	ADDQ         DX, R12
	PREFETCHT0   (R12)
	PREFETCHT0   64(R12)
	PREFETCHT0   128(R12)
	PREFETCHT0   192(R12)

wfma:
	VBROADCASTSS (SI)(CX*4), Y8
	VFMADD231PS  (AX), Y8, Y0
	VFMADD231PS  32(AX), Y8, Y1
	VFMADD231PS  64(AX), Y8, Y2
	VFMADD231PS  96(AX), Y8, Y3
	VFMADD231PS  128(AX), Y8, Y4
	VFMADD231PS  160(AX), Y8, Y5
	VFMADD231PS  192(AX), Y8, Y6
	VFMADD231PS  224(AX), Y8, Y7
	INCQ         CX
	JMP          wrow

wstore:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	ADDQ    $256, DI
	ADDQ    $256, DX
	SUBQ    $64, BX
	JMP     wide

narrow:
	CMPQ    BX, $8
	JL      done
	VMOVUPS (DI), Y0
	XORQ    CX, CX

nrow:
	CMPQ         CX, R9
	JGE          nstore
	MOVLQSX      (R8)(CX*4), AX
	IMULQ        R10, AX
	ADDQ         DX, AX
	VBROADCASTSS (SI)(CX*4), Y8
	VFMADD231PS  (AX), Y8, Y0
	INCQ         CX
	JMP          nrow

nstore:
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, DX
	SUBQ    $8, BX
	JMP     narrow

done:
	VZEROUPPER
	RET
