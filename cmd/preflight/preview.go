package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

func newPreviewCmd(a *app) *cobra.Command {
	var (
		name   string
		n      int
		inputs []string
		root   string
	)
	cmd := &cobra.Command{
		Use:   "preview [DIR...]",
		Short: "Show the first N intended executions of each bulk input",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			flags, err := parseInputs(inputs)
			if err != nil {
				return err
			}
			if n < 0 {
				return preflight.Usagef("-n %d: expected a number of executions, 0 or more", n)
			}
			return a.eachBundle(args, root, func(b *preflight.Bundle, several bool) error {
				in := inputMap(flags, b.Name())
				if !several {
					var err error
					if in, err = bundleInputs(flags, b, b.Name()); err != nil {
						return err
					}
				}
				names := checks.BulkNames(b)
				if len(names) == 0 {
					fmt.Fprintf(a.stdout, "%s has no [[bulk]] input: nothing to preview\n", words.Escape(b.Display(preflight.ManifestName)))
					return nil
				}
				if name != "" {
					if _, err := checks.BulkSpecOf(b, name); err != nil {
						if several {
							fmt.Fprintf(a.stdout, "%s has no bulk input %q\n", words.Escape(b.Display(preflight.ManifestName)), name)
							return nil
						}
						return err
					}
					names = []string{name}
				}
				opts := &preflight.Options{Inputs: in, Now: a.now(), Progress: a.progress()}
				for i, name := range names {
					if cmd.Flags().Changed("n") {
						spec, _ := checks.BulkSpecOf(b, name)
						spec.Preview = &n
					}
					_, p, err := checks.BulkApprovalState(b, opts, name)
					if err != nil {
						return err
					}
					if i > 0 {
						fmt.Fprintln(a.stdout)
					}
					p.WriteText(a.stdout)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "bulk", "", "preview only the bulk input `NAME`")
	cmd.Flags().IntVarP(&n, "n", "n", 5, "how many intended executions to show (default: the manifest's preview)")
	cmd.Flags().StringArrayVar(&inputs, "input", nil, "read bulk input NAME from PATH instead of its manifest file (`NAME=PATH`), repeatable")
	addRootFlag(cmd, &root)
	return cmd
}

// inputMap is the --input flags of one bundle named bundle: bare names,
// and BUNDLE:NAME of this bundle.
func inputMap(in []input, bundle string) map[string]string {
	m := map[string]string{}
	for _, it := range in {
		switch {
		case it.bundle == "":
			m[it.name] = it.path
		case it.bundle == bundle:
			m[it.name] = it.path
		}
	}
	return m
}
