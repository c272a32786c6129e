package checks

import "github.com/preflight-gate/preflight/preflight"

const (
	baselineIncident = "No baseline (every incident): each one was visible in the logs before it became an incident — " +
		"the bulk send was a 47x volume spike, the auth cascade 4 days of 401s, the cost explosion 8x the expected cost per session " +
		"for 72 hours ($47,000), the orchestration deadlock 180+ tool calls per session against a normal 12–15 — " +
		"and every signal was missed because nobody had written down what normal looked like. " +
		"The fix: four numbers written down before the first deploy, each with an alert at 3x."
	costCapIncident = "Cost explosion: production ran the expensive model for 72 hours at about 8x the expected cost per session, $47,000, " +
		"with no per-session ceiling and only monthly billing alerts. " +
		"Orchestration deadlock: a reviewer agent rejected an executor's work again and again, 40 to 180+ tool calls per session " +
		"against a normal 12–15, at 4x the daily cost. The fix: caps at most 3x normal, enforced where the sessions run."
	budgetIncident = "Cost explosion: production ran the expensive model for 72 hours, about 8x the expected cost per session, and spent $47,000; " +
		"the only billing alert was monthly, so nobody saw it until the bill. The fix: daily cost alerts at 50 %, 80 % and 100 % of the budget."
	revisionIncident = "Orchestration deadlock: a reviewer agent rejected an executor's work again and again — 40 to 180+ tool calls per session " +
		"against a normal 12–15, 4x the daily cost — because nothing bounded the revision loop and nobody was told. " +
		"The fix: at most 3 revision cycles per task, then escalation to a human team."
)

