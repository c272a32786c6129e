package csvscan

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/preflight-gate/preflight/bench/csvgen"
)

// startsLikeFormula reports whether a cell's first byte is one a
// spreadsheet formula may start with (the bulk gate then looks closer).
func startsLikeFormula(v []byte) bool {
	switch v[0] {
	case '=', '@', '\t', '\r', '+', '-':
		return true
	}
	return false
}

// scanCSVAll scans everything; a record as a test sees it: "LINE: field|field" plus its
// problems as "LINE:COL: message".
func scanCSVAll(t testing.TB, r io.Reader, delim rune) (recs []string, problems []string, s *Scanner) {
	t.Helper()
	s = New(r, delim)
	for s.Scan() {
		fs := make([]string, s.NumFields())
		for i := range fs {
			fs[i] = string(s.Field(i))
		}
		recs = append(recs, fmt.Sprintf("%d: %s", s.Line(), strings.Join(fs, "|")))
		for _, p := range s.Problems() {
			problems = append(problems, fmt.Sprintf("%d:%d: %s", p.Line, p.Col, p.Msg))
		}
	}
	return recs, problems, s
}

func TestScanner(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		delim    rune
		recs     []string
		problems []string // substrings, in order
	}{
		{name: "empty", in: ""},
		{name: "blank lines only", in: "\n\r\n\r\n"},
		{name: "LF", in: "a,b\nc,d\n", recs: []string{"1: a|b", "2: c|d"}},
		{name: "no final line end", in: "a,b\nc,d", recs: []string{"1: a|b", "2: c|d"}},
		{name: "CRLF", in: "a,b\r\nc,d\r\n", recs: []string{"1: a|b", "2: c|d"}},
		{name: "CR only", in: "a,b\rc,d\re", recs: []string{"1: a|b", "2: c|d", "3: e"}},
		{name: "blank lines count", in: "a\n\n\r\n\rb\n", recs: []string{"1: a", "5: b"}},
		{name: "empty fields", in: ",\na,,\n,b", recs: []string{"1: |", "2: a||", "3: |b"}},
		{name: "quoted", in: "\"a,b\",\"c\"\"d\",\"\"\n", recs: []string{"1: a,b|c\"d|"}},
		{name: "quoted newlines", in: "\"a\nb\",c\n\"x\r\ny\rz\",w\nlast\n", recs: []string{"1: a\nb|c", "3: x\r\ny\rz|w", "6: last"}},
		{name: "BOM and CRLF", in: "\ufeffEmail,Name\r\nx@example.com,X\r\n", recs: []string{"1: Email|Name", "2: x@example.com|X"}},
		{name: "sep line", in: "sep=;\na;b,c\n", recs: []string{"2: a|b,c"}},
		{name: "sep line CRLF after BOM", in: "\ufeffsep=;\r\na;b\r\n", recs: []string{"2: a|b"}},
		{name: "sep line alone", in: "sep=;"},
		{name: "not a sep line", in: "sep=;x\n", recs: []string{"1: sep=;x"}},
		{name: "multi-byte delimiter", in: "a§b§\"c§\"\n", delim: '§', recs: []string{"1: a|b|c§"}},
		{name: "tab delimiter", in: "a\tb\n", delim: '\t', recs: []string{"1: a|b"}},
		{
			name: "quote inside unquoted field", in: "ab\"c,d\nok\n",
			recs:     []string{"1: ab\"c|d", "2: ok"},
			problems: []string{"1:3: a quote inside an unquoted field"},
		},
		{
			name: "text after closing quote", in: "\"ab\"c,d\n",
			recs:     []string{"1: abc|d"},
			problems: []string{"1:5: text after a quoted field's closing quote"},
		},
		{
			name: "unterminated quote", in: "a\n\"b,c\nd\ne\n",
			recs:     []string{"1: a", "2: b,c\nd\ne\n"},
			problems: []string{"2:1: unterminated quoted field"},
		},
		{
			name: "invalid UTF-8", in: "a\nbé,c\xff\nd\n",
			recs:     []string{"1: a", "2: bé|c\xff", "3: d"},
			problems: []string{"2:5: invalid UTF-8 at byte offset 7"},
		},
		{
			name: "NUL byte", in: "a\nb,c\x00d\ne\n",
			recs:     []string{"1: a", "2: b|c\x00d", "3: e"},
			problems: []string{"2:4: a NUL byte at byte offset 5"},
		},
		{
			name: "invalid UTF-8 in a quoted field", in: "a\n\"b\xffc\",d\n",
			recs:     []string{"1: a", "2: b\xffc|d"},
			problems: []string{"2:3: invalid UTF-8 at byte offset 4"},
		},
		{
			name: "NUL byte in a quoted field", in: "\"a,\x00\"\n",
			recs:     []string{"1: a,\x00"},
			problems: []string{"1:4: a NUL byte at byte offset 3"},
		},
		{
			name: "invalid UTF-8 after a closing quote", in: "\"a\"\xff,b\n",
			recs:     []string{"1: a\xff|b"},
			problems: []string{"1:4: text after a quoted field's closing quote", "1:4: invalid UTF-8 at byte offset 3"},
		},
		{
			name: "NUL byte and invalid UTF-8 with a multi-byte delimiter", in: "a§\x00§\xff\n", delim: '§',
			recs:     []string{"1: a|\x00|\xff"},
			problems: []string{"1:5: invalid UTF-8 at byte offset 6", "1:3: a NUL byte at byte offset 3"},
		},
		{
			// The column of a place on a later line of the record is
			// unknown (0): findings carry the record's start line.
			name: "problem on a later line of a record", in: "\"a\nb\",c\xff\n",
			recs:     []string{"1: a\nb|c\xff"},
			problems: []string{"2:0: invalid UTF-8"},
		},
		{
			name: "stray quote on a later line of a record", in: "x,\"a\nb\",c\"d\n",
			recs:     []string{"1: x|a\nb|c\"d"},
			problems: []string{"2:0: a quote inside an unquoted field"},
		},
		{
			name: "unterminated quote on a later line of a record", in: "x,\"a\nb\",\"c\n",
			recs:     []string{"1: x|a\nb|c\n"},
			problems: []string{"2:0: unterminated quoted field"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.delim
			if d == 0 {
				d = ','
			}
			// Read one byte at a time too: every buffer boundary.
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				recs, problems, _ := scanCSVAll(t, r, d)
				if diff := cmp.Diff(tt.recs, recs); diff != "" {
					t.Errorf("records (-want +got):\n%s", diff)
				}
				if len(problems) != len(tt.problems) {
					t.Fatalf("problems: got %q, want %q", problems, tt.problems)
				}
				for i := range problems {
					if !strings.Contains(problems[i], tt.problems[i]) {
						t.Errorf("problem %d: got %q, want it to contain %q", i, problems[i], tt.problems[i])
					}
				}
			}
		})
	}
}

