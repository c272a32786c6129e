package checks

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/preflight-gate/preflight/preflight"
)

// checkSplit runs the bulk gate on b whole and split into parts of at
// least 1 KiB (2, 3 and 5 of them, the input mapped and read), and fails
// when a split run differs: in its findings (rule, place, message), its
// previews, or its error.
func checkSplit(t *testing.T, b *preflight.Bundle, inputs map[string]string) {
	t.Helper()
	run := func() (string, []preflight.Preview) {
		res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow, Inputs: inputs})
		if err != nil {
			return "error: " + err.Error(), nil
		}
		var out []string
		for _, f := range preflight.SortFindings(res.Findings) {
			out = append(out, fmt.Sprintf("%s %s:%d:%d %s", f.Rule, f.File, f.Line, f.Column, f.Message))
		}
		return strings.Join(out, "\n"), res.Previews
	}
	want, wantPreviews := run()
	for _, parts := range []int{2, 3, 5} {
		for _, read := range []bool{false, true} {
			func() {
				defer func(n int64, p int) { splitMin, splitParts, mapInput = n, p, mapFile }(splitMin, splitParts)
				splitMin, splitParts = 1<<10, parts
				if read {
					mapInput = func(*os.File, int64) []byte { return nil }
				}
				got, previews := run()
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%d parts, read %v: findings (-whole +split):\n%s", parts, read, diff)
				}
				if diff := cmp.Diff(wantPreviews, previews); diff != "" {
					t.Errorf("%d parts, read %v: previews (-whole +split):\n%s", parts, read, diff)
				}
			}()
		}
	}
}

// TestBulkSplitSame holds a split scan to the whole one on messy inputs:
// quoted fields with line breaks (so that some splits prove wrong and the
// input is scanned again), CR and CRLF line ends, blank lines, formula
// cells, ragged rows, blank, invalid and repeated keys, the header again,
// invalid UTF-8 and NUL bytes, zero-width, bidi, full-width and IDN keys,
// long fields, an unterminated quote at the end, and keys repeated across
// parts in both directions. Findings (rule, place, message) and preview
// must be the same for every number of parts.
func TestBulkSplitSame(t *testing.T) {
	rows := []func(i int) string{
		func(i int) string { return fmt.Sprintf("u%d@example.com,plain,%d\n", i, i) },
		func(i int) string { return fmt.Sprintf("u%d@example.com,\"two\nlines\",x\n", i%97) },
		func(i int) string { return fmt.Sprintf("U%d@Example.com ,=SUM(A%d),\r\n", i%89, i) },
		func(i int) string { return fmt.Sprintf("\"u%d@example.com\",\"q\"\"uote\",y\r", i%83) },
		func(int) string { return "\n" },
		func(i int) string { return fmt.Sprintf("u%d@example.com,ragged\n", i) },
		func(int) string { return " ,blank,key\n" },
		func(i int) string { return fmt.Sprintf("not-an-address-%d,x,y\n", i%5) },
		func(int) string { return "email,note,n\n" },
		func(i int) string { return fmt.Sprintf("\"u%d@example.com\",\"open\n\n\",z\n", i%71) },
		func(i int) string { return fmt.Sprintf("u%d@example.com,bad \xff utf-8,\x00\n", i%61) },
		func(i int) string { return fmt.Sprintf("u\u200b%d@example.com,\tTAB,\u202eevil\n", i%59) },
		func(i int) string {
			return fmt.Sprintf("ｕ%d@ｅxample.com,%s,x\n", i%53, strings.Repeat("long", 800))
		},
		func(i int) string { return fmt.Sprintf("u%d@exämple.com,\"a,b\"\"c\",\"\"\n", i%47) },
	}
	for seed, weights := range [][]int{
		{50, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1},
		{10, 10, 5, 5, 2, 1, 1, 1, 1, 3, 2, 2, 1, 2},
		{1, 30, 0, 0, 0, 0, 0, 0, 0, 30, 0, 0, 0, 0},
		{90, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		{5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5, 1, 5},
	} {
		var pick []int
		for k, w := range weights {
			for range w {
				pick = append(pick, k)
			}
		}
		var data strings.Builder
		data.WriteString("email,note,n\n")
		x := uint64(seed + 1)
		for i := 0; data.Len() < 200<<10; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			data.WriteString(rows[pick[x%uint64(len(pick))]](i))
		}
		if seed == 4 {
			data.WriteString("u1@example.com,\"never closed\n") // the last part's record runs to the end
		}
		b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\nformat = \"email\"\napprove_over = 1000000"), "in.csv": data.String()})
		res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
		if err != nil {
			t.Fatal(err)
		}
		if p := res.Previews[0]; p.Extra == 0 {
			t.Fatalf("seed %d: no duplicates to compare", seed)
		}
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { checkSplit(t, b, nil) })
		// A key that is not the first field, alone and with another: a
		// duplicate's column is then read again from the file.
		for _, key := range []string{`["note"]`, `["n", "email"]`} {
			b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = " + key + "\napprove_over = 1000000"), "in.csv": data.String()})
			t.Run(fmt.Sprintf("seed=%d/key=%s", seed, key), func(t *testing.T) { checkSplit(t, b, nil) })
		}
	}
}

