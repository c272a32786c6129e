package checks

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
)

// controlsRun checks a validated [controls] section against the config
// that ships.
type controlsRun struct {
	c        *controls
	manifest string // the manifest's bundle-relative name
	file     string // the config, bundle-relative
	tree     *configdiff.Tree
	secrets  configdiff.GlobSet // the manifest's extra secret globs
	// locate returns where the manifest writes a key (a table, an entry),
	// valuePos where it writes a key's value (the string that names a
	// config key).
	locate, valuePos locateFunc
	judge            aliasJudge // for the escalation target; reg is nil without [controls.revisions]

	res preflight.Result
}

// place is where a finding points.
type place struct {
	file      string
	line, col int
}

// manifestPlace is the first of the manifest keys that is written, or the
// manifest as a whole.
func (r *controlsRun) manifestPlace(keys ...string) place {
	for _, k := range keys {
		if line, col := r.locate(k); line > 0 {
			return place{r.manifest, line, col}
		}
	}
	return place{r.manifest, 0, 0}
}

// keyPlace is where a finding about a named config key points: at its value
// in the config when it has the key, else at the manifest string that names
// it, else at the first written of fallback.
func (r *controlsRun) keyPlace(k *configKey, n *configdiff.Node, fallback ...string) place {
	if n != nil {
		return place{r.file, n.ValuePos.Line, n.ValuePos.Column}
	}
	if k != nil {
		if line, col := r.valuePos(k.at); line > 0 {
			return place{r.manifest, line, col}
		}
	}
	return r.manifestPlace(fallback...)
}

func (r *controlsRun) report(rule preflight.Rule, p place, key, format string, args ...any) {
	f := rule.Finding(p.file, p.line, p.col, fmt.Sprintf(format, args...))
	f.Key = key
	r.res.Findings = append(r.res.Findings, f)
}

// get returns the config node a key names, or nil.
func (r *controlsRun) get(k *configKey) *configdiff.Node {
	if k == nil {
		return nil
	}
	return r.tree.Get(k.key)
}

// show renders a number from the config for a message: as the config
// writes it ("4.00"), or "(secret)".
func (r *controlsRun) show(n *configdiff.Node) string {
	if n.Secret(r.secrets) {
		return n.Display(r.secrets)
	}
	return r.tree.NumberText(n)
}

// kindOf names a value's type, never its text.
func kindOf(n *configdiff.Node) string {
	switch n.Kind {
	case configdiff.Int:
		return "an integer"
	case configdiff.Null:
		return "null"
	case configdiff.Float:
		return "a float (" + n.Text + ")" // only nan and inf are not numbers
	}
	return "a " + n.Kind.String()
}

// run checks every control and records an item for each: the four
// baseline entries, the budget and, when declared, the revisions.
func (r *controlsRun) run() *preflight.Result {
	for _, e := range r.c.baseline {
		r.item("baseline "+e.metric.name, func() { r.baseline(e) })
	}
	r.item("budget", r.budget)
	if r.c.revisions != nil {
		r.item("revisions", r.revisions)
	}
	return &r.res
}

func (r *controlsRun) item(name string, check func()) {
	before := len(r.res.Findings)
	check()
	r.res.Items = append(r.res.Items, preflight.Item{Gate: "controls", Name: name, File: r.file, Findings: len(r.res.Findings) - before})
}

const noBaseline = "every incident was visible in the logs (a 47x volume spike, 4 days of 401s, 8x cost per session) against a normal nobody had written down"

func (r *controlsRun) baseline(e *baselineEntry) {
	m := e.metric
	if e.normal == nil {
		var at place
		if e.hasNormal {
			at = r.manifestPlace(e.at+".normal", manifestKey("baseline"), manifestKey())
		} else {
			at = r.manifestPlace(manifestKey("baseline"), manifestKey())
		}
		entry := m.name + ` = { normal = N, alert = "KEY" }`
		if m.hasCap {
			entry = m.name + ` = { normal = N, alert = "KEY", cap = "KEY" }`
		}
		r.report(ruleControlsMissingBaseline, at, "", "baseline %s %s: write down what normal looks like before the first deploy (%s, N a positive number); %s",
			m.name, e.invalid, entry, noBaseline)
		return
	}
	upper := new(big.Rat).Mul(e.normal.rat, r.c.ratio.rat)
	alertBound.check(r, e, e.alert, upper, m.incident)
	if m.hasCap {
		capBound.check(r, e, e.cap, upper, m.capIncident)
	}
}

// normalText is "the normal 0.4 per session".
func normalText(e *baselineEntry) string {
	return "the normal " + fmt.Sprintf(e.metric.unit, e.normal.text)
}

// bound is what a config key of a baseline entry is checked as: an alert
// threshold (normal < alert ≤ max_ratio × normal) or a cap (normal ≤ cap ≤
// max_ratio × normal).
type bound struct {
	field      string         // the entry's field: "alert" or "cap"
	missing    preflight.Rule // no key declared, absent from the config, or not a number
	outOfRange preflight.Rule
	strict     bool   // the value must be above normal, not only at least normal
	declare    string // what the key names, for "name the config key of ..."
	noun       string // what the value is: "a threshold", "a limit"
	absent     string // what goes wrong without the key in the config
	low        string // what goes wrong at or below normal
}

