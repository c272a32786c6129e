package csvscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

const (
	stFieldStart = iota
	stUnquoted
	stQuoted
	stQuote      // a quote inside a quoted field: the closing one, or the first of two
	stAfterQuote // after the closing quote
)

// record scans one record starting at s.pos, which holds a byte that is
// not a line end.
func (s *Scanner) record() {
	if s.plainRecord() {
		return
	}
	i := s.pos
	state := stFieldStart
	fstart, fline := i, s.line
	quoted, complex, tail := false, false, false
	dlen := len(s.delim)
	endField := func(i int) {
		n := len(s.fields)
		if n == cap(s.fields) {
			s.fields = append(s.fields, field{})
		}
		s.fields = s.fields[:n+1]
		s.fields[n] = field{start: int32(fstart - s.start), end: int32(i - s.start), line: int32(fline - s.recLine), quoted: quoted, complex: complex}
	}
	for {
		if i >= s.end {
			var ok bool
			old := i
			s.fstart = fstart
			i, ok = s.fill(i)
			fstart -= old - i
			if !ok {
				// The end of the input ends the record.
				switch state {
				case stQuoted:
					complex = true // unquote copes with the missing closing quote
					s.done, s.cut = true, true
					if !s.overflow {
						s.problem(fline, fstart-s.start, "unterminated quoted field: the quote opened here never closes, so the rest of the file is one field")
					} else {
						s.problem(fline, -1, "unterminated quoted field: the quote opened on this line never closes, so the rest of the file is one field")
					}
				}
				endField(i)
				s.finish(i)
				return
			}
		}
		buf := s.buf[:s.end]
		switch state {
		case stFieldStart:
			if formulaStart[buf[i]] {
				s.formula = true
			}
			if buf[i] == '"' {
				quoted = true
				state = stQuoted
				i++
				continue
			}
			state = stUnquoted
			fallthrough
		case stUnquoted:
			for i < len(buf) && !s.special[buf[i]] {
				i++
			}
			if i == len(buf) {
				continue
			}
			switch c := buf[i]; c {
			case '\n', '\r':
				endField(i)
				s.finish(i)
				return
			case '"':
				if s.quoteProblem() {
					if tail {
						s.problem(s.line, i-s.start, "a quote after a quoted field's closing quote: expected the delimiter or the end of the line")
					} else {
						s.problem(s.line, i-s.start, "a quote inside an unquoted field: quote the whole field and double the quote (\"\")")
					}
				}
				i++
			default: // the delimiter's first byte, NUL or a non-ASCII byte
				if c != s.delim[0] {
					s.text = true
					i++
					continue
				}
				if dlen > 1 {
					if i+dlen > len(buf) && !s.eof {
						old := i
						s.fstart = fstart
						i, _ = s.fill(i) // i < s.end: more input is appended
						fstart -= old - i
						continue
					}
					if !bytes.HasPrefix(buf[i:], s.delim) {
						i++
						continue
					}
				}
				endField(i)
				i += dlen
				state = stFieldStart
				fstart, fline = i, s.line
				quoted, complex, tail = false, false, false
			}
		case stQuoted:
			for i < len(buf) && !s.qspecial[buf[i]] {
				i++
			}
			if i == len(buf) {
				continue
			}
			switch buf[i] {
			case '"':
				state = stQuote
			case '\n':
				if s.offset(i)-1 != s.crOff {
					s.line++
				}
			case '\r':
				s.line++
				s.crOff = s.offset(i)
			default: // NUL or a non-ASCII byte
				s.text = true
			}
			i++
		case stQuote:
			if buf[i] == '"' {
				complex = true
				state = stQuoted
				i++
				continue
			}
			state = stAfterQuote
			fallthrough
		case stAfterQuote:
			c := buf[i]
			if c == '\n' || c == '\r' || (c == s.delim[0] && (dlen == 1 || bytes.HasPrefix(buf[i:], s.delim))) {
				state = stUnquoted // the unquoted loop ends the field
				continue
			}
			if dlen > 1 && c == s.delim[0] && i+dlen > len(buf) && !s.eof {
				old := i
				s.fstart = fstart
				i, _ = s.fill(i)
				fstart -= old - i
				continue
			}
			if s.quoteProblem() {
				s.problem(s.line, i-s.start, "text after a quoted field's closing quote: expected the delimiter or the end of the line")
			}
			complex, tail = true, true
			state = stUnquoted
		}
	}
}

