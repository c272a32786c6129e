// Package launch judges whether the command line that starts an MCP
// server pins the exact content it runs.
//
// A server started as `npx -y some-server` runs whatever release of the
// package is the latest on the day it starts; `npx -y some-server@1.2.3`
// runs the release that was reviewed. [Judge] knows the launchers that
// fetch code at start-up:
//
//   - npx, bunx, pnpx, npm exec, pnpm dlx, yarn dlx: the package (`name`
//     or `@scope/name`) must end in `@X.Y.Z`, with an optional `-pre` and
//     `+build` (semantic versioning); no version, `@latest`, another tag
//     or a range is unpinned;
//   - uvx, uv tool run, pipx run: the package must be `NAME==VERSION` or
//     `NAME@VERSION` (the last `@`), VERSION without `*` and not `latest`,
//     nor a range (`,`, `<`, `>`, `~`, `!`) or the rest of a URL (`/`, `:`);
//   - docker run, podman run: pinned when an argument carries `@sha256:`
//     and 64 hex digits (an image digest).
//
// Any other command is not judged: it runs what the repository holds.
//
// The command is judged by its base name, lower-cased, without a `.cmd`,
// `.exe` or `.bat` extension (`C:\bin\npx.cmd` is `npx`); `cmd /c X ...`
// is judged as `X ...`. The flags `--package`, `-p`, `--from`, `--spec`,
// `--python`, `--with`, `--index` and `--registry` take a value (`--flag
// VALUE` or `--flag=VALUE`), also before a subcommand (`npm --registry R
// exec`); other arguments starting with `-` are flags without a value;
// `--` ends the flags. `cmd /d /s /c X ...` is `cmd /c X ...`. The package is the value of
// `--package`, `-p`, `--from` or `--spec` when one is given (each such
// value is judged), else the first argument that is neither a flag nor a
// flag's value.
package launch

import (
	"path"
	"regexp"
	"strings"
)

// Ecosystem is the kind of launcher a command is.
type Ecosystem uint8

// The ecosystems.
const (
	NotJudged Ecosystem = iota // any other command: it runs what the repository holds
	NPM                        // npx, bunx, pnpx, npm exec, pnpm dlx, yarn dlx
	Python                     // uvx, uv tool run, pipx run
	Container                  // docker run, podman run
)

var ecosystemNames = [...]string{"not judged", "npm", "python", "container"}

func (e Ecosystem) String() string {
	if int(e) < len(ecosystemNames) {
		return ecosystemNames[e]
	}
	return "unknown"
}

// Problem says why a launch is not pinned.
type Problem uint8

// The problems.
const (
	Pinned    Problem = iota
	NoPackage         // the launcher names no package
	NoVersion         // the package has no version
	Latest            // the version is latest
	Range             // the version is a range (^1.2, ~1, >=1, 1.x, *)
	Tag               // the version is a dist-tag or not an exact version
	NoDigest          // the image is not pinned by @sha256: digest
)

var problemNames = [...]string{"", "no package", "no version", "the latest version", "a version range", "a tag, not an exact version", "no @sha256: digest"}

// String says the problem as a message would: "no version", "a version
// range", ...; "" for Pinned.
func (p Problem) String() string {
	if int(p) < len(problemNames) {
		return problemNames[p]
	}
	return "unknown"
}

// Verdict is what [Judge] found.
type Verdict struct {
	Ecosystem Ecosystem
	Launcher  string  // "npx", "npm exec", "uv tool run", "docker run"; "" when not judged
	Problem   Problem // Pinned when the launch pins its content (or is not judged)
	// Package is the unpinned package as written (without a --flag= prefix),
	// Name its name without version ("@scope/name", "mcp-server-fetch").
	Package, Name string
	// Arg is the index in args of the argument that holds Package, -1
	// when the finding is about the command itself (NoPackage, NoDigest).
	// Shown is how many arguments a message shows after the command: all
	// of them up to the package, or the launcher's own words.
	Arg, Shown int
}

