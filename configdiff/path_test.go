package configdiff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func name(s string) Segment { return Segment{Name: s} }
func index(i int) Segment   { return Segment{Index: i, IsIndex: true} }

func TestParsePathRoundTrip(t *testing.T) {
	tests := []struct {
		text string
		want Path
	}{
		{"a", Path{name("a")}},
		{"a.b[0].c", Path{name("a"), name("b"), index(0), name("c")}},
		{`servers."eu.west".host`, Path{name("servers"), name("eu.west"), name("host")}},
		{`"café"`, Path{name("café")}},
		{`""`, Path{name("")}},
		{`a."with \"quote\""`, Path{name("a"), name(`with "quote"`)}},
		{`a."tab\there"`, Path{name("a"), name("tab\there")}},
		{"[3].x", Path{index(3), name("x")}},
		{"m[10][2]", Path{name("m"), index(10), index(2)}},
		{"0.max-tokens_1", Path{name("0"), name("max-tokens_1")}},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.text)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", tt.text, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParsePath(%q) (-want +got):\n%s", tt.text, diff)
		}
		if s := got.String(); s != tt.text {
			t.Errorf("ParsePath(%q).String() = %q", tt.text, s)
		}
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, s := range []string{"", ".a", "a.", "a..b", "a[", "a[x]", "a[-1]", "a b", `a."open`, "a[0]b", "*", "a.*", "[99999999999]"} {
		if p, err := ParsePath(s); err == nil {
			t.Errorf("ParsePath(%q) = %v, want an error", s, p)
		}
	}
}

