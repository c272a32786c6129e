#include "textflag.h"

// COUNT adds the bytes of the block at DI that DX (their delimiters) and
// R13 (their formula bytes) mark: the formula starts, F &^ D & (D<<1 |
// carry), to formula; the first delimiter to R11 while none is counted;
// the delimiters to R10. It uses AX.
#define COUNT \
	LEAL (DX)(DX*1), AX \
	ORL  R8, AX \
	ANDNL AX, DX, AX \
	ANDL R13, AX \
	ORQ  AX, formula+64(FP) \
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

// func usualBlocks(p []byte, delim byte, inq bool, next uint64) (n, seps, first int, formula, text, doubled, inqOut, nextOut uint64, eol int)
//
// Each 32-byte block gives five masks, a bit a byte: its delimiters (D),
// its quotes (Q), its unusual bytes that are neither (U: below 0x0e;
// VPCMPGTB, signed, finds those above 0x7f with them, and H takes those
// out), its bytes above 0x7f (H, the bytes' top bits), and its bytes = -
// @ + (F). A block without a quote and with U zero adds its delimiters to
// seps, its field starts that may be formulas, F &^ D & (D<<1 | carry), to
// formula, and H to text; one with U not zero adds its words before the
// first unusual byte, and ends the run, but when that byte is a line feed
// outside quotes, which ends the record: the block adds its bytes before
// it, and eol is its offset (else -1).
//
// A block with a quote is read whole, as plainRecord reads its words
// (see quotes below), or not at all, and then ends the run: when a quote
// is out of place, when a byte of U is not the line feed that ends the
// record, and when a quote closes at the block's last byte (the next
// byte, not yet read, says whether it is doubled).
//
// Registers: SI p, BX len(p), DI the offset of the block, R8 the carry
// (0 or 1), R9 the delimiter mask (0 inside quotes), R10 seps, R11 first;
// formula, text and doubled in their results; per block AX U, DX D, R13 F,
// R14 H, CX Q, then the bytes of the block read. X14 is all ones.
TEXT ·usualBlocks(SB), NOSPLIT, $0-112
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
	MOVQ $0, formula+64(FP)
	MOVQ $0, text+72(FP)
	MOVQ $0, doubled+80(FP)

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
	VPCMPEQB X14, X14, X14

loop:
	LEAQ 32(DI), AX
	CMPQ AX, BX
	JHI  done
	VMOVDQU (SI)(DI*1), Y7
	VPCMPGTB Y7, Y1, Y8 // below 0x0e, or above 0x7f
	VPCMPEQB Y7, Y2, Y9
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
	VPMOVMSKB Y9, CX
	ANDNL AX, DX, AX // U &^ D
	ANDNL AX, R14, AX // U &^ H
	TESTL CX, CX
	JNZ  quotes
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
	MOVQ $-1, eol+104(FP)
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
	MOVQ DI, eol+104(FP)
	JMP  out

quotes:
	// The block's quoted bytes, from an opening quote up to the closing
	// one: the prefix XOR of Q (a carry-less product with all ones), all
	// flipped when the block starts inside quotes. Then, as plainRecord's
	// closer look: the record ends at the first byte of U if that is a
	// line feed outside quotes, and the bytes before it are read (L, the
	// limit); the delimiters are those outside quotes (D'); a quote opens
	// at a field's start or right after a closing one (doubled), and
	// closes before a delimiter, the line feed or an opening quote. R9 is
	// kept in X9 until the block is read.
	VMOVQ R9, X9
	VMOVQ CX, X12
	VPCLMULQDQ $0, X14, X12, X12
	VMOVQ X12, BX
	XORL R9, BX
	NOTL BX // quoted
	TESTL AX, AX
	JZ   qwhole
	BLSIL AX, AX
	VPCMPEQB Y7, Y13, Y12
	VPMOVMSKB Y12, R12
	TESTL AX, R12
	JZ   qleave // not a line feed
	TESTL AX, BX
	JNZ  qleave // a line feed inside quotes
	MOVL AX, R14 // the line feed's bit
	DECL AX // L
	JMP  qlimit
qwhole:
	MOVL $-1, AX
	XORL R14, R14
qlimit:
	ANDL AX, CX // Q
	ANDL AX, BX // quoted
	ANDNL DX, BX, DX
	ANDL AX, DX // D'
	ANDL AX, R13 // F
	VMOVQ R13, X8
	LEAL (DX)(DX*1), R12
	ORL  R8, R12 // field starts
	MOVL CX, AX
	ANDL BX, AX // opens
	ANDNL CX, BX, CX // closes
	BTL  $31, CX
	JCS  qleave
	MOVL BX, R9
	SARL $31, R9
	NOTL R9 // the next block's delimiter mask
	LEAL (CX)(CX*1), R13 // closes<<1
	ANDNL AX, R12, BX
	ANDNL BX, R13, BX
	TESTL BX, BX
	JNZ  qrestore // an opening quote out of place
	MOVL DX, BX
	ORL  AX, BX
	ORL  R14, BX
	ANDNL R13, BX, BX
	TESTL BX, BX
	JNZ  qrestore // a closing quote out of place
	ANDL AX, R13
	ORQ  R13, doubled+80(FP)
	// A quoted field may be a formula: its value's first byte is one, or
	// is in the next block. COUNT adds the unquoted ones.
	ANDL R12, AX
	VMOVQ X8, R13
	LEAL (AX)(AX*1), BX
	ANDL R13, BX
	SHRL $31, AX
	ORL  AX, BX
	ORQ  BX, formula+64(FP)
	VPMOVMSKB Y7, BX
	MOVL R14, AX
	DECL AX // L again
	ANDL AX, BX
	ORQ  BX, text+72(FP)
	COUNT
	MOVL DX, R8
	SHRL $31, R8
	MOVQ p_len+8(FP), BX
	TESTL R14, R14
	JNZ  qeol
	ADDQ $32, DI
	JMP  loop

qeol:
	TZCNTL R14, AX
	ADDQ AX, DI
	MOVQ DI, eol+104(FP)
	JMP  out

qrestore:
	VMOVQ X9, R9
qleave:
	MOVQ p_len+8(FP), BX
	JMP  done

out:
	TESTQ R10, R10
	CMOVQEQ DI, R11
	SHLQ $7, R8
	MOVQ DI, n+40(FP)
	MOVQ R10, seps+48(FP)
	MOVQ R11, first+56(FP)
	MOVL R9, AX
	NOTL AX
	ANDL $1, AX
	MOVQ AX, inqOut+88(FP)
	MOVQ R8, nextOut+96(FP)
	VZEROUPPER
	RET
