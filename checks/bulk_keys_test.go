package checks

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/bench/csvgen"
	"github.com/preflight-gate/preflight/checks/internal/csvscan"
	"github.com/preflight-gate/preflight/preflight/words"
	"golang.org/x/text/unicode/norm"
)

// normalizeKeyRef is normalizeKey as it was before its fused ASCII fast
// path: trim, copy, then asciiKeyRef's lower-casing in place, and the
// Unicode path. The fast one must give the same key for every input.
func normalizeKeyRef(dst, v []byte, email bool) []byte {
	for len(v) > 0 && asciiSpace[v[0]] {
		v = v[1:]
	}
	for len(v) > 0 && asciiSpace[v[len(v)-1]] {
		v = v[:len(v)-1]
	}
	from := len(dst)
	dst = append(dst, v...)
	if asciiKeyRef(dst[from:], email) {
		return dst
	}
	form := norm.NFC
	if email {
		form = norm.NFKC
	}
	dst = form.Append(dst[:from], removeFormat(v)...)
	if k := bytes.TrimFunc(dst[from:], unicode.IsSpace); len(k) != len(dst)-from {
		dst = append(dst[:from], k...)
	}
	if !email {
		return dst
	}
	l := bytes.ToLower(dst[from:])
	dst = append(dst[:from], l...)
	if !form.IsNormal(dst[from:]) {
		l := form.Bytes(dst[from:])
		dst = append(dst[:from], l...)
	}
	return asciiDomain(dst, from)
}

// asciiKeyRef is asciiKey as it was: is b ASCII, lower-cased in place
// when lower is set.
func asciiKeyRef(b []byte, lower bool) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if w&high != 0 {
			return false
		}
		if lower {
			upper := (w + ones*0x3f) &^ (w + ones*0x25) & high
			binary.LittleEndian.PutUint64(b[i:], w|upper>>2)
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			return false
		}
		if lower && 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return true
}

// checkNormalizeKey fails t when normalizeKey and normalizeKeyRef give v,
// appended to prefix, different keys; and for an email key, when emailKey
// gives another key, or says otherwise than words.IsEmailBytes of it.
func checkNormalizeKey(t *testing.T, prefix, v []byte, email bool) {
	t.Helper()
	in := bytes.Clone(v)
	want := normalizeKeyRef(bytes.Clone(prefix), v, email)
	got := normalizeKey(bytes.Clone(prefix), v, email)
	if !bytes.Equal(got, want) {
		t.Fatalf("normalizeKey(%q, %q, %v) = %q, the reference gives %q", prefix, v, email, got, want)
	}
	if email {
		got, addr := emailKey(bytes.Clone(prefix), v)
		if wantAddr := words.IsEmailBytes(want[len(prefix):]); !bytes.Equal(got, want) || addr != wantAddr {
			t.Fatalf("emailKey(%q, %q) = %q, %v; want %q, %v", prefix, v, got, addr, want, wantAddr)
		}
	}
	if !bytes.Equal(v, in) {
		t.Fatalf("normalizeKey(%q, %q, %v) changed its input", prefix, in, email)
	}
}

// TestNormalizeKeyFast holds the fast path to the reference for every
// byte at every position of keys of every length up to 40, each around a
// white-space byte, with and without a prefix in dst.
func TestNormalizeKeyFast(t *testing.T) {
	const base = "Ana.Silva123@Example.COM.zz-Quinn.Berg.x"
	for n := 0; n <= len(base); n++ {
		for pos := range n {
			for c := range 256 {
				key := []byte(base[:n])
				key[pos] = byte(c)
				for _, email := range []bool{false, true} {
					checkNormalizeKey(t, nil, key, email)
				}
			}
		}
		for _, sp := range []string{" ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "\u200b"} {
			for _, key := range []string{sp + base[:n], base[:n] + sp, sp + base[:n] + sp + sp} {
				checkNormalizeKey(t, nil, []byte(key), true)
				checkNormalizeKey(t, []byte("prefix"), []byte(key), true)
				checkNormalizeKey(t, []byte("prefix"), []byte(key), false)
			}
		}
	}
}

// FuzzNormalizeKeyFast holds the fast path to the reference on any key,
// after any prefix in dst.
func FuzzNormalizeKeyFast(f *testing.F) {
	for _, s := range []string{"", " ", "Ana.Silva123@Example.com", "  ANA.SILVA123@EXAMPLE.COM\t", "ana@ex\u00e4mple.com",
		"\uff41na@example.com", "a\u200bb@c.d", "ABCDEFGHIJ\u00c9", " \u00a0x\u00a0 ", "ana@a\u0301\u05d0.com", "a\x00b@c.d\x7f"} {
		f.Add([]byte(nil), []byte(s), true)
		f.Add([]byte("k"), []byte(s), false)
	}
	f.Fuzz(func(t *testing.T, prefix, v []byte, email bool) {
		checkNormalizeKey(t, prefix, v, email)
	})
}

// benchKeys returns the raw key fields of the first n rows that
// bench/run.sh's generator writes: mostly lower-case addresses, a few
// repeats in upper case or with spaces around them.
func benchKeys(tb testing.TB, n int) [][]byte {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	csvgen.Bench(w, int64(n), 0.01, 1)
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	s := csvscan.NewBytes(buf.Bytes(), ',')
	s.Scan() // the header
	var keys [][]byte
	for s.Scan() {
		keys = append(keys, bytes.Clone(s.Field(0)))
	}
	if len(keys) != n || !strings.Contains(string(keys[0]), "@") {
		tb.Fatalf("%d keys, the first %q", len(keys), keys[0])
	}
	return keys
}

// BenchmarkNormalizeKey normalises generated email keys, one an op, as
// the bulk scan does.
func BenchmarkNormalizeKey(b *testing.B) {
	keys := benchKeys(b, 4096)
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buf = normalizeKey(buf[:0], keys[i&4095], true)
		i++
	}
}

// BenchmarkEmailKey normalises and checks the same keys as a bulk scan
// does an email key of one column: apart (normalizeKey, then
// words.IsEmailBytes), and in one pass (emailKey).
func BenchmarkEmailKey(b *testing.B) {
	keys := benchKeys(b, 4096)
	buf := make([]byte, 0, 256)
	n := 0
	b.Run("apart", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			buf = normalizeKey(buf[:0], keys[i&4095], true)
			if words.IsEmailBytes(buf) {
				n++
			}
		}
	})
	b.Run("one-pass", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			var addr bool
			if buf, addr = emailKey(buf[:0], keys[i&4095]); addr {
				n++
			}
		}
	})
	if n == 0 {
		b.Fatal("no key is an address")
	}
}
