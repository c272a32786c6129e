// Package checks holds preflight's gates, one file (or a few) each, and
// the one ordered list of them, [Gates], that the command line hands to the
// engine. Each gate owns its manifest section (decoded into its own spec
// type and checked when the bundle loads), its rules and their fixtures,
// and, where people sign, its table of the sign-off file and its part of
// `preflight signoff`. What several gates share lives here once: the team
// alias judgement (aliasJudge, teamMinMembers), key globs (compileGlobs),
// the secrets every printed value honours (SecretGlobs).
//
//   - configdiff: every staging-vs-production difference needs a sign-off
//     bound to the exact values (the cost-explosion incident).
//   - bulk: a bulk input's rows are counted, de-duplicated, checked for a
//     header treated as data, previewed and approved (the bulk-send incident).
//   - routes: every error route reaches a team alias of at least two
//     members, never one person (the auth-cascade incident).
//   - controls: the manifest writes down what normal looks like and the
//     config's alerts and caps must stay within 3x of it, with budget alerts
//     and a bounded revision loop (no baseline, cost explosion, deadlock).
//   - schedules: every scheduled GitHub Actions workflow has a failure
//     notice that reaches a team, and a weekly watcher checks that each one
//     ran (the auth-cascade incident).
//   - mcp: every MCP server pinned to exact content, its tool list
//     approved by a person and bound to a digest, hidden instructions
//     refused (the MCP-poisoning incident).
//
// A gate's rule GATE/NAME is the package variable ruleGateName (the rule
// bulk/duplicate-key is ruleBulkDuplicateKey), and has two fixtures,
// testdata/rules/GATE/NAME/{fail,pass}, from which `preflight explain`
// takes its example (see [Example]).
package checks

import "github.com/preflight-gate/preflight/preflight"

// Gates returns every gate, in the order they run and report.
func Gates() []preflight.Gate {
	return []preflight.Gate{Configdiff{}, Bulk{}, Routes{}, Controls{}, Schedules{}, MCP{}}
}

// Rules returns the metadata of every rule of every gate, in gate order.
func Rules() []preflight.Rule {
	var rules []preflight.Rule
	for _, g := range Gates() {
		rules = append(rules, g.Info().Rules...)
	}
	return rules
}

// Rule returns the metadata of the rule with the given id.
func Rule(id string) (preflight.Rule, bool) {
	for _, r := range Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return preflight.Rule{}, false
}

// LoadBundle loads the bundle in dir for every gate: the manifest may
// write any gate's section.
func LoadBundle(dir string) (*preflight.Bundle, error) {
	return preflight.LoadBundle(dir, Gates())
}
