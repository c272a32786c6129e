package configdiff

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustParse(t *testing.T, file, data string) *Tree {
	t.Helper()
	tr, err := Parse(file, []byte(data))
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	return tr
}

func mustLoad(t *testing.T, file string) *Tree {
	t.Helper()
	tr, err := Load(file)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return tr
}

// pos is a node's key and value positions.
type pos struct {
	Key, Kind, Text string
	KeyPos, Value   Pos
}

func positions(tr *Tree) []pos {
	var out []pos
	for _, n := range tr.Nodes() {
		out = append(out, pos{n.Key, n.Kind.String(), n.Text, n.KeyPos, n.ValuePos})
	}
	return out
}

func TestPositions(t *testing.T) {
	// Every file has a non-ASCII line: columns count code points.
	tests := map[string][]pos{
		"testdata/positions.yaml": {
			{`"café"`, "string", "crème", Pos{1, 1}, Pos{1, 7}},
			{"nested", "map", "", Pos{2, 1}, Pos{3, 3}},
			{`nested."ünï"`, "integer", "1", Pos{3, 3}, Pos{3, 8}},
			{"nested.list", "list", "", Pos{4, 3}, Pos{5, 5}},
			{"nested.list[0]", "string", "x", Pos{5, 7}, Pos{5, 7}},
			{"nested.list[1]", "map", "", Pos{6, 7}, Pos{6, 7}},
			{"nested.list[1].k", "string", "v", Pos{6, 8}, Pos{6, 11}},
		},
		"testdata/positions.json": {
			{`"café"`, "string", "crème", Pos{2, 3}, Pos{2, 11}},
			{"nested", "map", "", Pos{3, 3}, Pos{3, 13}},
			{`nested."ünï"`, "integer", "1", Pos{3, 14}, Pos{3, 21}},
			{"nested.list", "list", "", Pos{4, 5}, Pos{4, 13}},
			{"nested.list[0]", "string", "x", Pos{4, 14}, Pos{4, 14}},
			{"nested.list[1]", "map", "", Pos{4, 19}, Pos{4, 19}},
			{"nested.list[1].k", "string", "v", Pos{4, 20}, Pos{4, 25}},
		},
		"testdata/positions.toml": {
			{`"café"`, "string", "crème", Pos{1, 1}, Pos{1, 10}},
			{"nested", "map", "", Pos{2, 2}, Pos{2, 2}},
			{`nested."ünï"`, "integer", "1", Pos{3, 3}, Pos{3, 11}},
			{"nested.list", "list", "", Pos{4, 3}, Pos{4, 10}},
			{"nested.list[0]", "string", "x", Pos{4, 12}, Pos{4, 12}},
			{"nested.list[1]", "map", "", Pos{4, 17}, Pos{4, 17}},
			{"nested.list[1].k", "string", "v", Pos{4, 18}, Pos{4, 22}},
			{"nested.list[2]", "list", "", Pos{4, 28}, Pos{4, 28}},
			{"nested.list[2][0]", "list", "", Pos{4, 29}, Pos{4, 29}},
			{"nested.list[2][0][0]", "integer", "1", Pos{4, 30}, Pos{4, 30}},
			{"nested.list[2][1]", "list", "", Pos{4, 28}, Pos{4, 28}},
			{"servers", "list", "", Pos{5, 3}, Pos{5, 1}},
			{"servers[0]", "map", "", Pos{5, 1}, Pos{5, 1}},
			{"servers[0].name", "string", "a", Pos{6, 1}, Pos{6, 8}},
			{"servers[1]", "map", "", Pos{7, 3}, Pos{7, 3}},
			{"servers[1].name", "string", "b", Pos{8, 1}, Pos{8, 8}},
		},
		"testdata/positions.env": {
			{`"café"`, "string", "crème", Pos{2, 1}, Pos{2, 6}},
			{`"ünï"`, "string", "quoted", Pos{3, 10}, Pos{3, 16}},
		},
	}
	for file, want := range tests {
		tr := mustLoad(t, file)
		if diff := cmp.Diff(want, positions(tr)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", file, diff)
		}
		if tr.File != file {
			t.Errorf("File = %q, want %q", tr.File, file)
		}
	}
}

