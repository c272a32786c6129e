package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/preflight"
)

// TestSecretCanary runs every command and every output format over the
// cost-explosion bundle, whose secret values contain "CANARY", and fails
// if the canary shows up in any output or in the sign-off file.
func TestSecretCanary(t *testing.T) {
	dir := t.TempDir()
	if err := copyDir("../../testdata/bundles/cost-explosion", dir); err != nil {
		t.Fatal(err)
	}
	canarySweep(t, dir, "dara@example.com", 1)
}

// canarySweep runs every command and format over the bundle dir (signing
// off as by), checks that each exits at most maxExit (2: the bundle is
// malformed, and exit 2 is then required), and fails if "CANARY" shows up
// in any output, output file, step summary or the sign-off file.
func canarySweep(t *testing.T, dir, by string, maxExit int) {
	t.Helper()
	outDir := t.TempDir()
	summary := filepath.Join(outDir, "summary.md")
	getenv := func(k string) string {
		switch k {
		case "GITHUB_STEP_SUMMARY":
			return summary
		case "PREFLIGHT_NOW":
			return "2026-11-27T12:00:00Z"
		}
		return ""
	}
	runs := [][]string{
		{"check", dir},
		{"check", dir, "--format", "json=" + filepath.Join(outDir, "o.json"), "--format", "sarif=" + filepath.Join(outDir, "o.sarif"),
			"--format", "junit=" + filepath.Join(outDir, "o.xml"), "--format", "github", "--format", "markdown=" + filepath.Join(outDir, "o.md")},
		{"diff", dir},
		{"signoff", dir, "--all", "--by", by, "--reason", "checked"},
		{"diff", dir},
		{"check", dir, "--author", by, "--format", "text"},
		{"check", dir, "--author", by, "--format", "json"},
		{"explain", "configdiff/unsigned-change"},
		{"explain", "configdiff/credential-value"},
	}
	for _, args := range runs {
		var stdout, stderr bytes.Buffer
		code := run(args, strings.NewReader(""), &stdout, &stderr, getenv)
		if code > maxExit || maxExit == 2 && code != 2 && args[0] != "explain" {
			t.Fatalf("preflight %s: exit %d, want at most %d\n%s", strings.Join(args, " "), code, maxExit, stderr.String())
		}
		for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
			if strings.Contains(out, "CANARY") {
				t.Errorf("preflight %s: the secret canary appears in %s:\n%s", strings.Join(args, " "), name, out)
			}
		}
	}
	outFiles, _ := filepath.Glob(filepath.Join(outDir, "o.*"))
	if len(outFiles) != 4 {
		t.Fatalf("outputs %v, want 4 files", outFiles)
	}
	for _, f := range append([]string{filepath.Join(dir, "preflight.signoff.toml"), summary}, outFiles...) {
		data, err := os.ReadFile(f)
		if err != nil && !(maxExit == 2 && os.IsNotExist(err)) {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("CANARY")) {
			t.Errorf("the secret canary appears in %s:\n%s", f, data)
		}
	}
}

// canaryTeams is the registry of the canary bundles.
const canaryTeams = `[aliases.ops]
address = "ops@example.com"
members = ["a@example.com", "b@example.com"]
`

// canaryManifest enables configdiff and routes over the bundle's two
// configs (named STAGING and PRODUCTION).
const canaryManifest = `version = 1
[configdiff]
staging = "STAGING"
production = "PRODUCTION"
secrets = ["vault.*"]
[routes]
files = ["PRODUCTION"]
keys = ["alerts.*", "**.error_email", "notify"]
`

