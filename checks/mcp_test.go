package checks

import (
	"strings"
	"testing"
	"time"

	"github.com/preflight-gate/preflight/checks/internal/mcpfile"
	"github.com/preflight-gate/preflight/preflight"
)

func TestPlainHTTPHost(t *testing.T) {
	for _, tc := range []struct {
		url, host string
		plain     bool
	}{
		{"https://mcp.example.com/mcp", "", false},
		{"http://mcp.example.com/mcp", "mcp.example.com", true},
		{"HTTP://MCP.example.com", "MCP.example.com", true},
		{"http://localhost:3000/mcp", "localhost", true},
		{"http://user:pw@127.0.0.1:8080/x", "127.0.0.1", true},
		{"http://[::1]:3000/mcp", "::1", true},
		{"http://[::1]/mcp", "::1", true},
		{"http://host?x=a@b", "host", true},
		{"${MCP_URL}", "", false},
		{"ws://example.com", "", false},
	} {
		host, plain := plainHTTPHost(tc.url)
		if host != tc.host || plain != tc.plain {
			t.Errorf("plainHTTPHost(%q) = %q, %v; want %q, %v", tc.url, host, plain, tc.host, tc.plain)
		}
	}
}

func TestInlineSecret(t *testing.T) {
	for _, tc := range []struct {
		field, name, value string
		secret             bool
	}{
		{"env", "GITHUB_PERSONAL_ACCESS_TOKEN", "${GITHUB_TOKEN}", false},
		{"env", "GITHUB_PERSONAL_ACCESS_TOKEN", "${GITHUB_TOKEN:-}", false},
		{"env", "API_KEY", "${env:API_KEY}", false},
		{"env", "API_KEY", "${input:api-key}", false},
		{"env", "API_KEY", "abc123", true},
		{"env", "API_KEY", "", false},
		{"env", "API_KEY", "$API_KEY", true},
		{"env", "DEBUG", "1", false},
		{"env", "PLAIN", "ghp_0123456789abcdefghijklmnopqrstuvwxyz", true},
		{"env", "PLAIN", "${A} ghp_0123456789abcdefghijklmnopqrstuvwxyz", true},
		{"env", "MAX_TOKENS", "4000", false},
		{"header", "Authorization", "Bearer ${input:tok}", false},
		{"header", "authorization", "Bearer abc", true},
		{"header", "Proxy-Authorization", "Basic abc", true},
		{"header", "Cookie", "s=1", true},
		{"header", "X-Api-Key", "${env:KEY}", false},
		{"header", "X-Api-Key", "k", true},
		{"header", "Accept", "application/json", false},
	} {
		s := &mcpfile.Server{Name: "s", Command: &mcpfile.String{Text: "node"}}
		e := mcpfile.Entry{Name: tc.name, Value: mcpfile.String{Text: tc.value}}
		if tc.field == "env" {
			s.Env = []mcpfile.Entry{e}
		} else {
			s.Headers = []mcpfile.Entry{e}
		}
		c := &mcpCheck{server: &McpServer{Server: s, File: ".mcp.json"}}
		c.secrets()
		if got := len(c.findings) > 0; got != tc.secret {
			t.Errorf("%s %s = %q: secret %v, want %v", tc.field, tc.name, tc.value, got, tc.secret)
		}
		for _, f := range c.findings {
			if tc.value != "" && len(tc.value) > 3 && strings.Contains(f.Message, tc.value) {
				t.Errorf("%s %s: the message quotes the value: %s", tc.field, tc.name, f.Message)
			}
		}
	}
}

func TestShowArg(t *testing.T) {
	for in, want := range map[string]string{
		"-y":                                  "-y",
		"@modelcontextprotocol/server-github": "@modelcontextprotocol/server-github",
		"ghp_0123456789abcdefghijklmnopqrstuvwxyz": "(secret)",
		"--api-key=abc":                          "(secret)",
		"GITHUB_TOKEN=abc":                       "(secret)",
		"--registry=https://u:p@r.example.com/x": "--registry=https://…@r.example.com/x",
		"https://r.example.com/x?a=b@c":          "https://r.example.com/x?a=b@c",
		"a b":                                    `"a b"`,
		"":                                       `""`,
		"X\u200b_TOKEN":                          `"X\u200b_TOKEN"`,
		"p\ufe0f":                                `"p\ufe0f"`,
		"a\u202eb":                               `"a\u202eb"`,
	} {
		if got := showArg(in); got != want {
			t.Errorf("showArg(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkMcp loads the fixed MCP example bundle and runs the gate: both
// client configs and snapshots read, the digests and the scan computed.
func BenchmarkMcp(b *testing.B) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		bundle, err := LoadBundle("../testdata/bundles/mcp-poisoning-fixed")
		if err != nil {
			b.Fatal(err)
		}
		res, err := MCP{}.Check(bundle, McpOf(bundle), &preflight.Options{Now: now})
		if err != nil || len(res.Findings) != 0 {
			b.Fatalf("%v %v", err, res)
		}
	}
}