func TestScannerFieldPos(t *testing.T) {
	s := New(strings.NewReader("\ufeffé,\"x\ny\",=z\n"), ',')
	if !s.Scan() {
		t.Fatal("no record")
	}
	var got []string
	for i := range s.NumFields() {
		line, col := s.FieldPos(i)
		got = append(got, fmt.Sprintf("%d:%d", line, col))
	}
	// The third field starts on line 2: its column is not the record's
	// line's, so it is unknown (0).
	if diff := cmp.Diff([]string{"1:1", "1:3", "2:0"}, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

func TestScannerLongRecord(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	in := "a,b\n" + long + ",c\nd,e\n"
	s := New(strings.NewReader(in), ',')
	s.maxRecord = 1 << 20
	var lines []int
	var problems []string
	for s.Scan() {
		lines = append(lines, s.Line())
		for _, p := range s.Problems() {
			problems = append(problems, fmt.Sprintf("%d: %s", p.Line, p.Msg))
		}
		if s.Line() == 3 && string(s.Field(0)) != "d" {
			t.Errorf("record after the long one: %q", s.Field(0))
		}
	}
	if diff := cmp.Diff([]int{1, 2, 3}, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "2: record longer than 1 MiB") {
		t.Errorf("problems: %q", problems)
	}
	if cap(s.buf) > 4<<20 {
		t.Errorf("buffer grew to %d bytes", cap(s.buf))
	}
}

// TestScannerMemory checks that the scanner's memory does not grow with
// the input: the whole scan allocates a bounded amount.
func TestScannerMemory(t *testing.T) {
	for _, rows := range []int{1000, 100000} {
		data := csvgen.Simple(rows, rows)
		allocs := testing.AllocsPerRun(3, func() {
			s := New(bytes.NewReader(data), ',')
			for s.Scan() {
			}
		})
		if allocs > 20 {
			t.Errorf("%d rows: %.0f allocations per scan, want a bounded few", rows, allocs)
		}
	}
}

// FuzzScanCSV checks that the scanner never panics, that it reads the same
// in every mode (see checkModes), that record start lines never decrease, that problems lie within the input's lines, and that a
// field or problem on a later line than its record's has column 0.
func FuzzScanCSV(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/bulk/*.csv")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false, uint8(0))
	}
	f.Add([]byte("a,\"b\r\n\"\"c\",d\re\n\n\"f"), true, uint8(0))
	f.Add([]byte("sep=§\na§b"), false, uint8(3))
	f.Add([]byte("a€b€\"c€\"\"\"€"), true, uint8(4))
	delims := []rune{',', ';', '\t', '§', '€'}
	f.Fuzz(func(t *testing.T, data []byte, oneByte bool, delim uint8) {
		var r io.Reader = bytes.NewReader(data)
		if oneByte {
			r = iotest.OneByteReader(r)
		}
		s := New(r, delims[int(delim)%len(delims)])
		checkModes(t, data, delims[int(delim)%len(delims)], 0, []int{1})
		lines := 1 + lineBreaks(data)
		last := 0
		for s.Scan() {
			if s.Line() < last {
				t.Fatalf("record at line %d after a record at line %d", s.Line(), last)
			}
			if s.Line() > lines {
				t.Fatalf("record at line %d of %d", s.Line(), lines)
			}
			last = s.Line()
			for i := range s.NumFields() {
				_ = s.Field(i)
				line, col := s.FieldPos(i)
				if line < s.Line() || line > lines {
					t.Fatalf("field %d at line %d, record at %d", i, line, s.Line())
				}
				if line != s.Line() && col != 0 {
					t.Fatalf("field %d on line %d of a record at line %d has column %d, want 0", i, line, s.Line(), col)
				}
			}
			for _, p := range s.Problems() {
				if p.Line < s.Line() || p.Line > lines {
					t.Fatalf("problem at line %d, record at %d: %s", p.Line, s.Line(), p.Msg)
				}
				if p.Line != s.Line() && p.Col != 0 {
					t.Fatalf("problem on line %d of a record at line %d has column %d, want 0: %s", p.Line, s.Line(), p.Col, p.Msg)
				}
			}
		}
	})
}

func BenchmarkScan(b *testing.B) {
	data := csvgen.Simple(100000, 99000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := New(bytes.NewReader(data), ',')
		n := 0
		for s.Scan() {
			n += s.NumFields()
		}
		if n != 500005 {
			b.Fatalf("%d fields", n)
		}
	}
}

// TestScannerLongLines guards against work quadratic in a line's length:
// one problem for a line full of stray quotes, and field columns asked in
// order cost one pass.
func TestScannerLongLines(t *testing.T) {
	const n = 200000
	in := strings.Repeat(`a"`, n) + "\n" + strings.Repeat("=x,", n) + "\n"
	s := New(strings.NewReader(in), ',')
	if !s.Scan() {
		t.Fatal("no record")
	}
	if p := s.Problems(); len(p) != 1 || !strings.Contains(p[0].Msg, fmt.Sprintf("(and %d more misplaced quotes in this record)", n-1)) {
		t.Errorf("problems: %d, first %+v", len(p), p[0])
	}
	if !s.Scan() {
		t.Fatal("no second record")
	}
	for i := range s.NumFields() {
		if line, col := s.FieldPos(i); line != 2 || col != 3*i+1 {
			t.Fatalf("field %d at %d:%d, want 2:%d", i, line, col, 3*i+1)
		}
	}
}

// TestScannerPlainRecords holds the fast path for plain records (a whole
// line in the buffer) to the general one, which reads byte by byte see
// when the input comes one byte at a time: random records over an
// alphabet of delimiters, quotes, line ends, formula starts, NUL, UTF-8
// and invalid bytes.
func TestScannerPlainRecords(t *testing.T) {
	alphabet := []string{"a", "b", "xyz", ",", ";", "\t", "\"", "\n", "\r", "\r\n", "=", "-", "+1", "@", "é", "\x00", "\xff", " "}
	rnd := xorshift(1)
	scan := func(r io.Reader, d rune) []string {
		var out []string
		s := New(r, d)
		for s.Scan() {
			rec := fmt.Sprint(s.Line()) // not MaybeFormula, a hint: checked below
			for i := range s.NumFields() {
				line, col := s.FieldPos(i)
				v := s.Field(i)
				rec += fmt.Sprintf(" %q@%d:%d", v, line, col)
				if len(v) > 0 && startsLikeFormula(v) && !s.MaybeFormula() {
					t.Errorf("line %d: field %q starts like a formula, MaybeFormula is false", s.Line(), v)
				}
			}
			for _, p := range s.Problems() {
				rec += fmt.Sprintf(" [%d:%d %s]", p.Line, p.Col, p.Msg)
			}
			out = append(out, rec)
		}
		return out
	}
	for n := range 1200 {
		var b strings.Builder
		for range 1 + rnd(60) {
			if rnd(3) == 0 {
				b.WriteString(alphabet[rnd(len(alphabet))])
			} else {
				b.WriteString(alphabet[rnd(4)])
			}
		}
		in := b.String()
		if n%10 == 0 {
			in = "sep=\t\n" + in
		}
		for _, d := range []rune{',', ';', '\t'} {
			fast := scan(strings.NewReader(in), d)
			slow := scan(iotest.OneByteReader(strings.NewReader(in)), d)
			if diff := cmp.Diff(slow, fast); diff != "" {
				t.Fatalf("case %d, delimiter %q, %q (-general +fast):\n%s", n, d, in, diff)
			}
		}
	}
}

// TestScannerLongRecordKeep checks that a record too long to hold still
// reads the fields it keeps (the key columns), whatever their place in the
// record, unless a kept field is itself too long; the other fields are
// lost, and none is read as a value it does not have.
func TestScannerLongRecordKeep(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	longLines := strings.Repeat("xxxxxxx\n", 3<<17) // 3 MiB over 393216 lines
	tests := []struct {
		name   string
		in     string
		keep   []int
		fields []string // the long record's fields, "LOST" when lost
		lines  []int    // every record's start line
	}{
		{name: "key first", in: "a,b\nk," + long + "\nd,e\n", keep: []int{0},
			fields: []string{"k", "LOST"}, lines: []int{1, 2, 3}},
		{name: "key after the long field", in: "a,b\n" + long + ",k\nd,e\n", keep: []int{1},
			fields: []string{"LOST", "k"}, lines: []int{1, 2, 3}},
		{name: "quoted key after a long quoted field of many lines", in: "a,b\n\"" + longLines + "\",\"k\"\"q\"\nd,e\n", keep: []int{1},
			fields: []string{"LOST", "k\"q"}, lines: []int{1, 2, 3 + 3<<17}},
		{name: "key between long fields", in: "a,b,c\n" + long + ",\"k,\"\"\"," + long + "\nd,e,f\n", keep: []int{1},
			fields: []string{"LOST", "k,\"", "LOST"}, lines: []int{1, 2, 3}},
		{name: "key read across the limit", in: "a,b\n" + strings.Repeat("y", 900<<10) + "," + strings.Repeat("k", 300<<10) + "\nd,e\n", keep: []int{1},
			fields: []string{"LOST", strings.Repeat("k", 300<<10)}, lines: []int{1, 2, 3}},
		{name: "key read across the limit, then more fields", in: "a,b,c\n" + strings.Repeat("y", 900<<10) + "," + strings.Repeat("k", 300<<10) + "," + long + "\nd,e,f\n", keep: []int{1},
			fields: []string{"LOST", strings.Repeat("k", 300<<10), "LOST"}, lines: []int{1, 2, 3}},
		{name: "key itself too long", in: "a,b\n" + long + ",x\nd,e\n", keep: []int{0},
			fields: []string{"LOST", "LOST"}, lines: []int{1, 2, 3}},
		{name: "nothing kept", in: "a,b\n" + long + ",x\nd,e\n",
			fields: []string{"LOST", "LOST"}, lines: []int{1, 2, 3}},
		{name: "two keys", in: "a,b,c\nk1," + long + ",k2\nd,e,f\n", keep: []int{0, 2},
			fields: []string{"k1", "LOST", "k2"}, lines: []int{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(strings.NewReader(tt.in), ',')
			s.maxRecord = 1 << 20
			s.Keep(tt.keep)
			var lines []int
			var problems []string
			for s.Scan() {
				lines = append(lines, s.Line())
				for _, p := range s.Problems() {
					problems = append(problems, fmt.Sprintf("%d:%d: %s", p.Line, p.Col, p.Msg))
				}
				if s.Line() != 2 {
					if s.Partial() || s.Lost(0) {
						t.Errorf("line %d: read as partial", s.Line())
					}
					continue
				}
				if !s.Partial() {
					t.Errorf("long record not partial")
				}
				var got []string
				for i := range s.NumFields() {
					v := string(s.Field(i))
					if s.Lost(i) {
						if v != "" {
							t.Errorf("lost field %d reads %d bytes", i, len(v))
						}
						v = "LOST"
					}
					got = append(got, v)
				}
				if diff := cmp.Diff(tt.fields, got); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				for i := range s.NumFields() {
					if _, col := s.FieldPos(i); i > 0 && col != 0 {
						t.Errorf("field %d of a record too long to hold at column %d, want 0 (unknown)", i, col)
					}
				}
			}
			if diff := cmp.Diff(tt.lines, lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if len(problems) != 1 || !strings.HasPrefix(problems[0], "2:0: record longer than 1 MiB: not read") {
				t.Errorf("problems: %q", problems)
			}
			if cap(s.buf) > 4<<20 {
				t.Errorf("buffer grew to %d bytes", cap(s.buf))
			}
		})
	}
}

// TestScannerLongRecordKeepRandom holds records too long to hold to a
// scan that holds them: every kept field shorter than the limit reads as
// it does there, whatever the sizes, quotes and line breaks around it; a
// field not read reads as empty; record lines agree.
func TestScannerLongRecordKeepRandom(t *testing.T) {
	rnd := xorshift(7)
	const limit = 1 << 20
	sizes := []int{0, 1, 10, 100 << 10, 500 << 10, 900 << 10, limit - 10, limit + 10, 2 * limit}
	for n := range 12 {
		var b strings.Builder
		var raw [][]int // per record, each field's raw length
		for range 1 + rnd(4) {
			var rec []int
			for f := range 1 + rnd(4) {
				if f > 0 {
					b.WriteByte(',')
				}
				size := sizes[rnd(len(sizes))]
				start := b.Len()
				switch rnd(3) {
				case 0:
					b.WriteString(strings.Repeat("v", size))
				case 1:
					b.WriteString("\"" + strings.Repeat("q\n", size/2) + "\"")
				default:
					b.WriteString("\"" + strings.Repeat("a\"\"", size/3) + "\"")
				}
				rec = append(rec, b.Len()-start)
			}
			if len(rec) > 1 || rec[0] > 0 { // else a blank line, not a record
				raw = append(raw, rec)
			}
			b.WriteString("\r\n")
		}
		in := b.String()
		keep := []int{rnd(4), rnd(4)}
		ref := New(strings.NewReader(in), ',')
		ref.maxRecord = 1 << 30
		s := New(strings.NewReader(in), ',')
		s.maxRecord = limit
		s.Keep(keep)
		for r := 0; ref.Scan(); r++ {
			if !s.Scan() {
				t.Fatalf("case %d: record %d missing", n, r)
			}
			if s.Line() != ref.Line() || s.NumFields() != ref.NumFields() {
				t.Fatalf("case %d: record %d at line %d with %d fields, want %d, %d", n, r, s.Line(), s.NumFields(), ref.Line(), ref.NumFields())
			}
			for i := range s.NumFields() {
				got, want := s.Field(i), ref.Field(i)
				switch {
				case s.Lost(i):
					if len(got) != 0 {
						t.Fatalf("case %d: record %d field %d lost but reads %d bytes", n, r, i, len(got))
					}
					if slices.Contains(keep, i) && raw[r][i] < limit {
						t.Fatalf("case %d: record %d kept field %d of %d bytes lost", n, r, i, raw[r][i])
					}
				case !bytes.Equal(got, want):
					t.Fatalf("case %d: record %d field %d reads %d bytes, want %d", n, r, i, len(got), len(want))
				}
			}
		}
		if s.Scan() {
			t.Fatalf("case %d: extra record", n)
		}
	}
}

// TestFieldSize: a record of millions of empty fields holds one field
// each, so its size bounds the scan's memory (SPEC "Limits and hostile
// input": 5 rows of 4 million fields stay under 256 MiB).
func TestFieldSize(t *testing.T) {
	if n := unsafe.Sizeof(field{}); n != 12 {
		t.Errorf("a field takes %d bytes, want 12", n)
	}
}

// TestLongRecordExact: a record is too long to hold at exactly maxRecord
// bytes, and a kept field at exactly maxRecord bytes is lost, whatever
// came before them in the input (records that grew the window, or none, as
// for a scanner that starts at the record with Split or Reset).
func TestLongRecordExact(t *testing.T) {
	const max = 300 << 10
	r := rand.New(rand.NewPCG(7, 7))
	sizes := []int{10, 1000, 60 << 10, 200 << 10, 250 << 10, 290 << 10, max - 10, max + 10, 2 * max}
	for round := range 40 {
		var in bytes.Buffer
		for range r.IntN(6) {
			in.WriteString(strings.Repeat("h", sizes[r.IntN(len(sizes))]))
			in.WriteByte('\n')
		}
		type target struct {
			off      int64
			length   int
			longKey  bool // the kept field is the long one
			wantPart bool
		}
		var targets []target
		for _, l := range []int{max - 1, max, max + 1, max + 30<<10, max + 100<<10} {
			for _, longKey := range []bool{false, true} {
				targets = append(targets, target{int64(in.Len()), l, longKey, l >= max})
				if longKey {
					in.WriteString(strings.Repeat("k", l-2) + ",b\n")
				} else {
					in.WriteString("key," + strings.Repeat("x", l-4) + "\n")
				}
				in.WriteString(strings.Repeat("f", r.IntN(100<<10)) + "\n")
			}
		}
		data := in.Bytes()
		check := func(name string, s *Scanner, tg target) {
			t.Helper()
			if s.Partial() != tg.wantPart {
				t.Fatalf("round %d, %s: record of %d bytes at %d: Partial %v, want %v", round, name, tg.length, tg.off, s.Partial(), tg.wantPart)
			}
			if lost := s.Lost(0); lost != (tg.longKey && tg.length-2 >= max) {
				t.Fatalf("round %d, %s: record of %d bytes at %d (long key %v): field 0 lost %v", round, name, tg.length, tg.off, tg.longKey, lost)
			}
			if !tg.longKey && string(s.Field(0)) != "key" {
				t.Fatalf("round %d, %s: field 0 %q, want the kept key", round, name, s.Field(0))
			}
		}
		for _, mode := range []string{"bytes", "reader"} {
			var s *Scanner
			if mode == "bytes" {
				s = NewBytes(data, ',')
			} else {
				s = New(bytes.NewReader(data), ',')
			}
			s.maxRecord = max
			s.Keep([]int{0})
			k := 0
			for s.Scan() {
				if k < len(targets) && s.RecordOffset() == targets[k].off {
					check(mode, s, targets[k])
					k++
				}
			}
			if k != len(targets) {
				t.Fatalf("round %d, %s: %d of %d long records found", round, mode, k, len(targets))
			}
			// A scanner that starts at each long record reads it the same.
			for _, tg := range targets {
				one := s.Split(bytes.NewReader(data[tg.off:]), tg.off)
				if !one.Scan() {
					t.Fatalf("round %d, %s: nothing at %d", round, mode, tg.off)
				}
				check(mode+" split", one, tg)
			}
		}
	}
}
