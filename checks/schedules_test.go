package checks

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/preflight"
)

const schedulesTeams = `[aliases.data-oncall]
address = "data-oncall@example.com"
members = ["maria@example.com", "dev@example.com", "kim@example.com"]

[aliases.solo]
address = "solo@example.com"
members = ["lee@example.com"]
`

// checkSchedules loads the bundle in dir and runs the schedules gate.
func checkSchedules(t *testing.T, dir string) (*preflight.Result, error) {
	t.Helper()
	b, err := LoadBundle(dir)
	if err != nil {
		return nil, err
	}
	spec := b.Spec("schedules")
	if spec == nil {
		t.Fatalf("%s: schedules gate not enabled", dir)
	}
	return Schedules{}.Check(b, spec, &preflight.Options{FailOn: preflight.SeverityError})
}

// scheduled writes a scheduled workflow: one job, and a notice job that
// mails to when to is not empty.
func scheduled(cron, to string) string {
	w := "on:\n  schedule:\n    - cron: '" + cron + "'\njobs:\n  run:\n    steps:\n      - run: make\n"
	if to != "" {
		w += "  notify:\n    needs: run\n    if: failure()\n    steps:\n      - run: echo failed | mail " + to + "\n"
	}
	return w
}

// watcherOf writes a watcher that names the given workflows and mails to.
func watcherOf(cron, to string, names ...string) string {
	return "on:\n  schedule:\n    - cron: '" + cron + "'\njobs:\n  check:\n    steps:\n      - run: gh run list --workflow " +
		strings.Join(names, " ") + " | mail " + to + "\n      - if: failure()\n        run: mail " + to + "\n"
}

