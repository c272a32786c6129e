package csvscan

import (
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// usualBlocksRef is usualBlocks a byte at a time, the masks of each
// 32-byte block built bit by bit: what usualBlocks must return. A block
// without a quote reads as plainRecord's loop over usual words would; a
// block with one as its closer look at each word would, or not at all
// (TestPlainRecordDifferential holds the scanner that way to the general
// path).
func usualBlocksRef(p []byte, delim byte, inq bool, next uint64) (n, seps, first int, formula, text, doubled, inqOut, nextOut uint64, eol int) {
	carry := uint32(next>>7) & 1
	var qin uint32 // all ones inside quotes
	if inq {
		qin = ^uint32(0)
	}
	eol = -1
	at := 0
	count := func(d uint32) {
		if seps == 0 {
			first = at + bits.TrailingZeros32(d)
		}
		seps += bits.OnesCount32(d)
	}
	for at+32 <= len(p) {
		var d, q, u, f, h, lf uint32
		for j, c := range p[at : at+32] {
			bit := uint32(1) << j
			switch {
			case c == delim:
				d |= bit
			case c == '"':
				q |= bit
			case c >= 0x80:
				h |= bit
			case c < 0x0e:
				u |= bit
			}
			if c >= 0x80 {
				h |= bit
			}
			if c == '\n' {
				lf |= bit
			}
			if strings.IndexByte("=-@+", c) >= 0 {
				f |= bit
			}
		}
		if q == 0 {
			d &^= qin
			m, end, stop := ^uint32(0), 32, false
			if first := u & -u; u != 0 {
				if qin == 0 && first&lf != 0 {
					m, end, stop, eol = first-1, bits.TrailingZeros32(first), true, at+bits.TrailingZeros32(first)
				} else if end, stop = bits.TrailingZeros32(u)&^7, true; end == 0 {
					break
				} else {
					m = 1<<end - 1
				}
			}
			d, f, h = d&m, f&m, h&m
			text |= uint64(h)
			formula |= uint64(f &^ d & (d<<1 | carry))
			count(d)
			if eol < 0 {
				carry = d >> (end - 1) & 1
			}
			at += end
			if stop {
				break
			}
			continue
		}
		quoted := qin
		for j := range 32 {
			if q>>j&1 != 0 {
				quoted ^= ^uint32(0) << j
			}
		}
		lim, e := ^uint32(0), uint32(0)
		if u != 0 {
			first := u & -u
			if first&lf == 0 || first&quoted != 0 {
				break
			}
			lim, e = first-1, first
		}
		q, quoted, f, h = q&lim, quoted&lim, f&lim, h&lim
		d = d &^ quoted & lim
		starts := d<<1 | carry
		opens, closes := q&quoted, q&^quoted
		if closes>>31 != 0 {
			break
		}
		if opens&^starts&^(closes<<1) != 0 || closes<<1&^(d|opens|e) != 0 {
			break
		}
		doubled |= uint64(closes << 1 & opens)
		fq := opens & starts
		formula |= uint64(fq<<1&f | fq>>31 | f&^d&starts)
		text |= uint64(h)
		count(d)
		carry, qin = d>>31, -(quoted >> 31)
		if e != 0 {
			at += bits.TrailingZeros32(e)
			eol = at
			break
		}
		at += 32
	}
	if seps == 0 {
		first = at
	}
	return at, seps, first, formula, text, doubled, uint64(qin & 1), uint64(carry) << 7, eol
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

// checkUsualBlocks holds usualBlocks to usualBlocksRef on p (to no block
// read where usualBlocks reads none), but for what comes after the end of
// a record.
func checkUsualBlocks(t *testing.T, p []byte, delim byte, inq bool, next uint64) {
	t.Helper()
	n, seps, first, formula, text, doubled, inqOut, nextOut, eol := usualBlocks(p, delim, inq, next)
	wn, wseps, wfirst, wformula, wtext, wdoubled, winq, wnext, weol := usualBlocksRef(p, delim, inq, next)
	if !hasBlocks {
		wn, wseps, wfirst, wformula, wtext, wdoubled, winq, wnext, weol = 0, 0, 0, 0, 0, 0, 0, next, -1
		if inq {
			winq = 1
		}
	}
	if weol >= 0 {
		winq, wnext = inqOut, nextOut // they do not matter at a record's end
	}
	if n != wn || seps != wseps || first != wfirst || (formula != 0) != (wformula != 0) || (text != 0) != (wtext != 0) ||
		(doubled != 0) != (wdoubled != 0) || inqOut != winq || nextOut != wnext || eol != weol {
		t.Fatalf("%q, delimiter %q, inq %v, next %#x: usualBlocks n %d seps %d first %d formula %v text %v doubled %v inq %d next %#x eol %d, want %d %d %d %v %v %v %d %#x %d",
			p, delim, inq, next, n, seps, first, formula != 0, text != 0, doubled != 0, inqOut, nextOut, eol,
			wn, wseps, wfirst, wformula != 0, wtext != 0, wdoubled != 0, winq, wnext, weol)
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

// TestUsualBlocksDifferential holds usualBlocks to usualBlocksRef on
// random inputs: every delimiter plainRecord takes, lengths 0 to 300,
// every alignment, text with unusual bytes from rare to common, bytes of
// all values, and records with quoted fields.
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
	// Records of quoted and unquoted fields, now and then a quote out of
	// place, a doubled one, or a line break inside quotes.
	fields := []string{"a", "bcd", "user@example.com", "=1", "-2", "", "é", "x y z", "2024-01-02"}
	for _, d := range []byte{',', ';', '\t', '-', '+'} {
		for range 2000 {
			var b []byte
			for len(b) < 200 {
				for k := range 1 + r.IntN(8) {
					if k > 0 {
						b = append(b, d)
					}
					f := fields[r.IntN(len(fields))]
					switch r.IntN(8) {
					case 0, 1: // quoted, with the delimiter inside
						b = append(append(append(append(b, '"'), f...), d), '"')
					case 2: // quoted, with a doubled quote
						b = append(append(append(b, '"', '"', '"'), f...), '"')
					case 3: // a quote out of place, or a line break inside quotes, now and then
						if r.IntN(4) == 0 {
							b = append(append(b, f...), '"')
						} else if r.IntN(4) == 0 {
							b = append(append(append(b, '"'), f...), '\n', '"')
						} else {
							b = append(b, f...)
						}
					default:
						b = append(b, f...)
					}
				}
				b = append(b, '\n')
			}
			align := r.IntN(64)
			p := append(make([]byte, align), b...)[align:]
			for from := 0; from < len(p); from += 1 + r.IntN(16) {
				checkUsualBlocks(t, p[from:], d, r.IntN(4) == 0, uint64(r.IntN(2))<<7)
			}
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
