package preflight

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/preflight-gate/preflight/preflight/words"
)

// junitFormatter writes the report as JUnit XML, the test report CI
// systems (GitLab, Jenkins, Azure, CircleCI) show next to a pipeline: one
// <testsuite> per gate; each finding a failed <testcase> named after its
// rule and location; each checked item without findings a passing one.
//
// A warning is a failed test case too, as the contract says of every
// finding: JUnit has no "passed with a warning", and <skipped> would say
// the check did not run. The failure's text says the severity and whether
// it blocks the deployment at the run's --fail-on.
type junitFormatter struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"` // why a signed item passes: who signed it and why
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func (junitFormatter) Format(w io.Writer, run *Run) error {
	out := junitSuites{Name: "preflight"}
	if !run.Several {
		out.Name = "preflight " + words.Escape(run.Reports[0].Bundle)
	}
	for _, r := range run.Reports {
		prefix := ""
		if run.Several {
			prefix = r.Bundle + "/"
		}
		for _, s := range junitBundle(r, prefix) {
			s.Tests = len(s.Cases)
			out.Tests += s.Tests
			out.Failures += s.Failures
			out.Errors += s.Errors
			out.Suites = append(out.Suites, *s)
		}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitBundle is one bundle's test suites, one per gate, named prefix +
// gate; a bundle that could not be judged is one suite, prefix +
// "preflight", whose one test case is the error.
func junitBundle(r *Report, prefix string) []*junitSuite {
	if e := r.Error; e != nil {
		file := words.Escape(e.WorkPath())
		return []*junitSuite{{Name: words.Escape(prefix) + "preflight", Errors: 1, Cases: []junitCase{{
			Name:      "preflight " + location(file, e.Line, e.Column),
			Classname: "preflight",
			File:      file,
			Line:      e.Line,
			Error: &junitFailure{
				Message: words.Escape(e.Message),
				Type:    "preflight",
				Text:    words.Escape(e.String()) + "\npreflight could not judge the bundle: the deployment must not ship until it can",
			},
		}}}}
	}
	rules := map[string]Rule{}
	for _, rule := range r.Rules {
		rules[rule.ID] = rule
	}
	failOn := failOnOf(r)
	suites := map[string]*junitSuite{}
	var order []*junitSuite
	suite := func(gate string) *junitSuite {
		if s, ok := suites[gate]; ok {
			return s
		}
		suites[gate] = &junitSuite{Name: words.Escape(prefix) + gate, Cases: []junitCase{}}
		order = append(order, suites[gate])
		return suites[gate]
	}
	for _, g := range r.Gates {
		suite(g)
	}
	for _, f := range r.Findings {
		s := suite(f.Gate())
		path := words.Escape(r.Path(f.File))
		s.Cases = append(s.Cases, junitCase{
			Name:      f.Rule + " " + location(path, f.Line, f.Column),
			Classname: "preflight." + f.Gate(),
			File:      path,
			Line:      f.Line,
			Failure: &junitFailure{
				Message: words.Escape(f.Message),
				Type:    f.Rule,
				Text:    junitFailureText(f, path, rules[f.Rule], failOn),
			},
		})
		s.Failures++
	}
	for _, it := range r.Items {
		if it.Findings > 0 {
			continue
		}
		s := suite(it.Gate)
		c := junitCase{Name: words.Escape(it.Name), Classname: "preflight." + it.Gate, SystemOut: words.Escape(it.Note)}
		if it.File != "" {
			c.File = words.Escape(r.Path(it.File))
		}
		s.Cases = append(s.Cases, c)
	}
	return order
}

func junitFailureText(f Finding, path string, rule Rule, failOn Severity) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s [%s]\n", location(path, f.Line, f.Column), words.Escape(f.Message), f.Rule)
	if f.Severity.AtLeast(failOn) {
		fmt.Fprintf(&b, "severity: %s (blocks the deployment)\n", f.Severity)
	} else {
		fmt.Fprintf(&b, "severity: %s (does not block the deployment: --fail-on %s)\n", f.Severity, failOn)
	}
	if f.Key != "" {
		fmt.Fprintf(&b, "key: %s\n", words.Escape(f.Key))
	}
	if f.Subject.Kind != "" {
		fmt.Fprintf(&b, "%s: %s\n", words.Escape(f.Subject.Kind), words.Escape(f.Subject.Name))
	}
	if rule.Fix != "" {
		fmt.Fprintf(&b, "fix: %s\n", rule.Fix)
	}
	fmt.Fprintf(&b, "more: preflight explain %s", f.Rule)
	return b.String()
}