func TestKindsAndTexts(t *testing.T) {
	yaml := `
s1: yes
s2: on
s3: "true"
s4: '1'
b1: true
b2: False
b3: TRUE
n1: null
n2: ~
n3:
n4: NULL
i1: 0x1F
i2: 0o17
i3: +12
i4: 123456789012345678901234567890
f1: 1e3
f2: 1.0
f3: .inf
f4: -.Inf
f5: .nan
f6: -0.0
d1: 2026-11-27
dt1: 2026-11-27T10:00:00.500+01:00
dt2: 2026-11-27t10:00:00z
str1: 2026-11-27T10:00:00
str2: 1_000
str3: !!str 12
tagged: !!float 3
`
	want := map[string]string{
		"s1": "string:yes", "s2": "string:on", "s3": "string:true", "s4": "string:1",
		"b1": "bool:true", "b2": "bool:false", "b3": "bool:true",
		"n1": "null:null", "n2": "null:null", "n3": "null:null", "n4": "null:null",
		"i1": "integer:31", "i2": "integer:15", "i3": "integer:12", "i4": "integer:123456789012345678901234567890",
		"f1": "float:1000", "f2": "float:1", "f3": "float:inf", "f4": "float:-inf", "f5": "float:nan", "f6": "float:0",
		"d1": "date:2026-11-27", "dt1": "date-time:2026-11-27T10:00:00.5+01:00", "dt2": "date-time:2026-11-27T10:00:00Z",
		"str1": "string:2026-11-27T10:00:00", "str2": "string:1_000", "str3": "string:12", "tagged": "float:3",
	}
	if diff := cmp.Diff(want, flatten(mustParse(t, "c.yaml", yaml))); diff != "" {
		t.Errorf("YAML (-want +got):\n%s", diff)
	}

	toml := `
i1 = 0x1F
i2 = 1_000
i3 = +5
f1 = 1000.0
f2 = inf
f3 = -nan
f4 = 6.626e-34
dt = 1979-05-27 07:32:00.000Z
ldt = 1979-05-27T07:32:00.120
ld = 1979-05-27
lt = 07:32:00.5000
`
	want = map[string]string{
		"i1": "integer:31", "i2": "integer:1000", "i3": "integer:5",
		"f1": "float:1000", "f2": "float:inf", "f3": "float:nan", "f4": "float:6.626e-34",
		"dt": "date-time:1979-05-27T07:32:00Z", "ldt": "date-time:1979-05-27T07:32:00.12",
		"ld": "date:1979-05-27", "lt": "time:07:32:00.5",
	}
	if diff := cmp.Diff(want, flatten(mustParse(t, "c.toml", toml))); diff != "" {
		t.Errorf("TOML (-want +got):\n%s", diff)
	}

	json := `{"i": 1, "neg": -0, "f": 1.0, "e": 1e3, "big": 123456789012345678901234567890, "n": null, "s": "4000"}`
	want = map[string]string{
		"i": "integer:1", "neg": "integer:0", "f": "float:1", "e": "float:1000",
		"big": "integer:123456789012345678901234567890", "n": "null:null", "s": "string:4000",
	}
	if diff := cmp.Diff(want, flatten(mustParse(t, "c.json", json))); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}

	env := "A=1\nB = spaced value  # comment\nC=\"x\\ty\\\"z\\\\\"\nD='a # b'\nE=\nF=\"multi\nline\"\nG=#not a value\n"
	want = map[string]string{
		"A": "string:1", "B": "string:spaced value", "C": "string:x\ty\"z\\", "D": "string:a # b",
		"E": "string:", "F": "string:multi\nline", "G": "string:",
	}
	if diff := cmp.Diff(want, flatten(mustParse(t, "c.env", env))); diff != "" {
		t.Errorf(".env (-want +got):\n%s", diff)
	}
}

