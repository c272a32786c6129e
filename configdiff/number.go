package configdiff

import (
	"math/big"
	"regexp"
	"strings"
	"unicode/utf8"
)

// envNumber is how a .env file writes a number.
var envNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Number reads the value of n, a node of t, as an exact number: an integer
// or a finite float; in a .env file, where every value is a string, a
// string written -?[0-9]+(\.[0-9]+)?. integer reports whether it is an
// integer: an integer value, or a .env string without a fraction. A
// float's canonical text is the shortest decimal that reads back as it,
// which is the decimal written whenever that has at most 15 significant
// digits: 0.30 is exactly 3/10, and 0.30 × 3 is exactly 0.90.
func (t *Tree) Number(n *Node) (r *big.Rat, integer, ok bool) {
	if n == nil {
		return nil, false, false
	}
	switch n.Kind {
	case Int:
		integer = true
	case Float:
		if n.Text == "nan" || strings.HasSuffix(n.Text, "inf") {
			return nil, false, false
		}
	case String:
		if f, _ := FormatOf(t.File); f != Env || !envNumber.MatchString(n.Text) {
			return nil, false, false
		}
		integer = !strings.Contains(n.Text, ".")
	default:
		return nil, false, false
	}
	r, ok = new(big.Rat).SetString(n.Text)
	return r, integer, ok
}

// NumberText returns a number as the file writes it ("4.00", "0.40",
// "1_000"), for messages that quote a person's own figures; the canonical
// text when n is not a number or its written form cannot be read back as
// the same value.
func (t *Tree) NumberText(n *Node) string {
	r, _, ok := t.Number(n)
	if !ok {
		return Show(n)
	}
	if n.Kind == String { // a .env number: the string is the number as written
		return n.Text
	}
	tok := t.token(n.ValuePos)
	if w, ok := new(big.Rat).SetString(strings.ReplaceAll(strings.TrimPrefix(tok, "+"), "_", "")); ok && w.Cmp(r) == 0 {
		return tok
	}
	return Show(n)
}

// token returns the run of number characters at p in the file's content.
func (t *Tree) token(p Pos) string {
	if p.Line < 1 || p.Column < 1 {
		return ""
	}
	if p.Line > len(t.lines) {
		return ""
	}
	off := t.lines[p.Line-1]
	for col := 1; col < p.Column && off < len(t.data) && t.data[off] != '\n'; col++ {
		_, size := utf8.DecodeRune(t.data[off:])
		off += size
	}
	end := off
	for end < len(t.data) && isNumberByte(t.data[end]) {
		end++
	}
	return string(t.data[off:end])
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == '_' || c == 'e' || c == 'E'
}
