package starter

// This file renders a guessed starter: one line per guess, and the
// manifest text.

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// Guesses returns one line per guess: what was guessed and what the user
// must confirm.
func (s *Starter) Guesses() []string {
	var out []string
	if p := s.Configdiff; p != nil {
		out = append(out, fmt.Sprintf("configdiff compares %s (staging) with %s (production): confirm these are the files each environment deploys", p.Staging, p.Production))
	}
	for _, b := range s.Bulk {
		var what string
		switch {
		case b.Header:
			what = fmt.Sprintf("key column %q", b.Key)
		default:
			what = fmt.Sprintf("key column %s, no header row", b.Key)
		}
		if b.Email {
			what += ", email format, masked in every output"
		}
		header := "that the automation skips the first row as a header"
		if !b.Header {
			header = "that the automation treats the first row as data"
		}
		out = append(out, fmt.Sprintf("bulk %q reads %s (%s): confirm the key column, %s, and set rows.max to the largest run you expect", b.Name, b.File, what, header))
	}
	if len(s.Routes) > 0 {
		var files []string
		for _, r := range s.Routes {
			files = append(files, fmt.Sprintf("%s (%s)", r.File, keyList(r.Keys)))
		}
		out = append(out, fmt.Sprintf("routes checks the error routes in %s: confirm every file that routes errors is listed", strings.Join(files, ", ")))
	}
	if sc := s.Schedules; sc != nil {
		out = append(out, fmt.Sprintf("schedules checks the scheduled workflows in %s (%s): confirm these are the workflows this deployment runs", sc.Dir, keyList(sc.Workflows)))
	}
	if c := s.Controls; c != nil {
		out = append(out, fmt.Sprintf("controls: %s has keys that look like caps, budgets or alert thresholds (%s): the [controls] section is commented out; write down each normal and uncomment it", c.File, keyList(c.keys())))
	}
	if m := s.Mcp; m != nil {
		out = append(out, fmt.Sprintf("mcp checks the MCP servers in %s: confirm these are the client configs your agents use", strings.Join(m.Files, ", ")))
	}
	if s.Teams != "" {
		out = append(out, fmt.Sprintf("teams = %s: confirm it registers the team aliases your error routes and approvers name", s.Teams))
	}
	return out
}