func TestYAMLAnchorsAndMerge(t *testing.T) {
	tr := mustLoad(t, "testdata/anchors.yaml")
	want := map[string]string{
		"defaults.timeout": "integer:30", "defaults.retries": "integer:3",
		"prod.timeout": "integer:30", "prod.retries": "integer:5",
	}
	if diff := cmp.Diff(want, flatten(tr)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestYAMLAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [x, x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(n + ": &" + n + " [")
		for i := range 10 {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = n
	}
	_, err := Parse("bomb.yaml", []byte(b.String()))
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "aliases expand") {
		t.Fatalf("Parse(alias bomb) = %v, want an alias expansion error", err)
	}
}

func TestEmptyFiles(t *testing.T) {
	for _, f := range []string{"e.yaml", "e.toml", "e.env"} {
		tr := mustParse(t, f, "")
		if len(tr.Nodes()) != 0 || tr.Root == nil || tr.Root.Kind != Map {
			t.Errorf("%s: want an empty map", f)
		}
	}
	mustParse(t, "e.json", "{}")
	mustParse(t, "c.yaml", "# only a comment\n")
}

func TestTreeAccess(t *testing.T) {
	tr := mustLoad(t, "testdata/same.toml")
	if n := tr.Get(`servers."eu.west".port`); n == nil || n.Text != "8080" {
		t.Errorf("Get(port) = %+v", n)
	}
	if n := tr.Get("servers"); n == nil || n.IsLeaf() {
		t.Errorf("Get(servers) = %+v, want a non-leaf", n)
	}
	if n := tr.Get("tags[1]"); n == nil || n.Text != "b" {
		t.Errorf("Get(tags[1]) = %+v", n)
	}
	if tr.Get("nope") != nil || tr.Get("..") != nil {
		t.Error("Get of an absent key is not nil")
	}
	var leaves []string
	for _, n := range tr.Leaves() {
		leaves = append(leaves, n.Key)
	}
	want := []string{"name", "max_tokens", "ratio", "big", "enabled", "started", "day", "tags[0]", "tags[1]",
		"empty", "none", "llm.model_tier", "llm.api_key", `servers."eu.west".host`, `servers."eu.west".port`}
	if diff := cmp.Diff(want, leaves); diff != "" {
		t.Errorf("Leaves (-want +got):\n%s", diff)
	}
	if len(tr.Nodes()) != len(want)+4 { // tags, llm, servers, servers."eu.west"
		t.Errorf("len(Nodes()) = %d", len(tr.Nodes()))
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load("testdata/nothing.yaml"); err == nil || err.Error() != "testdata/nothing.yaml: no such file or folder" {
		t.Errorf("Load(missing) = %v", err)
	}
	if _, err := Load("config.ini"); err == nil || !strings.Contains(err.Error(), `unsupported config format ".ini"`) {
		t.Errorf("Load(.ini) = %v", err)
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		file, data string
		want       string // Error()
	}{
		{"bad.toml", "a = 1\nb = \n", "bad.toml:2:5: "},
		{"bad.toml", "a = 1\n\"é\" = 1\n\"é\" = 2\n", "bad.toml:3:1: "},
		{"bad.toml", "[t]\nx = 1\n[t]\n", "bad.toml:3:"},
		{"bad.toml", "café = 1\n", "bad.toml:1:4: "},
		{"bad.yaml", "a: 1\nb: [\n", "bad.yaml:"},
		{"bad.yaml", "a:\n  b: 1\n  b: 2\n", `bad.yaml:3:3: key "b" is defined twice in one mapping (first at line 2)`},
		{"bad.yaml", "a: 1\n---\nb: 2\n", "bad.yaml:2:1: several YAML documents in one file (only one is allowed)"},
		{"bad.yaml", "- a\n- b\n", "bad.yaml:1:1: the top level must be a mapping, not a list"},
		{"bad.yaml", "a: *nope\n", `bad.yaml:1:4: unknown anchor: an alias`},
		{"bad.yaml", "a: !!int x\n", `bad.yaml:1:4: value of "a" is not a valid integer (tag !!int)`},
		{"bad.json", "{\n  \"é\": 1,\n  \"é\": 2\n}", `bad.json:3:3: key "é" is defined twice in one object (first at line 2)`},
		{"bad.json", "{\n  \"a\": 1,\n}", "bad.json:3:1: invalid character '}' looking for beginning of object key string"},
		{"bad.json", "{\"a\": 1", "bad.json:1:8: unexpected end of JSON input"},
		{"bad.json", "[1]", "bad.json:1:1: the top level must be an object, not an array"},
		{"bad.json", "{} {}", "bad.json:1:4: unexpected data after the top-level object"},
		{"bad.json", "", "bad.json: empty JSON file (expected an object)"},
		{"bad.json", `{"a": 1e999}`, `bad.json:1:7: value of "a" is out of range for a float`},
		{"bad.env", "A=1\nnot a pair\n", `bad.env:2:1: expected KEY=value: the line has no '='`},
		{"bad.env", "A=1\n  éA=2\néA=3\n", `bad.env:3:1: key "éA" is defined twice (first at line 2)`},
		{"bad.env", "A=\"open\n", "bad.env:1:3: unterminated quoted value"},
		{"bad.env", "A='x' y\n", `bad.env:1:7: unexpected text after the quoted value of "A"`},
		{"bad.env", "=1\n", "bad.env:1:1: missing key before '='"},
		{"bad.env", "A=\xff\n", "bad.env:1:3: invalid UTF-8"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.file, []byte(tt.data))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%s, %q) = %v, want *Error", tt.file, tt.data, err)
			continue
		}
		if !strings.HasPrefix(e.Error(), tt.want) {
			t.Errorf("Parse(%s, %q) = %q, want prefix %q", tt.file, tt.data, e.Error(), tt.want)
		}
		if e.Pos.Line == 0 && tt.file != "bad.json" {
			t.Errorf("Parse(%s, %q): no line in %q", tt.file, tt.data, e.Error())
		}
		if strings.HasSuffix(e.Msg, ".") || e.Msg == "" {
			t.Errorf("message %q: want lower case, no trailing period", e.Msg)
		}
	}
}

