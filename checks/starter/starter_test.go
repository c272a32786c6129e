package starter

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/preflight"
)

// update rewrites the golden files and the generated example bundles:
//
//	go test ./... -update
var update = flag.Bool("update", false, "rewrite golden files and generated example bundles")

const starterDemo = "testdata/demo"

// copyStarter copies a sample folder into a temporary one, so a test can
// write its manifest.
func copyStarter(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestGuess(t *testing.T) {
	s, err := Guess(starterDemo)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "demo" {
		t.Errorf("Name = %q, want demo", s.Name)
	}
	if s.Teams != "teams.toml" {
		t.Errorf("Teams = %q, want teams.toml", s.Teams)
	}
	// The shallowest pair is compared; node_modules and hidden folders are
	// never searched.
	if want := (&Pair{"config/staging.yaml", "config/production.yaml"}); !reflect.DeepEqual(s.Configdiff, want) {
		t.Errorf("Configdiff = %+v, want %+v", s.Configdiff, want)
	}
	if want := []Pair{{"deploy/eu/app.stg.json", "deploy/eu/app.prd.json"}}; !reflect.DeepEqual(s.OtherPairs, want) {
		t.Errorf("OtherPairs = %+v, want %+v", s.OtherPairs, want)
	}
	wantBulk := []Bulk{
		{Name: "no-header", File: "data/no-header.csv", Key: "1", Email: true, Header: false, Delimiter: ';'},
		{Name: "orders", File: "data/orders.csv", Key: "order_id", Header: true, Delimiter: ','},
		{Name: "recipients", File: "data/recipients.csv", Key: "Email Address", Email: true, Header: true, Delimiter: ','},
	}
	if len(s.Bulk) != len(wantBulk) {
		t.Fatalf("Bulk = %+v, want %d inputs", s.Bulk, len(wantBulk))
	}
	for i, want := range wantBulk {
		got := s.Bulk[i]
		got.Why = ""
		if got != want {
			t.Errorf("Bulk[%d] = %+v, want %+v", i, got, want)
		}
	}
	wantRoutes := []Routes{
		{File: "config/production.yaml", Keys: []string{"jobs.nightly.on_error.notify"},
			Addresses: []Route{{Address: "ops-oncall", File: "config/production.yaml", Key: "jobs.nightly.on_error.notify"}}},
		{File: "config/staging.yaml", Keys: []string{"jobs.nightly.on_error.notify"},
			Addresses: []Route{{Address: "ops-oncall", File: "config/staging.yaml", Key: "jobs.nightly.on_error.notify"}}},
	}
	if !reflect.DeepEqual(s.Routes, wantRoutes) {
		t.Errorf("Routes = %+v, want %+v", s.Routes, wantRoutes)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "deploy/eu/app.stg.json and deploy/eu/app.prd.json, left out") {
		t.Errorf("Notes = %q, want one about the pair left out", s.Notes)
	}
	if s.Empty() {
		t.Error("Empty() = true, want false")
	}
	// One line per guess, each saying what to confirm.
	guesses := s.Guesses()
	if len(guesses) != 6 {
		t.Errorf("Guesses() has %d lines, want 6:\n%s", len(guesses), strings.Join(guesses, "\n"))
	}
	for _, g := range guesses {
		if !strings.Contains(g, "confirm") {
			t.Errorf("guess %q does not say what to confirm", g)
		}
	}
}

// TestStarterManifestGolden compares the written manifest with a golden
// file; go test ./checks/starter -run Golden -update rewrites it.
func TestStarterManifestGolden(t *testing.T) {
	s, err := Guess(starterDemo)
	if err != nil {
		t.Fatal(err)
	}
	got := s.Manifest()
	golden := "testdata/demo.preflight.toml.golden"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("manifest differs from %s (run with -update to accept):\n%s", golden, got)
	}
}

