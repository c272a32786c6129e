package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

const (
	// rulesDir holds every rule's fixtures, GATE/NAME/{fail,pass}.
	rulesDir = "../../testdata/rules"
	// examplesDir holds the examples explain shows, rendered from them.
	examplesDir = "../../checks/examples"
	// fixtureNow is the clock of the fixtures, as of the scripts, so that
	// sign-off expiry is stable.
	fixtureNow = "2026-11-27T12:00:00Z"
	// exampleLines is how many lines of one file an example shows.
	exampleLines = 20
)

// TestRuleFixtures runs every rule's fixtures as the contract's "Rule
// fixtures" says: `preflight check` on testdata/rules/GATE/NAME/fail reports
// the rule at least once, on .../pass it does not, and neither exits 2 (nor
// 3). An `args` file in a bundle holds extra arguments, one a line. It also
// renders, from the two bundles, the example `preflight explain GATE/NAME`
// shows, into checks/examples/GATE/NAME.txt; -update rewrites those files.
func TestRuleFixtures(t *testing.T) {
	// Each run changes into its bundle: resolve the folders first.
	rules, err := filepath.Abs(rulesDir)
	if err != nil {
		t.Fatal(err)
	}
	examples, err := filepath.Abs(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range checks.Rules() {
		want[r.ID+".txt"] = true
		t.Run(r.ID, func(t *testing.T) {
			fail := runFixture(t, rules, r.ID, "fail")
			pass := runFixture(t, rules, r.ID, "pass")
			if fail == nil || pass == nil {
				return
			}
			if fail.count(r.ID) == 0 {
				t.Errorf("check %s on %s reports no %s finding, want at least one; it reports:\n%s", fail.command(), fail.dir, r.ID, fail.stdout)
			}
			if n := pass.count(r.ID); n > 0 {
				t.Errorf("check %s on %s reports %d %s findings, want none:\n%s", pass.command(), pass.dir, n, r.ID, pass.stdout)
			}
			checkExample(t, examples, r.ID, renderExample(r.ID, fail, pass))
		})
	}
	// An example whose rule is gone is stale.
	filepath.WalkDir(examples, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(examples, p)
		if rel = filepath.ToSlash(rel); !want[rel] {
			if *updateScripts {
				return os.Remove(p)
			}
			t.Errorf("checks/examples/%s is the example of no rule (-update removes it)", rel)
		}
		return nil
	})
}

// fixture is one run of `preflight check` in a fixture bundle.
type fixture struct {
	dir    string   // testdata/rules/GATE/NAME/SIDE
	files  []string // the bundle's files, slash paths, manifest first
	data   map[string][]byte
	args   []string // from its args file
	code   int
	stdout string // the text report
	rules  []string
}

// runFixture runs check in the bundle rules/ID/side, as a user would from
// inside it, with the text report on stdout and a JSON one read back for the
// findings' rules.
func runFixture(t *testing.T, rules, id, side string) *fixture {
	t.Helper()
	dir := filepath.Join(rules, filepath.FromSlash(id), side)
	fx := &fixture{dir: "testdata/rules/" + id + "/" + side, data: map[string][]byte{}}
	if _, err := os.Stat(filepath.Join(dir, preflight.ManifestName)); err != nil {
		t.Errorf("rule %s has no %s fixture: expected a bundle in %s (see testdata/rules/README.md)", id, side, fx.dir)
		return nil
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if rel = filepath.ToSlash(rel); rel == "args" {
			fx.args = argsOf(data)
		} else {
			fx.files = append(fx.files, rel)
			fx.data[rel] = data
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The manifest first, the sign-off file last, the rest by name.
	rank := func(name string) int {
		switch name {
		case preflight.ManifestName:
			return 0
		case "preflight.signoff.toml": // the default the fixtures use
			return 2
		}
		return 1
	}
	slices.SortStableFunc(fx.files, func(a, b string) int { return rank(a) - rank(b) })

	jsonOut := filepath.Join(t.TempDir(), "report.json")
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		if k == "PREFLIGHT_NOW" {
			return fixtureNow
		}
		return ""
	}
	fx.code = run(append([]string{"check", "--format", "text", "--format", "json=" + jsonOut}, fx.args...), strings.NewReader(""), &stdout, &stderr, getenv)
	fx.stdout = stdout.String()
	if fx.code != preflight.ExitPassed && fx.code != preflight.ExitFailed {
		t.Errorf("check %s on %s exited %d, want 0 or 1: a fixture must be judged\n%s", fx.command(), fx.dir, fx.code, stderr.String())
		return nil
	}
	data, err := os.ReadFile(jsonOut)
	if err != nil {
		t.Fatal(err)
	}
	var report struct{ Findings []struct{ Rule string } }
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatalf("%s: %v", fx.dir, err)
	}
	for _, f := range report.Findings {
		fx.rules = append(fx.rules, f.Rule)
	}
	return fx
}

