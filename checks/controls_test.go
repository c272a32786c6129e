package checks

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/preflight"
)

// controlsTeams is the registry the revision tests match against.
const controlsTeams = `
[aliases.ops-oncall]
address = "ops-oncall@example.com"
members = ["ana@example.com", "bo@example.com"]

[aliases.solo]
address = "solo@example.com"
members = ["lee@example.com"]
`

// goodBaseline is a [controls] section whose every control holds against
// goodConfig.
const goodBaseline = `
[controls]
[controls.baseline]
sessions_per_hour      = { normal = 120,  alert = "alerts.sessions_per_hour" }
tool_calls_per_session = { normal = 15,   alert = "alerts.tool_calls", cap = "agent.max_tool_calls" }
cost_per_session       = { normal = 0.40, alert = "alerts.cost_per_session", cap = "gateway.session_budget_usd" }
error_rate             = { normal = 0.02, alert = "alerts.error_rate" }
[controls.budget]
limit  = "billing.monthly_budget_usd"
alerts = "billing.alerts[*].percent"
`

const goodConfig = `alerts:
  sessions_per_hour: 360
  tool_calls: 45
  cost_per_session: 1.20
  error_rate: 0.06
agent:
  max_tool_calls: 45
gateway:
  session_budget_usd: 1.2
billing:
  monthly_budget_usd: 20000
  alerts:
    - percent: 50
    - percent: 80
    - percent: 100
`

// controlsCase loads a bundle of the manifest (version = 1 added at the
// top when it has none), the config named configName and controlsTeams, and
// runs the controls gate. The config is the one file of a [configdiff]
// section appended to the manifest, so [controls] reads it by default.
func controlsCase(t *testing.T, manifest, configName, config string) (*preflight.Result, error) {
	t.Helper()
	if !strings.HasPrefix(manifest, "version") {
		manifest = "version = 1\n" + manifest
	}
	manifest += fmt.Sprintf("\n[configdiff]\nstaging = %q\nproduction = %q\n", configName, configName)
	b, err := LoadBundle(writeBundle(t, map[string]string{
		"preflight.toml": manifest,
		configName:       config,
		"teams.toml":     controlsTeams,
	}))
	if err != nil {
		return nil, err
	}
	spec := b.Spec("controls")
	if spec == nil {
		t.Fatal("no [controls] in the manifest")
	}
	return Controls{}.Check(b, spec, &preflight.Options{FailOn: preflight.SeverityError})
}

func mustControls(t *testing.T, manifest, configName, config string) *preflight.Result {
	t.Helper()
	res, err := controlsCase(t, manifest, configName, config)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	return res
}

// oneEntry is a section with a single alert and cap under test; the other
// entries hold.
func oneEntry(ratio, normal string) string {
	r := ""
	if ratio != "" {
		r = "max_ratio = " + ratio + "\n"
	}
	return "[controls]\n" + r + `[controls.baseline]
sessions_per_hour      = { normal = 1, alert = "ok" }
tool_calls_per_session = { normal = ` + normal + `, alert = "alert", cap = "cap" }
cost_per_session       = { normal = 1, alert = "ok", cap = "ok" }
error_rate             = { normal = 1, alert = "ok" }
[controls.budget]
limit  = "limit"
alerts = "percent[*]"
`
}

func oneConfig(alert, cap string) string {
	return "ok = 1.05\nlimit = 100\npercent = [50, 80, 100]\nalert = " + alert + "\ncap = " + cap + "\n"
}

func rules(res *preflight.Result) string {
	var rs []string
	for _, f := range res.Findings {
		rs = append(rs, f.Rule)
	}
	return strings.Join(rs, " ")
}

