package preflight

import (
	"cmp"
	"slices"
	"strings"
)

// Severity is how bad a finding is.
type Severity string

// The two severities. An error blocks the deployment by default; a warning
// blocks it only with --fail-on warning.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// ParseSeverity reads a --fail-on value.
func ParseSeverity(s string) (Severity, error) {
	switch Severity(s) {
	case SeverityError, SeverityWarning:
		return Severity(s), nil
	}
	return "", Usagef("invalid severity %q: expected error or warning", s)
}

// AtLeast reports whether s is as severe as min or more.
func (s Severity) AtLeast(min Severity) bool {
	return s == SeverityError || min == SeverityWarning
}

// Finding is one problem a gate found.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	File     string   `json:"file"`   // relative to the bundle folder, slash-separated
	Line     int      `json:"line"`   // 1-based; 0 when the finding is about the whole file
	Column   int      `json:"column"` // 1-based, in Unicode code points; 0 when unknown
	Message  string   `json:"message"`
	Key      string   `json:"key,omitempty"`  // config key, for configdiff and routes findings
	Bulk     string   `json:"bulk,omitempty"` // bulk input name, for bulk findings
}

// Gate is the name of the gate that reports the finding: the rule id's prefix.
func (f Finding) Gate() string {
	gate, _, _ := strings.Cut(f.Rule, "/")
	return gate
}

// SortFindings sorts findings by file, line, column and rule (then message,
// for a stable order) and removes exact duplicates.
func SortFindings(fs []Finding) []Finding {
	slices.SortFunc(fs, compareFindings)
	return slices.Compact(fs)
}

func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Key, b.Key),
		cmp.Compare(a.Bulk, b.Bulk),
	)
}
