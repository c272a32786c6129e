package preflight

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/preflight/words"
)

const goodRegistry = `# teams
[aliases.ops-oncall]
address = "Ops-Oncall@Example.com"
members = ["ana@example.com", " Bo@Example.com "]

[aliases.billing-alerts]
address = "billing-alerts@example.com"
members = ["lee@example.com"]

[aliases.empty]
address = "empty@example.com"

[logins]
ana-k = "ana@example.com"
Bo = "bo@example.com"
`

func TestParseRegistry(t *testing.T) {
	r, err := ParseRegistry("teams.toml", []byte(goodRegistry))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range r.Aliases {
		names = append(names, a.Name)
	}
	if want := []string{"ops-oncall", "billing-alerts", "empty"}; !slices.Equal(names, want) {
		t.Errorf("aliases = %q, want %q (file order)", names, want)
	}
	ops := r.Alias("ops-oncall")
	if ops == nil {
		t.Fatal("Alias(ops-oncall) = nil")
	}
	if ops.Address != "ops-oncall@example.com" || !slices.Equal(ops.Members, []string{"ana@example.com", "bo@example.com"}) {
		t.Errorf("ops-oncall = %+v", ops)
	}
	if ops.Line != 2 || ops.Column != 10 {
		t.Errorf("ops-oncall at %d:%d, want 2:10", ops.Line, ops.Column)
	}
	if e := r.Alias("empty"); e == nil || len(e.Members) != 0 {
		t.Errorf("empty alias = %+v, want no members", e)
	}
	for _, route := range []string{"ops-oncall", " OPS-ONCALL ", "ops-oncall@example.com", "OPS-oncall@EXAMPLE.com\t"} {
		if r.Alias(route) != ops {
			t.Errorf("Alias(%q) is not ops-oncall", route)
		}
	}
	for _, route := range []string{"ana@example.com", "ops", "oncall@example.com", ""} {
		if a := r.Alias(route); a != nil {
			t.Errorf("Alias(%q) = %s, want nil", route, a.Name)
		}
	}
	if got := r.Resolve(" ANA-K "); got != "ana@example.com" {
		t.Errorf("Resolve(ANA-K) = %q", got)
	}
	if got := r.Resolve("bo"); got != "bo@example.com" {
		t.Errorf("Resolve(bo) = %q (logins compare case-insensitively)", got)
	}
	if !r.IsMember(ops, "ana-k") || !r.IsMember(ops, "BO@example.com") || r.IsMember(ops, "lee@example.com") {
		t.Error("IsMember: wrong membership")
	}
	as := r.AliasesOf("lee@example.com")
	if len(as) != 1 || as[0].Name != "billing-alerts" {
		t.Errorf("AliasesOf(lee) = %v", as)
	}
	if as := r.AliasesOf("nobody@example.com"); len(as) != 0 {
		t.Errorf("AliasesOf(nobody) = %v", as)
	}
}

