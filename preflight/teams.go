package preflight

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/preflight-gate/preflight/configdiff"
)

// Registry is the team registry (teams.toml): the aliases error routes and
// approvers name, and the code-host logins of their members.
type Registry struct {
	File    string   // as the user reaches it, for messages
	Aliases []*Alias // sorted by name

	logins map[string]string // lower-case login -> lower-case address
}

// Alias is a team alias: an address that reaches every member.
type Alias struct {
	Name    string
	Address string
	Members []string
	Line    int // where its table starts in the registry
	Column  int
}

type registryFile struct {
	Aliases map[string]struct {
		Address string   `toml:"address"`
		Members []string `toml:"members"`
	} `toml:"aliases"`
	Logins map[string]string `toml:"logins"`
}

// LoadRegistry reads a team registry from path; file names it in messages.
func LoadRegistry(path, file string) (*Registry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Errorf(file, 0, 0, "cannot read team registry: %s", describeOSError(err))
	}
	return parseRegistry(file, data)
}

func parseRegistry(file string, data []byte) (*Registry, error) {
	tree, err := parseTOML(file, data)
	if err != nil {
		return nil, err
	}
	var rf registryFile
	if err := decodeStrict(file, data, &rf); err != nil {
		return nil, err
	}
	fail := func(key, format string, args ...any) error {
		line, col := position(tree, key)
		return Errorf(file, line, col, format, args...)
	}
	r := &Registry{File: file, logins: map[string]string{}}
	seenName := map[string]string{}
	seenAddr := map[string]string{}
	names := make([]string, 0, len(rf.Aliases))
	for name := range rf.Aliases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		a := rf.Aliases[name]
		key := "aliases." + configdiff.Path{{Name: name}}.String()
		if prev, ok := seenName[strings.ToLower(name)]; ok {
			return nil, fail(key, "alias %q defined twice (also as %q): names compare case-insensitively", name, prev)
		}
		seenName[strings.ToLower(name)] = name
		addr := normalID(a.Address)
		if addr == "" {
			return nil, fail(key, "alias %q has no address: expected address = \"team@example.com\"", name)
		}
		if !IsEmail(addr) {
			return nil, fail(key+".address", "alias %q address %q is not an email address", name, a.Address)
		}
		if prev, ok := seenAddr[addr]; ok {
			return nil, fail(key+".address", "address %q is used by aliases %q and %q: expected one alias per address", a.Address, prev, name)
		}
		seenAddr[addr] = name
		al := &Alias{Name: name, Address: addr}
		al.Line, al.Column = position(tree, key)
		for i, m := range a.Members {
			if !IsEmail(strings.TrimSpace(m)) {
				return nil, fail(fmt.Sprintf("%s.members[%d]", key, i), "member %q of alias %q is not an email address", m, name)
			}
			if id := normalID(m); !slices.Contains(al.Members, id) {
				al.Members = append(al.Members, id)
			}
		}
		r.Aliases = append(r.Aliases, al)
	}
	for login, addr := range rf.Logins {
		if !IsEmail(strings.TrimSpace(addr)) {
			return nil, fail("logins."+configdiff.Path{{Name: login}}.String(), "login %q maps to %q: expected an email address", login, addr)
		}
		r.logins[normalID(login)] = normalID(addr)
	}
	return r, nil
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
	for _, a := range r.Aliases {
		if strings.ToLower(a.Name) == route || a.Address == route {
			return a
		}
	}
	return nil
}

// IsMember reports whether the identity is a member of the alias.
func (r *Registry) IsMember(a *Alias, id string) bool {
	return slices.Contains(a.Members, r.Resolve(id))
}

// AliasesOf returns the aliases the identity is a member of.
func (r *Registry) AliasesOf(id string) []*Alias {
	var as []*Alias
	for _, a := range r.Aliases {
		if r.IsMember(a, id) {
			as = append(as, a)
		}
	}
	return as
}

// IsEmail reports whether s, trimmed, is a practical email address:
// local@domain with a non-empty local part without spaces, '<', '>' or a
// second '@', and a domain of non-empty dot-separated labels with at least
// one dot.
func IsEmail(s string) bool {
	s = strings.TrimSpace(s)
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(local, " \t<>") || strings.Contains(domain, "@") {
		return false
	}
	if strings.ContainsAny(domain, " \t<>") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	return true
}
