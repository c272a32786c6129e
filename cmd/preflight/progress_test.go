package main

import (
	"bytes"
	"os"
	"testing"
)

// TestProgressSilent: a long scan's progress goes to stderr only when it
// is a terminal and CI is not set; never to a pipe or a file, never in CI.
func TestProgressSilent(t *testing.T) {
	env := func(ci string) func(string) string {
		return func(k string) string {
			if k == "CI" {
				return ci
			}
			return ""
		}
	}
	if w := (&app{stderr: &bytes.Buffer{}, getenv: env("")}).progress(); w != nil {
		t.Errorf("progress to a buffer: %v", w)
	}
	f, err := os.Create(t.TempDir() + "/stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if w := (&app{stderr: f, getenv: env("")}).progress(); w != nil {
		t.Errorf("progress to a file: %v", w)
	}
	// A character device stands in for a terminal here.
	tty, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer tty.Close()
	if !isTerminal(tty) {
		t.Skipf("%s is not a character device here", os.DevNull)
	}
	if w := (&app{stderr: tty, getenv: env("true")}).progress(); w != nil {
		t.Errorf("progress with CI set: %v", w)
	}
	if w := (&app{stderr: tty, getenv: env("")}).progress(); w != tty {
		t.Errorf("no progress on a terminal: %v", w)
	}
}

// TestCheckProgressSilent runs check on a bulk bundle with stderr a
// buffer: stderr stays empty, and stdout holds the report alone.
func TestCheckProgressSilent(t *testing.T) {
	dir := t.TempDir()
	csv := "email\n"
	for i := range 5000 {
		csv += "u" + string(rune('a'+i%26)) + "@example.com\n"
	}
	for name, text := range map[string]string{
		"preflight.toml": "version = 1\nname = \"t\"\n\n[[bulk]]\nname = \"in\"\nfile = \"in.csv\"\nkey = [\"email\"]\napprove_over = 100000\n",
		"in.csv":         csv,
	} {
		if err := os.WriteFile(dir+"/"+name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"check", dir, "--format", "json"}, nil, &stdout, &stderr, func(string) string { return "" })
	if code != 1 || stderr.Len() != 0 {
		t.Errorf("exit %d, stderr %q; want 1 (duplicates) and nothing on stderr", code, stderr.String())
	}
	if !bytes.HasPrefix(stdout.Bytes(), []byte("{")) || bytes.ContainsAny(stdout.Bytes(), "\r") {
		t.Errorf("stdout is not the JSON report alone: %.80q", stdout.String())
	}
}
