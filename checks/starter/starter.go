// Package starter is `preflight init`: it looks at a deployment's folder
// and guesses a starter manifest (a staging/production pair of config files
// to compare, a bulk input per CSV file, the config files that hold error
// routes, the team registry), each guess marked for the user to confirm.
//
// It reads a CSV header with the bulk gate's scanner, tells config files by
// configdiff's format detection and takes the route globs from the routes
// gate, so that what init guesses is what `check` then reads.
package starter

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/checks/internal/csvscan"
	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/regular"
	"github.com/preflight-gate/preflight/preflight/words"
)

// Starter is a starter manifest guessed from a folder's contents by
// [Guess]. Every guess is the user's to confirm: [Starter.Manifest]
// marks each with a "# guessed: confirm" comment and [Starter.Guesses] says
// in one line each what was guessed and what to confirm.
type Starter struct {
	Name       string // the folder's name
	Teams      string // the team registry, "" when there is none
	Configdiff *Pair  // the staging/production pair to compare, or nil
	OtherPairs []Pair // further pairs: one manifest compares one pair
	Bulk       []Bulk // one per CSV file
	Routes     []Routes
	Bundles    []string   // sub-folders that already hold a preflight.toml, left out
	Controls   *Controls  // caps, budgets and alert thresholds found, or nil
	Schedules  *Schedules // scheduled GitHub Actions workflows, or nil
	Mcp        *Mcp       // MCP client configs, or nil
	Notes      []string   // what was noticed but not guessed
}

// Pair is a staging and a production config file, bundle-relative.
type Pair struct{ Staging, Production string }

// Bulk is a guessed bulk input.
type Bulk struct {
	Name      string
	File      string // bundle-relative
	Key       string // the key column's header name; with Header false, its 1-based number
	Email     bool   // the key column looks like an email column: format = "email"
	Header    bool   // the first row is a header row
	Delimiter rune   // ',' unless the file uses another
	Why       string // how the key and header were guessed
}

// Routes is a config file holding keys that match the built-in route
// globs.
type Routes struct {
	File      string   // bundle-relative
	Keys      []string // the matching keys, in document order
	Addresses []Route  // the values they route to today, not secret ones
}

// Route is one address an error route reaches today, and where.
type Route struct {
	Address string
	File    string // bundle-relative
	Key     string
}

// Schedules are the scheduled GitHub Actions workflows where the
// schedules gate reads them: .github/workflows in the folder's root (the
// top of its git work tree, or the folder itself).
type Schedules struct {
	Dir       string   // the workflows folder, relative to the folder, slash-separated
	Workflows []string // the scheduled workflows' file names
	NoNotice  []string // those without a failure notice
}

// Mcp are the MCP client configs where the mcp gate reads them:
// checks.McpDefaultFiles in the folder's root (the top of its git work
// tree, or the folder itself).
type Mcp struct {
	Files  []string // the client configs, relative to the folder, slash-separated
	InRoot bool     // they are in the root above the folder, not in the folder
	Tools  string   // the folder of tool-list snapshots, when mcp/tools exists
}

// Limits of the folder walk, so init stays quick on a large repository.
const (
	starterMaxEntries = 50_000
	starterMaxBulk    = 20
	starterMaxConfig  = 4 << 20 // bytes; larger config files are not searched for routes
	csvHeaderLimit    = 64 << 10
)

// Words that mark a config file as the staging or the production one.
var (
	stagingWords    = []string{"staging", "stage", "stg"}
	productionWords = []string{"production", "prod", "prd"}
)

// isConfig reports whether configdiff reads the file.
func isConfig(name string) bool {
	_, ok := configdiff.FormatOf(name)
	return ok
}

// skipDir reports whether init looks inside a sub-folder: never in hidden
// folders (.git), dependencies or test fixtures.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor" || name == "testdata" || name == "__pycache__"
}