func TestSchedules(t *testing.T) {
	const manifest = "version = 1\n\n[schedules]\nworkflows = [\"wf/*.yml\"]\n"
	const watched = manifest + "watcher = \"wf/weekly.yml\"\n"
	goodWatcher := watcherOf("0 7 * * 1", "data-oncall@example.com", "nightly.yml")
	tests := []struct {
		name     string
		manifest string
		files    map[string]string
		want     []string
		passing  []string // the items without findings
	}{
		{
			name:     "covered and watched",
			manifest: watched,
			files:    map[string]string{"wf/nightly.yml": scheduled("0 3 * * *", "data-oncall@example.com"), "wf/weekly.yml": goodWatcher},
			passing:  []string{"nightly.yml", "watcher weekly.yml"},
		},
		{
			name:     "no workflow is scheduled: no watcher needed",
			manifest: manifest,
			files:    map[string]string{"wf/ci.yml": "on: push\njobs:\n  test:\n    steps: [{run: make}]\n"},
		},
		{
			name:     "no failure notice and no watcher",
			manifest: manifest,
			files:    map[string]string{"wf/nightly.yml": scheduled("0 3 * * *", ""), "wf/ci.yml": "on: push\n"},
			want:     []string{"preflight.toml:3:2 schedules/no-watcher", "wf/nightly.yml:2:3 schedules/no-failure-notice"},
		},
		{
			name:     "a notice to a person, to a small alias, to an unknown address",
			manifest: watched,
			files: map[string]string{
				"wf/nightly.yml": scheduled("0 3 * * *", "maria@example.com solo@example.com nobody@example.com ${{ vars.TEAM }}"),
				"wf/weekly.yml":  goodWatcher,
			},
			want: []string{
				"wf/nightly.yml:12:14 schedules/notice-not-team",
				"wf/nightly.yml:12:14 schedules/notice-not-team",
				"wf/nightly.yml:12:14 schedules/notice-not-team",
			},
			passing: []string{"watcher weekly.yml"},
		},
		{
			name:     "a notice without an address (a chat webhook) is fine",
			manifest: watched,
			files:    map[string]string{"wf/nightly.yml": scheduled("0 3 * * *", "$SLACK_WEBHOOK"), "wf/weekly.yml": goodWatcher},
			passing:  []string{"nightly.yml", "watcher weekly.yml"},
		},
		{
			name:     "an unwatched workflow, and the watcher matched by workflows is checked once",
			manifest: watched,
			files: map[string]string{
				"wf/nightly.yml": scheduled("0 3 * * *", "data-oncall@example.com"),
				"wf/hourly.yml":  scheduled("0 * * * *", "data-oncall@example.com"),
				"wf/weekly.yml":  goodWatcher,
			},
			want:    []string{"wf/hourly.yml:2:3 schedules/unwatched"},
			passing: []string{"nightly.yml", "watcher weekly.yml"},
		},
		{
			name:     "a watcher outside workflows is read and needs a notice too",
			manifest: "version = 1\n\n[schedules]\nworkflows = [\"wf/*.yml\"]\nwatcher = \"watch/weekly.yml\"\n",
			files: map[string]string{
				"wf/nightly.yml":   scheduled("0 3 * * *", "data-oncall@example.com"),
				"watch/weekly.yml": "on:\n  schedule:\n    - cron: '0 7 * * 1'\njobs:\n  check:\n    steps:\n      - run: gh run list --workflow nightly.yml | mail data-oncall@example.com\n",
			},
			want:    []string{"watch/weekly.yml:2:3 schedules/no-failure-notice"},
			passing: []string{"nightly.yml"},
		},
		{
			name:     "a watcher that is not scheduled, mails a person, and is not frequent",
			manifest: watched,
			files: map[string]string{
				"wf/nightly.yml": scheduled("0 3 * * *", "data-oncall@example.com"),
				"wf/weekly.yml":  strings.Replace(watcherOf("0 7 * * 1", "maria@example.com", "nightly.yml"), "  schedule:\n    - cron: '0 7 * * 1'\n", "  workflow_dispatch:\n", 1),
			},
			want:    []string{"wf/weekly.yml:1:1 schedules/no-watcher", "wf/weekly.yml:1:1 schedules/no-watcher"},
			passing: []string{"nightly.yml"},
		},
		{
			name:     "a monthly watcher",
			manifest: watched,
			files: map[string]string{
				"wf/nightly.yml": scheduled("0 3 * * *", "data-oncall@example.com"),
				"wf/weekly.yml":  watcherOf("0 7 1 * *", "data-oncall@example.com", "nightly.yml"),
			},
			want:    []string{"wf/weekly.yml:1:1 schedules/no-watcher"},
			passing: []string{"nightly.yml"},
		},
		{
			name:     "max_gap_days allows the monthly watcher",
			manifest: watched + "max_gap_days = 31\n",
			files: map[string]string{
				"wf/nightly.yml": scheduled("0 3 * * *", "data-oncall@example.com"),
				"wf/weekly.yml":  watcherOf("0 7 1 * *", "data-oncall@example.com", "nightly.yml"),
			},
			passing: []string{"nightly.yml", "watcher weekly.yml"},
		},
		{
			name:     "a weekly watcher across daylight saving is within the extra hour",
			manifest: watched,
			files: map[string]string{
				"wf/nightly.yml": scheduled("0 3 * * *", "data-oncall@example.com"),
				"wf/weekly.yml":  strings.Replace(goodWatcher, "'0 7 * * 1'\n", "'0 7 * * 1'\n      timezone: Europe/Berlin\n", 1),
			},
			passing: []string{"nightly.yml", "watcher weekly.yml"},
		},
		{
			name:     "the watcher's addresses are read in its whole text, comments included",
			manifest: watched,
			files: map[string]string{
				"wf/nightly.yml": scheduled("0 3 * * *", "data-oncall@example.com"),
				"wf/weekly.yml":  watcherOf("0 7 * * 1", "$TO", "nightly.yml") + "# summary: mailto:data-oncall@example.com\n",
			},
			passing: []string{"nightly.yml", "watcher weekly.yml"},
		},
		{
			name:     "min_members comes from [routes]",
			manifest: watched + "\n[routes]\nfiles = [\"c.yaml\"]\nmin_members = 4\n",
			files: map[string]string{
				"c.yaml":         "on_error:\n  notify: data-oncall\n",
				"wf/nightly.yml": scheduled("0 3 * * *", "data-oncall@example.com"),
				"wf/weekly.yml":  goodWatcher,
			},
			want: []string{"wf/nightly.yml:12:14 schedules/notice-not-team", "wf/weekly.yml:1:1 schedules/no-watcher", "wf/weekly.yml:9:14 schedules/notice-not-team"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"preflight.toml": tt.manifest, "teams.toml": schedulesTeams}
			for k, v := range tt.files {
				files[k] = v
			}
			res, err := checkSchedules(t, writeBundle(t, files))
			if err != nil {
				t.Fatal(err)
			}
			wantFindings(t, res, tt.want)
			var passing []string
			for _, it := range res.Items {
				if it.Findings == 0 {
					passing = append(passing, it.Name)
				}
			}
			slices.Sort(passing)
			if strings.Join(passing, ",") != strings.Join(tt.passing, ",") {
				t.Errorf("passing items %q, want %q", passing, tt.passing)
			}
		})
	}
}

