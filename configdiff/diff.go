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
// the leaves under that map or list as present on its side only.
func Diff(staging, production *Tree) ([]Change, error) {
	cl, err := diff.Diff(flatten(staging), flatten(production))
	if err != nil {
		return nil, fmt.Errorf("comparing configurations: %w", err)
	}
	get := func(t *Tree, key string) *Node {
		if t == nil {
			return nil
		}
		return t.index[key]
	}
	changes := make([]Change, 0, len(cl))
	for _, c := range cl {
		if len(c.Path) != 1 {
			return nil, fmt.Errorf("comparing configurations: unexpected change path %q", c.Path)
		}
		key := c.Path[0]
		ch := Change{Key: key, Staging: get(staging, key), Production: get(production, key)}
		switch {
		case ch.Staging != nil && ch.Production != nil:
			ch.Kind = Changed
		case ch.Staging != nil:
			ch.Kind = OnlyStaging
		case ch.Production != nil:
			ch.Kind = OnlyProduction
		default:
			return nil, fmt.Errorf("comparing configurations: key %q is on neither side", key)
		}
		if ch.Staging != nil {
			ch.Path = ch.Staging.Path
		} else {
			ch.Path = ch.Production.Path
		}
		changes = append(changes, ch)
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Key < changes[j].Key })
	return changes, nil
}