// Guess looks at the folder dir and guesses a starter manifest:
// a staging/production pair of config files, a bulk input per CSV file,
// the config files that hold error routes, and the team registry. It reads
// files but writes nothing. dir must be an existing folder.
func Guess(dir string) (*Starter, error) {
	root, err := openFolder(dir)
	if err != nil {
		return nil, err
	}
	s := &Starter{Name: filepath.Base(root)}
	var configs, csvs, teams []string
	entries := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			if p == root {
				return err
			}
			s.Notes = append(s.Notes, fmt.Sprintf("skipped %s: %s", rel, words.FileProblem(err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == root {
			return nil
		}
		if entries++; entries > starterMaxEntries {
			s.Notes = append(s.Notes, fmt.Sprintf("stopped looking after %d files: run init on the deployment's own folder", starterMaxEntries))
			return fs.SkipAll
		}
		if d.IsDir() {
			if skipDir(d.Name()) {
				return fs.SkipDir
			}
			if _, err := os.Lstat(filepath.Join(p, preflight.ManifestName)); err == nil {
				// A bundle of its own: mentioned, never folded in.
				s.Bundles = append(s.Bundles, rel)
				return fs.SkipDir
			}
			return nil
		}
		// Symlinks may leave the folder, and names that are not UTF-8
		// cannot be written in TOML: neither is guessed.
		if !d.Type().IsRegular() || !utf8.ValidString(rel) {
			return nil
		}
		name := d.Name()
		switch {
		case name == preflight.ManifestName || name == "preflight.signoff.toml" || slices.Contains(checks.McpDefaultFiles, rel):
		case name == "teams.toml":
			teams = append(teams, rel)
		case strings.EqualFold(path.Ext(name), ".csv"):
			csvs = append(csvs, rel)
		case isConfig(name):
			configs = append(configs, rel)
		}
		return nil
	})
	if err != nil {
		return nil, preflight.Errorf(dir, 0, 0, "cannot read folder: %s", words.FileProblem(err))
	}

	if len(teams) > 0 {
		slices.SortStableFunc(teams, byDepth)
		s.Teams = teams[0]
	}
	pairs := findPairs(configs)
	if len(pairs) > 0 {
		s.Configdiff = &pairs[0]
		s.OtherPairs = pairs[1:]
		for _, o := range s.OtherPairs {
			s.Notes = append(s.Notes, fmt.Sprintf("also found %s and %s, left out: a manifest compares one pair; give them a bundle of their own if they deploy", o.Staging, o.Production))
		}
		for _, f := range []string{pairs[0].Staging, pairs[0].Production} {
			if _, err := loadConfig(filepath.Join(root, filepath.FromSlash(f)), preflight.MaxFileSize); err != nil {
				s.Notes = append(s.Notes, fmt.Sprintf("%s cannot be read (%s): fix it before `preflight check`", f, loadErrText(err)))
			}
		}
	}
	routes, err := findRoutes(root, configs)
	if err != nil {
		return nil, err
	}
	s.Routes = routes
	s.Controls = findControls(root, s.Configdiff, configs)
	if len(routes) > 0 && s.Teams == "" {
		s.Notes = append(s.Notes, "no teams.toml found: the routes gate needs one; write it with your team aliases (see `preflight explain routes/not-team-alias`)")
	}
	s.Schedules = findSchedules(root, &s.Notes)
	if s.Schedules != nil && s.Teams == "" && len(routes) == 0 {
		s.Notes = append(s.Notes, "no teams.toml found: the schedules gate needs one; write it with your team aliases (see `preflight explain schedules/notice-not-team`)")
	}
	s.Mcp = findMcp(root, &s.Notes)
	names := map[string]bool{}
	for i, f := range csvs {
		if i == starterMaxBulk {
			s.Notes = append(s.Notes, fmt.Sprintf("guessed a bulk input for the first %d CSV files only, of %d", starterMaxBulk, len(csvs)))
			break
		}
		s.Bulk = append(s.Bulk, guessBulk(root, f, names))
	}
	return s, nil
}

// findSchedules reads the workflows in .github/workflows of the folder's
// root and returns the scheduled ones, or nil when there are none. A
// workflow that cannot be read is a note: init guesses, it does not judge.
func findSchedules(folder string, notes *[]string) *Schedules {
	top := preflight.FindRoot(folder)
	rel, err := filepath.Rel(folder, filepath.Join(top, ".github", "workflows"))
	if err != nil {
		return nil
	}
	s := &Schedules{Dir: filepath.ToSlash(rel)}
	var files []string
	for _, ext := range []string{"*.yml", "*.yaml"} {
		m, _ := filepath.Glob(filepath.Join(folder, rel, ext))
		files = append(files, m...)
	}
	slices.Sort(files)
	for _, p := range files {
		name := filepath.Base(p)
		data, err := regular.Read(p, preflight.MaxFileSize)
		if err != nil {
			*notes = append(*notes, fmt.Sprintf("skipped %s/%s: %s", s.Dir, name, words.FileProblem(err)))
			continue
		}
		scheduled, notice, err := checks.WorkflowNotice(s.Dir+"/"+name, data)
		switch {
		case err != nil:
			*notes = append(*notes, fmt.Sprintf("%v: fix it before `preflight check`", err))
		case scheduled:
			s.Workflows = append(s.Workflows, name)
			if !notice {
				s.NoNotice = append(s.NoNotice, name)
			}
		}
	}
	if len(s.Workflows) == 0 {
		return nil
	}
	for _, name := range s.NoNotice {
		*notes = append(*notes, fmt.Sprintf("%s runs on a schedule but nothing notices when it fails: add a job with if: failure() that needs every job, and send it to a team alias", name))
	}
	*notes = append(*notes, "no watcher checks that the scheduled workflows ran: write a weekly workflow that does (see the README, \"A watcher\") and name it in [schedules] watcher; init never writes one")
	return s
}

// findMcp returns the MCP client configs in the folder's root, or nil when
// there are none.
func findMcp(folder string, notes *[]string) *Mcp {
	top := preflight.FindRoot(folder)
	m := &Mcp{InRoot: top != folder}
	for _, f := range checks.McpDefaultFiles {
		p := filepath.Join(top, filepath.FromSlash(f))
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		rel, err := filepath.Rel(folder, p)
		if err != nil {
			continue
		}
		m.Files = append(m.Files, filepath.ToSlash(rel))
	}
	if len(m.Files) == 0 {
		return nil
	}
	if fi, err := os.Stat(filepath.Join(folder, "mcp", "tools")); err == nil && fi.IsDir() {
		m.Tools = "mcp/tools"
	} else {
		*notes = append(*notes, "no MCP tool-list snapshots: commit each server's tools/list result as mcp/tools/SERVER.json, set [mcp] tools and approve them with `preflight signoff --mcp SERVER` (see the README, \"Tool-list snapshots\")")
	}
	return m
}

// openFolder checks that dir is an existing folder and returns its absolute
// path, symlinks resolved, as LoadBundle names the bundle.
func openFolder(dir string) (string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", preflight.Errorf(dir, 0, 0, "no such folder: init needs an existing folder")
		}
		return "", preflight.Errorf(dir, 0, 0, "cannot open folder: %s", words.FileProblem(err))
	}
	if !fi.IsDir() {
		return "", preflight.Errorf(dir, 0, 0, "not a folder: init writes preflight.toml into the deployment's folder")
	}
	root, err := filepath.Abs(dir)
	if err == nil {
		root, err = filepath.EvalSymlinks(root)
	}
	if err != nil {
		return "", preflight.Errorf(dir, 0, 0, "cannot open folder: %s", words.FileProblem(err))
	}
	return root, nil
}

