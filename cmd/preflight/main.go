// Command preflight gates a deployment in CI: it reads a deployment bundle
// (a folder with a preflight.toml manifest), runs the gates the manifest
// enables, prints findings and exits non-zero when the deployment must not
// ship. See the README for the manifest and the gates.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
