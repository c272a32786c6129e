package configdiff

import (
	"fmt"
	"sort"

	"github.com/r3labs/diff/v3"
)

// ChangeKind tells how a key differs.
type ChangeKind uint8

// The kinds of differences.
const (
	Changed ChangeKind = iota
	OnlyStaging
	OnlyProduction
)

// String returns "changed", "only in staging" or "only in production".
func (k ChangeKind) String() string {
	switch k {
	case Changed:
		return "changed"
	case OnlyStaging:
		return "only in staging"
	case OnlyProduction:
		return "only in production"
	}
	return fmt.Sprintf("ChangeKind(%d)", uint8(k))
}

// Change is one difference between staging and production.
type Change struct {
	Key                 string
	Path                Path
	Kind                ChangeKind
	Staging, Production *Node // nil when absent
}

// flatten maps every leaf's key to its type-tagged canonical value.
func flatten(t *Tree) map[string]string {
	m := map[string]string{}
	if t == nil {
		return m
	}
	for _, n := range t.leaves {
		m[n.Key] = n.Kind.String() + ":" + n.Text
	}
	return m
}

// Diff returns the differences between two trees, one per leaf, sorted by
// key. A leaf on one side where the other side has a non-empty map or list
// is reported as changed (with that map or list as the other side), and
// the leaves under that map or list as present on its side only. Values
// compare by their type-tagged canonical text (r3labs/diff), so 1 and "1"
// differ; it cannot fail.
func Diff(staging, production *Tree) []Change {
	s, p := flatten(staging), flatten(production)
	keys := make([]string, 0, len(s)+len(p))
	for k := range s {
		keys = append(keys, k)
	}
	for k := range p {
		if _, ok := s[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	get := func(t *Tree, key string) *Node {
		if t == nil {
			return nil
		}
		return t.index[key]
	}
	var changes []Change
	for _, key := range keys {
		sv, inS := s[key]
		pv, inP := p[key]
		if inS && inP && !diff.Changed(sv, pv) {
			continue
		}
		// A key of either flattened tree is a leaf of that tree, so at
		// least one side is set.
		ch := Change{Key: key, Staging: get(staging, key), Production: get(production, key)}
		switch {
		case ch.Staging != nil && ch.Production != nil:
			ch.Kind, ch.Path = Changed, ch.Staging.Path
		case ch.Staging != nil:
			ch.Kind, ch.Path = OnlyStaging, ch.Staging.Path
		default:
			ch.Kind, ch.Path = OnlyProduction, ch.Production.Path
		}
		changes = append(changes, ch)
	}
	return changes
}