func TestSameValueAcrossFormats(t *testing.T) {
	trees := map[string]*Tree{}
	for _, f := range []string{"same.toml", "same.yaml", "same.json", "same.env"} {
		trees[f] = mustLoad(t, filepath.Join("testdata", f))
	}
	toml := trees["same.toml"]
	for _, f := range []string{"same.yaml", "same.json"} {
		for _, n := range trees[f].Leaves() {
			other := toml.Get(n.Key)
			if other == nil {
				t.Errorf("%s: %s missing in TOML", f, n.Key)
				continue
			}
			same := Digest(n) == Digest(other)
			// JSON has no dates: a TOML date-time never equals a string.
			wantSame := !(f == "same.json" && (n.Key == "started" || n.Key == "day"))
			if same != wantSame {
				t.Errorf("%s: %s = %s, TOML %s: equal digests %v, want %v", f, n.Key, Show(n), Show(other), same, wantSame)
			}
		}
	}
	// .env: every value is a string, equal to the same string elsewhere.
	env := trees["same.env"]
	if Digest(env.Get("name")) != Digest(toml.Get("name")) {
		t.Error(".env name differs from TOML name")
	}
	if Digest(env.Get("MODEL_TIER")) != Digest(toml.Get("llm.model_tier")) {
		t.Error(".env MODEL_TIER differs from TOML llm.model_tier")
	}
}

