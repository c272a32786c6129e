package words

import (
	"errors"
	"io/fs"
	"os"
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
