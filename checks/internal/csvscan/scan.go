// Package csvscan is the bulk gate's CSV reader: a streaming RFC 4180
// scanner written for the job, because encoding/csv cannot report CR-only
// line ends, cannot keep going after a malformed record and does not give a
// record's physical start line.
//
// A [Scanner] reads through its own window buffer (it never holds more
// than one record, up to 8 MiB, plus one read's worth of input), and hands
// out field values as slices of that buffer: an unquoted or a plainly
// quoted field costs no copy at all; only a quoted field with a doubled
// quote is unescaped into a second, reused buffer.
//
// # Rules it follows
//
//   - LF, CRLF and CR alone each end a physical line and, outside quotes, a
//     record. Line breaks inside a quoted field count as lines. Blank lines
//     are not records but count as lines.
//   - A UTF-8 byte order mark at the very start is skipped. It is not
//     reported: the contract's header labels are compared "after removing a
//     BOM", and header names are looked up without it.
//   - An Excel "sep=X" first line (X one character) sets the delimiter and
//     is not a record; it counts as line 1.
//   - Problems (a quote inside an unquoted field, text after a closing
//     quote, invalid UTF-8, a NUL byte, a record too long to hold) are
//     attached to the record and the scan goes on with the next record. An
//     unterminated quoted field runs to the end of the input: it ends the
//     scan at that record.
//   - Positions: a record is reported at the physical line it starts on,
//     so a column is only given for a place on that line (see reportCol);
//     for a place on a later line of the record it is 0, unknown.
//   - A record as long as the limit or longer is not held: its fields are
//     dropped from the buffer as the scan goes, and read as empty and lost
//     ([Scanner.Lost]), but those the caller asked to keep ([Scanner.Keep]:
//     the key columns). A kept field is copied aside before the buffer
//     drops it, so it is read whole unless it is itself as long as the
//     limit. Both are found at exactly the limit, whatever came before in
//     the input: a scanner that starts at the record (Split, Reset) reads
//     it the same.
//
// # Speed
//
// Most records of most files are plain: one line, no CR but a CRLF's,
// quotes only around whole fields. plainRecord reads those in one pass of
// word masks (eight bytes at a time, or 32 with AVX2 in usual_amd64.s)
// that counts the delimiters and notes what may be a formula, and finds a
// field's bounds only when it is asked for; anything else goes to the
// general path, byte by byte, which the fast one is held to by tests.
//
// A large input can be scanned in parts side by side: [Scanner.Split]
// starts a scanner at a line end, and [Scanner.StopAt] ends the one
// before it there, and says whether that was a record boundary.
//
// It imports nothing of the project.
package csvscan

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"unicode/utf8"
)

const (
	defaultMaxRecord = 8 << 20  // a record longer than this is reported, not held
	readSize         = 64 << 10 // bytes asked of the reader at a time
)

// Problem is something wrong with one record.
type Problem struct {
	Line, Col int // physical position, 1-based; Col 0 when unknown
	Msg       string
}

// field is one field of the current record, in 12 bytes: a record of
// millions of empty fields holds one each. start and end index the
// record's raw bytes (quotes included); an esc field's value is
// s.esc[r.from:r.to], r = s.escs[end]. meta is the physical line the
// field starts on, after the record's (at most maxFieldLine), times 16,
// plus its flags.
type field struct {
	start, end int32 // a record is at most maxRecord bytes
	meta       uint32
}

const (
	fQuoted  = 1 << iota
	fComplex // quoted with a doubled quote or text after the closing quote
	fEsc
	fLost // in a record too long to hold, and not kept: read as empty

	fieldFlags   = 4
	maxFieldLine = 1<<(32-fieldFlags) - 1 // a field on a later line is said to be on this one
)

// lineMeta returns meta for a field line lines after its record's start.
func lineMeta(line int) uint32 { return uint32(min(line, maxFieldLine)) << fieldFlags }

func (f *field) line() int     { return int(f.meta >> fieldFlags) }
func (f *field) quoted() bool  { return f.meta&fQuoted != 0 }
func (f *field) complex() bool { return f.meta&fComplex != 0 }
func (f *field) esc() bool     { return f.meta&fEsc != 0 }
func (f *field) lost() bool    { return f.meta&fLost != 0 }

// lostField returns f lost: read as empty.
func lostField(f *field) field { return field{meta: f.meta&^(1<<fieldFlags-1) | fLost} }

// escRange is where an esc field's value is in Scanner.esc.
type escRange struct{ from, to int32 }

