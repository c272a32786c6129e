package main

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

func newCheckCmd(a *app) *cobra.Command {
	var (
		formats      []string
		output       string
		failOn       string
		author       string
		inputs       []string
		root         string
		changedSince string
	)
	cmd := &cobra.Command{
		Use:   "check [DIR...]",
		Short: "Run every gate of each bundle in or below DIR (default .)",
		Long: `check runs every gate each bundle's manifest enables and exits non-zero when a
deployment must not ship. A DIR that holds a preflight.toml is one bundle; any
other DIR is searched for bundles below it (not in hidden folders,
node_modules, vendor or testdata). Several bundles give one report.

Exit codes: 0 passed, 1 a deployment must not ship, 2 preflight could not
judge a bundle or the command line, 3 internal error.`,
		Args: cobra.ArbitraryArgs,
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
			var changes *preflight.Changes
			if cmd.Flags().Changed("changed-since") {
				if changes, err = preflight.NewChanges(changedSince); err != nil {
					return err
				}
			}
			rs, err := a.loadBundles(args, root, changes != nil)
			if err != nil {
				return err
			}
			perBundle, err := inputsOf(rs, in)
			if err != nil {
				return err
			}
			run := &preflight.Run{Several: rs.several, FailOn: sev}
			for _, l := range rs.bundles {
				if changes != nil {
					// Git is asked for every bundle's work tree, even one
					// that cannot be judged (it is reported all the same).
					// Nothing changed there: no need to check the bundle to
					// learn which files it reads.
					if any, err := changes.Any(l.dir); err != nil {
						return err
					} else if !any && l.err == nil {
						continue
					}
				}
				r, err := a.checkOne(l, &preflight.Options{Author: author, Inputs: perBundle[l], Now: a.now(), FailOn: sev, Progress: a.progress()})
				if err != nil {
					return err
				}
				if changes != nil && r.Error == nil {
					touched, err := changes.Touch(l.b)
					if err != nil {
						return err
					}
					if !touched {
						continue
					}
				}
				run.Reports = append(run.Reports, r)
			}
			if changes != nil && len(run.Reports) == 0 {
				run.Note = fmt.Sprintf("no bundle changed since %s: nothing to check", changes.Ref)
			}
			for _, r := range run.Reports {
				if e := r.Error; e != nil {
					a.reportError(e)
				}
			}
			if err := outs.write(run, a.stdout); err != nil {
				return err
			}
			return run.Err()
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&formats, "format", nil, "output format F or F=FILE, repeatable; F one of "+strings.Join(preflight.Formats, ", ")+" (default text)")
	f.StringVar(&output, "output", "", "write formats given without =FILE to `FILE` instead of stdout")
	f.StringVar(&failOn, "fail-on", "error", "the least severity that fails the gate: error or warning")
	f.StringVar(&author, "author", "", "the person who made the change (email or code-host login): their own sign-offs do not count")
	f.StringArrayVar(&inputs, "input", nil, "read bulk input NAME (BUNDLE:NAME: of one bundle) from PATH instead of its manifest file (`NAME=PATH`), repeatable")
	addRootFlag(cmd, &root)
	f.StringVar(&changedSince, "changed-since", "", "check only the bundles with a file that differs from git `REF` or is new")
	return cmd
}

// checkOne checks one bundle: its report, or the report of why it could
// not be judged. Only an error that is not a *preflight.Error (a bug)
// is returned.
func (a *app) checkOne(l *loaded, opts *preflight.Options) (*preflight.Report, error) {
	if l.err != nil {
		return preflight.ErrorReport(l.dir, l.name, l.err, opts.FailOn), nil
	}
	r, err := preflight.Check(l.b, opts)
	var pe *preflight.Error
	switch {
	case err == nil:
		return r, nil
	case errors.As(err, &pe):
		return preflight.ErrorReport(l.dir, l.name, pe, opts.FailOn), nil
	}
	return nil, err
}

// reportError writes the line of a bundle that could not be judged to
// stderr, with its hint.
func (a *app) reportError(e *preflight.ReportError) {
	fmt.Fprintf(a.stderr, "%s\n", words.Escape(e.String()))
	if e.Hint != "" {
		fmt.Fprintf(a.stderr, "hint: %s\n", words.Escape(e.Hint))
	}
}

// input is one --input flag: NAME=PATH, or BUNDLE:NAME=PATH.
type input struct {
	flag, bundle, name, path string
}

// parseInputs reads --input NAME=PATH flags.
func parseInputs(flags []string) ([]input, error) {
	var in []input
	seen := map[string]bool{}
	for _, f := range flags {
		name, path, ok := strings.Cut(f, "=")
		if !ok || name == "" || path == "" {
			return nil, preflight.Usagef("invalid --input %q: expected NAME=PATH", f)
		}
		if seen[name] {
			return nil, preflight.Usagef("--input %q given twice", name)
		}
		seen[name] = true
		it := input{flag: f, name: name, path: path}
		if bundle, bulk, ok := strings.Cut(name, ":"); ok && bundle != "" && bulk != "" {
			it.bundle, it.name = bundle, bulk
		}
		in = append(in, it)
	}
	// BUNDLE:NAME is the more specific: it applies after (so over) a
	// bare NAME, in whichever order they were given.
	qualified := func(it input) int {
		if it.bundle != "" {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(in, func(a, b input) int { return cmp.Compare(qualified(a), qualified(b)) })
	return in, nil
}

// bundleInputs hands the one bundle of a one-bundle run, b named name,
// its --input flags: a bare NAME, or BUNDLE:NAME naming it. A NAME it has
// no bulk input of (or another bundle's) is refused by checks.CheckInputs,
// the one check of the names: the gates trust Options.Inputs. A bundle
// that could not be loaded (b nil) gets them unchecked.
func bundleInputs(in []input, b *preflight.Bundle, name string) (map[string]string, error) {
	m := map[string]string{}
	for _, it := range in {
		n := it.name
		if it.bundle != "" && it.bundle != name {
			n = it.bundle + ":" + it.name
		}
		m[n] = it.path
	}
	if b == nil {
		return m, nil
	}
	return m, checks.CheckInputs(b, m)
}

// inputsOf hands each bundle its --input flags: BUNDLE:NAME to the bundle
// of that name, a bare NAME to every bundle that has that input. In the
// one-bundle form a NAME the bundle lacks is refused as ever; in the
// several-bundle form a flag that matches no bundle's input is.
func inputsOf(rs *runSet, in []input) (map[*loaded]map[string]string, error) {
	out := map[*loaded]map[string]string{}
	if !rs.several {
		l := rs.bundles[0]
		m, err := bundleInputs(in, l.b, l.name)
		if err != nil {
			return nil, err
		}
		out[l] = m
		return out, nil
	}
	for _, it := range in {
		matched := false
		for _, l := range rs.bundles {
			if l.b == nil || it.bundle != "" && it.bundle != l.name {
				continue
			}
			for _, n := range checks.BulkNames(l.b) {
				if n == it.name {
					if out[l] == nil {
						out[l] = map[string]string{}
					}
					out[l][n] = it.path
					matched = true
				}
			}
		}
		if !matched {
			return nil, &preflight.Error{Msg: fmt.Sprintf("--input %q matches no bulk input of the bundles checked", it.flag),
				Hint: "name an input as NAME (every bundle that has it) or BUNDLE:NAME"}
		}
	}
	return out, nil
}
