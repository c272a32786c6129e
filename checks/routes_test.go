package checks

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/preflight"
)

// checkRoutes runs the routes gate over the bundle in dir.
// checkRoutes loads the bundle in dir and runs the routes gate; an error
// from either is returned (a malformed registry fails at load).
func checkRoutes(t *testing.T, dir string) (*preflight.Result, error) {
	t.Helper()
	b, err := LoadBundle(dir)
	if err != nil {
		return nil, err
	}
	if RoutesOf(b) == nil {
		t.Fatalf("%s: routes gate not enabled", dir)
	}
	return Routes{}.Check(b, RoutesOf(b), &preflight.Options{FailOn: preflight.SeverityError})
}

// short writes a finding as "FILE:LINE:COL RULE KEY" for comparison.
func short(f preflight.Finding) string {
	return strings.TrimSpace(fmt.Sprintf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Rule, f.Key))
}

func wantFindings(t *testing.T, res *preflight.Result, want []string) {
	t.Helper()
	fs := preflight.SortFindings(slices.Clone(res.Findings))
	var got []string
	for _, f := range fs {
		got = append(got, short(f))
		if f.Severity != preflight.SeverityError {
			t.Errorf("%s: severity %q, want error", short(f), f.Severity)
		}
		if f.Message == "" {
			t.Errorf("%s: empty message", short(f))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		for _, f := range fs {
			t.Logf("%s: %s", short(f), f.Message)
		}
	}
}

// message returns the message of the finding at file:line:col.
func message(t *testing.T, res *preflight.Result, at string) string {
	t.Helper()
	for _, f := range res.Findings {
		if fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column) == at {
			return f.Message
		}
	}
	t.Fatalf("no finding at %s", at)
	return ""
}

func wantMessage(t *testing.T, res *preflight.Result, at string, parts ...string) {
	t.Helper()
	msg := message(t, res, at)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("%s: message %q does not contain %q", at, msg, p)
		}
	}
}

func TestRoutesYAML(t *testing.T) {
	res, err := checkRoutes(t, "testdata/routes/yaml")
	if err != nil {
		t.Fatal(err)
	}
	const f = "config/production.yaml"
	wantFindings(t, res, []string{
		f + ":7:15 routes/small-alias workflows.invoices.on_error.notify",
		f + ":10:14 routes/not-team-alias workflows.export.on_failure.email",
		f + ":12:18 routes/not-team-alias workflows.report.error_email",
		f + ":14:18 routes/no-route workflows.cleanup.alert_email",
		f + ":16:22 routes/no-route workflows.audit.notify_on_error",
		f + ":18:24 routes/no-route workflows.backup.notify_on_failure",
		f + ":22:9 routes/not-team-alias workflows.deploy.error_notifications[1]",
		f + ":23:9 routes/no-route workflows.deploy.error_notifications[2]",
		f + ":25:28 routes/no-route workflows.nightly.failure_notifications",
		f + ":31:14 routes/not-team-alias workflows.login.on_error.email",
		f + ":34:15 routes/not-team-alias workflows.typo.on_error.notify",
	})
	// A member's own address names the member's alias and suggests it.
	wantMessage(t, res, f+":10:14", `"maria.santos@example.com"`, `member of alias "ops-oncall"`, "ops-oncall@example.com")
	// A login resolves to its member.
	wantMessage(t, res, f+":31:14", `"maria-s"`, `member of alias "ops-oncall"`)
	// Any other address looks like a person.
	wantMessage(t, res, f+":12:18", `"someone@example.com"`, "looks like a person", "teams.toml")
	wantMessage(t, res, f+":34:15", `"ops-team"`, "not a team alias in teams.toml")
	// A small alias names its members count and members.
	wantMessage(t, res, f+":7:15", `alias "billing-alerts"`, "1 member (lee@example.com)", "at least 2")
	wantMessage(t, res, f+":14:18", "is empty")
	wantMessage(t, res, f+":16:22", "an integer (42)")
	wantMessage(t, res, f+":18:24", "null")
	wantMessage(t, res, f+":23:9", "element 3 of route workflows.deploy.error_notifications", "a bool")
	wantMessage(t, res, f+":25:28", "empty list")

	wantItems(t, res, 11, "workflows.sync.on_error.notify in "+f, `workflows."eu.west".on_error.notify in `+f)
}

