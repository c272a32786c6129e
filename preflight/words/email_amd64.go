package words

import "golang.org/x/sys/cpu"

// hasEmailMasks says whether emailMasks runs here: with AVX2, for its
// broadcasts.
var hasEmailMasks = cpu.X86.HasAVX2

// emailMasks marks the bytes of b, 16 to 32 of them: see email_amd64.s.
//
//go:noescape
func emailMasks(b []byte) (bad, at, dot uint32)
