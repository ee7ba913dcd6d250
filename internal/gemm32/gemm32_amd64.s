#include "textflag.h"

// ZERO_Y0_Y7 clears the eight accumulators Y0 to Y7.
#define ZERO_Y0_Y7 \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3 \
	VXORPS Y4, Y4, Y4 \
	VXORPS Y5, Y5, Y5 \
	VXORPS Y6, Y6, Y6 \
	VXORPS Y7, Y7, Y7

// func gemmTNFMA(c *float32, ldc int, n int, a *float32, lda int, units int, b *float32, ldb int, rows int)
//
// c[u·ldc+i] = Σ_r a[r·lda+u]·b[r·ldb+i] for u < units and i < n (n a
// multiple of 64), the sum over r in increasing order with fused
// multiply-adds, skipping the rows whose coefficient is ±0. The columns are
// taken 64 at a time, outermost, so that the block of b they cover stays in
// the first-level cache while every unit is computed from it, in eight
// accumulators, and c is written once.
TEXT ·gemmTNFMA(SB), NOSPLIT, $0-72
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R13
	SHLQ $2, R13
	MOVQ n+16(FP), BX
	MOVQ a+24(FP), SI
	MOVQ lda+32(FP), R8
	SHLQ $2, R8
	MOVQ b+48(FP), DX
	MOVQ ldb+56(FP), R9
	SHLQ $2, R9

wide:
	CMPQ BX, $64
	JL   done
	MOVQ DI, CX
	MOVQ SI, AX
	MOVQ units+40(FP), R15

wunit:
	TESTQ  R15, R15
	JZ     wnext
	ZERO_Y0_Y7
	MOVQ   AX, R10
	MOVQ   DX, R11
	MOVQ   rows+64(FP), R12

wrow:
	TESTQ        R12, R12
	JZ           wstore
	TESTL        $0x7fffffff, (R10)
	JZ           wskip
	VBROADCASTSS (R10), Y8
	VFMADD231PS  (R11), Y8, Y0
	VFMADD231PS  32(R11), Y8, Y1
	VFMADD231PS  64(R11), Y8, Y2
	VFMADD231PS  96(R11), Y8, Y3
	VFMADD231PS  128(R11), Y8, Y4
	VFMADD231PS  160(R11), Y8, Y5
	VFMADD231PS  192(R11), Y8, Y6
	VFMADD231PS  224(R11), Y8, Y7

wskip:
	ADDQ R8, R10
	ADDQ R9, R11
	DECQ R12
	JMP  wrow

wstore:
	VMOVUPS Y0, (CX)
	VMOVUPS Y1, 32(CX)
	VMOVUPS Y2, 64(CX)
	VMOVUPS Y3, 96(CX)
	VMOVUPS Y4, 128(CX)
	VMOVUPS Y5, 160(CX)
	VMOVUPS Y6, 192(CX)
	VMOVUPS Y7, 224(CX)
	ADDQ    R13, CX
	ADDQ    $4, AX
	DECQ    R15
	JMP     wunit

wnext:
	ADDQ $256, DI
	ADDQ $256, DX
	SUBQ $64, BX
	JMP  wide

done:
	VZEROUPPER
	RET

// func dot4x2FMA(c *float32, ldc int, a *float32, lda int, b *float32, ldb int, k int)
//
// c[r·ldc+u] += Σ_i a[r·lda+i]·b[u·ldb+i] for r < 4, u < 2 and i < k (k a
// multiple of 8): eight dot products at once, each accumulated in eight
// lanes with fused multiply-adds and then summed across the lanes.
TEXT ·dot4x2FMA(SB), NOSPLIT, $0-56
	MOVQ c+0(FP), DI
	MOVQ ldc+8(FP), R8
	SHLQ $2, R8
	MOVQ a+16(FP), SI
	MOVQ lda+24(FP), R9
	SHLQ $2, R9
	MOVQ b+32(FP), DX
	MOVQ ldb+40(FP), R10
	SHLQ $2, R10
	MOVQ k+48(FP), CX
	LEAQ (SI)(R9*1), R11
	LEAQ (R11)(R9*1), R12
	LEAQ (R12)(R9*1), R13
	LEAQ (DX)(R10*1), BX
	ZERO_Y0_Y7
	XORQ   AX, AX

dloop:
	CMPQ        CX, $8
	JL          dsum
	VMOVUPS     (DX)(AX*1), Y8
	VMOVUPS     (BX)(AX*1), Y9
	VMOVUPS     (SI)(AX*1), Y10
	VFMADD231PS Y8, Y10, Y0
	VFMADD231PS Y9, Y10, Y1
	VMOVUPS     (R11)(AX*1), Y11
	VFMADD231PS Y8, Y11, Y2
	VFMADD231PS Y9, Y11, Y3
	VMOVUPS     (R12)(AX*1), Y12
	VFMADD231PS Y8, Y12, Y4
	VFMADD231PS Y9, Y12, Y5
	VMOVUPS     (R13)(AX*1), Y13
	VFMADD231PS Y8, Y13, Y6
	VFMADD231PS Y9, Y13, Y7
	ADDQ        $32, AX
	SUBQ        $8, CX
	JMP         dloop

dsum:
	// Each pair of accumulators (u = 0, 1 of one row) is summed across
	// its lanes into two floats and added to that row of c.
	VHADDPS      Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X8
	VADDPS       X8, X0, X0
	VHADDPS      X0, X0, X0
	VMOVQ        (DI), X9
	VADDPS       X9, X0, X0
	VMOVQ        X0, (DI)
	ADDQ         R8, DI

	VHADDPS      Y3, Y2, Y2
	VEXTRACTF128 $1, Y2, X8
	VADDPS       X8, X2, X2
	VHADDPS      X2, X2, X2
	VMOVQ        (DI), X9
	VADDPS       X9, X2, X2
	VMOVQ        X2, (DI)
	ADDQ         R8, DI

	VHADDPS      Y5, Y4, Y4
	VEXTRACTF128 $1, Y4, X8
	VADDPS       X8, X4, X4
	VHADDPS      X4, X4, X4
	VMOVQ        (DI), X9
	VADDPS       X9, X4, X4
	VMOVQ        X4, (DI)
	ADDQ         R8, DI

	VHADDPS      Y7, Y6, Y6
	VEXTRACTF128 $1, Y6, X8
	VADDPS       X8, X6, X6
	VHADDPS      X6, X6, X6
	VMOVQ        (DI), X9
	VADDPS       X9, X6, X6
	VMOVQ        X6, (DI)

	VZEROUPPER
	RET
