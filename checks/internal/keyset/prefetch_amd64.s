#include "textflag.h"

// func prefetch(slots *uint64, hs []uint64, shift uint)
TEXT ·prefetch(SB), NOSPLIT, $0-40
	MOVQ slots+0(FP), AX
	MOVQ hs_base+8(FP), SI
	MOVQ hs_len+16(FP), R8
	MOVQ shift+32(FP), CX
	TESTQ R8, R8
	JZ done

loop:
	MOVQ (SI), BX
	SHRQ CX, BX
	PREFETCHT0 (AX)(BX*8)
	ADDQ $8, SI
	DECQ R8
	JNZ loop

done:
	RET