func TestDigestDistinguishes(t *testing.T) {
	tr := mustParse(t, "d.json", `{"int": 4000, "str": "4000", "one": 1, "onef": 1.0, "null": null, "t": true, "ts": "true", "em": {}, "el": []}`)
	pairs := [][2]string{{"int", "str"}, {"one", "onef"}, {"t", "ts"}, {"em", "el"}}
	for _, p := range pairs {
		if Digest(tr.Get(p[0])) == Digest(tr.Get(p[1])) {
			t.Errorf("Digest(%s) == Digest(%s)", p[0], p[1])
		}
	}
	if Digest(tr.Get("null")) == Digest(nil) {
		t.Error("null has the digest of absent")
	}
	if Digest(nil) != "absent" {
		t.Errorf("Digest(nil) = %q", Digest(nil))
	}
}

// TestDigestStable pins the canonical encoding: these digests are written
// in committed sign-off files and must never change.
func TestDigestStable(t *testing.T) {
	tr := mustParse(t, "d.yaml", "model_tier: gpt-4o\nn: 4000\nm: {a: 1, b: [x]}\n")
	if got := string(encode(tr.Get("model_tier"))); got != "preflight-configdiff-v1\nstring\n6\ngpt-4o" {
		t.Errorf("encoding = %q", got)
	}
	if got := string(encode(tr.Get("m"))); got != "preflight-configdiff-v1\nmap\n2\n1\nainteger\n1\n11\nblist\n1\nstring\n1\nx" {
		t.Errorf("map encoding = %q", got)
	}
	if got, want := Digest(tr.Get("model_tier")), "sha256:a5a58ee812e19ae1c790da8d86ca93a7bbecfa0955a07b4c351c5ac005acf78d"; got != want {
		t.Errorf("Digest = %q, want %q", got, want)
	}
}