func TestParseRegistryEmpty(t *testing.T) {
	r, err := ParseRegistry("teams.toml", []byte("# no aliases yet\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Aliases) != 0 || r.Alias("x") != nil {
		t.Errorf("empty registry has aliases: %v", r.Aliases)
	}
}

func TestParseRegistryErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string // the error text: FILE:LINE:COL: message (a prefix of the message is enough)
	}{
		{
			name: "syntax",
			data: "[aliases.ops]\naddress = \"ops@example.com\n",
			want: "teams.toml:2:",
		},
		{
			name: "unknown top-level key",
			data: "[aliases.ops]\naddress = \"ops@example.com\"\n\n[people]\nana = 1\n",
			want: `teams.toml:4:2: unknown key "people"`,
		},
		{
			name: "unknown alias key",
			data: "[aliases.ops]\naddress = \"ops@example.com\"\nmember = [\"ana@example.com\"]\n",
			want: `teams.toml:3:1: unknown key "member" in alias "ops"`,
		},
		{
			name: "alias without address",
			data: "[aliases.ops]\naddress = \"ops@example.com\"\nmembers = [\"a@example.com\"]\n\n[aliases.dev]\nmembers = [\"ana@example.com\"]\n",
			want: `teams.toml:5:10: alias "dev" has no address`,
		},
		{
			name: "alias with empty address",
			data: "[aliases.dev]\naddress = \"  \"\nmembers = [\"ana@example.com\"]\n",
			want: `teams.toml:2:1: alias "dev" has no address`,
		},
		{
			name: "address not an email",
			data: "[aliases.dev]\naddress = \"dev-team\"\n",
			want: `teams.toml:2:11: the address of alias "dev" is not an email address`,
		},
		{
			name: "address not a string",
			data: "[aliases.dev]\naddress = 42\n",
			want: `teams.toml:2:11: address of alias "dev" is an integer`,
		},
		{
			name: "member not an email",
			data: "[aliases.dev]\naddress = \"dev@example.com\"\nmembers = [\n  \"ana@example.com\",\n  \"Bo Smith\",\n]\n",
			want: `teams.toml:5:3: a member of alias "dev" is not an email address`,
		},
		{
			name: "member with two @",
			data: "[aliases.dev]\naddress = \"dev@example.com\"\nmembers = [\"ana@x@example.com\"]\n",
			want: `teams.toml:3:12: a member of alias "dev" is not an email address`,
		},
		{
			name: "member not a string",
			data: "[aliases.dev]\naddress = \"dev@example.com\"\nmembers = [\"ana@example.com\", 7]\n",
			want: `teams.toml:3:31: member of alias "dev" is an integer`,
		},
		{
			name: "members not a list",
			data: "[aliases.dev]\naddress = \"dev@example.com\"\nmembers = \"ana@example.com\"\n",
			want: `teams.toml:3:11: members of alias "dev" is a string`,
		},
		{
			name: "member listed twice",
			data: "[aliases.dev]\naddress = \"dev@example.com\"\nmembers = [\"ana@example.com\", \"ANA@example.com\"]\n",
			want: `teams.toml:3:31: a member is listed twice in alias "dev"`,
		},
		{
			name: "duplicate alias table",
			data: "[aliases.dev]\naddress = \"dev@example.com\"\n\n[aliases.dev]\naddress = \"dev2@example.com\"\n",
			want: "teams.toml:4:",
		},
		{
			name: "duplicate alias differing in case",
			data: "[aliases.dev]\naddress = \"dev@example.com\"\n\n[aliases.DEV]\naddress = \"dev2@example.com\"\n",
			want: `teams.toml:4:10: alias "DEV" defined twice: also as "dev" at line 1`,
		},
		{
			name: "duplicate address",
			data: "[aliases.dev]\naddress = \"dev@example.com\"\n\n[aliases.devs]\naddress = \"Dev@Example.com\"\n",
			want: `teams.toml:5:11: the address of alias "devs" is also the address of alias "dev" (line 1)`,
		},
		{
			name: "alias name is another alias's address",
			data: "[aliases.dev]\naddress = \"dev@example.com\"\n\n[aliases.\"Dev@example.com\"]\naddress = \"devs@example.com\"\n",
			want: `teams.toml:4:10: alias name "Dev@example.com" is the address of alias "dev" (line 1)`,
		},
		{
			name: "address is another alias's name",
			data: "[aliases.\"dev@example.com\"]\naddress = \"devs@example.com\"\n\n[aliases.devs]\naddress = \"dev@example.com\"\n",
			want: `teams.toml:5:11: the address of alias "devs" is the name of alias "dev@example.com" (line 1)`,
		},
		{
			name: "alias not a table",
			data: "aliases = [\"dev@example.com\"]\n",
			want: `teams.toml:1:11: aliases is a list`,
		},
		{
			name: "one alias not a table",
			data: "[aliases]\ndev = \"dev@example.com\"\n",
			want: `teams.toml:2:7: alias "dev" is a string`,
		},
		{
			name: "login not an email",
			data: "[logins]\nana-k = \"ana\"\n",
			want: `teams.toml:2:9: login "ana-k" maps to something that is not an email address`,
		},
		{
			name: "login twice",
			data: "[logins]\nana-k = \"ana@example.com\"\nANA-K = \"anna@example.com\"\n",
			want: `teams.toml:3:1: login "ANA-K" mapped twice`,
		},
		{
			name: "logins not a table",
			data: "logins = \"ana\"\n",
			want: `teams.toml:1:10: logins is a string`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRegistry("teams.toml", []byte(tt.data))
			if err == nil {
				t.Fatalf("no error; registry %+v", r)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not an *Error (exit 2)", err, err)
			}
			if ExitCode(err) != ExitCannot {
				t.Errorf("exit code %d, want %d", ExitCode(err), ExitCannot)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n  %s\nwant prefix\n  %s", err, tt.want)
			}
			if pe.Line == 0 {
				t.Errorf("error %q has no line", err)
			}
		})
	}
}

func TestLoadRegistry(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "people.txt") // any name: the registry is TOML whatever its extension
	if err := os.WriteFile(p, []byte("[aliases.dev]\naddress = \"dev\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadRegistry(p, "bundle/people.txt")
	if want := `bundle/people.txt:2:11: the address of alias "dev"`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want prefix %s", err, want)
	}
	if err := os.WriteFile(p, []byte("[aliases.dev\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadRegistry(p, "bundle/people.txt")
	if want := "bundle/people.txt:1:"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("syntax error %v, want prefix %s", err, want)
	}
	_, err = LoadRegistry(filepath.Join(dir, "missing.toml"), "bundle/missing.toml")
	if want := "bundle/missing.toml: cannot read team registry: no such file"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("missing file: %v, want %s", err, want)
	}
	if ExitCode(err) != ExitCannot {
		t.Errorf("missing file: exit %d, want 2", ExitCode(err))
	}
}

func TestIsEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"ana@example.com":       true,
		" ana@example.com\t":    true,
		"a.b+c@mail.example.co": true,
		"ana":                   false,
		"ana@example":           false,
		"@example.com":          false,
		"ana@@example.com":      false,
		"a na@example.com":      false,
		"<ana@example.com>":     false,
		"ana@example..com":      false,
		"ana@.example.com":      false,
		"":                      false,
	} {
		if got := words.IsEmail(s); got != want {
			t.Errorf("words.IsEmail(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzParseRegistry checks that any input either parses or fails with an
// *Error (exit 2), never a panic or another error.
func FuzzParseRegistry(f *testing.F) {
	f.Add([]byte(goodRegistry))
	f.Add([]byte("[aliases.ops]\naddress = \"ops@example.com\"\nmembers = [\"a@b.c\", 1]\n"))
	f.Add([]byte("aliases = 1\nlogins = { a = \"b\" }\n"))
	f.Add([]byte("[aliases.\"\"]\naddress = \"x@y.z\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRegistry("teams.toml", data)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		for _, a := range r.Aliases {
			if !words.IsEmail(a.Address) || r.Alias(a.Name) == nil {
				t.Fatalf("alias %+v not usable", a)
			}
		}
	})
}