// wantItems checks the gate's checked items: one per route, the findings
// spread over them, and the routes without findings (passing testcases in
// JUnit) named.
func wantItems(t *testing.T, res *preflight.Result, findings int, passing ...string) {
	t.Helper()
	sum, pass := 0, []string(nil)
	for _, it := range res.Items {
		if it.Gate != "routes" {
			t.Errorf("item %+v: gate %q, want routes", it, it.Gate)
		}
		sum += it.Findings
		if it.Findings == 0 {
			pass = append(pass, it.Name)
		}
	}
	if sum != findings || !slices.Equal(pass, passing) {
		t.Errorf("items = %+v: %d findings and passing %q, want %d and %q", res.Items, sum, pass, findings, passing)
	}
}

func TestRoutesTOML(t *testing.T) {
	res, err := checkRoutes(t, "testdata/routes/toml")
	if err != nil {
		t.Fatal(err)
	}
	const f = "config/production.toml"
	// min_members = 3: billing-alerts (one member) is small, ops-oncall (three) is not.
	wantFindings(t, res, []string{
		f + ":5:10 routes/small-alias workflows.invoices.on_error.notify",
		f + ":8:20 routes/not-team-alias workflows.export.on_failure.email",
		f + ":9:15 routes/not-team-alias workflows.export.error_email",
		f + ":12:15 routes/no-route workflows.cleanup.alert_email",
		f + ":13:19 routes/no-route workflows.cleanup.notify_on_error",
		f + ":14:38 routes/not-team-alias workflows.cleanup.error_notifications[1]",
		f + ":14:57 routes/no-route workflows.cleanup.error_notifications[2]",
		f + ":22:23 routes/small-alias jobs[1].on_error.notify",
	})
	wantMessage(t, res, f+":5:10", "1 member (lee@example.com)", "at least 3")
	wantMessage(t, res, f+":14:38", `"lee@example.com"`, `member of alias "billing-alerts"`)
	wantMessage(t, res, f+":14:57", "element 3 of route workflows.cleanup.error_notifications is a map")
}

func TestRoutesJSON(t *testing.T) {
	// files omitted: the routes are in the [configdiff] production file.
	res, err := checkRoutes(t, "testdata/routes/json")
	if err != nil {
		t.Fatal(err)
	}
	const f = "config/production.json"
	wantFindings(t, res, []string{
		f + ":4:41 routes/small-alias workflows.invoices.on_error.notify",
		f + ":6:31 routes/not-team-alias workflows.export.on_failure.email",
		f + ":7:22 routes/not-team-alias workflows.export.error_email",
		f + ":10:22 routes/no-route workflows.cleanup.alert_email",
		f + ":11:26 routes/no-route workflows.cleanup.notify_on_error",
		f + ":12:45 routes/no-route workflows.cleanup.error_notifications[1]",
		f + ":12:48 routes/not-team-alias workflows.cleanup.error_notifications[2]",
		f + ":14:36 routes/no-route workflows.audit.notify_on_failure",
	})
	wantMessage(t, res, f+":14:36", "is a map")
	wantItems(t, res, 8, "workflows.sync.on_error.notify in "+f)
}

func TestRoutesKeys(t *testing.T) {
	// Globs from the manifest: one matches nothing, and the built-in globs
	// do not apply.
	res, err := checkRoutes(t, "testdata/routes/keys")
	if err != nil {
		t.Fatal(err)
	}
	wantFindings(t, res, []string{
		"alerts.yaml:5:12 routes/not-team-alias alerts.cpu.email",
		"jobs.toml:3:27 routes/small-alias jobs[0].escalate[1]",
		"preflight.toml:9:3 routes/no-route",
	})
	wantMessage(t, res, "preflight.toml:9:3", `"**.pager"`, "alerts.yaml, jobs.toml")
	wantItems(t, res, 2, "alerts.disk.email in alerts.yaml")
}

const registry = `[aliases.ops-oncall]
address = "ops-oncall@example.com"
members = ["ana@example.com", "bo@example.com"]
`

// writeBundle writes files (name -> content) into a new bundle folder.
func writeBundle(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestRoutesDefaults(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   []string
	}{
		{
			name:   "none of the built-in globs matches",
			config: "jobs:\n  sync:\n    notify: bo@example.com\n",
			want:   []string{"preflight.toml:3:2 routes/no-route"},
		},
		{
			name:   "one built-in glob matches",
			config: "jobs:\n  sync:\n    on_error:\n      notify: ops-oncall\n",
			want:   nil,
		},
		{
			name:   "zero segments before the glob's tail",
			config: "error_email: ops-oncall\non_failure:\n  notify: bo@example.com\n",
			want:   []string{"c.yaml:3:11 routes/not-team-alias on_failure.notify"},
		},
		{
			name:   "each built-in glob",
			config: strings.Join(defaultRouteSample(), ""),
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeBundle(t, map[string]string{
				"preflight.toml": "version = 1\n\n[routes]\nfiles = [\"c.yaml\"]\n",
				"teams.toml":     registry,
				"c.yaml":         tt.config,
			})
			res, err := checkRoutes(t, dir)
			if err != nil {
				t.Fatal(err)
			}
			wantFindings(t, res, tt.want)
		})
	}
}