func TestControlsRanges(t *testing.T) {
	cases := []struct {
		name, ratio, normal, alert, cap, want string
	}{
		{"inside", "", "15", "30", "30", ""},
		{"alert exactly at normal", "", "15", "15", "30", "controls/alert-out-of-range"},
		{"alert just above normal", "", "15", "15.001", "30", ""},
		{"alert below normal", "", "15", "10", "30", "controls/alert-out-of-range"},
		{"alert exactly at 3x", "", "15", "45", "30", ""},
		{"alert just above 3x", "", "15", "45.001", "30", "controls/alert-out-of-range"},
		{"cap exactly at normal", "", "15", "30", "15", ""},
		{"cap just below normal", "", "15", "30", "14.999", "controls/cap-out-of-range"},
		{"cap exactly at 3x", "", "15", "30", "45", ""},
		{"cap above 3x", "", "15", "30", "150", "controls/cap-out-of-range"},
		{"both out", "", "15", "150", "150", "controls/alert-out-of-range controls/cap-out-of-range"},
		{"custom ratio: at 2.5x", "2.5", "15", "37.5", "37.5", ""},
		{"custom ratio: over 2.5x", "2.5", "15", "38", "38", "controls/alert-out-of-range controls/cap-out-of-range"},
		{"custom ratio: integer", "10", "15", "150", "150", ""},
		// 0.30 × 3 is 0.9 exactly; in float64 it is 0.8999999999999999,
		// which would put 0.90 out of range.
		{"decimal exactness", "", "0.30", "0.90", "0.9", ""},
		{"decimal exactness over", "", "0.30", "0.9000001", "0.9", "controls/alert-out-of-range"},
		{"decimal ratio", "1.1", "0.1", "0.11", "0.11", ""},
		{"decimal ratio over", "1.1", "0.1", "0.110001", "0.11", "controls/alert-out-of-range"},
		// As written, not as the float64 they round to: 45.000000000000000001
		// and 45 are one float64, and so are 15.000000000000000001 and 15.
		{"decimal beyond float64: alert over 3x", "", "15", "45.000000000000000001", "30", "controls/alert-out-of-range"},
		{"decimal beyond float64: cap below normal", "", "15.000000000000000001", "30", "15", "controls/cap-out-of-range"},
		{"decimal beyond float64: ratio", "3.0000000000000000001", "15", "45.000000000000000001", "30", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustControls(t, oneEntry(c.ratio, c.normal), "production.toml", oneConfig(c.alert, c.cap))
			if got := rules(res); got != c.want {
				t.Errorf("rules %q, want %q", got, c.want)
				for _, f := range res.Findings {
					t.Log(f.Message)
				}
			}
		})
	}
}

func TestControlsNumberKinds(t *testing.T) {
	section := oneEntry("", "15")
	cases := []struct {
		name, file, config, want string
	}{
		{"yaml integer", "p.yaml", "alert: 45\ncap: 15\n", ""},
		{"yaml float", "p.yaml", "alert: 45.0\ncap: 15.0\n", ""},
		{"yaml exponent", "p.yaml", "alert: 4.5e1\ncap: 1.5e+1\n", ""},
		{"yaml string is not a number", "p.yaml", "alert: \"45\"\ncap: '15'\n", "controls/no-alert controls/no-cap"},
		{"yaml nan and inf", "p.yaml", "alert: .nan\ncap: .inf\n", "controls/no-alert controls/no-cap"},
		{"yaml bool and null", "p.yaml", "alert: true\ncap: null\n", "controls/no-alert controls/no-cap"},
		{"json", "p.json", `{"alert": 45, "cap": 15.5}`, ""},
		{"json string", "p.json", `{"alert": "45", "cap": 15}`, "controls/no-alert"},
		{"toml", "p.toml", "alert = 45\ncap = 15\n", ""},
		{"toml nan", "p.toml", "alert = nan\ncap = -inf\n", "controls/no-alert controls/no-cap"},
		{"env integer and decimal", ".env", "alert=45\ncap=15.0\n", ""},
		{"env quoted", "prod.env", "alert=\"45\"\ncap='15'\n", ""},
		{"env negative", ".env", "alert=-45\ncap=15\n", "controls/alert-out-of-range"},
		{"env exponent is a string", ".env", "alert=4.5e1\ncap=15\n", "controls/no-alert"},
		{"env plus sign is a string", ".env", "alert=+45\ncap=15\n", "controls/no-alert"},
		{"env bare dot is a string", ".env", "alert=45.\ncap=.5\n", "controls/no-alert controls/no-cap"},
		{"env out of range", ".env", "alert=46\ncap=14\n", "controls/alert-out-of-range controls/cap-out-of-range"},
		{"map is not a number", "p.yaml", "alert: {a: 1}\ncap: [1]\n", "controls/no-alert controls/no-cap"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The other entries and the budget read the same file.
			rest := "ok: 2\nlimit: 100\npercent: [50, 80, 100]\n"
			switch {
			case strings.Contains(c.file, ".env"):
				rest = "ok=2\nlimit=100\n"
			case strings.HasSuffix(c.file, ".json"):
				rest = ""
				c.config = strings.TrimSuffix(c.config, "}") + `, "ok": 2, "limit": 100, "percent": [50, 80, 100]}`
			case strings.HasSuffix(c.file, ".toml"):
				rest = "ok = 2\nlimit = 100\npercent = [50, 80, 100]\n"
			}
			res := mustControls(t, section, c.file, rest+c.config)
			var got []string
			for _, f := range res.Findings {
				if f.Rule != "controls/budget-alerts" {
					got = append(got, f.Rule)
				}
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("rules %q, want %q", g, c.want)
				for _, f := range res.Findings {
					t.Log(f.Message)
				}
			}
		})
	}
}

