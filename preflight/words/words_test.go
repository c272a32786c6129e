package words

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"testing"
)

// emailSpec is the contract's email format, read literally: after
// trimming, local@domain with a non-empty local part without spaces, '<',
// '>' or a second '@', and a domain of non-empty dot-separated labels with
// at least one dot. IsEmail, written for speed, must agree with it.
func emailSpec(s string) bool {
	s = strings.TrimSpace(s)
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(local, " \t<>") || strings.ContainsAny(domain, "@ \t<>") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	return true
}

func TestIsEmail(t *testing.T) {
	cases := []string{"", "@", "a@", "@b.c", "a@b", "a@b.c", "a@.b.c", "a@b.c.", "a@b..c", "a b@c.d", "a@b c.d", "a@b@c.d",
		"<a>@b.c", "a@<b>.c", "a\t@b.c", "a@b.c\t", "ä@ö.de", "a@b.", "a.@b.c", ".a@b.c", "a@@b.c", "a@b.c@", "Email Address", "a@-.x",
		" ana@example.com ", "\u00a0@b.c"}
	// and every short string over two small alphabets
	var gen func(alphabet, prefix string, n int)
	gen = func(alphabet, prefix string, n int) {
		cases = append(cases, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(alphabet, prefix+string(c), n-1)
		}
	}
	gen("a@. <", "", 6)
	gen("x@.>\t", "", 6)
	for _, c := range cases {
		if got, want := IsEmail(c), emailSpec(c); got != want {
			t.Errorf("IsEmail(%q) = %v, the contract says %v", c, got, want)
		}
		c = strings.TrimSpace(c) // keys reach it trimmed
		if got, want := IsEmailBytes([]byte(c)), emailSpec(c); got != want {
			t.Errorf("IsEmailBytes(%q) = %v, the contract says %v", c, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{Plural(0, "error"), "0 errors"},
		{Plural(1, "error"), "1 error"},
		{Plural(2, "error"), "2 errors"},
		{Plural(1, "row repeats", "rows repeat"), "1 row repeats"},
		{Plural(3, "row repeats", "rows repeat"), "3 rows repeat"},
		{List(nil, "or"), ""},
		{List([]string{"a"}, "or"), "a"},
		{List([]string{"a", "b"}, "or"), "a or b"},
		{List([]string{"a", "b", "c"}, "and"), "a, b and c"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		`plain`: `"plain"`, `a"b\c`: `"a\"b\\c"`, "t\tn\nr\r": `"t\tn\nr\r"`, "\x01\x7f": `"\u0001\u007F"`, "ä": `"ä"`,
		// Invisible in a reviewed sign-off file: C1, line separators, format characters (bidi, zero width, BOM, tags).
		"a\u0085b\u2028c\u2029": `"a\u0085b\u2028c\u2029"`, "x\u202ey\u200bz\ufeff": `"x\u202Ey\u200Bz\uFEFF"`, "\U000e0041": `"\U000E0041"`,
	} {
		if got := QuoteTOML(in); got != want {
			t.Errorf("QuoteTOML(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"bundles/demo": "bundles/demo", "": "''", "a b": "'a b'", "it's": `'it'\''s'`, "a@b.c": "a@b.c", "$HOME": "'$HOME'",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFileProblem(t *testing.T) {
	_, err := os.Open("/nonexistent/x")
	if got := FileProblem(err); got != "no such file or folder" {
		t.Errorf("missing file: %q", got)
	}
	if got := FileProblem(&fs.PathError{Op: "open", Path: "x", Err: fs.ErrPermission}); got != "permission denied" {
		t.Errorf("permission: %q", got)
	}
	if got := FileProblem(errors.New("disk on fire")); got != "disk on fire" {
		t.Errorf("other: %q", got)
	}
}

// isEmailRef is isEmail as it was before its eight-bytes-at-a-time fast
// path: the one-pass byte loop over emailByteRef's classes. The fast one
// must agree with it on every input.
func isEmailRef(b []byte) bool {
	at, dot, prev := -1, false, -2
	for i := 0; i < len(b); i++ {
		switch emailByteRef[b[i]] {
		case 0:
		case emailBad:
			return false
		case emailC2:
			if i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f {
				return false
			}
		case emailAt:
			if at >= 0 {
				return false
			}
			at = i
		case emailDot:
			if at >= 0 {
				if i == at+1 || prev == i-1 {
					return false
				}
				dot, prev = true, i
			}
		}
	}
	return at > 0 && dot && prev != len(b)-1
}

var emailByteRef = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = emailBad
	}
	t[0x7f] = emailBad
	t[' '], t['<'], t['>'] = emailBad, emailBad, emailBad
	t['@'], t['.'], t[0xc2] = emailAt, emailDot, emailC2
	return t
}()

// checkIsEmail fails t when IsEmailBytes, LowerEmailBytes or IsEmail and
// the reference disagree on s, or LowerEmailBytes does not lower-case s
// as bytes.ToLower does an ASCII key.
func checkIsEmail(t *testing.T, s string) {
	t.Helper()
	if got, want := IsEmailBytes([]byte(s)), isEmailRef([]byte(s)); got != want {
		t.Fatalf("IsEmailBytes(%q) = %v, the reference says %v", s, got, want)
	}
	dst := bytes.Repeat([]byte{0xff}, len(s))
	email, ok := LowerEmailBytes(dst, []byte(s))
	if wantOK := hasEmailMasks && len(s) >= 16 && len(s) <= 32 && !strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 }); ok != wantOK {
		t.Fatalf("LowerEmailBytes(%q): ok %v, want %v", s, ok, wantOK)
	}
	if ok && (email != isEmailRef([]byte(s)) || string(dst) != strings.ToLower(s)) {
		t.Fatalf("LowerEmailBytes(%q) = %q, %v; want %q, %v", s, dst, email, strings.ToLower(s), isEmailRef([]byte(s)))
	}
	if got, want := IsEmail(s), isEmailRef([]byte(strings.TrimSpace(s))); got != want {
		t.Fatalf("IsEmail(%q) = %v, the reference says %v", s, got, want)
	}
}

// TestIsEmailFast holds the fast path to the reference: every byte at
// every position of addresses of every length up to 70 (past the fast
// path's 64), a C1 control at every position, and an @ or a dot at every
// pair of positions.
func TestIsEmailFast(t *testing.T) {
	const base = "ana.silva123@example.co.uk.mail.example.net.corp.example.com.xyz.abcdefg"
	for n := 0; n <= 70; n++ {
		for pos := range n {
			for c := range 256 {
				b := []byte(base[:n])
				b[pos] = byte(c)
				checkIsEmail(t, string(b))
			}
			if pos+1 < n {
				checkIsEmail(t, base[:pos]+"\u0085"+base[pos+2:n])
			}
			for pos2 := range n {
				for _, pair := range []string{"@@", "@.", ".@", ".."} {
					b := []byte(base[:n])
					b[pos], b[pos2] = pair[0], pair[1]
					checkIsEmail(t, string(b))
				}
			}
		}
	}
}

// FuzzIsEmailFast holds the fast path to the reference on any input.
func FuzzIsEmailFast(f *testing.F) {
	for _, s := range []string{"", "a@b.c", "ana.silva123@example.com", "Ana.Silva123@Example.com", " a@b.c ", "a@b..c", "a@.b", "a@b.",
		"a@b@c.d", "a<b@c.d", "a\x7f@b.c", "a\u0085b@example.com", "a\u00a9b@example.com", "\u00e4na@xn--bcher-kva.example",
		strings.Repeat("a", 60) + "@b.c", strings.Repeat("a.", 40) + "@b.c"} {
		f.Add(s)
	}
	f.Fuzz(checkIsEmail)
}

// BenchmarkIsEmail checks keys as the bulk scan's generator writes them
// (bench/csvgen: a first name, a dot, a scrambled id in base 36, one of
// its domains), normalised, one an op.
func BenchmarkIsEmail(b *testing.B) {
	first := []string{"ana", "bo", "cy", "dara", "eli", "femi", "gus", "hana", "ivo", "jun", "kai", "lea", "milo", "nia", "omar", "pia", "quinn"}
	domains := []string{"example.com", "example.org", "mail.example.net", "corp.example.com", "example.co.uk"}
	keys := make([][]byte, 4096)
	x := uint64(1)
	for i := range keys {
		x = x*6364136223846793005 + 1442695040888963407
		id := strconv.FormatUint(x>>28, 36) // 7 or so digits, as the generator's
		keys[i] = []byte(first[i%len(first)] + "." + id + "@" + domains[(i/7)%len(domains)])
	}
	b.ReportAllocs()
	i, valid := 0, 0
	for b.Loop() {
		if IsEmailBytes(keys[i&4095]) {
			valid++
		}
		i++
	}
	if valid != i {
		b.Fatalf("%d of %d keys valid", valid, i)
	}
}
