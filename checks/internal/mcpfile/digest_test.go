package mcpfile

import (
	"strings"
	"testing"
)

func tools(t *testing.T, in string) []Tool {
	t.Helper()
	ts, err := ReadTools([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func strp(s string) *string { return &s }

var npx = Launch{Command: strp("npx"), Args: []string{"-y", "@modelcontextprotocol/server-github@2025.4.8"}}

// TestEncodingV1 pins version 1 of the canonical encoding byte for byte,
// and its digest: both are part of the sign-off file format, and a later
// release must still accept the digests an earlier one wrote.
func TestEncodingV1(t *testing.T) {
	ts := tools(t, `[{"name": "b", "n": 1.50, "ok": true, "x": null, "s": ["\u0041"]}, {"name": "a", "description": "Dé"}]`)
	got := string(Encode(npx, ts))
	want := "preflight-mcp-v1\n" +
		"command\n3\nnpx" +
		"args\n2\n2\n-y44\n@modelcontextprotocol/server-github@2025.4.8" +
		"url\n-\n" +
		"tools\n2\n" +
		"51\nobject\n2\n11\ndescriptionstring\n3\nDé4\nnamestring\n1\na" +
		"84\nobject\n5\n1\nnnumber\n4\n1.504\nnamestring\n1\nb2\nokbool\ntrue\n1\nsarray\n1\nstring\n1\nA1\nxnull\n"
	if got != want {
		t.Fatalf("encoding changed:\n got %q\nwant %q", got, want)
	}
	const digest = "sha256:a321b04018b88172c4430d54b83096ef76e62d2649e040a6f8f74aa361e91792"
	if d := Digest(npx, ts); d != digest {
		t.Fatalf("digest changed: %s, want %s", d, digest)
	}
}

func TestDigestStability(t *testing.T) {
	base := Digest(npx, tools(t, snapshot))
	// the same content written differently keeps the approval
	for name, in := range map[string]string{
		"minified":  `{"tools":[{"name":"create_issue","description":"Create an issue.","inputSchema":{"type":"object","properties":{"title":{"type":"string","maximum":1.50}}}},{"name":"search","description":"Search code.","inputSchema":{"type":"object"}}]}`,
		"key order": `{"nextCursor": null, "tools": [{"inputSchema": {"properties": {"title": {"maximum": 1.50, "type": "string"}}, "type": "object"}, "description": "Create an issue.", "name": "create_issue"}, {"name": "search", "inputSchema": {"type": "object"}, "description": "Search code."}]}`,
		"tool order": `{"tools": [{"name": "search", "description": "Search code.", "inputSchema": {"type": "object"}},
			{"name": "create_issue", "description": "Create an issue.", "inputSchema": {"type": "object", "properties": {"title": {"type": "string", "maximum": 1.50}}}}]}`,
		"json-rpc and comments": `{"jsonrpc": "2.0", "id": 7, "result": {
			// from tools/list
			"tools": [{"name": "create_issue", "description": "Create an \u0069ssue.", "inputSchema": {"type": "object", "properties": {"title": {"type": "string", "maximum": 1.50,},},},},
			{"name": "search", "description": "Search code.", "inputSchema": {"type": "object"}}]}}`,
		"bare array": `[{"name": "create_issue", "description": "Create an issue.", "inputSchema": {"type": "object", "properties": {"title": {"type": "string", "maximum": 1.50}}}}, {"name": "search", "description": "Search code.", "inputSchema": {"type": "object"}}]`,
	} {
		if d := Digest(npx, tools(t, in)); d != base {
			t.Errorf("%s: digest %s, want %s", name, d, base)
		}
	}
	// any change to a tool, or to the launch, voids it
	for name, in := range map[string]string{
		"description": strings.Replace(snapshot, "Create an issue.", "Create an issue. <IMPORTANT>", 1),
		"schema":      strings.Replace(snapshot, `"maximum": 1.50`, `"maximum": 1.5`, 1),
		"schema type": strings.Replace(snapshot, `{"type": "string"`, `{"type": "integer"`, 1),
		"name":        strings.Replace(snapshot, `"search"`, `"search2"`, 1),
		"new field":   strings.Replace(snapshot, `"name": "search",`, `"name": "search", "title": "Search",`, 1),
		"a tool less": `{"tools": [{"name": "search", "description": "Search code.", "inputSchema": {"type": "object"}}]}`,
		"a tool more": strings.Replace(snapshot, "\n  ],", `, {"name": "delete_repo"}],`, 1),
	} {
		if d := Digest(npx, tools(t, in)); d == base {
			t.Errorf("%s: digest unchanged", name)
		}
	}
	ts := tools(t, snapshot)
	for name, l := range map[string]Launch{
		"an argument":      {Command: strp("npx"), Args: []string{"-y", "@modelcontextprotocol/server-github@2025.4.9"}},
		"an argument more": {Command: strp("npx"), Args: []string{"-y", "@modelcontextprotocol/server-github@2025.4.8", "--x"}},
		"the command":      {Command: strp("bunx"), Args: npx.Args},
		"a url":            {Command: strp("npx"), Args: npx.Args, URL: strp("https://e")},
		"args joined":      {Command: strp("npx"), Args: []string{"-y @modelcontextprotocol/server-github@2025.4.8"}},
	} {
		if d := Digest(l, ts); d == base {
			t.Errorf("%s: digest unchanged", name)
		}
	}
}

func TestDigestIgnoresEnvAndHeaders(t *testing.T) {
	a, _ := ReadConfig([]byte(`{"mcpServers": {"s": {"command": "npx", "args": ["x@1.0.0"], "env": {"TOKEN": "${A}"}}}}`))
	b, _ := ReadConfig([]byte(`{"mcpServers": {"s": {"command": "npx", "args": ["x@1.0.0"], "env": {"TOKEN": "${B}", "X": "1"}, "type": "stdio"}}}`))
	if Digest(a.Servers[0].Launch(), nil) != Digest(b.Servers[0].Launch(), nil) {
		t.Fatal("env values or other fields change the digest")
	}
	r1, _ := ReadConfig([]byte(`{"servers": {"s": {"url": "https://e/mcp", "headers": {"Authorization": "Bearer ${input:a}"}}}}`))
	r2, _ := ReadConfig([]byte(`{"servers": {"s": {"url": "https://e/mcp"}}}`))
	if Digest(r1.Servers[0].Launch(), nil) != Digest(r2.Servers[0].Launch(), nil) {
		t.Fatal("headers change the digest")
	}
}
