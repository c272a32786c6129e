package csvscan

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// plainDelims are the delimiters the differential tests try: the usual
// ones, and some that are formula starts or bytes the fast path looks at
// closely (the tab).
var plainDelims = []rune{',', ';', '\t', '|', '-', '=', '+', '@'}

// checkPlain holds the fast path (plainRecord) to the general one (record
// alone), field by field, on in with the delimiter d: both from NewBytes,
// and from a reader, and where usualBlocks reads blocks, with and without
// them. Fields are asked for in a different order in every record,
// positions before values in some, since the fast path finds its fields'
// bounds only when asked.
func checkPlain(t *testing.T, in []byte, d rune) {
	t.Helper()
	if hasBlocks {
		defer func() { hasBlocks = true }()
		hasBlocks = false
		checkPlainReads(t, in, d)
		hasBlocks = true
	}
	checkPlainReads(t, in, d)
}

func checkPlainReads(t *testing.T, in []byte, d rune) {
	t.Helper()
	for _, reader := range []bool{false, true} {
		scanner := func(general bool) *Scanner {
			var s *Scanner
			if reader {
				s = New(bytes.NewReader(in), d)
			} else {
				s = NewBytes(in, d)
			}
			s.general = general
			return s
		}
		fast, slow := scanner(false), scanner(true)
		for n := 0; ; n++ {
			more := fast.Scan()
			if more != slow.Scan() {
				t.Fatalf("%q, delimiter %q, record %d: fast Scan %v, general %v", in, d, n, more, !more)
			}
			if !more {
				break
			}
			where := fmt.Sprintf("%q, delimiter %q, reader %v, blocks %v, record %d (line %d)", in, d, reader, hasBlocks, n, slow.Line())
			if got, want := plainRecordOf(fast, n), plainRecordOf(slow, n); got != want {
				t.Fatalf("%s:\n fast    %s\n general %s", where, got, want)
			}
			// MaybeFormula is a hint: the general path says true for an
			// empty field that starts with a CR or with the delimiter, and
			// for every quoted field; the fast path only for a field whose
			// value starts like a formula, and perhaps for a record with
			// quotes.
			if fast.plain {
				if want, quoted := plainFormula(fast); want && !fast.MaybeFormula() || fast.MaybeFormula() && !want && !quoted {
					t.Fatalf("%s: MaybeFormula %v, want %v (quoted %v)", where, fast.MaybeFormula(), want, quoted)
				}
				if fast.MaybeFormula() && !slow.MaybeFormula() {
					t.Fatalf("%s: MaybeFormula true, general false", where)
				}
			} else if fast.MaybeFormula() != slow.MaybeFormula() {
				t.Fatalf("%s: MaybeFormula %v, general %v", where, fast.MaybeFormula(), slow.MaybeFormula())
			}
		}
		if fast.Offset() != slow.Offset() || fast.Line() != slow.Line() {
			t.Fatalf("%q, delimiter %q: at the end, offset %d line %d, general %d %d", in, d, fast.Offset(), fast.Line(), slow.Offset(), slow.Line())
		}
	}
}

// plainRecordOf renders the current record for checkPlain: its place,
// flags and problems, and its fields (value, position, lost) asked for in
// an order that depends on n.
func plainRecordOf(s *Scanner, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d at %d-%d, %d fields, partial=%v cut=%v:", s.Line(), s.RecordOffset(), s.Offset(), s.NumFields(), s.Partial(), s.Cut())
	for _, p := range s.Problems() {
		fmt.Fprintf(&b, " [%d:%d %s]", p.Line, p.Col, p.Msg)
	}
	fields := make([]string, s.NumFields())
	for k := range fields {
		i := k
		switch n % 4 {
		case 1:
			i = len(fields) - 1 - k // the last first
		case 2:
			i = (k + n) % len(fields) // from somewhere in the middle
		}
		var v []byte
		var line, col int
		if n%3 == 0 {
			line, col = s.FieldPos(i)
			v = s.Field(i)
		} else {
			v = s.Field(i)
			line, col = s.FieldPos(i)
		}
		fields[i] = fmt.Sprintf(" %q@%d:%d lost=%v", v, line, col, s.Lost(i))
	}
	b.WriteString(strings.Join(fields, ""))
	return b.String()
}

// plainFormula is MaybeFormula for a record the fast path read: whether
// a field's value starts with = @ + - or a tab; and whether the record
// has a quote, where MaybeFormula may be true all the same.
func plainFormula(s *Scanner) (formula, quoted bool) {
	raw := s.buf[s.start : s.start+s.recEnd]
	quoted = bytes.IndexByte(raw, '"') >= 0
	for i := range s.NumFields() {
		if v := s.Field(i); len(v) > 0 && strings.IndexByte("=@+-\t", v[0]) >= 0 {
			return true, quoted
		}
	}
	return false, quoted
}

