package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// shoutGate exists only in this test: it proves that a gate plugs in with
// its own manifest section, rule, sign-off table and signoff flag, and no
// engine or command change. Every line of a [shout] file written in
// capitals is a finding, unless a [[shout]] entry of the sign-off file
// approves that many in that file (`signoff --shout FILE` records it).
type shoutGate struct{}

type shoutSpec struct {
	Files []string `toml:"files"`
	Min   *int     `toml:"min"` // letters a line needs to count as shouting; default 3

	min int
}

var (
	ruleShoutLoudLine = preflight.Rule{
		ID:          "shout/loud-line",
		Severity:    preflight.SeverityError,
		Title:       "a line is written in capitals",
		Why:         "Shouting in release notes wakes the on-call engineer for nothing.",
		Incident:    "the test incident: an all-caps note paged everyone",
		Fix:         "Write the line in sentence case, or approve it in the sign-off file.",
		SignoffFlag: shoutFlag,
	}
	shoutFlag = &preflight.SignoffFlag{
		Name: "shout", Value: "FILE", Help: "approve the loud lines of the notes `FILE`, repeatable",
		Noun: "loud note", Nouns: "loud notes", Items: "Loud notes", Advice: "read each line aloud; when it must be loud, approve it",
	}
	shoutTable = &preflight.LedgerTable{
		Name: "shout", Key: "file", Need: "the file whose loud lines it approves",
		Entry: "approval of %q", Twice: "two approvals for file %q",
		Fields: []preflight.LedgerField{{Name: "lines", Kind: preflight.FieldInt}},
	}
)

func (shoutGate) Info() preflight.GateInfo {
	return preflight.GateInfo{Name: "shout", Section: "shout", Spec: shoutSpec{}, Rules: []preflight.Rule{ruleShoutLoudLine}, Ledger: shoutTable}
}

func (shoutGate) Load(b *preflight.Bundle, section any) (any, error) {
	spec := section.(*shoutSpec)
	if len(spec.Files) == 0 {
		return nil, b.ManifestError("shout", "[shout] needs files: the notes to read")
	}
	spec.min = 3
	if spec.Min != nil {
		if *spec.Min < 1 {
			return nil, b.ManifestError("shout.min", "min must be at least 1, got %d", *spec.Min)
		}
		spec.min = *spec.Min
	}
	return spec, nil
}

func (shoutGate) Check(b *preflight.Bundle, s any, _ *preflight.Options) (*preflight.Result, error) {
	spec := s.(*shoutSpec)
	ledger, err := b.Ledger()
	if err != nil {
		return nil, err
	}
	res := &preflight.Result{}
	for i, rel := range spec.Files {
		loud, err := loudLines(b, spec, i)
		if err != nil {
			return nil, err
		}
		if e := ledger.Find(shoutTable.Name, words.Rel(rel)); e != nil && e.Int("lines") == len(loud) {
			loud = nil
		}
		res.Findings = append(res.Findings, loud...)
		res.Items = append(res.Items, preflight.Item{Gate: "shout", Name: words.Rel(rel), File: words.Rel(rel), Findings: len(loud)})
	}
	return res, nil
}

// loudLines returns a finding for each loud line of the spec's i-th file.
func loudLines(b *preflight.Bundle, spec *shoutSpec, i int) ([]preflight.Finding, error) {
	rel := spec.Files[i]
	p, err := b.Path(fmt.Sprintf("shout.files[%d]", i), rel)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, preflight.Errorf(b.Display(rel), 0, 0, "cannot read notes: %s", words.FileProblem(err))
	}
	var loud []preflight.Finding
	for n, line := range strings.Split(string(data), "\n") {
		if line == strings.ToUpper(line) && countLetters(line) >= spec.min {
			f := ruleShoutLoudLine.Finding(words.Rel(rel), n+1, 1, fmt.Sprintf("line %d shouts: write it in sentence case", n+1))
			f.Subject = preflight.Subject{Kind: "shout", Name: words.Rel(rel)}
			loud = append(loud, f)
		}
	}
	return loud, nil
}

func (shoutGate) SignoffFlag() *preflight.SignoffFlag { return shoutFlag }