// canaryBundles are bundles whose secret values, in every format, hold
// "CANARY": secret key names, credential-looking values under plain keys,
// YAML aliases of secret nodes, routes on secret keys, and malformed lines
// that an error message must not quote.
var canaryBundles = map[string]map[string]string{
	"yaml": {
		"staging.yaml": `
api_keys: CANARY-s1
password1: CANARY-s2
oauth2token: CANARY-s3
sessiontoken: CANARY-s4
passphrase: CANARY-s5
pwd: CANARY-s6
AWSAccessKeyId: CANARY-s7
vault: {pin: CANARY-s8}
db:
  password: &pw CANARY-s9
  credentials: &cr {user: CANARY-s10}
plain: *pw
copy: *cr
merged: {<<: *cr}
stripe: sk_live_CANARY_abcdefghijkl
github: ghp_CANARYabcdefghijklmnopqrstuvwxyz
aws: AKIACANARY0123456789
jwt: eyJhbGciOiJIUzI1NiJ9.eyJDQU5BUlki.CANARY
pem: "-----BEGIN PRIVATE KEY-----\nCANARY\n-----END PRIVATE KEY-----\n"
auth: Bearer xoxb-CANARY-0123456789abc
alerts: {password: CANARY-r0}
`,
		"production.yaml": `
api_keys: CANARY-p1
password1: CANARY-p2
oauth2token: CANARY-p3
sessiontoken: CANARY-p4
passphrase: CANARY-p5
pwd: CANARY-p6
AWSAccessKeyId: CANARY-p7
vault: {pin: CANARY-p8}
db:
  password: &pw CANARY-p9
  credentials: &cr {user: CANARY-p10}
plain: *pw
copy: *cr
merged: {<<: *cr}
stripe: sk_live_CANARY_zyxwvutsrqpo
github: ghp_CANARYzyxwvutsrqponmlkjihgfedcba
aws: AKIACANARY9876543210
jwt: eyJhbGciOiJIUzI1NiJ9.eyJDQU5BUlki.CANARYp
pem: "-----BEGIN PRIVATE KEY-----\nCANARYp\n-----END PRIVATE KEY-----\n"
auth: Bearer xoxb-CANARY-9876543210abc
only_prod: glpat-CANARYabcdefghijklmno
alerts:
  password: CANARY-r1
  token: [CANARY-r2, CANARY-r3]
  pin: *pw
  error_email: sk-CANARYabcdefghijklmnopq
notify: 1234
`,
	},
	"env-json": {
		"staging.env": "API_KEYS=CANARY-s1\nDB_PWD=CANARY-s2\nSTRIPE=sk_test_CANARY_abcdefghij\nPEM=\"-----BEGIN RSA PRIVATE KEY-----\nCANARY\n-----END RSA PRIVATE KEY-----\"\nERROR_EMAIL=ops@example.com\n",
		"production.json": `{"API_KEYS": "CANARY-p1", "DB_PWD": "CANARY-p2", "STRIPE": "sk_live_CANARY_abcdefghij",
			"PEM": "-----BEGIN RSA PRIVATE KEY-----\nCANARYp\n-----END RSA PRIVATE KEY-----",
			"alerts": {"apiKey": "CANARY-r1", "x": {"error_email": "ghs_CANARYabcdefghijklmnopq"}}}`,
	},
	"toml": {
		"staging.toml":    "sessiontoken = \"CANARY-s1\"\nnote = \"\"\"\nAKIACANARY0123456789\"\"\"\n[alerts]\nsecrets = \"CANARY-r0\"\n",
		"production.toml": "sessiontoken = \"CANARY-p1\"\nnote = \"\"\"\nAKIACANARY9876543210\"\"\"\n[alerts]\nsecrets = \"CANARY-r1\"\nerror_email = \"ops@example.com\"\n",
	},
	// Malformed configs: the error quotes nothing of the line.
	"bad-anchor": {"staging.yaml": "a: 1\n", "production.yaml": "password: *CANARYabc\n"},
	"bad-env":    {"staging.env": "A=1\n", "production.env": "DB_PASSWORD=x\nCANARY CANARY\n"},
	"bad-env-b64": {"staging.env": "A=1\n",
		"production.env": "DB_PASSWORD=-----BEGIN PRIVATE KEY-----\nMIIEvCANARY+/abc==\n-----END PRIVATE KEY-----\n"},
	"bad-env-key":   {"staging.env": "A=1\n", "production.env": "CANARY+/abc==\n"},
	"bad-alias-key": {"staging.yaml": "a: 1\n", "production.yaml": "password: &p CANARY\nm:\n  *p : 1\n"},
	"bad-json":      {"staging.json": "{}", "production.json": `{"password": CANARY}`},
	"bad-toml":      {"staging.toml": "", "production.toml": "password = CANARY\n"},
}

// TestSecretCanaryCases runs every command and format over each canary
// bundle and fails if "CANARY" shows up in any output or sign-off file.
func TestSecretCanaryCases(t *testing.T) {
	for name, files := range canaryBundles {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			var staging, production string
			for f, data := range files {
				if strings.HasPrefix(f, "staging") {
					staging = "config/" + f
				} else {
					production = "config/" + f
				}
				writeFile(t, filepath.Join(dir, "config", f), data)
			}
			manifest := strings.NewReplacer("STAGING", staging, "PRODUCTION", production).Replace(canaryManifest)
			writeFile(t, filepath.Join(dir, "preflight.toml"), manifest)
			writeFile(t, filepath.Join(dir, "teams.toml"), canaryTeams)
			maxExit := 1
			if strings.HasPrefix(name, "bad-") {
				maxExit = 2
			}
			canarySweep(t, dir, "a@example.com", maxExit)
		})
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// canaryMCP is a client config whose env, headers and args hold secrets
// ("CANARY") in every form the mcp gate must recognise and never print.
const canaryMCP = `{
  "mcpServers": {
    "gh": {
      "command": "npx",
      "args": ["-y", "--registry=https://user:CANARY-a1@registry.example.com", "@scope/server-gh"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "CANARY-e1", "PLAIN": "ghp_CANARYabcdefghijklmnopqrstuvwxyz", "DB_PWD": "CANARY-e2",
              "MIXED": "${HOME} sk_live_CANARY_abcdefghijkl", "JWT": "eyJhbGciOiJIUzI1NiJ9.eyJDQU5BUlki.CANARY"}
    },
    "dock": {
      "command": "docker",
      "args": ["run", "-e", "API_TOKEN=CANARY-a2", "-e", "X=glpat-CANARYabcdefghijklmno", "image:latest"]
    },
    "docs": {
      "url": "http://user:CANARY-u1@docs.example.com/mcp?key=CANARY-u2",
      "headers": {"Authorization": "Bearer CANARY-h1", "Cookie": "session=CANARY-h2", "X-Api-Key": "CANARY-h3", "X-Plain": "xoxb-CANARY-0123456789abc"}
    }
  }
}`

