//go:build !unix

package preflight

import "os"

// Outside unix, preflight has no flock: the lock file is created but not
// locked. CI runs on Linux.

func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
}

func tryLock(*os.File) error { return nil }

func unlockFile(*os.File) {}

func syncDir(string) {}