// Scanner reads CSV records one at a time; see the package comment.
type Scanner struct {
	r   io.Reader
	src []byte // NewBytes: the whole input; buf is src[base:]
	err error  // the read error that ended the input, other than io.EOF
	eof bool

	// buf[:end] holds input: a window of size bytes (a reader's buffer,
	// or a view of src that acts the same: it "reads" readSize bytes at a
	// time, and "moves" and "grows" where a reader's buffer would).
	buf   []byte
	size  int
	start int   // the current record's first byte in buf
	pos   int   // the scan position in buf
	end   int   // buf[:end] holds input
	base  int64 // the input offset of buf[0]
	line  int   // the physical line at pos
	crOff int64 // the input offset of the last CR that ended a line

	delim    []byte
	special  [256]bool // bytes that stop the unquoted fast loop
	qspecial [256]bool // bytes that stop the quoted fast loop
	// The current record is plainRecord's: it has nsep delimiters, and
	// seps holds the offsets of those sep found so far; fields is not
	// used.
	plain   bool
	nsep    int
	seps    []int32
	doubled bool // a quoted field of it has a doubled quote: Field unescapes it into esc
	// general: every record is read on record's general path, which
	// the tests hold plainRecord to
	general bool
	// allText: the delimiter is NUL or not ASCII, so the fast loops do not
	// see every such byte, and every record's text is checked
	allText bool

	begun   bool
	done    bool
	stop    int64 // StopAt's offset, or 0
	stopped bool  // Scan ended at stop, on a record boundary

	maxRecord int
	keep      []int // indexes of the fields a record too long to hold keeps (Keep)

	// The current record.
	recLine  int
	recOff   int64 // the input offset of the current record's first byte
	text     bool  // it has a NUL or a non-ASCII byte: finish checks its text
	formula  bool  // a field starts with a byte a formula may start with, or a quote
	recEnd   int   // raw length, without the line end
	overflow bool
	cut      bool // an unterminated quote ended the scan at this record
	spilled  int  // fields before this one are out of the buffer: copied to esc, or lost
	fstart   int  // while record calls fill: the buffer index the field being read starts at
	quotes   int  // misplaced quotes seen
	quoteAt  int  // the problem that reports the first, or -1
	colP     int  // column cache: raw byte colP is at column colN
	colN     int
	fields   []field
	esc      []byte
	escs     []escRange
	problems []Problem
}

// New returns a scanner reading r with the given one-rune delimiter.
func New(r io.Reader, delim rune) *Scanner {
	s := newScanner(delim)
	s.r = r
	s.buf = make([]byte, readSize*2)
	return s
}

// NewBytes returns a scanner reading data (a mapped file, say) with the
// given one-rune delimiter. It reads what New reads from a reader of data,
// with the same problems at the same places, but without copying: field
// values are slices of data.
func NewBytes(data []byte, delim rune) *Scanner {
	s := newScanner(delim)
	s.src, s.buf = data, data
	return s
}

func newScanner(delim rune) *Scanner {
	s := &Scanner{line: 1, crOff: -2, maxRecord: defaultMaxRecord, size: readSize * 2}
	s.setDelim(delim)
	s.qspecial['"'], s.qspecial['\n'], s.qspecial['\r'] = true, true, true
	markText(&s.qspecial)
	return s
}

// Reset makes the scanner read r, the input from offset off on, where a
// record starts: no byte order mark or "sep=" line is looked for there,
// and the delimiter and the kept fields (Keep) stay. It is for reading a
// record again, at its offset (RecordOffset), as the scan read it: a
// record reads the same whatever comes before it, but that lines count
// from 1 again. The scanner keeps its buffers, so a Reset costs no
// allocation; a scanner from NewBytes cannot be Reset.
func (s *Scanner) Reset(r io.Reader, off int64) {
	if s.src != nil {
		panic("csvscan: Reset of a scanner reading bytes")
	}
	n := s.at(off)
	n.r, n.buf = r, s.buf[:readSize*2]
	n.seps, n.fields, n.esc, n.escs, n.problems = s.seps[:0], s.fields[:0], s.esc[:0], s.escs[:0], s.problems[:0]
	*s = n
}

// at returns a scanner with s's settings (delimiter, limit, kept fields)
// for the input from offset off on, where a record starts: no byte order
// mark or "sep=" line is looked for there, and lines count from 1. It has
// no input nor buffers yet: Reset and Split give it those.
func (s *Scanner) at(off int64) Scanner {
	return Scanner{
		base: off, size: readSize * 2, line: 1, crOff: -2, begun: true, maxRecord: s.maxRecord,
		delim: s.delim, special: s.special, qspecial: s.qspecial, allText: s.allText, general: s.general,
		keep: s.keep,
	}
}

