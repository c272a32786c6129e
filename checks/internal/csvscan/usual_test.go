package csvscan

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// usualWords is plainRecord's loop over usual words, one word at a time,
// over p[:limit]: what usualBlocks must return for the words it reads.
func usualWords(p []byte, delim byte, inq bool, next uint64, limit int) (n, seps, first int, formula, text, nextOut uint64) {
	d := ones * uint64(delim)
	var inqMask uint64
	if inq {
		inqMask = high
	}
	i := 0
	for ; i+8 <= limit; i += 8 {
		w := binary.LittleEndian.Uint64(p[i:])
		delims := zeros(w ^ d)
		if unusual(w)&^delims != 0 {
			break
		}
		delims &^= inqMask
		if at := i + bits.TrailingZeros64(delims)>>3; seps == 0 {
			first = at
		}
		seps += marked(delims)
		formula |= asciiFormulas(w&low) &^ (w & high) &^ delims & (delims<<8 | next)
		text |= w & high
		next = delims >> 56
	}
	return i, seps, first, formula, text, next
}

// usualDelims are the delimiters plainRecord reads records of: ASCII but
// NUL, and not a line end or the quote.
func usualDelims() []byte {
	var ds []byte
	for d := byte(1); d < 0x80; d++ {
		if d != '\n' && d != '\r' && d != '"' {
			ds = append(ds, d)
		}
	}
	return ds
}

// usualTail is the rest of a usual run that ends the record: the bytes
// from p[from] up to the line feed at lf, one at a time, after usualWords
// read up to from.
func usualTail(p []byte, delim byte, from, lf, seps, first int, formula, text, next uint64) (int, int, uint64, uint64) {
	start := next != 0 // p[from] starts a field
	for j := from; j < lf; j++ {
		if p[j] >= 0x80 {
			text = 1
		}
		switch c := p[j]; {
		case c == delim:
			if seps == 0 {
				first = j
			}
			seps++
			start = true
			continue
		case start && strings.IndexByte("=-@+", c) >= 0:
			formula = 1
		}
		start = false
	}
	if seps == 0 {
		first = lf
	}
	return seps, first, formula, text
}

// checkUsualBlocks holds usualBlocks to usualWords on p: it must read the
// usual words in p's whole 32-byte blocks (none where it reads no block),
// and return what usualWords does for them; and when the first unusual
// byte after them, in a whole block and outside quotes, is a line feed,
// the bytes up to it as usualTail does, and the line feed's offset.
func checkUsualBlocks(t *testing.T, p []byte, delim byte, inq bool, next uint64) {
	t.Helper()
	n, seps, first, formula, text, nextOut, eol := usualBlocks(p, delim, inq, next)
	want, _, _, _, _, _ := usualWords(p, delim, inq, next, len(p))
	want = min(want, len(p)&^31)
	if !hasBlocks {
		want = 0
	}
	wn, wseps, wfirst, wformula, wtext, wnext := usualWords(p, delim, inq, next, want)
	weol := -1
	if hasBlocks && !inq {
		lf := wn
		for lf < len(p)&^31 && p[lf] != '\n' && (p[lf] == delim || !(p[lf] < 0x0e || p[lf] == '"')) {
			lf++
		}
		if lf < len(p)&^31 && p[lf] == '\n' {
			weol = lf
			wseps, wfirst, wformula, wtext = usualTail(p, delim, wn, lf, wseps, wfirst, wformula, wtext, wnext)
			wn, wnext = lf, nextOut // the carry does not matter at a record's end
		}
	}
	if n != wn || seps != wseps || first != wfirst || (formula != 0) != (wformula != 0) || (text != 0) != (wtext != 0) || nextOut != wnext || eol != weol {
		t.Fatalf("%q, delimiter %q, inq %v, next %#x: usualBlocks n %d seps %d first %d formula %v text %v next %#x eol %d, want %d %d %d %v %v %#x %d",
			p, delim, inq, next, n, seps, first, formula != 0, text != 0, nextOut, eol, wn, wseps, wfirst, wformula != 0, wtext != 0, wnext, weol)
	}
}

// usualText maps fuzz input to text that is mostly usual words: letters,
// the delimiter and formula starts, and now and then an unusual byte.
func usualText(data []byte, delim byte) []byte {
	const alphabet = "abcXYZ09 .=-@+_"
	const rare = "\x00\t\n\r\"\x80\xff\x0d"
	p := make([]byte, len(data))
	for i, b := range data {
		switch {
		case b >= 0xf8:
			p[i] = rare[b-0xf8]
		case b%4 == 0:
			p[i] = delim
		default:
			p[i] = alphabet[int(b)%len(alphabet)]
		}
	}
	return p
}

// TestUsualBlocksDifferential holds usualBlocks to the word loop on
// random inputs: every delimiter plainRecord takes, lengths 0 to 300,
// every alignment, text with unusual bytes from rare to common, and bytes
// of all values.
func TestUsualBlocksDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	const alphabet = "abcdefghijXYZ0123456789 .:/_=-@+"
	buf := make([]byte, 300+64)
	for _, d := range usualDelims() {
		for range 300 {
			align, size := r.IntN(64), r.IntN(301)
			p := buf[align : align+size]
			rate := 1 << r.IntN(10) // one unusual byte in rate, about
			for i := range p {
				switch x := r.IntN(rate * 8); {
				case x == 0:
					p[i] = byte(r.IntN(256))
				case x%5 == 1:
					p[i] = d
				default:
					p[i] = alphabet[r.IntN(len(alphabet))]
				}
			}
			checkUsualBlocks(t, p, d, r.IntN(4) == 0, uint64(r.IntN(2))<<7)
		}
	}
	for d := range byte(0x80) {
		if d == 0 || d == '\n' || d == '\r' || d == '"' {
			continue
		}
		p := []byte("0123456789abcdefghijklmnopqrstuvwxyz=-@+,;\t|=-@+,;\t|0123456789")
		for i := range p {
			if p[i] == ',' {
				p[i] = d
			}
		}
		for align := range 32 {
			checkUsualBlocks(t, p[align:], d, false, 1<<7)
		}
	}
}

// FuzzUsualBlocks holds usualBlocks to the word loop on any input, as it
// is and mapped to mostly usual text, at any alignment.
func FuzzUsualBlocks(f *testing.F) {
	f.Add([]byte("user@example.com,Ana,Kim,2023-03-04,team,=1,-2,@3,+4,,\n"), uint8(','), false, true, uint8(0))
	f.Add([]byte("a\tb\t=c\t\t+d\t-e\t@f\tghijklmnopqrstuvwxyz0123456789\"x\""), uint8('\t'), true, false, uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, delim uint8, inq, next bool, align uint8) {
		delim &= 0x7f
		if delim == 0 || delim == '\n' || delim == '\r' || delim == '"' {
			delim = ','
		}
		var nx uint64
		if next {
			nx = 1 << 7
		}
		for _, p := range [][]byte{data, usualText(data, delim)} {
			a := int(align) % 32
			b := make([]byte, a+len(p))
			copy(b[a:], p)
			checkUsualBlocks(t, b[a:], delim, inq, nx)
		}
	})
}