// TestSecretCanaryMCP runs every command and format over a bundle whose
// MCP client config holds secrets in env, headers, args and the url; and
// check and signoff over malformed configs, whose errors quote nothing.
func TestSecretCanaryMCP(t *testing.T) {
	bundle := func(t *testing.T, config string) string {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "preflight.toml"), "version = 1\n[mcp]\ntools = \"tools\"\n")
		writeFile(t, filepath.Join(dir, ".mcp.json"), config)
		writeFile(t, filepath.Join(dir, "tools", "gh.json"), `{"tools": [{"name": "get", "description": "Gets a thing."}]}`)
		return dir
	}
	canarySweep(t, bundle(t, canaryMCP), "a@example.com", 1)
	for _, config := range []string{
		`{"mcpServers": {"x": {"command": "npx", "env": {"TOKEN": CANARY}}}}`,
		`{"mcpServers": {"x": {"command": "npx", "env": {"TOKEN": "CANARY" "x"}}}}`,
		`{"mcpServers": {"x": {"command": "npx", "env": {"TOKEN": 1, "CANARY": 2}}}}`,
		`{"mcpServers": {"CANARY x": {"command": "npx"}}}`,
		`{"mcpServers": {"x": {"command": ["CANARY"]}}}`,
	} {
		dir := bundle(t, config)
		for _, args := range [][]string{
			{"check", dir, "--format", "json"},
			{"check", dir, "--format", "github"},
			{"signoff", dir, "--all", "--by", "a@example.com", "--reason", "r"},
		} {
			var stdout, stderr bytes.Buffer
			code := run(args, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
			if code != 2 {
				t.Errorf("preflight %s on %s: exit %d, want 2", strings.Join(args, " "), config, code)
			}
			if out := stdout.String() + stderr.String(); strings.Contains(out, "CANARY") {
				t.Errorf("preflight %s on %s: the canary appears:\n%s", strings.Join(args, " "), config, out)
			}
		}
	}
}

// TestHostileCanary extends the sweep to the hostile-input suite: every
// case whose files hold "CANARY" (a secret, customer data, a file outside
// the bundle) runs its own command line, then check in every format, diff
// and preview of its bundle; the canary never appears in any output, in
// the step summary or in the sign-off file. (TestHostile checks the output
// of every case's own run.)
func TestHostileCanary(t *testing.T) {
	swept := 0
	for _, c := range loadHostileCases(t) {
		if !bytes.Contains(txtarBytes(c), []byte("CANARY")) {
			continue
		}
		swept++
		t.Run(c.name, func(t *testing.T) {
			dir := c.prepare(t)
			summary := filepath.Join(t.TempDir(), "summary.md")
			var signoffBefore []byte
			if len(c.args) > 1 {
				signoffBefore = readOrNil(filepath.Join(dir, c.args[1], "preflight.signoff.toml"))
			}
			runs := [][]string{c.args}
			bundle := ""
			if len(c.args) > 1 && !strings.HasPrefix(c.args[1], "-") && c.args[0] != "explain" {
				bundle = c.args[1]
				for _, f := range preflight.Formats {
					runs = append(runs, []string{"check", bundle, "--format", f})
				}
				runs = append(runs, []string{"diff", bundle}, []string{"preview", bundle})
			}
			for _, args := range runs {
				r := runPreflightEnv(t, dir, []string{"GITHUB_STEP_SUMMARY=" + summary}, args...)
				if r.exit == 3 {
					t.Errorf("preflight %s: exit 3\n%s", strings.Join(args, " "), r.stderr)
				}
				for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
					if strings.Contains(out, "CANARY") {
						t.Errorf("preflight %s: the canary appears in %s:\n%s", strings.Join(args, " "), name, clip(out))
					}
				}
			}
			files := []string{summary}
			if bundle != "" {
				// The sign-off file, when a run wrote it (a case may hold one).
				if p := filepath.Join(dir, bundle, "preflight.signoff.toml"); !bytes.Equal(readOrNil(p), signoffBefore) {
					files = append(files, p)
				}
			}
			for _, f := range files {
				if data, err := os.ReadFile(f); err == nil && bytes.Contains(data, []byte("CANARY")) {
					t.Errorf("the canary appears in %s:\n%s", f, clip(string(data)))
				}
			}
		})
	}
	if swept < 5 {
		t.Errorf("only %d hostile cases hold the canary", swept)
	}
}

// txtarBytes is a case's files, for looking for the canary.
func txtarBytes(c *hostileCase) []byte {
	var b bytes.Buffer
	for _, f := range c.archive.Files {
		b.Write(f.Data)
	}
	return b.Bytes()
}

// readOrNil is a file's content, nil when it cannot be read.
func readOrNil(p string) []byte {
	data, _ := os.ReadFile(p)
	return data
}