// TestBulkSplitAt checks where a split lands: after a line feed whose
// lines before and after hold an even number of quotes, so that a notes
// column with line breaks in some rows (a field of two or three lines)
// does not make the split wrong. Where every row's field has four lines,
// two of them with no quote, it can still be fooled, and the input is
// then scanned again in one part, with the same findings.
func TestBulkSplitAt(t *testing.T) {
	for _, tt := range []struct {
		field     string
		every     int // rows, one of which has the field
		rescanned bool
	}{
		{"\"first line\nsecond line\"", 3, false},
		{"\"open\n\n\"", 3, false},
		{"\"a \"\"quote\"\"\nand more\"", 3, false},
		{"\"one\ntwo\nthree\nfour\"", 1, true},
	} {
		var data strings.Builder
		data.WriteString("email,note,n\n")
		for i := 0; data.Len() < 100<<10; i++ {
			note := "plain"
			if i%tt.every == 0 {
				note = tt.field
			}
			fmt.Fprintf(&data, "u%d@example.com,%s,%d\n", i%501, note, i)
		}
		b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\nformat = \"email\"\napprove_over = 1000000"), "in.csv": data.String()})
		rescans := 0
		for _, parts := range []int{2, 3, 5, 8} {
			func() {
				defer func(n int64, p int) { splitMin, splitParts = n, p }(splitMin, splitParts)
				splitMin, splitParts = 1<<10, parts
				sc, err := scanBulk(b, &preflight.Options{Now: bulkNow}, 0, false)
				if err != nil {
					t.Fatal(err)
				}
				if sc.rescanned {
					rescans++
				}
			}()
		}
		if got := rescans > 0; got != tt.rescanned {
			t.Errorf("field %q in one row of %d: %d of 4 splits scanned again, want some: %v", tt.field, tt.every, rescans, tt.rescanned)
		}
		checkSplit(t, b, nil)
	}
}

// TestRecordStart checks recordStart on its own: the line after a line
// feed with even quotes before and after, else the first line feed's.
func TestRecordStart(t *testing.T) {
	for _, tt := range []struct {
		b    string
		at   int
		top  bool
		want int
	}{
		{"a,b\nc,d\ne,f\n", 0, true, 4},
		{"a,b\nc,d\ne,f\n", 1, false, 8},        // the line holding at starts before b: not whole
		{"x,\"1\n2\",y\nz,w\nq\n", 0, true, 14}, // past the field of two lines, and the line after it
		{"x,\"1\n2\",y\n", 0, true, 5},          // no good one: the first
		{"no line feed", 0, true, -1},
		{"a\n\"\n", 0, true, 2}, // the line after is not whole: the first
	} {
		if got := recordStart([]byte(tt.b), tt.at, tt.top); got != tt.want {
			t.Errorf("recordStart(%q, %d, %v) = %d, want %d", tt.b, tt.at, tt.top, got, tt.want)
		}
	}
}

func TestMostlyDistinct(t *testing.T) {
	for _, c := range []struct {
		hs   []uint64
		want bool
	}{
		{nil, true},
		{[]uint64{7}, true},
		{[]uint64{3, 1, 2, 1}, true},
		{[]uint64{5, 5, 5, 6}, true},
		{[]uint64{5, 5, 5, 5, 6}, false},
		{[]uint64{9, 9, 9, 9, 9, 9, 9, 9}, false},
	} {
		hs := slices.Clone(c.hs)
		if got := mostlyDistinct(hs); got != c.want {
			t.Errorf("mostlyDistinct(%v) = %v, want %v", c.hs, got, c.want)
		}
		if !slices.Equal(hs, c.hs) {
			t.Errorf("mostlyDistinct(%v) changed its argument to %v", c.hs, hs)
		}
	}
}
