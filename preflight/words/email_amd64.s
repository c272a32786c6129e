#include "textflag.h"

// emailBytes holds the bytes lowerEmailMasks compares with.
DATA emailBytes<>+0(SB)/1, $0x21 // '!': below it (and, signed, above 0x7f) a byte is bad
DATA emailBytes<>+1(SB)/1, $0x7f // DEL
DATA emailBytes<>+2(SB)/1, $0x3c // '<'
DATA emailBytes<>+3(SB)/1, $0x3e // '>'
DATA emailBytes<>+4(SB)/1, $0x40 // '@'
DATA emailBytes<>+5(SB)/1, $0x2e // '.'
DATA emailBytes<>+6(SB)/1, $0x5b // '[': 'A' to 'Z' are above '@' and below it
DATA emailBytes<>+7(SB)/1, $0x20 // what lower-casing adds
GLOBL emailBytes<>(SB), RODATA|NOPTR, $8

// func lowerEmailMasks(dst, b []byte) (high, bad, at, dot uint32)
//
// For 16 <= len(b) <= 32: the marks of b's bytes, bit i for byte i, read
// as two 16-byte blocks, the first and the last, which overlap whatever
// the length (their bytes' marks are the same either way). high marks the
// bytes above 0x7f; bad those no address has (below '!', DEL, '<', '>')
// and those above 0x7f, which VPCMPGTB, signed, finds with those below
// '!'. And b lower-cased, its bytes above '@' and below '[' plus 0x20, is
// written to dst as the same two blocks (what both write is the same),
// once both are read.
TEXT ·lowerEmailMasks(SB), NOSPLIT, $0-64
	MOVQ dst_base+0(FP), DI
	MOVQ b_base+24(FP), SI
	MOVQ b_len+32(FP), CX
	VMOVDQU (SI), X0
	VMOVDQU -16(SI)(CX*1), X1
	SUBQ $16, CX // the last block's shift

	VPMOVMSKB X0, AX
	VPMOVMSKB X1, DX
	SHLL CX, DX
	ORL  DX, AX
	MOVL AX, high+48(FP)

	VPBROADCASTB emailBytes<>+4(SB), X6 // '@'
	VPBROADCASTB emailBytes<>+6(SB), X10 // '['
	VPBROADCASTB emailBytes<>+7(SB), X11 // 0x20
	VPCMPGTB X6, X0, X8 // above '@'
	VPCMPGTB X0, X10, X9 // below '['
	VPAND    X9, X8, X8
	VPAND    X11, X8, X8
	VPOR     X0, X8, X8
	VMOVDQU  X8, (DI)
	VPCMPGTB X6, X1, X8
	VPCMPGTB X1, X10, X9
	VPAND    X9, X8, X8
	VPAND    X11, X8, X8
	VPOR     X1, X8, X8
	VMOVDQU  X8, (DI)(CX*1)

	VPBROADCASTB emailBytes<>+0(SB), X2
	VPBROADCASTB emailBytes<>+1(SB), X3
	VPBROADCASTB emailBytes<>+2(SB), X4
	VPBROADCASTB emailBytes<>+3(SB), X5
	VPBROADCASTB emailBytes<>+5(SB), X7

	VPCMPGTB X0, X2, X8
	VPCMPEQB X0, X3, X9
	VPOR     X9, X8, X8
	VPCMPEQB X0, X4, X9
	VPOR     X9, X8, X8
	VPCMPEQB X0, X5, X9
	VPOR     X9, X8, X8
	VPMOVMSKB X8, AX
	VPCMPGTB X1, X2, X8
	VPCMPEQB X1, X3, X9
	VPOR     X9, X8, X8
	VPCMPEQB X1, X4, X9
	VPOR     X9, X8, X8
	VPCMPEQB X1, X5, X9
	VPOR     X9, X8, X8
	VPMOVMSKB X8, DX
	SHLL CX, DX
	ORL  DX, AX
	MOVL AX, bad+52(FP)

	VPCMPEQB X0, X6, X8
	VPMOVMSKB X8, AX
	VPCMPEQB X1, X6, X8
	VPMOVMSKB X8, DX
	SHLL CX, DX
	ORL  DX, AX
	MOVL AX, at+56(FP)

	VPCMPEQB X0, X7, X8
	VPMOVMSKB X8, AX
	VPCMPEQB X1, X7, X8
	VPMOVMSKB X8, DX
	SHLL CX, DX
	ORL  DX, AX
	MOVL AX, dot+60(FP)
	RET
