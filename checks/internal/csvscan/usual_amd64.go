package csvscan

import "golang.org/x/sys/cpu"

// hasBlocks says whether usualBlocks reads blocks here: with AVX2, and
// the TZCNT and POPCNT it counts with.
var hasBlocks = cpu.X86.HasAVX2 && cpu.X86.HasBMI1 && cpu.X86.HasPOPCNT

// usualBlocks is plainRecord's loop over usual words (see plainRecord),
// 32 bytes at a time with AVX2: it reads p's words from the first on, for
// as long as they are usual and in a whole 32-byte block of p, and
// returns what the loop would after them: the n bytes read (a multiple
// of 8), the seps delimiters in them, the offset of the first one (n if
// none), formula not zero if a field in them may be a formula, text not
// zero if a byte in them is not ASCII, and the next word's next. delim is the delimiter, inq says the words are inside
// quotes (and so hold no delimiter), and next is the loop's next, 0 or
// 1<<7. plainRecord reads the words after those on its own.
//
// When the first byte that is not usual is a line feed, in a whole block
// and outside quotes, it ends the record there: usualBlocks reads the
// bytes before it too, and returns its offset as eol (and as n, and as
// first when there is no delimiter); else eol is -1.
//
//go:noescape
func usualBlocks(p []byte, delim byte, inq bool, next uint64) (n, seps, first int, formula, text, nextOut uint64, eol int)