func TestControlsGood(t *testing.T) {
	res := mustControls(t, goodBaseline, "config/production.yaml", goodConfig)
	wantFindings(t, res, nil)
	var items []string
	for _, it := range res.Items {
		items = append(items, fmt.Sprintf("%s %d", it.Name, it.Findings))
	}
	want := "baseline sessions_per_hour 0,baseline tool_calls_per_session 0,baseline cost_per_session 0,baseline error_rate 0,budget 0"
	if got := strings.Join(items, ","); got != want {
		t.Errorf("items %s, want %s", got, want)
	}
}

func TestControlsMessages(t *testing.T) {
	config := strings.NewReplacer("cost_per_session: 1.20", "cost_per_session: 4.00",
		"tool_calls: 45", "tool_calls: 15", "session_budget_usd: 1.2", "session_budget_usd: 4.0").Replace(goodConfig)
	res := mustControls(t, goodBaseline, "config/production.yaml", config)
	wantFindings(t, res, []string{
		"config/production.yaml:3:15 controls/alert-out-of-range alerts.tool_calls",
		"config/production.yaml:4:21 controls/alert-out-of-range alerts.cost_per_session",
		"config/production.yaml:9:23 controls/cap-out-of-range gateway.session_budget_usd",
	})
	wantMessage(t, res, "config/production.yaml:4:21",
		"alerts.cost_per_session is 4.00: more than 3x the normal 0.40 per session (at most 1.20); the cost explosion ran at 8x for 72 hours before anyone looked")
	wantMessage(t, res, "config/production.yaml:3:15",
		"alerts.tool_calls is 15: not above the normal 15 tool calls per session, so it fires on normal traffic and gets muted; expected more than 15 and at most 45 (3x)")
	wantMessage(t, res, "config/production.yaml:9:23", "gateway.session_budget_usd is 4.0: more than 3x the normal 0.40 per session (at most 1.20)", "$47,000")
}

func TestControlsSecretValue(t *testing.T) {
	section := strings.Replace(goodBaseline, `cap = "gateway.session_budget_usd"`, `cap = "gateway.session_token"`, 1)
	config := strings.Replace(goodConfig, "session_budget_usd: 1.2", "session_token: 7.25", 1)
	res := mustControls(t, section, "config/production.yaml", config)
	wantFindings(t, res, []string{"config/production.yaml:9:18 controls/cap-out-of-range gateway.session_token"})
	msg := message(t, res, "config/production.yaml:9:18")
	if strings.Contains(msg, "7.25") || !strings.Contains(msg, "gateway.session_token is (secret): more than 3x") {
		t.Errorf("message shows the secret or lost the bound: %s", msg)
	}
}

