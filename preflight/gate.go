package preflight

import (
	"io"
	"time"

	"github.com/preflight-gate/preflight/preflight/words"
)

// Gate is one of preflight's checks. Package checks lists them, in order,
// once; the engine loads, runs and reports them through this interface and
// names none of them.
type Gate interface {
	// Info declares the gate: its name, its manifest section, its rules and
	// what it needs from the engine.
	Info() GateInfo
	// Load validates the gate's manifest section when the bundle loads.
	// section is a pointer to the value the engine strictly decoded from
	// the section (a *T for Info().Spec of type T). Load reports problems as
	// an *Error at the manifest key (b.ManifestError), fills in defaults,
	// compiles what Check needs, and returns the spec Check receives: nil
	// leaves the gate disabled. Load may use b.Manifest, b.Pos,
	// b.ManifestError, b.CheckApprovers and the specs of the gates before
	// it (b.Spec); paths are resolved by Check.
	Load(b *Bundle, section any) (spec any, err error)
	// Check runs the gate over the bundle with the spec Load returned. A
	// returned error stops the run; it should be an *Error when the bundle
	// cannot be judged.
	Check(b *Bundle, spec any, opts *Options) (*Result, error)
}

// GateInfo is what a gate declares about itself.
type GateInfo struct {
	// Name is the gate's name, the prefix of its rule ids.
	Name string
	// Section is the manifest section the gate owns; writing it enables the
	// gate.
	Section string
	// Spec is a zero value of the type the section decodes into (strictly:
	// an unknown key is an *Error at its line): a struct for a table, as
	// [section], or a slice of structs for an array of tables, as
	// [[section]]. Use toml struct tags.
	Spec any
	// Rules is the metadata of every rule the gate can report.
	Rules []Rule
	// Registry is true when the gate needs the team registry: Check then
	// refuses to run it on a bundle without one (exit 2), and the gate's
	// Check may use b.Teams() without that error.
	Registry bool
	// Ledger is the sign-off file table the gate's entries live in, nil
	// when it has none. Every gate's table is read and checked whenever the
	// file exists, whichever gates the manifest enables.
	Ledger *LedgerTable
}

// Array reports whether the section is an array of tables ([[section]]).
func (gi GateInfo) Array() bool { return isSlice(gi.Spec) }

// Header is the section as a manifest writes it: "[name]" or "[[name]]".
func (gi GateInfo) Header() string {
	if gi.Array() {
		return "[[" + gi.Section + "]]"
	}
	return "[" + gi.Section + "]"
}

// Options are the run's settings that do not come from the manifest.
type Options struct {
	Author string            // the person who made the change: their sign-offs do not count
	Inputs map[string]string // input name -> path, overriding the manifest's file (--input)
	Now    time.Time         // the time sign-off expiry is judged against
	FailOn Severity          // the least severity that fails the run
	// Progress is where a scan that runs long shows how far it is: a
	// terminal's stderr, or nil (not a terminal, or CI) for nowhere.
	Progress io.Writer
}

// Result is what one gate found.
type Result struct {
	Findings []Finding
	Previews []Preview
	Items    []Item
}

// Item is one thing a gate checked: for example a config pair, an input
// file, a route. Reports list items without findings as passing checks
// (JUnit passing testcases).
type Item struct {
	Gate     string
	Name     string
	File     string // relative to the bundle
	Findings int    // how many findings the gate reported for it
	// Note says why an item without findings passes, when a person made
	// it pass: who signed it off and why.
	Note string
}

// Preview is the first intended executions of an input, as the automation
// will run them, for a person to approve.
type Preview struct {
	Subject  Subject     `json:"-"` // what it previews, for example {"bulk", "recipients"}: JSON names the field after Kind, first
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
	Schema   int          `json:"schema"`
	Bundle   string       `json:"bundle"`
	Where    string       `json:"path,omitempty"` // the several-bundle form: the bundle folder as the user reaches it
	Passed   bool         `json:"passed"`
	Findings []Finding    `json:"findings"`
	Previews []Preview    `json:"previews"`
	Error    *ReportError `json:"error,omitempty"` // the bundle could not be judged
	Dir      string       `json:"-"`               // the bundle folder as the user named it
	FailOn   Severity     `json:"-"`
	Gates    []string     `json:"-"` // the gates that ran, in order
	Rules    []Rule       `json:"-"` // the rules of the gates that ran
	Items    []Item       `json:"-"`
}

// Check runs every gate the manifest enables, in the order of the list the
// bundle was loaded with, and returns the report. It is an *Error when the
// manifest enables no gate.
func Check(b *Bundle, opts *Options) (*Report, error) {
	r := &Report{Schema: 1, Bundle: b.Name(), Dir: b.Dir, FailOn: opts.FailOn, Findings: []Finding{}, Previews: []Preview{}}
	for _, g := range b.gates {
		info := g.Info()
		spec := b.Spec(info.Name)
		if spec == nil {
			continue
		}
		if info.Registry {
			if _, err := b.Teams(); err != nil {
				return nil, err
			}
		}
		res, err := g.Check(b, spec, opts)
		if err != nil {
			return nil, err
		}
		r.Gates = append(r.Gates, info.Name)
		r.Rules = append(r.Rules, info.Rules...)
		if len(r.Findings) == 0 && len(res.Findings) > 0 {
			r.Findings = res.Findings // not copied: a gate can have many
		} else {
			r.Findings = append(r.Findings, res.Findings...)
		}
		r.Previews = append(r.Previews, res.Previews...)
		r.Items = append(r.Items, res.Items...)
	}
	if len(r.Gates) == 0 {
		hint := "run `preflight init` for a starter manifest"
		if b.starter {
			// init already ran: it wrote every section commented out.
			hint = "uncomment and fill in one of the sections `preflight init` wrote in " + b.Display(ManifestName)
		}
		return nil, &Error{File: b.Display(ManifestName), Msg: "no gate enabled: expected " + b.sectionList(), Hint: hint}
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

// sectionList names the gates' sections for a message: "a [a], [[b]] or
// [c] section".
func (b *Bundle) sectionList() string {
	var hs []string
	for _, g := range b.gates {
		hs = append(hs, g.Info().Header())
	}
	if len(hs) == 0 {
		return "a gate section"
	}
	return "a " + words.List(hs, "or") + " section"
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