func TestSecretDigest(t *testing.T) {
	tr := mustParse(t, "s.env", "API_KEY=sk-123\nOTHER=sk-124\n")
	d, err := SecretDigest(tr.Get("API_KEY"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d, "argon2id:v=19,m=19456,t=2,p=1:") || strings.Contains(d, "sk-") {
		t.Fatalf("SecretDigest = %q", d)
	}
	if err := CheckDigest(d); err != nil {
		t.Errorf("CheckDigest(%q): %v", d, err)
	}
	d2, _ := SecretDigest(tr.Get("API_KEY"))
	if d2 == d {
		t.Error("two secret digests share a salt")
	}
	for _, tt := range []struct {
		n    *Node
		want bool
	}{{tr.Get("API_KEY"), true}, {tr.Get("OTHER"), false}, {nil, false}} {
		got, err := MatchDigest(d, tt.n)
		if err != nil || got != tt.want {
			t.Errorf("MatchDigest(secret, %v) = %v, %v; want %v", Show(tt.n), got, err, tt.want)
		}
	}
	if d, _ := SecretDigest(nil); d != "absent" {
		t.Errorf("SecretDigest(nil) = %q", d)
	}
}

func TestMatchAndCheckDigest(t *testing.T) {
	tr := mustParse(t, "m.toml", "a = 1\nb = 2\n")
	a, b := tr.Get("a"), tr.Get("b")
	da := Digest(a)
	for _, tt := range []struct {
		digest string
		n      *Node
		want   bool
	}{
		{da, a, true}, {da, b, false}, {da, nil, false},
		{strings.ToUpper(da[:7]) + da[7:], a, false},
		{"absent", nil, true}, {"absent", a, false},
	} {
		got, err := MatchDigest(tt.digest, tt.n)
		if strings.HasPrefix(tt.digest, "SHA256:") {
			if err == nil {
				t.Errorf("MatchDigest(%q): want an error", tt.digest)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("MatchDigest(%q, %s) = %v, %v; want %v", tt.digest, Show(tt.n), got, err, tt.want)
		}
	}
	bad := []string{
		"", "sha256:", "sha256:abc", "sha256:" + strings.Repeat("g", 64), "md5:abcd", "absent ",
		"argon2id:v=19,m=65536,t=3,p=4:AAAAAAAAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"argon2id:v=19,m=19456,t=2,p=1:AAAA:AAAA",
		"argon2id:v=19,m=19456,t=2,p=1:AAAAAAAAAAAAAAAAAAAAAA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	}
	for _, d := range bad {
		if err := CheckDigest(d); err == nil {
			t.Errorf("CheckDigest(%q): want an error", d)
		}
		if _, err := MatchDigest(d, a); err == nil {
			t.Errorf("MatchDigest(%q): want an error", d)
		}
	}
	if err := CheckDigest("md5:abcd"); err == nil || !strings.Contains(err.Error(), "unknown digest algorithm") || strings.Contains(err.Error(), "abcd") {
		t.Errorf("CheckDigest(md5) = %v", err)
	}
	for _, d := range []string{"absent", da, "argon2id:v=19,m=19456,t=2,p=1:AAAAAAAAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		if err := CheckDigest(d); err != nil {
			t.Errorf("CheckDigest(%q): %v", d, err)
		}
	}
}

func TestShow(t *testing.T) {
	tr := mustParse(t, "s.yaml", "s: \"a\\\"b\"\ni: 4000\nf: 1.5\nb: true\nn: null\nd: 2026-11-27\nm: {}\nl: []\nfull: {a: 1}\n")
	want := map[string]string{"s": `"a\"b"`, "i": "4000", "f": "1.5", "b": "true", "n": "null", "d": "2026-11-27", "m": "{}", "l": "[]", "full": "{...}"}
	for k, w := range want {
		if got := Show(tr.Get(k)); got != w {
			t.Errorf("Show(%s) = %q, want %q", k, got, w)
		}
	}
	if Show(nil) != "absent" {
		t.Error("Show(nil) != absent")
	}
}

type change struct {
	Key, Kind, Staging, Production string
}

func changes(t *testing.T, s, p *Tree) []change {
	t.Helper()
	cs := Diff(s, p)
	var out []change
	for _, c := range cs {
		if c.Path.String() != c.Key {
			t.Errorf("Path %q != Key %q", c.Path, c.Key)
		}
		out = append(out, change{c.Key, c.Kind.String(), Show(c.Staging), Show(c.Production)})
	}
	return out
}

func TestDiff(t *testing.T) {
	staging := mustParse(t, "staging.yaml", `
llm:
  model_tier: small
  max_tokens: 4000
db:
  host: staging.db
  pool: {min: 1, max: 5}
list: [a, b, c]
empty: {}
kept: same
port: 8080
shape: 1
when: null
`)
	production := mustParse(t, "production.toml", `
kept = "same"
port = "8080"
list = ["a", "x"]
empty = []
shape = { a = 1, b = 2 }
[llm]
model_tier = "large"
max_tokens = 4000
extra = true
`)
	want := []change{
		{"db.host", "only in staging", `"staging.db"`, "absent"},
		{"db.pool.max", "only in staging", "5", "absent"},
		{"db.pool.min", "only in staging", "1", "absent"},
		{"empty", "changed", "{}", "[]"},
		{"list[1]", "changed", `"b"`, `"x"`},
		{"list[2]", "only in staging", `"c"`, "absent"},
		{"llm.extra", "only in production", "absent", "true"},
		{"llm.model_tier", "changed", `"small"`, `"large"`},
		{"port", "changed", "8080", `"8080"`},
		{"shape", "changed", "1", "{...}"},
		{"shape.a", "only in production", "absent", "1"},
		{"shape.b", "only in production", "absent", "2"},
		{"when", "only in staging", "null", "absent"},
	}
	if diff := cmp.Diff(want, changes(t, staging, production)); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	if cs := changes(t, staging, staging); len(cs) != 0 {
		t.Errorf("Diff(x, x) = %v", cs)
	}
	// Same values in different formats: no difference.
	if cs := changes(t, mustLoad(t, "testdata/same.yaml"), mustLoad(t, "testdata/same.toml")); len(cs) != 0 {
		t.Errorf("Diff(same.yaml, same.toml) = %v", cs)
	}
}
