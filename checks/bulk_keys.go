package checks

import (
	"bytes"
	"encoding/binary"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// normalizeKey appends the normalised key v to dst: trimmed, Unicode NFC,
// and lower-cased for email keys. ASCII keys take a fast path without
// allocating.
func normalizeKey(dst, v []byte, lower bool) []byte {
	for len(v) > 0 && asciiSpace[v[0]] {
		v = v[1:]
	}
	for len(v) > 0 && asciiSpace[v[len(v)-1]] {
		v = v[:len(v)-1]
	}
	if len(v) > 0 && (v[0] >= utf8.RuneSelf || v[len(v)-1] >= utf8.RuneSelf) {
		v = bytes.TrimFunc(v, unicode.IsSpace) // perhaps Unicode spaces
	}
	from := len(dst)
	dst = append(dst, v...)
	if asciiKey(dst[from:], lower) {
		return dst
	}
	dst = norm.NFC.Append(dst[:from], v...)
	if lower {
		l := bytes.ToLower(dst[from:])
		dst = append(dst[:from], l...)
		// Lower-casing can denormalise; normalise again.
		if !norm.NFC.IsNormal(dst[from:]) {
			l := norm.NFC.Bytes(dst[from:])
			dst = append(dst[:from], l...)
		}
	}
	return dst
}

// asciiKey reports whether the key b is ASCII, and when it is and lower is
// set lower-cases it in place. It works on eight bytes at a time: an ASCII
// byte plus 0x3f has its top bit set when it is 'A' or more, plus 0x25 when
// it is more than 'Z'. On false, b may be partly lower-cased.
func asciiKey(b []byte, lower bool) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if w&high != 0 {
			return false
		}
		if lower {
			upper := (w + ones*0x3f) &^ (w + ones*0x25) & high
			binary.LittleEndian.PutUint64(b[i:], w|upper>>2)
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			return false
		}
		if lower && 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return true
}
