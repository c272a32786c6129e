package preflight

import (
	"bytes"
	"cmp"
	"encoding/json"
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
	Key      string   `json:"key,omitempty"` // the config key it applies to, if any
	// Subject is the named thing the finding applies to other than a
	// config key, if any: for example a bulk input or an MCP server.
	Subject Subject `json:"-"`
}

// Subject names what a finding applies to: Kind is the name of the field
// that carries it in every format (JSON, SARIF properties, JUnit), Name
// its value, for example {"bulk", "recipients"}.
type Subject struct {
	Kind string
	Name string
}

// MarshalJSON writes the finding's fields in the contract's order, its
// subject as a field named after its kind.
func (f Finding) MarshalJSON() ([]byte, error) {
	type plain Finding // without this method
	b, err := marshalText(plain(f))
	if err != nil {
		return nil, err
	}
	return f.Subject.addTo(b, false)
}

// MarshalJSON writes the preview's subject as its first field, named after
// the subject's kind (for example "bulk": "recipients"), then the rest.
func (p Preview) MarshalJSON() ([]byte, error) {
	type plain Preview // without this method
	b, err := marshalText(plain(p))
	if err != nil {
		return nil, err
	}
	return p.Subject.addTo(b, true)
}

// addTo adds the subject, as a field named after its kind, to the encoded
// JSON object obj: as its first field, or its last.
func (s Subject) addTo(obj []byte, first bool) ([]byte, error) {
	if s.Kind == "" {
		return obj, nil
	}
	k, err := marshalText(s.Kind)
	if err != nil {
		return nil, err
	}
	v, err := marshalText(s.Name)
	if err != nil {
		return nil, err
	}
	field := append(append(append([]byte{}, k...), ':'), v...)
	body := obj[1 : len(obj)-1] // without the braces
	out := make([]byte, 0, len(obj)+len(field)+1)
	out = append(out, '{')
	switch {
	case len(body) == 0:
		out = append(out, field...)
	case first:
		out = append(append(append(out, field...), ','), body...)
	default:
		out = append(append(append(out, body...), ','), field...)
	}
	return append(out, '}'), nil
}

// marshalText is json.Marshal without escaping <, > and &, as the report
// writes them.
func marshalText(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
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
	// In two steps: cmp.Or compares every field it is given, and the
	// message, the longest, only matters between findings at one place
	// under one rule.
	if c := cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Rule, b.Rule)); c != 0 {
		return c
	}
	return cmp.Or(
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Key, b.Key),
		cmp.Compare(a.Subject.Kind, b.Subject.Kind),
		cmp.Compare(a.Subject.Name, b.Subject.Name),
	)
}
