package preflight

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight/regular"
	"github.com/preflight-gate/preflight/preflight/words"
)

// Bundle is a deployment bundle: a folder with a preflight.toml manifest.
type Bundle struct {
	Dir      string    // the folder as the user reaches it from the working directory
	Manifest *Manifest // the common fields; each gate's section is its spec

	folder   string           // the folder's absolute path, symlinks resolved
	root     string           // the root every path must resolve inside: absolute, symlinks resolved
	tree     *configdiff.Tree // the manifest, for positions
	files    map[string]bool  // every file the bundle resolved (absolute), for --changed-since
	patterns []string         // every path pattern it matched (bundle-relative, clean), for --changed-since
	starter  bool             // the manifest is one `preflight init` wrote
	gates    []Gate
	specs    map[string]any // by gate name: what Load returned, for enabled gates
	teams    *Registry
	signoffs *Ledger
	configs  map[string]*configdiff.Tree // by bundle-relative path
}

// LoadBundle reads the manifest of the bundle in dir and loads it for the
// gates, with the root found as [FindRoot] does; see [Load].
func LoadBundle(dir string, gates []Gate) (*Bundle, error) {
	return Load(dir, gates, LoadOptions{})
}

// LoadOptions are the settings of a load that do not come from the
// manifest.
type LoadOptions struct {
	// Root is the folder every path the manifest names must resolve
	// inside (--root); "" finds it with [FindRoot]. The bundle must lie
	// inside it.
	Root string
}

// Load reads the manifest of the bundle in dir and loads it for the gates,
// in order: it strictly decodes the common fields and each gate's section
// (an unknown section or key is an *Error at its line), reads the team
// registry and the sign-off file when there are, and hands each written
// section to its gate's Load. When loading fails after the manifest's
// common fields were read, the bundle is returned with the error, for its
// name.
func Load(dir string, gates []Gate, o LoadOptions) (*Bundle, error) {
	b, err := load(dir, gates, o)
	if err != nil && (b == nil || b.Manifest == nil) {
		return nil, err
	}
	return b, err
}

func load(dir string, gates []Gate, o LoadOptions) (*Bundle, error) {
	dir = words.DisplayDir(dir)
	folder, err := realPath(dir)
	if err != nil {
		return nil, Errorf(dir, 0, 0, "cannot open bundle folder: %s", words.FileProblem(err))
	}
	if fi, err := os.Stat(folder); err == nil && !fi.IsDir() {
		return nil, Errorf(dir, 0, 0, "not a folder: expected a bundle folder with a %s", ManifestName)
	}
	root := FindRoot(folder)
	if o.Root != "" {
		if root, err = realPath(o.Root); err != nil {
			return nil, Errorf(o.Root, 0, 0, "--root: %s", words.FileProblem(err))
		}
		if !within(root, folder) {
			return nil, Errorf(dir, 0, 0, "the bundle is not inside --root %s: expected a folder inside it", words.DisplayDir(o.Root))
		}
	}
	b := &Bundle{Dir: dir, folder: folder, root: root, gates: gates, specs: map[string]any{}, files: map[string]bool{}}
	file := b.Display(ManifestName)
	b.files[filepath.Join(folder, ManifestName)] = true
	data, err := readManifest(folder, root, file)
	if err != nil {
		if _, serr := os.Lstat(filepath.Join(folder, ManifestName)); errors.Is(serr, fs.ErrNotExist) {
			err.(*Error).Hint = "run `preflight init " + dir + "` to write a starter manifest"
		}
		return nil, err
	}
	b.starter = bytes.Contains(data[:min(len(data), 200)], []byte(StarterMark))
	m, sections, tree, err := parseManifest(file, data, gates)
	if err != nil {
		// Refused after it parsed (an unknown key, a wrong version): a
		// name it writes is still the bundle's name in the reports.
		if t, perr := parseTOML(file, data); perr == nil {
			if n := t.Get("name"); n != nil && n.Kind == configdiff.String && n.Text != "" {
				b.Manifest = &Manifest{Name: n.Text}
				return b, err
			}
		}
		return nil, err
	}
	b.Manifest, b.tree = m, tree
	if m.Name == "" {
		m.Name = filepath.Base(folder)
	}
	if m.Signoff == "" {
		m.Signoff = "preflight.signoff.toml"
	}
	if _, err := b.SignoffPath(); err != nil {
		return b, err
	}
	// A manifest error a gate's Load finds comes before a registry or
	// sign-off file error (the contract's order), unless that Load failed
	// on the registry itself.
	var regErr error
	named := m.Teams != ""
	if m.Teams == "" {
		if _, err := os.Stat(filepath.Join(folder, "teams.toml")); err == nil {
			m.Teams = "teams.toml"
		}
	}
	if m.Teams != "" {
		// A registry that is there is read now: who counts as whom
		// ([logins]) must not depend on which gate needs it first. One
		// the manifest names is a file it needs: missing is an error.
		p, err := b.inside("teams", m.Teams)
		if err != nil {
			return b, err
		}
		if _, err := os.Stat(p); err == nil || named {
			if _, err := b.Teams(); err != nil {
				regErr = err
			}
		}
	}
	for i, g := range gates {
		if sections[i] == nil {
			continue
		}
		info := g.Info()
		spec, err := g.Load(b, sections[i])
		if err != nil {
			if regErr != nil && sameFile(err, regErr) {
				return b, regErr
			}
			return b, err
		}
		if spec != nil {
			b.specs[info.Name] = spec
		}
	}
	if regErr != nil {
		return b, regErr
	}
	// The sign-off file is read now too: a malformed one is exit 2 whatever
	// gates run, in the contract's order (manifest, registry, sign-off). A
	// manifest that enables no gate is the first error of its bundle.
	if slices.ContainsFunc(sections, func(s any) bool { return s != nil }) {
		if _, err := b.Ledger(); err != nil {
			return b, err
		}
	}
	return b, nil
}

