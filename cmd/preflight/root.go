package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// app carries what every command reads and writes, so commands run
// in-process in tests.
type app struct {
	stdin  io.Reader
	stdout io.Writer  // out, as commands write it
	out    *outWriter // stdout, keeping its first write error
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time
	gates  []preflight.Gate // checks.Gates(); a test may add its own
}

// run runs the command line with every gate and returns the exit code; it
// never exits.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	return runGates(checks.Gates(), args, stdin, stdout, stderr, getenv)
}

// runGates is run with the given gate list.
func runGates(gates []preflight.Gate, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	out := &outWriter{w: stdout}
	a := &app{stdin: stdin, stdout: out, out: out, stderr: stderr, getenv: getenv, now: time.Now, gates: gates}
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "preflight: internal error: %v\nhint: this is a bug; please report it with the command you ran\n", p)
			if getenv("PREFLIGHT_DEBUG") != "" {
				stderr.Write(debug.Stack())
			}
			code = preflight.ExitInternal
		}
	}()
	if t := getenv("PREFLIGHT_NOW"); t != "" {
		// Tests pin the clock: sign-off times and expiry are judged against it.
		fixed, err := time.Parse(time.RFC3339, t)
		if err != nil {
			fmt.Fprintf(stderr, "preflight: PREFLIGHT_NOW %q: expected an RFC 3339 timestamp\n", t)
			return preflight.ExitCannot
		}
		a.now = func() time.Time { return fixed }
	}
	root := newRootCmd(a)
	root.SetArgs(args)
	err := root.Execute()
	if out.err != nil {
		// Output that was lost is a run that could not report: exit 2,
		// whatever the command found.
		err = writeError(stdoutName, out.err)
	}
	if err == nil || errors.Is(err, preflight.ErrFailed) || errors.Is(err, preflight.ErrCannotJudge) {
		// The report, and stderr for a bundle that could not be
		// judged, already say why.
		return preflight.ExitCode(err)
	}
	// Messages may name what came from an input (a path, a key): one
	// line each, whatever it holds.
	fmt.Fprintf(stderr, "preflight: %s\n", words.Escape(err.Error()))
	var pe *preflight.Error
	if errors.As(err, &pe) && pe.Hint != "" {
		fmt.Fprintf(stderr, "hint: %s\n", words.Escape(pe.Hint))
	}
	return preflight.ExitCode(err)
}

// load loads the bundle in dir for the app's gates, with the --root
// given ("" finds it).
func (a *app) load(dir, root string) (*preflight.Bundle, error) {
	if root != "" {
		if err := preflight.CheckRoot(root, []string{dir}); err != nil {
			return nil, err
		}
	}
	return preflight.Load(dir, a.gates, preflight.LoadOptions{Root: root})
}

// addRootFlag adds --root.
func addRootFlag(cmd *cobra.Command, root *string) {
	cmd.Flags().StringVar(root, "root", "", "the folder every path of a bundle must stay inside (`DIR`; default: the top of its git work tree, else the bundle)")
}

// rules returns the metadata of every rule of the app's gates, in order.
func (a *app) rules() []preflight.Rule {
	var rules []preflight.Rule
	for _, g := range a.gates {
		rules = append(rules, g.Info().Rules...)
	}
	return rules
}

// Every way cobra can refuse a command line ends as a *preflight.Error (exit
// 2): flag errors through SetFlagErrorFunc, arguments through these
// validators, an unknown command through the root's RunE.

func atMostOneArg(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return &preflight.Error{Msg: fmt.Sprintf("%s takes at most one folder, got %d arguments: %q", cmd.CommandPath(), len(args), args), Hint: "run `" + cmd.CommandPath() + " --help` for usage"}
	}
	return nil
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &preflight.Error{Msg: fmt.Sprintf("%s takes no arguments, got %q", cmd.CommandPath(), args)}
	}
	return nil
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "preflight",
		Short: "Stop a bad deployment in CI before it reaches customers",
		Long: `preflight reads a deployment bundle (a folder with a preflight.toml manifest),
runs the gates the manifest enables and exits non-zero when the deployment
must not ship.

Exit codes: 0 passed, 1 the deployment must not ship, 2 preflight could not
judge (bad usage, a missing or malformed file), 3 internal error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				cmd.SetOut(a.stderr)
				cmd.Help()
				return &preflight.Error{Msg: "no command given"}
			}
			return &preflight.Error{Msg: fmt.Sprintf("unknown command %q", args[0]), Hint: "run `preflight --help` for the commands"}
		},
	}
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &preflight.Error{Msg: err.Error(), Hint: "run `" + c.CommandPath() + " --help` for usage"}
	})
	root.AddCommand(
		newCheckCmd(a),
		newDiffCmd(a),
		newPreviewCmd(a),
		newSignoffCmd(a),
		newExplainCmd(a),
		newInitCmd(a),
		newVersionCmd(a),
	)
	root.CompletionOptions.DisableDefaultCmd = true
	return root
}

// bundleDir is the optional DIR argument, "." by default.
func bundleDir(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}

// version is the module version when built with go install, "devel" otherwise.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print preflight's version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(a.stdout, "preflight %s\n", version())
			return nil
		},
	}
}

// isTerminal reports whether w is a terminal, for colour.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
