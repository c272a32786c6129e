package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// The hostile-input suite: testdata/hostile/NAME.txtar, one case each, as
// an attacker who can open a pull request would write it. A case's
// comment holds its directives, one a line, then the txtar files are its
// work folder:
//
//	# what the case tries (any line starting with #)
//	mkfifo PATH          a FIFO
//	socket PATH          a listening unix socket
//	mkdir PATH           a folder
//	symlink TARGET LINK  a symlink
//	fill PATH N TEXT     TEXT repeated N times (Go escapes: \n, \x00)
//	size PATH N          a sparse file of N bytes
//	run ARGS...          the command line after "preflight" (one per case)
//	exit N               its exit code
//	stdout RE, stderr RE a line of it must match (Go regexp)
//	!stdout RE, !stderr RE  no line may match
//	file PATH RE, !file PATH RE  afterwards, the file matches (or not)
//	!exists PATH         afterwards, nothing is at PATH
//	maxrss MIB           its peak memory stays under MIB
//
// Each case runs the real command in a child process with a 60 s limit,
// so a hang fails the case instead of the suite, and no output of any case
// may hold "CANARY", the mark of a secret or of customer data in its files.
// TestHostileCanary (canary_test.go) runs every case that holds it again,
// in every format.

// hostileCase is one parsed case.
type hostileCase struct {
	name    string
	setup   [][]string
	args    []string
	exit    int
	checks  []hostileCheck
	maxRSS  int64 // MiB; 0: not measured
	archive *txtar.Archive
}

type hostileCheck struct {
	stream string // "stdout", "stderr", or a file's path (file, !exists)
	exists bool   // !exists: only whether the file is there
	neg    bool
	re     *regexp.Regexp
}

func loadHostileCases(t *testing.T) []*hostileCase {
	t.Helper()
	files, err := filepath.Glob("../../testdata/hostile/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no hostile cases: %v", err)
	}
	var cases []*hostileCase
	for _, f := range files {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := &hostileCase{name: strings.TrimSuffix(filepath.Base(f), ".txtar"), archive: a, exit: -1}
		for n, line := range strings.Split(string(a.Comment), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			fail := func(format string, args ...any) {
				t.Fatalf("%s:%d: %s", f, n+1, fmt.Sprintf(format, args...))
			}
			verb, rest, _ := strings.Cut(line, " ")
			switch verb {
			case "mkfifo", "socket", "mkdir", "symlink", "fill", "size":
				c.setup = append(c.setup, strings.Fields(line))
			case "run":
				c.args = strings.Fields(rest)
			case "exit":
				c.exit, err = strconv.Atoi(rest)
				if err != nil {
					fail("exit %q", rest)
				}
			case "maxrss":
				c.maxRSS, err = strconv.ParseInt(rest, 10, 64)
				if err != nil {
					fail("maxrss %q", rest)
				}
			case "stdout", "stderr", "!stdout", "!stderr":
				re, err := regexp.Compile("(?m)" + rest)
				if err != nil {
					fail("%v", err)
				}
				c.checks = append(c.checks, hostileCheck{stream: strings.TrimPrefix(verb, "!"), neg: verb[0] == '!', re: re})
			case "file", "!file":
				path, expr, _ := strings.Cut(rest, " ")
				re, err := regexp.Compile("(?m)" + expr)
				if err != nil {
					fail("%v", err)
				}
				c.checks = append(c.checks, hostileCheck{stream: path, neg: verb[0] == '!', re: re})
			case "!exists":
				c.checks = append(c.checks, hostileCheck{stream: rest, neg: true, exists: true})
			default:
				fail("unknown directive %q", verb)
			}
		}
		if c.args == nil || c.exit < 0 {
			t.Fatalf("%s: a case needs run and exit", f)
		}
		cases = append(cases, c)
	}
	return cases
}