func TestControlsPositions(t *testing.T) {
	manifest := `[controls]
[controls.baseline]
sessions_per_hour      = { alert = "alerts.sessions_per_hour" }
tool_calls_per_session = { normal = 0, alert = "alerts.tool_calls", cap = "agent.max_tool_calls" }
cost_per_session       = { normal = 0.40 }
error_rate             = { normal = 0.02, alert = "alerts.missing" }
[controls.budget]
limit  = "billing.missing"
alerts = ["billing.alerts[*].percent", "billing.extra"]
`
	res := mustControls(t, manifest, "config/production.yaml", goodConfig)
	wantFindings(t, res, []string{
		// missing normal: at [controls.baseline]; invalid normal: at it
		"preflight.toml:3:11 controls/missing-baseline",
		"preflight.toml:5:28 controls/missing-baseline",
		// nothing declared: at the entry
		"preflight.toml:6:1 controls/no-alert",
		"preflight.toml:6:1 controls/no-cap",
		// a key the config lacks: at the manifest string that names it
		"preflight.toml:7:51 controls/no-alert alerts.missing",
		// budget findings: at the limit string when the config lacks it
		"preflight.toml:9:10 controls/budget-alerts billing.missing",
	})
	wantMessage(t, res, "preflight.toml:3:11", "baseline sessions_per_hour has no normal", "47x volume spike")
	wantMessage(t, res, "preflight.toml:5:28", "baseline tool_calls_per_session has a normal of 0, not a positive number")
	wantMessage(t, res, "preflight.toml:7:51", "alert alerts.missing for error_rate is not in config/production.yaml", "above 0.02 and at most 0.06 (3x)")

	// Without [controls.baseline], a missing entry points at [controls];
	// without [controls.budget], so does the budget.
	res = mustControls(t, "name = \"x\"\n[controls]\nmax_ratio = 3\n", "config/production.yaml", goodConfig)
	var got []string
	for _, f := range res.Findings {
		got = append(got, short(f))
	}
	if want := strings.Repeat("preflight.toml:3:2 controls/missing-baseline,", 4) + "preflight.toml:3:2 controls/budget-alerts"; strings.Join(got, ",") != want {
		t.Errorf("got %s\nwant %s", strings.Join(got, ","), want)
	}
	wantMessage(t, res, "preflight.toml:3:2", "is not written down")
}

func TestControlsBudget(t *testing.T) {
	base := strings.SplitAfter(goodBaseline, "[controls.budget]\n")[0]
	cases := []struct {
		name, budget, config, want, msg string
	}{
		{"glob", `limit = "b.limit"` + "\n" + `alerts = "b.alerts[*].percent"`,
			"b: {limit: 100, alerts: [{percent: 50}, {percent: 80}, {percent: 100}]}", "", ""},
		{"numbers compare as numbers", `limit = "b.limit"` + "\n" + `alerts = "b.alerts[*]"`,
			"b: {limit: 100, alerts: [50.0, 80, 1e2]}", "", ""},
		{"missing 80", `limit = "b.limit"` + "\n" + `alerts = "b.alerts[*].percent"`,
			"b: {limit: 100, alerts: [{percent: 50}, {percent: 100}]}", "config/production.yaml:1:12 controls/budget-alerts b.limit",
			"budget alerts lack 80 %: b.alerts[*].percent has 50 % and 100 %"},
		{"list of globs", `limit = "b.limit"` + "\n" + `alerts = ["b.daily.*", "b.monthly"]`,
			"b: {limit: 100, daily: {half: 50, most: 80}, monthly: 100}", "", ""},
		{"doubled star", `limit = "b.limit"` + "\n" + `alerts = "**.percent"`,
			"b: {limit: 100, x: {percent: 50}, y: [{percent: 80}], percent: 100}", "", ""},
		{"matches nothing", `limit = "b.limit"` + "\n" + `alerts = "b.nothing.*"`,
			"b: {limit: 100}", "config/production.yaml:1:12 controls/budget-alerts b.limit",
			"budget alerts lack 50 %, 80 % and 100 %: b.nothing.* matches no key in config/production.yaml"},
		{"not a percentage", `limit = "b.limit"` + "\n" + `alerts = "b.alerts[*]"`,
			"b: {limit: 100, alerts: [50, 80, 100, \"90\"]}", "config/production.yaml:1:12 controls/budget-alerts b.limit",
			"b.alerts[3] is a string, not a percentage"},
		{"custom required", `limit = "b.limit"` + "\n" + `alerts = "b.alerts[*]"` + "\nrequired = [25, 50.5]",
			"b: {limit: 100, alerts: [25, 50]}", "config/production.yaml:1:12 controls/budget-alerts b.limit", "lack 50.5 %"},
		{"limit zero", `limit = "b.limit"` + "\n" + `alerts = "b.alerts[*]"`,
			"b: {limit: 0, alerts: [50, 80, 100]}", "config/production.yaml:1:12 controls/budget-alerts b.limit",
			"budget limit b.limit is 0: expected a positive budget amount"},
		{"limit a string", `limit = "b.limit"` + "\n" + `alerts = "b.alerts[*]"`,
			"b: {limit: lots, alerts: [50, 80, 100]}", "config/production.yaml:1:12 controls/budget-alerts b.limit", "is a string, not a number"},
		{"no limit declared", `alerts = "b.alerts[*]"`,
			"b: {alerts: [50, 80, 100]}", "preflight.toml:9:11 controls/budget-alerts", "has no limit"},
		{"no alerts declared", `limit = "b.limit"`,
			"b: {limit: 100}", "config/production.yaml:1:12 controls/budget-alerts b.limit", "has no alerts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustControls(t, base+c.budget+"\n", "config/production.yaml", c.config+"\n"+goodConfig[:strings.Index(goodConfig, "billing:")])
			var want []string
			if c.want != "" {
				want = []string{c.want}
			}
			wantFindings(t, res, want)
			if c.msg != "" {
				f := res.Findings[0]
				wantMessage(t, res, fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column), c.msg)
			}
		})
	}
}