// sameFile reports whether two errors are both *Error about one file.
func sameFile(a, b error) bool {
	var ea, eb *Error
	return errors.As(a, &ea) && errors.As(b, &eb) && ea.File == eb.File
}

// Gates returns the gates the bundle was loaded for, in order.
func (b *Bundle) Gates() []Gate { return b.gates }

// Spec returns the spec the named gate's Load returned, or nil when the
// manifest does not enable the gate.
func (b *Bundle) Spec(gate string) any { return b.specs[gate] }

// CheckApprovers makes sure an approvers alias a manifest key names (for
// example "configdiff.approvers") is in the team registry, for a gate's Load: a
// gate that cannot tell who may approve cannot judge. An empty alias is
// fine.
func (b *Bundle) CheckApprovers(key, alias string) error {
	if alias == "" {
		return nil
	}
	r, err := b.Teams()
	if err != nil {
		return err
	}
	if r.Alias(alias) == nil {
		return b.ManifestError(key, "approvers alias %q is not in the team registry %s", alias, b.Display(b.Manifest.Teams))
	}
	return nil
}

// Name is the bundle's name: the manifest's name, or the folder's.
func (b *Bundle) Name() string { return b.Manifest.Name }

// Display returns a bundle-relative path as the user reaches it from the
// working directory, for messages.
func (b *Bundle) Display(rel string) string {
	if b.Dir == "." {
		return filepath.ToSlash(filepath.Clean(rel))
	}
	return filepath.ToSlash(filepath.Join(b.Dir, rel))
}

// Pos returns the line and column in preflight.toml of a manifest key, for
// example "bulk[0].file"; 0, 0 when it is not written there.
func (b *Bundle) Pos(key string) (line, col int) { return position(b.tree, key) }

// ManifestTree is the manifest as a keyed tree with positions, for a value
// as written (configdiff's [configdiff.Tree.NumberText]).
func (b *Bundle) ManifestTree() *configdiff.Tree { return b.tree }

// ValuePos returns where the value of a manifest key starts, for example
// the string of controls.budget.limit; 0, 0 when the key is not written.
func (b *Bundle) ValuePos(key string) (line, col int) {
	if b.tree == nil {
		return 0, 0
	}
	if n := b.tree.Get(key); n != nil {
		return n.ValuePos.Line, n.ValuePos.Column
	}
	return 0, 0
}

