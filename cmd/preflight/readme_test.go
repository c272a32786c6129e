package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
)

// TestRuleMetadata checks that every rule explains itself completely and
// has its two fixtures, testdata/rules/GATE/NAME/{fail,pass} (which
// TestRuleFixtures runs), and that every fixture is of a rule.
func TestRuleMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range checks.Rules() {
		for _, side := range []string{"fail", "pass"} {
			if fi, err := os.Stat(filepath.Join(rulesDir, r.ID, side, preflight.ManifestName)); err != nil || !fi.Mode().IsRegular() {
				t.Errorf("rule %q has no %s fixture: expected testdata/rules/%s/%s/%s (see testdata/rules/README.md)", r.ID, side, r.ID, side, preflight.ManifestName)
			}
		}
		for field, v := range map[string]string{"ID": r.ID, "Title": r.Title, "Why": r.Why, "Incident": r.Incident, "Fix": r.Fix} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("rule %q has no %s", r.ID, field)
			}
		}
		if r.Severity != preflight.SeverityError && r.Severity != preflight.SeverityWarning {
			t.Errorf("rule %q has severity %q", r.ID, r.Severity)
		}
		if seen[r.ID] {
			t.Errorf("rule %q listed twice", r.ID)
		}
		seen[r.ID] = true
	}
	dirs, err := filepath.Glob(filepath.Join(rulesDir, "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		rel, _ := filepath.Rel(rulesDir, d)
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && !seen[filepath.ToSlash(rel)] {
			t.Errorf("testdata/rules/%s: no rule has this id; fixtures are named by their rule, GATE/NAME", filepath.ToSlash(rel))
		}
	}
	for _, g := range checks.Gates() {
		info := g.Info()
		for _, r := range info.Rules {
			if !strings.HasPrefix(r.ID, info.Name+"/") {
				t.Errorf("rule %q of gate %q: ids start with the gate's name", r.ID, info.Name)
			}
		}
	}
}

const (
	rulesBegin = "<!-- rules:begin (generated from the rule metadata: go test ./cmd/preflight -run TestReadmeRules -update) -->\n"
	rulesEnd   = "<!-- rules:end -->\n"
)

// TestReadmeRules checks that the README's rule reference is the one the
// rule metadata generates; -update rewrites it.
func TestReadmeRules(t *testing.T) {
	const readme = "../../README.md"
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	begin, end := strings.Index(text, rulesBegin), strings.Index(text, rulesEnd)
	if begin < 0 || end < begin {
		t.Fatalf("README.md has no rule reference between %q and %q", rulesBegin, rulesEnd)
	}
	got := text[begin+len(rulesBegin) : end]
	want := ruleReference()
	if got == want {
		return
	}
	if *updateScripts {
		if err := os.WriteFile(readme, []byte(text[:begin+len(rulesBegin)]+want+text[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md rule reference is out of date (-update rewrites it):\n%s", cmp.Diff(want, got))
}

// ruleReference renders the rule table and one section per rule, whose
// heading is the anchor SARIF help links to.
func ruleReference() string {
	var b strings.Builder
	b.WriteString("| rule | severity | fires when |\n|---|---|---|\n")
	for _, r := range checks.Rules() {
		fmt.Fprintf(&b, "| [`%s`](%s) | %s | %s |\n", r.ID, "#"+strings.TrimPrefix(preflight.RuleHelpURI(r.ID), preflight.RuleHelpBase), r.Severity, mdCell(r.Title))
	}
	for _, r := range checks.Rules() {
		fmt.Fprintf(&b, "\n#### `%s`\n\n%s %s\n\n*Incident:* %s\n\n*Fix:* %s\n\n*Example:* [fails](testdata/rules/%s/fail), [passes](testdata/rules/%s/pass)\n",
			r.ID, sentence(r.Title), mdText(r.Why), sentence(r.Incident), mdText(r.Fix), r.ID, r.ID)
	}
	b.WriteString("\n")
	return b.String()
}

// mdText renders metadata text as markdown: lines indented by two spaces
// (lists of globs and the like) become a code block, so `**` stays literal.
func mdText(s string) string {
	var b strings.Builder
	inCode := false
	for i, l := range strings.Split(s, "\n") {
		code := strings.HasPrefix(l, "  ")
		switch {
		case code && !inCode:
			b.WriteString("\n\n")
		case !code && inCode:
			b.WriteString("\n\n")
		case i > 0:
			b.WriteString("\n")
		}
		if code {
			l = "  " + l
		}
		b.WriteString(l)
		inCode = code
	}
	return b.String()
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// sentence capitalises s and ends it with a period.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.TrimSuffix(s[1:], ".") + "."
}
