package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
)

func newDiffCmd(a *app) *cobra.Command {
	var author string
	cmd := &cobra.Command{
		Use:   "diff [DIR]",
		Short: "Show staging vs production, key by key, with each key's sign-off status",
		Args:  atMostOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := a.load(bundleDir(args))
			if err != nil {
				return err
			}
			if checks.ConfigdiffOf(b) == nil {
				fmt.Fprintf(a.stdout, "%s has no [configdiff] section: nothing to compare\n", preflight.Escape(b.Display(preflight.ManifestName)))
				return nil
			}
			d, err := checks.LoadDrift(b, &preflight.Options{Author: author, Now: a.now()})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "staging:    %s\nproduction: %s\n\n", preflight.Escape(b.Display(d.StagingFile)), preflight.Escape(b.Display(d.ProductionFile)))
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
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", preflight.Escape(k.Key), preflight.Escape(k.Summary()), preflight.Escape(status))
			}
			tw.Flush()
			for _, c := range d.Unused {
				fmt.Fprintf(a.stdout, "  %s\tunused sign-off (%s:%d): staging and production agree\n", preflight.Escape(c.Key), preflight.Escape(b.Display(d.SignoffFile)), c.Line)
			}
			if len(d.Drifts) == 0 {
				fmt.Fprintln(a.stdout, "  staging and production agree")
			}
			fmt.Fprintf(a.stdout, "\n%d differences, %d need a sign-off\n", len(d.Drifts), need)
			return nil
		},
	}
	cmd.Flags().StringVar(&author, "author", "", "the person who made the change: their own sign-offs show as unauthorized")
	return cmd
}
