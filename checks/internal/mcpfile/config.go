// Package mcpfile reads the files of the Model Context Protocol that a
// repository commits: client configs (.mcp.json, .cursor/mcp.json,
// .vscode/mcp.json) and tool-list snapshots (the result of a server's
// tools/list call), keeping the position of every value.
//
// It also holds what the mcp gate computes from them without judging:
// [Digest], the approval digest of a server's launch and tools, and
// [Hidden], the scan of a tool's strings for invisible characters and
// instruction phrases.
//
// # Client configs
//
// A client config is JSON with comments and trailing commas whose
// `mcpServers` or `servers` object maps a server name to a spec. A spec
// with `url` is a remote server (`headers` optional), one with `command`
// is a stdio server (`args`, `env` optional); other fields (`type`,
// `envFile`, ...) are read and ignored. A name must match
// `[A-Za-z0-9][A-Za-z0-9._-]*`. Two definitions of one name are the same
// server when their command, args and url are equal ([Server.Same]);
// otherwise the second is an error.
//
// # Tool snapshots
//
// A snapshot is `{"tools": [...]}` (other keys ignored), a JSON-RPC
// response whose `result` is that, or a bare array of tools; each tool is
// an object with a string `name`. A name repeated within one object is an
// error anywhere in a snapshot, so that the digest has one meaning.
//
// # Errors
//
// Every error is an [*Error] with the position in the file; its message
// names what was expected and never quotes the file, except server names
// (which match the pattern above) and the names of keys (quoted with
// escapes).
package mcpfile

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/preflight-gate/preflight/checks/internal/jsonc"
)

// Pos is a 1-based position; Column counts Unicode code points.
type Pos = jsonc.Pos

// Error is a malformed file at a position; its message never quotes the
// file.
type Error = jsonc.Error

func errorf(p Pos, format string, args ...any) error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// String is a string value and where it is written.
type String struct {
	Text string
	Pos  Pos
}

// Entry is one name and value of `env` or `headers`.
type Entry struct {
	Name    string
	NamePos Pos
	Value   String
}

// Server is one server of a client config.
type Server struct {
	Name    string
	NamePos Pos
	Command *String // a stdio server's command, nil for a remote one
	Args    []String
	Env     []Entry
	URL     *String // a remote server's URL, nil for a stdio one
	Headers []Entry
	// Repeats are later definitions of the same server in the same file
	// (the same command, args and url): their env and headers may differ.
	Repeats []*Server
}

// Same reports whether s and o define the same server: equal command,
// args and url.
func (s *Server) Same(o *Server) bool {
	eq := func(a, b *String) bool { return a == nil && b == nil || a != nil && b != nil && a.Text == b.Text }
	return eq(s.Command, o.Command) && eq(s.URL, o.URL) &&
		slices.EqualFunc(s.Args, o.Args, func(a, b String) bool { return a.Text == b.Text })
}

// ArgTexts returns the args as strings.
func (s *Server) ArgTexts() []string {
	out := make([]string, len(s.Args))
	for i, a := range s.Args {
		out[i] = a.Text
	}
	return out
}

// Launch returns what the approval digest binds of s.
func (s *Server) Launch() Launch {
	l := Launch{Args: s.ArgTexts()}
	if s.Command != nil {
		l.Command = &s.Command.Text
	}
	if s.URL != nil {
		l.URL = &s.URL.Text
	}
	return l
}

// Config is a client config's servers in file order, each name once (a
// repeated definition is in [Server.Repeats]).
type Config struct {
	Servers []*Server
}

var serverName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ValidName reports whether name is a valid server name.
func ValidName(name string) bool { return serverName.MatchString(name) }

// ReadConfig reads a client config.
func ReadConfig(data []byte) (*Config, error) {
	root, err := jsonc.Parse(data)
	if err != nil {
		return nil, err
	}
	if root.Kind != jsonc.Object {
		return nil, errorf(root.Pos, "the top level must be an object with mcpServers or servers, not %s", root.Kind)
	}
	c := &Config{}
	found := false
	seen := map[string]bool{}
	for _, m := range root.Members {
		if m.Name != "mcpServers" && m.Name != "servers" {
			continue
		}
		if seen[m.Name] {
			return nil, errorf(m.NamePos, "%q is defined twice", m.Name)
		}
		seen[m.Name] = true
		found = true
		if m.Value.Kind != jsonc.Object {
			return nil, errorf(m.Value.Pos, "%s must be an object that maps server names to specs, not %s", m.Name, m.Value.Kind)
		}
		for _, sm := range m.Value.Members {
			s, err := readServer(sm)
			if err != nil {
				return nil, err
			}
			if err := c.add(s); err != nil {
				return nil, err
			}
		}
	}
	if !found {
		return nil, errorf(root.Pos, "no mcpServers or servers object: expected the servers an MCP client starts")
	}
	return c, nil
}