// markText makes a fast loop stop at the bytes that need the UTF-8 and
// NUL checks: NUL and every byte that is not ASCII. A record without
// any (most, in most files) skips those checks.
func markText(t *[256]bool) {
	t[0] = true
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
}

func (s *Scanner) setDelim(d rune) {
	s.delim = utf8.AppendRune(s.delim[:0], d)
	s.special = [256]bool{}
	s.special['"'], s.special['\n'], s.special['\r'] = true, true, true
	markText(&s.special)
	s.special[s.delim[0]] = true
	s.allText = len(s.delim) > 1 || s.delim[0] == 0
}

// Delimiter returns the delimiter in effect: the one New was given, or
// the one an Excel "sep=" first line set. It is known after the first Scan.
func (s *Scanner) Delimiter() rune {
	r, _ := utf8.DecodeRune(s.delim)
	return r
}

// Err returns the read error that ended the scan early, if any.
func (s *Scanner) Err() error { return s.err }

// RecordOffset returns the input offset of the current record's first
// byte (after the line ends before it).
func (s *Scanner) RecordOffset() int64 { return s.recOff }

// Offset returns how many bytes of the input the scan has read through:
// the offset just past the current record.
func (s *Scanner) Offset() int64 { return s.base + int64(s.pos) }

// Line returns the physical line the current record starts on.
func (s *Scanner) Line() int { return s.recLine }

// NumFields returns the number of fields of the current record.
func (s *Scanner) NumFields() int {
	if s.plain {
		return s.nsep + 1
	}
	return len(s.fields)
}

// MaybeFormula reports whether a field of the current record may start
// like a spreadsheet formula: when false, none does.
func (s *Scanner) MaybeFormula() bool { return s.formula }

// Problems returns what is wrong with the current record.
func (s *Scanner) Problems() []Problem { return s.problems }

// Cut reports whether the current record has an unterminated quote that
// ran to the end of the input.
func (s *Scanner) Cut() bool { return s.cut }

// Partial reports whether the current record was too long to hold: only
// its kept fields (Keep) are read, and those perhaps not (Lost).
func (s *Scanner) Partial() bool { return s.overflow }

// Lost reports whether field i of the current record was not read: the
// record was too long to hold, and the field was not kept (Keep) or was
// itself too long. Its value then reads as empty.
func (s *Scanner) Lost(i int) bool { return !s.plain && s.fields[i].lost() }

// Keep names the fields (0-based indexes) that a record too long to hold
// still reads, from the next record on: the key columns.
func (s *Scanner) Keep(fields []int) { s.keep = append(s.keep[:0], fields...) }

// kept reports whether field i is kept; asked only of records too long to
// hold.
func (s *Scanner) kept(i int) bool { return slices.Contains(s.keep, i) }

// Field returns the i'th field's value. It is valid until the next Scan.
func (s *Scanner) Field(i int) []byte {
	if s.plain {
		from, to := 0, s.recEnd
		if i > 0 {
			from = s.sepAt(i-1) + 1
		}
		if i < s.nsep {
			to = s.sepAt(i)
		}
		if from < to && s.buf[s.start+from] == '"' {
			if raw := s.buf[s.start+from : s.start+to]; s.doubled && bytes.IndexByte(raw[1:len(raw)-1], '"') >= 0 {
				n := len(s.esc)
				s.esc = unquote(s.esc, raw)
				return s.esc[n:] // unescaped each time it is asked for: once, mostly
			}
			from, to = from+1, to-1 // a plain quoted field
		}
		return s.buf[s.start+from : s.start+to]
	}
	f := &s.fields[i]
	if f.esc() {
		r := s.escs[f.end]
		return s.esc[r.from:r.to]
	}
	if f.quoted() {
		return s.buf[s.start+int(f.start)+1 : s.start+int(f.end)-1] // a plain quoted field
	}
	return s.buf[s.start+int(f.start) : s.start+int(f.end)]
}