var (
	ruleControlsMissingBaseline = preflight.Rule{
		ID:       "controls/missing-baseline",
		Severity: preflight.SeverityError,
		Title:    "one of the four baseline numbers is not written down, or its normal is not a positive number",
		Why: "An alert or a cap means something only against a normal: 40 tool calls per session is a deadlock when normal is 12–15 " +
			"and a quiet day when normal is 200. [controls.baseline] writes down the four numbers every deployment has — " +
			"sessions_per_hour, tool_calls_per_session, cost_per_session, error_rate — in the manifest, where a pull request reviews them. " +
			"preflight never guesses them: they come from your own logs or load tests.",
		Incident: baselineIncident,
		Fix: "Add the missing entry to [controls.baseline] with the normal you see in production (or expect, before the first deploy), " +
			"as a positive number: cost_per_session = { normal = 0.40, alert = \"alerts.cost_per_session\", cap = \"gateway.session_budget_usd\" }.",
	}
	ruleControlsNoAlert = preflight.Rule{
		ID:       "controls/no-alert",
		Severity: preflight.SeverityError,
		Title:    "a baseline number has no alert key, or the key is missing from the config or its value is not a number",
		Why: "A normal that nothing watches is a note, not a control. Each baseline number names the config key of its alert threshold " +
			"(alert = \"KEY\"), and the config that ships must hold a number there: a renamed key or a threshold left out of the " +
			"production config means the alert is not there when the spike comes.",
		Incident: baselineIncident,
		Fix: "Name the key in the entry (alert = \"alerts.cost_per_session\") and set it in the config to a number above normal " +
			"and at most max_ratio (default 3) times normal.",
	}
	ruleControlsAlertOutOfRange = preflight.Rule{
		ID:       "controls/alert-out-of-range",
		Severity: preflight.SeverityError,
		Title:    "an alert threshold is not above normal, or more than max_ratio times normal",
		Why: "An alert at or below normal fires on normal traffic; people mute it, and then it misses the real incident. " +
			"An alert far above normal fires only when the incident has run for days: the cost explosion ran at 8x for 72 hours, " +
			"the bulk send was a 47x spike. The contract: normal < alert ≤ max_ratio × normal (max_ratio defaults to 3), " +
			"compared exactly as the decimals are written (0.30 × 3 = 0.90).",
		Incident: baselineIncident,
		Fix: "Set the threshold in the config above the normal and at most max_ratio times it. When the normal itself changed, " +
			"update the baseline in the manifest; when 3x is wrong for this number, set max_ratio and say why in the pull request.",
	}
	ruleControlsNoCap = preflight.Rule{
		ID:       "controls/no-cap",
		Severity: preflight.SeverityError,
		Title:    "the cost_per_session or tool_calls_per_session baseline has no cap key, or the key is missing from the config or its value is not a number",
		Why: "An alert tells someone; a cap stops the session. Cost per session and tool calls per session are the two numbers " +
			"a runaway agent drives up without end, so each needs a hard ceiling enforced where the sessions run (the gateway's " +
			"per-session token budget, the agent's tool-call limit), named in the entry (cap = \"KEY\") and set in the config that ships.",
		Incident: costCapIncident,
		Fix: "Name the config key of the cap in the entry and set it to a number from normal to max_ratio (default 3) times normal: " +
			"tool_calls_per_session = { normal = 15, alert = \"alerts.tool_calls\", cap = \"agent.max_tool_calls\" } with agent.max_tool_calls: 45.",
	}
	ruleControlsCapOutOfRange = preflight.Rule{
		ID:       "controls/cap-out-of-range",
		Severity: preflight.SeverityError,
		Title:    "a cap is below normal, or more than max_ratio times normal",
		Why: "A cap below normal stops ordinary sessions; a cap far above normal stops nothing that matters: production caps copied " +
			"from a load test at 10x normal let a session cost ten times what it should before anything steps in. " +
			"The contract: normal ≤ cap ≤ max_ratio × normal (max_ratio defaults to 3), compared exactly as the decimals are written.",
		Incident: costCapIncident,
		Fix:      "Set the cap in the config from normal to max_ratio times normal; the post-mortem's numbers are a per-session budget at 3x the expected session cost.",
	}
	ruleControlsBudgetAlerts = preflight.Rule{
		ID:       "controls/budget-alerts",
		Severity: preflight.SeverityError,
		Title:    "no [controls.budget], its limit is missing or not a positive number, or its alerts lack a required percentage",
		Why: "A monthly bill is an alert that arrives a month late. [controls.budget] names the config key of the budget amount " +
			"(limit) and the key glob of its alert thresholds in percent of it (alerts); each of required (default 50, 80 and 100) " +
			"must be among the thresholds, compared as numbers, so someone hears at half the budget, again near the end, and when it is gone.",
		Incident: budgetIncident,
		Fix: "Add [controls.budget] with limit = \"KEY\" and alerts = \"GLOB\", and set the missing thresholds in the config " +
			"(the message lists them).",
	}
	ruleControlsRevisionCap = preflight.Rule{
		ID:       "controls/revision-cap",
		Severity: preflight.SeverityError,
		Title:    "with [controls.revisions]: the revision cap key is missing, not an integer, or not in 1..3",
		Why: "A planner/executor/reviewer loop without a bound can go round for as long as the budget lasts: the reviewer rejects, " +
			"the executor retries, and every round costs tool calls. After 3 revision cycles another attempt rarely helps: " +
			"a person should look. [controls.revisions] max names the config key of the cap; its value must be an integer from 1 to 3.",
		Incident: revisionIncident,
		Fix:      "Set the revision cap in the config to 3 or less, and make sure the task escalates to a team after the last revision (escalate_to).",
	}
	ruleControlsNoEscalation = preflight.Rule{
		ID:       "controls/no-escalation",
		Severity: preflight.SeverityError,
		Title:    "with [controls.revisions]: the escalation target is missing, empty, not a registered alias, or too small an alias",
		Why: "A revision cap only helps when the task then reaches someone who can decide. escalate_to names the config key of that " +
			"team; its value is matched like an error route: a registered alias of the team registry (its address or its name) " +
			"with at least min_members members (default: [routes]' value, else 2), never one person, who may be away or gone.",
		Incident: revisionIncident,
		Fix:      "Set the escalation target in the config to a team alias from teams.toml with at least two members.",
	}
)

// controlsRules are the rules of the controls gate, in the contract's order.
var controlsRules = []preflight.Rule{
	ruleControlsMissingBaseline, ruleControlsNoAlert, ruleControlsAlertOutOfRange, ruleControlsNoCap, ruleControlsCapOutOfRange,
	ruleControlsBudgetAlerts, ruleControlsRevisionCap, ruleControlsNoEscalation,
}
