package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

type signoffFlags struct {
	by, reason, expires string
	root                string
	keys, bulks, mcps   []string
	inputs              []string
	all                 bool
}

func newSignoffCmd(a *app) *cobra.Command {
	var fl signoffFlags
	cmd := &cobra.Command{
		Use:   "signoff [DIR]",
		Short: "Record sign-offs for the current differences / bulk inputs / MCP tool lists",
		Long: `signoff records, in the bundle's sign-off file, that a person has looked at
the current values of config differences (--key), the preview of a bulk
input (--bulk) or the tool list of an MCP server (--mcp) and approves them.
Each entry is bound to the exact values: any later change voids it. Commit
the file and get it reviewed.`,
		Args: atMostOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.signoff(bundleDir(args), &fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.by, "by", "", "who signs: an email or code-host login (required)")
	f.StringVar(&fl.reason, "reason", "", "why the difference or the run is right (required)")
	f.StringArrayVar(&fl.keys, "key", nil, "sign the config differences matching `GLOB`, repeatable")
	f.StringArrayVar(&fl.bulks, "bulk", nil, "approve the bulk input `NAME` as its preview shows it, repeatable")
	f.StringArrayVar(&fl.mcps, "mcp", nil, "approve the tool list of MCP server `NAME` as its snapshot holds it, repeatable")
	f.BoolVar(&fl.all, "all", false, "sign every difference, bulk input and MCP tool list that needs it and has no valid sign-off")
	f.StringArrayVar(&fl.inputs, "input", nil, "approve bulk input NAME as read from PATH, a file the pipeline produced (`NAME=PATH`), repeatable")
	addRootFlag(cmd, &fl.root)
	f.StringVar(&fl.expires, "expires", "", "when the sign-off lapses: an RFC 3339 `DATE` or timestamp (a date means 00:00 UTC)")
	return cmd
}

// parseExpires reads --expires: an RFC 3339 timestamp, or a date meaning
// 00:00:00 UTC of that day.
func parseExpires(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		t = t.UTC()
		return &t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return &t, nil
	}
	return nil, preflight.Usagef("invalid --expires %q: expected an RFC 3339 date (2027-01-31) or timestamp (2027-01-31T12:00:00Z)", s)
}

func (a *app) signoff(dir string, fl *signoffFlags) error {
	switch {
	case strings.TrimSpace(fl.by) == "":
		return preflight.Usagef("--by is required: who signs (an email or code-host login)")
	case strings.TrimSpace(fl.reason) == "":
		return preflight.Usagef("--reason is required: why the difference or the run is right")
	case !fl.all && len(fl.keys) == 0 && len(fl.bulks) == 0 && len(fl.mcps) == 0:
		return preflight.Usagef("nothing named to sign: give --key GLOB, --bulk NAME, --mcp NAME or --all")
	case fl.all && (len(fl.keys) > 0 || len(fl.bulks) > 0 || len(fl.mcps) > 0):
		return preflight.Usagef("--all signs everything that needs it: give it without --key, --bulk or --mcp")
	}
	expires, err := parseExpires(fl.expires)
	if err != nil {
		return err
	}
	if expires != nil && !expires.After(a.now()) {
		return preflight.Usagef("--expires %s is not in the future: the sign-off would never count; nothing written", fl.expires)
	}
	flags, err := parseInputs(fl.inputs)
	if err != nil {
		return err
	}
	b, err := a.load(dir, fl.root)
	if err != nil {
		return err
	}
	in := inputMap(flags, b.Name())
	// Two signoff runs at once both land: each holds the lock from before
	// it reads the sign-off file (again, as it is now) until its new one
	// is in place.
	unlock, err := b.LockLedger()
	if err != nil {
		return err
	}
	defer unlock()
	s, err := b.Ledger()
	if err != nil {
		return err
	}
	path, err := b.SignoffPath()
	if err != nil {
		return err
	}
	now := a.now().UTC().Truncate(time.Second)
	done, err := checks.Sign(b, s, &checks.SignRequest{
		By: fl.by, Reason: fl.reason, Names: map[string][]string{"key": fl.keys, "bulk": fl.bulks, "mcp": fl.mcps}, All: fl.all, Expires: expires,
		Options: &preflight.Options{Now: now, Inputs: in, FailOn: preflight.SeverityError, Progress: a.progress()},
	})
	if err != nil {
		return err
	}
	signed := 0
	for _, d := range done {
		if d.Skipped != "" {
			fmt.Fprintf(a.stdout, "skipped %s\n", words.Escape(d.Skipped))
			continue
		}
		signed++
	}
	if signed == 0 {
		fmt.Fprintln(a.stdout, "nothing to sign: every difference, bulk input and MCP tool list is allowed or has a valid sign-off")
		return nil
	}
	for _, d := range done {
		if d.Skipped != "" {
			continue
		}
		if d.Replaces != "" {
			fmt.Fprintf(a.stderr, "preflight: note: this replaces %s's valid %s\n", words.Escape(d.Replaces), words.Escape(d.Subject()))
		}
		if d.Preview != nil {
			d.Preview.WriteText(a.stdout)
			fmt.Fprintf(a.stdout, "approved %s: %s as previewed above\n\n", words.Escape(d.Preview.Subject.Name), words.Plural(d.Preview.Rows, "data row"))
			if d.Errors > 0 {
				fmt.Fprintf(a.stderr, "preflight: bulk input %s still has %s: check fails until they are fixed (`preflight check` lists them)\n", words.Escape(d.Preview.Subject.Name), words.Plural(d.Errors, "error"))
			} else {
				fmt.Fprintf(a.stderr, "preflight: bulk input %s has no other errors\n", words.Escape(d.Preview.Subject.Name))
			}
			continue
		}
		if d.Mcp != nil {
			a.writeMcpApproval(d.Mcp, d.Errors)
			continue
		}
		fmt.Fprintf(a.stdout, "signed %s: %s\n", words.Escape(d.Key), words.Escape(d.Change))
	}
	if err := s.Write(path); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s: %s by %s\ncommit it and get it reviewed: the sign-off counts only as much as that review\n", words.Escape(b.Display(b.Manifest.Signoff)), words.Plural(signed, "sign-off"), words.Escape(fl.by))
	return nil
}

// writeMcpApproval lists the tools an MCP approval covers, and says on
// stderr how many errors check still reports for the server.
func (a *app) writeMcpApproval(m *checks.McpApproval, errors int) {
	fmt.Fprintf(a.stdout, "MCP server %s: %s in %s\n", words.Escape(m.Server), words.Plural(len(m.Tools), "tool"), words.Escape(m.Snapshot))
	for _, t := range m.Tools {
		if t.Summary == "" {
			fmt.Fprintf(a.stdout, "  %s\n", words.Escape(t.Name))
			continue
		}
		fmt.Fprintf(a.stdout, "  %s: %s\n", words.Escape(t.Name), words.Escape(t.Summary))
	}
	fmt.Fprintf(a.stdout, "approved %s: %s as listed above\n\n", words.Escape(m.Server), words.Plural(len(m.Tools), "tool"))
	if errors > 0 {
		fmt.Fprintf(a.stderr, "preflight: MCP server %s still has %s: check fails until they are fixed (`preflight check` lists them)\n", words.Escape(m.Server), words.Plural(errors, "error"))
	} else {
		fmt.Fprintf(a.stderr, "preflight: MCP server %s has no other errors\n", words.Escape(m.Server))
	}
}
