package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/preflight"
)

// TestManifestErrors loads manifests through every gate: the engine's
// common fields and each gate's section, strictly, with positions.
func TestManifestErrors(t *testing.T) {
	tests := []struct {
		name, manifest, want string
	}{
		{"unknown key", "version = 1\nnmae = \"x\"\n", `m.toml:2:1: unknown key "nmae"`},
		{"unknown nested key", "version = 1\n[[bulk]]\nname = \"r\"\nfile = \"r.csv\"\nkey = [\"email\"]\nheadr = true\n", `m.toml:6:1: unknown key "bulk[0].headr"`},
		{"wrong type", "version = \"1\"\n", `m.toml:1:`},
		{"baseline entry not a table", "version = 1\n[controls.baseline]\nerror_rate = 0.02\n", `m.toml:3:14: wrong type: expected a table, got a float`},
		{"baseline field not a string", "version = 1\n[controls.baseline]\nerror_rate = { normal = 1, alert = 5 }\n", `m.toml:3:36: wrong type: expected a string, got an integer`},
		{"no version", "name = \"x\"\n", `m.toml: missing version`},
		{"version 2", "version = 2\n", `m.toml:1:1: unsupported manifest version 2: expected 1`},
		{"syntax", "version = 1\n[configdiff\n", `m.toml:2:`},
		{"no production", "version = 1\n[configdiff]\nstaging = \"s.yaml\"\n", `m.toml:2:2: [configdiff] needs production`},
		{"bad allow glob", "version = 1\n[configdiff]\nstaging = \"s\"\nproduction = \"p\"\nallow = [\"a..b\"]\n", `m.toml:5:`},
		{"number key with header", "version = 1\n[[bulk]]\nname = \"r\"\nfile = \"r.csv\"\nkey = [1]\n", `key 1 is a column number: with a header row, name the column`},
		{"name key without header", "version = 1\n[[bulk]]\nname = \"r\"\nfile = \"r.csv\"\nkey = [\"email\"]\nheader = false\n", `m.toml:5:`},
		{"bad format", "version = 1\n[[bulk]]\nname = \"r\"\nfile = \"r.csv\"\nkey = [\"e\"]\nformat = \"phone\"\n", `m.toml:6:1: unknown key format "phone": expected "email" or "any"`},
		{"rows inverted", "version = 1\n[[bulk]]\nname = \"r\"\nfile = \"r.csv\"\nkey = [\"e\"]\nrows = { min = 5, max = 2 }\n", `rows.max 2 is below rows.min 5`},
		{"bulk twice", "version = 1\n[[bulk]]\nname = \"r\"\nfile = \"r.csv\"\nkey = [\"e\"]\n[[bulk]]\nname = \"r\"\nfile = \"s.csv\"\nkey = [\"e\"]\n", `m.toml:7:1: bulk input "r" defined twice: first at line 3`},
		{"delimiter", "version = 1\n[[bulk]]\nname = \"r\"\nfile = \"r.csv\"\nkey = [\"e\"]\ndelimiter = \";;\"\n", `invalid delimiter ";;"`},
		{"min members", "version = 1\n[routes]\nmin_members = 0\n", `m.toml:3:1: min_members must be at least 1, got 0`},
		{"1001 globs", "version = 1\n[configdiff]\nstaging = \"s\"\nproduction = \"p\"\nsecrets = [" + strings.Repeat("\"a\", ", 1001) + "]\n",
			`m.toml:5:1: configdiff.secrets: too many patterns: 1001, at most 1000`},
		{"65 segments", "version = 1\n[routes]\nfiles = [\"p.yaml\"]\nkeys = [\"x\", \"" + strings.Repeat("a.", 64) + "a\"]\n",
			`m.toml:4:14: invalid pattern: more than 64 segments`},
		{"20000 segments", "version = 1\n[configdiff]\nstaging = \"s\"\nproduction = \"p\"\nallow = [\"" + strings.Repeat("**.", 20000) + "a\"]\n",
			`m.toml:5:10: invalid pattern: more than 64 segments`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeBundle(t, map[string]string{"preflight.toml": tt.manifest, "teams.toml": ""})
			_, err := LoadBundle(dir)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if _, ok := err.(*preflight.Error); !ok {
				t.Errorf("error %T, want *Error (exit 2)", err)
			}
			// the manifest is DIR/preflight.toml where the table says m.toml
			got := strings.ReplaceAll(err.Error(), filepath.ToSlash(filepath.Join(dir, preflight.ManifestName)), "m.toml")
			if !strings.Contains(got, tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestManifestDefaults(t *testing.T) {
	bundle, err := LoadBundle(writeBundle(t, map[string]string{
		"preflight.toml": "version = 1\n[[bulk]]\nname = \"r\"\nfile = \"r.csv\"\nkey = [\"Email\"]\n[routes]\nfiles = [\"p.yaml\"]\n",
		"teams.toml":     "",
	}))
	if err != nil {
		t.Fatal(err)
	}
	b := BulkSpecs(bundle)[0]
	if !b.HasHeader() || b.Format.String() != "any" || b.Delimiter != "," || *b.Rows.Min != 1 || b.Rows.Max != nil || *b.Preview != 5 || *b.ApproveOver != 10 {
		t.Errorf("bulk defaults wrong: %+v", b)
	}
	if len(b.Key) != 1 || b.Key[0].String() != "Email" {
		t.Errorf("Key = %v, want [Email]", b.Key)
	}
	if routes := bundle.Spec("routes").(*RoutesSpec); *routes.MinMembers != 2 {
		t.Errorf("min_members default %d, want 2", *routes.MinMembers)
	}
}

func TestBundlePathStaysInside(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "bundle")
	must(t, os.MkdirAll(filepath.Join(dir, "config"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, preflight.ManifestName), []byte("version = 1\n[configdiff]\nstaging = \"config/s.yaml\"\nproduction = \"config/p.yaml\"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "config/s.yaml"), []byte("a: 1\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "outside.yaml"), []byte("a: 1\n"), 0o644))
	must(t, os.Symlink("../../outside.yaml", filepath.Join(dir, "config/out.yaml")))
	must(t, os.Symlink("s.yaml", filepath.Join(dir, "config/in.yaml")))
	b, err := LoadBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Name() != "bundle" {
		t.Errorf("name %q, want the folder's name", b.Name())
	}
	for _, tt := range []struct{ rel, want string }{
		{"config/s.yaml", ""},
		{"config/in.yaml", ""},
		{"config/../config/s.yaml", ""},
		{"../outside.yaml", "leaves the bundle"},
		{"/etc/passwd", "leaves the bundle"},
		{"config/out.yaml", "leaves the bundle through a symlink"},
		{"config/missing.yaml", "no such file or folder"},
		{"", "is empty"},
	} {
		_, err := b.Path("configdiff.staging", tt.rel)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Path(%q): %v", tt.rel, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Path(%q) = %v, want an error with %q", tt.rel, err, tt.want)
		case tt.want != "" && !strings.Contains(err.Error(), "preflight.toml:3:1:"):
			t.Errorf("Path(%q) = %v, want it to point at the manifest line naming it", tt.rel, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
