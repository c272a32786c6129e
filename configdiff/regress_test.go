package configdiff

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// parseErr parses data and returns its *Error, failing the test on success
// or on another error type.
func parseErr(t *testing.T, file, data string) *Error {
	t.Helper()
	_, err := Parse(file, []byte(data))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse(%s, %.60q) = %v, want an *Error", file, data, err)
	}
	return e
}

// nested returns open*depth + inner + close*depth.
func nested(depth int, open, inner, close string) string {
	return strings.Repeat(open, depth) + inner + strings.Repeat(close, depth)
}

// TestDeepNestingFailsFast: nesting costs memory with the square of the
// depth (each node keeps its whole path), so every loader refuses more
// than maxDepth levels while it parses. 100,000 levels used to take
// gigabytes and minutes.
func TestDeepNestingFailsFast(t *testing.T) {
	const deep = 100_000
	var dotted strings.Builder
	for i := range deep {
		if i > 0 {
			dotted.WriteByte('.')
		}
		dotted.WriteByte('a')
	}
	tests := []struct {
		name, file, data string
		ours             bool // the error is ours, not the library's (10,000 levels)
	}{
		{"json lists", "d.json", `{"a":` + nested(deep, "[", "", "]") + `}`, true},
		{"json objects", "d.json", `{"a":` + nested(deep, `{"a":`, "1", "}") + `}`, true},
		{"yaml flow", "d.yaml", "a: " + nested(deep, "[", "", "]") + "\n", false},
		{"yaml flow 5000", "d.yaml", "a: " + nested(5000, "[", "", "]") + "\n", true},
		{"yaml flow maps 5000", "d.yaml", "a: " + nested(5000, "{a: ", "1", "}") + "\n", true},
		{"toml arrays", "d.toml", "a = " + nested(deep, "[", "", "]") + "\n", false},
		{"toml arrays 5000", "d.toml", "a = " + nested(5000, "[", "", "]") + "\n", true},
		{"toml inline tables 5000", "d.toml", "a = " + nested(5000, "{a = ", "1", "}") + "\n", true},
		{"toml table header", "d.toml", "[" + dotted.String() + "]\n", true},
		{"toml array table header", "d.toml", "[[" + dotted.String() + "]]\n", true},
		{"toml dotted key", "d.toml", dotted.String() + " = 1\n", true},
	}
	for _, tt := range tests {
		start := time.Now()
		e := parseErr(t, tt.file, tt.data)
		d := time.Since(start)
		t.Logf("%s: %v: %v", tt.name, d, e)
		if d > time.Second {
			t.Errorf("%s: took %v", tt.name, d)
		}
		if tt.ours && e.Msg != "nesting deeper than 256 levels" {
			t.Errorf("%s: %v, want the nesting limit", tt.name, e)
		}
		if !tt.ours && !strings.Contains(e.Msg, "10000") {
			t.Errorf("%s: %v, want the library's nesting limit", tt.name, e)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	// 256 levels load: a top-level key is at level 1.
	ok := map[string]string{
		"ok.json": `{"a":` + nested(maxDepth, "[", "", "]") + `}`,
		"ok.yaml": "a: " + nested(maxDepth, "[", "", "]") + "\n",
		"ok.toml": "a = " + nested(maxDepth, "[", "", "]") + "\n",
	}
	for file, data := range ok {
		tr := mustParse(t, file, data)
		if n := len(tr.Nodes()); n != maxDepth {
			t.Errorf("%s: %d nodes, want %d", file, n, maxDepth)
		}
	}
	// 257 levels fail where level 257 starts: line 1, the column of the
	// 257th '['.
	for file, data := range map[string]string{
		"deep.json": `{"a":` + nested(maxDepth+1, "[", "", "]") + `}`,
		"deep.yaml": "a: " + nested(maxDepth+1, "[", "", "]") + "\n",
		"deep.toml": "a = " + nested(maxDepth+1, "[", "1", "]") + "\n",
	} {
		col := strings.Index(data, "[") + maxDepth + 1
		want := fmt.Sprintf("%s:1:%d: nesting deeper than 256 levels", file, col)
		if e := parseErr(t, file, data); e.Error() != want {
			t.Errorf("%s: %q, want %q", file, e.Error(), want)
		}
	}
	// Block YAML, and depth reached through an alias.
	var b strings.Builder
	for i := range maxDepth + 1 {
		fmt.Fprintf(&b, "%sk:\n", strings.Repeat(" ", i))
	}
	mustParse(t, "block.yaml", b.String()[:strings.LastIndex(b.String()[:len(b.String())-1], "\n")+1])
	if e := parseErr(t, "block.yaml", b.String()); e.Msg != "nesting deeper than 256 levels" || e.Pos.Line != maxDepth+1 {
		t.Errorf("block YAML: %v", e)
	}
	alias := "a: &x " + nested(200, "[", "1", "]") + "\nb: " + nested(55, "[", "*x", "]") + "\n"
	mustParse(t, "alias.yaml", alias)
	alias = "a: &x " + nested(200, "[", "1", "]") + "\nb: " + nested(56, "[", "*x", "]") + "\n"
	if e := parseErr(t, "alias.yaml", alias); e.Msg != "nesting deeper than 256 levels" {
		t.Errorf("alias: %v", e)
	}
	// Flat TOML tables do not add up.
	mustParse(t, "flat.toml", strings.Repeat("[a.b.c]\n[a.b.d]\nx = [[1]]\n", 1))
}

// TestKeyBytesLimit: a long name repeated in every key under it costs
// its length per node; the total is bounded.
func TestKeyBytesLimit(t *testing.T) {
	defer func(old int) { maxKeyBytes = old }(maxKeyBytes)
	maxKeyBytes = 1 << 20
	name := strings.Repeat("n", 10_000)
	data := `{"` + name + `": [` + strings.Repeat("1,", 200) + `1]}`
	start := time.Now()
	e := parseErr(t, "long.json", data)
	if !strings.Contains(e.Msg, "too long in total") || time.Since(start) > time.Second {
		t.Errorf("%v after %v", e, time.Since(start))
	}
	mustParse(t, "short.json", `{"`+name+`": [1, 2, 3]}`)
}

// TestErrorsNeverQuoteValues: a value may be a secret; no error message
// may contain it, in any format.
func TestErrorsNeverQuoteValues(t *testing.T) {
	tests := []struct{ file, data string }{
		{"c.yaml", "password: !!int CANARY\n"},
		{"c.yaml", "password: !!float CANARY\n"},
		{"c.yaml", "password: !!bool CANARY\n"},
		{"c.yaml", "password: !!null CANARY\n"},
		{"c.yaml", "password: !!timestamp CANARY\n"},
		{"c.yaml", "a:\n  password: [!!int CANARY]\n"},
		{"c.yaml", "password: \"CANARY\\q\"\n"},
		{"c.yaml", "password: \"CANARY\x01\"\n"},
		{"c.yaml", "password: CANARY\xff\n"},
		{"c.yaml", "password: CANARY: x\n"},
		{"c.yaml", "password: 'CANARY\n"},
		{"c.yaml", "password: [CANARY\n"},
		{"c.yaml", "password: &a CANARY\nx: *b\n"},
		{"c.yaml", "password: *CANARYabc\n"},
		{"c.yaml", "a: 1\n*CANARY: 2\n"},
		{"c.yaml", "password: &p CANARY\nm:\n  *p : 1\n"},
		{"c.yaml", "password: \"\\_ \\N \\L \\P \\e \\a \\v \\f \\b \\0 \\/CANARY\"\n"},
		{"c.yaml", "%YAML 2.0 CANARY\n---\na: 1\n"},
		{"c.yaml", "%CANARY x\n---\na: 1\n"},
		{"c.yaml", "password: !<CANARY x\n"},
		{"c.yaml", "password: !CANARY!x y\n"},
		{"c.yaml", "password: CANARY\n---\nCANARY\n"},
		{"c.yaml", "password: |\n  CANARY\n x\n"},
		{"c.yaml", "password: \"CANARY\\x4\"\n"},
		{"c.yaml", "password: \"CANARY\\uZZZZ\"\n"},
		{"c.yaml", "- CANARY\n"},
		{"c.env", "DB_PASSWORD=x\nMIIEvCANARY+/abc==\n"},
		{"c.env", "DB_PASSWORD=-----BEGIN PRIVATE KEY-----\nMIIEvCANARY\n-----END PRIVATE KEY-----\n"},
		{"c.env", "CANARY+/x=1\n"},
		{"c.env", "1CANARY=1\n"},
		{"c.env", "export CANARY\n"},
		{"c.json", "{\"password\": \"CANARY\xff\"}"},
		{"c.json", `{"password": "CANARY\ud800"}`},
		{"c.json", `{"password": "CANARY\udc00"}`},
		{"c.json", `{"password": "CANARY\u12"}`},
		{"c.json", `["CANARY"]`},
		{"c.json", `{"a": 1} CANARY`},
		{"c.toml", "password = \"\"\"CANARY\n"},
		{"c.toml", "password = '''CANARY"},
		{"c.toml", "password = 0xCANARY\n"},
		{"c.toml", "password = 1979-05-27TCANARY\n"},
		{"c.toml", "password = 00:32:CANARY\n"},
		{"c.toml", "password = \"\\uCANA\"\n"},
		{"c.toml", "[CANARY\n"},
		{"c.toml", "CANARY\n"},
		{"c.env", "PASSWORD CANARY\n"},
		{"c.env", "PASSWORD CANARY=x\n"},
		{"c.env", "PASSWORD=\"CANARY\" CANARY\n"},
		{"c.env", "PASSWORD='CANARY' CANARY\n"},
		{"c.env", "PASSWORD=\"CANARY\n"},
		{"c.env", "PASSWORD=CANARY\xff\n"},
		{"c.env", "A=1\n\"CANARY x\n"},
		{"c.env", "A=1\n  CANARY CANARY\n"[:4] + "\"CANARY CANARY\n"},
		{"c.json", `{"password": CANARY}`},
		{"c.json", `{"password": "CANARY\q"}`},
		{"c.json", `{"password": "CANARY`},
		{"c.json", `{"password": tCANARY}`},
		{"c.json", `{"password": 1CANARY}`},
		{"c.json", "{\"password\": \"CANARY\x01\"}"},
		{"c.toml", "password = CANARY\n"},
		{"c.toml", "password = \"CANARY\\q\"\n"},
		{"c.toml", "password = 'CANARY\n"},
		{"c.toml", "password = \"CANARY\x01\"\n"},
		{"c.toml", "password = \"CANARY\xff\"\n"},
		{"c.toml", "password = 1979-05-27 CANARY\n"},
		{"c.toml", "password = 12CANARY\n"},
		{"c.toml", "password = tCANARY\n"},
		{"c.toml", "password = [1, CANARY]\n"},
		{"c.toml", "password = { a = CANARY }\n"},
		{"c.toml", "password = 1 CANARY\n"},
	}
	for _, tt := range tests {
		e := parseErr(t, tt.file, tt.data)
		// Not the canary, nor its first letter quoted as a character.
		if msg := e.Error(); strings.Contains(msg, "CANARY") || strings.Contains(msg, "'C'") || strings.Contains(msg, "'t'") || strings.Contains(msg, "'q'") || strings.Contains(msg, "U+0043") {
			t.Errorf("Parse(%s, %q): the value leaks: %q", tt.file, tt.data, msg)
		}
	}
	// Numbers: the value is digits.
	numbers := []struct{ file, data, value string }{
		{"n.json", `{"password": 1234e99999}`, "1234"},
		{"n.yaml", "password: 1234e99999\n", "1234"},
		{"n.yaml", "password: !!float 1234e99999\n", "1234"},
		{"n.toml", "password = 1234e99999\n", "1234"},
		{"n.toml", "password = 98765432109876543210\n", "98765"},
		{"n.toml", "password = 1979-13-27\n", "1979"},
		{"n.toml", "password = 07:99:00\n", "07:"},
		{"n.yaml", "password: !!timestamp 1979-13-27\n", "1979"},
	}
	for _, tt := range numbers {
		e := parseErr(t, tt.file, tt.data)
		if strings.Contains(e.Msg, tt.value) {
			t.Errorf("Parse(%s, %q): the value leaks: %q", tt.file, tt.data, e.Error())
		}
	}
	// What the messages say instead: the key and the expected type.
	for _, tt := range []struct{ file, data, want string }{
		{"k.yaml", "db:\n  password: !!int LEAK\n", `k.yaml:2:13: value of "db.password" is not a valid integer (tag !!int)`},
		{"k.yaml", "password: !!bool LEAK\n", `k.yaml:1:11: value of "password" is not a valid bool (tag !!bool)`},
		{"k.env", "PASSWORD LEAK\n", `k.env:1:1: expected KEY=value: the line has no '=' after its first word (quote a value that spans lines)`},
		{"k.env", "\"PASSWORD LEAK\n", `k.env:1:1: expected KEY=value: the line has no '=' after its first word (quote a value that spans lines)`},
		{"k.env", "PASSWORD=\"x\" LEAK\n", `k.env:1:14: unexpected text after the quoted value of "PASSWORD"`},
		{"k.json", `{"password": 1e400}`, `k.json:1:14: value of "password" is out of range for a float (64-bit: at most ±1.8e308)`},
		{"k.json", `{"password": LEAK}`, `k.json:1:14: invalid character looking for beginning of value`},
		{"k.toml", "[db]\npassword = 1979-13-27\n", `k.toml:2:12: value of "db.password" is not a valid date`},
		{"k.toml", "password = LEAK\n", `k.toml:1:12: unexpected character at start of value`},
		{"k.toml", "password = \"x\\q\"\n", `k.toml:1:14: invalid escape character`},
		{"k.toml", "password = 1 LEAK\n", `k.toml:1:14: expected newline`},
	} {
		if e := parseErr(t, tt.file, tt.data); e.Error() != tt.want {
			t.Errorf("Parse(%s, %q) = %q, want %q", tt.file, tt.data, e.Error(), tt.want)
		}
	}
}

// TestYAMLErrorPositions: the library omits "line N" on the first line,
// counts parser errors' lines from 0, and gives no position for encoding
// errors.
func TestYAMLErrorPositions(t *testing.T) {
	tests := []struct{ data, want string }{
		{"a: b: c", "y.yaml:1: mapping values are not allowed in this context"},
		{"x: 1\na: b: c", "y.yaml:2: mapping values are not allowed in this context"},
		{"a: 'x", "y.yaml:1: found unexpected end of stream"},
		{"\ta: 1\n", "y.yaml:1: found character that cannot start any token"},
		{"a: @x\n", "y.yaml:1: found character that cannot start any token"},
		{"x: 1\na: `x\n", "y.yaml:2: found character that cannot start any token"},
		{"a: [1, 2", "y.yaml:1: did not find expected ',' or ']'"},
		{"x: 1\n\na: [1, 2\n", "y.yaml:3: did not find expected ',' or ']'"},
		{"a: 1\n- b\n", "y.yaml:2: did not find expected key"},
		{"a: 1\nb: [\n", "y.yaml:2: did not find expected node content"},
		{"x: 1\n? a\n? b\n: c\n: d\n", "y.yaml:5: did not find expected key"},
		{"a: \"\x01\"", "y.yaml:1:5: control characters are not allowed"},
		{"x: 1\na: \"é\x7f\"\n", "y.yaml:2:6: control characters are not allowed"},
		{"a: \xff", "y.yaml:1:4: invalid UTF-8"},
		{"x: 1\nab: é\xc3\n", "y.yaml:2:6: invalid UTF-8"},
	}
	for _, tt := range tests {
		if e := parseErr(t, "y.yaml", tt.data); e.Error() != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.data, e.Error(), tt.want)
		}
	}
}

