package words

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// IsControl reports whether r is a character no human or CI format prints
// raw: a C0 control other than tab, DEL, a C1 control, or the line and
// paragraph separators U+2028 and U+2029 (which some logs and editors
// break lines at).
func IsControl(r rune) bool {
	return (r < 0x20 && r != '\t') || (r >= 0x7f && r <= 0x9f) || r == 0x2028 || r == 0x2029
}

// Escape returns s with every control character (see [IsControl]) written
// as a visible escape: `\n`, `\r`, `\x1b`, `\u2028`; invalid UTF-8 bytes
// are written as `\xNN` too. It is the one escaping every human and CI
// format (text, markdown, github) and every message on stderr applies to
// what came from an input, so that no CSV cell, manifest name, file name or
// key can start a `::command` line in a CI log or colour a terminal.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case IsControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// EscapeLines is [Escape] for text that is meant to hold several lines,
// such as a rendered template: each line is escaped on its own and LF line
// ends are kept; every other control character, a lone CR included, is
// escaped.
func EscapeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Escape(l)
	}
	return strings.Join(lines, "\n")
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f || c >= 0x80 {
			return needsEscapeSlow(s[i:])
		}
	}
	return false
}

func needsEscapeSlow(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || IsControl(r) {
			return true
		}
		i += size
	}
	return false
}