func TestControlsRevisions(t *testing.T) {
	section := goodBaseline + `[controls.revisions]
max = "agent.reviewer.max_revisions"
escalate_to = "agent.reviewer.escalate_to"
`
	cases := []struct {
		name, file, config, want, msg string
	}{
		{"good", "p.yaml", "max_revisions: 3\n    escalate_to: ops-oncall@example.com", "", ""},
		{"alias by name", "p.yaml", "max_revisions: 1\n    escalate_to: \" OPS-ONCALL \"", "", ""},
		{"eight", "p.yaml", "max_revisions: 8\n    escalate_to: ops-oncall", "p.yaml:9:20 controls/revision-cap agent.reviewer.max_revisions",
			"revision cap agent.reviewer.max_revisions is 8: more than 3 revision cycles; in the orchestration deadlock"},
		{"zero", "p.yaml", "max_revisions: 0\n    escalate_to: ops-oncall", "p.yaml:9:20 controls/revision-cap agent.reviewer.max_revisions", "0 or less often means no limit"},
		{"float", "p.yaml", "max_revisions: 3.0\n    escalate_to: ops-oncall", "p.yaml:9:20 controls/revision-cap agent.reviewer.max_revisions", "is a float (3.0): expected an integer from 1 to 3"},
		{"string", "p.yaml", "max_revisions: \"3\"\n    escalate_to: ops-oncall", "p.yaml:9:20 controls/revision-cap agent.reviewer.max_revisions", "is a string: expected an integer"},
		{"a person", "p.yaml", "max_revisions: 3\n    escalate_to: ana@example.com", "p.yaml:10:18 controls/no-escalation agent.reviewer.escalate_to",
			`escalation agent.reviewer.escalate_to is "ana@example.com", a person: a member of alias "ops-oncall"; escalate to the alias, ops-oncall@example.com`},
		{"small alias", "p.yaml", "max_revisions: 3\n    escalate_to: solo", "p.yaml:10:18 controls/no-escalation agent.reviewer.escalate_to", `reaches alias "solo", which has 1 member`},
		{"unknown", "p.yaml", "max_revisions: 3\n    escalate_to: humans", "p.yaml:10:18 controls/no-escalation agent.reviewer.escalate_to", "not a team alias in teams.toml"},
		{"empty", "p.yaml", "max_revisions: 3\n    escalate_to: \"  \"", "p.yaml:10:18 controls/no-escalation agent.reviewer.escalate_to", "is empty"},
		{"a list", "p.yaml", "max_revisions: 3\n    escalate_to: [ops-oncall]", "p.yaml:10:18 controls/no-escalation agent.reviewer.escalate_to", "is a list: expected a team alias address"},
		{"missing", "p.yaml", "max_revisions: 3", "preflight.toml:14:15 controls/no-escalation agent.reviewer.escalate_to", "is not in p.yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			config := strings.Replace(goodConfig, "  max_tool_calls: 45\n", "  max_tool_calls: 45\n  reviewer:\n    "+c.config+"\n", 1)
			res := mustControls(t, section, c.file, config)
			var want []string
			if c.want != "" {
				want = []string{c.want}
			}
			wantFindings(t, res, want)
			if c.msg != "" && len(res.Findings) > 0 {
				f := res.Findings[0]
				wantMessage(t, res, fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column), c.msg)
			}
			if len(res.Items) != 6 || res.Items[5].Name != "revisions" {
				t.Errorf("items %+v: want the revisions last", res.Items)
			}
		})
	}
}