// TestFloatOutOfRange: a float no float64 holds is an error in every
// format (YAML used to load 1e400 as a string), and a tiny one is 0.
func TestFloatOutOfRange(t *testing.T) {
	for _, tt := range []struct{ file, data string }{
		{"f.json", `{"x": 1e400}`}, {"f.json", `{"x": -1e400}`},
		{"f.yaml", "x: 1e400\n"}, {"f.yaml", "x: -1.5e400\n"}, {"f.yaml", "x: !!float 1e400\n"},
		{"f.toml", "x = 1e400\n"}, {"f.toml", "x = -1_0e400\n"},
	} {
		if e := parseErr(t, tt.file, tt.data); !strings.HasSuffix(e.Error(), `value of "x" is out of range for a float (64-bit: at most ±1.8e308)`) {
			t.Errorf("Parse(%s, %q) = %q", tt.file, tt.data, e.Error())
		}
	}
	for file, data := range map[string]string{"f.json": `{"x": 1e-400}`, "f.yaml": "x: 1e-400\n", "f.toml": "x = 1e-400\n"} {
		if n := mustParse(t, file, data).Get("x"); n.Kind != Float || n.Text != "0" {
			t.Errorf("%s: x = %s %q, want float 0", file, n.Kind, n.Text)
		}
	}
	// Still strings: quoted, or not a float by the core schema.
	for data, want := range map[string]string{"x: '1e400'\n": "1e400", "x: 1e400x\n": "1e400x", "x: 1_0e400\n": "1_0e400"} {
		if n := mustParse(t, "s.yaml", data).Get("x"); n.Kind != String || n.Text != want {
			t.Errorf("%q: x = %s %q", data, n.Kind, n.Text)
		}
	}
}

