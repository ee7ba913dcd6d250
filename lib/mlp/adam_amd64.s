#include "textflag.h"

// func adamAVX2(w, grad, m, v *float32, n int, alpha, c1, c2, eps float32)
//
// Applies Keras 3's Adam step to n elements (n a multiple of 8) with the
// same float32 operations, in the same order, as adamGeneric, so that the
// results are identical.
TEXT ·adamAVX2(SB), NOSPLIT, $0-56
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), CX
	MOVQ n+32(FP), BX
	VBROADCASTSS alpha+40(FP), Y8
	VBROADCASTSS c1+44(FP), Y9
	VBROADCASTSS c2+48(FP), Y10
	VBROADCASTSS eps+52(FP), Y11

loop:
	CMPQ BX, $8
	JL   done
	VMOVUPS (SI), Y0    // g
	VMOVUPS (DX), Y1    // m
	VMOVUPS (CX), Y2    // v
	VSUBPS  Y1, Y0, Y3  // g - m
	VMULPS  Y9, Y3, Y3  // times c1
	VADDPS  Y3, Y1, Y1  // new m
	VMULPS  Y0, Y0, Y4  // g squared
	VSUBPS  Y2, Y4, Y4  // minus v
	VMULPS  Y10, Y4, Y4 // times c2
	VADDPS  Y4, Y2, Y2  // new v
	VMOVUPS Y1, (DX)
	VMOVUPS Y2, (CX)
	VSQRTPS Y2, Y5      // sqrt v
	VADDPS  Y11, Y5, Y5 // plus eps
	VMULPS  Y1, Y8, Y6  // alpha times m
	VDIVPS  Y5, Y6, Y6  // the step
	VMOVUPS (DI), Y7
	VSUBPS  Y6, Y7, Y7  // w minus the step
	VMOVUPS Y7, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, CX
	ADDQ    $32, DI
	SUBQ    $8, BX
	JMP     loop

done:
	VZEROUPPER
	RET
