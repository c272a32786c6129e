//go:build unix

package main

import (
	"os"
	"syscall"
)

// createOutput opens an output file for writing, creating or truncating
// it, without following a symlink planted since the check (O_NOFOLLOW) and
// without waiting for a reader on a FIFO (O_NONBLOCK).
func createOutput(file string) (*os.File, error) {
	return os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
}