// ManifestError returns an *Error that points at a key of the manifest.
func (b *Bundle) ManifestError(key, format string, args ...any) *Error {
	line, col := errorPosition(b.tree, key)
	return Errorf(b.Display(ManifestName), line, col, format, args...)
}

// Path resolves a path the manifest names under key (for example
// "configdiff.staging") inside the bundle. The path must stay inside the
// bundle, also through symlinks, and the file must exist; otherwise the
// error points at the manifest line that names it.
func (b *Bundle) Path(key, rel string) (string, error) {
	p, err := b.inside(key, rel)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(p); err != nil {
		return "", b.ManifestError(key, "%s %q: %s", key, rel, words.FileProblem(err))
	}
	return p, nil
}

// inside resolves rel, relative to the bundle, inside the root without
// requiring it to exist; a missing file's folder must still resolve inside
// the root. It records the file for [Bundle.Files].
func (b *Bundle) inside(key, rel string) (string, error) {
	if rel == "" {
		return "", b.ManifestError(key, "%s is empty: expected a path inside the bundle", key)
	}
	p := filepath.Join(b.folder, filepath.FromSlash(rel))
	if filepath.IsAbs(rel) || strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) || filepath.VolumeName(rel) != "" || !within(b.root, p) {
		if b.root == b.folder {
			e := b.ManifestError(key, "path %q leaves the bundle: expected a path relative to %s", rel, b.Dir)
			if _, git := GitTop(b.folder); !git {
				e.Hint = "outside a git work tree the root is the bundle folder itself: to share a file with other bundles, give --root DIR (the folder that holds them all)"
			}
			return "", e
		}
		return "", b.ManifestError(key, "path %q leaves %s: expected a path relative to the bundle that stays inside it", rel, b.scope())
	}
	real, err := filepath.EvalSymlinks(p)
	if errors.Is(err, fs.ErrNotExist) {
		// Check the deepest existing parent instead.
		dir := filepath.Dir(p)
		for {
			if r, err := filepath.EvalSymlinks(dir); err == nil {
				real = filepath.Join(r, strings.TrimPrefix(p, dir))
				break
			}
			if dir == b.root || dir == filepath.Dir(dir) {
				real = p
				break
			}
			dir = filepath.Dir(dir)
		}
	} else if err != nil {
		return "", b.ManifestError(key, "%s %q: %s", key, rel, words.FileProblem(err))
	}
	if !within(b.root, real) {
		return "", b.ManifestError(key, "path %q leaves %s through a symlink: expected a file inside %s", rel, b.scope(), b.rootDisplay())
	}
	b.files[p] = true
	b.files[real] = true
	return p, nil
}

// scope names the root in messages: "the bundle" when the root is the
// bundle folder itself, else "the root ROOT".
func (b *Bundle) scope() string {
	if b.root == b.folder {
		return "the bundle"
	}
	return "the root " + b.rootDisplay()
}

// rootDisplay is the root as the user reaches it.
func (b *Bundle) rootDisplay() string {
	if b.root == b.folder {
		return b.Dir
	}
	return words.DisplayDir(b.root)
}

// Root is the folder every path of the bundle resolves inside: absolute,
// symlinks resolved (see [FindRoot]).
func (b *Bundle) Root() string { return b.root }

// RootRel turns a path relative to the root (such as
// ".github/workflows/x.yml", where a gate looks by default) into the
// bundle-relative form the manifest's paths take ("../../.github/...").
func (b *Bundle) RootRel(rel string) string {
	r, err := filepath.Rel(b.folder, filepath.Join(b.root, filepath.FromSlash(rel)))
	if err != nil {
		return words.Rel(rel)
	}
	return filepath.ToSlash(r)
}

// Track records a file the bundle reads other than through [Bundle.Path]
// (an absolute path): `--changed-since` checks the bundle when it changed.
func (b *Bundle) Track(path string) {
	if path = filepath.Clean(path); filepath.IsAbs(path) {
		b.files[path] = true
		if real, err := filepath.EvalSymlinks(path); err == nil {
			b.files[real] = true
		}
	}
}