// plainRecord reads the record at s.pos when it is plain, and reports
// whether it did: a line, already in the buffer, without quotes or CRs
// but a CRLF's (most records of most files), split at a one-byte
// delimiter. It records what record would, faster: it looks at
// eight bytes at a time. Otherwise it changes nothing, and record reads
// the record.
func (s *Scanner) plainRecord() bool {
	if len(s.delim) != 1 || s.allText {
		return false
	}
	start := s.pos
	lf := bytes.IndexByte(s.buf[start:s.end], '\n')
	if lf < 0 {
		return false // perhaps more to read
	}
	end := start + lf
	if s.buf[end-1] == '\r' { // a record starts with a byte that is no line end
		end-- // CRLF
	}
	const ones, high, low = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	// (x-ones) &^ x & high is not zero when the word x has a zero byte,
	// and ^((x&low + low) | x) & high marks exactly its zero bytes.
	d := ones * uint64(s.delim[0])
	line := s.buf[start:end]
	// The delimiters' offsets go to seps, without a branch per
	// delimiter: each word stores two offsets (past the line when it has
	// fewer delimiters), and keeps as many as it has.
	seps := s.seps[:0]
	var text uint64 // NUL or a byte that is not ASCII: finish checks the text
	i := 0
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:])
		q, cr := w^(ones*'"'), w^(ones*'\r')
		if ((q-ones)&^q|(cr-ones)&^cr)&high != 0 {
			s.seps = seps
			return false
		}
		text |= w | (w-ones)&^w
		x := w ^ d
		m := ^((x&low + low) | x) & high
		n := len(seps)
		if cap(seps)-n < 8 {
			seps = append(seps, make([]int32, 8)...)[:n]
		}
		seps = seps[:n+2]
		seps[n] = int32(i + bits.TrailingZeros64(m)>>3)
		m2 := m & (m - 1)
		seps[n+1] = int32(i + bits.TrailingZeros64(m2)>>3)
		c := bits.OnesCount64(m)
		if c > 2 {
			for m2 &= m2 - 1; m2 != 0; m2 &= m2 - 1 {
				seps = append(seps, int32(i+bits.TrailingZeros64(m2)>>3))
			}
		}
		seps = seps[:n+c]
	}
	if i < len(line) {
		// The last bytes, fewer than eight: a word of them, the bytes
		// past the line masked out, when the buffer holds eight bytes
		// from here (it does but at the input's end).
		if start+i+8 > s.end {
			for ; i < len(line); i++ {
				switch c := line[i]; {
				case c == s.delim[0]:
					seps = append(seps, int32(i))
				case c == '"' || c == '\r':
					s.seps = seps
					return false
				case c == 0 || c >= utf8.RuneSelf:
					text |= high
				}
			}
		} else {
			keep := uint64(1)<<(8*(len(line)-i)) - 1 // the line's bytes
			w := binary.LittleEndian.Uint64(s.buf[start+i:])
			q, cr := w^(ones*'"'), w^(ones*'\r')
			// Exact zero bytes (see m), as a borrow past a zero byte
			// could mark a byte of the line after the masked ones.
			qz := ^((q&low + low) | q) & high & keep
			crz := ^((cr&low + low) | cr) & high & keep
			if qz|crz != 0 {
				s.seps = seps
				return false
			}
			text |= (w | ^((w&low + low) | w)) & high & keep
			x := w ^ d
			m := ^((x&low + low) | x) & high & keep
			for ; m != 0; m &= m - 1 {
				seps = append(seps, int32(i+bits.TrailingZeros64(m)>>3))
			}
		}
	}
	s.text = text&high != 0
	s.seps = seps
	// The fields are not built: seps are their bounds (see Field).
	formula := s.plainFormula[line[0]]
	for _, at := range seps {
		formula |= s.plainFormula[s.buf[start+int(at)+1]] // a delimiter or the line end when empty
	}
	s.formula = formula != 0
	s.plain = true
	s.finishPlain(end)
	return true
}

// formulaStart marks the first bytes of fields that may be formulas (see
// isFormula), and the quote: a quoted field's value is not known yet.
var formulaStart = [256]bool{'=': true, '@': true, '\t': true, '\r': true, '+': true, '-': true, '"': true}
