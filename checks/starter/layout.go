package starter

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// Written is one manifest init wrote.
type Written struct {
	File    string // as the user reaches it
	Starter *Starter
}

// Result is what [Init] wrote for a folder.
type Result struct {
	Manifests []Written
	// Teams is the starter team registry init wrote, "" when none.
	Teams string
	// Services is true when the folder's sub-folders are separate
	// services: one manifest each, one shared registry at the top.
	Services bool
	// Bundles are the folders below that already hold a preflight.toml
	// (as the user reaches them): left as they are, never folded in.
	Bundles []string
	// InGit is true when the folder is in a git work tree: its top is the
	// root, so a shared registry at the folder's top is inside every
	// bundle's root. Outside one, checking needs --root.
	InGit bool
}

// Init writes the starter manifests of the folder dir (SPEC "init"): one
// for the folder, or, when its sub-folders hold separate services (each a
// staging/production pair), one per service folder and one shared
// teams.toml at the top. A registry is written (never over a file) when a
// manifest enables the routes gate and there is none; its comments list
// every address the routes reach today.
func Init(dir string) (*Result, error) {
	top, err := openFolder(dir)
	if err != nil {
		return nil, err
	}
	_, inGit := preflight.GitTop(top)
	res := &Result{InGit: inGit}
	services, existing, err := findServices(dir)
	if err != nil {
		return nil, err
	}
	if len(services)+len(existing) < 2 || len(services) == 0 {
		if err := checkNew(dir); err != nil {
			return nil, err
		}
		s, err := Guess(dir)
		if err != nil {
			return nil, err
		}
		for _, b := range s.Bundles {
			res.Bundles = append(res.Bundles, filepath.ToSlash(filepath.Join(dir, b)))
		}
		if len(s.Bundles) > 0 && s.Empty() {
			// Nothing of its own to check: a parent manifest would only
			// hide the bundles below from `preflight check DIR`.
			return res, nil
		}
		if len(s.Bundles) > 0 {
			s.Notes = append(s.Notes, "with a manifest here, `preflight check "+words.ShellQuote(dir)+"` checks only this bundle: name the bundles below too to check them in the same run")
		}
		var routes []Route
		for _, r := range s.Routes {
			routes = append(routes, r.Addresses...)
		}
		if len(s.Routes) > 0 && s.Teams == "" {
			if res.Teams, err = writeTeams(dir, routes); err != nil {
				return nil, err
			}
			s.Teams = "teams.toml"
			s.Notes = slices.DeleteFunc(s.Notes, isNoTeamsNote)
		}
		file, err := s.write(dir)
		if err != nil {
			return nil, err
		}
		res.Manifests = []Written{{File: file, Starter: s}}
		return res, nil
	}
	res.Services = true
	res.Bundles = existing
	shared := filepath.Join(dir, "teams.toml")
	_, serr := os.Lstat(shared)
	hasShared := serr == nil
	var routes []Route
	for _, svc := range services {
		for _, r := range svc.Routes {
			for _, a := range r.Addresses {
				a.File = filepath.ToSlash(filepath.Join(svc.dir, a.File))
				routes = append(routes, a)
			}
		}
	}
	if !hasShared {
		if res.Teams, err = writeTeams(dir, routes); err != nil {
			return nil, err
		}
	}
	for _, svc := range services {
		s := svc.Starter
		if s.Teams == "" {
			rel, err := filepath.Rel(filepath.Join(dir, svc.dir), shared)
			if err != nil {
				return nil, err
			}
			s.Teams = filepath.ToSlash(rel)
			s.Notes = slices.DeleteFunc(s.Notes, isNoTeamsNote)
		}
		file, err := s.write(filepath.Join(dir, svc.dir))
		if err != nil {
			return nil, err
		}
		res.Manifests = append(res.Manifests, Written{File: file, Starter: s})
	}
	return res, nil
}

func isNoTeamsNote(n string) bool { return strings.HasPrefix(n, "no teams.toml found") }

// service is a sub-folder that holds a staging/production pair.
type service struct {
	dir string // relative to the top, slash-separated
	*Starter
}

// findServices looks at the immediate sub-folders of dir: those that hold
// a staging/production pair are services; those that hold a manifest
// already are bundles (as the user reaches them).
func findServices(dir string) ([]service, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, preflight.Errorf(dir, 0, 0, "cannot read folder: %s", words.FileProblem(err))
	}
	var services []service
	var existing []string
	for _, e := range entries {
		if !e.IsDir() || skipDir(e.Name()) {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		if _, err := os.Lstat(filepath.Join(sub, preflight.ManifestName)); err == nil {
			existing = append(existing, filepath.ToSlash(sub))
			continue
		}
		s, err := Guess(sub)
		if err != nil {
			var pe *preflight.Error
			if errors.As(err, &pe) {
				continue // not readable: not a service init can guess
			}
			return nil, nil, err
		}
		if s.Configdiff != nil {
			services = append(services, service{dir: e.Name(), Starter: s})
		}
		for _, b := range s.Bundles {
			existing = append(existing, filepath.ToSlash(filepath.Join(sub, b)))
		}
	}
	return services, existing, nil
}

// writeTeams writes a starter teams.toml into dir, never over a file: its
// comments list every address the routes reach today. It returns the
// file as the user reaches it.
func writeTeams(dir string, routes []Route) (string, error) {
	file := filepath.ToSlash(filepath.Join(dir, "teams.toml"))
	err := writeNew(filepath.Join(dir, "teams.toml"), TeamsFile(routes))
	switch {
	case errors.Is(err, fs.ErrExist):
		return "", nil
	case err != nil:
		return "", preflight.Errorf(file, 0, 0, "cannot write team registry: %s", words.FileProblem(err))
	}
	return file, nil
}

// TeamsFile is a starter team registry: no alias yet, and in comments
// every address the routes reach today, each once, with where.
func TeamsFile(routes []Route) []byte {
	var w bytes.Buffer
	line := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }
	line("# teams.toml: the team registry, " + preflight.StarterMark + ".")
	line("# Every error route must reach a team alias here with at least two members:")
	line("# a person's own address stops working the day they leave.")
	if len(routes) == 0 {
		line("# The routes reach no address yet.")
	} else {
		line("# The error routes reach these addresses today:")
		seen := map[string][]string{}
		var order []string
		for _, r := range routes {
			a := strings.ToLower(r.Address)
			if _, ok := seen[a]; !ok {
				order = append(order, a)
			}
			seen[a] = append(seen[a], r.File+": "+r.Key)
		}
		for _, a := range order {
			where := seen[a]
			more := ""
			if len(where) > 3 {
				more = fmt.Sprintf(" and %d more", len(where)-3)
				where = where[:3]
			}
			line("#   %s  (%s%s)", words.Escape(a), words.Escape(strings.Join(where, ", ")), more)
		}
	}
	line("# Register each team as an alias, and route errors to its address:")
	line("#")
	line("# [aliases.ops-oncall]")
	line("# address = \"ops-oncall@example.com\"")
	line("# members = [\"ana@example.com\", \"bo@example.com\"]")
	line("#")
	line("# [logins]               # code-host login -> member address, for --author")
	line("# ana-k = \"ana@example.com\"")
	return w.Bytes()
}