func loadErrText(err error) string {
	var ce *configdiff.Error
	if errors.As(err, &ce) {
		if ce.Pos.Line > 0 {
			return fmt.Sprintf("line %d: %s", ce.Pos.Line, ce.Msg)
		}
		return ce.Msg
	}
	return words.FileProblem(err)
}

// byDepth orders slash paths by folder depth, then by name.
func byDepth(a, b string) int {
	return cmp.Or(cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")), strings.Compare(a, b))
}

// envOf tells whether a config file's path names staging or production:
// one of the words, between non-alphanumeric characters (config/staging.yaml,
// app-prod.env, stg/app.json). rest is the path with each such word replaced
// by one marker, so a staging and a production file with the same rest are
// a pair. A path naming both environments is neither.
func envOf(p string) (env, rest string) {
	var b strings.Builder
	i := 0
	for i < len(p) {
		if !isAlnum(p[i]) {
			b.WriteByte(p[i])
			i++
			continue
		}
		j := i
		for j < len(p) && isAlnum(p[j]) {
			j++
		}
		word := strings.ToLower(p[i:j])
		e := ""
		switch {
		case slices.Contains(stagingWords, word):
			e = "staging"
		case slices.Contains(productionWords, word):
			e = "production"
		}
		switch {
		case e == "":
			b.WriteString(p[i:j])
		case env != "" && env != e:
			return "", ""
		default:
			env = e
			b.WriteString("\x00")
		}
		i = j
	}
	if env == "" {
		return "", ""
	}
	return env, b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// findPairs pairs staging and production config files with the same rest,
// the shallowest pair first.
func findPairs(configs []string) []Pair {
	type sides struct{ staging, production []string }
	byRest := map[string]*sides{}
	var rests []string
	for _, f := range configs {
		env, rest := envOf(f)
		if env == "" {
			continue
		}
		s := byRest[rest]
		if s == nil {
			s = &sides{}
			byRest[rest] = s
			rests = append(rests, rest)
		}
		if env == "staging" {
			s.staging = append(s.staging, f)
		} else {
			s.production = append(s.production, f)
		}
	}
	var pairs []Pair
	for _, r := range rests {
		s := byRest[r]
		if len(s.staging) == 0 || len(s.production) == 0 {
			continue
		}
		slices.SortFunc(s.staging, byDepth)
		slices.SortFunc(s.production, byDepth)
		pairs = append(pairs, Pair{Staging: s.staging[0], Production: s.production[0]})
	}
	slices.SortStableFunc(pairs, func(a, b Pair) int { return byDepth(a.Staging, b.Staging) })
	return pairs
}

// findRoutes loads each config file and keeps those with a key that matches
// a built-in route glob. Files that do not load are skipped: init guesses,
// it does not judge.
func findRoutes(root string, configs []string) ([]Routes, error) {
	globs, err := configdiff.CompileGlobs(checks.DefaultRouteKeys)
	if err != nil {
		return nil, fmt.Errorf("built-in route globs: %w", err)
	}
	var routes []Routes
	for _, f := range configs {
		p := filepath.Join(root, filepath.FromSlash(f))
		t, err := loadConfig(p, starterMaxConfig)
		if err != nil {
			continue
		}
		r := Routes{File: f}
		for _, n := range t.Nodes() {
			if !globs.Match(n.Path) {
				continue
			}
			r.Keys = append(r.Keys, n.Key)
			if n.Secret(nil) {
				continue
			}
			values := []*configdiff.Node{n}
			if n.Kind == configdiff.List {
				values = n.Children
			}
			for _, v := range values {
				if v.Kind == configdiff.String && strings.TrimSpace(v.Text) != "" && !v.Secret(nil) {
					r.Addresses = append(r.Addresses, Route{Address: strings.TrimSpace(v.Text), File: f, Key: n.Key})
				}
			}
		}
		if len(r.Keys) > 0 {
			routes = append(routes, r)
		}
	}
	return routes, nil
}

// guessBulk reads a CSV file's first record and guesses its key column and
// whether that record is a header.
func guessBulk(root, file string, names map[string]bool) Bulk {
	b := Bulk{Name: bulkName(file, names), File: file, Header: true, Delimiter: ','}
	first, delim, err := readFirstRecord(filepath.Join(root, filepath.FromSlash(file)))
	b.Delimiter = delim
	if err != nil || len(first) == 0 {
		b.Header, b.Key = false, "1"
		b.Why = "the key: could not read a first row"
		if err != nil {
			b.Why += " (" + words.FileProblem(err) + ")"
		}
		return b
	}
	// A first row holding an email address is data, not a header.
	for i, cell := range first {
		if words.IsEmail(cell) {
			b.Header, b.Key, b.Email = false, strconv.Itoa(i+1), true
			b.Why = fmt.Sprintf("the key: column %d, which holds an address in the first row", i+1)
			return b
		}
	}
	// The gate finds the key column by name: a name that is blank, not
	// UTF-8 or repeated cannot be the key.
	usable := func(cell string) bool {
		if !utf8.ValidString(cell) || strings.TrimSpace(cell) == "" {
			return false
		}
		n := 0
		for _, c := range first {
			if strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(cell)) {
				n++
			}
		}
		return n == 1
	}
	for _, cell := range first {
		if usable(cell) && isEmailLabel(cell) {
			b.Key, b.Email = cell, true
			b.Why = fmt.Sprintf("the key: column %q, which names email addresses", cell)
			return b
		}
	}
	for _, cell := range first {
		if usable(cell) {
			b.Key = cell
			b.Why = fmt.Sprintf("the key: the first named column, %q", cell)
			return b
		}
	}
	b.Header, b.Key = false, "1"
	b.Why = "the key: the first row has no usable column names"
	return b
}

// bulkName names a bulk input after its file's base name, made unique.
func bulkName(file string, used map[string]bool) string {
	clean := func(s string) string {
		var b strings.Builder
		dash := false
		for _, r := range strings.ToLower(s) {
			if r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '_') {
				b.WriteRune(r)
				dash = false
			} else if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		return strings.TrimRight(b.String(), "-")
	}
	name := clean(strings.TrimSuffix(path.Base(file), path.Ext(file)))
	if name == "" || used[name] {
		name = clean(strings.TrimSuffix(file, path.Ext(file)))
	}
	if name == "" {
		name = "bulk"
	}
	for n, base := 2, name; used[name]; n++ {
		name = base + "-" + strconv.Itoa(n)
	}
	used[name] = true
	return name
}

// readFirstRecord reads the first record of a CSV file as the bulk gate's
// scanner reads it (blank lines, a BOM and an Excel "sep=" line skipped),
// with its delimiter guessed: a comma unless a semicolon, tab or bar splits
// the record into more fields. A "sep=" line names the delimiter itself;
// the gate reads it too, so the manifest need not repeat it, and the
// delimiter returned is then a comma. Only the file's start is read.
func readFirstRecord(p string) ([]string, rune, error) {
	f, _, err := regular.Open(p)
	if err != nil {
		return nil, ',', err
	}
	defer f.Close()
	buf, err := io.ReadAll(io.LimitReader(f, csvHeaderLimit))
	if err != nil {
		return nil, ',', err
	}
	var best []string
	delim := ','
	for _, d := range []rune{',', ';', '\t', '|'} {
		s := csvscan.New(bytes.NewReader(buf), d)
		if !s.Scan() {
			return nil, ',', nil
		}
		if s.Delimiter() != d { // a "sep=" line
			return fields(s), ',', nil
		}
		if best == nil || s.NumFields() > len(best) {
			best, delim = fields(s), d
		}
	}
	return best, delim, nil
}

// fields returns the scanner's current record.
func fields(s *csvscan.Scanner) []string {
	out := make([]string, s.NumFields())
	for i := range out {
		out[i] = string(s.Field(i))
	}
	return out
}

// isEmailLabel reports whether a column name says it holds email addresses:
// one of its words is email or mail ("Email Address", "customer_email",
// "E-mail", "emailAddress").
func isEmailLabel(name string) bool {
	for _, w := range configdiff.SplitWords(name) {
		switch w {
		case "email", "mail", "emails", "emailaddress":
			return true
		}
	}
	return false
}

// Write guesses a starter manifest for the folder dir and writes it
// to dir/preflight.toml. It never overwrites: an existing manifest is an
// *preflight.Error and the file is left as it was. It returns the starter
// and the manifest's path as the user reaches it.
func Write(dir string) (*Starter, string, error) {
	if err := checkNew(dir); err != nil {
		return nil, "", err
	}
	s, err := Guess(dir)
	if err != nil {
		return nil, "", err
	}
	file, err := s.write(dir)
	return s, file, err
}

// checkNew makes sure dir is a folder without a manifest.
func checkNew(dir string) error {
	if _, err := openFolder(dir); err != nil {
		return err
	}
	if _, err := os.Lstat(filepath.Join(dir, preflight.ManifestName)); err == nil {
		return existsError(dir)
	}
	return nil
}

func existsError(dir string) error {
	return &preflight.Error{File: filepath.ToSlash(filepath.Join(dir, preflight.ManifestName)), Msg: "already exists: init never overwrites a manifest",
		Hint: "edit it by hand, or move it away and run `preflight init " + dir + "` again"}
}

// write writes the starter's manifest to dir/preflight.toml, never over
// an existing file, and returns its path as the user reaches it.
func (s *Starter) write(dir string) (string, error) {
	file := filepath.ToSlash(filepath.Join(dir, preflight.ManifestName))
	if err := writeNew(filepath.Join(dir, preflight.ManifestName), s.Manifest()); errors.Is(err, fs.ErrExist) {
		return "", existsError(dir)
	} else if err != nil {
		return "", preflight.Errorf(file, 0, 0, "cannot write manifest: %s", words.FileProblem(err))
	}
	return file, nil
}

// writeNew writes a new file; O_EXCL: a file written meanwhile, or a
// symlink in its place, is never overwritten.
func writeNew(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
	}
	return err
}

// loadConfig parses a config file the way the gate reads it: a regular
// file (never a FIFO or device, never waiting on one) of at most limit
// bytes.
func loadConfig(p string, limit int64) (*configdiff.Tree, error) {
	data, err := regular.Read(p, limit)
	if err != nil {
		return nil, err
	}
	return configdiff.Parse(p, data)
}
