package words

import "golang.org/x/sys/cpu"

// hasEmailMasks says whether lowerEmailMasks runs here: with AVX2, for its
// broadcasts.
var hasEmailMasks = cpu.X86.HasAVX2

// lowerEmailMasks marks the bytes of b, 16 to 32 of them, and copies b to
// dst, of its length, lower-cased: see email_amd64.s.
//
//go:noescape
func lowerEmailMasks(dst, b []byte) (high, bad, at, dot uint32)
