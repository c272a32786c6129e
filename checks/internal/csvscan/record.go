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
	s.clearFields()
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

// clearFields empties the current record's fields and what record finds
// of them: for record's general path, and at the end of the input, where
// there is no record.
func (s *Scanner) clearFields() {
	s.plain = false
	s.fields = s.fields[:0]
	s.esc = s.esc[:0]
	s.escs = s.escs[:0]
	s.spilled = 0
	s.text, s.formula = s.allText, false
	s.quotes, s.quoteAt = 0, -1
}

// Word masks: plainRecord looks at eight bytes at a time, as a
// little-endian uint64 w, and marks bytes by their high bits.
const (
	ones = 0x0101010101010101
	high = 0x8080808080808080
	low  = 0x7f7f7f7f7f7f7f7f
)

// zeros marks exactly the zero bytes of x.
func zeros(x uint64) uint64 { return ^((x&low + low) | x) & high }

// marked returns how many bytes m marks: their sum, in the top byte of
// the product (bits.OnesCount64 is no faster, and may be a call).
func marked(m uint64) int { return int((m >> 7) * ones >> 56) }

// unusual marks a superset of the bytes of w that a word of a plain line
// cannot hold without a closer look: every byte below 0x0e (NUL, tab, LF
// and CR among them) and the quote. A byte that is not ASCII is usual: no
// delimiter, quote or line end, only text, which plainRecord notes for
// finish to check. A byte's low seven bits decide, its high bit aside, so
// that no sum carries.
func unusual(w uint64) uint64 {
	w7 := w & low
	return ^((w7+ones*(0x80-0x0e))&((w7^ones*'"')+low) | w) & high
}

// asciiFormulas marks the bytes of w, all ASCII, that may start a
// formula: = @ + -, formulaStart but for the quote and the CR, which no
// field of a plain record starts with, and the tab, which is unusual.
// With no byte above 0x7f, x+low sets a byte's high bit exactly when
// the byte of x is not zero, and no sum carries; '=' and '-' differ in
// one bit, so one test finds both.
func asciiFormulas(w uint64) uint64 {
	return ^((((w | ones*0x10) ^ ones*'=') + low) & ((w ^ ones*'@') + low) & ((w ^ ones*'+') + low)) & high
}

