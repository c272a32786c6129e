package checks

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/preflight-gate/preflight/preflight"
)

// seedFiles adds the content of every file that pattern matches.
func seedFiles(f *testing.F, pattern string) {
	files, err := filepath.Glob(pattern)
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
}

// FuzzLoadManifest loads any manifest through every gate's section: it
// loads, or fails with an *preflight.Error (exit 2); it never panics.
func FuzzLoadManifest(f *testing.F) {
	seedFiles(f, "../testdata/bundles/*/preflight.toml")
	f.Add([]byte("version = 1\n[configdiff]\nstaging = \"s.yaml\"\nproduction = \"p.yaml\"\nallow = [\"**.a[*]\", \"\\\"x.y\\\".*\"]\n"))
	f.Add([]byte("\ufeffversion = 1\n[[bulk]]\nname = \"r\"\nfile = \"r.csv\"\nkey = [1]\nheader = false\nrows = { min = 0, max = 0 }\n"))
	// One bundle folder for every input: a new folder each time costs
	// more than the load.
	dir := f.TempDir()
	teams := "[aliases.ops]\naddress = \"ops@example.com\"\nmembers = [\"a@example.com\", \"b@example.com\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "teams.toml"), []byte(teams), 0o644); err != nil {
		f.Fatal(err)
	}
	manifest := filepath.Join(dir, preflight.ManifestName)
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(manifest, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadBundle(dir); err != nil {
			var pe *preflight.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not an *preflight.Error", err, err)
			}
		}
	})
}

// FuzzParseLedger parses any sign-off file with every gate's table: it
// parses, or fails with an *preflight.Error; it never panics.
func FuzzParseLedger(f *testing.F) {
	seedFiles(f, "../testdata/bundles/*/preflight.signoff.toml")
	f.Add([]byte("[[change]]\nkey = \"a.b\"\nstaging = \"absent\"\nproduction = \"sha256:" + "00000000000000000000000000000000000000000000000000000000000000ff" + "\"\nby = \"x\"\nreason = \"y\"\nat = 2026-01-01T00:00:00Z\n"))
	f.Add([]byte("[[bulk]]\nname = \"r\"\ndigest = \"argon2id:v=19,m=19456,t=2,p=1:AAAAAAAAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n"))
	var tables []*preflight.LedgerTable
	for _, g := range Gates() {
		if l := g.Info().Ledger; l != nil {
			tables = append(tables, l)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := preflight.ParseLedger("preflight.signoff.toml", data, tables)
		if err != nil {
			var pe *preflight.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v is not an *preflight.Error", err, err)
			}
			return
		}
		for _, tb := range tables {
			for _, e := range l.Entries(tb.Name) {
				if l.Find(tb.Name, e.Key) == nil {
					t.Fatalf("table %s: entry %q not found by its key", tb.Name, e.Key)
				}
			}
		}
	})
}