// Sign approves the loud lines of each file names names (with All: of
// each file that has loud lines and no approval of that many).
func (shoutGate) Sign(b *preflight.Bundle, l *preflight.Ledger, names []string, req *checks.SignRequest) ([]checks.Signed, error) {
	spec, _ := b.Spec("shout").(*shoutSpec)
	if spec == nil {
		if len(names) == 0 {
			return nil, nil
		}
		return nil, &preflight.Error{Msg: "--shout: no [shout] section, so there are no loud notes to approve"}
	}
	for _, name := range names {
		if !slices.Contains(spec.Files, name) {
			return nil, &preflight.Error{Msg: fmt.Sprintf("--shout %q names no file of [shout]", name)}
		}
	}
	var done []checks.Signed
	for i, rel := range spec.Files {
		if !req.All && !slices.Contains(names, rel) {
			continue
		}
		loud, err := loudLines(b, spec, i)
		if err != nil {
			return nil, err
		}
		old := l.Find(shoutTable.Name, rel)
		if req.All && (len(loud) == 0 || old != nil && old.Int("lines") == len(loud)) {
			continue
		}
		l.Put(&preflight.Entry{Table: shoutTable.Name, Key: rel, Fields: map[string]any{"lines": len(loud)},
			By: req.By, Reason: req.Reason, At: req.Options.Now, Expires: req.Expires})
		done = append(done, checks.Signed{What: fmt.Sprintf("approval of %q", rel),
			Text: fmt.Sprintf("approved %s: %s\n", words.Escape(rel), words.Plural(len(loud), "loud line")), Note: "the notes are loud"})
	}
	return done, nil
}

func countLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// TestGateOnlyInATest runs the command line with the test-only gate added
// to the gate list: its section loads strictly, its sign-off table is
// read, its findings come out in every format, and explain knows its rule.
func TestGateOnlyInATest(t *testing.T) {
	gates := append(checks.Gates(), shoutGate{})
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("preflight.toml", "version = 1\nname = \"notes\"\n\n[shout]\nfiles = [\"a.txt\", \"b.txt\"]\n")
	write("a.txt", "Release notes\nWE SHIP TODAY\n")
	write("b.txt", "Fixed a bug\nDO NOT DEPLOY ON FRIDAY\nok\n")
	write("preflight.signoff.toml", "[[shout]]\nfile = \"a.txt\"\nlines = 1\nby = \"dara@example.com\"\nreason = \"the launch is loud\"\nat = 2026-11-27T10:00:00Z\n")
	out := t.TempDir()
	cli := func(want int, args ...string) (string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := runGates(gates, args, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" }); code != want {
			t.Fatalf("preflight %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, stderr.String())
		}
		return stdout.String(), stderr.String()
	}

	formats := map[string]string{}
	var args []string
	for _, f := range preflight.Formats {
		formats[f] = filepath.Join(out, f)
		args = append(args, "--format", f+"="+formats[f])
	}
	cli(1, append([]string{"check", dir}, args...)...)
	read := func(f string) string {
		data, err := os.ReadFile(formats[f])
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for _, f := range preflight.Formats {
		got := read(f)
		if !strings.Contains(got, "shout/loud-line") || !strings.Contains(got, "b.txt") {
			t.Errorf("%s: the test gate's finding is missing:\n%s", f, got)
		}
		if strings.Contains(got, "a.txt:2") {
			t.Errorf("%s: the approved loud line of a.txt is reported:\n%s", f, got)
		}
	}
	if got := read("json"); !strings.Contains(got, `"shout": "b.txt"`) || !strings.Contains(got, `"line": 2`) {
		t.Errorf("json: want the finding at line 2 with its subject as \"shout\": %s", got)
	}
	if got := read("sarif"); !strings.Contains(got, `"shout": "b.txt"`) || !strings.Contains(got, "Shouting in release notes") {
		t.Errorf("sarif: want the subject property and the rule's help: %s", got)
	}
	if got := read("junit"); !strings.Contains(got, `testsuite name="shout"`) || !strings.Contains(got, `testcase name="a.txt"`) {
		t.Errorf("junit: want a shout suite with a.txt passing: %s", got)
	}

	// markdown's next step names the gate's own signoff flag.
	if got := read("markdown"); !strings.Contains(got, "`preflight signoff "+dir+" --shout b.txt --by YOU") {
		t.Errorf("markdown: want the next step through --shout: %s", got)
	}
	// signoff has the gate's flag, with its help and in its usage messages,
	// and the gate's output lines; check then passes.
	if help, _ := cli(0, "signoff", "--help"); !strings.Contains(help, "--shout FILE ") || !strings.Contains(help, "approve the loud lines of the notes FILE, repeatable") {
		t.Errorf("signoff --help lacks the test gate's flag:\n%s", help)
	}
	if help, _ := cli(0, "--help"); !strings.Contains(help, "Record sign-offs for the current differences / bulk inputs / MCP tool lists / loud notes") {
		t.Errorf("--help does not name what signoff signs for the test gate:\n%s", help)
	}
	if _, stderr := cli(2, "signoff", dir, "--by", "dara@example.com", "--reason", "r"); !strings.Contains(stderr, "give --key GLOB, --bulk NAME, --mcp NAME, --shout FILE or --all") {
		t.Errorf("signoff naming nothing: %s", stderr)
	}
	if _, stderr := cli(2, "signoff", dir, "--by", "dara@example.com", "--reason", "r", "--shout", "c.txt"); !strings.Contains(stderr, `--shout "c.txt" names no file of [shout]`) {
		t.Errorf("signoff --shout c.txt: %s", stderr)
	}
	stdout, stderr := cli(0, "signoff", dir, "--by", "dara@example.com", "--reason", "friday is loud", "--shout", "b.txt")
	if !strings.HasPrefix(stdout, "approved b.txt: 1 loud line\nwrote "+filepath.Join(dir, "preflight.signoff.toml")+": 1 sign-off by dara@example.com\n") || stderr != "preflight: the notes are loud\n" {
		t.Errorf("signoff --shout b.txt:\n%s\n%s", stdout, stderr)
	}
	cli(0, "check", dir)
	if stdout, _ := cli(0, "signoff", dir, "--by", "dara@example.com", "--reason", "r", "--all"); !strings.Contains(stdout, "nothing to sign: every difference, bulk input, MCP tool list and loud note is allowed or has a valid sign-off") {
		t.Errorf("signoff --all with nothing to sign: %s", stdout)
	}

	// explain lists the rule and shows its metadata.
	list, _ := cli(0, "explain")
	if !strings.Contains(list, "shout/loud-line") {
		t.Errorf("explain does not list the test gate's rule:\n%s", list)
	}
	ex, _ := cli(0, "explain", "shout/loud-line")
	for _, want := range []string{"shout/loud-line (error)", "a line is written in capitals", "Shouting in release notes", "approve it in the sign-off file"} {
		if !strings.Contains(ex, want) {
			t.Errorf("explain shout/loud-line lacks %q:\n%s", want, ex)
		}
	}

	// The section decodes strictly and validates at load, at its line.
	write("preflight.toml", "version = 1\n[shout]\nfiles = [\"a.txt\"]\nmni = 2\n")
	if _, stderr := cli(2, "check", dir); !strings.Contains(stderr, `preflight.toml:4:1: unknown key "shout.mni"`) {
		t.Errorf("unknown key: %s", stderr)
	}
	write("preflight.toml", "version = 1\n[shout]\nfiles = [\"a.txt\"]\nmin = 0\n")
	if _, stderr := cli(2, "check", dir); !strings.Contains(stderr, "preflight.toml:4:1: min must be at least 1, got 0") {
		t.Errorf("invalid value: %s", stderr)
	}
	// Its ledger table is read strictly too.
	write("preflight.toml", "version = 1\n[shout]\nfiles = [\"a.txt\"]\n")
	write("preflight.signoff.toml", "[[shout]]\nfile = \"a.txt\"\nlines = 1\nby = \"\"\nreason = \"r\"\nat = 2026-11-27T10:00:00Z\n")
	if _, stderr := cli(2, "check", dir); !strings.Contains(stderr, `preflight.signoff.toml:1:1: approval of "a.txt": by is empty`) {
		t.Errorf("ledger entry: %s", stderr)
	}
	// Without the section, "no gate enabled" names it among the others.
	write("preflight.toml", "version = 1\n")
	if _, stderr := cli(2, "check", dir); !strings.Contains(stderr, "or [shout] section") {
		t.Errorf("no gate enabled: %s", stderr)
	}
}
