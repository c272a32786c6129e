package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
)

func newPreviewCmd(a *app) *cobra.Command {
	var (
		name   string
		n      int
		inputs []string
	)
	cmd := &cobra.Command{
		Use:   "preview [DIR]",
		Short: "Show the first N intended executions of each bulk input",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := parseInputs(inputs)
			if err != nil {
				return err
			}
			b, err := preflight.LoadBundle(bundleDir(args))
			if err != nil {
				return err
			}
			m := b.Manifest
			if len(m.Bulk) == 0 {
				fmt.Fprintf(a.stdout, "%s has no [[bulk]] input: nothing to preview\n", b.Display(preflight.ManifestName))
				return nil
			}
			if name != "" && !m.HasBulk(name) {
				return preflight.Usagef("--bulk %q: no [[bulk]] input of that name in the manifest (have %s)", name, bulkNames(m))
			}
			if cmd.Flags().Changed("n") && n < 0 {
				return preflight.Usagef("-n %d: expected a number of executions, 0 or more", n)
			}
			for i := range m.Bulk {
				if cmd.Flags().Changed("n") {
					m.Bulk[i].Preview = &n
				}
			}
			res, err := checks.Bulk{}.Check(b, &preflight.Options{Inputs: in, Now: a.now(), FailOn: preflight.SeverityError})
			if err != nil {
				return err
			}
			first := true
			for _, p := range res.Previews {
				if name != "" && p.Bulk != name {
					continue
				}
				if !first {
					fmt.Fprintln(a.stdout)
				}
				first = false
				preflight.WritePreview(a.stdout, p)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "bulk", "", "preview only the bulk input `NAME`")
	cmd.Flags().IntVarP(&n, "n", "n", 5, "how many intended executions to show (default: the manifest's preview)")
	cmd.Flags().StringArrayVar(&inputs, "input", nil, "read bulk input NAME from PATH instead of its manifest file (`NAME=PATH`), repeatable")
	return cmd
}

func bulkNames(m *preflight.Manifest) string {
	s := ""
	for i, b := range m.Bulk {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%q", b.Name)
	}
	return s
}
