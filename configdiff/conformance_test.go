package configdiff

import (
	"strings"
	"testing"
)

// TestConformance: the cases the public suites (JSONTestSuite, toml-test,
// yaml-test-suite) found, each as the contract settles it.
func TestConformance(t *testing.T) {
	loads := []struct {
		file, data, key string
		kind            Kind
		text            string
	}{
		{"t.toml", "t = 00:32:00.5\n", "t", Time, "00:32:00.5"},
		{"t.toml", "t = 00:32:00.123456789\n", "t", Time, "00:32:00.123456789"},
		{"t.toml", "t = 1979-05-27T00:32:00.5\n", "t", DateTime, "1979-05-27T00:32:00.5"},
		{"t.toml", "d = 1979-05-27\n", "d", Date, "1979-05-27"},
		{"j.json", `{"a": "\ud83d\ude00"}`, "a", String, "😀"},
		{"j.json", `{"a": "\u00e9\\ud800"}`, "a", String, `é\ud800`}, // an escaped backslash, then text
		{"y.yaml", "%YAML 1.2\n---\na: 1\n", "a", Int, "1"},
		{"y.yaml", "# c\n%YAML 1.2 # c\n%TAG !e! tag:example.com,2000:\n---\na: 1\n", "a", Int, "1"},
		{"y.yaml", "a: \"x\\/y\"\n", "a", String, "x/y"},
		{"y.yaml", "\"k\\/\": 1\n", `"k/"`, Int, "1"},
		{"y.yaml", "a: [\"p\\/q\", r]\n", "a[0]", String, "p/q"},
		{"y.yaml", "a: !!str \"x\\/y\"\n", "a", String, "x/y"},
		{"y.yaml", "a: &x \"x\\/y\"\nb: *x\n", "b", String, "x/y"},
		{"y.yaml", "a: \"x\\/y \\u00e9\"\n", "a", String, "x/y é"},
		{"y.yaml", "a: \"multi\n  line \\/\"\n", "a", String, "multi line /"},
		{"y.yaml", "a: C:\\/x\nb: \"\\/\"\n", "a", String, `C:\/x`},
		{"y.yaml", "a: 'x\\/y'\nb: \"\\/\"\n", "a", String, `x\/y`},
		{"y.yaml", "a: |\n  \"x\\/y\"\nb: \"\\/\"\n", "a", String, "\"x\\/y\"\n"},
		{"y.yaml", "a: \"\\/\" # \\/ in a comment\n", "a", String, "/"},
		{"y.yaml", "a: \"\\_\\/\"\n", "a", String, "\u00a0/"},
		// Every one of \_ \N \L \P in the file: another escape stands in for \/.
		{"y.yaml", "a: \"\\_ \\N \\L \\P \\/\"\n", "a", String, "\u00a0 \u0085 \u2028 \u2029 /"},
		{"y.yaml", "a: 1\n---\n", "a", Int, "1"},
		{"y.yaml", "a: 1\n--- \n...\n", "a", Int, "1"},
		{"y.yaml", "a: 1\n...\n---\n# nothing\n", "a", Int, "1"},
	}
	for _, tt := range loads {
		tr, err := Parse(tt.file, []byte(tt.data))
		if err != nil {
			t.Errorf("Parse(%s, %q): %v", tt.file, tt.data, err)
			continue
		}
		n := tr.Get(tt.key)
		if n == nil || n.Kind != tt.kind || n.Text != tt.text {
			t.Errorf("Parse(%s, %q): %s = %+v, want %s %q", tt.file, tt.data, tt.key, n, tt.kind, tt.text)
		}
	}
	refused := []struct{ file, data, want string }{
		{"j.json", "{\"a\": \"x\xff\"}", "j.json:1:9: invalid UTF-8"},
		{"j.json", "{\"a\xc3\": 1}", "j.json:1:4: invalid UTF-8"},
		{"j.json", `{"a": "\ud800"}`, "j.json:1:8: a \\u escape of a high surrogate with no low surrogate after it (lone surrogate)"},
		{"j.json", `{"a": "\ud800\u0041"}`, "j.json:1:8: a \\u escape of a high surrogate"},
		{"j.json", `{"a": "x\uDC00"}`, "j.json:1:9: a \\u escape of a low surrogate with no high surrogate before it (lone surrogate)"},
		{"j.json", "{\n \"\\udfff\": 1}", "j.json:2:3: a \\u escape of a low surrogate"},
		{"y.yaml", "a: 1\n---\nb: 2\n", "y.yaml:2:1: several YAML documents in one file"},
		{"y.yaml", "a: 1\n---\n~\n", "y.yaml:2:1: several YAML documents in one file"},
		{"y.yaml", "a: \"\\q\"\n", "y.yaml:1: found unknown escape character"},
		{"y.yaml", "a: \"\\_ \\N \\L \\P \\e \\a \\v \\f \\b \\0 \\/\"\n", "y.yaml:1:35: cannot read this \\/ escape"},
		{"y.yaml", "- a\n", "the top level must be a mapping"},
		{"t.toml", "t = 00:32:00.\n", "t.toml:1:"},
		{"j.json", "[]", "the top level must be an object"},
		{"e.env", "A=1\n\"x\n", "e.env:2:1:"},
	}
	for _, tt := range refused {
		_, err := Parse(tt.file, []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s, %q) = %v, want %q", tt.file, tt.data, err, tt.want)
		}
	}
}

// TestCRLF: a file written with CRLF line ends loads as its LF copy, in
// every format, multi-line strings included; positions are the same.
func TestCRLF(t *testing.T) {
	files := map[string]string{
		"c.toml": "a = \"\"\"\nx\ny\"\"\"\nb = '''\nx\n\ny'''\nc = \"\"\"\nx \\\n  y\"\"\"\nd = \"e\\r\\nf\"\n[t]\ne = 1\n",
		"c.yaml": "a: |\n  x\n  y\nb: >\n  x\n\n  y\nc: \"x\n  y\"\nd: \"e\\r\\nf\"\nt:\n  e: 1\n",
		"c.env":  "A=\"x\ny\"\nB='x\n\ny'\nC=plain\nD=\"e\\r\\nf\"\n",
		"c.json": "{\n  \"a\": \"x\\ny\",\n  \"d\": \"e\\r\\nf\",\n  \"t\": {\"e\": 1}\n}\n",
	}
	for file, lf := range files {
		crlf := strings.ReplaceAll(lf, "\n", "\r\n")
		want, err := Parse(file, []byte(lf))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		got, err := Parse(file, []byte(crlf))
		if err != nil {
			t.Fatalf("%s with CRLF: %v", file, err)
		}
		if changes := Diff(want, got); len(changes) != 0 {
			t.Errorf("%s: CRLF differs from LF: %+v", file, changes)
		}
		for _, n := range want.Nodes() {
			m := got.Get(n.Key)
			if m == nil || m.KeyPos != n.KeyPos || m.ValuePos != n.ValuePos {
				t.Errorf("%s: %s at %v/%v with LF, %+v with CRLF", file, n.Key, n.KeyPos, n.ValuePos, m)
			}
		}
		if d := want.Get("d"); d != nil && d.Text != "e\r\nf" {
			t.Errorf("%s: an escaped \\r\\n is %q, want it kept", file, d.Text)
		}
	}
}
