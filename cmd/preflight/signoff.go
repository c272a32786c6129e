package main

import (
	"fmt"
	"io"
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
	inputs              []string
	all                 bool
	// gates are the signoff flags of the gates that sign, in gate order;
	// names what each names, by flag name.
	gates []*preflight.SignoffFlag
	names map[string]*[]string
}

// named returns what the gates' flags name, by flag name, and whether
// any names something.
func (fl *signoffFlags) named() (map[string][]string, bool) {
	m, any := map[string][]string{}, false
	for name, v := range fl.names {
		m[name] = *v
		any = any || len(*v) > 0
	}
	return m, any
}

// flagWords lists the gates' signoff flags for a message: their usages
// ("--key GLOB") or names ("--key"), or their nouns.
func (fl *signoffFlags) flagWords(word func(*preflight.SignoffFlag) string, more ...string) []string {
	var ws []string
	for _, g := range fl.gates {
		ws = append(ws, word(g))
	}
	return append(ws, more...)
}

// nouns names one of each thing the flags sign: "difference, bulk input
// and MCP tool list".
func (fl *signoffFlags) nouns() string {
	return words.List(fl.flagWords(func(g *preflight.SignoffFlag) string { return g.Noun }), "and")
}

func newSignoffCmd(a *app) *cobra.Command {
	fl := signoffFlags{gates: checks.SignoffFlags(a.gates), names: map[string]*[]string{}}
	cmd := &cobra.Command{
		Use:   "signoff [DIR]",
		Short: "Record sign-offs for the current " + strings.Join(fl.flagWords(func(g *preflight.SignoffFlag) string { return g.Nouns }), " / "),
		Long: `signoff records, in the bundle's sign-off file, that a person has looked at
what a flag below names, as it is now, and approves it. Each entry is bound
to the exact values: any later change voids it. Commit the file and get it
reviewed.`,
		Args: atMostOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.signoff(bundleDir(args), &fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.by, "by", "", "who signs: an email or code-host login (required)")
	f.StringVar(&fl.reason, "reason", "", "why the difference or the run is right (required)")
	for _, g := range fl.gates {
		v := new([]string)
		fl.names[g.Name] = v
		f.StringArrayVar(v, g.Name, nil, g.Help)
	}
	f.BoolVar(&fl.all, "all", false, "sign every "+fl.nouns()+" that needs it and has no valid sign-off")
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
	// RFC 3339 allows a lower-case t and z; Go's layout does not.
	if t, err := time.Parse(time.RFC3339, strings.ToUpper(s)); err == nil {
		t = t.UTC()
		return &t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return &t, nil
	}
	return nil, preflight.Usagef("invalid --expires %q: expected an RFC 3339 date (2027-01-31) or timestamp (2027-01-31T12:00:00Z)", s)
}

func (a *app) signoff(dir string, fl *signoffFlags) error {
	names, named := fl.named()
	switch {
	case strings.TrimSpace(fl.by) == "":
		return preflight.Usagef("--by is required: who signs (an email or code-host login)")
	case strings.TrimSpace(fl.reason) == "":
		return preflight.Usagef("--reason is required: why the difference or the run is right")
	case !fl.all && !named:
		return preflight.Usagef("nothing named to sign: give %s", words.List(fl.flagWords((*preflight.SignoffFlag).Usage, "--all"), "or"))
	case fl.all && named:
		return preflight.Usagef("--all signs everything that needs it: give it without %s", words.List(fl.flagWords((*preflight.SignoffFlag).String), "or"))
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
	in, err := bundleInputs(flags, b, b.Name())
	if err != nil {
		return err
	}
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
		By: fl.by, Reason: fl.reason, Names: names, All: fl.all, Expires: expires,
		Options: &preflight.Options{Now: now, Inputs: in, FailOn: preflight.SeverityError, Progress: a.progress()},
	})
	if err != nil {
		return err
	}
	signed := 0
	for _, d := range done {
		if d.Skipped != "" {
			fmt.Fprintf(a.stdout, "skipped %s\n", d.Skipped)
			continue
		}
		signed++
	}
	if signed == 0 {
		fmt.Fprintf(a.stdout, "nothing to sign: every %s is allowed or has a valid sign-off\n", fl.nouns())
		return nil
	}
	for _, d := range done {
		if d.Skipped != "" {
			continue
		}
		if d.Replaces != "" {
			fmt.Fprintf(a.stderr, "preflight: note: this replaces %s's valid %s\n", words.Escape(d.Replaces), words.Escape(d.What))
		}
		io.WriteString(a.stdout, d.Text)
		if d.Note != "" {
			fmt.Fprintf(a.stderr, "preflight: %s\n", d.Note)
		}
	}
	if err := s.Write(path); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s: %s by %s\ncommit it and get it reviewed: the sign-off counts only as much as that review\n", words.Escape(b.Display(b.Manifest.Signoff)), words.Plural(signed, "sign-off"), words.Escape(fl.by))
	return nil
}
