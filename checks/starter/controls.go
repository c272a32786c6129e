package starter

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight/words"
)

// Controls is what init found for the controls gate in one config file:
// keys that look like caps, budgets and alert thresholds. The baseline's
// normals are never guessed: they are the user's own numbers.
type Controls struct {
	File string // bundle-relative

	// Alerts and Caps map a baseline entry (sessions_per_hour, ...) to the
	// key guessed for it.
	Alerts, Caps map[string]string
	BudgetLimit  string   // the budget amount's key
	BudgetAlerts string   // a key glob of the budget's alert percentages
	Revisions    string   // the revision cap's key
	EscalateTo   string   // the escalation target's key
	Other        []string // further keys that look like caps (llm.max_tokens)
}

// baselineNames are the controls gate's four numbers, in its order.
var baselineNames = []string{"sessions_per_hour", "tool_calls_per_session", "cost_per_session", "error_rate"}

func (c *Controls) empty() bool {
	return len(c.Alerts) == 0 && len(c.Caps) == 0 && c.BudgetLimit == "" && c.BudgetAlerts == "" && c.Revisions == "" && len(c.Other) == 0
}

// keys lists every guessed key, for the guess line.
func (c *Controls) keys() []string {
	var ks []string
	for _, name := range baselineNames {
		for _, m := range []map[string]string{c.Alerts, c.Caps} {
			if k := m[name]; k != "" {
				ks = append(ks, k)
			}
		}
	}
	for _, k := range []string{c.BudgetLimit, c.BudgetAlerts, c.Revisions, c.EscalateTo} {
		if k != "" {
			ks = append(ks, k)
		}
	}
	return append(ks, c.Other...)
}

// findControls looks for caps, budgets and alert thresholds in the
// production config of the pair, else in the first config file (shallowest
// first) that has any. Files that do not load are skipped.
func findControls(root string, pair *Pair, configs []string) *Controls {
	files := slices.Clone(configs)
	slices.SortStableFunc(files, byDepth)
	if pair != nil {
		files = append([]string{pair.Production}, files...)
	}
	for _, f := range files {
		t, err := loadConfig(filepath.Join(root, filepath.FromSlash(f)), starterMaxConfig)
		if err != nil {
			continue
		}
		if c := guessControls(t); !c.empty() {
			c.File = f
			return c
		}
	}
	return nil
}

// nodeWords returns the lower-case words of each name segment of a path
// (index segments have none).
func nodeWords(p configdiff.Path) [][]string {
	ws := make([][]string, len(p))
	for i, s := range p {
		if !s.IsIndex {
			ws[i] = configdiff.SplitWords(s.Name)
		}
	}
	return ws
}

func hasWord(ws []string, any ...string) bool {
	return slices.ContainsFunc(ws, func(w string) bool { return slices.Contains(any, w) })
}

