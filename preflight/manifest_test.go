package preflight

import (
	"strings"
	"testing"
)

// TestParseManifestCommon checks the engine's own part of the manifest:
// the common fields, strictly, with positions, and no section a gate of
// the list does not own.
func TestParseManifestCommon(t *testing.T) {
	tests := []struct {
		name, manifest, want string
	}{
		{"unknown key", "version = 1\nnmae = \"x\"\n", `m.toml:2:1: unknown key "nmae"`},
		{"unknown section", "version = 1\n[routes]\nfiles = []\n", `m.toml:2:2: unknown key "routes"`},
		{"wrong type", "version = \"1\"\n", `m.toml:1:`},
		{"wrong type, said plainly", "version = 1\nname = 3\n", `m.toml:2:8: wrong type: expected a string, got an integer`},
		{"no version", "name = \"x\"\n", `m.toml: missing version`},
		{"version 2", "version = 2\n", `m.toml:1:1: unsupported manifest version 2: expected 1`},
		{"syntax", "version = 1\n[configdiff\n", `m.toml:2:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := parseManifest("m.toml", []byte(tt.manifest), nil)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if _, ok := err.(*Error); !ok {
				t.Errorf("error %T, want *Error (exit 2)", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}
