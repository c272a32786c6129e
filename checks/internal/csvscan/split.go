package csvscan

import (
	"io"
	"slices"
)

// Split returns a scanner for the rest of s's input from offset off on,
// taken to be a record's start (the byte after a line end): the second
// part of an input split in two, to be scanned beside s. It reads what s
// would read from there on, lines counted from 1 again, with s's
// delimiter and kept fields (Keep). A scanner from NewBytes splits its
// data; one from New reads r, which reads the input from off on.
//
// Whether off is a record's start is known only once s gets there: see
// StopAt.
func (s *Scanner) Split(r io.Reader, off int64) *Scanner {
	n := s.at(off)
	n.keep = slices.Clone(s.keep)
	if s.src != nil {
		n.src, n.buf = s.src, s.src[off:]
	} else {
		n.r, n.buf = r, make([]byte, readSize*2)
	}
	return &n
}

// StopAt makes Scan end at input offset off, where the input was split
// (see Split): Scan returns false instead of reading a record that starts
// at or after off.
func (s *Scanner) StopAt(off int64) { s.stop = off }

// Stopped reports whether the scan ended at the StopAt offset on a
// record boundary, with nothing but line ends between the last record
// read and it: then the split scanner reads from there what s would
// have, and line, the physical line at the offset, is its line 1. When
// false, a record runs across the offset (a quoted field with a line
// break), or the scan ended before it, and the split scanner's records
// are not the input's.
func (s *Scanner) Stopped() (line int, ok bool) { return s.line, s.stopped }
