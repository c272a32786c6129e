package preflight

import (
	"fmt"
	"io"
	"strings"

	"github.com/preflight-gate/preflight/preflight/words"
)

// foldAfter is how many findings of one rule in one file the text format
// shows before folding the rest into a count. Machine formats carry all.
const foldAfter = 10

// textFormatter writes findings for people: grouped by file, one
// `file:line:col: message [rule]` line each, then the previews, then a
// one-line verdict.
type textFormatter struct {
	color bool
}

func (t *textFormatter) paint(code, s string) string {
	if !t.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (t *textFormatter) Format(w io.Writer, run *Run) error {
	var b strings.Builder
	if !run.Several {
		t.bundle(&b, run.Reports[0], false)
	} else {
		if run.Note != "" {
			fmt.Fprintf(&b, "%s\n", words.Escape(run.Note))
		}
		for i, r := range run.Reports {
			if i > 0 || run.Note != "" {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s\n", t.paint("1", "== "+words.Escape(r.Dir)))
			t.bundle(&b, r, true)
		}
		verdict := t.paint("1;32", "PASS")
		if !run.Passed() {
			verdict = t.paint("1;31", "FAIL")
		}
		fmt.Fprintf(&b, "\n%s %s", verdict, run.summary())
		if !run.Passed() {
			b.WriteString(": the deployment must not ship")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// bundle writes one bundle's findings, previews and verdict line; a bundle
// that could not be judged is its error line (several: and a verdict).
func (t *textFormatter) bundle(b *strings.Builder, r *Report, several bool) {
	if r.Error != nil {
		fmt.Fprintf(b, "%s\n", words.Escape(r.Error.String()))
		if several {
			fmt.Fprintf(b, "%s %s: preflight could not judge this bundle: the deployment must not ship\n", t.paint("1;31", "ERROR"), words.Escape(r.Bundle))
		}
		return
	}
	for i := 0; i < len(r.Findings); {
		file := r.Findings[i].File
		if i > 0 {
			b.WriteString("\n")
		}
		shown := map[string]int{}
		folded := map[string]int{}
		var order []string
		for ; i < len(r.Findings) && r.Findings[i].File == file; i++ {
			f := r.Findings[i]
			if shown[f.Rule] == foldAfter {
				if folded[f.Rule] == 0 {
					order = append(order, f.Rule)
				}
				folded[f.Rule]++
				continue
			}
			shown[f.Rule]++
			sev := t.paint("31", "error")
			if f.Severity == SeverityWarning {
				sev = t.paint("33", "warning")
			}
			fmt.Fprintf(b, "%s: %s: %s %s\n", t.paint("1", words.Escape(location(r.Path(f.File), f.Line, f.Column))), sev, words.Escape(f.Message), t.paint("2", "["+words.Escape(f.Rule)+"]"))
		}
		for _, rule := range order {
			fmt.Fprintf(b, "%s: ... and %d more %s findings (every one is in --format json)\n", words.Escape(r.Path(file)), folded[rule], words.Escape(rule))
		}
	}
	for _, p := range r.Previews {
		b.WriteString("\n")
		p.WriteText(b)
	}
	errs, warns := r.Count()
	if !several || len(r.Findings)+len(r.Previews) > 0 {
		b.WriteString("\n")
	}
	verdict := t.paint("1;32", "PASS")
	if !r.Passed {
		verdict = t.paint("1;31", "FAIL")
	}
	fmt.Fprintf(b, "%s %s: %s, %s (%s)", verdict, words.Escape(r.Bundle), words.Plural(errs, "error"), words.Plural(warns, "warning"), strings.Join(r.Gates, ", "))
	if !r.Passed {
		fmt.Fprintf(b, ": the deployment must not ship")
	}
	b.WriteString("\n")
}

// location renders file:line:col, leaving out what is unknown.
func location(file string, line, col int) string {
	switch {
	case line == 0:
		return file
	case col == 0:
		return fmt.Sprintf("%s:%d", file, line)
	}
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// WriteText writes the preview for people: the counts, then the first
// intended executions as the automation will run them.
func (p Preview) WriteText(w io.Writer) {
	fmt.Fprintf(w, "preview of %s (%s): %s, %s", words.Escape(p.Subject.Name), words.Escape(p.File), words.Plural(p.Rows, "data row"), words.Plural(p.Unique, "unique key"))
	if p.Repeated > 0 {
		verb := "repeat"
		if p.Repeated == 1 {
			verb = "repeats"
		}
		fmt.Fprintf(w, "; %s %s, %s", words.Plural(p.Repeated, "key"), verb, words.Plural(p.Extra, "extra send"))
	}
	fmt.Fprintf(w, "\nfirst %d intended executions:\n", len(p.First))
	for _, e := range p.First {
		fields := make([]string, 0, len(p.Columns))
		for _, c := range p.Columns {
			fields = append(fields, fmt.Sprintf("%s=%q", words.Escape(c), e.Fields[c]))
		}
		fmt.Fprintf(w, "  line %d: %s\n", e.Line, strings.Join(fields, " "))
		if e.Rendered != "" {
			for _, l := range strings.Split(strings.TrimRight(e.Rendered, "\n"), "\n") {
				fmt.Fprintf(w, "    | %s\n", words.Escape(l))
			}
		}
	}
}
