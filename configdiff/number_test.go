package configdiff

import (
	"fmt"
	"strings"
	"testing"
)

func TestNumber(t *testing.T) {
	cases := []struct {
		file, data, want string // want: the exact value, "" when not a number; a trailing "i" marks an integer
	}{
		{"a.yaml", "v: 45", "45i"},
		{"a.yaml", "v: 0.30", "3/10"},
		{"a.yaml", "v: 1e3", "1000"},
		{"a.yaml", "v: \"45\"", ""},
		{"a.yaml", "v: .nan", ""},
		{"a.yaml", "v: -.inf", ""},
		{"a.yaml", "v: true", ""},
		{"a.toml", "v = 1_000", "1000i"},
		{"a.toml", "v = 3.0", "3"},
		{"a.json", `{"v": -0.5}`, "-1/2"},
		{"a.json", `{"v": "1"}`, ""},
		{".env", "v=45", "45i"},
		{".env", "v=-1.20", "-6/5"},
		{"prod.env", "v='3'", "3i"},
		{".env", "v=1e3", ""},
		{".env", "v=+4", ""},
		{".env", "v=4.", ""},
		{".env", "v=.5", ""},
		{".env", "v=", ""},
		// The decimal as written, not the float64 it rounds to.
		{"a.yaml", "v: 1.20000000000000001", "120000000000000001/100000000000000000"},
		{"a.toml", "v = 0.400_000_000_000_000_000_01", "40000000000000000001/100000000000000000000"},
		{"a.json", `{"v": 1.2000000000000000000001}`, "12000000000000000000001/10000000000000000000000"},
		{"a.yaml", "v: 1e-5", "1/100000"},
		// An exponent of more than 3 digits is read as the float it is:
		// exactly, 1e-999999 costs a power of ten of a million digits, and
		// a hostile config holds a million of them.
		{"a.yaml", "v: 1e-999999", "0"},
		{"a.yaml", "v: 12345678901234567890123456789012345678901234567890123456789012345.5", "24691357802469135780246913578024691357802469135780246913578024691/2"},
		{"a.yaml", "v: 0x10", "16i"},
	}
	for _, c := range cases {
		tree, err := Parse(c.file, []byte(c.data))
		if err != nil {
			t.Fatalf("%s %q: %v", c.file, c.data, err)
		}
		r, integer, ok := tree.Number(tree.Get("v"))
		got := ""
		if ok {
			got = r.RatString()
			if integer {
				got += "i"
			}
		}
		if got != c.want {
			t.Errorf("%s %q: %q, want %q", c.file, c.data, got, c.want)
		}
	}
	if _, _, ok := (&Tree{File: ".env"}).Number(nil); ok {
		t.Error("a missing node is a number")
	}
}

func TestNumberText(t *testing.T) {
	cases := []struct{ file, data, want string }{
		{"a.yaml", "v: 4.00   # the load test's", "4.00"},
		{"a.yaml", "a: é\nv: 0.40", "0.40"},
		{"a.yaml", "v: 1e3", "1e3"},
		{"a.yaml", "v: 0x10", "16"},
		{"a.yaml", "v: \"4.00\"", `"4.00"`},
		{"a.toml", "v = 1_000", "1_000"},
		{"a.toml", "v = +3.50", "+3.50"},
		{"a.toml", "[x]\ny = 2\n[z]\nv = 0.10", "0.10"},
		{"a.json", `{"v": 4.50, "w": 1}`, "4.50"},
		{"a.json", "{\"a\": \"ü\", \"v\": 120}", "120"},
		{".env", "v=\"1.20\"", "1.20"},
		{"a.yaml", "v: 1.20000000000000001", "1.20000000000000001"},
		{"a.yaml", "v: 1e-999999", "0.0"},
	}
	for _, c := range cases {
		tree, err := Parse(c.file, []byte(c.data))
		if err != nil {
			t.Fatalf("%s %q: %v", c.file, c.data, err)
		}
		n := tree.Get("v")
		if n == nil {
			n = tree.Get("z.v")
		}
		if got := tree.NumberText(n); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.file, c.data, got, c.want)
		}
	}
}

// TestNumberTextLongLine: numbers on one long line (minified JSON), some
// after multi-byte characters, are read at their own positions across the
// line's column index.
func TestNumberTextLongLine(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"v": [`)
	want := map[string]string{}
	for i := range 3000 {
		if i > 0 {
			b.WriteString(", ")
		}
		if i%7 == 0 {
			fmt.Fprintf(&b, `"é€%d", `, i) // 2 and 3 bytes a code point
		}
		text := fmt.Sprintf("%d.%d0", i, i%9+1)
		b.WriteString(text)
		want[text] = ""
	}
	b.WriteString("]}")
	tree, err := Parse("a.json", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range tree.Leaves() {
		if n.Kind != Float {
			continue
		}
		got := tree.NumberText(n)
		if _, ok := want[got]; !ok {
			t.Fatalf("%s at %v: %q, not a number as written", n.Key, n.ValuePos, got)
		}
		delete(want, got)
	}
	if len(want) != 0 {
		t.Fatalf("%d numbers not read as written", len(want))
	}
}

// BenchmarkNumberTextLongLine reads every number of a 200,000-number
// minified JSON line as written (quadratic before the column index: each
// value counted the line's code points up to it).
func BenchmarkNumberTextLongLine(b *testing.B) {
	var s strings.Builder
	s.WriteString(`{"v": [`)
	for i := range 200_000 {
		if i > 0 {
			s.WriteString(",")
		}
		s.WriteString("100.0")
	}
	s.WriteString("]}")
	tree, err := Parse("a.json", []byte(s.String()))
	if err != nil {
		b.Fatal(err)
	}
	leaves := tree.Leaves()
	b.ResetTimer()
	for b.Loop() {
		for _, n := range leaves {
			if tree.NumberText(n) != "100.0" {
				b.Fatal(n.Key)
			}
		}
	}
}
