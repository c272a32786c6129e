package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
)

func newExplainCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "explain [RULE]",
		Short: "What a rule checks, why (the incident), how to fix it; no RULE: list all",
		Args:  atMostOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				for _, r := range a.rules() {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Title)
				}
				return tw.Flush()
			}
			i := slices.IndexFunc(a.rules(), func(r preflight.Rule) bool { return r.ID == args[0] })
			if i < 0 {
				return &preflight.Error{Msg: fmt.Sprintf("unknown rule %q", args[0]), Hint: "run `preflight explain` to list every rule"}
			}
			r := a.rules()[i]
			fmt.Fprintf(a.stdout, "%s (%s)\n  %s\n\n", r.ID, r.Severity, r.Title)
			section := func(title, text string) {
				fmt.Fprintf(a.stdout, "%s:\n", title)
				for _, l := range strings.Split(text, "\n") {
					if l != "" {
						l = "  " + l
					}
					fmt.Fprintln(a.stdout, l)
				}
				fmt.Fprintln(a.stdout)
			}
			section("Why", r.Why)
			section("Incident", r.Incident)
			section("How to fix", r.Fix)
			// The example is the rule's fixtures, rendered once by the tests
			// and embedded: "Fails:" and "Passes:" sections.
			_, err := io.WriteString(a.stdout, checks.Example(r.ID))
			return err
		},
	}
}
