package checks

import (
	"fmt"
	"strings"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// DefaultRouteKeys are the key globs whose values are error routes when the
// manifest's [routes] section has no keys.
var DefaultRouteKeys = []string{
	"**.on_error.notify",
	"**.on_error.email",
	"**.on_failure.notify",
	"**.on_failure.email",
	"**.error_email",
	"**.alert_email",
	"**.notify_on_error",
	"**.notify_on_failure",
	"**.error_notifications",
	"**.failure_notifications",
}

const routesIncident = "Auth cascade: 14 workflows sent their error notifications to one employee's own address. " +
	"The employee left, the mailbox was closed, and every failure went unseen for 4 days."

var (
	ruleRoutesNotTeamAlias = preflight.Rule{
		ID:       "routes/not-team-alias",
		Severity: preflight.SeverityError,
		Title:    "an error route is not a registered team alias",
		Why: "An error route that names a person stops working the day that person leaves, changes team or is on holiday, " +
			"and nothing tells anyone: the failures still go somewhere, just not to someone who will act. " +
			"Only a team alias from the registry (teams.toml) outlives one person.",
		Incident: routesIncident,
		Fix: "Route the errors to a team alias of the registry, by its address or its name. When the value is a member's own " +
			"address, the message names the member's alias. When no alias fits, add one to teams.toml with at least two members.",
	}
	ruleRoutesSmallAlias = preflight.Rule{
		ID:       "routes/small-alias",
		Severity: preflight.SeverityError,
		Title:    "an error route's alias has fewer members than min_members",
		Why: "An alias with one member is a person with extra steps: when that member leaves, the alias reaches no one. " +
			"An error route needs an alias that still reaches someone after one person leaves (min_members in [routes], default 2).",
		Incident: routesIncident,
		Fix:      "Add members to the alias in teams.toml, or route the errors to a larger alias.",
	}
	ruleRoutesNoRoute = preflight.Rule{
		ID:       "routes/no-route",
		Severity: preflight.SeverityError,
		Title:    "a route key glob matches nothing, or a route value is empty or not a string",
		Why: "A gate that finds no route checks nothing: a renamed key or a typo in a glob would let every route through unchecked. " +
			"An empty route, a null or a number sends the errors nowhere. " +
			"Each glob listed in [routes] keys must match a key in some route file; with the built-in globs, at least one of them must. " +
			"A matched value must be a non-empty string (one route) or a list of non-empty strings (one route each).\n" +
			"The built-in globs, used when [routes] has no keys:\n  " + strings.Join(DefaultRouteKeys, "\n  "),
		Incident: routesIncident,
		Fix: "Point the glob at the keys that hold your error routes (see `preflight diff` for the keys as preflight writes them), " +
			"or list them in [routes] keys; give every route a team alias address.",
	}
)

// RoutesSpec is the [routes] section.
type RoutesSpec struct {
	Files      []string `toml:"files"`
	Keys       []string `toml:"keys"`
	MinMembers *int     `toml:"min_members"` // default 2, set by Load

	custom bool               // Keys are the manifest's, not DefaultRouteKeys
	globs  []*configdiff.Glob // Keys (or DefaultRouteKeys), compiled
	named  []routeFile        // the route files as the manifest names them
}

// Routes is the routes gate: every error route in the route files must
// point to a registered team alias with at least min_members members,
// never to a person (the auth-cascade incident).
type Routes struct{}

// Info declares the routes gate: the [routes] section; it needs the team
// registry.
func (Routes) Info() preflight.GateInfo {
	return preflight.GateInfo{
		Name:     "routes",
		Section:  "routes",
		Spec:     RoutesSpec{},
		Rules:    []preflight.Rule{ruleRoutesNotTeamAlias, ruleRoutesSmallAlias, ruleRoutesNoRoute},
		Registry: true,
	}
}

// RoutesOf returns the bundle's [routes] section, or nil when the manifest
// has none.
func RoutesOf(b *preflight.Bundle) *RoutesSpec {
	s, _ := b.Spec("routes").(*RoutesSpec)
	return s
}

// routeFile is a config file that holds error routes.
type routeFile struct {
	key  string // the manifest key that names it
	rel  string // bundle-relative, slash-separated
	tree *configdiff.Tree
}

// Load checks the [routes] section: min_members, the key globs (compiled)
// and the route files: [routes] files, or the [configdiff] production
// file when files is omitted.
func (Routes) Load(b *preflight.Bundle, section any) (any, error) {
	spec := section.(*RoutesSpec)
	var err error
	if spec.MinMembers, err = teamMinMembers(b, "routes.min_members", spec.MinMembers); err != nil {
		return nil, err
	}
	keys := spec.Keys
	spec.custom = len(keys) > 0
	if !spec.custom {
		if line, _ := b.Pos("routes.keys"); line > 0 {
			return nil, b.ManifestError("routes.keys", "routes.keys is empty: list the key globs of your error routes, or omit keys to use the built-in ones")
		}
		keys = DefaultRouteKeys
	}
	globs, err := compileGlobs(b, "routes.keys", keys)
	if err != nil {
		return nil, err
	}
	spec.globs = globs
	written, _ := b.Pos("routes.files")
	cd := ConfigdiffOf(b)
	switch {
	case len(spec.Files) > 0:
		for i, f := range spec.Files {
			spec.named = append(spec.named, routeFile{key: fmt.Sprintf("routes.files[%d]", i), rel: f})
		}
	case written > 0: // files = []
		return nil, b.ManifestError("routes.files", "routes.files is empty: list the config files that hold error routes")
	case cd != nil && cd.Production != "":
		spec.named = append(spec.named, routeFile{key: "configdiff.production", rel: cd.Production})
	default:
		return nil, b.ManifestError("routes", "[routes] needs files: the config files that hold error routes (or a [configdiff] production file to use)")
	}
	return spec, nil
}

// Check finds every error route in the route files and checks it against
// the team registry.
func (Routes) Check(b *preflight.Bundle, s any, _ *preflight.Options) (*preflight.Result, error) {
	spec := s.(*RoutesSpec)
	files, err := routeFiles(b, spec)
	if err != nil {
		return nil, err
	}
	reg, err := b.Teams()
	if err != nil {
		return nil, err
	}
	keys, globs := spec.Keys, spec.globs
	if !spec.custom {
		keys = DefaultRouteKeys
	}
	secrets := SecretGlobs(b)

	res := &preflight.Result{}
	matched := make([]bool, len(globs))
	for _, f := range files {
		c := &routeChecker{aliasJudge: aliasJudge{reg: reg, teams: b.Manifest.Teams, minMembers: *spec.MinMembers}, file: f.rel, secrets: secrets}
		for _, n := range f.tree.Nodes() {
			hit := false
			for i, g := range globs {
				if g.Match(n.Path) {
					matched[i] = true
					hit = true
				}
			}
			if hit && !c.done[n] {
				before := len(c.findings)
				c.node(n)
				res.Items = append(res.Items, preflight.Item{Gate: "routes", Name: n.Key + " in " + f.rel, File: f.rel, Findings: len(c.findings) - before})
			}
		}
		res.Findings = append(res.Findings, c.findings...)
	}

	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.rel
	}
	in := strings.Join(names, ", ")
	if spec.custom {
		for i, ok := range matched {
			if ok {
				continue
			}
			line, col := b.Pos(fmt.Sprintf("routes.keys[%d]", i))
			res.Findings = append(res.Findings, ruleRoutesNoRoute.Finding(preflight.ManifestName, line, col,
				fmt.Sprintf("key glob %q matches no key in %s: no error route found; correct the glob or remove it", keys[i], in)))
		}
	} else if !anyTrue(matched) {
		line, col := b.Pos("routes")
		res.Findings = append(res.Findings, ruleRoutesNoRoute.Finding(preflight.ManifestName, line, col,
			fmt.Sprintf("no error route found in %s: none of the built-in key globs matches (see `preflight explain routes/no-route`); list the keys of your error routes in [routes] keys", in)))
	}
	return res, nil
}