// add adds s unless a server of its name is there, as a repeat of it; a
// different definition of the name is an error at s.
func (c *Config) add(s *Server) error {
	for _, o := range c.Servers {
		if o.Name != s.Name {
			continue
		}
		if !o.Same(s) {
			return errorf(s.NamePos, "server %q is defined again with another command, args or url (first at line %d)", s.Name, o.NamePos.Line)
		}
		o.Repeats = append(o.Repeats, s)
		return nil
	}
	c.Servers = append(c.Servers, s)
	return nil
}

func readServer(m jsonc.Member) (*Server, error) {
	if !ValidName(m.Name) {
		return nil, errorf(m.NamePos, "invalid server name: expected a name matching [A-Za-z0-9][A-Za-z0-9._-]*")
	}
	s := &Server{Name: m.Name, NamePos: m.NamePos}
	spec := m.Value
	if spec.Kind != jsonc.Object {
		return nil, errorf(spec.Pos, "server %q must be an object with command or url, not %s", s.Name, spec.Kind)
	}
	seen := map[string]bool{}
	for _, f := range spec.Members {
		switch f.Name {
		case "command", "args", "env", "url", "headers":
		default:
			continue // type, envFile, cwd, ...: read, not judged
		}
		if seen[f.Name] {
			return nil, errorf(f.NamePos, "server %q: %q is defined twice", s.Name, f.Name)
		}
		seen[f.Name] = true
		v := f.Value
		var err error
		switch f.Name {
		case "command":
			s.Command, err = str(s.Name, f.Name, v)
		case "url":
			s.URL, err = str(s.Name, f.Name, v)
		case "args":
			if v.Kind != jsonc.Array {
				return nil, errorf(v.Pos, "server %q: args must be an array of strings, not %s", s.Name, v.Kind)
			}
			for i, e := range v.Elems {
				if e.Kind != jsonc.String {
					return nil, errorf(e.Pos, "server %q: args[%d] must be a string, not %s", s.Name, i, e.Kind)
				}
				s.Args = append(s.Args, String{e.Text, e.Pos})
			}
		case "env":
			s.Env, err = entries(s.Name, f.Name, v)
		case "headers":
			s.Headers, err = entries(s.Name, f.Name, v)
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case s.Command == nil && s.URL == nil:
		return nil, errorf(spec.Pos, "server %q has neither command nor url: expected a stdio server's command or a remote server's url", s.Name)
	case s.Command != nil && s.URL != nil:
		return nil, errorf(s.URL.Pos, "server %q has both command and url: expected one of them", s.Name)
	}
	return s, nil
}

func str(server, field string, v *jsonc.Value) (*String, error) {
	if v.Kind != jsonc.String {
		return nil, errorf(v.Pos, "server %q: %s must be a string, not %s", server, field, v.Kind)
	}
	if v.Text == "" {
		return nil, errorf(v.Pos, "server %q: %s is empty", server, field)
	}
	return &String{v.Text, v.Pos}, nil
}

func entries(server, field string, v *jsonc.Value) ([]Entry, error) {
	if v.Kind != jsonc.Object {
		return nil, errorf(v.Pos, "server %q: %s must be an object of strings, not %s", server, field, v.Kind)
	}
	out := make([]Entry, 0, len(v.Members))
	seen := map[string]bool{}
	for _, m := range v.Members {
		if seen[m.Name] {
			return nil, errorf(m.NamePos, "server %q: %s %s is defined twice", server, field, strconv.Quote(m.Name))
		}
		seen[m.Name] = true
		if m.Value.Kind != jsonc.String {
			return nil, errorf(m.Value.Pos, "server %q: %s %s must be a string, not %s", server, field, strconv.Quote(m.Name), m.Value.Kind)
		}
		out = append(out, Entry{Name: m.Name, NamePos: m.NamePos, Value: String{m.Value.Text, m.Value.Pos}})
	}
	return out, nil
}