func TestSchedulesMessages(t *testing.T) {
	const manifest = "version = 1\n\n[schedules]\nworkflows = [\"wf/*.yml\"]\nwatcher = \"wf/weekly.yml\"\n"
	tests := []struct {
		name  string
		files map[string]string
		at    string
		parts []string
	}{
		{"the contract's message", map[string]string{"wf/nightly-sync.yml": scheduled("0 3 * * *", "")}, "wf/nightly-sync.yml:2:3",
			[]string{"nightly-sync.yml runs on a schedule but nothing notices when it fails: add a job with if: failure() that needs every job, and send it to a team alias"}},
		{"a notice job that needs only some jobs", map[string]string{"wf/nightly-sync.yml": "on:\n  schedule:\n    - cron: '0 3 * * *'\njobs:\n  build: {steps: [{run: x}]}\n  lint: {steps: [{run: x}]}\n  test: {steps: [{run: x}]}\n  notify:\n    needs: build\n    if: failure()\n"},
			"wf/nightly-sync.yml:2:3", []string{"nightly-sync.yml runs on a schedule but nothing notices when it fails: add a job with if: failure() that needs every job, and send it to a team alias (job notify has a failure condition but does not need lint, test)"}},
		{"a failure step in some jobs", map[string]string{"wf/nightly-sync.yml": "on:\n  schedule:\n    - cron: '0 3 * * *'\njobs:\n  build: {steps: [{run: x, if: failure()}]}\n  sync: {uses: ./.github/workflows/sync.yml}\n  lint: {steps: [{run: x}]}\n"},
			"wf/nightly-sync.yml:2:3", []string{"nothing notices when it fails: add a job with if: failure() that needs every job, and send it to a team alias (no failure step in job sync (a reusable workflow: its steps are not here), lint)"}},
		{"a member's own address names the member's alias", map[string]string{"wf/nightly-sync.yml": scheduled("0 3 * * *", "maria@example.com")}, "wf/nightly-sync.yml:12:14",
			[]string{`the failure notice address of nightly-sync.yml is "maria@example.com", a person: a member of alias "data-oncall"; send the notice to the alias, data-oncall@example.com`}},
		{"a small alias", map[string]string{"wf/nightly-sync.yml": scheduled("0 3 * * *", "SOLO@example.com")}, "wf/nightly-sync.yml:12:14",
			[]string{`reaches alias "solo", which has 1 member (lee@example.com): expected at least 2`}},
		{"a notice address under a secret key is not shown", map[string]string{"wf/nightly-sync.yml": strings.Replace(scheduled("0 3 * * *", "$TO"), "    if: failure()\n", "    if: failure()\n    env:\n      ALERT_TOKEN: maria@example.com\n", 1)},
			"wf/nightly-sync.yml:12:20", []string{`the failure notice address of nightly-sync.yml is (secret), which is not a team alias in teams.toml`}},
		{"a watcher without on", map[string]string{"wf/nightly-sync.yml": scheduled("0 3 * * *", "data-oncall@example.com"), "wf/weekly.yml": "jobs:\n  check:\n    steps: [{run: gh run list --workflow nightly-sync.yml | mail data-oncall@example.com}]\n"},
			"preflight.toml:3:2", []string{"the watcher weekly.yml does not run on a schedule"}},
		{"unwatched", map[string]string{"wf/nightly-sync.yml": scheduled("0 3 * * *", "data-oncall@example.com"), "wf/hourly.yml": scheduled("0 * * * *", "data-oncall@example.com")},
			"wf/hourly.yml:2:3", []string{"hourly.yml runs on a schedule but the watcher weekly.yml does not name it, so nobody checks that it ran: add hourly.yml to the workflows the watcher checks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"preflight.toml": manifest, "teams.toml": schedulesTeams,
				"wf/weekly.yml": watcherOf("0 7 * * 1", "data-oncall@example.com", "nightly-sync.yml")}
			for k, v := range tt.files {
				files[k] = v
			}
			res, err := checkSchedules(t, writeBundle(t, files))
			if err != nil {
				t.Fatal(err)
			}
			wantMessage(t, res, tt.at, tt.parts...)
		})
	}
}

