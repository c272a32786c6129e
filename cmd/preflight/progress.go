package main

import "io"

// progress returns where a long scan shows its progress: stderr when it
// is a terminal and CI is not set, else nowhere (nil). Machine formats go
// to stdout, so progress never mixes with them.
func (a *app) progress() io.Writer {
	if a.getenv("CI") != "" || !isTerminal(a.stderr) {
		return nil
	}
	return a.stderr
}