func TestControlsRevisionsEnv(t *testing.T) {
	section := strings.SplitAfter(goodBaseline, "[controls.budget]\n")[0] + `limit = "BUDGET"
alerts = ["BUDGET_ALERT_HALF", "BUDGET_ALERT_MOST", "BUDGET_ALERT_ALL"]
[controls.revisions]
max = "MAX_REVISIONS"
escalate_to = "ESCALATE_TO"
`
	config := "BUDGET=100\nBUDGET_ALERT_HALF=50\nBUDGET_ALERT_MOST=80\nBUDGET_ALERT_ALL=100\nMAX_REVISIONS=3\nESCALATE_TO=ops-oncall\n"
	res := mustControls(t, section, ".env", config)
	for _, f := range res.Findings {
		if !strings.HasPrefix(f.Rule, "controls/no-alert") && !strings.HasPrefix(f.Rule, "controls/no-cap") {
			t.Errorf("unexpected %s: %s", short(f), f.Message)
		}
	}
	res = mustControls(t, section, ".env", strings.Replace(config, "MAX_REVISIONS=3", "MAX_REVISIONS=3.0", 1))
	if !strings.Contains(rules(res), "controls/revision-cap") {
		t.Errorf("MAX_REVISIONS=3.0 is not an integer: got %s", rules(res))
	}
}

func TestControlsMalformed(t *testing.T) {
	cases := []struct {
		name, section, want string
	}{
		{"unknown baseline", "[controls.baseline]\nsessions_per_hour = { normal = 1 }\nsessions_per_day = { normal = 1 }\nwhatever = { normal = 1 }\n",
			`preflight.toml:5:1: unknown baseline entry "sessions_per_day": expected sessions_per_hour, tool_calls_per_session, cost_per_session or error_rate`},
		{"cap on sessions", "[controls.baseline]\nsessions_per_hour = { normal = 1, alert = \"a\", cap = \"b\" }\n",
			"preflight.toml:4:48: sessions_per_hour takes no cap: caps apply to tool_calls_per_session and cost_per_session only"},
		{"cap on error rate", "[controls.baseline]\nerror_rate = { normal = 1, cap = \"b\" }\n", "preflight.toml:4:28: error_rate takes no cap"},
		{"unknown field", "[controls.baseline]\nerror_rate = { normal = 1, alrt = \"b\" }\n", "preflight.toml:4:28: unknown key"},
		{"alert a glob", "[controls.baseline]\nerror_rate = { normal = 1, alert = \"alerts.*\" }\n", "preflight.toml:4:28: alert: invalid key: "},
		{"alert empty", "[controls.baseline]\nerror_rate = { normal = 1, alert = \"\" }\n", "preflight.toml:4:28: alert: empty key"},
		{"alert a number", "[controls.baseline]\nerror_rate = { normal = 1, alert = 5 }\n", "preflight.toml:4:36: "},
		{"max_ratio 1", "max_ratio = 1\n", "preflight.toml:3:1: max_ratio must be a number over 1"},
		{"max_ratio string", "max_ratio = \"3\"\n", "preflight.toml:3:1: max_ratio must be a number over 1 (alerts and caps at most this many times normal), got a string"},
		{"max_ratio nan", "max_ratio = nan\n", "preflight.toml:3:1: max_ratio must be a number over 1"},
		{"max_ratio date", "max_ratio = 2026-01-01\n", "preflight.toml:3:1: max_ratio must be a number over 1 (alerts and caps at most this many times normal), got a date or time"},
		{"limit a glob", "[controls.budget]\nlimit = \"billing.*\"\n", "preflight.toml:4:1: limit: invalid key"},
		{"alerts a number", "[controls.budget]\nalerts = 5\n", "preflight.toml:4:1: alerts is 5: expected a key glob"},
		{"alerts empty", "[controls.budget]\nalerts = []\n", "preflight.toml:4:1: alerts is empty"},
		{"alerts bad glob", "[controls.budget]\nalerts = [\"a.b\", \"a..b\"]\n", "preflight.toml:4:"},
		{"required empty", "[controls.budget]\nrequired = []\n", "preflight.toml:4:1: required is empty"},
		{"required zero", "[controls.budget]\nrequired = [50, 0]\n", "preflight.toml:4:17: required[1] is 0: expected a percentage of the budget over 0"},
		{"required string", "[controls.budget]\nrequired = [\"50\"]\n", "preflight.toml:4:13: required[0] is a string (\"50\")"},
		{"revisions bad key", "[controls.revisions]\nmax = \"a[x]\"\n", "preflight.toml:4:1: max: invalid key"},
		{"revisions min_members", "[controls.revisions]\nmin_members = 0\n", "preflight.toml:4:1: min_members must be at least 1, got 0"},
		{"unknown revisions field", "[controls.revisions]\nmaximum = \"a\"\n", "preflight.toml:4:1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := controlsCase(t, "version = 1\n[controls]\n"+c.section, "p.yaml", "a: 1\n")
			var pe *preflight.Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *preflight.Error", err)
			}
			if _, rest, _ := strings.Cut(pe.Error(), "/preflight.toml"); !strings.HasPrefix("preflight.toml"+rest, c.want) {
				t.Errorf("got  %s\nwant %s…", pe.Error(), c.want)
			}
		})
	}
}