// routeFiles loads the route files, each once.
func routeFiles(b *preflight.Bundle, spec *RoutesSpec) ([]routeFile, error) {
	var files []routeFile
	seen := map[string]bool{}
	for _, f := range spec.named {
		f.rel = words.Rel(f.rel)
		if seen[f.rel] {
			continue
		}
		seen[f.rel] = true
		t, err := b.Config(f.key, f.rel)
		if err != nil {
			return nil, err
		}
		f.tree = t
		files = append(files, f)
	}
	return files, nil
}

func anyTrue(bs []bool) bool {
	for _, b := range bs {
		if b {
			return true
		}
	}
	return false
}

// routeChecker checks the routes of one file.
type routeChecker struct {
	aliasJudge
	file     string
	secrets  configdiff.GlobSet        // the manifest's secrets globs
	done     map[*configdiff.Node]bool // list elements already checked as routes
	findings []preflight.Finding
}

func (c *routeChecker) report(r preflight.Rule, n *configdiff.Node, format string, args ...any) {
	f := r.Finding(c.file, n.ValuePos.Line, n.ValuePos.Column, fmt.Sprintf(format, args...))
	f.Key = n.Key
	c.findings = append(c.findings, f)
}

// node checks a node a route glob matched: a string is one route, a list
// of strings one route per element; anything else is no route.
func (c *routeChecker) node(n *configdiff.Node) {
	if c.done[n] {
		return
	}
	switch n.Kind {
	case configdiff.String:
		c.route(n, "route "+n.Key)
	case configdiff.List:
		if len(n.Children) == 0 {
			c.report(ruleRoutesNoRoute, n, "route %s is an empty list: errors go nowhere; expected a team alias address", n.Key)
			return
		}
		if c.done == nil {
			c.done = map[*configdiff.Node]bool{}
		}
		for i, e := range n.Children {
			c.done[e] = true
			subject := fmt.Sprintf("element %d of route %s", i+1, n.Key)
			if e.Kind != configdiff.String {
				c.report(ruleRoutesNoRoute, e, "%s is %s: expected a team alias address", subject, c.describeValue(e))
				continue
			}
			c.route(e, subject)
		}
	default:
		c.report(ruleRoutesNoRoute, n, "route %s is %s: expected a team alias address or a list of them", n.Key, c.describeValue(n))
	}
}

// route checks one string route; subject names it in messages.
func (c *routeChecker) route(n *configdiff.Node, subject string) {
	verdict, msg := c.judge(n.Text, n.Secret(c.secrets), subject, "errors", "route it to")
	switch verdict {
	case aliasEmpty:
		c.report(ruleRoutesNoRoute, n, "%s", msg)
	case aliasUnknown:
		c.report(ruleRoutesNotTeamAlias, n, "%s", msg)
	case aliasTooSmall:
		c.report(ruleRoutesSmallAlias, n, "%s", msg)
	}
}

// describeValue names a value that is not a route: its kind, and its
// value through configdiff's safe rendering.
func (c *routeChecker) describeValue(n *configdiff.Node) string {
	switch n.Kind {
	case configdiff.Null, configdiff.Map, configdiff.List, configdiff.String:
		return n.Describe()
	}
	return n.Describe() + " (" + n.Display(c.secrets) + ")"
}

// SecretGlobs returns the manifest's [configdiff] secrets globs,
// compiled at load, which every gate that prints a config value honours;
// none without a [configdiff] section.
func SecretGlobs(b *preflight.Bundle) configdiff.GlobSet {
	if cd := ConfigdiffOf(b); cd != nil {
		return cd.secrets
	}
	return nil
}