func TestSchedulesWatcherMessages(t *testing.T) {
	tests := []struct {
		watcher string
		extra   string
		parts   []string
	}{
		{strings.Replace(watcherOf("0 7 * * 1", "data-oncall@example.com", "n.yml"), "  schedule:\n    - cron: '0 7 * * 1'\n", "  push:\n", 1), "",
			[]string{"the watcher weekly.yml does not run on a schedule: add on: schedule with a cron line, runs at most 7 days apart"}},
		{watcherOf("0 7 1,15 * *", "data-oncall@example.com", "n.yml"), "",
			[]string{"the watcher weekly.yml can go 17 days between runs: expected at most 7 days (max_gap_days)"}},
		{watcherOf("0 7 * * 1", "data-oncall@example.com", "n.yml"), "max_gap_days = 3\n",
			[]string{"can go 7 days between runs: expected at most 3 days"}},
		{watcherOf("0 7 29 2 *", "data-oncall@example.com", "n.yml"), "",
			[]string{"the watcher weekly.yml runs fewer than twice in 2026 and the first run after it"}},
		{watcherOf("0 7 * * 1", "maria@example.com", "n.yml"), "",
			[]string{"the watcher weekly.yml mails no team alias: none of its addresses (maria@example.com) is a registered alias with at least 2 members"}},
		{watcherOf("0 7 * * 1", "$TO", "n.yml"), "",
			[]string{"the watcher weekly.yml sends its summary to no address: mail it to a team alias"}},
	}
	for _, tt := range tests {
		files := map[string]string{
			"preflight.toml": "version = 1\n\n[schedules]\nworkflows = [\"wf/*.yml\"]\nwatcher = \"wf/weekly.yml\"\n" + tt.extra,
			"teams.toml":     schedulesTeams,
			"wf/n.yml":       scheduled("0 3 * * *", "data-oncall@example.com"),
			"wf/weekly.yml":  tt.watcher,
		}
		res, err := checkSchedules(t, writeBundle(t, files))
		if err != nil {
			t.Fatal(err)
		}
		wantMessage(t, res, "wf/weekly.yml:1:1", tt.parts...)
	}
}