func TestWriteLoads(t *testing.T) {
	dir := copyStarter(t, starterDemo)
	s, file, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.ToSlash(filepath.Join(dir, "preflight.toml")); file != want {
		t.Errorf("file = %q, want %q", file, want)
	}
	b, err := checks.LoadBundle(dir)
	if err != nil {
		t.Fatalf("the written manifest does not load: %v", err)
	}
	m := sections(b)
	if m.Name != "demo" || m.Teams != "teams.toml" {
		t.Errorf("name, teams = %q, %q", m.Name, m.Teams)
	}
	if m.Configdiff == nil || m.Configdiff.Staging != "config/staging.yaml" || m.Configdiff.Production != "config/production.yaml" {
		t.Errorf("configdiff = %+v", m.Configdiff)
	}
	if len(m.Bulk) != len(s.Bulk) {
		t.Fatalf("%d bulk inputs, want %d", len(m.Bulk), len(s.Bulk))
	}
	for i, bs := range m.Bulk {
		want := s.Bulk[i]
		if bs.Name != want.Name || bs.File != want.File || bs.HasHeader() != want.Header || len(bs.Key) != 1 || bs.Key[0].String() != want.Key {
			t.Errorf("bulk[%d] = %+v, want %+v", i, bs, want)
		}
		if format := map[bool]string{true: "email", false: "any"}[want.Email]; bs.Format.String() != format {
			t.Errorf("bulk[%d].format = %q, want %q", i, bs.Format, format)
		}
		if bs.Delimiter != string(want.Delimiter) {
			t.Errorf("bulk[%d].delimiter = %q, want %q", i, bs.Delimiter, want.Delimiter)
		}
	}
	if m.Routes == nil || !reflect.DeepEqual(m.Routes.Files, []string{"config/production.yaml", "config/staging.yaml"}) {
		t.Errorf("routes = %+v", m.Routes)
	}
	// Every path the manifest names resolves inside the bundle.
	for key, rel := range map[string]string{"configdiff.staging": m.Configdiff.Staging, "configdiff.production": m.Configdiff.Production, "teams": m.Teams} {
		if _, err := b.Path(key, rel); err != nil {
			t.Errorf("%s: %v", key, err)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "preflight.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "# guessed: confirm"); n < 5 {
		t.Errorf("manifest has %d guessed: confirm markers, want one per guess:\n%s", n, data)
	}
}

func TestWriteNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "preflight.toml")
	const mine = "version = 1 # mine\n"
	if err := os.WriteFile(manifest, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := Write(dir)
	var pe *preflight.Error
	if !errors.As(err, &pe) || preflight.ExitCode(err) != preflight.ExitCannot {
		t.Fatalf("err = %v, want a *preflight.Error (exit 2)", err)
	}
	if want := filepath.ToSlash(manifest) + ": already exists: "; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want prefix %q", err, want)
	}
	if data, _ := os.ReadFile(manifest); string(data) != mine {
		t.Errorf("manifest changed to %q", data)
	}

	// A dangling symlink in the manifest's place is not followed either.
	dir = t.TempDir()
	target := filepath.Join(t.TempDir(), "elsewhere.toml")
	if err := os.Symlink(target, filepath.Join(dir, "preflight.toml")); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	if _, _, err := Write(dir); preflight.ExitCode(err) != preflight.ExitCannot {
		t.Errorf("over a dangling symlink: err = %v, want exit 2", err)
	}
	if _, err := os.Stat(target); err == nil {
		t.Error("init wrote through a symlink")
	}
}

func TestWriteFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file.txt")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(t.TempDir(), "missing"), file} {
		_, _, err := Write(dir)
		var pe *preflight.Error
		if !errors.As(err, &pe) || pe.File != dir {
			t.Errorf("Write(%q) = %v, want a *preflight.Error naming the folder", dir, err)
		}
	}
}

// An empty folder gets a manifest that loads and enables no gate; a folder
// name that needs escaping in TOML survives the round trip.
func TestWriteEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), `we"ird\ñame`)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, _, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Empty() || len(s.Guesses()) != 0 {
		t.Errorf("Empty() = %v, Guesses() = %q; want nothing guessed", s.Empty(), s.Guesses())
	}
	b, err := checks.LoadBundle(dir)
	if err != nil {
		t.Fatalf("the written manifest does not load: %v", err)
	}
	if b.Manifest.Name != `we"ird\ñame` {
		t.Errorf("name = %q", b.Manifest.Name)
	}
	if m := sections(b); m.Configdiff != nil || len(m.Bulk) != 0 || m.Routes != nil || m.Teams != "" {
		t.Errorf("manifest enables something: %+v", m)
	}
}

