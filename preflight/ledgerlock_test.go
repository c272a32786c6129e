package preflight

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func lockBundle(t *testing.T) (*Bundle, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte("version = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := LoadBundle(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b, filepath.Join(dir, "preflight.signoff.toml")
}

func TestLockLedgerWaitsThenFails(t *testing.T) {
	b, path := lockBundle(t)
	// Another run holds the lock: its own open file, as another process's.
	other, err := openLockFile(path + ".lock")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := tryLock(other); err != nil {
		t.Fatal(err)
	}
	defer func(w time.Duration) { ledgerLockWait = w }(ledgerLockWait)
	ledgerLockWait = 100 * time.Millisecond
	start := time.Now()
	_, err = b.LockLedger()
	if err == nil || !strings.Contains(err.Error(), "preflight.signoff.toml.lock: cannot lock the sign-off file: another preflight signoff has held this lock for 100ms") {
		t.Fatalf("LockLedger under another's lock: %v", err)
	}
	if time.Since(start) < ledgerLockWait {
		t.Errorf("gave up after %v, before the wait", time.Since(start))
	}
	// Once released, the lock is taken at once.
	unlockFile(other)
	unlock, err := b.LockLedger()
	if err != nil {
		t.Fatal(err)
	}
	unlock()
}

func TestLockLedgerCleansAndRereads(t *testing.T) {
	b, path := lockBundle(t)
	dir := filepath.Dir(path)
	stale := filepath.Join(dir, ".preflight.signoff.toml.tmp-123456")
	other := filepath.Join(dir, ".other.toml.tmp-1")
	for _, f := range []string{stale, other} {
		if err := os.WriteFile(f, []byte("half a file"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Ledger(); err != nil {
		t.Fatal(err)
	}
	// Another run wrote a sign-off since the bundle loaded.
	l := NewLedger("preflight.signoff.toml", []*LedgerTable{scaleTable})
	l.Put(&Entry{Table: "change", Key: "a", Fields: map[string]any{"digest": "d"}, By: "dara@example.com", Reason: "r", At: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)})
	if err := l.Write(path); err != nil {
		t.Fatal(err)
	}
	unlock, err := b.LockLedger()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temp file stays: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file's temp file was removed: %v", err)
	}
	if b.signoffs != nil {
		t.Error("the sign-off file read at load is kept: it must be read again under the lock")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".preflight.signoff.toml.tmp-") {
			t.Errorf("Write left %s", e.Name())
		}
	}
}

func TestLockLedgerRefusesSymlink(t *testing.T) {
	b, path := lockBundle(t)
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.Symlink(victim, path+".lock"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.LockLedger(); err == nil {
		t.Fatal("LockLedger follows a symlinked lock file")
	}
	if _, err := os.Lstat(victim); !os.IsNotExist(err) {
		t.Errorf("the symlink's target was created: %v", err)
	}
}
