#include "textflag.h"

// COUNT adds the bytes of the block at DI that DX (their delimiters) and
// R13 (their formula bytes) mark: the formula starts, F &^ D & (D<<1 |
// carry), to R12; the first delimiter to R11 while none is counted; the
// delimiters to R10. It uses AX.
#define COUNT \
	LEAL (DX)(DX*1), AX \
	ORL  R8, AX \
	ANDNL AX, DX, AX \
	ANDL R13, AX \
	ORQ  AX, R12 \
	TZCNTL DX, AX \
	ADDQ DI, AX \
	TESTQ R10, R10 \
	CMOVQEQ AX, R11 \
	POPCNTL DX, AX \
	ADDQ AX, R10

// bytes holds the bytes usualBlocks compares with.
DATA bytes<>+0(SB)/1, $0x0e
DATA bytes<>+1(SB)/1, $0x22
DATA bytes<>+2(SB)/1, $0x10
DATA bytes<>+3(SB)/1, $0x3d
DATA bytes<>+4(SB)/1, $0x40
DATA bytes<>+5(SB)/1, $0x2b
DATA bytes<>+6(SB)/1, $0x0a
GLOBL bytes<>(SB), RODATA|NOPTR, $8

// func usualBlocks(p []byte, delim byte, inq bool, next uint64) (n, seps, first int, formula, text, nextOut uint64, eol int)
//
// Each 32-byte block gives four masks, a bit a byte: its delimiters (D),
// its unusual bytes that are not delimiters (U: below 0x0e or the quote;
// VPCMPGTB, signed, finds those above 0x7f with those below 0x0e, and H
// takes them out), its bytes above 0x7f (H, the bytes' top bits), and its
// bytes = - @ + (F). A block with U zero adds its delimiters to seps, its
// field starts that may be formulas, F &^ D & (D<<1 | carry), to formula,
// and H to text; a block with U not zero adds its words before the first
// unusual one, and ends the run. When that byte is a line feed, outside
// quotes, it ends the record: the block adds its bytes before it, and eol
// is its offset (else -1).
//
// Registers: SI p, BX len(p), DI the offset of the block, R8 the carry
// (0 or 1), R9 the delimiter mask (0 inside quotes), R10 seps, R11 first,
// R12 formula, text+72(FP) text; per block AX U, DX D, R13 F, R14 H, CX
// the bytes of the block read.
TEXT ·usualBlocks(SB), NOSPLIT, $0-96
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), BX
	MOVBLZX inq+25(FP), R9
	MOVQ next+32(FP), R8
	SHRQ $7, R8
	ANDQ $1, R8
	DECL R9 // inq: 0, else all ones
	XORQ DI, DI
	XORQ R10, R10
	XORQ R11, R11
	XORQ R12, R12
	MOVQ $0, text+72(FP)

	// Broadcasts from memory: a legacy SSE move to an X register would
	// cost a transition between SSE and AVX states on every call.
	VPBROADCASTB delim+24(FP), Y0
	VPBROADCASTB bytes<>+0(SB), Y1 // 0x0e
	VPBROADCASTB bytes<>+1(SB), Y2 // the quote
	VPBROADCASTB bytes<>+2(SB), Y3 // 0x10
	VPBROADCASTB bytes<>+3(SB), Y4 // '=', and '-' with 0x10 set
	VPBROADCASTB bytes<>+4(SB), Y5 // '@'
	VPBROADCASTB bytes<>+5(SB), Y6 // '+'
	VPBROADCASTB bytes<>+6(SB), Y13 // the line feed

loop:
	LEAQ 32(DI), AX
	CMPQ AX, BX
	JHI  done
	VMOVDQU (SI)(DI*1), Y7
	VPCMPGTB Y7, Y1, Y8 // below 0x0e, or above 0x7f
	VPCMPEQB Y7, Y2, Y9
	VPOR Y9, Y8, Y8
	VPCMPEQB Y7, Y0, Y10
	VPOR Y7, Y3, Y11
	VPCMPEQB Y11, Y4, Y11
	VPCMPEQB Y7, Y5, Y12
	VPOR Y12, Y11, Y11
	VPCMPEQB Y7, Y6, Y12
	VPOR Y12, Y11, Y11
	VPMOVMSKB Y8, AX
	VPMOVMSKB Y10, DX
	VPMOVMSKB Y11, R13
	VPMOVMSKB Y7, R14
	ANDNL AX, DX, AX // U &^ D
	ANDNL AX, R14, AX // U &^ H
	MOVL $32, CX
	TESTL AX, AX
	JZ   block
	// A line feed first, outside quotes (R9 not zero), ends the record.
	TESTL R9, R9
	JZ   words
	VPCMPEQB Y7, Y13, Y12
	VPMOVMSKB Y12, CX
	BLSIL AX, AX // the first unusual byte's bit (TZCNT below finds it all the same)
	TESTL AX, CX
	JNZ  lf
words:
	// The block ends the run: read its words before the first unusual
	// byte's, if any.
	TZCNTL AX, CX
	ANDL $0x18, CX
	JZ   done
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	ANDL AX, DX
	ANDL AX, R13
	ANDL AX, R14

block:
	ORQ  R14, text+72(FP)
	ANDL R9, DX
	COUNT
	// The carry: the delimiter at the block's last byte read.
	DECL CX
	SHRL CX, DX
	ANDL $1, DX
	MOVQ DX, R8
	INCL CX
	ADDQ CX, DI
	CMPL CX, $32
	JEQ  loop

done:
	MOVQ $-1, eol+88(FP)
	JMP  out

lf:
	// The bytes before the line feed at AX's bit, as a block's.
	TZCNTL AX, CX
	DECL AX
	ANDL AX, DX
	ANDL AX, R13
	ANDL AX, R14
	ORQ  R14, text+72(FP)
	COUNT
	ADDQ CX, DI
	MOVQ DI, eol+88(FP)

out:
	TESTQ R10, R10
	CMOVQEQ DI, R11
	SHLQ $7, R8
	MOVQ DI, n+40(FP)
	MOVQ R10, seps+48(FP)
	MOVQ R11, first+56(FP)
	MOVQ R12, formula+64(FP)
	MOVQ R8, nextOut+80(FP)
	VZEROUPPER
	RET