// FieldPos returns the physical line where field i starts, and the column
// a finding about the field carries (see reportCol): its 1-based
// code-point column when it starts on the record's first line, else 0.
func (s *Scanner) FieldPos(i int) (line, col int) {
	if i == 0 {
		return s.recLine, 1 // the first field starts the record, even one too long to hold
	}
	if s.plain {
		return s.recLine, s.reportCol(s.recLine, s.sepAt(i-1)+1)
	}
	f := &s.fields[i]
	return s.recLine + f.line(), s.reportCol(s.recLine+f.line(), int(f.start))
}

// reportCol returns the column a finding about the current record carries
// for its raw byte p, on physical line line: the one rule for every
// position the scanner reports, problems and fields alike. A finding's
// line is the line where the record starts, so a column measured on a
// later line of the record would point at other text: there it is 0
// (unknown), as it is in a record too long to hold, whose start is gone.
func (s *Scanner) reportCol(line, p int) int {
	if line != s.recLine || s.overflow {
		return 0
	}
	return s.column(p)
}

// column returns the 1-based code-point column of the record's raw byte p.
// It goes on from the last answer when p lies after it, so asking for the
// columns of a record's fields in order costs one pass over the record.
// Callers ask through reportCol, for bytes on the record's first line.
func (s *Scanner) column(p int) int {
	from, col := 0, 1
	if p >= s.colP {
		from, col = s.colP, s.colN
	}
	raw := s.buf[s.start+from : s.start+p]
	if i := bytes.LastIndexAny(raw, "\r\n"); i >= 0 {
		raw, col = raw[i+1:], 1
	}
	col += utf8.RuneCount(raw)
	s.colP, s.colN = p, col
	return col
}

// quoteProblem counts a misplaced quote and reports whether it is the
// record's first, the only one reported: a long line of stray quotes must
// not cost a problem (and a column count) each.
func (s *Scanner) quoteProblem() bool {
	s.quotes++
	if s.quotes == 1 && !s.overflow {
		s.quoteAt = len(s.problems)
		return true
	}
	return false
}