// Routes without a team registry are still guessed, and the user is told
// to write one.
func TestGuessRoutesWithoutTeams(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "app.toml"), []byte("[alerts]\nerror_email = \"dara@example.com\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Guess(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Routes{{File: "app.toml", Keys: []string{"alerts.error_email"},
		Addresses: []Route{{Address: "dara@example.com", File: "app.toml", Key: "alerts.error_email"}}}}; !reflect.DeepEqual(s.Routes, want) {
		t.Errorf("Routes = %+v, want %+v", s.Routes, want)
	}
	g := strings.Join(append(s.Guesses(), s.Notes...), "\n")
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "no teams.toml found") {
		t.Errorf("notes do not ask for a registry: %q", s.Notes)
	}
	// The route's value, a person's address, appears nowhere but in the
	// starter registry (see TestInit).
	if strings.Contains(g, "dara") || strings.Contains(string(s.Manifest()), "dara") {
		t.Error("a route value leaked into the output")
	}
}

func TestEnvOf(t *testing.T) {
	tests := []struct{ path, env, rest string }{
		{"config/staging.yaml", "staging", "config/\x00.yaml"},
		{"config/production.yaml", "production", "config/\x00.yaml"},
		{"app-stg.env", "staging", "app-\x00.env"},
		{"PROD/app.json", "production", "\x00/app.json"},
		{"staging/app-staging.toml", "staging", "\x00/app-\x00.toml"},
		{"products.json", "", ""},
		{"backstage.yaml", "", ""},
		{"stage-to-prod.yaml", "", ""}, // names both: neither
		{"config.yaml", "", ""},
	}
	for _, tt := range tests {
		env, rest := envOf(tt.path)
		if env != tt.env || rest != tt.rest {
			t.Errorf("envOf(%q) = %q, %q; want %q, %q", tt.path, env, rest, tt.env, tt.rest)
		}
	}
}

func TestFindPairs(t *testing.T) {
	got := findPairs([]string{
		"a/b/stage.yaml", "a/b/prod.yaml",
		"staging.toml", "production.toml",
		"staging.yaml", "production.yml", // different extensions: no pair
		"x/staging.json",
	})
	want := []Pair{{"staging.toml", "production.toml"}, {"a/b/stage.yaml", "a/b/prod.yaml"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findPairs = %+v, want %+v", got, want)
	}
}

func TestGuessBulk(t *testing.T) {
	tests := []struct {
		name, data string
		key        string
		header     bool
		email      bool
		delim      rune
	}{
		{"email column", "id,Customer E-mail\n1,a@example.com\n", "Customer E-mail", true, true, ','},
		{"camel case", "name,emailAddress\n", "emailAddress", true, true, ','},
		{"not email", "emailed_at,user\n", "emailed_at", true, false, ','},
		{"bom", "\ufeffEmail\na@example.com\n", "Email", true, true, ','},
		{"cr only", "user;mail\rx;a@example.com\r", "mail", true, true, ';'},
		{"tabs", "a\tb\tc\n", "a", true, false, '\t'},
		{"quoted newline", "\"first\nname\",email\n", "email", true, true, ','},
		{"leading blank lines", "\n\nsku,qty\n", "sku", true, false, ','},
		{"no header", "Ana,ana@example.com\n", "2", false, true, ','},
		{"empty", "", "1", false, false, ','},
		{"blank names", ",,\n1,2,3\n", "1", false, false, ','},
		{"repeated names", "Email,email,id\n", "id", true, false, ','},
		{"excel sep line", "sep=;\r\nid;Mail\r\n1;a@example.com\r\n", "Mail", true, true, ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "in.csv"), []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			b := guessBulk(dir, "in.csv", map[string]bool{})
			if b.Key != tt.key || b.Header != tt.header || b.Email != tt.email || b.Delimiter != tt.delim {
				t.Errorf("guessBulk = key %q header %v email %v delim %q; want %q %v %v %q (%s)",
					b.Key, b.Header, b.Email, b.Delimiter, tt.key, tt.header, tt.email, tt.delim, b.Why)
			}
			if b.Why == "" {
				t.Error("no reason given for the guess")
			}
		})
	}
}

