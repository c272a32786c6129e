package preflight

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/preflight-gate/preflight/preflight/words"
)

// ledgerLockWait is how long signoff waits for another run's lock on the
// sign-off file (SPEC: at most 10 s, then exit 2).
var ledgerLockWait = 10 * time.Second

// errLocked is what tryLock returns when another process holds the lock.
var errLocked = errors.New("locked")

// LockLedger takes the exclusive lock that every writer of the sign-off
// file holds from before it reads the file until it has renamed the new
// one into place: a flock on NAME.lock beside the file. It waits at most
// 10 s for another run, then fails (exit 2). The kernel releases the lock
// when the process ends, however it ends, so a killed run leaves no stale
// lock; the lock file itself may stay. Holding the lock, it removes the
// temp files (.NAME.tmp-*) a killed run left, and drops the sign-off file
// read at load, so that [Bundle.Ledger] reads it again, as it is now. The
// returned function releases the lock.
func (b *Bundle) LockLedger() (unlock func(), err error) {
	path, err := b.SignoffPath()
	if err != nil {
		return nil, err
	}
	lockName := b.Manifest.Signoff + ".lock"
	f, err := openLockFile(path + ".lock")
	if err != nil {
		return nil, Errorf(b.Display(lockName), 0, 0, "cannot lock the sign-off file: %s", words.FileProblem(err))
	}
	deadline := time.Now().Add(ledgerLockWait)
	for {
		err = tryLock(f)
		if err == nil {
			break
		}
		if !errors.Is(err, errLocked) {
			f.Close()
			return nil, Errorf(b.Display(lockName), 0, 0, "cannot lock the sign-off file: %s", words.FileProblem(err))
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, &Error{File: b.Display(lockName), Msg: "cannot lock the sign-off file: another preflight signoff has held this lock for " + ledgerLockWait.String() + ": expected it to finish",
				Hint: "wait for the other run to finish, then sign again"}
		}
		time.Sleep(20 * time.Millisecond)
	}
	removeStaleTemps(path)
	b.signoffs = nil
	return func() { unlockFile(f); f.Close() }, nil
}

// removeStaleTemps removes the temp files of the sign-off file at path
// that a killed run left. Only a lock holder calls it: no other run is
// writing one.
func removeStaleTemps(path string) {
	dir, prefix := filepath.Dir(path), tempPrefix(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
