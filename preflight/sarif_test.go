package preflight

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestSarifGolden(t *testing.T) {
	got := render(t, "sarif", FormatOptions{Version: "1.2.3"}, sampleReport())
	checkGolden(t, "format/sarif.golden", got)
	validateSarif(t, got)
}

// validateSarif checks a SARIF log against the official OASIS schema,
// offline, from the copy in testdata.
func validateSarif(t *testing.T, doc []byte) {
	t.Helper()
	if err := validateSarifErr(t, doc); err != nil {
		t.Errorf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
}

func validateSarifErr(t *testing.T, doc []byte) error {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(jsonschema.SchemeURLLoader{}) // no network: the schema is added below
	if err := c.AddResource(sarifSchemaURI, schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(sarifSchemaURI)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return sch.Validate(v)
}

func TestSarifSchemaEdgeCases(t *testing.T) {
	empty := &Report{Schema: 1, Bundle: "empty", Passed: true, Findings: []Finding{}, Dir: "."}
	abs := sampleReport()
	abs.Dir = "/srv/deploy bundles/demo"
	odd := sampleReport()
	odd.Dir = "weird dir:with#chars?and%"
	odd.Rules = nil // findings whose rules the report does not describe
	for name, r := range map[string]*Report{"empty": empty, "absolute": abs, "odd": odd} {
		t.Run(name, func(t *testing.T) {
			validateSarif(t, render(t, "sarif", FormatOptions{}, r))
		})
	}
}

type sarifDoc struct {
	Runs []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID      string `json:"id"`
					HelpURI string `json:"helpUri"`
					Default struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Locations []struct {
				Physical struct {
					Artifact struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Fingerprints map[string]string `json:"partialFingerprints"`
			Properties   map[string]string `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSarif(t *testing.T, r *Report) sarifDoc {
	t.Helper()
	var d sarifDoc
	if err := json.Unmarshal(render(t, "sarif", FormatOptions{Version: "v9"}, r), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 1 {
		t.Fatalf("got %d runs, want 1", len(d.Runs))
	}
	return d
}

func TestSarifContent(t *testing.T) {
	r := sampleReport()
	run := decodeSarif(t, r).Runs[0]
	if run.ColumnKind != "unicodeCodePoints" || run.Tool.Driver.Name != "preflight" || run.Tool.Driver.Version != "v9" {
		t.Errorf("run header: %+v", run.Tool.Driver)
	}
	if len(run.Tool.Driver.Rules) != len(r.Rules) {
		t.Errorf("got %d rules, want %d", len(run.Tool.Driver.Rules), len(r.Rules))
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("got %d results, want %d", len(run.Results), len(r.Findings))
	}
	for i, res := range run.Results {
		f := r.Findings[i]
		if rule := run.Tool.Driver.Rules[res.RuleIndex]; rule.ID != res.RuleID || res.RuleID != f.Rule {
			t.Errorf("result %d: ruleIndex %d points at %s, want %s", i, res.RuleIndex, rule.ID, f.Rule)
		}
		if res.Level != string(f.Severity) {
			t.Errorf("result %d: level %s, want %s", i, res.Level, f.Severity)
		}
		loc := res.Locations[0].Physical
		if want := "bundles/demo/" + f.File; loc.Artifact.URI != want {
			t.Errorf("result %d: uri %q, want %q", i, loc.Artifact.URI, want)
		}
		switch {
		case f.Line == 0 && loc.Region != nil:
			t.Errorf("result %d: a whole-file finding has a region", i)
		case f.Line > 0 && (loc.Region == nil || loc.Region.StartLine != f.Line || loc.Region.StartColumn != f.Column):
			t.Errorf("result %d: region %+v, want %d:%d", i, loc.Region, f.Line, f.Column)
		}
		if res.Properties["key"] != f.Key || res.Properties["bulk"] != f.Subject.Name {
			t.Errorf("result %d: properties %v, want key %q bulk %q", i, res.Properties, f.Key, f.Subject.Name)
		}
	}
	for _, rule := range run.Tool.Driver.Rules {
		if rule.ID == "configdiff/unsigned-change" && rule.HelpURI != "https://github.com/preflight-gate/preflight#configdiffunsigned-change" {
			t.Errorf("helpUri %s", rule.HelpURI)
		}
		if rule.ID == "bulk/formula-cell" && rule.Default.Level != "warning" {
			t.Errorf("bulk/formula-cell default level %s", rule.Default.Level)
		}
	}
}

func TestSarifFingerprints(t *testing.T) {
	f := Finding{Rule: "bulk/duplicate-key", Severity: SeverityError, File: "data.csv", Line: 9, Column: 1, Subject: Subject{"bulk", "r"}, Message: "duplicate key: first at line 3"}
	fingerprints := func(fs ...Finding) []string {
		run := decodeSarif(t, &Report{Bundle: "b", Dir: "d", Findings: fs}).Runs[0]
		var out []string
		for _, res := range run.Results {
			out = append(out, res.Fingerprints[sarifFingerprintKey])
		}
		return out
	}
	before := fingerprints(f)[0]
	moved := f
	moved.Line, moved.Column = 40, 2
	if after := fingerprints(moved)[0]; after != before {
		t.Errorf("a line move changed the fingerprint: %s -> %s", before, after)
	}
	if !strings.HasSuffix(before, ":1") || len(before) != 64+2 {
		t.Errorf("fingerprint %q: want 64 hex digits and :1", before)
	}
	other := f
	other.Message = "duplicate key: first at line 4"
	twice := fingerprints(f, moved, other)
	if twice[0] == twice[1] || strings.TrimSuffix(twice[0], ":1") != strings.TrimSuffix(twice[1], ":2") {
		t.Errorf("identical findings: %v, want the same hash with occurrences 1 and 2", twice[:2])
	}
	if twice[2] == twice[0] || !strings.HasSuffix(twice[2], ":1") {
		t.Errorf("a different message: %v", twice)
	}
}

func TestSarifURI(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"bundles/demo/config/production.yaml", "bundles/demo/config/production.yaml"},
		{"my bundle/data #1.csv", "my%20bundle/data%20%231.csv"},
		{"a:b/c.yaml", "./a:b/c.yaml"},
		{"100%/x?.csv", "100%25/x%3F.csv"},
		{"/srv/bundle/x.csv", "file:///srv/bundle/x.csv"},
		{"données/é.csv", "donn%C3%A9es/%C3%A9.csv"},
	} {
		if got := sarifURI(tc.path); got != tc.want {
			t.Errorf("sarifURI(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func TestRuleHelpURI(t *testing.T) {
	for id, want := range map[string]string{
		"configdiff/unsigned-change": "https://github.com/preflight-gate/preflight#configdiffunsigned-change",
		"bulk/header-as-data":        "https://github.com/preflight-gate/preflight#bulkheader-as-data",
		"Routes/No_Route":            "https://github.com/preflight-gate/preflight#routesno_route",
	} {
		if got := RuleHelpURI(id); got != want {
			t.Errorf("RuleHelpURI(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestSarifSchemaRejects makes sure the validation is not vacuous: the
// mistakes it guards against do fail it.
func TestSarifSchemaRejects(t *testing.T) {
	good := string(render(t, "sarif", FormatOptions{}, sampleReport()))
	for name, bad := range map[string]string{
		"region line 0": strings.Replace(good, `"startLine": 3`, `"startLine": 0`, 1),
		"bad level":     strings.Replace(good, `"level": "warning"`, `"level": "warn"`, 1),
		"no version":    strings.Replace(good, `"version": "2.1.0",`, ``, 1),
	} {
		if bad == good {
			t.Fatalf("%s: the replacement did not apply", name)
		}
		if err := validateSarifErr(t, []byte(bad)); err == nil {
			t.Errorf("%s: the schema accepted it", name)
		}
	}
}