// TestPlainRecordDifferential holds the fast path to the general one on
// random records: fields of text, delimiters, formula starts, simple and
// doubled quotes, line ends of each kind, NUL, UTF-8 and invalid bytes,
// most of them plain, on lines of every length.
func TestPlainRecordDifferential(t *testing.T) {
	rnd := xorshift(7)
	text := []string{"a", "bc", "xyz01", "2024-01-02", "user@example.com", " ", "=", "@", "+", "-", "\t", "é", "\x00", "\xff", "\"", "\r", ",", ";", "|"}
	ends := []string{"\n", "\n", "\r\n", "\r", ""}
	for n := range 3000 {
		var b strings.Builder
		for range 1 + rnd(6) {
			fields := 1 + rnd(8)
			d := string(plainDelims[rnd(len(plainDelims))])
			if rnd(2) == 0 {
				d = ","
			}
			for f := range fields {
				if f > 0 {
					b.WriteString(d)
				}
				var v strings.Builder
				for range rnd(4) {
					if rnd(4) == 0 {
						v.WriteString(text[rnd(len(text))])
					} else {
						v.WriteString(text[rnd(5)])
					}
				}
				switch rnd(6) {
				case 0:
					fmt.Fprintf(&b, "%q", v.String()) // Go quoting: often plain, sometimes not
				case 1:
					b.WriteString(`"` + strings.ReplaceAll(v.String(), `"`, `""`) + `"`)
				default:
					b.WriteString(v.String())
				}
			}
			b.WriteString(ends[rnd(len(ends))])
		}
		in := []byte(b.String())
		checkPlain(t, in, ',')
		checkPlain(t, in, plainDelims[n%len(plainDelims)])
	}
}

// FuzzPlainRecord holds the fast path to the general one, field by field,
// on any input and delimiter.
func FuzzPlainRecord(f *testing.F) {
	f.Add([]byte("a,b,c\n=1,\"x,y\",\t\r\n\"q\"\"\",é\x00,\n"), uint8(0))
	f.Add([]byte("k\t-v\t\"t\tu\"\r\nk2\t\t@\n"), uint8(2))
	f.Add([]byte("user@example.com,Ana,Kim,2023-03-04,team,\"churn, risk\"\n"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, delim uint8) {
		checkPlain(t, data, plainDelims[int(delim)%len(plainDelims)])
	})
}

// TestPlainRecordQuoted checks that the fast path reads the records with
// quoted fields it is for, plain or with doubled quotes, wherever their
// quotes fall in its words: the differential tests hold it to the
// general path, but cannot tell which path read a record.
func TestPlainRecordQuoted(t *testing.T) {
	for n := range 17 {
		for _, q := range []string{`"b,c"`, `"b""c"`, `""""`, `""`, `"b"""`, `"""b"`} {
			for _, eol := range []string{"\n", "\r\n"} {
				for _, line := range []string{strings.Repeat("a", n) + "," + q + ",d", strings.Repeat("a", n) + "," + q} {
					in := []byte(line + eol + line + eol + strings.Repeat("z", 16))
					s := NewBytes(in, ',')
					if !s.Scan() || !s.plain {
						t.Errorf("%q: read on the general path", line)
					}
					checkPlain(t, in, ',')
				}
			}
		}
	}
}

// TestPlainRecordFormulaHint pins which unquoted records the fast path
// reads where that shows: MaybeFormula, a hint, is true on the general
// path for an empty field at a CR or at a delimiter that is a formula
// start, false on the fast path, which reads a record only when the word
// that ends its line (or follows a CR at a word's end) is whole.
func TestPlainRecordFormulaHint(t *testing.T) {
	z := strings.Repeat("z", 16)
	for _, c := range []struct {
		in   string
		d    rune
		want bool
	}{
		{"a;b;;\r\n" + z, ';', false},
		{";; bc;;\r\n,,", ';', true}, // the LF's word is not whole
		{"abcdef;\r\n" + z, ';', false},
		{"abcdef;\r\nxy", ';', true}, // nor the word after the CR
		{"abcdefg;\nxyzxyzx", ';', false},
		{"a--b\n" + z, '-', false},
		{"a--b\n", '-', true},
	} {
		s := NewBytes([]byte(c.in), c.d)
		if !s.Scan() || s.MaybeFormula() != c.want {
			t.Errorf("%q, delimiter %q: MaybeFormula %v, want %v", c.in, c.d, s.MaybeFormula(), c.want)
		}
	}
}
