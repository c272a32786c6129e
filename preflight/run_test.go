package preflight

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleRun is a several-bundle run: the sample report (failed), a bundle
// that passed, and one that could not be judged, in the order a run sorts
// them.
func sampleRun() *Run {
	failed := sampleReport()
	passed := &Report{
		Schema: 1, Bundle: "checkout", Passed: true, Dir: "services/checkout", FailOn: SeverityError,
		Findings: []Finding{}, Previews: []Preview{},
		Gates: []string{"configdiff", "routes"},
		Rules: []Rule{{ID: "routes/not-team-alias", Severity: SeverityError, Title: "an error route is not a registered team alias"}},
		Items: []Item{
			{Gate: "configdiff", Name: "config/staging.yaml vs config/production.yaml", File: "config/production.yaml"},
			{Gate: "routes", Name: "on_error.notify", File: "config/production.yaml"},
		},
	}
	broken := ErrorReport("services/search", "search",
		Errorf("services/search/preflight.toml", 4, 1, `unknown key "configdiff.stagign"`), SeverityError)
	return &Run{Several: true, FailOn: SeverityError, Reports: []*Report{failed, passed, broken}}
}

// errorRun is the one-bundle form of a bundle that could not be judged.
func errorRun() *Run {
	return Single(ErrorReport("bundles/demo", "demo",
		Errorf("bundles/demo/teams.toml", 3, 31, `member "Bo Chen" of alias "ops-oncall" is not an email address`), SeverityError))
}

func TestSeveralGoldens(t *testing.T) {
	for _, name := range Formats {
		t.Run(name, func(t *testing.T) {
			got := renderRun(t, name, FormatOptions{Version: "1.2.3"}, sampleRun())
			checkGolden(t, "format/several."+name+".golden", got)
			got = renderRun(t, name, FormatOptions{Version: "1.2.3"}, errorRun())
			checkGolden(t, "format/error."+name+".golden", got)
		})
	}
}