var (
	alertBound = bound{
		field: "alert", missing: ruleControlsNoAlert, outOfRange: ruleControlsAlertOutOfRange, strict: true,
		declare: "its alert threshold", noun: "a threshold", absent: "nothing alerts on it",
		low: "so it fires on normal traffic and gets muted",
	}
	capBound = bound{
		field: "cap", missing: ruleControlsNoCap, outOfRange: ruleControlsCapOutOfRange,
		declare: "its hard limit", noun: "a limit", absent: "nothing stops a runaway session",
		low: "so it stops normal sessions",
	}
)

// check checks the config value the key k names against normal and upper
// (max_ratio × normal); incident ends the messages that explain why the
// bound matters.
func (bd bound) check(r *controlsRun, e *baselineEntry, k *configKey, upper *big.Rat, incident string) {
	m, ratio, normal, most := e.metric, r.c.ratio.text, e.normal.text, decimalText(upper, places(e.normal.text))
	lowest, bounds := "at least", fmt.Sprintf("from %s to %s (%sx)", normal, most, ratio)
	if bd.strict {
		lowest, bounds = "more than", fmt.Sprintf("above %s and at most %s (%sx)", normal, most, ratio)
	}
	if k == nil {
		r.report(bd.missing, r.manifestPlace(e.at), "", `baseline %s has no %s: name the config key of %s (%s = "KEY"), %s; %s`,
			m.name, bd.field, bd.declare, bd.field, bounds, incident)
		return
	}
	n := r.get(k)
	if n == nil {
		r.report(bd.missing, r.keyPlace(k, nil, e.at), k.key, "%s %s for %s is not in %s: %s; set it %s; %s",
			bd.field, k.key, m.name, r.file, bd.absent, bounds, incident)
		return
	}
	v, _, ok := r.tree.Number(n)
	if !ok {
		r.report(bd.missing, r.keyPlace(k, n), k.key, "%s %s for %s is %s, not a number: expected %s %s; %s",
			bd.field, k.key, m.name, kindOf(n), bd.noun, bounds, incident)
		return
	}
	switch c := v.Cmp(e.normal.rat); {
	case c < 0 || c == 0 && bd.strict:
		below, why := "below", ""
		if bd.strict { // a muted alert is no alert: the incident runs unseen
			below, why = "not above", "; "+incident
		}
		r.report(bd.outOfRange, r.keyPlace(k, n), k.key, "%s is %s: %s %s, %s; expected %s %s and at most %s (%sx)%s",
			k.key, r.show(n), below, normalText(e), bd.low, lowest, normal, most, ratio, why)
	case v.Cmp(upper) > 0:
		r.report(bd.outOfRange, r.keyPlace(k, n), k.key, "%s is %s: more than %sx %s (at most %s); %s",
			k.key, r.show(n), ratio, normalText(e), most, incident)
	}
}

const budgetWhy = "the cost explosion spent $47,000 in 72 hours and showed only on the monthly bill"

// percents writes "50 %, 80 % and 100 %".
func percents(ns []number) string {
	texts := make([]string, len(ns))
	for i, n := range ns {
		texts[i] = n.text + " %"
	}
	if len(texts) == 1 {
		return texts[0]
	}
	return strings.Join(texts[:len(texts)-1], ", ") + " and " + texts[len(texts)-1]
}

