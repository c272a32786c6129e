package mcpfile

import (
	"errors"
	"strings"
	"testing"
)

const claudeConfig = `{
  // project servers
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_TOKEN}"},
    },
    "docs": {"type": "http", "url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer ${input:tok}"}},
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"], "env": {}},
  },
}`

func TestReadConfig(t *testing.T) {
	c, err := ReadConfig([]byte(claudeConfig))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Servers) != 2 {
		t.Fatalf("servers = %d, want 2 (the repeated github is the same server)", len(c.Servers))
	}
	gh, docs := c.Servers[0], c.Servers[1]
	if len(gh.Repeats) != 1 || gh.Repeats[0].NamePos != at(10, 5) {
		t.Errorf("github repeats = %+v, want the second definition at 10:5", gh.Repeats)
	}
	if gh.Name != "github" || gh.NamePos != (at(4, 5)) || gh.Command.Text != "npx" || gh.Command.Pos != (at(5, 18)) {
		t.Errorf("github = %+v", gh)
	}
	if len(gh.Args) != 2 || gh.Args[1].Pos != (at(6, 22)) || gh.Args[1].Text != "@modelcontextprotocol/server-github@2025.4.8" {
		t.Errorf("github args = %+v", gh.Args)
	}
	if len(gh.Env) != 1 || gh.Env[0].Name != "GITHUB_PERSONAL_ACCESS_TOKEN" || gh.Env[0].NamePos != (at(7, 15)) || gh.Env[0].Value.Pos != (at(7, 47)) {
		t.Errorf("github env = %+v", gh.Env)
	}
	if docs.URL == nil || docs.URL.Text != "https://mcp.example.com/mcp" || docs.Command != nil || len(docs.Headers) != 1 {
		t.Errorf("docs = %+v", docs)
	}
	l := gh.Launch()
	if *l.Command != "npx" || l.URL != nil || len(l.Args) != 2 {
		t.Errorf("launch = %+v", l)
	}
}

