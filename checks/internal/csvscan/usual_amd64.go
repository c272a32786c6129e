package csvscan

import "golang.org/x/sys/cpu"

// hasBlocks says whether usualBlocks reads blocks here: with AVX2, the
// TZCNT and POPCNT it counts with, and the carry-less product that finds
// the quoted bytes.
var hasBlocks = cpu.X86.HasAVX2 && cpu.X86.HasBMI1 && cpu.X86.HasPOPCNT && cpu.X86.HasPCLMULQDQ

// usualBlocks is plainRecord's loop over words (see plainRecord), 32
// bytes at a time with AVX2: it reads p's whole 32-byte blocks from the
// first on, for as long as plainRecord's word loop would read each of
// their words without failing, and returns what that loop would after
// them: the n bytes read (a multiple of 8), the seps delimiters in them
// outside quotes, the offset of the first one (n if none), formula not
// zero if a field in them may be a formula, text not zero if a byte in
// them is not ASCII, doubled not zero if a quoted field in them has a
// doubled quote, inqOut 1 if the next byte is inside quotes, and the next
// word's next. delim is the delimiter, inq says p starts inside quotes,
// and next is the loop's next, 0 or 1<<7. plainRecord reads the words
// after those on its own.
//
// A block without a quote that holds a byte below 0x0e ends the run, its
// words before that byte read; one with a quote is read whole or not at
// all (see usual_amd64.s). When a line feed outside quotes ends the
// record, in a block read, usualBlocks reads the bytes before it too, and
// returns its offset as eol (and as n, and as first when there is no
// delimiter); else eol is -1.
//
//go:noescape
func usualBlocks(p []byte, delim byte, inq bool, next uint64) (n, seps, first int, formula, text, doubled, inqOut, nextOut uint64, eol int)
