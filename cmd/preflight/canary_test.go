package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretCanary runs every command and every output format over the
// cost-explosion bundle, whose secret values contain "CANARY", and fails
// if the canary shows up in any output or in the sign-off file.
func TestSecretCanary(t *testing.T) {
	dir := t.TempDir()
	if err := copyDir("../../testdata/bundles/cost-explosion", dir); err != nil {
		t.Fatal(err)
	}
	outDir := t.TempDir()
	summary := filepath.Join(outDir, "summary.md")
	getenv := func(k string) string {
		switch k {
		case "GITHUB_STEP_SUMMARY":
			return summary
		case "PREFLIGHT_NOW":
			return "2026-11-27T12:00:00Z"
		}
		return ""
	}
	runs := [][]string{
		{"check", dir},
		{"check", dir, "--format", "json=" + filepath.Join(outDir, "o.json"), "--format", "sarif=" + filepath.Join(outDir, "o.sarif"),
			"--format", "junit=" + filepath.Join(outDir, "o.xml"), "--format", "github", "--format", "markdown=" + filepath.Join(outDir, "o.md")},
		{"diff", dir},
		{"signoff", dir, "--all", "--by", "dara@example.com", "--reason", "checked"},
		{"diff", dir},
		{"check", dir, "--author", "dara@example.com", "--format", "text"},
		{"check", dir, "--author", "dara@example.com", "--format", "json"},
		{"explain", "configdiff/unsigned-change"},
	}
	for _, args := range runs {
		var stdout, stderr bytes.Buffer
		code := run(args, strings.NewReader(""), &stdout, &stderr, getenv)
		if code > 1 {
			t.Fatalf("preflight %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
		}
		for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
			if strings.Contains(out, "CANARY") {
				t.Errorf("preflight %s: the secret canary appears in %s:\n%s", strings.Join(args, " "), name, out)
			}
		}
	}
	outFiles, _ := filepath.Glob(filepath.Join(outDir, "o.*"))
	if len(outFiles) != 4 {
		t.Fatalf("outputs %v, want 4 files", outFiles)
	}
	for _, f := range append([]string{filepath.Join(dir, "preflight.signoff.toml"), summary}, outFiles...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("CANARY")) {
			t.Errorf("the secret canary appears in %s:\n%s", f, data)
		}
	}
}
