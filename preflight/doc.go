// Package preflight is the engine of the preflight deployment gate.
//
// It loads a deployment bundle (a folder with a preflight.toml manifest),
// resolves every path the manifest names inside that folder, runs the gates
// it is handed in order, and renders the resulting [Report] in one of the
// output formats. It knows nothing of any particular gate: the command line
// passes it the ordered list from package checks.
//
// # Findings
//
// Every gate reports problems as [Finding] values with a stable rule id and
// a 1-based position. [SortFindings] orders them by file, line, column and
// rule; every [Formatter] renders the same sorted list.
//
// # Rules
//
// Each rule carries its metadata in a [Rule]: title, why it exists, how to
// fix it and the incident it comes from. The explain command, SARIF help
// and the README rule table all read it from there.
//
// # Errors and exit codes
//
// A problem that stops the gate from judging at all (a missing or malformed
// file, a path outside the bundle, a usage error) is an [*Error], exit code
// 2. A report whose findings reach the fail-on severity is exit code 1.
// Anything else is a bug, exit code 3. [ExitCode] maps them in one place.
package preflight
