package checks

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/preflight/words"
	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// normalizeKey appends the normalised key v to dst, in the contract's
// order: Unicode format characters (category Cf: zero-width spaces and
// joiners, U+2060, U+FEFF, bidi controls) removed, then NFC (NFKC for an
// email key, so a full-width ａ is a), then white space trimmed. An email
// key is then lower-cased, and each non-ASCII label of its domain mapped
// to its IDNA ASCII form (UTS #46, non-transitional, without STD3 rules),
// so exämple.com and xn--exmple-cua.com are one domain. A label that fails
// IDNA leaves a DEL (0x7f) at the key's end: no address holds a control
// character (words.IsEmailBytes), so the key is invalid, as is an email
// key with a control character inside. ASCII keys take a fast path
// without allocating.
func normalizeKey(dst, v []byte, email bool) []byte {
	v = trimASCIISpace(v)
	from := len(dst)
	dst = slices.Grow(dst, len(v))[:from+len(v)]
	if asciiKey(dst[from:], v, email) {
		return dst
	}
	return unicodeKey(dst[:from], v, email)
}

// emailKey is normalizeKey for an email key, and reports whether the key
// is an address (words.IsEmailBytes): a key of 16 to 32 ASCII bytes, as
// most are, is lower-cased and checked in one pass (words.LowerEmailBytes).
func emailKey(dst, v []byte) ([]byte, bool) {
	t := trimASCIISpace(v)
	from := len(dst)
	dst = slices.Grow(dst, len(t))[:from+len(t)]
	if addr, ok := words.LowerEmailBytes(dst[from:], t); ok {
		return dst, addr
	}
	dst = normalizeKey(dst[:from], t, true)
	return dst, words.IsEmailBytes(dst[from:])
}

// trimASCIISpace returns v without the ASCII white space at its ends.
func trimASCIISpace(v []byte) []byte {
	for len(v) > 0 && asciiSpace[v[0]] {
		v = v[1:]
	}
	for len(v) > 0 && asciiSpace[v[len(v)-1]] {
		v = v[:len(v)-1]
	}
	return v
}

// unicodeKey is normalizeKey for a key v, already trimmed of ASCII white
// space, that is not ASCII, appended to dst: apart, so that the ASCII
// path stays small.
func unicodeKey(dst, v []byte, email bool) []byte {
	from := len(dst)
	form := norm.NFC
	if email {
		form = norm.NFKC
	}
	dst = form.Append(dst, removeFormat(v)...)
	if k := bytes.TrimFunc(dst[from:], unicode.IsSpace); len(k) != len(dst)-from {
		dst = append(dst[:from], k...)
	}
	if !email {
		return dst
	}
	l := bytes.ToLower(dst[from:])
	dst = append(dst[:from], l...)
	// Lower-casing can denormalise; normalise again.
	if !form.IsNormal(dst[from:]) {
		l := form.Bytes(dst[from:])
		dst = append(dst[:from], l...)
	}
	return asciiDomain(dst, from)
}

// removeFormat returns v without its Unicode format characters
// (category Cf), v itself when it has none.
func removeFormat(v []byte) []byte {
	has := false
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRune(v[i:])
		if unicode.Is(unicode.Cf, r) {
			has = true
			break
		}
		i += n
	}
	if !has {
		return v
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRune(v[i:])
		if !unicode.Is(unicode.Cf, r) {
			out = append(out, v[i:i+n]...)
		}
		i += n
	}
	return out
}

// idnaProfile maps a domain label as the contract says: UTS #46 mapping
// and validity, non-transitional, without STD3 rules.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false), idna.StrictDomainName(false))

// asciiDomain rewrites the domain of the email key dst[from:] (after its
// last @) with each non-ASCII label in its IDNA ASCII form.
func asciiDomain(dst []byte, from int) []byte {
	key := dst[from:]
	at := bytes.LastIndexByte(key, '@')
	if at < 0 {
		return dst
	}
	domain := key[at+1:]
	ascii := true
	for _, c := range domain {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return dst
	}
	labels := strings.Split(string(domain), ".")
	for i, l := range labels {
		if isASCII(l) {
			continue
		}
		a, err := idnaProfile.ToASCII(l)
		if err != nil {
			return append(dst, 0x7f) // invalid: see normalizeKey
		}
		labels[i] = a
	}
	return append(dst[:from+at+1], strings.Join(labels, ".")...)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiKey reports whether the key v is ASCII, and copies it to dst, of
// its length, lower-cased when lower is set: one read and one write of
// each byte, eight at a time (lowerWord). It reads a key of 16 to 32
// bytes, as most are, as its first two and last two words, which overlap
// whatever its length (a byte written twice is written the same), without
// a branch to mispredict. On false, dst holds no particular bytes.
func asciiKey(dst, v []byte, lower bool) bool {
	n := len(v)
	dst = dst[:n]
	var mask uint64
	if lower {
		mask = 0x8080808080808080
	}
	var all uint64
	switch {
	case n >= 16 && n <= 32:
		all = lowerWord(dst, v, 0, mask) | lowerWord(dst, v, 8, mask) | lowerWord(dst, v, n-16, mask) | lowerWord(dst, v, n-8, mask)
	case n >= 8 && n < 16:
		all = lowerWord(dst, v, 0, mask) | lowerWord(dst, v, n-8, mask)
	case n < 8:
		for i, c := range v {
			all |= uint64(c)
			if lower && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst[i] = c
		}
	default:
		for i := 0; i < n; i += 8 {
			all |= lowerWord(dst, v, min(i, n-8), mask)
		}
	}
	return all&0x8080808080808080 == 0
}

// lowerWord copies the eight bytes of v from i to dst, lower-cased when
// mask has their top bits, and returns them as read: an ASCII byte plus
// 0x3f has its top bit set when it is 'A' or more, plus 0x25 when it is
// more than 'Z', and no sum carries into the next byte.
func lowerWord(dst, v []byte, i int, mask uint64) uint64 {
	const ones = 0x0101010101010101
	w := binary.LittleEndian.Uint64(v[i:])
	binary.LittleEndian.PutUint64(dst[i:], w|(w+ones*0x3f)&^(w+ones*0x25)&mask>>2)
	return w
}