func mustPath(t *testing.T, s string) Path {
	t.Helper()
	p, err := ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGlob(t *testing.T) {
	tests := []struct {
		glob, path    string
		match, covers bool
	}{
		{"a.b", "a.b", true, true},
		{"a.b", "a.b.c", false, true},
		{"a.b", "a", false, false},
		{"a.*", "a.b", true, true},
		{"a.*", "a[3]", true, true},
		{"a.*", "a", false, false},
		{"a[*]", "a[3]", true, true},
		{"a[*]", "a.b", false, false},
		{"urls.*", "urls.api.v2", false, true},
		{"**", "x.y[0].z", true, true},
		{"**.notify", "notify", true, true},
		{"**.on_error.notify", "jobs.a.on_error.notify", true, true},
		{"**.on_error.notify", "on_error.notify", true, true},
		{"**.on_error.notify", "jobs.on_error.notify.x", false, true},
		{"**.on_error.notify", "jobs.on_error", false, false},
		{"a.**.z", "a.z", true, true},
		{"a.**.z", "a.b.c.z", true, true},
		{"a.**.z", "a.b.c", false, false},
		{`servers."eu.west".*`, `servers."eu.west".host`, true, true},
		{`servers."eu.west".*`, `servers.eu.host`, false, false},
		{"list[0]", "list[0].x", false, true},
		{"list[0]", "list.0", false, false},
		{`"*"`, `"*"`, true, true},
		{`"*"`, "x", false, false},
		{"payments.*", "payments", false, false},
	}
	for _, tt := range tests {
		g, err := CompileGlob(tt.glob)
		if err != nil {
			t.Errorf("CompileGlob(%q): %v", tt.glob, err)
			continue
		}
		p := mustPath(t, tt.path)
		if got := g.Match(p); got != tt.match {
			t.Errorf("%q.Match(%q) = %v, want %v", tt.glob, tt.path, got, tt.match)
		}
		if got := g.Covers(p); got != tt.covers {
			t.Errorf("%q.Covers(%q) = %v, want %v", tt.glob, tt.path, got, tt.covers)
		}
		if g.String() != tt.glob {
			t.Errorf("String() = %q, want %q", g.String(), tt.glob)
		}
	}
}

func TestGlobErrors(t *testing.T) {
	for _, s := range []string{"", "a.***", "a*", "a.*b", "a.", "[x]"} {
		if _, err := CompileGlob(s); err == nil {
			t.Errorf("CompileGlob(%q): want an error", s)
		}
	}
	if _, err := CompileGlobs([]string{"a.*", "b..c"}); err == nil {
		t.Error("CompileGlobs with a bad pattern: want an error")
	}
}

func TestGlobSet(t *testing.T) {
	s, err := CompileGlobs([]string{"database.host", "urls.*"})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{"database.host": true, "database.port": false, "urls.api.v2": true, "urls": false} {
		if got := s.Covers(mustPath(t, path)); got != want {
			t.Errorf("Covers(%q) = %v, want %v", path, got, want)
		}
	}
	if s.Match(mustPath(t, "urls.api.v2")) {
		t.Error("Match(urls.api.v2) = true, want false")
	}
	if !s.Match(mustPath(t, "urls.api")) {
		t.Error("Match(urls.api) = false, want true")
	}
}

func TestIsSecret(t *testing.T) {
	extra, err := CompileGlobs([]string{"payments.*"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want bool
	}{
		{"llm.max_tokens", false},
		{"tokens", false},
		{"token", true},
		{"apiKey", true},
		{"APIKey", true},
		{"API_KEY", true},
		{"apikey", true},
		{"api-key", true},
		{"private_key", true},
		{"privateKeyPath", true},
		{"db.password.hint", true},
		{"db.PASSWORD", true},
		{"db.passwd", true},
		{"aws.credentials[0].id", true},
		{"github_token", true},
		{"oauth2Token", true},
		{`x."client.secret"`, true},
		{"keyboard", false},
		{"api", false},
		{"key", false},
		{"public_key", false},
		{"secretary", false},
		{"payments.provider", true},
		{"payments", false},
		{"list[0]", false},
		// The contract's word list, each case the issue found missing.
		{"api_keys", true},
		{"apiKeys", true},
		{"password1", true},
		{"db.password2.old", true},
		{"oauth2token", true},
		{"sessiontoken", true},
		{"dbpassword", true},
		{"DBPASSWORD", true},
		{"clientsecret", true},
		{"mycredential", true},
		{"passphrase", true},
		{"pwd", true},
		{"DB_PWD", true},
		{"passwords", true},
		{"secrets", true},
		{"credentials", true},
		{"AWSAccessKeyId", true},
		{"aws_access_key_id", true},
		{"accesskey", true},
		{"access_keys", true},
		{"privatekey", true},
		{"private_keys", true},
		{"PRIVATE-KEYS", true},
		{"apikeys", true},
		{"max_tokens", false},
		{"maxTokens", false},
		{"tokens", false},
		{"token_count2", true},
		{"tokenizer", false},
		{"passwordless", false},
		{"secretary", false},
		{"access", false},
		{"keys", false},
		{"access_log.key_file", false},
		{"private.key", false},  // two segments: no pair across segments
		{`"private.key"`, true}, // one segment split at '.'
	}
	for _, tt := range tests {
		if got := IsSecret(mustPath(t, tt.path), extra); got != tt.want {
			t.Errorf("IsSecret(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	tests := map[string][]string{
		"apiKey":         {"api", "key"},
		"APIKey":         {"api", "key"},
		"privateKeyPath": {"private", "key", "path"},
		"max_tokens":     {"max", "tokens"},
		"a-b.c":          {"a", "b", "c"},
		"HTTPServer2Url": {"http", "server", "2", "url"},
		"password1":      {"password", "1"},
		"oauth2token":    {"oauth", "2", "token"},
		"AWSAccessKeyId": {"aws", "access", "key", "id"},
		"v2Beta":         {"v", "2", "beta"},
		"DB_PASSWORD":    {"db", "password"},
	}
	for in, want := range tests {
		if diff := cmp.Diff(want, SplitWords(in)); diff != "" {
			t.Errorf("SplitWords(%q) (-want +got):\n%s", in, diff)
		}
	}
}

// TestGlobCaseInsensitive: glob name segments match key segments
// case-insensitively; indexes and differences stay exact.
func TestGlobCaseInsensitive(t *testing.T) {
	tests := []struct {
		glob, key string
		want      bool
	}{
		{"**.error_email", "ERROR_EMAIL", true},
		{"**.error_email", "jobs.Sync.Error_Email", true},
		{"ALERTS.*.email", "alerts.x.EMAIL", true},
		{`"Eu.West".host`, `"eu.west".HOST`, true},
		{"a[1]", "A[1]", true},
		{"a[1]", "a[2]", false},
		{`"ß"`, "ss", false},
		{`"É"`, `"é"`, true},
		{"error_email", "error-email", false},
	}
	for _, tt := range tests {
		g, err := CompileGlob(tt.glob)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Match(mustPath(t, tt.key)); got != tt.want {
			t.Errorf("%s.Match(%s) = %v, want %v", tt.glob, tt.key, got, tt.want)
		}
	}
	tr := mustParse(t, "a.env", "ERROR_EMAIL=x\n")
	if tr.Get("error_email") != nil {
		t.Error("Get is exact: error_email found ERROR_EMAIL")
	}
	s, p := mustParse(t, "s.yaml", "Host: a\n"), mustParse(t, "p.yaml", "host: a\n")
	if changes := Diff(s, p); len(changes) != 2 {
		t.Errorf("Diff(Host, host) = %d changes, want 2 (keys compare exactly)", len(changes))
	}
}

// TestGlobLimits: at most MaxGlobSegments segments a glob and MaxGlobs
// globs a list; the error of a long glob does not quote it.
func TestGlobLimits(t *testing.T) {
	if _, err := CompileGlob(strings.TrimSuffix(strings.Repeat("a.", MaxGlobSegments), ".")); err != nil {
		t.Errorf("%d segments: %v", MaxGlobSegments, err)
	}
	long := strings.Repeat("**.", 20000) + "a"
	_, err := CompileGlob(long)
	if err == nil || err.Error() != "invalid pattern: more than 64 segments" {
		t.Errorf("20,000 segments: %v", err)
	}
	if _, err := CompileGlobs(make([]string, MaxGlobs+1)); err == nil || !strings.Contains(err.Error(), "too many patterns") {
		t.Errorf("%d globs: %v", MaxGlobs+1, err)
	}
	if _, i, err := CompileGlobList([]string{"a", "b..c"}); i != 1 || err == nil {
		t.Errorf("CompileGlobList: %d, %v; want the second", i, err)
	}
}

// TestGlobCoversAgreesWithPrefixes: the one-pass Covers is Match over
// every prefix, on every glob of stars and names over every short key.
func TestGlobCoversAgreesWithPrefixes(t *testing.T) {
	parts := []string{"a", "b", "*", "**", "[0]", "[*]"}
	keys := []Path{nil}
	for _, k := range []string{"a", "b", "a.b", "a[0]", "a.a.b", "b[0].a", "a.b.a.b", "a[0][1].b"} {
		keys = append(keys, mustPath(t, k))
	}
	var globs []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		if prefix != "" {
			globs = append(globs, prefix)
		}
		if n == 0 {
			return
		}
		for _, p := range parts {
			next := p
			if prefix != "" && !strings.HasPrefix(p, "[") {
				next = prefix + "." + p
			} else if prefix != "" {
				next = prefix + p
			}
			gen(next, n-1)
		}
	}
	gen("", 3)
	for _, pat := range globs {
		g, err := CompileGlob(pat)
		if err != nil {
			continue
		}
		for _, k := range keys {
			want := len(k) == 0 && g.Match(k)
			for i := 1; i <= len(k); i++ {
				want = want || g.Match(k[:i])
			}
			if got := g.Covers(k); got != want {
				t.Errorf("%s.Covers(%s) = %v, want %v", pat, k, got, want)
			}
		}
	}
}

// BenchmarkGlobStars: 64 segments of ** against a key 256 deep that they
// do not match cost depth × segments steps, not exponential backtracking.
func BenchmarkGlobStars(b *testing.B) {
	g, err := CompileGlob(strings.Repeat("**.", MaxGlobSegments-1) + "z")
	if err != nil {
		b.Fatal(err)
	}
	p := make(Path, maxDepth)
	for i := range p {
		p[i] = Segment{Name: "a"}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if g.Covers(p) {
			b.Fatal("matched")
		}
	}
}

// BenchmarkGlobRoutes: the built-in route globs over a typical key.
func BenchmarkGlobRoutes(b *testing.B) {
	g, err := CompileGlob("**.on_error.notify")
	if err != nil {
		b.Fatal(err)
	}
	p, err := ParsePath("workflows.nightly-sync.on_error.notify")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if !g.Match(p) || !g.Covers(p) {
			b.Fatal("no match")
		}
	}
}