func (fx *fixture) count(rule string) int {
	n := 0
	for _, r := range fx.rules {
		if r == rule {
			n++
		}
	}
	return n
}

// command is the command line a user types in the bundle.
func (fx *fixture) command() string {
	words := []string{"preflight", "check"}
	for _, a := range fx.args {
		if a == "" || strings.ContainsAny(a, " \t\"'\\$`*?[]#~;&|<>()") {
			a = strconv.Quote(a)
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}

// argsOf reads an args file: one argument a line.
func argsOf(data []byte) []string {
	text := strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// renderExample renders what explain shows of a rule's fixtures: the fail
// bundle's files, the command and the rule's findings; then what the pass
// bundle changes.
func renderExample(id string, fail, pass *fixture) string {
	var b strings.Builder
	line := func(format string, args ...any) {
		s := fmt.Sprintf(format, args...)
		if s != "" {
			s = "  " + s
		}
		b.WriteString(s + "\n")
	}
	b.WriteString("Fails:\n")
	line("%s:", fail.dir)
	for _, name := range fail.files {
		writeExampleFile(line, name, "", fail.data[name])
	}
	line("$ %s", fail.command())
	for _, l := range strings.Split(fail.stdout, "\n") {
		if strings.HasSuffix(l, "["+id+"]") || strings.Contains(l, " more "+id+" findings") {
			line("%s", l)
		}
	}

	var changed, added, removed []string
	for _, name := range pass.files {
		old, ok := fail.data[name]
		switch {
		case !ok:
			added = append(added, name)
		case !bytes.Equal(old, pass.data[name]):
			changed = append(changed, name)
		}
	}
	for _, name := range fail.files {
		if _, ok := pass.data[name]; !ok {
			removed = append(removed, name)
		}
	}
	var what []string
	for _, part := range []struct {
		verb  string
		files []string
	}{{"changes", changed}, {"adds", added}, {"removes", removed}} {
		if len(part.files) > 0 {
			what = append(what, part.verb+" "+strings.Join(part.files, ", "))
		}
	}
	if !slices.Equal(fail.args, pass.args) {
		what = append(what, "changes the command line")
	}
	if len(what) == 0 {
		what = []string{"changes nothing"}
	}
	b.WriteString("\nPasses:\n")
	line("%s %s:", pass.dir, strings.Join(what, "; "))
	for _, name := range pass.files {
		if slices.Contains(changed, name) || slices.Contains(added, name) {
			note := ""
			if slices.Contains(added, name) {
				note = " (new)"
			}
			writeExampleFile(line, name, note, pass.data[name])
		}
	}
	line("$ %s", pass.command())
	line("(no %s finding)", id)
	b.WriteString("\n")
	return b.String()
}

// writeExampleFile writes one file of an example, txtar style, at most
// exampleLines lines of it, with control and invisible characters escaped.
func writeExampleFile(line func(string, ...any), name, note string, data []byte) {
	line("-- %s%s --", name, note)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i, l := range lines {
		if i == exampleLines {
			line("… %d more lines", len(lines)-i)
			break
		}
		line("%s", redactCredentials(escapeExample(strings.TrimSuffix(l, "\r"))))
	}
}

// escapeExample escapes what a terminal would not show as it is: what
// [preflight.Escape] escapes, and invisible format characters (Unicode Cf:
// zero-width spaces, bidi controls), which a hidden-instruction fixture may
// hold.
func escapeExample(s string) string {
	var b strings.Builder
	for _, r := range words.Escape(s) {
		if unicode.Is(unicode.Cf, r) {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// redactCredentials replaces each word of a line that looks like a
// credential (a fixture of configdiff/credential-value holds one) by what
// kind it is: no output of preflight, explain included, prints one.
func redactCredentials(l string) string {
	words := strings.FieldsFunc(l, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("\"'`,;=:()[]{}<>", r) })
	for _, w := range words {
		if kind := configdiff.CredentialKind(w); kind != "" {
			l = strings.ReplaceAll(l, w, "(redacted: "+kind+")")
		}
	}
	return l
}

// checkExample compares a rule's rendered example with the embedded one;
// -update writes it.
func checkExample(t *testing.T, examples, id, got string) {
	t.Helper()
	file := filepath.Join(examples, filepath.FromSlash(id)+".txt")
	if *updateScripts {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := checks.Example(id); want != got {
		t.Errorf("checks/examples/%s.txt is out of date with testdata/rules/%s (-update rewrites it):\n%s", id, id, cmp.Diff(want, got))
	}
}
