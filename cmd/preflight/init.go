package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks/starter"
	"github.com/preflight-gate/preflight/preflight/words"
)

func newInitCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a starter preflight.toml for a folder",
		Long: `init looks at the folder DIR (default .) and writes a starter preflight.toml:
a staging/production pair of config files to compare, a bulk input per CSV
file, the config files that hold error routes, the scheduled GitHub Actions
workflows (saying which have no failure notice), and the team registry. Each
guess is marked "guessed: confirm" in the file and listed on stdout.

init never overwrites an existing manifest.`,
		Args: atMostOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := bundleDir(args)
			s, file, err := starter.Write(dir)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "wrote %s\n", words.Escape(file))
			guesses := s.Guesses()
			for _, g := range guesses {
				fmt.Fprintf(a.stdout, "guessed: %s\n", words.Escape(g))
			}
			for _, n := range s.Notes {
				fmt.Fprintf(a.stdout, "note: %s\n", words.Escape(n))
			}
			if s.Empty() {
				fmt.Fprintf(a.stdout, "guessed nothing: no staging/production config pair, CSV file, error route or scheduled workflow found\n")
				fmt.Fprintf(a.stdout, "next: enable a gate in %s (the commented sections show how), then run `preflight check %s`\n", words.Escape(file), words.Escape(words.ShellQuote(dir)))
				return nil
			}
			fmt.Fprintf(a.stdout, "next: confirm each guess in %s, then run `preflight check %s`\n", words.Escape(file), words.Escape(words.ShellQuote(dir)))
			return nil
		},
	}
}
