//go:build !unix

package main

import "os"

// createOutput opens an output file for writing, creating or truncating it.
func createOutput(file string) (*os.File, error) {
	return os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}
