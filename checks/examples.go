package checks

import "embed"

// examples holds, for each rule GATE/NAME, the file examples/GATE/NAME.txt:
// the rule's fail and pass fixtures (testdata/rules/GATE/NAME/{fail,pass})
// and the findings the fail one produces, as `preflight explain` shows them.
// The fixtures live outside this package, so TestRuleFixtures in
// cmd/preflight renders them here (go test ./cmd/preflight -update) and
// fails when a file is out of date; embedding the result keeps an installed
// binary self-contained.
//
//go:embed examples
var examples embed.FS

// Example returns the example of a rule, taken from its fixtures: a "Fails:"
// and a "Passes:" section, or "" when the rule has none.
func Example(id string) string {
	data, err := examples.ReadFile("examples/" + id + ".txt")
	if err != nil {
		return ""
	}
	return string(data)
}
