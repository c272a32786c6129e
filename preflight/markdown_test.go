package preflight

import (
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/preflight/words"
)

func TestMarkdownGolden(t *testing.T) {
	checkGolden(t, "format/markdown.golden", render(t, "markdown", FormatOptions{}, sampleReport()))
}

func TestMdLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, 50% off.":     "plain text, 50% off.",
		"a | b":                    `a \| b`,
		"a\\|b":                    `a\\\|b`,
		"line\nbreak\r\nand\rmore": `line\\nbreak\\r\\nand\\rmore`,
		"esc\x1b[31m\u2028":        `esc\\x1b\[31m\\u2028`,
		"<script>&amp;":            `\<script\>\&amp;`,
		"*bold* _it_ ~x~ `c`":      "\\*bold\\* \\_it\\_ \\~x\\~ \\`c\\`",
		"[link](http://x) ![i]":    `\[link\](http://x) \!\[i\]`,
		"$47k to $5":               `\$47k to \$5`,
		"#1 issue":                 `\#1 issue`,
	} {
		if got := mdLiteral(in); got != want {
			t.Errorf("mdLiteral(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMdText(t *testing.T) {
	for in, want := range map[string]string{
		"run `preflight signoff --bulk a|b` now": "run `preflight signoff --bulk a\\|b` now",
		"a ` lone backtick":                      "a \\` lone backtick",
		"x_y `x_y`":                              "x\\_y `x_y`",
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMdCode(t *testing.T) {
	for _, tc := range []struct {
		in      string
		inTable bool
		want    string
	}{
		{"a.b", false, "`a.b`"},
		{"a|b", true, "`a\\|b`"},
		{"a|b", false, "`a|b`"},
		{"x`y", false, "``x`y``"},
		{"`x", false, "`` `x ``"},
		{"two\nlines", false, "`two\\nlines`"},
		{"red\x1b[31m", false, "`red\\x1b[31m`"},
		{"", false, "` `"},
	} {
		if got := mdCode(tc.in, tc.inTable); got != tc.want {
			t.Errorf("mdCode(%q, %v) = %q, want %q", tc.in, tc.inTable, got, tc.want)
		}
	}
	if got := mdFence("a ``` b ```` c"); got != "`````" {
		t.Errorf("mdFence = %q", got)
	}
}

func TestMdShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"llm.model_tier":         "llm.model_tier",
		"bundles/demo":           "bundles/demo",
		`servers."eu.west".host`: `'servers."eu.west".host'`,
		"a[0].b":                 "'a[0].b'",
		"it's":                   `'it'\''s'`,
		"":                       "''",
	} {
		if got := words.ShellQuote(in); got != want {
			t.Errorf("words.ShellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMarkdownTableCells checks that hostile messages, paths and preview
// fields stay inside their table cells: every table row has as many
// unescaped pipes as its header.
func TestMarkdownTableCells(t *testing.T) {
	r := sampleReport()
	r.Dir = "odd | dir"
	r.Findings = append(r.Findings, Finding{Rule: "bulk/malformed", Severity: SeverityError, File: "x|y.csv", Line: 1, Column: 1, Subject: Subject{"bulk", "recipients"},
		Message: "a|b\\|c `d|e` \n| --- |\r\n<br>"})
	r.Previews[0].First[0].Fields["name"] = "A|B\nC\\"
	r.Previews[0].Columns[1] = "na|me"
	out := string(render(t, "markdown", FormatOptions{}, r))
	cells := -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			cells = -1
			continue
		}
		n := mdCountCells(line)
		if cells == -1 {
			cells = n
		} else if n != cells {
			t.Errorf("row with %d cells in a table of %d: %s", n, cells, line)
		}
	}
}

// mdCountCells counts the unescaped pipes of a table row.
func mdCountCells(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

func TestMarkdownFolds(t *testing.T) {
	r := &Report{Bundle: "b", Dir: ".", Gates: []string{"bulk"}, FailOn: SeverityError}
	for i := range mdMaxRun + 5 {
		r.Findings = append(r.Findings, Finding{Rule: "bulk/duplicate-key", Severity: SeverityError, File: "d.csv", Line: i + 2, Column: 1, Message: "dup"})
	}
	r.Findings = append(r.Findings, Finding{Rule: "bulk/blank-key", Severity: SeverityError, File: "d.csv", Line: 500, Column: 1, Message: "blank"})
	out := string(render(t, "markdown", FormatOptions{}, r))
	if n := strings.Count(out, "| dup |"); n != mdMaxRun {
		t.Errorf("%d duplicate rows, want %d", n, mdMaxRun)
	}
	if !strings.Contains(out, "… and 5 more in this file") || !strings.Contains(out, "| blank |") {
		t.Errorf("no fold row, or the other rule was folded too:\n%s", out)
	}
	if !strings.Contains(out, "bulk: 106 findings") {
		t.Error("the heading does not count every finding")
	}
}

func TestMarkdownPassed(t *testing.T) {
	r := &Report{Bundle: "b", Passed: true, Dir: ".", Gates: []string{"routes"}, FailOn: SeverityError,
		Items: []Item{{Gate: "routes", Name: "a.on_error.notify"}}}
	want := "## ✅ preflight passed: b\n\n" +
		"**no findings** (failing on error); gates run: routes.\n\n" +
		"### ✅ routes: no findings\n\n" +
		"Passed: `a.on_error.notify`.\n"
	if got := string(render(t, "markdown", FormatOptions{}, r)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestMarkdownNextSteps checks that the next steps list the fixes before
// the approvals, and that a signed difference names who signed it and why.
func TestMarkdownNextSteps(t *testing.T) {
	out := string(render(t, "markdown", FormatOptions{}, sampleReport()))
	next := out[strings.Index(out, "## What to do next"):]
	fix := strings.Index(next, "bulk/header-as-data")
	approve := strings.Index(next, "preflight signoff")
	if fix < 0 || approve < 0 || fix > approve {
		t.Errorf("the fixes do not come before the approvals:\n%s", next)
	}
	if !strings.Contains(out, "- `llm.temperature`: signed by dara@example.com: production answers need less variety \\| on purpose") {
		t.Errorf("the signed difference does not say who signed it and why:\n%s", out)
	}
}