func TestDecimalText(t *testing.T) {
	for _, c := range []struct {
		in   string
		min  int
		want string
	}{
		{"1.2", 0, "1.2"}, {"45", 0, "45"}, {"0.06", 0, "0.06"}, {"1/3", 0, "0.3333333333333333"}, {"3e-300", 0, "3e-300"}, {"-0.5", 0, "-0.5"},
		{"1e+21", 0, "1000000000000000000000"}, {"1.2", 2, "1.20"}, {"45", 1, "45.0"}, {"0.125", 2, "0.125"},
	} {
		r, ok := new(big.Rat).SetString(c.in)
		if !ok {
			t.Fatal(c.in)
		}
		if got := decimalText(r, c.min); got != c.want {
			t.Errorf("decimalText(%s, %d) = %s, want %s", c.in, c.min, got, c.want)
		}
	}
}

func TestControlsLoad(t *testing.T) {
	section := strings.Replace(goodBaseline, "[controls]\n", "[controls]\nfile = \"p.yaml\"\n", 1)
	revisions := "[controls.revisions]\nmax = \"agent.reviewer.max_revisions\"\nescalate_to = \"agent.reviewer.escalate_to\"\n"
	cases := []struct {
		name  string
		files map[string]string
		want  string // the error, "" for none
	}{
		{"file", map[string]string{"preflight.toml": "version = 1\n" + section, "p.yaml": goodConfig}, ""},
		{"neither file nor configdiff", map[string]string{"preflight.toml": "version = 1\n" + goodBaseline}, "preflight.toml:3:2: [controls] needs file"},
		{"file empty", map[string]string{"preflight.toml": "version = 1\n" + strings.Replace(section, `file = "p.yaml"`, `file = ""`, 1)}, "preflight.toml:4:1: controls.file is empty"},
		{"file missing", map[string]string{"preflight.toml": "version = 1\n" + section}, `preflight.toml:4:1: controls.file "p.yaml": no such file or folder`},
		{"file outside", map[string]string{"preflight.toml": "version = 1\n" + strings.Replace(section, `"p.yaml"`, `"../p.yaml"`, 1)}, `preflight.toml:4:1: path "../p.yaml" leaves the bundle`},
		{"revisions without registry", map[string]string{"preflight.toml": "version = 1\n" + section + revisions, "p.yaml": goodConfig}, "no team registry"},
		{"budget without registry", map[string]string{"preflight.toml": "version = 1\n" + section, "p.yaml": goodConfig}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := LoadBundle(writeBundle(t, c.files))
			var res *preflight.Result
			if err == nil {
				res, err = Controls{}.Check(b, b.Spec("controls"), &preflight.Options{})
			}
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want == "":
				wantFindings(t, res, nil)
			case err == nil:
				t.Fatalf("no error, want %q", c.want)
			default:
				var pe *preflight.Error
				if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
					t.Errorf("error %v (%T), want a *preflight.Error with %q", err, err, c.want)
				}
			}
		})
	}
}

// TestControlsMinMembers: min_members is [controls.revisions]' own, else
// [routes]', else 2.
func TestControlsMinMembers(t *testing.T) {
	config := strings.Replace(goodConfig, "  max_tool_calls: 45\n", "  max_tool_calls: 45\n  reviewer:\n    max_revisions: 3\n    escalate_to: ops-oncall\n", 1)
	revisions := "[controls.revisions]\nmax = \"agent.reviewer.max_revisions\"\nescalate_to = \"agent.reviewer.escalate_to\"\n"
	for _, c := range []struct {
		name, extra, want string
	}{
		{"default 2", "", ""},
		{"own", "min_members = 3\n", "expected at least 3"},
		{"routes", "[routes]\nmin_members = 3\nkeys = [\"**.escalate_to\"]\n", "expected at least 3"},
		{"own over routes", "min_members = 2\n[routes]\nmin_members = 3\nkeys = [\"**.escalate_to\"]\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := mustControls(t, goodBaseline+revisions+c.extra, "p.yaml", config)
			if c.want == "" {
				wantFindings(t, res, nil)
				return
			}
			wantFindings(t, res, []string{"p.yaml:10:18 controls/no-escalation agent.reviewer.escalate_to"})
			wantMessage(t, res, "p.yaml:10:18", c.want)
		})
	}
}

