package csvscan

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/preflight-gate/preflight/bench/csvgen"
)

// render scans everything s reads, as a test compares it: per record its
// line, offset, fields (value, position, lost), problems and flags.
func render(s *Scanner) []string {
	var out []string
	for s.Scan() {
		out = append(out, renderRecord(s, 0))
	}
	return out
}

// renderRecord renders the current record, its lines shifted by lines.
func renderRecord(s *Scanner, lines int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d@%d partial=%v cut=%v:", s.Line()+lines, s.RecordOffset(), s.Partial(), s.Cut()) // not MaybeFormula, a hint
	for i := range s.NumFields() {
		line, col := s.FieldPos(i)
		fmt.Fprintf(&b, " %q@%d:%d", s.Field(i), line+lines, col)
		if s.Lost(i) {
			b.WriteString("(lost)")
		}
	}
	for _, p := range s.Problems() {
		fmt.Fprintf(&b, " [%d:%d %s]", p.Line+lines, p.Col, p.Msg)
	}
	return b.String()
}

// checkModes holds NewBytes, and New on a reader that returns one byte at
// a time, to New on a plain reader; and Reset at each record's offset to
// the record as the scan read it, its lines counted from the record.
func checkModes(t *testing.T, in []byte, delim rune, maxRecord int, keep []int) {
	t.Helper()
	scan := func(s *Scanner) []string {
		if maxRecord > 0 {
			s.maxRecord = maxRecord
		}
		s.Keep(keep)
		return render(s)
	}
	want := scan(New(bytes.NewReader(in), delim))
	if got := scan(NewBytes(in, delim)); !cmp.Equal(want, got) {
		t.Fatalf("NewBytes(%q) (-New +NewBytes):\n%s", in, cmp.Diff(want, got))
	}
	if len(in) < 4096 {
		if got := scan(New(iotest.OneByteReader(bytes.NewReader(in)), delim)); !cmp.Equal(want, got) {
			t.Fatalf("one byte at a time, %q (-New +one byte):\n%s", in, cmp.Diff(want, got))
		}
	}
	// Reset at each record's offset reads the record again.
	s := New(bytes.NewReader(in), delim)
	if maxRecord > 0 {
		s.maxRecord = maxRecord
	}
	s.Keep(keep)
	again := New(nil, delim)
	again.maxRecord = s.maxRecord
	for s.Scan() {
		rec := renderRecord(s, 0)
		again.Keep(keep)
		again.setDelim(s.Delimiter())
		again.Reset(io.NewSectionReader(bytes.NewReader(in), s.RecordOffset(), int64(len(in))), s.RecordOffset())
		if !again.Scan() {
			t.Fatalf("Reset at %d of %q: no record", s.RecordOffset(), in)
		}
		got := renderRecord(again, s.Line()-1)
		if got != rec {
			t.Fatalf("Reset at %d of %q:\n got %s\nwant %s", s.RecordOffset(), in, got, rec)
		}
	}
}

// xorshift returns a stream of small random numbers from seed: rnd(n) is
// in [0, n), the same on every run and Go version.
func xorshift(seed uint64) (rnd func(n int) int) {
	return func(n int) int {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return int(seed % uint64(n))
	}
}

func TestScannerModes(t *testing.T) {
	rnd := xorshift(3)
	alphabet := []string{"a", "b", "xyz", ",", ";", "\t", "\"", "\n", "\r", "\r\n", "=", "-", "+1", "@", "é", "\x00", "\xff", " ", "§", "\ufeff", "sep=;\n"}
	for n := range 1500 {
		var b strings.Builder
		if n%7 == 0 {
			b.WriteString([]string{"\ufeff", "sep=;\n", "\ufeffsep=§\r\n", "sep=\t"}[n/7%4])
		}
		for range 1 + rnd(80) {
			if rnd(3) == 0 {
				b.WriteString(alphabet[rnd(len(alphabet))])
			} else {
				b.WriteString(alphabet[rnd(4)])
			}
		}
		for _, d := range []rune{',', ';', '§'} {
			checkModes(t, []byte(b.String()), d, 0, []int{rnd(3)})
		}
	}
}

// TestScannerModesLong holds the modes to each other on records too long
// to hold, and on many records across the buffer's size.
func TestScannerModesLong(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	lines := strings.Repeat("y\n", 1<<19)
	for _, in := range []string{
		"a,b\nk," + long + "\nd,e\n",
		"a,b\n" + long + ",k\nd,e\n",
		"a,b\n\"" + lines + "\",\"k\"\"q\"\nd,e\n",
		"a,b\n\"" + long + "\nunterminated,k\n",
		string(bytes.Repeat([]byte("user@example.com,\"a,b\",c\r\n"), 5000)),
	} {
		checkModes(t, []byte(in), ',', 1<<20, []int{1})
		checkModes(t, []byte(in), ',', 0, []int{0})
	}
}

// TestScannerReference holds the scanner to encoding/csv, a slow
// reference, on the benchmark generator's output: the same records, with
// the same fields, starting on the same lines.
func TestScannerReference(t *testing.T) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	csvgen.Bench(w, 30000, 0.05, 7)
	w.Flush()
	for _, s := range []*Scanner{New(bytes.NewReader(buf.Bytes()), ','), NewBytes(buf.Bytes(), ',')} {
		r := csv.NewReader(bytes.NewReader(buf.Bytes()))
		r.FieldsPerRecord = -1
		n := 0
		for s.Scan() {
			rec, err := r.Read()
			if err != nil {
				t.Fatalf("record %d: reference: %v", n, err)
			}
			line, _ := r.FieldPos(0)
			got := make([]string, s.NumFields())
			for i := range got {
				got[i] = string(s.Field(i))
			}
			if s.Line() != line || !slices.Equal(got, rec) || len(s.Problems()) > 0 {
				t.Fatalf("record %d: line %d %q %v; reference: line %d %q", n, s.Line(), got, s.Problems(), line, rec)
			}
			n++
		}
		if _, err := r.Read(); !errors.Is(err, io.EOF) || n != 30001 {
			t.Errorf("%d records; reference then: %v", n, err)
		}
	}
}

// TestScannerPlainLengths holds the fast path to the general one on lines
// of every length around a word's eight bytes, ending in LF or CRLF, with
// a CR, a quote, a delimiter or a byte that is not ASCII at each place.
func TestScannerPlainLengths(t *testing.T) {
	for n := 1; n <= 26; n++ {
		for at := range n {
			for _, c := range []string{"", ",", "\r", "\"", "é", "\x00"} {
				for _, eol := range []string{"\n", "\r\n"} {
					line := []byte(strings.Repeat("a", n))
					if c != "" {
						line = append(line[:at], append([]byte(c), line[at+1:]...)...)
					}
					in := bytes.Repeat(append(line, eol...), 3)
					in = append(in, "tail,x\n"+strings.Repeat("z", 20)...)
					checkModes(t, in, ',', 0, nil)
				}
			}
		}
	}
}
