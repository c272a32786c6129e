package configdiff

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// seed adds every testdata file with the extension ext, plus extra seeds.
func seed(f *testing.F, ext string, extra ...string) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"+ext))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// fuzzParse parses data as file and checks what any tree must satisfy.
func fuzzParse(t *testing.T, file string, data []byte) {
	tr, err := Parse(file, data)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v is not an *Error", err)
		}
		if e.Pos.Line < 0 || e.Pos.Column < 0 || e.Pos.Column > 0 && e.Pos.Line == 0 {
			t.Fatalf("error %v: bad position %+v", err, e.Pos)
		}
		return
	}
	for _, n := range tr.Nodes() {
		p, err := ParsePath(n.Key)
		if err != nil {
			t.Fatalf("ParsePath(%q): %v", n.Key, err)
		}
		if p.String() != n.Key {
			t.Fatalf("key %q does not round-trip: %q", n.Key, p.String())
		}
		if tr.Get(n.Key) != n {
			t.Fatalf("Get(%q) is another node", n.Key)
		}
		if len(n.Path) > maxDepth {
			t.Fatalf("%q: deeper than %d levels", n.Key, maxDepth)
		}
		if n.KeyPos.Line < 0 || n.ValuePos.Line < 0 {
			t.Fatalf("%q: negative position", n.Key)
		}
		_ = Digest(n)
		_ = Show(n)
		ok, err := MatchDigest(Digest(n), n)
		if err != nil || !ok {
			t.Fatalf("%q: digest does not match its node", n.Key)
		}
	}
	if cs := Diff(tr, tr); len(cs) != 0 {
		t.Fatalf("a tree differs from itself: %v", cs)
	}
}

func FuzzParseTOML(f *testing.F) {
	seed(f, ".toml", "a = [[1], []]\n[[x.y]]\nz = 1979-05-27T07:32Z\n", "t = 07:32\n")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "f.toml", data) })
}

func FuzzParseYAML(f *testing.F) {
	seed(f, ".yaml", "a: &a {b: 1}\nc: *a\nd: {<<: [*a]}\n", "a: !!binary aGk=\n? [x]\n: y\n",
		"%YAML 1.2\n---\na: \"x\\/y\"\nb: [\"\\/\", 'c\\/']\nc: |\n  \"\\/\"\n---\n", "a: 1\r\nb: \"x\r\n  y\"\r\n")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "f.yaml", data) })
}

func FuzzParseJSON(f *testing.F) {
	seed(f, ".json", `{"a": [1, 2.5e3, -0, null, true, {"b": {}}], "": []}`, `{"\ud83d\ude00": "\ud800\\udc00"}`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "f.json", data) })
}

func FuzzParseEnv(f *testing.F) {
	seed(f, ".env", "A=\"x\\n\"\nexport B='y'\n# c\nC = z # d\n")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "f.env", data) })
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"a.b[0].c", `servers."eu.west".host`, `"é\t\x00"`, "[1][2]", "**.x", "a.*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := ParsePath(s); err == nil {
			q, err := ParsePath(p.String())
			if err != nil {
				t.Fatalf("ParsePath(%q) of %q: %v", p.String(), s, err)
			}
			if len(p) != len(q) {
				t.Fatalf("%q: round trip %v != %v", s, p, q)
			}
			for i := range p {
				if p[i] != q[i] {
					t.Fatalf("%q: round trip %v != %v", s, p, q)
				}
			}
			_ = IsSecret(p, nil)
		}
		if g, err := CompileGlob(s); err == nil {
			_ = g.Covers(Path{{Name: "a"}, {Index: 1, IsIndex: true}})
		}
	})
}

// FuzzGlob matches any pattern against any key: compiling and matching
// never panic, Covers is Match over the key and its parents, and a
// pattern without wildcards matches a key exactly when both name the same
// path (names compared case-insensitively).
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"**.on_error.notify", "jobs.a.on_error.notify"},
		{"urls.*", "urls.api.v2"},
		{"a[*].b", "a[3].b"},
		{"**.**.*.**", "a.b[0]"},
		{`"Eu.West".*`, `"eu.west".host`},
		{"**.error_email", "ERROR_EMAIL"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, key string) {
		g, err := CompileGlob(pattern)
		if err != nil {
			return
		}
		if len(g.segs) > MaxGlobSegments {
			t.Fatalf("%q: %d segments, more than %d", pattern, len(g.segs), MaxGlobSegments)
		}
		p, err := ParsePath(key)
		if err != nil {
			return
		}
		want := len(p) == 0 && g.Match(p)
		for i := 1; i <= len(p); i++ {
			want = want || g.Match(p[:i])
		}
		if got := g.Covers(p); got != want {
			t.Fatalf("%q.Covers(%q) = %v, want %v", pattern, key, got, want)
		}
		if q, err := ParsePath(pattern); err == nil {
			same := len(q) == len(p)
			for i := 0; same && i < len(q); i++ {
				same = segmentMatch(q[i], p[i])
			}
			if got := g.Match(p); got != same {
				t.Fatalf("%q.Match(%q) = %v, want %v", pattern, key, got, same)
			}
		}
	})
}
