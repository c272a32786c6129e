package preflight

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGithubGolden(t *testing.T) {
	checkGolden(t, "format/github.golden", render(t, "github", FormatOptions{}, sampleReport()))
}

func TestGithubCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		path string
		f    Finding
		want string
	}{
		{"plain", "b/config/prod.yaml",
			Finding{Rule: "configdiff/unsigned-change", Severity: SeverityError, Line: 3, Column: 15, Message: "llm.model_tier differs"},
			"::error file=b/config/prod.yaml,line=3,col=15,title=configdiff/unsigned-change::llm.model_tier differs\n"},
		{"warning", "d.csv",
			Finding{Rule: "bulk/formula-cell", Severity: SeverityWarning, Line: 2, Column: 1, Message: "formula"},
			"::warning file=d.csv,line=2,col=1,title=bulk/formula-cell::formula\n"},
		{"whole file", "d.csv",
			Finding{Rule: "bulk/row-count", Severity: SeverityError, Message: "0 rows"},
			"::error file=d.csv,title=bulk/row-count::0 rows\n"},
		{"line without column", "d.csv",
			Finding{Rule: "bulk/malformed", Severity: SeverityError, Line: 7, Message: "bad"},
			"::error file=d.csv,line=7,title=bulk/malformed::bad\n"},
		{"hostile message", "d.csv",
			Finding{Rule: "bulk/malformed", Severity: SeverityError, Line: 1, Column: 1, Message: "100% bad\r\n::set-env name=X::1\nend, a:b"},
			"::error file=d.csv,line=1,col=1,title=bulk/malformed::100%25 bad\\r\\n::set-env name=X::1\\nend, a:b\n"},
		{"already escaped", "d.csv",
			Finding{Rule: "r/x", Severity: SeverityError, Message: "%0A stays text"},
			"::error file=d.csv,title=r/x::%250A stays text\n"},
		{"hostile path", "my dir,line=99/a:b%\n.csv",
			Finding{Rule: "r/x", Severity: SeverityError, Line: 1, Message: "m"},
			"::error file=my dir%2Cline=99/a%3Ab%25\\n.csv,line=1,title=r/x::m\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ghCommand(tc.path, tc.f); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestGithubOneLinePerFinding(t *testing.T) {
	r := sampleReport()
	lines := strings.Split(strings.TrimSuffix(string(render(t, "github", FormatOptions{}, r)), "\n"), "\n")
	if len(lines) != len(r.Findings) {
		t.Fatalf("got %d lines, want %d (one per finding):\n%s", len(lines), len(r.Findings), strings.Join(lines, "\n"))
	}
	for i, l := range lines {
		f := r.Findings[i]
		if !strings.HasPrefix(l, "::"+string(f.Severity)+" file=bundles/demo/"+f.File) {
			t.Errorf("line %d: %q", i, l)
		}
	}
}

func TestGithubAnnotationLimitNotice(t *testing.T) {
	r := &Report{Bundle: "b", Dir: ".", Gates: []string{"bulk"}}
	for i := range 12 {
		r.Findings = append(r.Findings, Finding{Rule: "bulk/duplicate-key", Severity: SeverityError, File: "d.csv", Line: i + 2, Column: 1, Message: "dup"})
	}
	out := string(render(t, "github", FormatOptions{}, r))
	if !strings.HasSuffix(out, "::notice title=preflight::12 errors and 0 warnings; GitHub shows 10 annotations of each kind per step: run with --format json or --format markdown to see them all\n") {
		t.Errorf("no notice about the annotation limit:\n%s", out)
	}
	r.Findings = r.Findings[:10]
	if out := string(render(t, "github", FormatOptions{}, r)); strings.Contains(out, "::notice") {
		t.Errorf("a notice with 10 findings:\n%s", out)
	}
}

func TestGithubStepSummary(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(summary, []byte("# earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := sampleReport()
	o := FormatOptions{StepSummary: summary}
	out := render(t, "github", o, r)
	if want := render(t, "github", FormatOptions{}, r); string(out) != string(want) {
		t.Errorf("the annotations change with a step summary:\n%s", out)
	}
	render(t, "github", o, r) // a second step appends again
	got, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	md := string(render(t, "markdown", FormatOptions{}, r))
	if want := "# earlier step\n" + "\n" + md + "\n" + md; string(got) != want {
		t.Errorf("summary file:\n%s\nwant the earlier content and the markdown report twice", got)
	}
}

func TestGithubStepSummaryCreated(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "new.md")
	render(t, "github", FormatOptions{StepSummary: summary}, sampleReport())
	if _, err := os.Stat(summary); err != nil {
		t.Errorf("the summary file was not created: %v", err)
	}
}

func TestGithubStepSummaryUnwritable(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "missing-dir", "summary.md")
	f, err := NewFormatter("github", FormatOptions{StepSummary: summary})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err = f.Format(&out, Single(sampleReport()))
	var pe *Error
	if !errors.As(err, &pe) || pe.File != summary {
		t.Fatalf("got %v (%T), want an *Error naming %s", err, err, summary)
	}
	if ExitCode(err) != ExitCannot {
		t.Errorf("exit code %d", ExitCode(err))
	}
	if !strings.HasPrefix(out.String(), "::error ") {
		t.Errorf("the annotations were not written before the summary failed: %q", out.String())
	}
}