// Matches reports whether a file (absolute) is one of the bundle's:
// resolved so far (see [Bundle.Files]), or matched by a path pattern the
// bundle globbed, whether or not the file exists now.
func (b *Bundle) Matches(file string) bool {
	if b.files[file] {
		return true
	}
	if len(b.patterns) == 0 {
		return false
	}
	rel, err := filepath.Rel(b.folder, file)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, p := range b.patterns {
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
	}
	return false
}

// Files returns every file the bundle has resolved so far (the manifest,
// the registry, the sign-off file, every file a gate read, matched or
// looked for), absolute and sorted: a symlink under both its names.
func (b *Bundle) Files() []string {
	out := make([]string, 0, len(b.files))
	for f := range b.files {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// FindRoot returns the root of the bundle in folder (absolute, symlinks
// resolved): the nearest folder, folder itself included, that holds a
// .git entry (the top of its git work tree), or folder when there is none.
func FindRoot(folder string) string {
	if top, ok := GitTop(folder); ok {
		return top
	}
	return folder
}

// GitTop returns the nearest folder, dir itself included, that holds a
// .git entry (a folder, or the file of a linked work tree).
func GitTop(dir string) (string, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d, true
		}
		if d == filepath.Dir(d) {
			return "", false
		}
	}
}

// realPath returns dir's absolute path with symlinks resolved.
func realPath(dir string) (string, error) {
	p, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(p)
}

// within reports whether p is root or lies below it (both clean, absolute).
func within(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && filepath.IsLocal(r) || r == "."
}

// Glob returns the paths a path pattern the manifest names under key
// matches, bundle-relative, slash-separated and sorted. A pattern may use
// *, ? and [...] within one segment (path.Match); one that matches nothing
// is no error. A pattern without them is a plain path, which must exist.
// The pattern and every match must resolve inside the root, as for Path.
func (b *Bundle) Glob(key, pattern string) ([]string, error) {
	if !strings.ContainsAny(pattern, "*?[") {
		if _, err := b.Path(key, pattern); err != nil {
			return nil, err
		}
		return []string{words.Rel(pattern)}, nil
	}
	if _, err := path.Match(pattern, ""); err != nil {
		return nil, b.ManifestError(key, "pattern %q is malformed: expected a path with *, ? or [...] within a segment", pattern)
	}
	if _, err := b.inside(key, pattern); err != nil {
		return nil, err
	}
	// A file the pattern matched at some REF and deleted since is a change
	// of the bundle too: --changed-since matches changed paths against it.
	b.patterns = append(b.patterns, path.Clean(filepath.ToSlash(pattern)))
	matches, err := filepath.Glob(filepath.Join(b.folder, filepath.FromSlash(pattern)))
	if err != nil {
		return nil, b.ManifestError(key, "pattern %q is malformed: expected a path with *, ? or [...] within a segment", pattern)
	}
	out := make([]string, 0, len(matches))
	for _, m := range matches {
		rel, err := filepath.Rel(b.folder, m)
		if err != nil {
			return nil, b.ManifestError(key, "pattern %q: %v", pattern, err)
		}
		rel = filepath.ToSlash(rel)
		if _, err := b.inside(key, rel); err != nil {
			return nil, err
		}
		out = append(out, rel)
	}
	return out, nil
}

// Teams returns the team registry. It is an *Error when the bundle has none.
func (b *Bundle) Teams() (*Registry, error) {
	if b.teams != nil {
		return b.teams, nil
	}
	if b.Manifest.Teams == "" {
		return nil, &Error{File: b.Display(ManifestName), Msg: "no team registry: expected teams.toml in the bundle, or teams = \"FILE\" in the manifest", Hint: "team aliases and approvers are checked against the registry"}
	}
	_, data, err := b.ReadFile("teams", b.Manifest.Teams, MaxLedgerSize)
	if err != nil {
		return nil, err
	}
	r, err := ParseRegistry(b.Display(b.Manifest.Teams), data)
	if err != nil {
		return nil, err
	}
	b.teams = r
	return r, nil
}

