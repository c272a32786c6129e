package preflight

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/preflight-gate/preflight/preflight/words"
)

// HasManifest reports whether the folder dir holds a preflight.toml (of
// any kind: a broken one is a bundle that cannot be judged).
func HasManifest(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, ManifestName))
	return err == nil
}

// skipBelow reports whether discovery stays out of a folder below a DIR:
// hidden folders, dependencies and test fixtures.
func skipBelow(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor" || name == "testdata"
}

// Discover returns the bundle folders of a run over dirs (SPEC "Several
// bundles"): a DIR that holds a preflight.toml is one bundle; any other is
// searched, at any depth, for folders that hold one, without entering
// hidden folders, node_modules, vendor or testdata below it, following no
// symlinked folder and not descending into a bundle found. The folders
// are as the user reaches them, sorted byte-wise by their slash paths;
// one real folder counts once. A DIR with no bundle in or below it is an
// *Error.
func Discover(dirs []string) ([]string, error) {
	var found []string
	for _, dir := range dirs {
		fi, err := os.Stat(dir)
		if err != nil {
			return nil, Errorf(dir, 0, 0, "cannot open folder: %s", words.FileProblem(err))
		}
		if !fi.IsDir() {
			return nil, Errorf(dir, 0, 0, "not a folder: expected a bundle folder, or a folder with bundles below it")
		}
		if HasManifest(dir) {
			found = append(found, words.DisplayDir(dir))
			continue
		}
		n := len(found)
		// A DIR given as a symlink is searched all the same (the symlinks
		// below it are not followed); bundles are named through DIR.
		top, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return nil, Errorf(dir, 0, 0, "cannot open folder: %s", words.FileProblem(err))
		}
		err = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == top {
					return err
				}
				if d != nil && d.IsDir() {
					return fs.SkipDir // an unreadable folder holds no bundle we can see
				}
				return nil
			}
			if !d.IsDir() || p == top {
				return nil
			}
			if skipBelow(d.Name()) {
				return fs.SkipDir
			}
			if HasManifest(p) {
				rel, err := filepath.Rel(top, p)
				if err != nil {
					return err
				}
				found = append(found, words.DisplayDir(filepath.Join(dir, rel)))
				return fs.SkipDir
			}
			return nil
		})
		if err != nil {
			return nil, Errorf(dir, 0, 0, "cannot search folder: %s", words.FileProblem(err))
		}
		if len(found) == n {
			return nil, &Error{Msg: "no " + ManifestName + " in " + filepath.ToSlash(dir) + " or below",
				Hint: "run `preflight init " + dir + "` to write a starter manifest"}
		}
	}
	slices.SortFunc(found, func(a, b string) int { return strings.Compare(filepath.ToSlash(a), filepath.ToSlash(b)) })
	var out []string
	seen := map[string]bool{}
	for _, d := range found {
		real, err := realPath(d)
		if err != nil {
			real = d
		}
		if seen[real] {
			continue
		}
		seen[real] = true
		out = append(out, d)
	}
	return out, nil
}

// CheckRoot checks --root for a run's bundle folders: an existing folder
// that every one of them lies inside (symlinks resolved). It is an *Error
// otherwise, an error of the run.
func CheckRoot(root string, folders []string) error {
	real, err := realPath(root)
	if err != nil {
		return Usagef("--root %s: %s", root, words.FileProblem(err))
	}
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return Usagef("--root %s: not a folder: expected the folder every path of the bundles must stay inside", root)
	}
	for _, f := range folders {
		p, err := realPath(f)
		if err != nil {
			return Errorf(f, 0, 0, "cannot open bundle folder: %s", words.FileProblem(err))
		}
		if !within(real, p) {
			return Usagef("bundle %s is not inside --root %s: expected every bundle of the run inside the root", f, root)
		}
	}
	return nil
}
