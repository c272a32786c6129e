// Package words holds the plain-text helpers that the engine, the gates
// and the commands share, so that each question has one answer: how to
// count a noun (Plural), how to list things in a sentence (List), how to
// quote for TOML (QuoteTOML) or a shell (ShellQuote), what an email
// address looks like (IsEmail, IsEmailBytes), how to say what went wrong
// with a file (FileProblem), how paths are written in reports (Rel) and
// messages (DisplayDir), and how text from an input is made safe to print
// (Escape, EscapeLines, IsControl). It imports nothing of the project.
package words

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// Plural writes a count with its noun: "1 error", "2 errors". A noun
// whose plural is not the singular plus "s" gives it as many, which can
// be a whole phrase: Plural(n, "row repeats", "rows repeat").
func Plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return strconv.Itoa(n) + " " + many[0]
	}
	return strconv.Itoa(n) + " " + one + "s"
}

// List joins items for a sentence, the last two with conj: "a", "a or
// b", "a, b or c".
func List(items []string, conj string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// QuoteTOML quotes s as a TOML basic string, every control and format
// character (C1, U+2028, bidi controls, zero-width characters) escaped.
func QuoteTOML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		case IsControl(r) || unicode.Is(unicode.Cf, r):
			// Valid TOML raw, but invisible to whoever reviews the file
			// (a bidi override can make a line read otherwise).
			if r > 0xffff {
				fmt.Fprintf(&b, `\U%08X`, r)
			} else {
				fmt.Fprintf(&b, `\u%04X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// shellPlain are the bytes a shell word may hold unquoted.
const shellPlain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./@:=+,"

// ShellQuote quotes an argument for a POSIX shell, for a command line a
// person copies, when it holds anything but plain characters.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, shellPlain) == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// IsEmail reports whether s, trimmed, is a practical email address:
// local@domain with a non-empty local part without spaces, '<', '>' or a
// second '@', and a domain of non-empty dot-separated labels with at least
// one dot.
func IsEmail(s string) bool { return isEmail(strings.TrimSpace(s)) }

// IsEmailBytes is IsEmail for a key already trimmed, on bytes and without
// allocating: a bulk scan asks it millions of times. Most keys are ASCII
// of 8 to 64 bytes without a byte that no address has, and it judges
// those itself, reading them eight bytes at a time (emailWord), or, for
// 16 to 32 bytes (most keys) on amd64 with AVX2, as LowerEmailBytes does;
// any other key it leaves to isEmail's loop. It reads a key of 16 to 32
// bytes as its first two and last two words, which overlap whatever its
// length (their bytes' marks are the same either way), without a branch
// to mispredict. The @ and dot marks are gathered into one bit a byte of
// the whole key, where isEmail's rules on the domain are a few shifts.
func IsEmailBytes(b []byte) bool {
	n := len(b)
	if n < 8 || n > 64 {
		return isEmail(b)
	}
	var bad, ats, dots uint64
	switch {
	case n >= 16 && n <= 32 && hasEmailMasks: // most keys
		var lower [32]byte
		if email, ok := LowerEmailBytes(lower[:n], b); ok {
			return email
		}
		return isEmail(b) // not ASCII
	case n >= 16 && n <= 32:
		bad, ats, dots = emailWord(binary.LittleEndian.Uint64(b))
		x, at, dot := emailWord(binary.LittleEndian.Uint64(b[8:]))
		bad, ats, dots = bad|x, ats|at<<8, dots|dot<<8
		x, at, dot = emailWord(binary.LittleEndian.Uint64(b[n-16:]))
		bad, ats, dots = bad|x, ats|at<<(uint(n-16)&63), dots|dot<<(uint(n-16)&63)
		x, at, dot = emailWord(binary.LittleEndian.Uint64(b[n-8:]))
		bad, ats, dots = bad|x, ats|at<<(uint(n-8)&63), dots|dot<<(uint(n-8)&63)
	case n < 16:
		bad, ats, dots = emailWord(binary.LittleEndian.Uint64(b))
		x, at, dot := emailWord(binary.LittleEndian.Uint64(b[n-8:]))
		bad, ats, dots = bad|x, ats|at<<(uint(n-8)&63), dots|dot<<(uint(n-8)&63)
	default:
		for i := 0; i < n; i += 8 {
			i = min(i, n-8)
			x, at, dot := emailWord(binary.LittleEndian.Uint64(b[i:]))
			bad, ats, dots = bad|x, ats|at<<(uint(i)&63), dots|dot<<(uint(i)&63)
		}
	}
	if bad&0x8080808080808080 != 0 {
		return isEmail(b)
	}
	return emailShape(n, ats, dots)
}

// emailShape reports whether a key of n bytes, 64 at most, none of them
// bad, is an address by its @ and dot marks, bit i for byte i: one @, not
// first, and a domain with a dot, neither first nor doubled nor last.
func emailShape(n int, ats, dots uint64) bool {
	domain := ats << 1  // the first byte of the domain, when there is one @
	dots &^= domain - 1 // the domain's dots
	last := uint64(1) << (n - 1)
	return ats&(ats-1) == 0 && ats > 1 && // one @, not first
		dots != 0 && dots&domain == 0 && dots&(dots>>1) == 0 && dots&last == 0 // a dot, neither first nor doubled nor last
}

// LowerEmailBytes copies the key b, already trimmed, to dst, of b's
// length, lower-cased, and reports whether it is an address, as
// IsEmailBytes would of either, in one pass: when ok, for a key of 16 to
// 32 ASCII bytes (most keys) on amd64 with AVX2 (lowerEmailMasks). For
// any other key ok is false, and dst holds no particular bytes.
func LowerEmailBytes(dst, b []byte) (email, ok bool) {
	n := len(b)
	if !hasEmailMasks || n < 16 || n > 32 {
		return false, false
	}
	high, bad, at, dot := lowerEmailMasks(dst[:n], b)
	switch {
	case high != 0:
		return false, false
	case bad != 0:
		return isEmail(dst[:n]), true
	}
	return emailShape(n, uint64(at), uint64(dot)), true
}

// isEmail is the email test, in one pass, that IsEmailBytes's reading a
// word at a time agrees with: no space, < or > and no
// control character anywhere; one @, not first; after it a domain that has a dot, neither
// first nor last nor doubled.
func isEmail[T string | []byte](b T) bool {
	at, dot, prev := -1, false, -2
	for i := 0; i < len(b); i++ {
		switch emailByte[b[i]] {
		case 0:
		case emailBad:
			return false
		case emailC2: // U+0080–U+009F, the C1 controls, are 0xc2 0x80–0x9f
			if i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f {
				return false
			}
		case emailAt:
			if at >= 0 {
				return false
			}
			at = i
		case emailDot:
			if at >= 0 {
				if i == at+1 || prev == i-1 {
					return false
				}
				dot, prev = true, i
			}
		}
	}
	return at > 0 && dot && prev != len(b)-1
}

// emailWord marks the eight bytes of w, the first in its low byte, for
// IsEmailBytes: bad has the top bit set in each byte of 0x80 or more and,
// when there is none, in each byte no address has (below '!', DEL, '<',
// '>'); when there is none of either, at and dot have bit i set when byte
// i is an @ or a dot. For 7-bit bytes no sum or difference carries into
// the next byte: x+0x5f reaches the top bit from '!' on, x+0x01 only for
// DEL, and ^z-0x7f (^z at least 0x80) only for z = 0, where z is x with
// the byte looked for xor-ed out.
func emailWord(w uint64) (bad, at, dot uint64) {
	const ones, top uint64 = 0x0101010101010101, 0x8080808080808080
	// gather moves the top bits of a word's bytes to its top byte, byte i
	// to bit 56+i.
	const gather = 0x0002040810204081
	bad = w | ^(w + ones*0x5f) | (w + ones*0x01) | (((w | ones*0x02) ^ ^(ones * '>')) - ones*0x7f) // '<' | 2 is '>'
	at = (((w ^ ^(ones * '@')) - ones*0x7f) & top) * gather >> 56
	dot = (((w ^ ^(ones * '.')) - ones*0x7f) & top) * gather >> 56
	return bad, at, dot
}

const (
	emailBad = 1 + iota
	emailAt
	emailDot
	emailC2
)

// emailByte classes the bytes isEmail looks at: space, <, > and every
// control character (C0, DEL; C1 through emailC2) are never in an address.
var emailByte = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = emailBad
	}
	t[0x7f] = emailBad
	t[' '], t['<'], t['>'] = emailBad, emailBad, emailBad
	t['@'], t['.'], t[0xc2] = emailAt, emailDot, emailC2
	return t
}()

// FileProblem says what went wrong reading or writing a file, for a
// message that already names the file: "no such file or folder",
// "permission denied", or the system's own reason without the path.
func FileProblem(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

// Rel returns a bundle-relative, slash-separated form of a manifest path,
// as findings, items and subjects carry it.
func Rel(p string) string { return filepath.ToSlash(filepath.Clean(p)) }

// DisplayDir cleans a bundle folder and makes it relative to the working
// directory when it lies inside it, so paths in reports match the repository.
func DisplayDir(dir string) string {
	dir = filepath.Clean(dir)
	if !filepath.IsAbs(dir) {
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		return dir
	}
	if rel, err := filepath.Rel(wd, dir); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return dir
}