// TestControlsMessagesCiteIncident: every message says the incident the
// control prevents, with its figures (the issue: "each says the number,
// the bound and the incident"), whatever went wrong. Only a cap below
// normal says instead that it stops normal sessions.
func TestControlsMessagesCiteIncident(t *testing.T) {
	figures := []string{"47x", "401s", "8x", "180+", "$47,000"}
	revisions := `[controls.revisions]
max = "agent.reviewer.max_revisions"
escalate_to = "agent.reviewer.escalate_to"
`
	reviewer := func(max, to string) string {
		return strings.Replace(goodConfig, "  max_tool_calls: 45\n", "  max_tool_calls: 45\n  reviewer:\n    max_revisions: "+max+"\n    escalate_to: "+to+"\n", 1)
	}
	noBudget := strings.SplitAfter(goodBaseline, "[controls.budget]\n")[0]
	cases := []struct{ name, section, config string }{
		{"everything out of range", goodBaseline, strings.NewReplacer("360", "120", "tool_calls: 45", "tool_calls: \"45\"",
			"cost_per_session: 1.20", "cost_per_session: 9", "error_rate: 0.06", "error_rate: .nan",
			"session_budget_usd: 1.2", "session_budget_usd: true", "percent: 80", "percent: 90").Replace(goodConfig)},
		{"alerts and caps missing", goodBaseline, "a: 1\n"},
		{"budget limit not a number", goodBaseline, strings.Replace(goodConfig, "monthly_budget_usd: 20000", "monthly_budget_usd: lots", 1)},
		{"budget limit zero", goodBaseline, strings.Replace(goodConfig, "monthly_budget_usd: 20000", "monthly_budget_usd: 0", 1)},
		{"budget alerts not numbers", goodBaseline, goodConfig + "    - percent: \"90\"\n"},
		{"budget without limit or alerts", noBudget, goodConfig},
		{"budget table missing", strings.SplitAfter(goodBaseline, "[controls.budget]\n")[0][:strings.Index(goodBaseline, "[controls.budget]")], goodConfig},
		{"revision cap a float", goodBaseline + revisions, reviewer("3.0", "ops-oncall")},
		{"revision cap a string", goodBaseline + revisions, reviewer("\"3\"", "ops-oncall")},
		{"revision cap 0", goodBaseline + revisions, reviewer("0", "ops-oncall")},
		{"escalation a person", goodBaseline + revisions, reviewer("3", "ana@example.com")},
		{"escalation small", goodBaseline + revisions, reviewer("3", "solo")},
		{"escalation unknown", goodBaseline + revisions, reviewer("3", "humans")},
		{"escalation empty", goodBaseline + revisions, reviewer("3", "\"\"")},
		{"escalation a list", goodBaseline + revisions, reviewer("3", "[ops-oncall]")},
		{"revisions not in the config", goodBaseline + revisions, goodConfig},
		{"revisions not declared", goodBaseline + "[controls.revisions]\n", goodConfig},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustControls(t, c.section, "config/production.yaml", c.config)
			if len(res.Findings) == 0 {
				t.Fatal("no finding")
			}
			for _, f := range res.Findings {
				if slices.ContainsFunc(figures, func(s string) bool { return strings.Contains(f.Message, s) }) {
					continue
				}
				t.Errorf("%s: %q cites no incident figure", f.Rule, f.Message)
			}
		})
	}
}

// TestControlsFileFormat: a config of no known format is exit 2 at the
// manifest line that names it.
func TestControlsFileFormat(t *testing.T) {
	b, err := LoadBundle(writeBundle(t, map[string]string{
		"preflight.toml": "version = 1\n[controls]\nfile = \"limits.txt\"\n",
		"limits.txt":     "a: 1\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Controls{}.Check(b, b.Spec("controls"), &preflight.Options{FailOn: preflight.SeverityError})
	if err == nil {
		t.Fatal("no error")
	}
	const want = `preflight.toml:3:1: controls.file "limits.txt": unsupported config format ".txt"`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want it to contain %q", err, want)
	}
}
