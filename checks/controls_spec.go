package checks

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/preflight-gate/preflight/configdiff"
)

// controlsSpec is the [controls] section as the manifest writes it.
type controlsSpec struct {
	File      string                  `toml:"file"`
	MaxRatio  any                     `toml:"max_ratio"`
	Baseline  map[string]baselineSpec `toml:"baseline"`
	Budget    *budgetSpec             `toml:"budget"`
	Revisions *revisionsSpec          `toml:"revisions"`
}

// baselineSpec is one entry of [controls.baseline]: what normal looks like
// for one number, and the config keys of its alert threshold and its cap.
type baselineSpec struct {
	Normal any     `toml:"normal"`
	Alert  *string `toml:"alert"`
	Cap    *string `toml:"cap"`
}

// budgetSpec is [controls.budget]: the config keys of the budget amount and
// of its alert thresholds, in percent of it.
type budgetSpec struct {
	Limit    *string `toml:"limit"`
	Alerts   any     `toml:"alerts"` // a key glob or a list of them
	Required []any   `toml:"required"`
}

// revisionsSpec is [controls.revisions]: the config keys of the revision
// cap and of the team that gets the task after the last revision.
type revisionsSpec struct {
	Max        *string `toml:"max"`
	EscalateTo *string `toml:"escalate_to"`
	MinMembers *int    `toml:"min_members"`
}

// metric is one of the four numbers of the baseline.
type metric struct {
	name   string
	hasCap bool
	unit   string // how a value reads: "%s sessions per hour"
	// incident is what happened when nobody watched this number, the tail
	// of a message.
	incident string
	// capIncident is what happened without a cap, for cap messages.
	capIncident string
}

// metrics are the baseline's four numbers, in the order they are checked.
var metrics = []*metric{
	{
		name:     "sessions_per_hour",
		unit:     "%s sessions per hour",
		incident: "the bulk send was a 47x volume spike, visible in the logs, that no alert fired on",
	},
	{
		name:        "tool_calls_per_session",
		hasCap:      true,
		unit:        "%s tool calls per session",
		incident:    "the orchestration deadlock ran 180+ tool calls per session against a normal 12–15, at 4x the daily cost, before anyone looked",
		capIncident: "the orchestration deadlock ran 180+ tool calls per session against a normal 12–15 with nothing to stop it",
	},
	{
		name:        "cost_per_session",
		hasCap:      true,
		unit:        "%s per session",
		incident:    "the cost explosion ran at 8x for 72 hours before anyone looked",
		capIncident: "the cost explosion ran at 8x the normal cost per session for 72 hours, $47,000, with no per-session ceiling",
	},
	{
		name:     "error_rate",
		unit:     "error rate of %s",
		incident: "the auth cascade's 401s went on for 4 days because nobody had a threshold to cross",
	},
}