// Pinned reports whether the launch pins its content or is not judged.
func (v Verdict) Pinned() bool { return v.Problem == Pinned }

// flagsWithValue take the next argument (or =VALUE) as their value.
var flagsWithValue = map[string]bool{
	"--package": true, "-p": true, "--from": true, "--spec": true,
	"--python": true, "--with": true, "--index": true, "--registry": true,
}

// packageFlags name the package explicitly.
var packageFlags = map[string]bool{"--package": true, "-p": true, "--from": true, "--spec": true}

// Base returns the name a command is judged by: its base name (after '/'
// or '\'), lower-cased, without a .cmd, .exe or .bat extension.
func Base(command string) string {
	c := strings.ReplaceAll(command, `\`, "/")
	c = strings.ToLower(path.Base(c))
	for _, ext := range []string{".cmd", ".exe", ".bat"} {
		if strings.HasSuffix(c, ext) && len(c) > len(ext) {
			return strings.TrimSuffix(c, ext)
		}
	}
	return c
}

// Judge judges the launch `command args...`.
func Judge(command string, args []string) Verdict {
	words := make([]word, len(args))
	for i, a := range args {
		words[i] = word{a, i}
	}
	base := Base(command)
	// cmd /c X ...: judged as X ... (other switches before /c, as in
	// cmd /d /s /c, are skipped)
	for base == "cmd" {
		c := cmdRun(words)
		if c < 0 {
			break
		}
		rest := words[c+1:]
		if len(rest) == 1 && strings.ContainsAny(rest[0].s, " \t") {
			// cmd /c "npx -y pkg": one argument holding the command line
			var split []word
			for _, f := range strings.Fields(rest[0].s) {
				split = append(split, word{f, rest[0].i})
			}
			rest = split
		}
		if len(rest) == 0 {
			return Verdict{Arg: -1}
		}
		base, words = Base(rest[0].s), rest[1:]
	}
	v := Verdict{Arg: -1}
	skip := 0 // words that belong to the launcher (npm exec: exec)
	switch base {
	case "npx", "bunx", "pnpx":
		v.Ecosystem, v.Launcher = NPM, base
	case "npm", "pnpm", "yarn":
		want := map[string]string{"npm": "exec", "pnpm": "dlx", "yarn": "dlx"}[base]
		i, ok := subcommand(words, want)
		if !ok {
			return Verdict{Arg: -1}
		}
		v.Ecosystem, v.Launcher, skip = NPM, base+" "+want, i+1
	case "uvx":
		v.Ecosystem, v.Launcher = Python, base
	case "uv":
		i, ok := subcommand(words, "tool")
		if !ok {
			return Verdict{Arg: -1}
		}
		j, ok := subcommand(words[i+1:], "run")
		if !ok {
			return Verdict{Arg: -1}
		}
		v.Ecosystem, v.Launcher, skip = Python, "uv tool run", i+j+2
	case "pipx":
		i, ok := subcommand(words, "run")
		if !ok {
			return Verdict{Arg: -1}
		}
		v.Ecosystem, v.Launcher, skip = Python, "pipx run", i+1
	case "docker", "podman":
		i, ok := subcommand(words, "run")
		if !ok {
			return Verdict{Arg: -1}
		}
		v.Ecosystem, v.Launcher = Container, base+" run"
		for _, w := range words[i+1:] {
			if imageDigest.MatchString(w.s) {
				return v
			}
		}
		v.Problem = NoDigest
		v.Shown = shownUpTo(words, i)
		return v
	default:
		return Verdict{Arg: -1}
	}
	pkgs := packages(words[skip:])
	if len(pkgs) == 0 {
		v.Problem = NoPackage
		v.Shown = len(args)
		return v
	}
	for _, p := range pkgs {
		var name string
		var prob Problem
		if v.Ecosystem == NPM {
			name, prob = judgeNPM(p.s)
		} else {
			name, prob = judgePython(p.s)
		}
		if prob != Pinned {
			v.Problem, v.Package, v.Name, v.Arg = prob, p.s, name, p.i
			v.Shown = p.i + 1
			return v
		}
	}
	return v
}

type word struct {
	s string
	i int // index of the argument it comes from
}

// shownUpTo returns how many arguments a message shows when the launch
// is shown up to words[i] (the launcher's own words); i < 0: none.
func shownUpTo(words []word, i int) int {
	if i < 0 || i >= len(words) {
		return 0
	}
	return words[i].i + 1
}

// cmdRun returns the index of cmd's /c or /k switch when only other
// switches come before it, else -1.
func cmdRun(words []word) int {
	for i, w := range words {
		switch {
		case strings.EqualFold(w.s, "/c") || strings.EqualFold(w.s, "/k"):
			return i
		case !strings.HasPrefix(w.s, "/"):
			return -1
		}
	}
	return -1
}

// subcommand finds want as the first argument that is neither a flag nor
// a flag's value.
func subcommand(words []word, want string) (int, bool) {
	for i := 0; i < len(words); i++ {
		w := words[i].s
		if strings.HasPrefix(w, "-") {
			if flagsWithValue[w] {
				i++ // --python 3.12
			}
			continue
		}
		return i, w == want
	}
	return 0, false
}

// packages returns the values of the package flags, or else the first
// argument that is neither a flag nor a flag's value.
func packages(words []word) []word {
	var named []word
	var first *word
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w.s == "--" {
			if first == nil && i+1 < len(words) {
				first = &words[i+1]
			}
			break
		}
		if !strings.HasPrefix(w.s, "-") || w.s == "-" {
			if first == nil {
				first = &words[i]
			}
			continue
		}
		flag, value, hasValue := strings.Cut(w.s, "=")
		if !flagsWithValue[flag] {
			continue
		}
		if !hasValue {
			if i+1 >= len(words) {
				continue
			}
			i++
			value = words[i].s
			w.i = words[i].i
		}
		if packageFlags[flag] {
			named = append(named, word{value, w.i})
		}
	}
	if len(named) > 0 {
		return named
	}
	if first != nil {
		return []word{*first}
	}
	return nil
}

var (
	semver      = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)
	npmRange    = regexp.MustCompile(`^[\^~<>=*]|^v?[0-9]+(\.[0-9]+)?$|[ |]|\.[xX*]|^[xX]$`)
	imageDigest = regexp.MustCompile(`@sha256:[0-9a-fA-F]{64}([^0-9a-fA-F]|$)`)
)

// judgeNPM judges an npm package spec: name or @scope/name, then
// @VERSION.
func judgeNPM(spec string) (string, Problem) {
	name, version := spec, ""
	at := strings.LastIndexByte(spec, '@')
	if at > 0 {
		name, version = spec[:at], spec[at+1:]
	}
	switch {
	case at <= 0:
		return name, NoVersion
	case semver.MatchString(version):
		return name, Pinned
	case version == "":
		return name, NoVersion
	case strings.EqualFold(version, "latest"):
		return name, Latest
	case npmRange.MatchString(version):
		return name, Range
	}
	return name, Tag
}

// judgePython judges a Python package spec: NAME==VERSION or
// NAME@VERSION.
func judgePython(spec string) (string, Problem) {
	name, version, ok := strings.Cut(spec, "==")
	if !ok {
		if at := strings.LastIndexByte(spec, '@'); at > 0 {
			name, version, ok = spec[:at], spec[at+1:], true
		}
	}
	name = strings.TrimSpace(name)
	version = strings.TrimSpace(version)
	switch {
	case !ok || version == "":
		if i := strings.IndexAny(spec, "<>~!=,"); i > 0 {
			return strings.TrimSpace(spec[:i]), Range
		}
		return name, NoVersion
	case strings.EqualFold(version, "latest"):
		return name, Latest
	case strings.ContainsAny(version, "*<>~!=, \t;"):
		return name, Range
	case strings.ContainsAny(version, "/:"):
		// git+ssh://git@host/repo: the @ is the URL's, not a version
		return spec, NoVersion
	}
	return name, Pinned
}