// problem reports a problem at the record's raw byte p, on physical line
// line; p < 0 when the place has no column.
func (s *Scanner) problem(line, p int, format string, args ...any) {
	col := 0
	if p >= 0 {
		col = s.reportCol(line, p)
	}
	s.problems = append(s.problems, Problem{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// fill reads more input, keeping the current record, and returns i (an
// index into buf) adjusted for any move. It reports false at the end of
// the input. A record that outgrows maxRecord is dropped up to i.
func (s *Scanner) fill(i int) (int, bool) {
	if s.eof {
		return i, false
	}
	if s.end == s.size || !s.overflow && s.end-s.start >= s.maxRecord {
		keep := s.start
		if s.end-s.start >= s.maxRecord {
			// The record is too long: forget what is scanned of it, but
			// the kept fields (spill) and the start of a kept field being
			// read, unless that field is itself too long.
			s.overflow = true
			s.spill()
			keep = i
			if s.kept(len(s.fields)) && s.fstart >= s.start && i-s.fstart < s.maxRecord {
				keep = s.fstart
			}
			s.fstart -= keep
		}
		if keep > 0 {
			if s.src != nil {
				s.buf = s.buf[keep:]
			} else {
				copy(s.buf, s.buf[keep:s.end])
			}
			s.base += int64(keep)
			s.end -= keep
			i -= keep
			s.start -= min(s.start, keep)
		}
		if s.end > s.size-readSize {
			s.size *= 2
			if s.src == nil {
				nb := make([]byte, s.size)
				copy(nb, s.buf[:s.end])
				s.buf = nb
			}
		}
	}
	// Until a record is too long, it is read up to maxRecord bytes and no
	// further: it is found too long at exactly that many, whatever the
	// reads and the window before it.
	room := min(s.size-s.end, readSize)
	if !s.overflow {
		room = min(room, s.start+s.maxRecord-s.end)
	}
	if s.src != nil {
		n := min(room, len(s.buf)-s.end)
		s.end += n
		s.eof = s.end == len(s.buf)
		return i, n > 0
	}
	for {
		n, err := s.r.Read(s.buf[s.end : s.end+room])
		s.end += n
		if err != nil {
			if err != io.EOF {
				s.err = err
			}
			s.eof = true
			return i, n > 0
		}
		if n > 0 {
			return i, true
		}
	}
}

// spill takes the record's finished fields out of the buffer, which is
// about to drop them: a kept field's value is copied to esc, any other is
// lost. Each field is spilled once; fields that start before the buffer's
// content (their start was dropped already) are lost.
func (s *Scanner) spill() {
	for k := s.spilled; k < len(s.fields); k++ {
		f := &s.fields[k]
		if !s.kept(k) || f.start < 0 || f.end-f.start >= int32(s.maxRecord) {
			*f = lostField(f)
			continue
		}
		from := len(s.esc)
		raw := s.buf[s.start+int(f.start) : s.start+int(f.end)]
		if f.quoted() {
			s.esc = unquote(s.esc, raw)
		} else {
			s.esc = append(s.esc, raw...)
		}
		s.escs = append(s.escs, escRange{int32(from), int32(len(s.esc))})
		*f = field{end: int32(len(s.escs) - 1), meta: f.meta&^(1<<fieldFlags-1) | fEsc}
	}
	s.spilled = len(s.fields)
}

// offset returns the input offset of buf[i].
func (s *Scanner) offset(i int) int64 { return s.base + int64(i) }

// begin skips a byte order mark and reads an Excel "sep=" line.
func (s *Scanner) begin() {
	s.begun = true
	for s.end < 12 && !s.eof { // a BOM, "sep=", a rune, a line end
		s.pos, _ = s.fill(s.pos)
	}
	b := s.buf[:s.end]
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		s.pos = 3
		b = b[3:]
	}
	if len(b) >= 5 && bytes.EqualFold(b[:4], []byte("sep=")) {
		r, n := utf8.DecodeRune(b[4:])
		rest := b[4+n:]
		if r != utf8.RuneError && r != '"' && r != '\n' && r != '\r' &&
			(len(rest) == 0 || rest[0] == '\n' || rest[0] == '\r') {
			s.setDelim(r)
			s.pos += 4 + n // the line end is skipped as a blank line
			if len(rest) == 0 {
				s.line++ // "sep=;" alone: still a line
			}
		}
	}
}

// Scan reads the next record. It returns false at the end of the input, or
// after a record with an unterminated quote.
func (s *Scanner) Scan() bool {
	if !s.begun {
		s.begin()
	}
	if s.done {
		return false
	}
	// What every record sets; record sets the rest.
	s.problems = s.problems[:0]
	s.overflow, s.cut = false, false
	s.colP, s.colN = 0, 1
	s.start = s.pos
	// Skip line ends: blank lines, and the LF of a CRLF.
	i := s.pos
	for {
		if s.stop > 0 && s.offset(i) >= s.stop {
			s.pos, s.done = i, true
			s.stopped = s.offset(i) == s.stop
			return false
		}
		if i == s.end {
			var ok bool
			if i, ok = s.fill(i); !ok {
				s.pos = i
				s.done = true
				s.clearFields()
				return false
			}
		}
		c := s.buf[i]
		if c == '\n' {
			if s.offset(i)-1 != s.crOff {
				s.line++
			}
		} else if c == '\r' {
			s.line++
			s.crOff = s.offset(i)
		} else {
			break
		}
		i++
		s.start = i
	}
	s.pos = i
	s.start = i
	s.recLine = s.line
	s.recOff = s.offset(i)
	s.record()
	return true
}

// finish ends the current record at buf index i (its line end, or the end
// of the input): it consumes the line end, unescapes complex fields and
// checks the bytes.
func (s *Scanner) finish(i int) {
	s.recEnd = i - s.start
	if i < s.end {
		switch s.buf[i] {
		case '\n':
			if s.offset(i)-1 != s.crOff {
				s.line++
			}
			i++
		case '\r':
			s.line++
			s.crOff = s.offset(i)
			i++
		}
	}
	s.pos = i
	if s.quotes > 1 && s.quoteAt >= 0 && s.quoteAt < len(s.problems) {
		p := &s.problems[s.quoteAt]
		p.Msg += fmt.Sprintf(" (and %d more misplaced quotes in this record)", s.quotes-1)
	}
	if s.overflow {
		// The fields not spilled are in the buffer, but for one whose
		// start was dropped; only the kept ones are read.
		for k := s.spilled; k < len(s.fields); k++ {
			if f := &s.fields[k]; !s.kept(k) || f.start < 0 || f.end-f.start >= int32(s.maxRecord) {
				*f = lostField(f) // not kept, or itself too long
			}
		}
		s.problem(s.recLine, -1, "%s", s.overflowMsg())
	}
	raw := s.buf[s.start : s.start+s.recEnd]
	for k := s.spilled; k < len(s.fields); k++ {
		f := &s.fields[k]
		if !f.complex() || f.lost() {
			continue
		}
		from := len(s.esc)
		s.esc = unquote(s.esc, raw[f.start:f.end])
		s.escs = append(s.escs, escRange{int32(from), int32(len(s.esc))})
		f.end, f.meta = int32(len(s.escs)-1), f.meta|fEsc
	}
	if !s.text || s.overflow {
		return // the text of a record too long to hold is not checked
	}
	s.checkText(raw)
}

// finishPlain is finish for a record plainRecord read, which ends at buf
// index end, at a LF or the CR of a CRLF: no quote, no field to unescape,
// no record too long to hold.
func (s *Scanner) finishPlain(end int) {
	s.recEnd = end - s.start
	if s.buf[end] == '\r' {
		s.line++
		s.crOff = s.offset(end)
	} else if s.offset(end)-1 != s.crOff {
		s.line++
	}
	s.pos = end + 1
	if s.text {
		s.checkText(s.buf[s.start:end])
	}
}

// checkText reports the current record's first invalid UTF-8 and NUL
// byte; raw is the record.
func (s *Scanner) checkText(raw []byte) {
	if !validUTF8(raw) {
		for k := 0; k < len(raw); {
			r, n := utf8.DecodeRune(raw[k:])
			if r == utf8.RuneError && n <= 1 {
				line := s.recLine + lineBreaks(raw[:k])
				s.problem(line, k, "invalid UTF-8 at byte offset %d: expected UTF-8 text", s.offset(s.start+k))
				break
			}
			k += n
		}
	}
	if k := bytes.IndexByte(raw, 0); k >= 0 {
		line := s.recLine + lineBreaks(raw[:k])
		s.problem(line, k, "a NUL byte at byte offset %d: expected text", s.offset(s.start+k))
	}
}

// validUTF8 is utf8.Valid for a record of mostly ASCII text with a few
// other letters, as in Müller or Léa: it steps over ASCII 16 or 8 bytes
// at a time and decodes only the other runes. (utf8.Valid steps 8 bytes
// at a time only up to the first rune that is not ASCII, then a byte at a
// time: an 87-byte row with two such letters takes it ~46 ns, and 19 ns
// here; BenchmarkValidUTF8.)
func validUTF8(b []byte) bool {
	for len(b) > 0 {
		switch {
		case len(b) >= 16 && (binary.LittleEndian.Uint64(b)|binary.LittleEndian.Uint64(b[8:]))&0x8080808080808080 == 0:
			b = b[16:]
			continue
		case len(b) >= 8:
			high := binary.LittleEndian.Uint64(b) & 0x8080808080808080
			if high == 0 {
				b = b[8:]
				continue
			}
			b = b[bits.TrailingZeros64(high)/8:]
		case b[0] < utf8.RuneSelf: // the last 7 bytes at most
			b = b[1:]
			continue
		}
		if c := b[0]; c >= 0xc2 && c < 0xe0 && len(b) > 1 && b[1]&0xc0 == 0x80 { // é, ü: two bytes
			b = b[2:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			return false
		}
		b = b[n:]
	}
	return true
}

// overflowMsg describes a record too long to hold: which of its fields,
// if any, are read.
func (s *Scanner) overflowMsg() string {
	msg := fmt.Sprintf("record longer than %d MiB: not read", s.maxRecord>>20)
	keep, lost := 0, 0
	for k := range s.fields {
		if s.kept(k) {
			keep++
			if s.fields[k].lost() {
				lost++
			}
		}
	}
	switch {
	case keep == 0:
		return msg
	case lost == 0 && keep == 1:
		return msg + ", but for its key field"
	case lost == 0:
		return msg + ", but for its key fields"
	case keep == 1:
		return msg + ", nor its key field (itself longer than the limit): its key takes no part in the key checks"
	}
	return msg + fmt.Sprintf(", nor %d of its %d key fields (themselves longer than the limit): its key takes no part in the key checks", lost, keep)
}

// unquote appends the value of a quoted raw field to dst: the quotes
// dropped, doubled quotes halved, any text after the closing quote kept.
func unquote(dst, raw []byte) []byte {
	i := 1
	for i < len(raw) {
		c := raw[i]
		if c != '"' {
			dst = append(dst, c)
			i++
			continue
		}
		if i+1 < len(raw) && raw[i+1] == '"' {
			dst = append(dst, '"')
			i += 2
			continue
		}
		return append(dst, raw[i+1:]...) // the closing quote, then the tail
	}
	return dst
}

// lineBreaks counts line ends (LF, CRLF, CR) in b.
func lineBreaks(b []byte) int {
	n := 0
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') || c == '\r' {
			n++
		}
	}
	return n
}