func (r *controlsRun) budget() {
	b := r.c.budget
	if b == nil {
		r.report(ruleControlsBudgetAlerts, r.manifestPlace(manifestKey()), "", `no [controls.budget]: name the config keys of the budget (limit = "KEY") and of its alert thresholds in percent of it (alerts = "GLOB"), at %s; %s`,
			percents(defaultRequired), budgetWhy)
		return
	}
	n := r.get(b.limit)
	at := r.keyPlace(b.limit, n, manifestKey("budget"), manifestKey())
	switch {
	case b.limit == nil:
		r.report(ruleControlsBudgetAlerts, at, "", `[controls.budget] has no limit: name the config key of the budget amount (limit = "KEY"), which the alerts are percentages of; %s`, budgetWhy)
	case n == nil:
		r.report(ruleControlsBudgetAlerts, at, b.limit.key, "budget limit %s is not in %s: the alerts have no budget to measure against; %s", b.limit.key, r.file, budgetWhy)
	default:
		if v, _, ok := r.tree.Number(n); !ok {
			r.report(ruleControlsBudgetAlerts, at, b.limit.key, "budget limit %s is %s, not a number: expected the budget amount, a positive number; %s", b.limit.key, kindOf(n), budgetWhy)
		} else if v.Sign() <= 0 {
			r.report(ruleControlsBudgetAlerts, at, b.limit.key, "budget limit %s is %s: expected a positive budget amount; %s", b.limit.key, r.show(n), budgetWhy)
		}
	}
	key := ""
	if b.limit != nil && n != nil {
		key = b.limit.key
	}
	if len(b.alerts) == 0 {
		r.report(ruleControlsBudgetAlerts, at, key, `[controls.budget] has no alerts: name the key glob of the budget's alert thresholds, in percent of it (alerts = "GLOB"), with %s among them; %s`,
			percents(b.required), budgetWhy)
		return
	}
	var found []*big.Rat
	var foundText []number
	var bad []string
	for _, node := range r.tree.Nodes() {
		if !b.alerts.Match(node.Path) {
			continue
		}
		v, _, ok := r.tree.Number(node)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s is %s, not a percentage", node.Key, kindOf(node)))
			continue
		}
		found = append(found, v)
		foundText = append(foundText, number{rat: v, text: r.show(node)})
	}
	var missing []number
	for _, q := range b.required {
		hit := false
		for _, v := range found {
			if v.Cmp(q.rat) == 0 {
				hit = true
				break
			}
		}
		if !hit {
			missing = append(missing, q)
		}
	}
	if len(missing) == 0 && len(bad) == 0 {
		return
	}
	globs := strings.Join(b.patterns, ", ")
	var has string
	switch {
	case len(found) == 0 && len(bad) == 0:
		has = fmt.Sprintf("%s matches no key in %s", globs, r.file)
	case len(found) == 0:
		has = globs + " has no percentage"
	default:
		has = fmt.Sprintf("%s has %s", globs, percents(foundText))
	}
	if len(bad) > 0 {
		has += "; " + strings.Join(bad, "; ")
	}
	if len(missing) == 0 {
		r.report(ruleControlsBudgetAlerts, at, key, "budget alerts are not all percentages: %s; %s", has, budgetWhy)
		return
	}
	r.report(ruleControlsBudgetAlerts, at, key, "budget alerts lack %s: %s; %s", percents(missing), has, budgetWhy)
}

// escalationWhy ends the escalation messages.
const escalationWhy = "in the orchestration deadlock nobody was told while the loop ran to 180+ tool calls per session: after the last revision a team decides"

const revisionWhy = "in the orchestration deadlock a reviewer rejected the executor's work again and again, 40 to 180+ tool calls per session at 4x the daily cost: after 3 cycles a person decides"

func (r *controlsRun) revisions() {
	v := r.c.revisions
	table := []string{manifestKey("revisions"), manifestKey()}
	k := v.max
	n := r.get(k)
	switch {
	case k == nil:
		r.report(ruleControlsRevisionCap, r.manifestPlace(table...), "", `[controls.revisions] has no max: name the config key of the revision cap (max = "KEY"), 1 to 3; %s`, revisionWhy)
	case n == nil:
		r.report(ruleControlsRevisionCap, r.keyPlace(k, nil, table...), k.key, "revision cap %s is not in %s: the revision loop is unbounded; set it to 1 to 3; %s", k.key, r.file, revisionWhy)
	default:
		num, integer, ok := r.tree.Number(n)
		switch {
		case !ok || !integer:
			what := kindOf(n)
			if ok {
				what = "a float (" + r.show(n) + ")"
			}
			r.report(ruleControlsRevisionCap, r.keyPlace(k, n), k.key, "revision cap %s is %s: expected an integer from 1 to 3; %s", k.key, what, revisionWhy)
		case num.Cmp(big.NewRat(1, 1)) < 0:
			r.report(ruleControlsRevisionCap, r.keyPlace(k, n), k.key, "revision cap %s is %s: expected 1 to 3 (0 or less often means no limit at all); %s", k.key, r.show(n), revisionWhy)
		case num.Cmp(big.NewRat(3, 1)) > 0:
			r.report(ruleControlsRevisionCap, r.keyPlace(k, n), k.key, "revision cap %s is %s: more than 3 revision cycles; %s", k.key, r.show(n), revisionWhy)
		}
	}

	k = v.escalateTo
	n = r.get(k)
	switch {
	case k == nil:
		r.report(ruleControlsNoEscalation, r.manifestPlace(table...), "", `[controls.revisions] has no escalate_to: name the config key of the team that gets the task after the last revision (escalate_to = "KEY"); %s`, escalationWhy)
	case n == nil:
		r.report(ruleControlsNoEscalation, r.keyPlace(k, nil, table...), k.key, "escalation %s is not in %s: after the last revision the task reaches nobody; set it to a team alias; %s", k.key, r.file, escalationWhy)
	case n.Kind != configdiff.String:
		r.report(ruleControlsNoEscalation, r.keyPlace(k, n), k.key, "escalation %s is %s: expected a team alias address; %s", k.key, kindOf(n), escalationWhy)
	default:
		verdict, msg := r.judge.judge(n.Text, n.Secret(r.secrets), "escalation "+k.key, "escalated tasks", "escalate to")
		if verdict == aliasOK {
			return
		}
		r.report(ruleControlsNoEscalation, r.keyPlace(k, n), k.key, "%s; %s", msg, escalationWhy)
	}
}