func TestSeveralSarifValidates(t *testing.T) {
	for _, run := range []*Run{sampleRun(), errorRun(), {Several: true}} {
		got := renderRun(t, "sarif", FormatOptions{Version: "1.2.3"}, run)
		validateSarif(t, got)
		var doc struct {
			Runs []struct {
				Invocations []struct {
					ExecutionSuccessful        bool `json:"executionSuccessful"`
					ToolExecutionNotifications []struct {
						Level string `json:"level"`
					} `json:"toolExecutionNotifications"`
				} `json:"invocations"`
				Results []json.RawMessage `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(got, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Runs) != 1 || len(doc.Runs[0].Invocations) != 1 {
			t.Fatalf("want one run with one invocation:\n%s", got)
		}
		inv := doc.Runs[0].Invocations[0]
		_, _, cannot := run.tally()
		if inv.ExecutionSuccessful != (cannot == 0) || len(inv.ToolExecutionNotifications) != cannot {
			t.Errorf("executionSuccessful %v with %d notifications, want %v and %d", inv.ExecutionSuccessful, len(inv.ToolExecutionNotifications), cannot == 0, cannot)
		}
		want := 0
		for _, r := range run.Reports {
			want += len(r.Findings)
		}
		if len(doc.Runs[0].Results) != want {
			t.Errorf("%d results, want every bundle's %d findings", len(doc.Runs[0].Results), want)
		}
	}
}

func TestSeveralJSON(t *testing.T) {
	var doc struct {
		Schema  int   `json:"schema"`
		Passed  *bool `json:"passed"`
		Bundles []map[string]any
	}
	if err := json.Unmarshal(renderRun(t, "json", FormatOptions{}, sampleRun()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != 1 || doc.Passed == nil || *doc.Passed || len(doc.Bundles) != 3 {
		t.Fatalf("want schema 1, passed false, 3 bundles: %+v", doc)
	}
	for i, path := range []string{"bundles/demo", "services/checkout", "services/search"} {
		if doc.Bundles[i]["path"] != path {
			t.Errorf("bundle %d: path %v, want %s", i, doc.Bundles[i]["path"], path)
		}
	}
	e, _ := doc.Bundles[2]["error"].(map[string]any)
	if e["file"] != "services/search/preflight.toml" || e["line"] != 4.0 || e["column"] != 1.0 || doc.Bundles[2]["passed"] != false {
		t.Errorf("the bundle that could not be judged: %v", doc.Bundles[2])
	}
	if f, _ := doc.Bundles[2]["findings"].([]any); f == nil || len(f) != 0 {
		t.Errorf("findings of the bundle that could not be judged: %v, want []", doc.Bundles[2]["findings"])
	}
	if _, ok := doc.Bundles[0]["error"]; ok {
		t.Errorf("a judged bundle has an error: %v", doc.Bundles[0])
	}
	// No bundle: passed.
	var none map[string]any
	if err := json.Unmarshal(renderRun(t, "json", FormatOptions{}, &Run{Several: true}), &none); err != nil {
		t.Fatal(err)
	}
	if none["passed"] != true || len(none["bundles"].([]any)) != 0 {
		t.Errorf("no bundles: %v, want passed true and []", none)
	}
}

func TestSeveralJunitSuites(t *testing.T) {
	var doc junitSuites
	if err := xml.Unmarshal(renderRun(t, "junit", FormatOptions{}, sampleRun()), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name)
	}
	want := "thank-you-campaign/configdiff thank-you-campaign/bulk thank-you-campaign/routes checkout/configdiff checkout/routes search/preflight"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("suites %s, want %s", got, want)
	}
	last := doc.Suites[len(doc.Suites)-1]
	if doc.Errors != 1 || last.Errors != 1 || len(last.Cases) != 1 || last.Cases[0].Error == nil {
		t.Errorf("the bundle that could not be judged is not one <error>: %+v", last)
	}
}

func TestGithubCannotJudge(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	out := string(renderRun(t, "github", FormatOptions{StepSummary: summary}, errorRun()))
	want := "::error file=bundles/demo/teams.toml,line=3,col=31,title=preflight::preflight could not judge: member \"Bo Chen\" of alias \"ops-oncall\" is not an email address\n"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "could not judge") {
		t.Errorf("the step summary does not say the gate could not judge:\n%s", data)
	}
	// Without a file, no file property.
	run := Single(ErrorReport(".", "x", &Error{Msg: "no gate"}, SeverityError))
	if got := string(renderRun(t, "github", FormatOptions{}, run)); got != "::error title=preflight::preflight could not judge: no gate\n" {
		t.Errorf("got %q", got)
	}
}

func TestRunErr(t *testing.T) {
	if err := sampleRun().Err(); ExitCode(err) != ExitCannot {
		t.Errorf("a run with a bundle that could not be judged: exit %d, want 2", ExitCode(err))
	}
	run := sampleRun()
	run.Reports = run.Reports[:2]
	if err := run.Err(); ExitCode(err) != ExitFailed {
		t.Errorf("a run with a failed bundle: exit %d, want 1", ExitCode(err))
	}
	run.Reports = run.Reports[1:]
	if err := run.Err(); err != nil {
		t.Errorf("a run that passed: %v", err)
	}
	if err := (&Run{Several: true}).Err(); err != nil {
		t.Errorf("no bundle: %v, want passed", err)
	}
}

// A cannot-judge error's file given as an absolute path inside the working
// directory (an --input PATH) lands on the file as SARIF, JUnit and GitHub
// need it: relative to the working directory.
func TestCannotJudgePathRelative(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	run := Single(ErrorReport(".", "x", &Error{File: filepath.Join(wd, "data", "in.csv"), Msg: "cannot read bulk input"}, SeverityError))
	for format, want := range map[string]string{
		"github": "::error file=data/in.csv,title=preflight::",
		"junit":  `file="data/in.csv"`,
		"sarif":  `"uri": "data/in.csv"`,
	} {
		if got := string(renderRun(t, format, FormatOptions{}, run)); !strings.Contains(got, want) {
			t.Errorf("%s: want %q in:\n%s", format, want, got)
		}
	}
}
