package preflight

import (
	"time"
)

// Gate is one of preflight's checks (configdiff, bulk, routes). Package
// checks lists them, in order, once.
type Gate interface {
	// Name is the gate's name, the prefix of its rule ids.
	Name() string
	// Rules is the metadata of every rule the gate can report.
	Rules() []Rule
	// Enabled reports whether the manifest turns the gate on.
	Enabled(m *Manifest) bool
	// Check runs the gate over the bundle. A returned error stops the run;
	// it should be an *Error when the bundle cannot be judged.
	Check(b *Bundle, opts *Options) (*Result, error)
}

// Options are the run's settings that do not come from the manifest.
type Options struct {
	Author string            // the person who made the change: their sign-offs do not count
	Inputs map[string]string // bulk input name -> path, overriding the manifest's file
	Now    time.Time         // the time sign-off expiry is judged against
	FailOn Severity          // the least severity that fails the run
}

// Result is what one gate found.
type Result struct {
	Findings []Finding
	Previews []Preview
	Items    []Item
}

// Item is one thing a gate checked: a config pair, a bulk input, a route
// file. Reports list items without findings as passing checks.
type Item struct {
	Gate     string
	Name     string
	File     string // relative to the bundle
	Findings int    // how many findings the gate reported for it
}

// Preview is the first intended executions of a bulk input, as the
// automation will run them, for a person to approve.
type Preview struct {
	Bulk     string      `json:"bulk"`
	File     string      `json:"file"`
	Rows     int         `json:"rows"`     // data rows
	Unique   int         `json:"unique"`   // distinct valid keys
	Repeated int         `json:"repeated"` // keys that occur more than once
	Extra    int         `json:"extra"`    // rows beyond the first of each repeated key: the extra sends
	Columns  []string    `json:"columns"`  // field names, in file order
	First    []Execution `json:"first"`
}

// Execution is one intended execution: a data row and what it renders to.
type Execution struct {
	Line     int               `json:"line"`
	Fields   map[string]string `json:"fields"`
	Rendered string            `json:"rendered,omitempty"`
}

// Report is the outcome of a run, as every format renders it.
type Report struct {
	Schema   int       `json:"schema"`
	Bundle   string    `json:"bundle"`
	Passed   bool      `json:"passed"`
	Findings []Finding `json:"findings"`
	Previews []Preview `json:"previews"`
	Dir      string    `json:"-"` // the bundle folder as the user named it
	FailOn   Severity  `json:"-"`
	Gates    []string  `json:"-"` // the gates that ran, in order
	Rules    []Rule    `json:"-"` // the rules of the gates that ran
	Items    []Item    `json:"-"`
}

// Check runs every gate the manifest enables, in order, and returns the
// report. It is an *Error when the manifest enables no gate.
func Check(b *Bundle, gates []Gate, opts *Options) (*Report, error) {
	r := &Report{Schema: 1, Bundle: b.Name(), Dir: b.Dir, FailOn: opts.FailOn, Findings: []Finding{}, Previews: []Preview{}}
	for _, g := range gates {
		if !g.Enabled(b.Manifest) {
			continue
		}
		res, err := g.Check(b, opts)
		if err != nil {
			return nil, err
		}
		r.Gates = append(r.Gates, g.Name())
		r.Rules = append(r.Rules, g.Rules()...)
		r.Findings = append(r.Findings, res.Findings...)
		r.Previews = append(r.Previews, res.Previews...)
		r.Items = append(r.Items, res.Items...)
	}
	if len(r.Gates) == 0 {
		return nil, &Error{File: b.Display(ManifestName), Msg: "no gate enabled: expected a [configdiff], [[bulk]] or [routes] section", Hint: "run `preflight init` for a starter manifest"}
	}
	r.Findings = SortFindings(r.Findings)
	r.Passed = true
	for _, f := range r.Findings {
		if f.Severity.AtLeast(r.FailOn) {
			r.Passed = false
		}
	}
	return r, nil
}

// Count returns the number of findings of each severity.
func (r *Report) Count() (errors, warnings int) {
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}
