package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// signoffBundle writes a bundle whose staging and production differ in n
// keys, k0 … k(n-1).
func signoffBundle(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var s, p strings.Builder
	for i := range n {
		fmt.Fprintf(&s, "k%d: %d\n", i, i)
		fmt.Fprintf(&p, "k%d: %d\n", i, i+1)
	}
	for name, data := range map[string]string{
		"preflight.toml": "version = 1\n[configdiff]\nstaging = \"s.yaml\"\nproduction = \"p.yaml\"\n",
		"s.yaml":         s.String(),
		"p.yaml":         p.String(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestConcurrentSignoffs runs many signoff processes at once, each signing
// its own key: every one lands (no read-modify-write loses another's
// entry), none leaves a temp file, and the file reads back.
func TestConcurrentSignoffs(t *testing.T) {
	const n = 16
	dir := signoffBundle(t, n)
	// A temp file a killed run left behind: removed by the next signoff.
	stale := filepath.Join(dir, ".preflight.signoff.toml.tmp-4242")
	if err := os.WriteFile(stale, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]hostileResult, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = runPreflight(t, dir, "signoff", ".", "--key", fmt.Sprintf("k%d", i), "--by", "dara@example.com", "--reason", "checked")
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.exit != 0 {
			t.Errorf("signoff --key k%d: exit %d\n%s", i, r.exit, r.stderr)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "preflight.signoff.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if !strings.Contains(string(data), fmt.Sprintf("key = \"k%d\"\n", i)) {
			t.Errorf("the sign-off of k%d was lost", i)
		}
	}
	if got := strings.Count(string(data), "[[change]]"); got != n {
		t.Errorf("%d entries, want %d", got, n)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("a temp file stays: %s", e.Name())
		}
	}
	if r := runPreflight(t, dir, "check", "."); r.exit != 0 {
		t.Errorf("check after the sign-offs: exit %d\n%s%s", r.exit, r.stdout, r.stderr)
	}
}

// TestKilledLockHolder kills a process that holds the sign-off lock: the
// kernel drops its lock, and the next signoff takes it at once.
func TestKilledLockHolder(t *testing.T) {
	dir := signoffBundle(t, 1)
	holder := exec.Command(os.Args[0])
	holder.Env = append(os.Environ(), "PREFLIGHT_TEST_HOLD_LOCK="+filepath.Join(dir, "preflight.signoff.toml.lock"))
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "locked\n" {
		holder.Process.Kill()
		t.Fatalf("the lock holder said %q", line)
	}
	holder.Process.Signal(syscall.SIGKILL)
	holder.Wait()
	start := time.Now()
	if r := runPreflight(t, dir, "signoff", ".", "--all", "--by", "dara@example.com", "--reason", "checked"); r.exit != 0 {
		t.Fatalf("signoff after the holder was killed: exit %d\n%s", r.exit, r.stderr)
	}
	if waited := time.Since(start); waited > 8*time.Second {
		t.Errorf("signoff waited %v for a dead process's lock", waited)
	}
}

// holdLock is the lock holder of TestKilledLockHolder (see TestMain): it
// locks the file, says so, and waits to be killed.
func holdLock(path string) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err == nil {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("locked")
	time.Sleep(time.Minute)
	os.Exit(0)
}