func metricNames() string {
	names := make([]string, len(metrics))
	for i, m := range metrics {
		names[i] = m.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// number is an exact decimal with the text people see.
type number struct {
	rat  *big.Rat
	text string
}

// controls is a validated [controls] section.
type controls struct {
	file      string // the config file, as the manifest names it
	fileKey   string // the manifest key that names it: controls.file or configdiff.production
	ratio     number
	baseline  []*baselineEntry // one per metric, in metrics order
	budget    *budgetEntry     // nil without [controls.budget]
	revisions *revisionsEntry  // nil without [controls.revisions]
}

// configKey is a config key the manifest names, with the manifest key that
// names it (for positions).
type configKey struct {
	at   string // the manifest key whose string names it
	path configdiff.Path
	key  string // canonical text
}

// baselineEntry is one metric of the baseline as written.
type baselineEntry struct {
	metric *metric
	at     string // its manifest key: controls.baseline.NAME
	normal *number
	// invalid says why normal is missing or not a positive number; "" when
	// normal is good.
	invalid    string
	hasNormal  bool       // a normal key is written (whatever its value)
	alert, cap *configKey // nil when not declared
}

type budgetEntry struct {
	limit    *configKey // nil when not declared
	alerts   configdiff.GlobSet
	patterns []string // alerts as written
	required []number
}

type revisionsEntry struct {
	max, escalateTo *configKey // nil when not declared
	minMembers      *int       // as written; Load sets the default (teamMinMembers)
}

// failFunc makes the error that stops the run for a malformed section,
// pointing at the manifest key (or, when it is not written, at its nearest
// written parent).
type failFunc func(key, format string, args ...any) error

// locateFunc returns where a manifest key is written; 0, 0 when it is not.
type locateFunc func(key string) (line, col int)

// manifestKey writes the manifest key of a path below [controls].
func manifestKey(names ...string) string {
	p := configdiff.Path{{Name: "controls"}}
	for _, n := range names {
		p = append(p, configdiff.Segment{Name: n})
	}
	return p.String()
}

// defaultRequired are the budget percentages that need an alert when
// [controls.budget] has no required.
var defaultRequired = []number{intNumber(50), intNumber(80), intNumber(100)}

func intNumber(n int64) number {
	return number{rat: big.NewRat(n, 1), text: strconv.FormatInt(n, 10)}
}

// validate checks what the contract makes a malformed section (exit 2) and
// returns the section in checked form. What is a finding, not an error
// (a missing or invalid normal, an undeclared key), is left for the check.
//
// written returns a number as the manifest writes it, exactly and with
// its text ("0.40"), so that it compares as the decimal written and
// messages quote the person's own figures; false when it cannot tell.
func (s *controlsSpec) validate(fail failFunc, locate locateFunc, written func(key string) (number, bool)) (*controls, error) {
	number := func(v any, key string) (number, bool) {
		n, ok := manifestNumber(v)
		if w, wok := written(key); ok && wok {
			n = w
		}
		return n, ok
	}
	c := &controls{file: s.File, ratio: intNumber(3)}
	if s.MaxRatio != nil {
		n, ok := number(s.MaxRatio, manifestKey("max_ratio"))
		if !ok || n.rat.Cmp(big.NewRat(1, 1)) <= 0 {
			return nil, fail(manifestKey("max_ratio"), "max_ratio must be a number over 1 (alerts and caps at most this many times normal), got %s", manifestValue(s.MaxRatio))
		}
		c.ratio = n
	}
	if err := s.validateNames(fail, locate); err != nil {
		return nil, err
	}
	for _, m := range metrics {
		e := &baselineEntry{metric: m, at: manifestKey("baseline", m.name)}
		c.baseline = append(c.baseline, e)
		spec, ok := s.Baseline[m.name]
		if !ok {
			e.invalid = "is not written down"
			continue
		}
		e.hasNormal = spec.Normal != nil
		switch n, ok := number(spec.Normal, e.at+".normal"); {
		case spec.Normal == nil:
			e.invalid = "has no normal"
		case !ok:
			e.invalid = "has a normal that is not a number (" + manifestValue(spec.Normal) + ")"
		case n.rat.Sign() <= 0:
			e.invalid = "has a normal of " + n.text + ", not a positive number"
		default:
			e.normal = &n
		}
		var err error
		if e.alert, err = parseKey(fail, e.at+".alert", spec.Alert, "alert"); err != nil {
			return nil, err
		}
		if spec.Cap != nil && !m.hasCap {
			return nil, fail(e.at+".cap", "%s takes no cap: caps apply to tool_calls_per_session and cost_per_session only", m.name)
		}
		if e.cap, err = parseKey(fail, e.at+".cap", spec.Cap, "cap"); err != nil {
			return nil, err
		}
	}
	if s.Budget != nil {
		b, err := s.Budget.validate(fail, number)
		if err != nil {
			return nil, err
		}
		c.budget = b
	}
	if r := s.Revisions; r != nil {
		e := &revisionsEntry{minMembers: r.MinMembers}
		var err error
		if e.max, err = parseKey(fail, manifestKey("revisions", "max"), r.Max, "max"); err != nil {
			return nil, err
		}
		if e.escalateTo, err = parseKey(fail, manifestKey("revisions", "escalate_to"), r.EscalateTo, "escalate_to"); err != nil {
			return nil, err
		}
		c.revisions = e
	}
	return c, nil
}

// validateNames refuses a baseline entry that is not one of the four
// numbers, the first one written when there are several.
func (s *controlsSpec) validateNames(fail failFunc, locate locateFunc) error {
	var unknown []string
	for name := range s.Baseline {
		if !slices.ContainsFunc(metrics, func(m *metric) bool { return m.name == name }) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.SortFunc(unknown, func(a, b string) int {
		la, ca := locate(manifestKey("baseline", a))
		lb, cb := locate(manifestKey("baseline", b))
		return cmp.Or(cmp.Compare(la, lb), cmp.Compare(ca, cb), cmp.Compare(a, b))
	})
	return fail(manifestKey("baseline", unknown[0]), "unknown baseline entry %q: expected %s", unknown[0], metricNames())
}

func (s *budgetSpec) validate(fail failFunc, number func(v any, key string) (number, bool)) (*budgetEntry, error) {
	b := &budgetEntry{}
	var err error
	if b.limit, err = parseKey(fail, manifestKey("budget", "limit"), s.Limit, "limit"); err != nil {
		return nil, err
	}
	at := manifestKey("budget", "alerts")
	switch v := s.Alerts.(type) {
	case nil:
	case string:
		b.patterns = []string{v}
	case []any:
		if len(v) == 0 {
			return nil, fail(at, "alerts is empty: list the key globs of the budget's alert thresholds, or write one glob")
		}
		for i, e := range v {
			p, ok := e.(string)
			if !ok {
				return nil, fail(fmt.Sprintf("%s[%d]", at, i), "alerts[%d] is %s: expected a key glob of alert thresholds", i, manifestValue(e))
			}
			b.patterns = append(b.patterns, p)
		}
	default:
		return nil, fail(at, "alerts is %s: expected a key glob of the alert thresholds or a list of them", manifestValue(v))
	}
	if len(b.patterns) > 0 {
		set, i, err := configdiff.CompileGlobList(b.patterns)
		if err != nil {
			key := at
			if _, list := s.Alerts.([]any); list && i >= 0 {
				key = fmt.Sprintf("%s[%d]", at, i)
			}
			return nil, fail(key, "alerts: %v", err)
		}
		b.alerts = set
	}
	if s.Required == nil {
		b.required = defaultRequired
		return b, nil
	}
	if len(s.Required) == 0 {
		return nil, fail(manifestKey("budget", "required"), "required is empty: list the percentages of the budget that must have an alert, or omit it for [50, 80, 100]")
	}
	for i, r := range s.Required {
		key := fmt.Sprintf("%s[%d]", manifestKey("budget", "required"), i)
		n, ok := number(r, key)
		if !ok || n.rat.Sign() <= 0 {
			return nil, fail(key, "required[%d] is %s: expected a percentage of the budget over 0", i, manifestValue(r))
		}
		b.required = append(b.required, n)
	}
	return b, nil
}

// parseKey parses the config key a manifest string names; nil when the
// string is not written. what names the manifest field in messages.
func parseKey(fail failFunc, at string, s *string, what string) (*configKey, error) {
	if s == nil {
		return nil, nil
	}
	p, err := configdiff.ParsePath(*s)
	if err != nil {
		return nil, fail(at, "%s: %v: expected one exact config key such as a.b[0].c (only budget alerts take a glob)", what, err)
	}
	return &configKey{at: at, path: p, key: p.String()}, nil
}

// manifestNumber reads a number the manifest writes: an integer, or a
// finite float taken as the shortest decimal that reads back as it, which
// is the decimal written whenever that has at most 15 significant digits.
func manifestNumber(v any) (number, bool) {
	switch v := v.(type) {
	case int64:
		return intNumber(v), true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return number{}, false
		}
		text := strconv.FormatFloat(v, 'g', -1, 64)
		r, ok := new(big.Rat).SetString(text)
		if !ok {
			return number{}, false
		}
		return number{rat: r, text: decimalText(r, 0)}, true
	}
	return number{}, false
}

// manifestValue describes a manifest value for an error message.
func manifestValue(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("a string (%q)", v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return "a boolean (" + strconv.FormatBool(v) + ")"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case nil:
		return "nothing"
	}
	return "a date or time" // the other TOML values: toml.LocalDate, time.Time, ...
}

// decimalText writes r as an exact decimal with at least min places
// ("1.2", "45", "0.06"; with min 2, "1.20"). Products of decimals always
// have one; a number that needs more than 40 places (1e-300, or a ratio
// that is no decimal) is written as the nearest float64 ("3e-300").
func decimalText(r *big.Rat, min int) string {
	ten := new(big.Rat).SetInt64(10)
	scaled := new(big.Rat).Set(r)
	for places := 0; places <= 40; places++ {
		if scaled.IsInt() {
			return r.FloatString(max(places, min))
		}
		scaled.Mul(scaled, ten)
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// places is how many decimal places a number is written with ("0.40": 2).
func places(text string) int {
	if strings.ContainsAny(text, "eE") {
		return 0
	}
	if _, frac, ok := strings.Cut(text, "."); ok {
		return len(frac)
	}
	return 0
}