// plainRecord reads the record at s.pos when it is plain, and reports
// whether it did: a line, already in the buffer, split at a one-byte
// delimiter, without a CR but a CRLF's, whose quotes (if any) quote
// whole fields, doubled inside them, and hold no line break (most
// records of most files). Such a record has no problem but with its
// text. plainRecord records what record would, faster: it looks at eight
// bytes at a time (32 where usualBlocks can), and only counts the
// delimiters; sep finds them, and Field unescapes a field with a doubled
// quote, when the field is asked for. Otherwise it changes nothing, and record reads the record.
func (s *Scanner) plainRecord() bool {
	if len(s.delim) != 1 || s.allText || s.delim[0] == '\r' || s.delim[0] == '\n' || s.delim[0] == '"' || s.general {
		return false
	}
	buf := s.buf[s.pos:s.end]
	d := ones * uint64(s.delim[0])
	// One pass, eight bytes at a time, up to the line's end. Each word
	// adds its delimiters (outside quotes) to seps, its field starts that
	// may be formulas to formula, and its bytes that are not ASCII to
	// text. A field starts at the record's first byte and after each
	// delimiter: next carries a delimiter's start from a word's last byte
	// over to the next word, and inq marks a word that starts inside
	// quotes.
	//
	// The word that holds the line end, and the word after a CR at a
	// word's end, must be whole in the input read so far, as they always
	// had to be: which unquoted records this path reads shows in
	// MaybeFormula, false here but true on the general path for an empty
	// field at a CR, or at a delimiter that is a formula start.
	var text, formula, quotes, doubled, inq uint64
	seps, first, next := 0, 0, uint64(1<<7) // first: the first delimiter's offset, once seps > 0
	for i := 0; ; i += 8 {
		// Most words hold only text, delimiters and quotes in their
		// places: usualBlocks reads them 32 bytes at a time where it can,
		// and the loops below those it leaves (a block with a quote out
		// of place, a CR, a control byte, the last words of the input).
		// While seps is 0, first is i, and usualBlocks's first is n.
		if hasBlocks && i+32 <= len(buf) {
			n, sp, at, f, txt, dbl, iq, nx, eol := usualBlocks(buf[i:], s.delim[0], inq != 0, next)
			if seps == 0 {
				first = i + at
			}
			seps += sp
			formula |= f
			text |= txt
			doubled |= dbl
			if eol >= 0 { // the record's line feed, in a usual run
				s.endPlain(seps, first, text != 0, formula|quotes != 0, doubled != 0, i+eol)
				return true
			}
			next, inq = nx, -iq&high
			i += n
		}
		for ; i+8 <= len(buf); i += 8 {
			w := binary.LittleEndian.Uint64(buf[i:])
			delims := zeros(w ^ d)
			if unusual(w)&^delims != 0 {
				break
			}
			delims &^= inq
			if at := i + bits.TrailingZeros64(delims)>>3; seps == 0 {
				first = at // no branch: a select
			}
			seps += marked(delims)
			formula |= asciiFormulas(w&low) &^ (w & high) &^ delims & (delims<<8 | next) // a delimiter starts an empty field
			text |= w & high
			next = delims >> 56
		}
		if i+8 > len(buf) {
			return false
		}
		// The word at i needs a closer look: the line may end in it; a
		// CR must be a CRLF's; a NUL or a byte that is not ASCII goes
		// to text, for finish to check the text; a tab may start a
		// formula; quotes must open at a field's start and close at
		// its end.
		w := binary.LittleEndian.Uint64(buf[i:])
		lf, q := zeros(w^ones*'\n'), zeros(w^ones*'"')
		eol := lf & -lf    // the line end: its LF, or the CR of its CRLF
		keep := eol>>7 - 1 // the line's bytes in w
		if cr := zeros(w^ones*'\r') & keep; cr != 0 {
			if eol == 0 && cr == 1<<63 && i+16 <= len(buf) && buf[i+8] == '\n' || cr == eol>>8 {
				eol, keep = cr, keep>>8
			} else {
				return false // a CR inside the line
			}
		}
		// quoted marks the bytes from an opening quote up to the closing
		// one (the prefix XOR of the quotes), from the word's start on
		// when it starts inside quotes.
		quoted := q ^ q<<8
		quoted ^= quoted << 16
		quoted ^= quoted<<32 ^ inq
		delims := zeros(w^d) &^ quoted & keep
		starts := delims<<8 | next
		// A quote opens at a field's start or right after a closing one
		// (a doubled quote), and closes before a delimiter, the line end
		// or an opening quote: that is record's plain and doubled quotes,
		// without its problems. A quote at the word's end closes before
		// the next word's first byte: next lets that open a quote.
		opens, closes := q&quoted&keep, q&^quoted&keep
		doubled |= closes << 8 & opens
		next = delims >> 56
		if closes&(1<<63) != 0 {
			if i+8 == len(buf) {
				return false
			}
			switch buf[i+8] {
			case '"': // doubled
				doubled, next = 1, next|1<<7
			case s.delim[0], '\n', '\r':
			default:
				return false
			}
		}
		if eol&quoted != 0 || opens&^(starts|closes<<8) != 0 || closes<<8&^(delims|eol|opens) != 0 {
			return false // a line break inside quotes, or a quote out of place
		}
		text |= (w | zeros(w)) & high & keep
		if at := i + bits.TrailingZeros64(delims)>>3; seps == 0 {
			first = at
		}
		seps += marked(delims)
		formulas := asciiFormulas(w&low)&^(w&high) | zeros(w^ones*'\t')
		formula |= formulas & keep &^ delims & starts
		// A quoted field may be a formula when its value's first byte, the
		// one after the quote, is a formula's start; when that byte is in
		// the next word, it is taken to be.
		fq := opens & starts
		quotes |= fq<<8&formulas&keep | fq>>63
		inq = -(quoted >> 63) & high
		if eol != 0 {
			s.endPlain(seps, first, text != 0, formula|quotes != 0, doubled != 0, i+bits.TrailingZeros64(eol)>>3)
			return true
		}
	}
}

// endPlain ends a record plainRecord read: seps delimiters, the first at
// first; its line end at end, after the record's start.
func (s *Scanner) endPlain(seps, first int, text, formula, doubled bool, end int) {
	s.plain, s.nsep, s.seps = true, seps, s.seps[:0]
	if seps > 0 {
		s.seps = append(s.seps, int32(first)) // for the first field, the one most asked for
	}
	s.text, s.formula = text, formula
	s.doubled, s.esc = doubled, s.esc[:0]
	s.finishPlain(s.pos + end)
}

// sepAt is sep, without a call for a delimiter found already: the first
// one, mostly, which plainRecord found.
func (s *Scanner) sepAt(k int) int {
	if k < len(s.seps) {
		return int(s.seps[k])
	}
	return s.sep(k)
}

// sep returns the offset in the plain record of its k'th delimiter,
// k < s.nsep. plainRecord only counts them: sep finds those up to the
// k'th the first time it is asked, so reading a record's first field costs
// one look for one delimiter. A quoted field's delimiter is the byte after
// its closing quote.
func (s *Scanner) sep(k int) int {
	raw := s.buf[s.start : s.start+s.recEnd]
	for n := len(s.seps); n <= min(k, s.nsep-1); n++ {
		from := 0
		if n > 0 {
			from = int(s.seps[n-1]) + 1
		}
		at := from + bytes.IndexByte(raw[from:], s.delim[0])
		if raw[from] == '"' {
			// The delimiter follows the closing quote, the first one
			// that is not doubled.
			at = from + 1
			for {
				at += bytes.IndexByte(raw[at:], '"') + 1
				if raw[at] != '"' {
					break
				}
				at++
			}
		}
		s.seps = append(s.seps, int32(at))
	}
	return int(s.seps[k])
}

// formulaStart marks the first bytes of fields that may be formulas (see
// isFormula), and the quote: a quoted field's value is not known yet.
var formulaStart = [256]bool{'=': true, '@': true, '\t': true, '\r': true, '+': true, '-': true, '"': true}
