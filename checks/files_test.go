package checks

import (
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/preflight-gate/preflight/preflight"
)

// TestBundleFilesTracked checks the hook --changed-since relies on, for
// every gate at once: after a check, every file of every example bundle
// (each of which the bundle's gates read) is among the files the bundle
// resolved, so a change to any of them marks the bundle changed. A gate
// that reads a file around the engine's readers fails here.
func TestBundleFilesTracked(t *testing.T) {
	dirs, err := filepath.Glob("../testdata/bundles/*")
	services, _ := filepath.Glob("../testdata/monorepo/services/*")
	dirs = append(dirs, services...)
	if err != nil || len(dirs) == 0 || len(services) == 0 {
		t.Fatalf("no example bundles: %v", err)
	}
	for _, d := range dirs {
		b, err := LoadBundle(d)
		if err != nil {
			t.Errorf("%s: %v", d, err)
			continue
		}
		if _, err := preflight.Check(b, &preflight.Options{Now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC), FailOn: preflight.SeverityError}); err != nil {
			t.Errorf("%s: %v", d, err)
			continue
		}
		files := b.Files()
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || e.Name() == "README.md" {
				return err
			}
			abs, err := filepath.Abs(p)
			if err == nil {
				abs, err = filepath.EvalSymlinks(abs)
			}
			if err != nil {
				return err
			}
			if !slices.Contains(files, abs) {
				t.Errorf("%s: the check read %s, but the bundle did not record it", d, p)
			}
			return nil
		})
	}
}
