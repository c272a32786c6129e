package words

import "testing"

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain, tab\tkept":       "plain, tab\tkept",
		"a\nb\r\n":               `a\nb\r\n`,
		"\x1b[31mred":            `\x1b[31mred`,
		"del\x7f nul\x00":        `del\x7f nul\x00`,
		"c1 \u0085 \u009b":       `c1 \u0085 \u009b`,
		"ls\u2028ps\u2029":       `ls\u2028ps\u2029`,
		"bad utf-8 \xff\xfe":     `bad utf-8 \xff\xfe`,
		"ünïcödé ✓ \u200b kept":  "ünïcödé ✓ \u200b kept",
		"::error::x\n::warning:": `::error::x\n::warning:`,
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := EscapeLines("one\r\ntwo\x1b\nthree"); got != "one\\r\ntwo\\x1b\nthree" {
		t.Errorf("EscapeLines = %q", got)
	}
}
