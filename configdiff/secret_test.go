package configdiff

import (
	"fmt"
	"strings"
	"testing"
)

func TestLooksLikeCredential(t *testing.T) {
	pem := "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n"
	tests := []struct {
		value, kind string
	}{
		{"sk-proj-abcdefghijklmnopqrstu", "a token starting with sk-"},
		{"sk_live_abcdefghijklmnop", "a token starting with sk_live_"},
		{"sk_test_abcdefghijklmnop", "a token starting with sk_test_"},
		{"rk_live_abcdefghijklmnop", "a token starting with rk_live_"},
		{"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "a token starting with ghp_"},
		{"gho_abcdefghijklmnopqrstuv", "a token starting with gho_"},
		{"ghs_abcdefghijklmnopqrstuv", "a token starting with ghs_"},
		{"github_pat_11ABCDEFG0123456789", "a token starting with github_pat_"},
		{"glpat-abcdefghijklmnopqrst", "a token starting with glpat-"},
		{"xoxb-1234567890-abcdefghij", "a token starting with xoxb-"},
		{"xoxp-1234567890-abcdefghij", "a token starting with xoxp-"},
		{"AIzaSyA-abcdefghijklmnopqrstuv", "a token starting with AIza"},
		{"AKIAIOSFODNN7EXAMPLE", "an AWS access key id"},
		{"ASIAIOSFODNN7EXAMPLE", "an AWS access key id"},
		{"AKIAIOSFODNN7EXAMPLEEXTRA", "an AWS access key id"},
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "a JSON Web Token"},
		{"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "a JSON Web Token"},
		{"eyJ0.eyJ0.x", "a JSON Web Token"}, // a JWT has no minimum length
		{"Bearer eyJ0.eyJ0.", "a JSON Web Token"},
		{pem, "a private key"},
		{"-----BEGIN PRIVATE KEY-----", "a private key"},
		{"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n", "a private key"},
		{"Bearer ghp_abcdefghijklmnopqrstuvwxyz01", "a token starting with ghp_"},
		// Not credentials.
		{"sk-short", ""},
		{"sk-abc def ghi jkl mno pqr", ""},
		{"AKIAiosfodnn7example", ""},
		{"AKIAIOSFODNN7EXAMPL", ""},
		{"sketch-of-a-long-plain-name", ""},
		{"eyJhbGciOiJIUzI1NiJ9", ""},
		{"eyJ0.eyJ0", ""},
		{"eyJhbGci.OiJIU+zI1NiJ9.abc", ""},
		{"eyJ.a.b.c.defghijklmnopqrstu", ""},
		{"-----BEGIN PUBLIC KEY-----", ""},
		{"ops-oncall@example.com", ""},
		{"gpt-4o", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := CredentialKind(tt.value); got != tt.kind {
			t.Errorf("CredentialKind(%q) = %q, want %q", tt.value, got, tt.kind)
		}
		if got := LooksLikeCredential(tt.value); got != (tt.kind != "") {
			t.Errorf("LooksLikeCredential(%q) = %v", tt.value, got)
		}
	}
}

// TestNodeSecret: a value is secret by its key, by a manifest glob, by
// being a YAML alias's copy of a node under a secret key, by looking like
// a credential, or by holding a secret below it.
func TestNodeSecret(t *testing.T) {
	extra, err := CompileGlobs([]string{"payments.*", "vault.*.pin"})
	if err != nil {
		t.Fatal(err)
	}
	tr := mustParse(t, "s.yaml", `
db:
  password: &pw hunter2
  credentials: &creds {user: app, pin: "1234"}
alerts:
  notify: *pw
  copy: *creds
  merged:
    <<: *creds
    extra: plain
vault:
  east: &east {pin: "9876", host: h}
mirror: *east
payments:
  provider: &prov stripe
plainref: *prov
tokens: 12
api: ghp_abcdefghijklmnopqrstuvwxyz0123456789
nested:
  deeper:
    value: AKIAIOSFODNN7EXAMPLE
top: &top
  inner: &inner
    secret: s3
  list:
    - *inner
again: *top
keys: [plain, *pw]
`)
	tests := []struct {
		key       string
		secret    bool
		secretKey bool
	}{
		{"db.password", true, true},
		{"db.credentials.user", true, true},
		{"alerts.notify", true, true},
		{"alerts.copy", true, true},
		{"alerts.copy.pin", true, true},
		{"alerts.merged.pin", true, true},
		{"alerts.merged.user", true, true},
		{"alerts.merged.extra", false, false},
		{"alerts.merged", true, false}, // holds secrets
		{"alerts", true, false},
		{"vault.east.pin", true, true},
		{"vault.east.host", false, false},
		{"mirror.pin", true, true}, // the glob matches where the node is written
		{"mirror.host", false, false},
		{"payments.provider", true, true},
		{"plainref", true, true},
		{"tokens", false, false},
		{"api", true, false},
		{"nested.deeper.value", true, false},
		{"nested", true, false},
		{"again.inner.secret", true, true},
		{"again.list[0].secret", true, true},
		{"top.list[0]", true, false}, // holds a secret
		{"keys[1]", true, true},      // an alias of a node written under a secret key
		{"keys[0]", false, false},
	}
	for _, tt := range tests {
		n := tr.Get(tt.key)
		if n == nil {
			t.Errorf("%s: no such key", tt.key)
			continue
		}
		if got := n.Secret(extra); got != tt.secret {
			t.Errorf("%s: Secret = %v, want %v", tt.key, got, tt.secret)
		}
		if got := n.SecretKey(extra); got != tt.secretKey {
			t.Errorf("%s: SecretKey = %v, want %v", tt.key, got, tt.secretKey)
		}
		want := Show(n)
		if tt.secret {
			want = "(secret)"
		}
		if got := n.Display(extra); got != want {
			t.Errorf("%s: Display = %q, want %q", tt.key, got, want)
		}
	}
	var nilNode *Node
	if nilNode.Secret(nil) || nilNode.Display(nil) != "absent" {
		t.Error("a nil node is absent, not secret")
	}
}

// TestChangeSecret: a key whose value looks like a credential on one side
// is secret on both.
func TestChangeSecret(t *testing.T) {
	s := mustParse(t, "s.env", "API=plain-value\nTOKEN_COUNT=1\nX=1\n")
	p := mustParse(t, "p.env", "API=sk_live_abcdefghijklmnopqrst\nTOKEN_COUNT=2\nX=2\n")
	changes := Diff(s, p)
	want := map[string]bool{"API": true, "TOKEN_COUNT": true, "X": false}
	for _, c := range changes {
		if got := c.Secret(nil); got != want[c.Key] {
			t.Errorf("%s: Secret = %v, want %v", c.Key, got, want[c.Key])
		}
	}
}

// TestAliasKeyOfSecret: a mapping key that is an alias of a secret value
// would print the secret wherever the key is named.
func TestAliasKeyOfSecret(t *testing.T) {
	e := parseErr(t, "k.yaml", "password: &p CANARY\nmap:\n  *p : x\n")
	if strings.Contains(e.Error(), "CANARY") || !strings.Contains(e.Msg, "may not be an alias of a secret value") || e.Pos.Line != 3 {
		t.Errorf("got %q", e.Error())
	}
	mustParse(t, "k.yaml", "name: &n app\nmap:\n  *n : x\n")
}

// TestAliasNesting: aliases of nodes that hold aliases nest at most
// maxAliasNesting deep; a copy at any depth knows what it copies.
func TestAliasNesting(t *testing.T) {
	doc := func(n int) string {
		var b strings.Builder
		b.WriteString("a0: &a0 {password: s}\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "a%d: &a%d {c: *a%d}\n", i, i, i-1)
		}
		fmt.Fprintf(&b, "top: *a%d\n", n-1)
		return b.String()
	}
	tr := mustParse(t, "n.yaml", doc(maxAliasNesting))
	deep := "top" + strings.Repeat(".c", maxAliasNesting-1) + ".password"
	if n := tr.Get(deep); n == nil || !n.SecretKey(nil) {
		t.Errorf("%s: %+v, want a secret copy", deep, n)
	}
	extra, _ := CompileGlobs([]string{"a0.*"})
	tr = mustParse(t, "n.yaml", strings.Replace(doc(maxAliasNesting), "password", "pin", 1))
	if n := tr.Get(strings.Replace(deep, "password", "pin", 1)); n == nil || n.SecretKey(nil) || !n.SecretKey(extra) {
		t.Errorf("the glob a0.* does not reach the copy of a0.pin %d aliases deep", maxAliasNesting)
	}
	e := parseErr(t, "n.yaml", doc(maxAliasNesting+1))
	if !strings.Contains(e.Msg, "aliases nested more than 32 deep") {
		t.Errorf("got %v", e)
	}
}
