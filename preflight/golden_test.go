package preflight

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update rewrites golden files instead of comparing against them:
//
//	go test ./preflight -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// checkGolden compares got with the golden file (a path under testdata,
// such as "format/sarif.golden"), or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./preflight -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); run go test ./preflight -update if the change is intended:\n%s", path, diff)
	}
}

// sampleReport is one synthetic report that trips all three gates: config
// differences (one secret), a header row treated as data, a duplicate, a
// whole-file (line 0) finding, warnings, a preview with a rendered
// template and one without, and items with and without findings, in the
// bundle folder bundles/demo. Messages carry the characters every format
// must escape (| % , : newline < `).
func sampleReport() *Report {
	findings := []Finding{
		{Rule: "configdiff/unsigned-change", Severity: SeverityError, File: "config/production.yaml", Line: 3, Column: 15, Key: "llm.model_tier",
			Message: `llm.model_tier differs: staging "small", production "large"; no sign-off`},
		{Rule: "configdiff/stale-signoff", Severity: SeverityError, File: "config/production.yaml", Line: 9, Column: 12, Key: "payments.api_key",
			Message: "payments.api_key (secret, changed): the production value changed since the sign-off by dara@example.com"},
		{Rule: "configdiff/unused-signoff", Severity: SeverityWarning, File: "preflight.signoff.toml", Line: 14, Column: 1, Key: `features."beta,ui"`,
			Message: `sign-off for features."beta,ui" but the key no longer differs`},
		{Rule: "bulk/unapproved-run", Severity: SeverityError, File: "data/recipients.csv", Subject: Subject{"bulk", "recipients"},
			Message: "848 rows, over approve_over = 10, and no approval: run `preflight signoff --bulk recipients` after reading the preview"},
		{Rule: "bulk/header-as-data", Severity: SeverityError, File: "data/recipients.csv", Line: 5, Column: 1, Subject: Subject{"bulk", "recipients"},
			Message: "the row equals the header row (line 1): the automation would treat it as a recipient"},
		{Rule: "bulk/duplicate-key", Severity: SeverityError, File: "data/recipients.csv", Line: 9, Column: 1, Subject: Subject{"bulk", "recipients"},
			Message: "duplicate key: first at line 3"},
		{Rule: "bulk/formula-cell", Severity: SeverityWarning, File: "data/recipients.csv", Line: 12, Column: 24, Subject: Subject{"bulk", "recipients"},
			Message: "cell starts with \"=\": a spreadsheet would run it as a formula (50% of <cells> | split\nacross lines)"},
		{Rule: "routes/not-team-alias", Severity: SeverityError, File: "config/production.yaml", Line: 21, Column: 17, Key: "workflows.billing.on_error.notify",
			Message: `route "jo@example.com" is a person: jo@example.com is a member of alias "ops-oncall"; route to ops-oncall@example.com`},
	}
	rule := func(id string, sev Severity, title string) Rule {
		r := Rule{
			ID: id, Severity: sev, Title: title,
			Why:      "Why " + id + " exists.",
			Incident: "The incident behind " + id + ".",
			Fix:      "How to fix " + id + ".",
		}
		switch id {
		case "configdiff/unsigned-change", "configdiff/stale-signoff":
			r.SignoffFlag = keyFlag
		case "bulk/unapproved-run":
			r.SignoffFlag = bulkFlag
		}
		return r
	}
	return &Report{
		Schema:   1,
		Bundle:   "thank-you-campaign",
		Passed:   false,
		Findings: SortFindings(findings),
		Previews: []Preview{
			{
				Subject: Subject{"bulk", "recipients"}, File: "data/recipients.csv",
				Rows: 848, Unique: 837, Repeated: 5, Extra: 11,
				Columns: []string{"email", "name", "plan"},
				First: []Execution{
					{Line: 2, Fields: map[string]string{"email": "a***@example.com", "name": "Ana", "plan": "pro"}, Rendered: "Hi Ana,\nthank you for choosing pro.\n"},
					{Line: 3, Fields: map[string]string{"email": "b***@example.com", "name": "Bo | Jr", "plan": "free"}, Rendered: "Hi Bo | Jr,\nthank you for choosing free.\n"},
					{Line: 5, Fields: map[string]string{"email": "Email Address", "name": "Name", "plan": "Plan"}, Rendered: "Hi Name,\nthank you for choosing Plan.\n"},
				},
			},
			{
				Subject: Subject{"bulk", "unsubscribes"}, File: "data/unsubscribes.csv",
				Rows: 2, Unique: 2,
				Columns: []string{"1"},
				First: []Execution{
					{Line: 1, Fields: map[string]string{"1": "c***@example.com"}},
					{Line: 2, Fields: map[string]string{"1": "d***@example.com"}},
				},
			},
		},
		Dir:    "bundles/demo",
		FailOn: SeverityError,
		Gates:  []string{"configdiff", "bulk", "routes"},
		Rules: []Rule{
			rule("configdiff/unsigned-change", SeverityError, "a config key differs between staging and production without a sign-off"),
			rule("configdiff/stale-signoff", SeverityError, "a sign-off no longer matches the current values"),
			rule("configdiff/unused-signoff", SeverityWarning, "a sign-off names a key that no longer differs"),
			rule("bulk/header-as-data", SeverityError, "a row the automation treats as data looks like a header"),
			rule("bulk/duplicate-key", SeverityError, "a key repeats"),
			rule("bulk/unapproved-run", SeverityError, "a run over approve_over rows has no valid approval"),
			rule("bulk/formula-cell", SeverityWarning, "a cell would run as a spreadsheet formula"),
			rule("routes/not-team-alias", SeverityError, "an error route is not a registered team alias"),
			rule("routes/small-alias", SeverityError, "an error route's alias has too few members"),
		},
		Items: []Item{
			{Gate: "configdiff", Name: "config/staging.yaml vs config/production.yaml", File: "config/production.yaml", Findings: 3},
			{Gate: "configdiff", Name: "llm.temperature", File: "config/production.yaml", Note: "signed by dara@example.com: production answers need less variety | on purpose"},
			{Gate: "bulk", Name: "recipients", File: "data/recipients.csv", Findings: 4},
			{Gate: "bulk", Name: "unsubscribes", File: "data/unsubscribes.csv"},
			{Gate: "routes", Name: "workflows.billing.on_error.notify", File: "config/production.yaml", Findings: 1},
			{Gate: "routes", Name: "workflows.nightly.on_error.notify", File: "config/production.yaml"},
		},
	}
}

// The signoff flags of the sample report's rules, as the gates declare
// them.
var (
	keyFlag = &SignoffFlag{
		Name:   "key",
		Items:  "Config differences",
		Advice: "review each one; when it is intended, a person other than its author signs it off (the sign-off binds the exact values)",
	}
	bulkFlag = &SignoffFlag{
		Name:   "bulk",
		Items:  "Bulk runs",
		Advice: "check the preview above row by row; when it is what should run, approve it",
	}
)

// render formats the report, one bundle, in the named format.
func render(t *testing.T, name string, o FormatOptions, r *Report) []byte {
	t.Helper()
	return renderRun(t, name, o, Single(r))
}

// renderRun formats the run in the named format.
func renderRun(t *testing.T, name string, o FormatOptions, run *Run) []byte {
	t.Helper()
	f, err := NewFormatter(name, o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, run); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return buf.Bytes()
}

func TestNewFormatterNames(t *testing.T) {
	for _, name := range Formats {
		if _, err := NewFormatter(name, FormatOptions{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := NewFormatter("xml", FormatOptions{}); ExitCode(err) != ExitCannot {
		t.Errorf("an unknown format: %v, want a usage error", err)
	}
}
