package main

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// loaded is one bundle of a run: loaded, or the *Error that stopped it.
type loaded struct {
	dir  string
	b    *preflight.Bundle // nil when the manifest could not be read
	err  *preflight.Error
	name string
}

// runSet is the bundles one command runs over, and which form its
// reports take.
type runSet struct {
	several bool
	bundles []*loaded
}

// loadBundles finds and loads the bundles of a run over args (SPEC
// "Several bundles"): the one-bundle form when exactly one DIR is given
// (or defaulted to .), it holds a preflight.toml and several is not
// forced (--changed-since); otherwise every bundle in or below each DIR.
// A bundle that cannot be loaded is kept with its error; errors of the run
// itself (no bundle, --root, two bundles of one name) are returned.
func (a *app) loadBundles(args []string, root string, forceSeveral bool) (*runSet, error) {
	dirs := args
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	rs := &runSet{several: forceSeveral || len(dirs) != 1 || !preflight.HasManifest(dirs[0])}
	folders := dirs
	if rs.several {
		var err error
		if folders, err = preflight.Discover(dirs); err != nil {
			return nil, err
		}
	}
	if root != "" {
		if err := preflight.CheckRoot(root, folders); err != nil {
			return nil, err
		}
	}
	names := map[string]string{}
	for _, dir := range folders {
		l := &loaded{dir: dir}
		b, err := preflight.Load(dir, a.gates, preflight.LoadOptions{Root: root})
		switch {
		case err == nil:
		case !errors.As(err, &l.err):
			return nil, err // a bug: exit 3
		}
		l.b = b
		if b != nil {
			l.dir, l.name = b.Dir, b.Name()
			if l.err != nil {
				l.b = nil
			}
		} else {
			abs, _ := filepath.Abs(dir)
			l.dir, l.name = words.DisplayDir(dir), filepath.Base(abs)
		}
		if prev, dup := names[l.name]; dup && rs.several {
			return nil, &preflight.Error{
				Msg:  fmt.Sprintf("two bundles are named %q: %s and %s", l.name, prev, l.dir),
				Hint: "give each bundle its own name = \"...\" in its preflight.toml",
			}
		}
		names[l.name] = l.dir
		rs.bundles = append(rs.bundles, l)
	}
	return rs, nil
}