// guessControls classifies the numeric leaves of a config by the words of
// their keys: alerts.* thresholds by what they measure, max_* and budget
// keys as caps or the budget, max_revisions as the revision cap; and the
// escalation target by its name.
func guessControls(t *configdiff.Tree) *Controls {
	c := &Controls{Alerts: map[string]string{}, Caps: map[string]string{}}
	set := func(m map[string]string, name, key string) {
		if m[name] == "" {
			m[name] = key
		}
	}
	for _, n := range t.Nodes() {
		ws := nodeWords(n.Path)
		last := ws[len(ws)-1]
		var all []string
		for _, w := range ws {
			all = append(all, w...)
		}
		if n.Kind == configdiff.String && hasWord(last, "escalate", "escalation") {
			if c.EscalateTo == "" {
				c.EscalateTo = n.Key
			}
			continue
		}
		if _, _, ok := t.Number(n); !ok {
			continue
		}
		underAlerts := slices.ContainsFunc(ws[:len(ws)-1], func(w []string) bool { return hasWord(w, "alert", "alerts") }) || hasWord(last, "alert", "alerts")
		money := hasWord(all, "budget", "billing", "cost", "spend")
		switch {
		case hasWord(last, "revision", "revisions"):
			if c.Revisions == "" {
				c.Revisions = n.Key
			}
		case underAlerts && money && hasWord(last, "percent", "pct", "threshold"):
			if c.BudgetAlerts == "" {
				c.BudgetAlerts = indexGlob(n.Path)
			}
		case underAlerts && hasWord(all, "tool", "tools"):
			set(c.Alerts, "tool_calls_per_session", n.Key)
		case underAlerts && hasWord(all, "cost", "spend", "usd"):
			set(c.Alerts, "cost_per_session", n.Key)
		case underAlerts && hasWord(all, "error", "errors"):
			set(c.Alerts, "error_rate", n.Key)
		case underAlerts && hasWord(all, "session", "sessions"):
			set(c.Alerts, "sessions_per_hour", n.Key)
		case hasWord(last, "max", "cap", "limit") && hasWord(all, "tool", "tools"):
			set(c.Caps, "tool_calls_per_session", n.Key)
		case hasWord(last, "budget", "cap", "max", "limit") && hasWord(all, "session", "sessions") && hasWord(all, "budget", "cost", "usd", "spend"):
			set(c.Caps, "cost_per_session", n.Key)
		case hasWord(last, "budget"):
			if c.BudgetLimit == "" {
				c.BudgetLimit = n.Key
			}
		case hasWord(last, "max", "cap") || underAlerts:
			c.Other = append(c.Other, n.Key)
		}
	}
	return c
}

// indexGlob writes a key with every list index as [*]: the glob of the
// same field in each element (billing.alerts[*].percent).
func indexGlob(p configdiff.Path) string {
	var b strings.Builder
	for i, s := range p {
		switch {
		case s.IsIndex:
			b.WriteString("[*]")
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(configdiff.Path{s}.String())
		}
	}
	return b.String()
}

// write writes the commented [controls] starter: the keys found,
// "KEY" where none was, and no normal: the user writes down each one.
func (c *Controls) write(line func(format string, args ...any), teams string) {
	line("# controls: write down what normal looks like before the first deploy; the")
	line("# config's alerts and caps must stay within 3x of it, budget alerts at 50, 80 and")
	line("# 100 %%, at most 3 revision cycles then a team (`preflight explain controls/missing-baseline`).")
	line("# Found keys in %s that look like caps, budgets and alert thresholds.", c.File)
	line("# To enable: uncomment, name the keys left as \"KEY\", and add normal = N to each")
	line("# baseline entry: your own numbers from production logs, never guessed.")
	line("# [controls]")
	line("# file = %s", words.QuoteTOML(c.File))
	line("# [controls.baseline]")
	quote := func(k string) string {
		if k == "" {
			k = "KEY"
		}
		return words.QuoteTOML(k)
	}
	for _, name := range baselineNames {
		entry := "alert = " + quote(c.Alerts[name])
		if name == "tool_calls_per_session" || name == "cost_per_session" {
			entry += ", cap = " + quote(c.Caps[name])
		}
		line("# %-22s = { %s }", name, entry)
	}
	line("# [controls.budget]")
	line("# limit = %s", quote(c.BudgetLimit))
	line("# alerts = %s  # key glob of the thresholds, in percent of the budget", quote(c.BudgetAlerts))
	if c.Revisions != "" || c.EscalateTo != "" {
		line("# [controls.revisions]")
		line("# max = %s", quote(c.Revisions))
		line("# escalate_to = %s  # a team alias of the registry, never one person", quote(c.EscalateTo))
		if teams == "" {
			line("# [controls.revisions] needs a team registry: write teams.toml next to this file")
		}
	}
	for _, k := range c.Other {
		p, _ := configdiff.ParsePath(k)
		if ws := nodeWords(p); len(ws) > 0 && hasWord(ws[len(ws)-1], "tokens", "token") {
			line("# also found %s: it limits one request's tokens, not a session's cost; the cost cap is a per-session budget", k)
			continue
		}
		line("# also found %s: it looks like a cap or a threshold; name it above if it bounds one of the four numbers", k)
	}
}
