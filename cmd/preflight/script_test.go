package main

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"
)

var updateScripts = flag.Bool("update", false, "update testscript cmp files from actual output")

func TestMain(m *testing.M) {
	if p := os.Getenv("PREFLIGHT_TEST_HOLD_LOCK"); p != "" {
		holdLock(p)
	}
	if os.Getenv("PREFLIGHT_TEST_MAIN") == "1" {
		// The hostile suite runs the test binary as preflight itself.
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
	}
	testscript.Main(m, map[string]func(){
		"preflight": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)) },
	})
}

// TestScript runs the end-to-end scripts in testdata/script: one per
// user-visible behaviour, named after the command.
func TestScript(t *testing.T) {
	bundles, err := filepath.Abs("../../testdata/bundles")
	if err != nil {
		t.Fatal(err)
	}
	refuseNegatedExec(t, "../../testdata/script")
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		UpdateScripts:       *updateScripts,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("BUNDLES", bundles)
			env.Setenv("MONOREPO", filepath.Join(filepath.Dir(bundles), "monorepo"))
			// Sign-off times and expiry are judged against a pinned clock.
			env.Setenv("PREFLIGHT_NOW", "2026-11-27T12:00:00Z")
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"cpdir": cpdir,
			"exits": exits,
		},
	})
}

// cpdir SRC DST copies a folder tree, e.g. an example bundle into $WORK so
// a script can sign it off and edit it.
func cpdir(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cpdir SRC DST")
	}
	ts.Check(copyDir(ts.MkAbs(args[0]), ts.MkAbs(args[1])))
}

// exits CODE COMMAND [ARGS...] runs a command like exec and checks its exit
// code exactly: `! exec` only tells that it failed, and preflight's exit
// codes are a contract (1 blocked, 2 could not judge).
func exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// refuseNegatedExec fails the test for each script line that runs preflight
// under `! exec` or `? exec`: they pass on any non-zero exit, so a
// regression that swaps 1 (blocked) and 2 (could not judge) would go
// unnoticed. testscript's builtin exec cannot be overridden, so the scripts
// are read here, before they run.
func refuseNegatedExec(t *testing.T, dir string) {
	t.Helper()
	scripts, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range scripts {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(ar.Comment), "\n") {
			if negatedExec(line) {
				t.Errorf("%s:%d: %q passes on any failure: pin the exit code with \"exits N preflight ...\" (1 blocked, 2 could not judge)", strings.TrimPrefix(filepath.ToSlash(name), "../../"), i+1, strings.TrimSpace(line))
			}
		}
	}
}

// negatedExec reports whether a script line is `! exec preflight ...` or
// `? exec preflight ...`, after any [condition] prefixes.
func negatedExec(line string) bool {
	f := strings.Fields(line)
	for len(f) > 0 && strings.HasPrefix(f[0], "[") {
		f = f[1:]
	}
	return len(f) >= 3 && (f[0] == "!" || f[0] == "?") && f[1] == "exec" && f[2] == "preflight"
}

// copyDir copies a folder tree.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

func TestNegatedExec(t *testing.T) {
	for line, want := range map[string]bool{
		"! exec preflight check b":          true,
		"? exec preflight check b":          true,
		"[unix] ! exec preflight check b":   true,
		"exits 1 preflight check b":         false,
		"exec preflight check b":            false,
		"! exec git diff":                   false,
		"# ! exec preflight in a comment":   false,
		"! stdout 'exec preflight check b'": false,
	} {
		if got := negatedExec(line); got != want {
			t.Errorf("negatedExec(%q) = %v, want %v", line, got, want)
		}
	}
}