func keyList(keys []string) string {
	const most = 3
	if len(keys) <= most {
		return strings.Join(keys, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(keys[:most], ", "), len(keys)-most)
}

// Empty reports whether nothing was guessed: the manifest enables no gate.
func (s *Starter) Empty() bool {
	return s.Configdiff == nil && len(s.Bulk) == 0 && len(s.Routes) == 0 && s.Schedules == nil && s.Mcp == nil
}

const confirm = "# guessed: confirm "

// Manifest renders the starter as preflight.toml text. It loads with
// [preflight.LoadBundle]; sections with no guess are written as comments.
func (s *Starter) Manifest() []byte {
	var w bytes.Buffer
	line := func(format string, args ...any) { fmt.Fprintf(&w, format+"\n", args...) }
	line("# preflight.toml: the deployment gate's manifest, " + preflight.StarterMark + ".")
	line("# Each \"guessed: confirm\" line marks a guess from the folder's contents:")
	line("# check the setting below it, then delete the marker. Every path is")
	line("# relative to this folder. Run `preflight explain` for the rules.")
	line("version = 1")
	line("name = %s", words.QuoteTOML(s.Name))
	if s.Teams != "" {
		line(confirm + "the team registry: aliases that error routes and approvers name")
		line("teams = %s", words.QuoteTOML(s.Teams))
	}

	line("")
	line("# configdiff: every staging-vs-production difference needs a sign-off.")
	if p := s.Configdiff; p != nil {
		line(confirm + "the config files deployed to staging and to production")
		line("[configdiff]")
		line("staging = %s", words.QuoteTOML(p.Staging))
		line("production = %s", words.QuoteTOML(p.Production))
		line("# allow = [\"database.host\"]  # expected drift: no sign-off needed")
		line("# approvers = \"platform-leads\"  # a team alias: only its members may sign")
		for _, o := range s.OtherPairs {
			line("# also found: %s and %s (one pair per manifest)", o.Staging, o.Production)
		}
	} else {
		line("# [configdiff]")
		line("# staging = \"config/staging.yaml\"")
		line("# production = \"config/production.yaml\"")
	}

	line("")
	line("# bulk: a CSV the automation runs once per row is counted, de-duplicated and")
	line("# previewed; a run over approve_over rows needs an approval.")
	if len(s.Bulk) == 0 {
		line("# [[bulk]]")
		line("# name = \"recipients\"")
		line("# file = \"data/recipients.csv\"")
		line("# key = [\"email\"]")
		line("# format = \"email\"")
	}
	for i, b := range s.Bulk {
		if i > 0 {
			line("")
		}
		line(confirm+"%s", b.Why)
		line("[[bulk]]")
		line("name = %s", words.QuoteTOML(b.Name))
		line("file = %s", words.QuoteTOML(b.File))
		if b.Header {
			line("key = [%s]", words.QuoteTOML(b.Key))
		} else {
			line("key = [%s]", b.Key)
		}
		if b.Email {
			line("format = \"email\"")
			line("mask = [%s]  # addresses show as a***@example.com in every output", words.QuoteTOML(b.Key))
		}
		if b.Delimiter != ',' {
			line("delimiter = %s", words.QuoteTOML(string(b.Delimiter)))
		}
		if b.Header {
			line(confirm + "the automation skips the first row as a header")
			line("header = true")
		} else {
			line(confirm + "the automation treats the first row as data")
			line("header = false")
		}
		line("# rows = { min = 1, max = 1000 }  # the largest run you expect")
	}

	line("")
	line("# routes: every error route must reach a team alias of two or more members.")
	if len(s.Routes) > 0 {
		line(confirm + "the config files whose error routes are checked (built-in key globs)")
		line("[routes]")
		var files []string
		for _, r := range s.Routes {
			files = append(files, words.QuoteTOML(r.File))
		}
		line("files = [%s]", strings.Join(files, ", "))
		if s.Teams == "" {
			line("# needs a team registry: write teams.toml next to this file")
		}
	} else {
		line("# [routes]")
		line("# files = [\"config/production.yaml\"]")
	}
	if s.Controls != nil {
		line("")
		s.Controls.write(line, s.Teams)
	}

	line("")
	line("# schedules: every scheduled GitHub Actions workflow needs a failure notice to")
	line("# a team alias, and a weekly watcher that checks each one ran.")
	if sc := s.Schedules; sc != nil {
		line(confirm+"the scheduled workflows in %s: %s", sc.Dir, strings.Join(sc.Workflows, ", "))
		line("[schedules]")
		line("# watcher = %s  # write one (see the README), then name it here", words.QuoteTOML(sc.Dir+"/weekly-check.yml"))
		if s.Teams == "" {
			line("# needs a team registry: write teams.toml next to this file")
		}
	} else {
		line("# [schedules]")
		line("# watcher = \".github/workflows/weekly-check.yml\"")
	}

	line("")
	line("# mcp: every MCP server pinned to exact content, its tool list approved by a")
	line("# person and bound to a digest, hidden instructions in tools refused.")
	if m := s.Mcp; m != nil {
		line(confirm+"the MCP client configs: %s", strings.Join(m.Files, ", "))
		line("[mcp]")
		if m.InRoot {
			var files []string
			for _, f := range m.Files {
				files = append(files, words.QuoteTOML(f))
			}
			line("files = [%s]", strings.Join(files, ", "))
		}
		if m.Tools != "" {
			line("tools = %s", words.QuoteTOML(m.Tools))
		} else {
			line("# tools = \"mcp/tools\"  # commit each server's tools/list result here (see the README)")
		}
	} else {
		line("# [mcp]")
		line("# files = [\".mcp.json\"]")
	}
	return w.Bytes()
}