// defaultRouteSample writes one YAML route per built-in glob, each of
// which must be found: a wrong route would be a finding.
func defaultRouteSample() []string {
	var lines []string
	for i, g := range DefaultRouteKeys {
		parts := strings.Split(strings.TrimPrefix(g, "**."), ".")
		line := fmt.Sprintf("w%d:\n", i)
		for d, p := range parts {
			line += strings.Repeat("  ", d+1) + p + ":"
			if d == len(parts)-1 {
				line += " ops-oncall\n"
			} else {
				line += "\n"
			}
		}
		lines = append(lines, line)
	}
	return lines
}

func TestRoutesDefaultsFound(t *testing.T) {
	// Every built-in glob finds its route: with a person's address in
	// each, there is one not-team-alias finding per glob.
	sample := strings.ReplaceAll(strings.Join(defaultRouteSample(), ""), "ops-oncall", "bo@example.com")
	dir := writeBundle(t, map[string]string{
		"preflight.toml": "version = 1\n\n[routes]\nfiles = [\"c.yaml\"]\n",
		"teams.toml":     registry,
		"c.yaml":         sample,
	})
	res, err := checkRoutes(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != len(DefaultRouteKeys) {
		t.Errorf("%d findings for %d built-in globs", len(res.Findings), len(DefaultRouteKeys))
	}
	for _, f := range res.Findings {
		if f.Rule != "routes/not-team-alias" {
			t.Errorf("unexpected %s", short(f))
		}
	}
}

func TestRoutesErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // the *Error's text, FILE relative to the bundle folder
	}{
		{
			name: "no files and no configdiff",
			files: map[string]string{
				"preflight.toml": "version = 1\n\n[routes]\nmin_members = 2\n",
				"teams.toml":     registry,
			},
			want: "preflight.toml:3:2: [routes] needs files",
		},
		{
			name: "empty files",
			files: map[string]string{
				"preflight.toml": "version = 1\n\n[routes]\nfiles = []\n",
				"teams.toml":     registry,
			},
			want: "preflight.toml:4:1: routes.files is empty",
		},
		{
			name: "empty keys",
			files: map[string]string{
				"preflight.toml": "version = 1\n\n[routes]\nfiles = [\"c.yaml\"]\nkeys = []\n",
				"teams.toml":     registry,
				"c.yaml":         "a: 1\n",
			},
			want: "preflight.toml:5:1: routes.keys is empty",
		},
		{
			name: "missing route file",
			files: map[string]string{
				"preflight.toml": "version = 1\n\n[routes]\nfiles = [\"c.yaml\", \"missing.yaml\"]\n",
				"teams.toml":     registry,
				"c.yaml":         "a: 1\n",
			},
			want: `preflight.toml:4:`,
		},
		{
			name: "route file outside the bundle",
			files: map[string]string{
				"preflight.toml": "version = 1\n\n[routes]\nfiles = [\"../c.yaml\"]\n",
				"teams.toml":     registry,
			},
			want: `preflight.toml:4:10: path "../c.yaml" leaves the bundle`,
		},
		{
			name: "malformed route file",
			files: map[string]string{
				"preflight.toml": "version = 1\n\n[routes]\nfiles = [\"config/c.json\"]\n",
				"teams.toml":     registry,
				"config/c.json":  "{\n  \"a\": 1,\n  \"a\": 2\n}\n",
			},
			want: "config/c.json:3:",
		},
		{
			name: "no registry",
			files: map[string]string{
				"preflight.toml": "version = 1\n\n[routes]\nfiles = [\"c.yaml\"]\n",
				"c.yaml":         "a: 1\n",
			},
			want: "preflight.toml: no team registry",
		},
		{
			name: "registry named but missing",
			files: map[string]string{
				"preflight.toml": "version = 1\nteams = \"people.toml\"\n\n[routes]\nfiles = [\"c.yaml\"]\n",
				"c.yaml":         "a: 1\n",
			},
			want: `preflight.toml:2:1: teams "people.toml": no such file`,
		},
		{
			name: "malformed registry",
			files: map[string]string{
				"preflight.toml": "version = 1\n\n[routes]\nfiles = [\"c.yaml\"]\n",
				"teams.toml":     "[aliases.ops]\naddress = \"ops@example.com\"\nmembers = [\"ana\"]\n",
				"c.yaml":         "a: 1\n",
			},
			want: `teams.toml:3:12: a member of alias "ops" is not an email address`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeBundle(t, tt.files)
			res, err := checkRoutes(t, dir)
			if err == nil {
				t.Fatalf("no error; findings %v", res.Findings)
			}
			if preflight.ExitCode(err) != preflight.ExitCannot {
				t.Errorf("%v: exit %d, want 2", err, preflight.ExitCode(err))
			}
			// Errors name files as the user reaches them: the bundle folder
			// joined with the file.
			want := filepath.ToSlash(dir) + "/" + tt.want
			if !strings.HasPrefix(filepath.ToSlash(err.Error()), want) {
				t.Errorf("error\n  %v\nwant prefix\n  %s", err, want)
			}
		})
	}
}

