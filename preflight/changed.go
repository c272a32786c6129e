package preflight

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/preflight-gate/preflight/preflight/words"
)

// Changes are the files of git work trees that differ from a ref, for
// `check --changed-since REF`: git is asked, never imitated, once per
// work tree, in the work tree's top:
//
//	git -C TOP diff --name-only -z --no-renames REF --
//	git -C TOP ls-files -z --others --exclude-standard
//
// so a bundle counts as changed when one of its files differs between REF
// and the work tree (deleted files included), or is new and not ignored.
type Changes struct {
	Ref  string
	tops map[string]map[string]bool // work tree top -> changed files, absolute
}

// NewChanges prepares the changes since ref. A ref that starts with "-"
// is an *Error: git would read it as an option.
func NewChanges(ref string) (*Changes, error) {
	if ref == "" || strings.HasPrefix(ref, "-") {
		return nil, Usagef("--changed-since %q: expected a git revision (a branch, a tag, a commit), not an option", ref)
	}
	return &Changes{Ref: ref, tops: map[string]map[string]bool{}}, nil
}

// Touch reports whether one of the bundle's files (see [Bundle.Matches]:
// the files it resolved, and those its path patterns match, deleted ones
// included) changed since the ref. Outside a git work tree, without
// git, or with a ref git does not know, it is an *Error.
func (c *Changes) Touch(b *Bundle) (bool, error) {
	changed, err := c.of(b.folder, b.Dir)
	if err != nil {
		return false, err
	}
	for f := range changed {
		if b.Matches(f) {
			return true, nil
		}
	}
	return false, nil
}

// Any reports whether anything at all changed, since the ref, in the work
// tree that holds the bundle folder dir: when nothing did, no bundle there
// needs checking, and [Changes.Touch] (which needs the bundle checked
// first, to know every file it reads) can be skipped.
func (c *Changes) Any(dir string) (bool, error) {
	folder, err := realPath(dir)
	if err != nil {
		return false, Errorf(dir, 0, 0, "cannot open bundle folder: %s", words.FileProblem(err))
	}
	changed, err := c.of(folder, dir)
	return len(changed) > 0, err
}

// of returns the changed files of the work tree that holds folder (dir as
// the user reaches it).
func (c *Changes) of(folder, dir string) (map[string]bool, error) {
	top, ok := GitTop(folder)
	if !ok {
		return nil, &Error{Msg: "--changed-since: " + dir + " is not in a git work tree", Hint: "run it inside a git repository, or check the bundles without --changed-since"}
	}
	changed, ok := c.tops[top]
	if !ok {
		var err error
		if changed, err = c.ask(top); err != nil {
			return nil, err
		}
		c.tops[top] = changed
	}
	return changed, nil
}

// ask runs git in top and returns the changed and the new files.
func (c *Changes) ask(top string) (map[string]bool, error) {
	changed := map[string]bool{}
	for _, args := range [][]string{
		{"-C", top, "diff", "--name-only", "-z", "--no-renames", c.Ref, "--"},
		{"-C", top, "ls-files", "-z", "--others", "--exclude-standard"},
	} {
		out, err := git(args...)
		if err != nil {
			return nil, err
		}
		for _, name := range strings.Split(string(out), "\x00") {
			if name != "" {
				changed[filepath.Join(top, filepath.FromSlash(name))] = true
			}
		}
	}
	return changed, nil
}

// git runs git and returns its output; a failure is an *Error with git's
// own first line of complaint.
func git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err == nil {
		return out, nil
	}
	what := "git " + args[2]
	if errors.Is(err, exec.ErrNotFound) {
		return nil, &Error{Msg: "--changed-since needs git, and git is not installed or not on PATH"}
	}
	why, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
	if why == "" {
		why = err.Error()
	}
	return nil, &Error{Msg: "--changed-since: " + what + " failed: " + strings.TrimPrefix(why, "fatal: ")}
}
