package preflight

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/preflight-gate/preflight/preflight/words"
)

// markdownFormatter writes the report for a person to read in a pull
// request comment or a GitHub job summary: the verdict, the findings by
// gate, the previews and what to do next.
//
// Everything that comes from the bundle (messages, paths, keys, preview
// fields) is escaped so that it cannot break the table or turn into markup.
// Preview fields arrive already masked by their gate (for example bulk's
// mask); nothing else here
// shows customer data.
type markdownFormatter struct{}

// mdMaxRun is how many findings of one rule in one file the tables show
// before folding the rest into a count: a run of thousands of duplicate
// rows would exceed GitHub's size limits for comments (64 KB) and job
// summaries (1 MB). The json and sarif outputs carry every finding.
const mdMaxRun = 100

// mdLevels are the heading levels of a bundle's parts: its gates, its
// sections (previews, next steps) and the items in them.
type mdLevels struct{ gate, section, item string }

var (
	mdSingle  = mdLevels{gate: "###", section: "##", item: "###"}
	mdSeveral = mdLevels{gate: "####", section: "####", item: "#####"}
)

func (markdownFormatter) Format(w io.Writer, run *Run) error {
	var b strings.Builder
	if !run.Several {
		r := run.Reports[0]
		if r.Error != nil {
			fmt.Fprintf(&b, "## ⚠️ preflight could not judge: %s\n\n", mdLiteral(r.Bundle))
			mdError(&b, r.Error)
		} else {
			mdVerdict(&b, r)
			mdBundle(&b, r, mdSingle)
		}
	} else {
		mdRun(&b, run)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdRun writes several bundles under one verdict, a section each.
func mdRun(b *strings.Builder, run *Run) {
	if run.Passed() {
		fmt.Fprintf(b, "## ✅ preflight passed: %s\n\n", words.Plural(len(run.Reports), "bundle"))
	} else {
		fmt.Fprintf(b, "## ❌ preflight blocked the deployment: %s\n\n", words.Plural(len(run.Reports), "bundle"))
	}
	fmt.Fprintf(b, "**%s** (failing on %s).\n", run.summary(), failOnOf(&Report{FailOn: run.FailOn}))
	if run.Note != "" {
		fmt.Fprintf(b, "\n%s.\n", mdText(run.Note))
	}
	for _, r := range run.Reports {
		where := " (" + mdCode(r.Dir, false) + ")"
		errs, warns := r.Count()
		switch {
		case r.Error != nil:
			fmt.Fprintf(b, "\n### ⚠️ %s%s: could not judge\n\n", mdLiteral(r.Bundle), where)
			mdError(b, r.Error)
			continue
		case r.Passed:
			fmt.Fprintf(b, "\n### ✅ %s%s: passed\n\n", mdLiteral(r.Bundle), where)
		default:
			fmt.Fprintf(b, "\n### ❌ %s%s: blocked\n\n", mdLiteral(r.Bundle), where)
		}
		counts := "no findings"
		if errs+warns > 0 {
			counts = words.Plural(errs, "error") + ", " + words.Plural(warns, "warning")
		}
		fmt.Fprintf(b, "**%s**; gates run: %s.\n", counts, mdGates(r))
		mdBundle(b, r, mdSeveral)
	}
}

// mdError says that a bundle could not be judged, and where.
func mdError(b *strings.Builder, e *ReportError) {
	where := ""
	if e.File != "" {
		where = mdCode(location(filepath.ToSlash(e.File), e.Line, e.Column), false) + ": "
	}
	fmt.Fprintf(b, "preflight could not judge this bundle: %s%s. The deployment must not ship until it can: fix this and run again.\n", where, mdLiteral(e.Message))
}

// mdBundle writes a bundle's findings by gate, its previews and what to
// do next.
func mdBundle(b *strings.Builder, r *Report, lv mdLevels) {
	mdFindings(b, r, lv)
	mdPreviews(b, r, lv)
	mdNext(b, r, lv)
}

func mdGates(r *Report) string {
	gates := make([]string, len(r.Gates))
	for i, g := range r.Gates {
		gates[i] = mdLiteral(g)
	}
	return strings.Join(gates, ", ")
}

func mdVerdict(b *strings.Builder, r *Report) {
	errs, warns := r.Count()
	failOn := failOnOf(r)
	if r.Passed {
		fmt.Fprintf(b, "## ✅ preflight passed: %s\n\n", mdLiteral(r.Bundle))
	} else {
		fmt.Fprintf(b, "## ❌ preflight blocked the deployment: %s\n\n", mdLiteral(r.Bundle))
	}
	counts := "no findings"
	if errs+warns > 0 {
		counts = words.Plural(errs, "error") + ", " + words.Plural(warns, "warning")
	}
	where := ""
	if r.Dir != "" && r.Dir != "." {
		where = " in " + mdCode(r.Dir, false)
	}
	fmt.Fprintf(b, "**%s** (failing on %s)%s; gates run: %s.\n", counts, failOn, where, mdGates(r))
}

func mdFindings(b *strings.Builder, r *Report, lv mdLevels) {
	gates := slices.Clone(r.Gates)
	for _, f := range r.Findings {
		if !slices.Contains(gates, f.Gate()) {
			gates = append(gates, f.Gate())
		}
	}
	for _, g := range gates {
		var fs []Finding
		for _, f := range r.Findings {
			if f.Gate() == g {
				fs = append(fs, f)
			}
		}
		var passing, signed []string
		for _, it := range r.Items {
			switch {
			case it.Gate != g || it.Findings > 0:
			case it.Note != "":
				signed = append(signed, "- "+mdCode(it.Name, false)+": "+mdText(it.Note)+"\n")
			default:
				passing = append(passing, mdCode(it.Name, false))
			}
		}
		if len(fs) == 0 {
			fmt.Fprintf(b, "\n%s ✅ %s: no findings\n", lv.gate, mdLiteral(g))
		} else {
			fmt.Fprintf(b, "\n%s %s: %s\n\n", lv.gate, mdLiteral(g), words.Plural(len(fs), "finding"))
			mdTable(b, r, fs)
		}
		if len(passing) > 0 {
			fmt.Fprintf(b, "\nPassed: %s.\n", strings.Join(passing, ", "))
		}
		if len(signed) > 0 {
			fmt.Fprintf(b, "\nSigned off:\n\n%s", strings.Join(signed, ""))
		}
	}
}

// mdTable writes findings as a table, folding long runs (see mdMaxRun).
func mdTable(b *strings.Builder, r *Report, fs []Finding) {
	type run struct{ file, rule string }
	shown := map[run]int{}
	var folded []run
	b.WriteString("| where | rule | message |\n| --- | --- | --- |\n")
	for _, f := range fs {
		k := run{f.File, f.Rule}
		if shown[k] >= mdMaxRun {
			if shown[k] == mdMaxRun {
				folded = append(folded, k)
			}
			shown[k]++
			continue
		}
		shown[k]++
		icon := "❌"
		if f.Severity == SeverityWarning {
			icon = "⚠️"
		}
		fmt.Fprintf(b, "| %s %s | [%s](%s) | %s |\n", icon, mdCode(location(r.Path(f.File), f.Line, f.Column), true),
			mdCode(f.Rule, true), RuleHelpURI(f.Rule), mdText(f.Message))
	}
	for _, k := range folded {
		fmt.Fprintf(b, "| %s | [%s](%s) | … and %d more in this file (the json and sarif formats list every finding) |\n",
			mdCode(r.Path(k.file), true), mdCode(k.rule, true), RuleHelpURI(k.rule), shown[k]-mdMaxRun)
	}
}

// previewsTitle is the heading of the previews of one kind of subject:
// "Bulk previews" for kind "bulk".
func previewsTitle(kind string) string {
	if kind == "" {
		return "Previews"
	}
	return strings.ToUpper(kind[:1]) + kind[1:] + " previews"
}

func mdPreviews(b *strings.Builder, r *Report, lv mdLevels) {
	if len(r.Previews) == 0 {
		return
	}
	kind := ""
	for _, p := range r.Previews {
		if p.Subject.Kind != kind {
			kind = p.Subject.Kind
			fmt.Fprintf(b, "\n%s %s\n", lv.section, previewsTitle(kind))
		}
		fmt.Fprintf(b, "\n%s %s", lv.item, mdCode(p.Subject.Name, false))
		if p.File != "" {
			fmt.Fprintf(b, " (%s)", mdCode(r.Path(p.File), false))
		}
		fmt.Fprintf(b, "\n\n%s, %s", words.Plural(p.Rows, "data row"), words.Plural(p.Unique, "unique key"))
		if p.Repeated > 0 {
			fmt.Fprintf(b, "; %s repeated, %s (rows beyond the first of each repeated key)",
				words.Plural(p.Repeated, "key"), words.Plural(p.Extra, "extra execution"))
		}
		b.WriteString(".\n")
		if len(p.First) == 0 {
			continue
		}
		cols := p.Columns
		if len(cols) == 0 {
			cols = mdFieldNames(p.First)
		}
		fmt.Fprintf(b, "\nThe first %s, as the automation will run them:\n\n| line |", words.Plural(len(p.First), "execution"))
		for _, c := range cols {
			fmt.Fprintf(b, " %s |", mdLiteral(c))
		}
		b.WriteString("\n| ---: |" + strings.Repeat(" --- |", len(cols)) + "\n")
		for _, e := range p.First {
			fmt.Fprintf(b, "| %d |", e.Line)
			for _, c := range cols {
				fmt.Fprintf(b, " %s |", mdLiteral(e.Fields[c]))
			}
			b.WriteString("\n")
		}
		var rendered []Execution
		for _, e := range p.First {
			if e.Rendered != "" {
				rendered = append(rendered, e)
			}
		}
		if len(rendered) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n<details><summary>Rendered template (%s)</summary>\n", words.Plural(len(rendered), "execution"))
		for _, e := range rendered {
			// Each line behind "  | ", as text shows it: printed into a CI log,
			// no rendered line can start a workflow command.
			text := "  | " + strings.ReplaceAll(words.EscapeLines(strings.TrimRight(e.Rendered, "\n")), "\n", "\n  | ")
			fence := mdFence(text)
			fmt.Fprintf(b, "\nLine %d:\n\n%stext\n%s\n%s\n", e.Line, fence, text, fence)
		}
		b.WriteString("\n</details>\n")
	}
}

// mdFieldNames lists the fields of the executions, sorted, when the preview
// does not name its columns.
func mdFieldNames(es []Execution) []string {
	var names []string
	for _, e := range es {
		for k := range e.Fields {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	return names
}

func mdNext(b *strings.Builder, r *Report, lv mdLevels) {
	if len(r.Findings) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s What to do next\n\n", lv.section)
	dir := ""
	if r.Dir != "" && r.Dir != "." {
		dir = " " + words.ShellQuote(r.Dir)
	}
	rules := map[string]Rule{}
	var flags []*SignoffFlag // in the order the gates declare them
	for _, rule := range r.Rules {
		rules[rule.ID] = rule
		if fl := rule.SignoffFlag; fl != nil && !slices.Contains(flags, fl) {
			flags = append(flags, fl)
		}
	}
	args := map[*SignoffFlag][]string{}
	for _, f := range r.Findings {
		fl := rules[f.Rule].SignoffFlag
		if fl == nil {
			continue
		}
		if a := fl.Arg(f); a != "" && !slices.Contains(args[fl], a) {
			args[fl] = append(args[fl], a)
		}
	}
	// The rules that fired, in the order the gates declare them: first
	// those a change fixes, then the approvals (a sign-off does not make
	// a broken header or a duplicate right: fix first, then approve what
	// is left).
	count := map[string]int{}
	var ids []string
	for _, f := range r.Findings {
		count[f.Rule]++
	}
	for _, rule := range r.Rules {
		if count[rule.ID] > 0 && !slices.Contains(ids, rule.ID) {
			ids = append(ids, rule.ID)
		}
	}
	for _, f := range r.Findings {
		if !slices.Contains(ids, f.Rule) {
			ids = append(ids, f.Rule)
		}
	}
	slices.SortStableFunc(ids, func(x, y string) int {
		return cmpBool(rules[x].SignoffFlag != nil, rules[y].SignoffFlag != nil)
	})
	signoffs := false
	for _, id := range ids {
		if rules[id].SignoffFlag != nil && !signoffs {
			signoffs = true
			mdSignoffSteps(b, flags, args, dir)
		}
		fmt.Fprintf(b, "- [%s](%s) (%s): ", mdCode(id, false), RuleHelpURI(id), words.Plural(count[id], "finding"))
		if fix := rules[id].Fix; fix != "" {
			b.WriteString(mdText(fix) + " ")
		}
		fmt.Fprintf(b, "More: %s.\n", mdCode("preflight explain "+id, false))
	}
	if !signoffs {
		mdSignoffSteps(b, flags, args, dir)
	}
}

// cmpBool orders false before true.
func cmpBool(x, y bool) int {
	switch {
	case x == y:
		return 0
	case !x:
		return -1
	}
	return 1
}

// mdSignoffSteps writes the signoff command of each flag that findings
// name something for.
func mdSignoffSteps(b *strings.Builder, flags []*SignoffFlag, args map[*SignoffFlag][]string, dir string) {
	for _, fl := range flags {
		if len(args[fl]) == 0 {
			continue
		}
		var cmd strings.Builder
		for _, a := range args[fl] {
			cmd.WriteString(" " + fl.String() + " " + words.ShellQuote(a))
		}
		fmt.Fprintf(b, "- **%s**: %s:\n  %s\n", fl.Items, fl.Advice,
			mdCode("preflight signoff"+dir+cmd.String()+` --by YOU --reason "…"`, false))
	}
}

// failOnOf is the report's --fail-on severity; error when unset.
func failOnOf(r *Report) Severity {
	if r.FailOn == "" {
		return SeverityError
	}
	return r.FailOn
}

// mdLiteral escapes text so that markdown shows it as written: control
// characters, line breaks included, are written as [words.Escape] does, so that
// it stays in its table cell, and the inline punctuation that could start
// markup is backslash-escaped (GitHub also renders $…$ as math).
func mdLiteral(s string) string {
	var b strings.Builder
	for _, c := range words.Escape(s) {
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '$', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// mdText is mdLiteral for a message that may quote commands or values
// between backticks: those spans stay code spans.
func mdText(s string) string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // an unpaired backtick: all literal
		return mdLiteral(s)
	}
	for i, p := range parts {
		if i%2 == 0 {
			parts[i] = mdLiteral(p)
		} else {
			parts[i] = mdCode(p, true)
		}
	}
	return strings.Join(parts, "")
}

// mdCode returns s as a code span, fenced with more backticks than it
// holds; control characters, line breaks included, are written as
// [words.Escape] does. In a table cell, "|" must be escaped even inside code.
func mdCode(s string, inTable bool) string {
	s = words.Escape(s)
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	fence := strings.Repeat("`", mdLongestRun(s, '`')+1)
	switch {
	case s == "":
		s = " "
	case strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`"):
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdFence returns a code-block fence longer than any backtick run in s.
func mdFence(s string) string {
	return strings.Repeat("`", max(3, mdLongestRun(s, '`')+1))
}

func mdLongestRun(s string, c rune) int {
	longest, n := 0, 0
	for _, r := range s {
		if r == c {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}