// TestShowIntegralFloat: an integral float shows with ".0", so JSON 10
// and YAML 1e1 do not look alike; the canonical text and digest do not
// change.
func TestShowIntegralFloat(t *testing.T) {
	tr := mustParse(t, "f.yaml", "a: 1e1\nb: -1e1\nc: 1e21\nd: .inf\ne: -.inf\nf: .nan\ng: 0.5\nh: -0.0\ni: 10\nj: 1.0\n")
	want := map[string]string{"a": "10.0", "b": "-10.0", "c": "1e+21", "d": "inf", "e": "-inf", "f": "nan", "g": "0.5", "h": "0.0", "i": "10", "j": "1.0"}
	for k, w := range want {
		if got := Show(tr.Get(k)); got != w {
			t.Errorf("Show(%s) = %q, want %q", k, got, w)
		}
	}
	if n := tr.Get("a"); n.Text != "10" {
		t.Errorf("canonical text of 1e1 = %q, want 10", n.Text)
	}
	if got := string(encode(tr.Get("a"))); got != "preflight-configdiff-v1\nfloat\n2\n10" {
		t.Errorf("encoding = %q", got)
	}
	j := mustParse(t, "f.json", `{"a": 10.0}`)
	if Digest(j.Get("a")) != Digest(tr.Get("a")) {
		t.Error("JSON 10.0 and YAML 1e1 have different digests")
	}
}