func TestRoutesRules(t *testing.T) {
	rules := Routes{}.Info().Rules
	var ids []string
	for _, r := range rules {
		ids = append(ids, r.ID)
		if r.Severity != preflight.SeverityError || r.Title == "" || r.Why == "" || r.Incident == "" || r.Fix == "" || Example(r.ID) == "" {
			t.Errorf("%s: incomplete metadata %+v", r.ID, r)
		}
	}
	if want := []string{"routes/not-team-alias", "routes/small-alias", "routes/no-route"}; !slices.Equal(ids, want) {
		t.Errorf("rules %q, want %q", ids, want)
	}
	// explain shows the built-in globs.
	for _, g := range DefaultRouteKeys {
		if !strings.Contains(ruleRoutesNoRoute.Why, g) {
			t.Errorf("no-route metadata does not list %s", g)
		}
	}
	if len(DefaultRouteKeys) != 10 {
		t.Errorf("%d built-in globs, want the contract's 10", len(DefaultRouteKeys))
	}
}

// TestRoutesEnvCaseInsensitive: the built-in glob **.error_email finds the
// .env key ERROR_EMAIL (glob segments match case-insensitively).
func TestRoutesEnvCaseInsensitive(t *testing.T) {
	dir := writeBundle(t, map[string]string{
		"preflight.toml":  "version = 1\n[routes]\nfiles = [\".env.production\"]\n",
		"teams.toml":      "[aliases.ops]\naddress = \"ops@example.com\"\nmembers = [\"a@example.com\", \"b@example.com\"]\n",
		".env.production": "ERROR_EMAIL=a@example.com\nALERT_EMAIL=ops@example.com\n",
	})
	res, err := checkRoutes(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	wantFindings(t, res, []string{".env.production:1:13 routes/not-team-alias ERROR_EMAIL"})
}

// TestRoutesSecret: a route on a secret key, or whose value looks like a
// credential, is shown as (secret), and so is what it matches.
func TestRoutesSecret(t *testing.T) {
	dir := writeBundle(t, map[string]string{
		"preflight.toml": "version = 1\n[routes]\nfiles = [\"p.yaml\"]\nkeys = [\"alerts.*\", \"vault.x\"]\n[configdiff]\nstaging = \"p.yaml\"\nproduction = \"p.yaml\"\nsecrets = [\"vault.*\"]\n",
		"teams.toml":     "[aliases.solo]\naddress = \"solo@example.com\"\nmembers = [\"a@example.com\"]\n",
		"p.yaml":         "alerts:\n  password: a@example.com\n  token: solo@example.com\n  email: ghp_abcdefghijklmnopqrstuvwxyz0123\n  pin: 1234\n  ok: solo\nvault:\n  x: 77\n",
	})
	res, err := checkRoutes(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		for _, leak := range []string{"a@example.com", "solo", "ghp_", "77"} {
			if strings.Contains(f.Message, leak) && f.Line != 6 {
				t.Errorf("%s: %q leaks %q", short(f), f.Message, leak)
			}
		}
	}
	wantMessage(t, res, "p.yaml:2:13", "route alerts.password is (secret), which is not a team alias")
	wantMessage(t, res, "p.yaml:3:10", "route alerts.token is (secret), an alias with 1 member")
	wantMessage(t, res, "p.yaml:4:10", "route alerts.email is (secret)")
	wantMessage(t, res, "p.yaml:5:8", "route alerts.pin is an integer (1234)") // pin is not a secret word
	wantMessage(t, res, "p.yaml:8:6", "route vault.x is an integer ((secret))")
}
