// Package preflight is the engine of the preflight deployment gate.
//
// It loads a deployment bundle (a folder with a preflight.toml manifest)
// for an ordered list of gates, resolves every path the manifest names
// inside the bundle's root, runs the gates the manifest enables in order,
// and renders the resulting [Report] in one of the output formats. It
// knows nothing of any particular gate: the command line passes it the
// list from package checks, and a test may pass its own.
//
// # Gates
//
// A [Gate] declares itself in a [GateInfo]: its name, the manifest section
// it owns and the Go type that section decodes into, its rules, whether it
// needs the team registry, and its table of the sign-off file. [LoadBundle]
// decodes the whole manifest once, strictly (an unknown section or key is
// an [*Error] at its line), and hands each written section to its gate's
// Load, which checks it at load time and returns the spec that [Check]
// later passes to the gate's Check.
//
// # Several bundles and the root
//
// [Discover] finds the bundles of a run below the folders it is given
// (not in hidden folders, node_modules, vendor or testdata, not through
// symlinked folders, not inside a bundle found), sorted and each real
// folder once. A bundle's root ([FindRoot]: the top of its git work tree,
// or the bundle itself; [LoadOptions] Root overrides it) is the folder
// every path its manifest names must resolve inside, so the bundles of a
// monorepo share one registry. The bundle records every file it resolves
// ([Bundle.Files]); [Changes] asks git which files differ from a ref, for
// checking only the bundles a change touched, whatever gates they run.
//
// A [Run] holds the [Report] of each bundle, in the one-bundle or the
// several-bundle form; a bundle that cannot be judged is a report too
// ([ErrorReport]), rendered by every format, and [Run.Err] gives the run's
// exit code: 2 when a bundle could not be judged, else 1 when one failed.
//
// # Findings
//
// Every gate reports problems as [Finding] values with a stable rule id and
// a 1-based position, and optionally a config key or a named [Subject].
// [SortFindings] orders them by file, line, column and rule; every
// [Formatter] renders the same sorted list. [Item] values name what a gate
// checked, so that reports list passing checks too.
//
// # Rules
//
// Each rule carries its metadata in a [Rule]: title, why it exists, how to
// fix it, the incident it comes from and the [SignoffFlag] that resolves
// it. The explain command, SARIF help and the README rule table all read
// it from there.
//
// # The sign-off ledger
//
// The sign-off file is a [Ledger] of the tables the gates declare
// ([LedgerTable]): read strictly whenever the file exists, each table's
// entries sorted by key, written atomically.
//
// # Errors and exit codes
//
// A problem that stops the gate from judging at all (a missing or malformed
// file, a path outside the root, a usage error) is an [*Error], exit code
// 2. A report whose findings reach the fail-on severity is exit code 1.
// Anything else is a bug, exit code 3. [ExitCode] maps them in one place.
package preflight