// TestTOMLTableTwice: the walk runs before go-toml's decoder, so it
// reports a table defined twice itself, at the second header, not at
// the first key repeated under it.
func TestTOMLTableTwice(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{"[a.dev]\nx = 1\n\n[a.dev]\nx = 2\n", `t.toml:4:4: table "a.dev" is defined twice (first at line 1)`},
		{"[t]\nx = 1\n[t]\n", `t.toml:3:2: table "t" is defined twice (first at line 1)`},
		{"[a.b]\nx = 1\n[a]\ny = 2\n[a]\n", `t.toml:5:2: table "a" is defined twice (first at line 3)`},
	} {
		if e := parseErr(t, "t.toml", tt.data); e.Error() != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.data, e.Error(), tt.want)
		}
	}
	mustParse(t, "t.toml", "[a.b]\nx = 1\n[a]\ny = 2\n[[c]]\n[[c]]\n[c.d]\n[[c]]\n[c.d]\n")
}

// TestTOMLRedefinition: repeated keys and redefined tables are refused
// with the messages and positions go-toml's decoder gave before the check
// became a map per table (tomlCheck); an integer beyond 64 bits too.
func TestTOMLRedefinition(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{"a = 1\na = 2\n", "t.toml:2:1: key \"a\" is defined twice (first at line 1)"},
		{"a = 1\n\n a = 2\n", "t.toml:3:2: key \"a\" is defined twice (first at line 1)"},
		{"[a]\nx = 1\n[a]\ny = 2\n", "t.toml:3:2: table \"a\" is defined twice (first at line 1)"},
		{"[a]\n[b]\n[a]\n", "t.toml:3:2: table \"a\" is defined twice (first at line 1)"},
		{"a.b = 1\n[a]\n", "t.toml:2:2: table a already exists as defined by a dotted key"},
		{"a.b = 1\n[a.b]\n", "t.toml:2:4: key \"a.b\" is already an integer"},
		{"a.b = 1\na.b.c = 2\n", "t.toml:2:3: key \"a.b\" is already an integer"},
		{"a = 1\na.b = 2\n", "t.toml:2:1: key \"a\" is already an integer"},
		{"a = 1\n[a]\n", "t.toml:2:2: key \"a\" is already an integer"},
		{"a = 1\n[a.b]\n", "t.toml:2:2: key \"a\" is already an integer"},
		{"a = 1\n[[a]]\n", "t.toml:2:3: key \"a\" is already an integer"},
		{"a = []\n[[a]]\n", "t.toml:2:3: key a already exists as a value, but should be an array table"},
		{"[[a]]\n[a]\n", "t.toml:2:2: table a already exists as an array of tables"},
		{"[a]\n[[a]]\n", "t.toml:2:3: key \"a\" is already a mapping"},
		{"[[a]]\nx = 1\n[[a]]\nx = 2\n", ""},
		{"[[a]]\n[a.b]\n[[a]]\n[a.b]\n", ""},
		{"[[a]]\n[a.b]\n[a.b]\n", "t.toml:3:4: table \"a[0].b\" is defined twice (first at line 2)"},
		{"a = {b = 1}\na.c = 2\n", "t.toml:2:1: key a is already defined"},
		{"a = {b = 1}\n[a]\n", "t.toml:2:2: key a should be a table, not a value"},
		{"a = {b = 1}\n[a.c]\n", "t.toml:2:2: key a already exists as a value"},
		{"a = {b = 1, b = 2}\n", "t.toml:1:13: key \"a.b\" is defined twice (first at line 1)"},
		{"a = {b = {c = 1}, b.d = 2}\n", "t.toml:1:1: key b is already defined"},
		{"a = [{b = 1, b = 2}]\n", "t.toml:1:14: key \"a[0].b\" is defined twice (first at line 1)"},
		{"a = [[{b = 1, b = 2}]]\n", "t.toml:1:15: key \"a[0][0].b\" is defined twice (first at line 1)"},
		{"[a.b]\nc = 1\n[a]\nb.d = 2\n", "t.toml:4:1: key b is already defined"},
		{"[a]\nb.c = 1\n[a.b]\n", "t.toml:3:2: table b already exists as defined by a dotted key"},
		{"[a]\nb.c = 1\n[a.b.d]\n", ""},
		{"[a.b.c]\n[a]\n[a.b]\n", ""},
		{"[a.b.c]\n[a.b]\n[a.b]\n", "t.toml:3:4: table \"a.b\" is defined twice (first at line 2)"},
		{"[a]\nb = 1\n[a.b.c]\n", "t.toml:3:4: key \"a.b\" is already an integer"},
		{"a.b.c = 1\n[a.b.d]\n", ""},
		{"x = 99999999999999999999\n", "t.toml:1:5: decimal number is too large to fit in a 64-bit signed integer"},
		{"x = 2021-02-30\n", "t.toml:1:5: value of \"x\" is not a valid date"},
		{"x = 1e999\n", "t.toml:1:5: value of \"x\" is out of range for a float (64-bit: at most ±1.8e308)"},
		{"x = 0x\n", "t.toml:1:5: radix prefix must be followed by at least one digit"},
		{"[\"a.b\"]\n[a.b]\n[a]\nb = 1\n", "t.toml:4:1: key \"a.b\" is defined twice (first at line 2)"},
		{"'a' = 1\n\"a\" = 2\n", "t.toml:2:1: key \"a\" is defined twice (first at line 1)"},
		{"[a]\n[ a ]\n", "t.toml:2:3: table \"a\" is defined twice (first at line 1)"},
		{"[a]\n\n[\"a\"]\n", "t.toml:3:2: table \"a\" is defined twice (first at line 1)"},
		{"a.'b' = 1\na.\"b\" = 2\n", "t.toml:2:3: key \"a.b\" is defined twice (first at line 1)"},
		{"[[a.b]]\n[a]\nb = 1\n", "t.toml:3:1: key \"a.b\" is defined twice (first at line 1)"},
		{"[[a]]\n[[a.b]]\n[a.b]\n", "t.toml:3:2: table b already exists as an array of tables"},
		{"[a]\n[[a.b]]\n[a.b.c]\n[a.b]\n", "t.toml:4:2: table b already exists as an array of tables"},
		{"a = [1, 99999999999999999999]\n", "t.toml:1:9: decimal number is too large to fit in a 64-bit signed integer"},
		{"a = {b = -99999999999999999999}\n", "t.toml:1:10: decimal number is too large to fit in a 64-bit signed integer"},
		{"x = 9_223_372_036_854_775_808\n", "t.toml:1:5: decimal number is too large to fit in a 64-bit signed integer"},
		{"x = -9_223_372_036_854_775_808\n", ""},
		{"x = 0xffffffffffffffffff\n", "t.toml:1:5: hexadecimal number is too large to fit in a 64-bit signed integer"},
		{"[t]\n  x =   99999999999999999999 # c\n", "t.toml:2:9: decimal number is too large to fit in a 64-bit signed integer"},
		{"a = [{b = [{c = 1, c = 2}]}]\n", "t.toml:1:20: key \"a[0].b[0].c\" is defined twice (first at line 1)"},
		{"a = [{b = 1}, {b = 2}]\n", ""},
		{"[[a]]\nb = [{c = 1}]\n[[a]]\nb = [{c = 1}]\n", ""},
		{"x = 1\n[y]\n[x.z]\n", "t.toml:3:2: key \"x\" is already an integer"},
		{"\ufeffa = 1\na = 2\n", "t.toml:2:1: key \"a\" is defined twice (first at line 1)"},
	} {
		_, err := Parse("t.toml", []byte(tt.data))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.data, got, tt.want)
		}
	}
}
