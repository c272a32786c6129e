package preflight

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestJunitGolden(t *testing.T) {
	checkGolden(t, "format/junit.golden", render(t, "junit", FormatOptions{}, sampleReport()))
}

// junitDoc reads JUnit XML back the way a CI system would.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJunitParsesBack(t *testing.T) {
	r := sampleReport()
	var d junitDoc
	if err := xml.Unmarshal(render(t, "junit", FormatOptions{}, r), &d); err != nil {
		t.Fatal(err)
	}
	// Per gate: findings fail, items without findings pass.
	want := map[string][2]int{} // gate -> tests, failures
	for _, f := range r.Findings {
		w := want[f.Gate()]
		want[f.Gate()] = [2]int{w[0] + 1, w[1] + 1}
	}
	for _, it := range r.Items {
		if it.Findings == 0 {
			w := want[it.Gate]
			want[it.Gate] = [2]int{w[0] + 1, w[1]}
		}
	}
	if len(d.Suites) != len(r.Gates) {
		t.Fatalf("got %d suites, want one per gate (%d)", len(d.Suites), len(r.Gates))
	}
	tests, failures := 0, 0
	for i, s := range d.Suites {
		if s.Name != r.Gates[i] {
			t.Errorf("suite %d is %q, want %q", i, s.Name, r.Gates[i])
		}
		counted := [2]int{len(s.Cases), 0}
		for _, c := range s.Cases {
			if c.Classname != "preflight."+s.Name {
				t.Errorf("case %q: classname %q", c.Name, c.Classname)
			}
			if c.Failure != nil {
				counted[1]++
				if !strings.HasPrefix(c.Name, c.Failure.Type+" bundles/demo/") {
					t.Errorf("failed case %q: want it named after its rule %s and location", c.Name, c.Failure.Type)
				}
			}
		}
		if counted != want[s.Name] || s.Tests != counted[0] || s.Failures != counted[1] {
			t.Errorf("suite %s: %d cases, %d failures (attributes %d, %d), want %v", s.Name, counted[0], counted[1], s.Tests, s.Failures, want[s.Name])
		}
		tests += s.Tests
		failures += s.Failures
	}
	if d.Tests != tests || d.Failures != failures {
		t.Errorf("testsuites: tests %d failures %d, want %d %d", d.Tests, d.Failures, tests, failures)
	}
	// The message survives the round trip, its newline escaped: test
	// reporters print messages into CI logs.
	var found bool
	for _, s := range d.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil && c.Failure.Type == "bulk/formula-cell" {
				found = true
				if c.Name != "bulk/formula-cell bundles/demo/data/recipients.csv:12:24" {
					t.Errorf("name %q", c.Name)
				}
				if !strings.Contains(c.Failure.Message, `| split\nacross`) {
					t.Errorf("message %q lost its text", c.Failure.Message)
				}
				if !strings.Contains(c.Failure.Text, "severity: warning (does not block the deployment: --fail-on error)") {
					t.Errorf("failure text %q does not say the warning does not block", c.Failure.Text)
				}
			}
			if c.Failure != nil && c.Failure.Type == "bulk/unapproved-run" && c.Name != "bulk/unapproved-run bundles/demo/data/recipients.csv" {
				t.Errorf("a whole-file finding is named %q", c.Name)
			}
		}
	}
	if !found {
		t.Error("no bulk/formula-cell case")
	}
}

func TestJunitHostile(t *testing.T) {
	r := &Report{
		Bundle: `a "b" <c> & d`,
		Dir:    ".",
		Gates:  []string{"bulk"},
		Findings: []Finding{{Rule: "bulk/malformed", Severity: SeverityError, File: "x<y>&\"z\".csv", Line: 1, Column: 1,
			Message: "bad \x00 byte ]]> </failure> \"quote\" & <tag>\r\n"}},
		Items: []Item{{Gate: "bulk", Name: "<empty> & \"co\""}},
	}
	var d junitDoc
	if err := xml.Unmarshal(render(t, "junit", FormatOptions{}, r), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Suites) != 1 || len(d.Suites[0].Cases) != 2 || d.Failures != 1 {
		t.Fatalf("got %+v", d)
	}
	if got := d.Suites[0].Cases[1].Name; got != "<empty> & \"co\"" {
		t.Errorf("item name %q", got)
	}
}

func TestJunitNoFindings(t *testing.T) {
	r := &Report{Bundle: "b", Passed: true, Gates: []string{"routes"}, Findings: []Finding{}}
	var d junitDoc
	if err := xml.Unmarshal(render(t, "junit", FormatOptions{}, r), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Suites) != 1 || d.Suites[0].Name != "routes" || d.Tests != 0 || d.Failures != 0 {
		t.Errorf("got %+v, want one empty routes suite", d)
	}
}
