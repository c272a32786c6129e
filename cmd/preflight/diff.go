package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

func newDiffCmd(a *app) *cobra.Command {
	var author, root string
	cmd := &cobra.Command{
		Use:   "diff [DIR...]",
		Short: "Show staging vs production, key by key, with each key's sign-off status",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.eachBundle(args, root, func(b *preflight.Bundle, _ bool) error {
				return a.diff(b, author)
			})
		},
	}
	cmd.Flags().StringVar(&author, "author", "", "the person who made the change: their own sign-offs show as unauthorized")
	addRootFlag(cmd, &root)
	return cmd
}

// eachBundle runs a read-only command (diff, preview) over the bundles of
// args: in the several-bundle form each under a header line with its
// path. A bundle that cannot be read is reported on stderr and the others
// still run; the command then exits 2.
func (a *app) eachBundle(args []string, root string, do func(b *preflight.Bundle, several bool) error) error {
	rs, err := a.loadBundles(args, root, false)
	if err != nil {
		return err
	}
	if !rs.several {
		l := rs.bundles[0]
		if l.err != nil {
			return l.err
		}
		return do(l.b, false)
	}
	failed := false
	for i, l := range rs.bundles {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		fmt.Fprintf(a.stdout, "== %s\n", words.Escape(l.dir))
		err := l.err
		if err == nil {
			if e := do(l.b, true); e != nil {
				if pe, ok := e.(*preflight.Error); ok {
					err = pe
				} else {
					return e
				}
			}
		}
		if err != nil {
			failed = true
			fmt.Fprintf(a.stdout, "preflight could not read this bundle: %s\n", words.Escape(err.Error()))
			a.reportError(&preflight.ReportError{File: err.File, Line: err.Line, Column: err.Column, Message: err.Msg, Hint: err.Hint})
		}
	}
	if failed {
		return preflight.ErrCannotJudge
	}
	return nil
}

// diff prints one bundle's differences.
func (a *app) diff(b *preflight.Bundle, author string) error {
	if checks.ConfigdiffOf(b) == nil {
		fmt.Fprintf(a.stdout, "%s has no [configdiff] section: nothing to compare\n", words.Escape(b.Display(preflight.ManifestName)))
		return nil
	}
	d, err := checks.LoadDrift(b, &preflight.Options{Author: author, Now: a.now()})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "staging:    %s\nproduction: %s\n\n", words.Escape(b.Display(d.StagingFile)), words.Escape(b.Display(d.ProductionFile)))
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	need := 0
	for _, k := range d.Drifts {
		status := k.Status.String()
		if k.Signoff != nil && !k.Allowed {
			status += " (by " + k.Signoff.By + ")"
		}
		if k.NeedsSignoff() {
			need++
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", words.Escape(k.Key), words.Escape(k.Summary()), words.Escape(status))
	}
	for _, c := range d.Unused {
		fmt.Fprintf(tw, "  %s\tstaging and production agree\tunused sign-off (%s:%d)\n", words.Escape(c.Key), words.Escape(b.Display(d.SignoffFile)), c.Line)
	}
	tw.Flush()
	if len(d.Drifts) == 0 {
		fmt.Fprintln(a.stdout, "  staging and production agree")
	}
	needs := "need"
	if need == 1 {
		needs = "needs"
	}
	fmt.Fprintf(a.stdout, "\n%s, %d %s a sign-off\n", words.Plural(len(d.Drifts), "difference"), need, needs)
	return nil
}