func TestBulkName(t *testing.T) {
	used := map[string]bool{}
	for _, tt := range []struct{ file, want string }{
		{"data/Recipients 2026.csv", "recipients-2026"},
		{"other/recipients 2026.CSV", "other-recipients-2026"},
		{"other/recipients-2026.csv", "other-recipients-2026-2"},
		{"ü.csv", "bulk"},
	} {
		if got := bulkName(tt.file, used); got != tt.want {
			t.Errorf("bulkName(%q) = %q, want %q", tt.file, got, tt.want)
		}
	}
}

// .env.staging-style files are .env files: they make a pair.
func TestGuessDotenvPair(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{".env.staging", ".env.production"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("A=1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Guess(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Configdiff == nil || s.Configdiff.Staging != ".env.staging" || s.Configdiff.Production != ".env.production" {
		t.Errorf("Configdiff = %+v, want .env.staging and .env.production", s.Configdiff)
	}
	if len(s.Notes) != 0 {
		t.Errorf("Notes = %q", s.Notes)
	}
}

// loaded is a loaded manifest: its common fields and each gate's section.
type loaded struct {
	*preflight.Manifest
	Configdiff *checks.ConfigdiffSpec
	Bulk       []checks.BulkSpec
	Routes     *checks.RoutesSpec
}

func sections(b *preflight.Bundle) loaded {
	return loaded{b.Manifest, checks.ConfigdiffOf(b), checks.BulkSpecs(b), checks.RoutesOf(b)}
}

// writeFiles writes files (slash paths) below dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGuessMcp(t *testing.T) {
	const config = `{"mcpServers": {"gh": {"command": "npx", "args": ["-y", "x-server@1.0.0"]}}}`
	t.Run("in the folder", func(t *testing.T) {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{".mcp.json": config, ".vscode/mcp.json": `{"servers": {}}`, "mcp/tools/gh.json": `{"tools": []}`})
		s, err := Guess(dir)
		if err != nil {
			t.Fatal(err)
		}
		want := &Mcp{Files: []string{".mcp.json", ".vscode/mcp.json"}, Tools: "mcp/tools"}
		if !reflect.DeepEqual(s.Mcp, want) {
			t.Errorf("Mcp = %+v, want %+v", s.Mcp, want)
		}
		if s.Configdiff != nil || len(s.Routes) > 0 || s.Empty() {
			t.Errorf("the client configs are guessed as something else: %+v", s)
		}
		m := s.Manifest()
		if !strings.Contains(string(m), "[mcp]\ntools = \"mcp/tools\"\n") || strings.Contains(string(m), "files = [\".mcp.json\"") {
			t.Errorf("manifest does not enable the gate with its default files:\n%s", m)
		}
		if err := os.WriteFile(filepath.Join(dir, preflight.ManifestName), m, 0o644); err != nil {
			t.Fatal(err)
		}
		b, err := checks.LoadBundle(dir)
		if err != nil {
			t.Fatalf("the starter manifest does not load: %v", err)
		}
		if checks.McpOf(b) == nil {
			t.Fatal("the starter manifest does not enable the mcp gate")
		}
	})
	t.Run("in the root above, no snapshots", func(t *testing.T) {
		top := t.TempDir()
		writeFiles(t, top, map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".cursor/mcp.json": config, "agents/support/app.txt": ""})
		s, err := Guess(filepath.Join(top, "agents", "support"))
		if err != nil {
			t.Fatal(err)
		}
		want := &Mcp{Files: []string{"../../.cursor/mcp.json"}, InRoot: true}
		if !reflect.DeepEqual(s.Mcp, want) {
			t.Errorf("Mcp = %+v, want %+v", s.Mcp, want)
		}
		if m := string(s.Manifest()); !strings.Contains(m, "[mcp]\nfiles = [\"../../.cursor/mcp.json\"]\n# tools = ") {
			t.Errorf("manifest does not name the root's client config:\n%s", m)
		}
		if !strings.Contains(strings.Join(s.Notes, "\n"), "no MCP tool-list snapshots") {
			t.Errorf("notes %q do not ask for snapshots", s.Notes)
		}
	})
	t.Run("none", func(t *testing.T) {
		s, err := Guess(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if s.Mcp != nil || !s.Empty() {
			t.Errorf("Mcp = %+v, want nil", s.Mcp)
		}
	})
}

