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
// integer: an integer value, or a .env string without a fraction. The
// value is the decimal the file writes: 0.30 is exactly 3/10 (0.30 × 3 is
// exactly 0.90), and 1.20000000000000001 is more than 1.2 although both
// are one float64 (see written). A float whose written form cannot be
// read back (0x10, an alias) is the shortest decimal that reads back as it.
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
	if !ok {
		return nil, false, false
	}
	if n.Kind != String {
		if w, _ := t.written(n, r); w != nil {
			r = w
		}
	}
	return r, integer, true
}

// maxNumberToken bounds the number text read as written: longer text, or an
// exponent of more than 3 digits, is read as the value the parser made of
// it. An exact 1e-999999 costs a power of ten of a million digits, and a
// hostile config holds a million of them.
const maxNumberToken = 100

// written reads the number text at n's value in the file as an exact
// decimal, with the text: nil when there is none, it is over the bounds,
// or it does not stand for v, the parsed value (for an integer the same
// integer, for a float a decimal that rounds to the same float64).
func (t *Tree) written(n *Node, v *big.Rat) (*big.Rat, string) {
	tok := t.token(n.ValuePos)
	if tok == "" || len(tok) > maxNumberToken {
		return nil, ""
	}
	if i := strings.IndexAny(tok, "eE"); i >= 0 && len(strings.TrimLeft(tok[i+1:], "+-")) > 3 {
		return nil, ""
	}
	w, ok := new(big.Rat).SetString(strings.ReplaceAll(strings.TrimPrefix(tok, "+"), "_", ""))
	if !ok {
		return nil, ""
	}
	if n.Kind == Int {
		if w.Cmp(v) != 0 {
			return nil, ""
		}
		return w, tok
	}
	wf, _ := w.Float64()
	vf, _ := v.Float64()
	if wf != vf {
		return nil, ""
	}
	return w, tok
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
	if _, tok := t.written(n, r); tok != "" {
		return tok
	}
	return Show(n)
}

// token returns the run of number characters at p in the file's content,
// cut after maxNumberToken+1 bytes (written refuses it then).
func (t *Tree) token(p Pos) string {
	off, ok := t.offset(p)
	if !ok {
		return ""
	}
	end := off
	for end < len(t.data) && end-off <= maxNumberToken && isNumberByte(t.data[end]) {
		end++
	}
	return string(t.data[off:end])
}

// colStep is how many code points apart the column index of a long line
// keeps byte offsets.
const colStep = 256

// offset returns the byte offset in t.data of position p, counting code
// points from the line's start; false when p is not in the file. A line
// longer than colStep bytes (minified JSON) gets an index of every
// colStep-th code point, built once, so that finding every value on it
// does not cost the line's length each.
func (t *Tree) offset(p Pos) (int, bool) {
	if p.Line < 1 || p.Column < 1 || p.Line > len(t.lines) {
		return 0, false
	}
	off, end := t.lines[p.Line-1], len(t.data)
	if p.Line < len(t.lines) {
		end = t.lines[p.Line]
	}
	col := 1
	if end-off > colStep {
		index := t.columns(p.Line-1, off, end)
		i := min((p.Column-1)/colStep, len(index)-1)
		off, col = index[i], i*colStep+1
	}
	for ; col < p.Column && off < end && t.data[off] != '\n'; col++ {
		_, size := utf8.DecodeRune(t.data[off:end])
		off += size
	}
	return off, true
}

// columns returns the column index of a line (0-based) that spans
// data[start:end]: the byte offsets of code points 1, colStep+1,
// 2×colStep+1, ...
func (t *Tree) columns(line, start, end int) []int {
	t.colMu.Lock()
	defer t.colMu.Unlock()
	if index, ok := t.cols[line]; ok {
		return index
	}
	index := []int{start}
	for off, n := start, 0; off < end; {
		_, size := utf8.DecodeRune(t.data[off:end])
		off += size
		if n++; n%colStep == 0 {
			index = append(index, off)
		}
	}
	if t.cols == nil {
		t.cols = map[int][]int{}
	}
	t.cols[line] = index
	return index
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == '_' || c == 'e' || c == 'E'
}
