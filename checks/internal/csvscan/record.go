package csvscan

import (
	"bytes"
	"encoding/binary"
	"math/bits"
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
		meta := lineMeta(fline - s.recLine)
		if quoted {
			meta |= fQuoted
		}
		if complex {
			meta |= fComplex
		}
		s.fields[n] = field{start: int32(fstart - s.start), end: int32(i - s.start), meta: meta}
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
	if len(s.delim) != 1 || s.allText || s.delim[0] == '\r' || s.delim[0] == '\n' || s.delim[0] == '"' {
		return false
	}
	const ones, high, low = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	// zeros marks exactly the zero bytes of x: their high bits.
	zeros := func(x uint64) uint64 { return ^((x&low + low) | x) & high }
	start := s.pos
	buf := s.buf[:s.end]
	d := ones * uint64(s.delim[0])
	// One pass, eight bytes at a time, up to the line's LF: a quote, or
	// a CR but a CRLF's, sends the record to the general path, and so
	// does a line that ends within eight bytes of the input read so far.
	// The delimiters' offsets go to seps, without a branch per
	// delimiter: each word stores two offsets (past the line when it has
	// fewer delimiters), and keeps as many as it has.
	seps := s.seps[:0]
	var text uint64 // NUL or a byte that is not ASCII: finish checks the text
	crLast := false // the word before ended with a CR
	end := 0
	for i := 0; ; i += 8 {
		if start+i+8 > len(buf) {
			s.seps = seps
			return false
		}
		w := binary.LittleEndian.Uint64(buf[start+i:])
		lf := zeros(w ^ ones*'\n')
		keep := ^uint64(0) // the line's bytes in w
		if lf != 0 {
			keep = (lf&-lf)>>7 - 1
		}
		cr := zeros(w^ones*'\r') & keep
		if crLast && (lf&(1<<7) == 0 || cr != 0) || zeros(w^ones*'"')&keep != 0 {
			s.seps = seps
			return false // a quote, or a CR inside the line
		}
		crLast = false
		if cr != 0 {
			// Only a CR right before the LF (CRLF), perhaps in the next word.
			if lf == 0 && cr == 1<<63 {
				crLast, keep = true, keep>>8
			} else if lf != 0 && cr == (lf&-lf)>>8 {
				keep >>= 8
			} else {
				s.seps = seps
				return false
			}
		}
		text |= (w | zeros(w)) & high & keep
		m := zeros(w^d) & keep
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
		if lf != 0 {
			end = start + i + bits.TrailingZeros64(lf)>>3
			if buf[end-1] == '\r' { // a record starts with a byte that is no line end
				end-- // CRLF
			}
			break
		}
	}
	s.text = text != 0
	s.seps = seps
	// The fields are not built: seps are their bounds (see Field).
	formula := s.plainFormula[buf[start]]
	for _, at := range seps {
		formula |= s.plainFormula[buf[start+int(at)+1]] // a delimiter or the line end when empty
	}
	s.formula = formula != 0
	s.plain = true
	s.finishPlain(end)
	return true
}

// formulaStart marks the first bytes of fields that may be formulas (see
// isFormula), and the quote: a quoted field's value is not known yet.
var formulaStart = [256]bool{'=': true, '@': true, '\t': true, '\r': true, '+': true, '-': true, '"': true}