func TestSchedulesCannotJudge(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		err   string
	}{
		{"no registry", map[string]string{"preflight.toml": "version = 1\n[schedules]\nworkflows = [\"wf/*.yml\"]\n"},
			"no team registry"},
		{"a malformed cron line", map[string]string{"wf/a.yml": "on:\n  schedule:\n    - cron: '0 3 * * MON#2'\njobs: {}\n"},
			"wf/a.yml:3:22: cron of schedule entry 1: day of week field: ?, L, W and # are not standard cron"},
		{"an unknown zone", map[string]string{"wf/a.yml": "on:\n  schedule:\n    - cron: '0 3 * * *'\n      timezone: Europe/Atlantis\njobs: {}\n"},
			"wf/a.yml:4:17: timezone of schedule entry 1: unknown time zone"},
		{"a malformed workflow", map[string]string{"wf/a.yml": "on:\n  schedule: '0 3 * * *'\njobs: {}\n"},
			"wf/a.yml:2:13: schedule is a string: expected a list"},
		{"a missing watcher", map[string]string{"preflight.toml": "version = 1\n[schedules]\nworkflows = [\"wf/*.yml\"]\nwatcher = \"wf/weekly.yml\"\n"},
			"preflight.toml:4:1: schedules.watcher \"wf/weekly.yml\": no such file or folder"},
		{"a missing plain path", map[string]string{"preflight.toml": "version = 1\n[schedules]\nworkflows = [\"wf/*.yml\", \"nightly.yml\"]\n"},
			"preflight.toml:3:"},
		{"a path outside the bundle", map[string]string{"preflight.toml": "version = 1\n[schedules]\nworkflows = [\"../*.yml\"]\n"},
			"leaves the bundle"},
		{"an empty workflows list", map[string]string{"preflight.toml": "version = 1\n[schedules]\nworkflows = []\n"},
			"preflight.toml:3:1: schedules.workflows is empty"},
		{"max_gap_days 0", map[string]string{"preflight.toml": "version = 1\n[schedules]\nmax_gap_days = 0\n"},
			"preflight.toml:3:1: max_gap_days must be at least 1 day"},
		{"an unknown key", map[string]string{"preflight.toml": "version = 1\n[schedules]\nwatchers = \"x.yml\"\n"},
			"preflight.toml:3:1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"preflight.toml": "version = 1\n[schedules]\nworkflows = [\"wf/*.yml\"]\n", "teams.toml": schedulesTeams}
			if _, ok := tt.files["preflight.toml"]; ok && tt.name == "no registry" {
				delete(files, "teams.toml")
			}
			for k, v := range tt.files {
				files[k] = v
			}
			dir := writeBundle(t, files)
			b, err := LoadBundle(dir)
			if err == nil {
				_, err = Schedules{}.Check(b, b.Spec("schedules"), &preflight.Options{})
				if err == nil {
					// the engine refuses a gate that needs the registry
					_, err = preflight.Check(b, &preflight.Options{})
				}
			}
			var pe *preflight.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *preflight.Error", err)
			}
			if !strings.Contains(pe.Error(), tt.err) {
				t.Errorf("error %q, want %q", pe.Error(), tt.err)
			}
		})
	}
}

func TestDefaultWorkflows(t *testing.T) {
	dir := writeBundle(t, map[string]string{
		"preflight.toml":               "version = 1\n[schedules]\n",
		"teams.toml":                   schedulesTeams,
		".github/workflows/a.yml":      scheduled("0 3 * * *", ""),
		".github/workflows/b.yaml":     scheduled("0 4 * * *", "data-oncall@example.com"),
		".github/workflows/c.txt":      scheduled("0 4 * * *", ""),
		".github/workflows/sub/d.yml":  scheduled("0 4 * * *", ""),
		".github/workflows/push.yml":   "on: push\n",
		".github/workflows/broken.yml": "# not scheduled, still read\non: push\njobs: []\n",
	})
	_, err := checkSchedules(t, dir)
	if err == nil || !strings.Contains(err.Error(), "broken.yml:3:7: jobs is a list") {
		t.Fatalf("error %v, want broken.yml to be read", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github/workflows/broken.yml"), []byte("on: push\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := checkSchedules(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	wantFindings(t, res, []string{
		".github/workflows/a.yml:2:3 schedules/no-failure-notice",
		"preflight.toml:2:2 schedules/no-watcher",
	})
}

// BenchmarkSchedules checks the fixed auth-cascade bundle: 14 scheduled
// workflows, one reusable one and the watcher.
func BenchmarkSchedules(b *testing.B) {
	for b.Loop() {
		bundle, err := LoadBundle("../testdata/bundles/auth-cascade-schedules-fixed")
		if err != nil {
			b.Fatal(err)
		}
		res, err := Schedules{}.Check(bundle, bundle.Spec("schedules"), &preflight.Options{})
		if err != nil || len(res.Findings) != 0 {
			b.Fatalf("%v %v", err, res)
		}
	}
}
