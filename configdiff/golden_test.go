package configdiff

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update rewrites the golden files: go test ./... -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestTreeGolden dumps the whole tree of every testdata config file, one
// node a line with its kind, canonical text and positions, and compares it
// with testdata/FILE.golden: a change in how any loader reads a file shows
// up as a diff.
func TestTreeGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if filepath.Ext(file) == ".golden" {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			tree, err := Load(file)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, n := range tree.Nodes() {
				fmt.Fprintf(&b, "%s\t%s\t%q\tkey %d:%d\tvalue %d:%d\n", n.Key, n.Kind, n.Text, n.KeyPos.Line, n.KeyPos.Column, n.ValuePos.Line, n.ValuePos.Column)
			}
			golden := file + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./configdiff -update creates it)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s differs (-want +got):\n%s", golden, diff)
			}
		})
	}
}