// prepare writes the case's files into a new folder and runs its setup.
func (c *hostileCase) prepare(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range c.archive.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range c.setup {
		p := func(i int) string { return filepath.Join(dir, filepath.FromSlash(s[i])) }
		var err error
		switch s[0] {
		case "mkfifo":
			os.MkdirAll(filepath.Dir(p(1)), 0o755)
			err = syscall.Mkfifo(p(1), 0o644)
		case "socket":
			var l net.Listener
			os.MkdirAll(filepath.Dir(p(1)), 0o755)
			if l, err = net.Listen("unix", p(1)); err == nil {
				t.Cleanup(func() { l.Close() })
			}
		case "mkdir":
			err = os.MkdirAll(p(1), 0o755)
		case "symlink":
			os.MkdirAll(filepath.Dir(p(2)), 0o755)
			err = os.Symlink(s[1], p(2))
		case "fill":
			var n int
			var text string
			if n, err = strconv.Atoi(s[2]); err == nil {
				if text, err = strconv.Unquote(`"` + strings.Join(s[3:], " ") + `"`); err == nil {
					err = appendFile(p(1), bytes.Repeat([]byte(text), n))
				}
			}
		case "size":
			var n int64
			if n, err = strconv.ParseInt(s[2], 10, 64); err == nil {
				var f *os.File
				if f, err = os.Create(p(1)); err == nil {
					err = errors.Join(f.Truncate(n), f.Close())
				}
			}
		}
		if err != nil {
			t.Fatalf("%s: %v: %v", c.name, s, err)
		}
	}
	return dir
}

func appendFile(p string, data []byte) error {
	os.MkdirAll(filepath.Dir(p), 0o755)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

// hostileResult is what one run of preflight did.
type hostileResult struct {
	stdout, stderr string
	exit           int
	maxRSS         int64 // KiB
}

// runPreflight runs the test binary as preflight (see TestMain) in dir.
func runPreflight(t *testing.T, dir string, args ...string) hostileResult {
	t.Helper()
	return runPreflightEnv(t, dir, nil, args...)
}

// runPreflightEnv is runPreflight with more environment variables.
func runPreflightEnv(t *testing.T, dir string, env []string, args ...string) hostileResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PREFLIGHT_TEST_MAIN=1", "PREFLIGHT_NOW=2026-11-27T12:00:00Z", "NO_COLOR=1", "CI=1", "GITHUB_STEP_SUMMARY=")
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("preflight %s: still running after 60 s", strings.Join(args, " "))
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	r := hostileResult{stdout: stdout.String(), stderr: stderr.String(), exit: cmd.ProcessState.ExitCode()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = int64(ru.Maxrss)
	}
	return r
}

func TestHostile(t *testing.T) {
	cases := loadHostileCases(t)
	if len(cases) < 40 {
		t.Errorf("%d hostile cases, want at least 40", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := c.prepare(t)
			r := runPreflight(t, dir, c.args...)
			show := fmt.Sprintf("preflight %s: exit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(c.args, " "), r.exit, clip(r.stdout), clip(r.stderr))
			if r.exit != c.exit {
				t.Errorf("exit %d, want %d\n%s", r.exit, c.exit, show)
			}
			for _, ch := range c.checks {
				var out string
				switch ch.stream {
				case "stdout":
					out = r.stdout
				case "stderr":
					out = r.stderr
				default:
					data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(ch.stream)))
					if ch.exists {
						if _, serr := os.Lstat(filepath.Join(dir, ch.stream)); serr == nil {
							t.Errorf("%s exists after the run\n%s", ch.stream, show)
						}
						continue
					}
					if err != nil {
						t.Errorf("%s: %v\n%s", ch.stream, err, show)
						continue
					}
					out = string(data)
				}
				if ch.re.MatchString(out) == ch.neg {
					not := ""
					if ch.neg {
						not = "!"
					}
					t.Errorf("%s%s %s: no\n%s", not, ch.stream, ch.re, show)
				}
			}
			if c.maxRSS > 0 && r.maxRSS > c.maxRSS<<10 {
				t.Errorf("peak memory %d MiB, want under %d MiB\n%s", r.maxRSS>>10, c.maxRSS, show)
			}
			for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
				if strings.Contains(out, "CANARY") {
					t.Errorf("the canary appears in %s\n%s", name, show)
				}
			}
			if strings.Contains(r.stderr, "panic") || r.exit == 3 {
				t.Errorf("preflight hit a bug\n%s", show)
			}
		})
	}
}

// clip keeps a failure message readable when an output is huge.
func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "…\n"
	}
	return s
}
