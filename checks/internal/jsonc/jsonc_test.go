package jsonc

import (
	"errors"
	"strings"
	"testing"
)

func TestPositions(t *testing.T) {
	src := "\uFEFF{\n" +
		"  // a comment with \"quotes\" and { braces\n" +
		"  \"ä\": \"ü\", /* block */ \"n\": 1.50,\n" +
		"  \"list\": [true, null, \"x\",],\n" +
		"}\n"
	v, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if v.Kind != Object || v.Pos != (Pos{1, 1}) {
		t.Fatalf("root %v at %v", v.Kind, v.Pos)
	}
	type want struct {
		name    string
		namePos Pos
		valPos  Pos
		text    string
	}
	for i, w := range []want{
		{"ä", Pos{3, 3}, Pos{3, 8}, "ü"},
		{"n", Pos{3, 25}, Pos{3, 30}, "1.50"},
		{"list", Pos{4, 3}, Pos{4, 11}, ""},
	} {
		m := v.Members[i]
		if m.Name != w.name || m.NamePos != w.namePos || m.Value.Pos != w.valPos || m.Value.Text != w.text {
			t.Errorf("member %d = %q at %v, value %q at %v; want %+v", i, m.Name, m.NamePos, m.Value.Text, m.Value.Pos, w)
		}
	}
	list := v.Get("list")
	if len(list.Elems) != 3 || list.Elems[2].Pos != (Pos{4, 24}) || list.Elems[1].Kind != Null || list.Elems[0].Text != "true" {
		t.Errorf("list = %+v", list.Elems)
	}
}

func TestStrings(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"plain"`, "plain"},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u0041\u00e9\u200b"`, "Aé\u200b"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\udb40\udc41"`, "\U000E0041"},
	} {
		v, err := Parse([]byte(tc.in))
		if err != nil {
			t.Errorf("Parse(%s): %v", tc.in, err)
			continue
		}
		if v.Kind != String || v.Text != tc.want {
			t.Errorf("Parse(%s) = %q, want %q", tc.in, v.Text, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	secret := "ghp_0123456789abcdefghijklmnopqrstuvwxyz"
	for _, tc := range []struct {
		in   string
		pos  Pos
		want string
	}{
		{"", Pos{1, 1}, "unexpected end of file"},
		{`{"a": 1`, Pos{1, 8}, "unexpected end of file"},
		{"{\n  \"a\" 1}", Pos{2, 7}, "unexpected character after object name"},
		{`{"a": ` + secret + `}`, Pos{1, 7}, "invalid literal"},
		{`{"é": "x" "y"}`, Pos{1, 11}, "unexpected character after object value"},
		{`[1, 2] ` + secret, Pos{1, 8}, "unexpected character after top-level value"},
		{"\"a\xffb\"", Pos{1, 3}, "invalid UTF-8 in a string"},
		{`{"k": "ab\ud800"}`, Pos{1, 10}, "lone surrogate escape"},
		{`"\udc00\ud800"`, Pos{1, 2}, "lone surrogate escape"},
		{`"\ud800x"`, Pos{1, 2}, "lone surrogate escape"},
		{strings.Repeat("[", MaxDepth+1), Pos{1, MaxDepth + 1}, "nesting deeper than 256 levels"},
	} {
		_, err := Parse([]byte(tc.in))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%.20q) = %v, want an *Error", tc.in, err)
			continue
		}
		if e.Pos != tc.pos || !strings.Contains(e.Msg, tc.want) {
			t.Errorf("Parse(%.20q) = %v at %v, want %q at %v", tc.in, e.Msg, e.Pos, tc.want, tc.pos)
		}
		if strings.Contains(e.Error(), "ghp_") || strings.Contains(e.Error(), "é") {
			t.Errorf("Parse(%.20q): error quotes the input: %v", tc.in, e)
		}
	}
}

func TestDepthWithinLimit(t *testing.T) {
	in := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if _, err := Parse([]byte(in)); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
	// brackets inside strings and comments do not count
	in = `["` + strings.Repeat("[", 1000) + `"] // ` + strings.Repeat("{", 1000) + "\n"
	if _, err := Parse([]byte(in)); err != nil {
		t.Fatalf("brackets in strings: %v", err)
	}
}

func TestTooManyValues(t *testing.T) {
	in := "[" + strings.Repeat("0,", MaxValues) + "0]"
	_, err := Parse([]byte(in))
	if err == nil || !strings.Contains(err.Error(), "more than 1000000 values") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"mcpServers": {"a": {"command": "npx", "args": ["-y", "x@1.0.0"],},},}`,
		"// c\n[1, 2.5e3, true, null, \"\\u00e9\"]",
		"\uFEFF{\"a\": /* b */ {}}",
		`"\ud83d\ude00"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if e.Pos.Line < 0 || e.Pos.Column < 0 || (e.Pos.Line > 0) != (e.Pos.Column > 0) {
				t.Fatalf("bad position %+v", e.Pos)
			}
			return
		}
		var walk func(v *Value, depth int)
		walk = func(v *Value, depth int) {
			if v.Pos.Line < 1 || v.Pos.Column < 1 {
				t.Fatalf("value without position: %+v", v)
			}
			if depth > MaxDepth {
				t.Fatalf("depth %d", depth)
			}
			for _, m := range v.Members {
				if m.NamePos.Line < 1 || m.NamePos.Column < 1 {
					t.Fatalf("name without position")
				}
				walk(m.Value, depth+1)
			}
			for _, e := range v.Elems {
				walk(e, depth+1)
			}
		}
		walk(v, 1)
	})
}
