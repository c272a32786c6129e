package starter

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
)

func TestGuessControls(t *testing.T) {
	cases := []struct {
		name, file, data string
		want             *Controls // File is not set by guessControls
	}{
		{"the cost-baseline config", "p.yaml", `
llm: {model_tier: gpt-4o-mini, max_tokens: 4000}
agent:
  max_tool_calls: 150
  reviewer: {max_revisions: 8, escalate_to: ops-oncall@example.com}
gateway: {session_budget_usd: 4.00}
alerts: {sessions_per_hour: 360, tool_calls: 45, cost_per_session: 1.20, error_rate: 0.06}
billing:
  monthly_budget_usd: 20000
  alerts: [{percent: 50, notify: ops@example.com}, {percent: 100}]
`, &Controls{
			Alerts: map[string]string{
				"sessions_per_hour": "alerts.sessions_per_hour", "tool_calls_per_session": "alerts.tool_calls",
				"cost_per_session": "alerts.cost_per_session", "error_rate": "alerts.error_rate",
			},
			Caps:        map[string]string{"tool_calls_per_session": "agent.max_tool_calls", "cost_per_session": "gateway.session_budget_usd"},
			BudgetLimit: "billing.monthly_budget_usd", BudgetAlerts: "billing.alerts[*].percent",
			Revisions: "agent.reviewer.max_revisions", EscalateTo: "agent.reviewer.escalate_to",
			Other: []string{"llm.max_tokens"},
		}},
		{"a .env file: numbers are digit strings", ".env", "MAX_TOOL_CALLS=45\nMONTHLY_BUDGET=100\nMAX_REVISIONS=3\nESCALATE_TO=ops\nMODEL=gpt\nMAX_TOKENS=abc\n", &Controls{
			Alerts: map[string]string{}, Caps: map[string]string{"tool_calls_per_session": "MAX_TOOL_CALLS"},
			BudgetLimit: "MONTHLY_BUDGET", Revisions: "MAX_REVISIONS", EscalateTo: "ESCALATE_TO",
		}},
		{"nothing that looks like a control", "p.toml", "[db]\nhost = \"x\"\npool = 10\n[jobs.sync.on_error]\nnotify = \"ops\"\n", &Controls{
			Alerts: map[string]string{}, Caps: map[string]string{},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree, err := configdiff.Parse(c.file, []byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if got := guessControls(tree); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// TestWriteControls: init on the cost-baseline folder writes a commented
// [controls] starter; the manifest loads as written, and also with the
// section uncommented, when check asks for the normals and nothing else
// (no guessed number).
func TestWriteControls(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../testdata/bundles/cost-baseline")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, preflight.ManifestName)); err != nil {
		t.Fatal(err)
	}
	s, file, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Controls == nil || s.Controls.File != "config/production.yaml" {
		t.Fatalf("controls = %+v, want one found in config/production.yaml", s.Controls)
	}
	if !strings.Contains(strings.Join(s.Guesses(), "\n"), "controls: config/production.yaml has keys that look like caps") {
		t.Errorf("guesses do not mention controls:\n%s", strings.Join(s.Guesses(), "\n"))
	}
	b, err := checks.LoadBundle(dir)
	if err != nil {
		t.Fatalf("the written manifest does not load: %v", err)
	}
	if b.Spec("controls") != nil {
		t.Error("the [controls] starter is enabled: it must stay commented out until the normals are written down")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`normal = [-+.0-9]`).Match(data) {
		t.Errorf("the starter writes a normal: the baseline is never guessed\n%s", data)
	}

	// Uncomment the section: from "# [controls]" to the last of its lines.
	var out []string
	in := false
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case l == "# [controls]":
			in = true
		case in && (l == "" || strings.HasPrefix(l, "# also found")):
			in = false
		}
		if in {
			l = strings.TrimPrefix(l, "# ")
		}
		out = append(out, l)
	}
	if err := os.WriteFile(file, []byte(strings.Join(out, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err = checks.LoadBundle(dir)
	if err != nil {
		t.Fatalf("the uncommented starter does not load: %v\n%s", err, strings.Join(out, "\n"))
	}
	rep, err := preflight.Check(b, &preflight.Options{FailOn: preflight.SeverityError})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range rep.Findings {
		if f.Rule == "controls/missing-baseline" {
			rules = append(rules, f.Rule)
		}
	}
	if len(rules) != 4 {
		t.Errorf("%d missing-baseline findings, want 4 (one per normal to write down): %+v", len(rules), rep.Findings)
	}
}
