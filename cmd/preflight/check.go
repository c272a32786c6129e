package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
)

func newCheckCmd(a *app) *cobra.Command {
	var (
		formats []string
		output  string
		failOn  string
		author  string
		inputs  []string
	)
	cmd := &cobra.Command{
		Use:   "check [DIR]",
		Short: "Run every gate the manifest enables (DIR defaults to .)",
		Args:  atMostOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			sev, err := preflight.ParseSeverity(failOn)
			if err != nil {
				return err
			}
			in, err := parseInputs(inputs)
			if err != nil {
				return err
			}
			outs, err := a.outputs(formats, output)
			if err != nil {
				return err
			}
			b, err := a.load(bundleDir(args))
			if err != nil {
				return err
			}
			if err := checks.CheckInputs(b, in); err != nil {
				return err
			}
			opts := &preflight.Options{Author: author, Inputs: in, Now: a.now(), FailOn: sev}
			r, err := preflight.Check(b, opts)
			if err != nil {
				return err
			}
			if err := outs.write(r, a.stdout); err != nil {
				return err
			}
			if !r.Passed {
				return preflight.ErrFailed
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&formats, "format", nil, "output format F or F=FILE, repeatable; F one of "+strings.Join(preflight.Formats, ", ")+" (default text)")
	f.StringVar(&output, "output", "", "write formats given without =FILE to `FILE` instead of stdout")
	f.StringVar(&failOn, "fail-on", "error", "the least severity that fails the gate: error or warning")
	f.StringVar(&author, "author", "", "the person who made the change (email or code-host login): their own sign-offs do not count")
	f.StringArrayVar(&inputs, "input", nil, "read bulk input NAME from PATH instead of its manifest file (`NAME=PATH`), repeatable")
	return cmd
}

// parseInputs reads --input NAME=PATH flags.
func parseInputs(flags []string) (map[string]string, error) {
	in := map[string]string{}
	for _, f := range flags {
		name, path, ok := strings.Cut(f, "=")
		if !ok || name == "" || path == "" {
			return nil, preflight.Usagef("invalid --input %q: expected NAME=PATH", f)
		}
		if _, dup := in[name]; dup {
			return nil, preflight.Usagef("--input %q given twice", name)
		}
		in[name] = path
	}
	return in, nil
}