// Config loads a config file the manifest names under key once per run:
// gates that read the same file (for example configdiff and routes, the
// production config) share one tree. Load errors name the file as the user reaches
// it, with the file's own position.
func (b *Bundle) Config(key, rel string) (*configdiff.Tree, error) {
	rel = words.Rel(rel)
	if t, ok := b.configs[rel]; ok {
		return t, nil
	}
	p, data, err := b.ReadFile(key, rel, MaxFileSize)
	if err != nil {
		return nil, err
	}
	if _, ok := configdiff.FormatOf(rel); !ok { // at the manifest line that names it
		return nil, b.ManifestError(key, "%s %q: unsupported config format %q (use .toml, .yaml, .yml, .json or .env)", key, rel, strings.ToLower(path.Ext(rel)))
	}
	t, err := parseConfigAs(p, b.Display(rel), data)
	if err != nil {
		return nil, err
	}
	if b.configs == nil {
		b.configs = map[string]*configdiff.Tree{}
	}
	b.configs[rel] = t
	return t, nil
}

// Ledger returns the sign-off file with the tables of every gate the
// bundle was loaded for; an absent file is an empty one.
func (b *Bundle) Ledger() (*Ledger, error) {
	if b.signoffs != nil {
		return b.signoffs, nil
	}
	p, err := b.SignoffPath()
	if err != nil {
		return nil, err
	}
	var tables []*LedgerTable
	for _, g := range b.gates {
		if t := g.Info().Ledger; t != nil {
			tables = append(tables, t)
		}
	}
	data, err := regular.Read(p, MaxLedgerSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		b.signoffs = NewLedger(b.Display(b.Manifest.Signoff), tables)
	case err != nil:
		return nil, b.fileError("signoff", b.Manifest.Signoff, err)
	default:
		if b.signoffs, err = ParseLedger(b.Display(b.Manifest.Signoff), data, tables); err != nil {
			return nil, err
		}
	}
	return b.signoffs, nil
}

// SignoffPath is where the sign-off file lives, whether or not it exists.
func (b *Bundle) SignoffPath() (string, error) { return b.inside("signoff", b.Manifest.Signoff) }

// identity resolves a person (an email or a code-host login) through the
// registry's [logins] when the bundle has one, lower-cased and trimmed.
func (b *Bundle) identity(id string) string {
	if b.teams == nil {
		return normalID(id)
	}
	return b.teams.Resolve(id)
}

// Authorize says why a sign-off or approval by `by` does not count: not a
// member of the approvers alias (when set), or the author of the change.
// It returns "" when it counts. LoadBundle has already made sure the
// registry holds every approvers alias the manifest names.
func (b *Bundle) Authorize(by, approvers, author string) string {
	if approvers != "" {
		a := b.teams.Alias(approvers)
		if !b.teams.IsMember(a, by) {
			return fmt.Sprintf("signed by %s, who is not a member of the approvers alias %q", by, a.Name)
		}
	}
	if author == "" {
		return ""
	}
	signer, writer := b.identity(by), b.identity(author)
	if signer == writer {
		return fmt.Sprintf("signed by %s, the author of the change: a second person must sign", by)
	}
	// A login [logins] does not map against an address: nobody can tell
	// whether the signer is the author, so the sign-off does not count.
	if isAddress(signer) != isAddress(writer) {
		login := strings.TrimSpace(by)
		msg := fmt.Sprintf("signed by the login %q, which [logins] in the team registry does not map, and the author of the change is %s", login, author)
		if isAddress(signer) {
			login = strings.TrimSpace(author)
			msg = fmt.Sprintf("signed by %s, and the author of the change is the login %q, which [logins] in the team registry does not map", by, login)
		}
		return msg + fmt.Sprintf(": preflight cannot tell whether they are one person; add %q to [logins]", login)
	}
	return ""
}

// isAddress tells an address from a code-host login: it has an @.
func isAddress(id string) bool { return strings.Contains(id, "@") }

// Same reports whether two identities (emails or logins) are one person,
// after resolving [logins].
func (b *Bundle) Same(x, y string) bool { return b.identity(x) == b.identity(y) }
