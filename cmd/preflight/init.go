package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks/starter"
	"github.com/preflight-gate/preflight/preflight"
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

When the sub-folders of DIR are separate services (each a staging/production
pair), init writes one manifest per service folder and one shared teams.toml
at the top. A folder below that already holds a preflight.toml is mentioned
and left alone. When a manifest routes errors and there is no registry, init
writes a starter teams.toml listing the addresses the routes reach today.

init never overwrites an existing file.`,
		Args: atMostOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := bundleDir(args)
			res, err := starter.Init(dir)
			if err != nil {
				return err
			}
			for _, b := range res.Bundles {
				fmt.Fprintf(a.stdout, "note: %s already has a %s: left as it is, not folded into a new one; `preflight check %s` checks it\n", words.Escape(b), preflight.ManifestName, words.Escape(words.ShellQuote(b)))
			}
			if res.Services {
				fmt.Fprintf(a.stdout, "the sub-folders of %s are separate services: one manifest each", words.Escape(dir))
				if res.Teams != "" {
					fmt.Fprintf(a.stdout, ", and one shared team registry at the top, %s", words.Escape(res.Teams))
				}
				fmt.Fprintln(a.stdout)
			}
			if len(res.Manifests) == 0 {
				fmt.Fprintf(a.stdout, "wrote nothing: %s holds nothing to check beside the bundles below, and a manifest here would hide them; run `preflight check %s` to check them all\n", words.Escape(dir), words.Escape(words.ShellQuote(dir)))
				return nil
			}
			for _, w := range res.Manifests {
				a.initReport(w.File, w.Starter)
			}
			if res.Teams != "" {
				fmt.Fprintf(a.stdout, "wrote %s: a starter team registry; its comments list the addresses the error routes reach today: register each team as an alias with two or more members\n", words.Escape(res.Teams))
			}
			check := "preflight check " + words.ShellQuote(dir)
			if res.Services && !res.InGit {
				check = "preflight check --root " + words.ShellQuote(dir) + " " + words.ShellQuote(dir)
				fmt.Fprintf(a.stdout, "note: %s is not in a git work tree, so each bundle's root is its own folder and the shared registry lies outside it: checking them needs --root %s\n", words.Escape(dir), words.Escape(words.ShellQuote(dir)))
			}
			if len(res.Manifests) == 1 && res.Manifests[0].Starter.Empty() {
				fmt.Fprintf(a.stdout, "guessed nothing: no staging/production config pair, CSV file, error route or scheduled workflow found\n")
				fmt.Fprintf(a.stdout, "next: enable a gate in %s (the commented sections show how), then run `%s`\n", words.Escape(res.Manifests[0].File), words.Escape(check))
				return nil
			}
			what := "each guess in " + res.Manifests[0].File
			if len(res.Manifests) > 1 {
				what = "each guess in the manifests"
			}
			fmt.Fprintf(a.stdout, "next: confirm %s, then run `%s`\n", words.Escape(what), words.Escape(check))
			return nil
		},
	}
}

// initReport says what init wrote into one manifest and what it guessed.
func (a *app) initReport(file string, s *starter.Starter) {
	fmt.Fprintf(a.stdout, "wrote %s\n", words.Escape(file))
	for _, g := range s.Guesses() {
		fmt.Fprintf(a.stdout, "guessed: %s\n", words.Escape(g))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(a.stdout, "note: %s\n", words.Escape(n))
	}
}
