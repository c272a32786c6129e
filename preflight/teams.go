package preflight

import (
	"slices"
	"strings"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight/regular"
	"github.com/preflight-gate/preflight/preflight/words"
)

// Registry is the team registry (teams.toml): the aliases error routes and
// approvers name, and the code-host logins of their members.
//
//	[aliases.ops-oncall]
//	address = "ops-oncall@example.com"
//	members = ["ana@example.com", "bo@example.com"]
//
//	[logins]
//	ana-k = "ana@example.com"
//
// Loading is strict: a syntax error, an unknown key, a value of the wrong
// type, an alias without an address, an address or member that is not an
// email, an alias or address defined twice (case-insensitively), a member
// listed twice in one alias, or a login mapped twice is an [*Error] with the
// registry's line and column.
//
// Every lookup is a map access, so a registry of 200,000 members loads and
// answers in well under a second. Messages name aliases and logins (keys)
// and positions, never an address or member (a value).
type Registry struct {
	File    string   // as the user reaches it, for messages
	Aliases []*Alias // in the order the file defines them

	logins    map[string]string   // lower-case login -> lower-case address
	byName    map[string]*Alias   // lower-case name
	byAddress map[string]*Alias   // address
	memberOf  map[string][]*Alias // member -> its aliases, in file order
}

// Alias is a team alias: an address that reaches every member.
type Alias struct {
	Name    string   // the table name, as written
	Address string   // lower-cased and trimmed
	Members []string // lower-cased and trimmed, in file order
	Line    int      // where its table starts in the registry
	Column  int

	members map[string]bool
}

// LoadRegistry reads a team registry from path; file names it in messages.
func LoadRegistry(path, file string) (*Registry, error) {
	data, err := regular.Read(path, MaxLedgerSize)
	if err != nil {
		return nil, Errorf(file, 0, 0, "cannot read team registry: %s", words.FileProblem(err))
	}
	return ParseRegistry(file, data)
}

// ParseRegistry parses the content of a team registry; file names it in
// messages.
func ParseRegistry(file string, data []byte) (*Registry, error) {
	tree, err := parseTOML(file, data)
	if err != nil {
		return nil, err
	}
	at := func(n *configdiff.Node, format string, args ...any) error {
		return Errorf(file, n.KeyPos.Line, n.KeyPos.Column, format, args...)
	}
	atValue := func(n *configdiff.Node, format string, args ...any) error {
		return Errorf(file, n.ValuePos.Line, n.ValuePos.Column, format, args...)
	}
	r := &Registry{File: file, logins: map[string]string{}, byName: map[string]*Alias{}, byAddress: map[string]*Alias{}, memberOf: map[string][]*Alias{}}
	for _, top := range tree.Root.Children {
		switch name := lastName(top); name {
		case "aliases":
			if top.Kind != configdiff.Map {
				return nil, atValue(top, "aliases is %s: expected tables [aliases.NAME] with address and members", top.Describe())
			}
			for _, n := range top.Children {
				if err := r.addAlias(n, at, atValue); err != nil {
					return nil, err
				}
			}
		case "logins":
			if top.Kind != configdiff.Map {
				return nil, atValue(top, "logins is %s: expected a table [logins] of login = \"address\"", top.Describe())
			}
			for _, n := range top.Children {
				if err := r.addLogin(n, at, atValue); err != nil {
					return nil, err
				}
			}
		default:
			return nil, at(top, "unknown key %q: expected [aliases.NAME] tables and an optional [logins] table", name)
		}
	}
	return r, nil
}

type errorAt func(n *configdiff.Node, format string, args ...any) error

