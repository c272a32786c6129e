package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// actionCheckScript returns the run script of action.yml's check step.
func actionCheckScript(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Runs struct {
			Steps []struct {
				ID  string `yaml:"id"`
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	for _, s := range action.Runs.Steps {
		if s.ID == "check" {
			return s.Run
		}
	}
	t.Fatal("action.yml has no step with id check")
	return ""
}

// runAction runs the action's check step in dir with bash, this test
// binary standing in for the installed preflight, and returns its exit
// code and the step's outputs.
func runAction(t *testing.T, dir string, env ...string) (int, string, string) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	temp := t.TempDir()
	bin := filepath.Join(temp, "preflight-bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	wrapper := "#!/bin/sh\nPREFLIGHT_TEST_MAIN=1 exec '" + self + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "preflight"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(temp, "output")
	cmd := exec.Command("bash", "-c", actionCheckScript(t))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "RUNNER_TEMP="+temp, "GITHUB_OUTPUT="+out,
		"PREFLIGHT_FORMAT=text", "PREFLIGHT_FAIL_ON=error", "PREFLIGHT_AUTHOR=", "PREFLIGHT_SARIF_FILE=", "PREFLIGHT_CHANGED_SINCE=", "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	stdout, _ := cmd.Output()
	outputs, _ := os.ReadFile(out)
	return cmd.ProcessState.ExitCode(), string(stdout), string(outputs)
}

// TestActionSeveralPaths checks that the action's path input takes several
// folders, separated by spaces, into one run.
func TestActionSeveralPaths(t *testing.T) {
	code, stdout, outputs := runAction(t, "../../testdata/monorepo",
		"PREFLIGHT_PATH=services/checkout  services/search")
	if code != 0 || !strings.Contains(outputs, "exit-code=0") {
		t.Errorf("exit %d, outputs %q, want 0:\n%s", code, outputs, stdout)
	}
	if !strings.Contains(stdout, "== services/checkout\n") || !strings.Contains(stdout, "== services/search\n") || !strings.Contains(stdout, "PASS 2 bundles") {
		t.Errorf("not one run over both folders:\n%s", stdout)
	}
	code, stdout, _ = runAction(t, "../../testdata/monorepo", "PREFLIGHT_PATH=services")
	if code != 1 || !strings.Contains(stdout, "FAIL 3 bundles: 2 passed, 1 failed") {
		t.Errorf("the monorepo: exit %d, want 1 with notifications failing:\n%s", code, stdout)
	}
}

// TestActionChangedSince checks that the action hands changed-since to
// check: in a git work tree with nothing changed, no bundle is checked.
func TestActionChangedSince(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	if err := copyDir("../../testdata/monorepo", dir); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "-A"},
		{"-c", "user.email=ci@example.com", "-c", "user.name=CI", "commit", "-q", "-m", "start"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	code, stdout, _ := runAction(t, dir, "PREFLIGHT_PATH=.", "PREFLIGHT_CHANGED_SINCE=HEAD")
	if code != 0 || !strings.Contains(stdout, "no bundle changed since HEAD") {
		t.Errorf("exit %d, want 0 and no bundle checked:\n%s", code, stdout)
	}
	if err := os.WriteFile(filepath.Join(dir, "services/search/config/production.yaml"), []byte("replicas: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runAction(t, dir, "PREFLIGHT_PATH=.", "PREFLIGHT_CHANGED_SINCE=HEAD")
	if code != 1 || !strings.Contains(stdout, "== services/search\n") || strings.Contains(stdout, "services/checkout") {
		t.Errorf("exit %d, want 1 with only services/search checked:\n%s", code, stdout)
	}
}
