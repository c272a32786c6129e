package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestStdoutFull runs every command with stdout on a full disk: each must
// exit 2 and say so, never 0 with its output lost, never 3.
func TestStdoutFull(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer full.Close()
	dir := t.TempDir()
	if err := copyDir("../../testdata/bundles/bulk-send", dir); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	for _, args := range [][]string{
		{"version"},
		{"explain"},
		{"explain", "bulk/duplicate-key"},
		{"check", dir},
		{"check", dir, "--format", "json"},
		{"check", dir, "--format", "sarif"},
		{"check", dir, "--format", "junit"},
		{"check", dir, "--format", "github"},
		{"check", dir, "--format", "markdown"},
		{"diff", dir},
		{"preview", dir},
		{"init", empty},
		{"--help"},
	} {
		var stderr bytes.Buffer
		code := run(args, strings.NewReader(""), full, &stderr, func(string) string { return "" })
		if code != 2 || !strings.Contains(stderr.String(), "preflight: stdout: cannot write output: no space left on device") {
			t.Errorf("preflight %s > /dev/full: exit %d, stderr %q; want exit 2 and cannot write output", strings.Join(args, " "), code, stderr.String())
		}
	}
}