func (r *Registry) addAlias(n *configdiff.Node, at, atValue errorAt) error {
	name := lastName(n)
	if n.Kind != configdiff.Map {
		return atValue(n, "alias %q is %s: expected a table with address and members", name, n.Describe())
	}
	if strings.TrimSpace(name) == "" {
		return at(n, "alias name is empty: expected [aliases.NAME]")
	}
	if prev := r.byName[strings.ToLower(name)]; prev != nil {
		return at(n, "alias %q defined twice: also as %q at line %d (names compare case-insensitively)", name, prev.Name, prev.Line)
	}
	a := &Alias{Name: name, Line: n.KeyPos.Line, Column: n.KeyPos.Column, members: map[string]bool{}}
	var addr *configdiff.Node
	for _, c := range n.Children {
		switch lastName(c) {
		case "address":
			if c.Kind != configdiff.String {
				return atValue(c, "address of alias %q is %s: expected a string such as \"team@example.com\"", name, c.Describe())
			}
			addr = c
		case "members":
			if c.Kind != configdiff.List {
				return atValue(c, "members of alias %q is %s: expected a list of email addresses", name, c.Describe())
			}
			for _, m := range c.Children {
				if m.Kind != configdiff.String {
					return atValue(m, "member of alias %q is %s: expected an email address", name, m.Describe())
				}
				if !words.IsEmail(m.Text) {
					return atValue(m, "a member of alias %q is not an email address", name)
				}
				id := normalID(m.Text)
				if a.members[id] {
					return atValue(m, "a member is listed twice in alias %q", name)
				}
				a.members[id] = true
				a.Members = append(a.Members, id)
			}
		default:
			return at(c, "unknown key %q in alias %q: expected address and members", lastName(c), name)
		}
	}
	if addr == nil || normalID(addr.Text) == "" {
		if addr != nil {
			n = addr
		}
		return at(n, "alias %q has no address: expected address = \"team@example.com\"", name)
	}
	if !words.IsEmail(addr.Text) {
		return atValue(addr, "the address of alias %q is not an email address", name)
	}
	a.Address = normalID(addr.Text)
	if prev := r.byAddress[a.Address]; prev != nil {
		return atValue(addr, "the address of alias %q is also the address of alias %q (line %d): expected one alias per address", name, prev.Name, prev.Line)
	}
	if prev := r.byName[a.Address]; prev != nil {
		return atValue(addr, "the address of alias %q is the name of alias %q (line %d): a route naming it would be ambiguous", name, prev.Name, prev.Line)
	}
	if prev := r.byAddress[strings.ToLower(name)]; prev != nil {
		return at(n, "alias name %q is the address of alias %q (line %d): a route naming it would be ambiguous", name, prev.Name, prev.Line)
	}
	r.Aliases = append(r.Aliases, a)
	r.byName[strings.ToLower(name)] = a
	r.byAddress[a.Address] = a
	for _, m := range a.Members {
		r.memberOf[m] = append(r.memberOf[m], a)
	}
	return nil
}

func (r *Registry) addLogin(n *configdiff.Node, at, atValue errorAt) error {
	login := lastName(n)
	if n.Kind != configdiff.String {
		return atValue(n, "login %q maps to %s: expected an email address", login, n.Describe())
	}
	id := normalID(login)
	if id == "" {
		return at(n, "login name is empty")
	}
	if _, ok := r.logins[id]; ok {
		return at(n, "login %q mapped twice (logins compare case-insensitively)", login)
	}
	if !words.IsEmail(n.Text) {
		return atValue(n, "login %q maps to something that is not an email address: expected one", login)
	}
	r.logins[id] = normalID(n.Text)
	return nil
}

// lastName returns the name of a node's last key segment.
func lastName(n *configdiff.Node) string {
	if len(n.Path) == 0 {
		return ""
	}
	return n.Path[len(n.Path)-1].Name
}

// normalID trims and lower-cases an identity or address.
func normalID(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Resolve maps an identity (an email or a login) to its canonical form: the
// address the login maps to, lower-cased and trimmed.
func (r *Registry) Resolve(id string) string {
	id = normalID(id)
	if addr, ok := r.logins[id]; ok {
		return addr
	}
	return id
}

// Alias finds an alias by its table name or its address, case-insensitively
// after trimming; nil when there is none.
func (r *Registry) Alias(route string) *Alias {
	route = normalID(route)
	if a := r.byName[route]; a != nil {
		return a
	}
	return r.byAddress[route] // no alias's name is another's address
}

// IsMember reports whether the identity is a member of the alias.
func (r *Registry) IsMember(a *Alias, id string) bool {
	return a.members[r.Resolve(id)]
}

// AliasesOf returns the aliases the identity is a member of, in file order.
func (r *Registry) AliasesOf(id string) []*Alias {
	return slices.Clone(r.memberOf[r.Resolve(id)])
}