func TestReadConfigServersKey(t *testing.T) {
	c, err := ReadConfig([]byte(`{"inputs": [], "servers": {"a.b_c-1": {"command": "node", "args": ["s.js"]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Servers) != 1 || c.Servers[0].Name != "a.b_c-1" {
		t.Fatalf("servers = %+v", c.Servers)
	}
	c, err = ReadConfig([]byte(`{"mcpServers": {}}`))
	if err != nil || len(c.Servers) != 0 {
		t.Fatalf("empty: %v %v", c, err)
	}
}

func TestReadConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		pos  Pos
		want string
	}{
		{`[]`, at(1, 1), "the top level must be an object"},
		{`{"mcp_servers": {}}`, at(1, 1), "no mcpServers or servers object"},
		{`{"mcpServers": []}`, at(1, 16), "mcpServers must be an object"},
		{`{"mcpServers": {}, "mcpServers": {}}`, at(1, 20), `"mcpServers" is defined twice`},
		{`{"mcpServers": {"-bad": {"command": "x"}}}`, at(1, 17), "invalid server name"},
		{`{"mcpServers": {"a b": {"command": "x"}}}`, at(1, 17), "invalid server name"},
		{`{"mcpServers": {"": {"command": "x"}}}`, at(1, 17), "invalid server name"},
		{`{"mcpServers": {"a": "npx"}}`, at(1, 22), `server "a" must be an object`},
		{`{"mcpServers": {"a": {}}}`, at(1, 22), `server "a" has neither command nor url`},
		{`{"mcpServers": {"a": {"command": "x", "url": "https://e"}}}`, at(1, 46), "has both command and url"},
		{`{"mcpServers": {"a": {"command": 1}}}`, at(1, 34), `server "a": command must be a string, not a number`},
		{`{"mcpServers": {"a": {"command": ""}}}`, at(1, 34), `server "a": command is empty`},
		{`{"mcpServers": {"a": {"command": "x", "args": "y"}}}`, at(1, 47), "args must be an array of strings"},
		{`{"mcpServers": {"a": {"command": "x", "args": ["y", 2]}}}`, at(1, 53), "args[1] must be a string"},
		{`{"mcpServers": {"a": {"command": "x", "env": {"K": 1}}}}`, at(1, 52), `env "K" must be a string`},
		{`{"mcpServers": {"a": {"command": "x", "env": {"K": "1", "K": "2"}}}}`, at(1, 57), `env "K" is defined twice`},
		{`{"mcpServers": {"a": {"command": "x", "command": "y"}}}`, at(1, 39), `"command" is defined twice`},
		{`{"mcpServers": {"a": {"url": "https://e", "headers": []}}}`, at(1, 54), "headers must be an object of strings"},
		{`{"mcpServers": {"a": {"command": "x"}, "a": {"command": "y"}}}`, at(1, 40), `server "a" is defined again with another command, args or url (first at line 1)`},
		{`{"mcpServers": {"a": {"command": "x"}}, "servers": {"a": {"command": "x", "args": ["1"]}}}`, at(1, 53), `server "a" is defined again`},
		{`{"mcpServers": {"a": {"command": "x" "y"}}}`, at(1, 38), "unexpected character after object value"},
	} {
		_, err := ReadConfig([]byte(tc.in))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("ReadConfig(%s) = %v, want an *Error", tc.in, err)
			continue
		}
		if e.Pos != tc.pos || !strings.Contains(e.Msg, tc.want) {
			t.Errorf("ReadConfig(%s) = %q at %v, want %q at %v", tc.in, e.Msg, e.Pos, tc.want, tc.pos)
		}
	}
}

func TestReadConfigNeverQuotesValues(t *testing.T) {
	secret := "ghp_0123456789abcdefghijklmnopqrstuvwxyz"
	for _, in := range []string{
		`{"mcpServers": {"a": {"command": "x", "env": {"K": ` + secret + `}}}}`,
		`{"mcpServers": {"a": {"command": "x", "env": {"K": "` + secret + `" "L"}}}}`,
		`{"mcpServers": {"` + secret + ` x": {"command": "x"}}}`,
		`{"mcpServers": {"a": {"command": ["` + secret + `"]}}}`,
	} {
		_, err := ReadConfig([]byte(in))
		if err == nil || strings.Contains(err.Error(), "ghp_") {
			t.Errorf("ReadConfig: error %v", err)
		}
	}
}

func TestSame(t *testing.T) {
	s := func(in string) *Server {
		c, err := ReadConfig([]byte(`{"mcpServers": {"a": ` + in + `}}`))
		if err != nil {
			t.Fatal(err)
		}
		return c.Servers[0]
	}
	base := s(`{"command": "npx", "args": ["-y", "x@1.0.0"], "env": {"A": "1"}}`)
	for in, want := range map[string]bool{
		`{"command": "npx", "args": ["-y", "x@1.0.0"]}`:                  true,
		`{"command": "npx", "args": ["-y", "x@1.0.0"], "type": "stdio"}`: true,
		`{"command": "npx", "args": ["-y", "x@1.0.1"]}`:                  false,
		`{"command": "npx", "args": ["-y"]}`:                             false,
		`{"command": "bunx", "args": ["-y", "x@1.0.0"]}`:                 false,
		`{"url": "https://e"}`:                                           false,
	} {
		if got := base.Same(s(in)); got != want {
			t.Errorf("Same(%s) = %v, want %v", in, got, want)
		}
	}
}

func FuzzReadConfig(f *testing.F) {
	f.Add([]byte(claudeConfig))
	f.Add([]byte(`{"servers": {"a": {"url": "http://x", "headers": {"Cookie": "c"}}}}`))
	f.Add([]byte(`{"mcpServers": {"a": {"command": "x", "args": ["\u200b"]}, "a": {"command": "x"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ReadConfig(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, s := range c.Servers {
			if !ValidName(s.Name) || seen[s.Name] {
				t.Fatalf("server name %q invalid or repeated", s.Name)
			}
			seen[s.Name] = true
			if (s.Command == nil) == (s.URL == nil) {
				t.Fatalf("server %q: command %v, url %v", s.Name, s.Command, s.URL)
			}
			if s.NamePos.Line < 1 || s.NamePos.Column < 1 {
				t.Fatalf("server %q without position", s.Name)
			}
			_ = Digest(s.Launch(), nil)
		}
	})
}

func at(line, column int) Pos { return Pos{Line: line, Column: column} }