func TestGuessSchedules(t *testing.T) {
	const nightly = "on:\n  schedule:\n    - cron: '0 3 * * *'\njobs:\n  run:\n    steps: [{run: make}]\n"
	const covered = nightly + "  notify:\n    needs: run\n    if: failure()\n    steps: [{run: mail ops@example.com}]\n"
	write := writeFiles
	t.Run("in the folder", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, map[string]string{
			".github/workflows/nightly.yml":  nightly,
			".github/workflows/covered.yaml": covered,
			".github/workflows/ci.yml":       "on: push\njobs: {}\n",
			".github/workflows/broken.yml":   "on:\n  schedule: '0 3 * * *'\n",
			".github/workflows/notes.txt":    nightly,
			".github/workflows/sub/deep.yml": nightly,
			".github/workflows/secret.yml":   "on: [push\nTOKEN: hunter2-value\n",
			"teams.toml":                     "[aliases.ops]\naddress = \"ops@example.com\"\nmembers = [\"a@example.com\", \"b@example.com\"]\n",
		})
		s, err := Guess(dir)
		if err != nil {
			t.Fatal(err)
		}
		want := &Schedules{Dir: ".github/workflows", Workflows: []string{"covered.yaml", "nightly.yml"}, NoNotice: []string{"nightly.yml"}}
		if !reflect.DeepEqual(s.Schedules, want) {
			t.Errorf("Schedules = %+v, want %+v", s.Schedules, want)
		}
		notes := strings.Join(s.Notes, "\n")
		for _, part := range []string{
			"nightly.yml runs on a schedule but nothing notices when it fails: add a job with if: failure() that needs every job",
			".github/workflows/broken.yml:2:13: schedule is a string",
			"init never writes one",
		} {
			if !strings.Contains(notes, part) {
				t.Errorf("notes %q lack %q", s.Notes, part)
			}
		}
		if strings.Contains(notes, "covered.yaml runs") || strings.Contains(notes, "hunter2") {
			t.Errorf("notes %q name a covered workflow or quote a file", s.Notes)
		}
		m := string(s.Manifest())
		if !strings.Contains(m, "[schedules]\n# watcher = \".github/workflows/weekly-check.yml\"") || strings.Contains(m, "workflows = [") {
			t.Errorf("manifest does not enable the gate with its defaults:\n%s", m)
		}
		if s.Empty() {
			t.Error("Empty() = true, want false")
		}
	})
	t.Run("in the root above", func(t *testing.T) {
		top := t.TempDir()
		write(t, top, map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".github/workflows/nightly.yml": covered, "services/api/app.txt": ""})
		s, err := Guess(filepath.Join(top, "services", "api"))
		if err != nil {
			t.Fatal(err)
		}
		want := &Schedules{Dir: "../../.github/workflows", Workflows: []string{"nightly.yml"}}
		if !reflect.DeepEqual(s.Schedules, want) {
			t.Errorf("Schedules = %+v, want %+v", s.Schedules, want)
		}
		// The gate reads the root's workflows by default.
		if m := string(s.Manifest()); !strings.Contains(m, "[schedules]\n# watcher = \"../../.github/workflows/weekly-check.yml\"") || strings.Contains(m, "workflows = [") {
			t.Errorf("manifest does not enable the gate with its defaults:\n%s", m)
		}
		if !strings.Contains(strings.Join(s.Notes, "\n"), "no teams.toml found: the schedules gate needs one") {
			t.Errorf("notes %q do not ask for a registry", s.Notes)
		}
	})
	t.Run("none scheduled", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, map[string]string{".github/workflows/ci.yml": "on: push\n"})
		s, err := Guess(dir)
		if err != nil {
			t.Fatal(err)
		}
		if s.Schedules != nil || !s.Empty() {
			t.Errorf("Schedules = %+v, want nil", s.Schedules)
		}
	})
}
