package checks

import (
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// Controls is the controls gate: the manifest writes down what normal looks
// like (four baseline numbers, a budget, a revision cap) and the config
// that ships must alert and cap near it (the no-baseline finding of every
// incident, the cost explosion and the orchestration deadlock).
type Controls struct{}

// Info declares the controls gate: the [controls] section. It needs the
// team registry only with [controls.revisions], which Load checks.
func (Controls) Info() preflight.GateInfo {
	return preflight.GateInfo{
		Name:    "controls",
		Section: "controls",
		Spec:    controlsSpec{},
		Rules:   controlsRules,
	}
}

// Load validates [controls] (exit 2 for what the contract calls malformed),
// resolves the config file (file, else configdiff's production) and, with
// [controls.revisions], the registry and min_members ([routes]' value,
// else 2).
func (Controls) Load(b *preflight.Bundle, section any) (any, error) {
	spec := section.(*controlsSpec)
	c, err := spec.validate(func(key, format string, args ...any) error {
		return b.ManifestError(key, format, args...)
	}, b.Pos, func(key string) (number, bool) {
		t := b.ManifestTree()
		n := t.Get(key)
		if r, _, ok := t.Number(n); ok {
			return number{rat: r, text: t.NumberText(n)}, true
		}
		return number{}, false
	})
	if err != nil {
		return nil, err
	}
	c.fileKey = manifestKey("file")
	if c.file == "" {
		if _, written := b.Pos(c.fileKey); written > 0 {
			return nil, b.ManifestError(c.fileKey, "controls.file is empty: name the config that holds the caps and alert thresholds")
		}
		cd := ConfigdiffOf(b)
		if cd == nil || cd.Production == "" {
			return nil, b.ManifestError(manifestKey(), "[controls] needs file: the config that holds the caps and alert thresholds (or a [configdiff] production file to use)")
		}
		c.file, c.fileKey = cd.Production, "configdiff.production"
	}
	if r := c.revisions; r != nil {
		var err error
		if r.minMembers, err = teamMinMembers(b, manifestKey("revisions", "min_members"), r.minMembers); err != nil {
			return nil, err
		}
		if _, err := b.Teams(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Check reads the config and checks every control against it.
func (Controls) Check(b *preflight.Bundle, spec any, _ *preflight.Options) (*preflight.Result, error) {
	c := spec.(*controls)
	tree, err := b.Config(c.fileKey, c.file)
	if err != nil {
		return nil, err
	}
	r := &controlsRun{
		c:        c,
		manifest: preflight.ManifestName,
		file:     words.Rel(c.file),
		tree:     tree,
		secrets:  SecretGlobs(b),
		locate:   b.Pos,
		valuePos: b.ValuePos,
	}
	if c.revisions != nil {
		reg, err := b.Teams()
		if err != nil {
			return nil, err
		}
		r.judge = aliasJudge{reg: reg, teams: b.Manifest.Teams, minMembers: *c.revisions.minMembers}
	}
	return r.run(), nil
}
