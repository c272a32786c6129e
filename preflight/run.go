package preflight

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/preflight-gate/preflight/preflight/words"
)

// Run is the outcome of one `check` over one or several bundles: what
// every format renders. In the one-bundle form (Several false) it holds
// exactly one report and every format writes that bundle's document as
// the contract describes it; in the several-bundle form (Several true)
// each format groups the reports, of any number, under one verdict (see
// SPEC "Several bundles").
type Run struct {
	Reports []*Report
	Several bool
	FailOn  Severity
	// Note is said in text when no bundle was checked (for example
	// "no bundle changed since main").
	Note string
}

// Single is the one-bundle run of a report.
func Single(r *Report) *Run { return &Run{Reports: []*Report{r}, FailOn: r.FailOn} }

// ReportError is a bundle that could not be judged, as reports carry it:
// the first *Error its load or check hit.
type ReportError struct {
	File    string `json:"file"` // as the user reaches it
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	Hint    string `json:"-"`
}

// WorkPath is the error's file as SARIF, JUnit and GitHub annotations
// need it: relative to the working directory when it lies inside it,
// slash-separated.
func (e *ReportError) WorkPath() string {
	if e.File == "" {
		return ""
	}
	return filepath.ToSlash(words.DisplayDir(e.File))
}

// Line is the error as stderr and text show it:
// `preflight: FILE:LINE:COL: message`.
func (e *ReportError) String() string {
	return "preflight: " + (&Error{File: e.File, Line: e.Line, Column: e.Column, Msg: e.Message}).Error()
}

// ErrorReport is the report of a bundle that could not be judged: not
// passed, no findings nor previews, and the error. name is the bundle's
// name when its manifest could be read, else its folder's name.
func ErrorReport(dir, name string, err *Error, failOn Severity) *Report {
	return &Report{
		Schema: 1, Bundle: name, Dir: dir, FailOn: failOn,
		Findings: []Finding{}, Previews: []Preview{},
		Error: &ReportError{File: err.File, Line: err.Line, Column: err.Column, Message: err.Msg, Hint: err.Hint},
	}
}

// Passed reports whether every bundle of the run passed (true for none).
func (r *Run) Passed() bool {
	for _, rep := range r.Reports {
		if !rep.Passed {
			return false
		}
	}
	return true
}

// Err is the run's outcome as a command returns it: nil when every
// bundle passed, [ErrCannotJudge] when a bundle could not be judged (exit
// 2), else [ErrFailed] when one failed.
func (r *Run) Err() error {
	failed := false
	for _, rep := range r.Reports {
		if rep.Error != nil {
			return ErrCannotJudge
		}
		if !rep.Passed {
			failed = true
		}
	}
	if failed {
		return ErrFailed
	}
	return nil
}

// ErrCannotJudge is returned when a bundle of the run could not be judged
// and the reports already say why: exit 2 with nothing more on stderr.
var ErrCannotJudge = errors.New("a bundle could not be judged")

// Rules returns the rules of every report, each once, in order.
func (r *Run) Rules() []Rule {
	var rules []Rule
	seen := map[string]bool{}
	for _, rep := range r.Reports {
		for _, rule := range rep.Rules {
			if !seen[rule.ID] {
				seen[rule.ID] = true
				rules = append(rules, rule)
			}
		}
	}
	return rules
}

// tally counts the run's bundles by outcome.
func (r *Run) tally() (passed, failed, cannot int) {
	for _, rep := range r.Reports {
		switch {
		case rep.Error != nil:
			cannot++
		case rep.Passed:
			passed++
		default:
			failed++
		}
	}
	return passed, failed, cannot
}

// summary says how the bundles fared: "3 bundles: 1 passed, 1 failed, 1
// could not be judged".
func (r *Run) summary() string {
	passed, failed, cannot := r.tally()
	s := words.Plural(len(r.Reports), "bundle")
	var parts []string
	if passed > 0 {
		parts = append(parts, fmt.Sprintf("%d passed", passed))
	}
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", failed))
	}
	if cannot > 0 {
		parts = append(parts, fmt.Sprintf("%d could not be judged", cannot))
	}
	for i, p := range parts {
		if i == 0 {
			s += ": " + p
		} else {
			s += ", " + p
		}
	}
	return s
}
