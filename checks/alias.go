package checks

import (
	"fmt"
	"strings"

	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// aliasVerdict is what a value that must name a team alias turned out to
// be: an error route (routes), an escalation target (controls).
type aliasVerdict uint8

const (
	aliasOK       aliasVerdict = iota // a registered alias with enough members
	aliasEmpty                        // blank: it reaches nobody
	aliasUnknown                      // not a registered alias (maybe a member's own address)
	aliasTooSmall                     // an alias with fewer than minMembers members
)

// aliasJudge matches values against the team registry the way the contract
// says a route value matches: an alias's address or its table name,
// case-insensitively, after trimming. Every gate that needs "a team, not a
// person" asks it, so the rule and its messages exist once.
type aliasJudge struct {
	reg        *preflight.Registry
	teams      string // the registry's bundle-relative path, for messages
	minMembers int
}

// judge says what value is and, unless it is a good alias, why not, in a
// message that starts with subject ("route jobs.sync.on_error.notify").
// A secret value is shown as "(secret)", and neither the alias nor the
// member it matches is named: that would tell the secret.
// what names what the alias must keep delivering ("errors", "escalated
// tasks") and to names what the value is for ("route errors to",
// "escalate to").
func (j aliasJudge) judge(value string, secret bool, subject, what, to string) (aliasVerdict, string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return aliasEmpty, fmt.Sprintf("%s is empty: %s go nowhere; expected a team alias address", subject, what)
	}
	a := j.reg.Alias(value)
	if secret {
		switch {
		case a == nil:
			return aliasUnknown, fmt.Sprintf("%s is (secret), which is not a team alias in %s: expected an alias name or address from the registry", subject, j.teams)
		case len(a.Members) < j.minMembers:
			return aliasTooSmall, fmt.Sprintf("%s is (secret), an alias with %s: expected at least %d so %s still reach someone when one person leaves",
				subject, words.Plural(len(a.Members), "member"), j.minMembers, what)
		}
		return aliasOK, ""
	}
	if a == nil {
		return aliasUnknown, j.notAlias(value, subject, what, to)
	}
	if len(a.Members) < j.minMembers {
		return aliasTooSmall, fmt.Sprintf("%s reaches alias %q, which has %s (%s): expected at least %d so %s still reach someone when one person leaves",
			subject, a.Name, words.Plural(len(a.Members), "member"), memberList(a.Members), j.minMembers, what)
	}
	return aliasOK, ""
}

// notAlias explains why a value, not a secret, is not a team alias.
func (j aliasJudge) notAlias(value, subject, what, to string) string {
	if as := j.reg.AliasesOf(value); len(as) > 0 {
		best := as[0]
		for _, a := range as {
			if len(a.Members) >= j.minMembers {
				best = a
				break
			}
		}
		also := ""
		if len(as) > 1 {
			var others []string
			for _, a := range as {
				if a != best {
					others = append(others, fmt.Sprintf("%q", a.Name))
				}
			}
			also = " (also a member of " + strings.Join(others, ", ") + ")"
		}
		small := ""
		if len(best.Members) < j.minMembers {
			small = fmt.Sprintf(" (it has only %s: add members to it too)", words.Plural(len(best.Members), "member"))
		}
		return fmt.Sprintf("%s is %q, a person: a member of alias %q%s; %s the alias, %s%s, so %s still reach the team when that person leaves",
			subject, value, best.Name, also, to, best.Address, small, what)
	}
	if words.IsEmail(value) {
		return fmt.Sprintf("%s is %q, which looks like a person's own address: it is not a team alias in %s; %s a registered team alias",
			subject, value, j.teams, to)
	}
	return fmt.Sprintf("%s is %q, which is not a team alias in %s: expected an alias name or address from the registry",
		subject, value, j.teams)
}

// teamMinMembers is the one min_members rule for every gate that needs a
// team: the value written under key (at least 1), else [routes]' value,
// else 2. routes itself, loading, has no [routes] value yet: 2.
func teamMinMembers(b *preflight.Bundle, key string, written *int) (*int, error) {
	switch {
	case written != nil && *written < 1:
		return nil, b.ManifestError(key, "min_members must be at least 1, got %d", *written)
	case written != nil:
		return written, nil
	}
	if r := RoutesOf(b); r != nil {
		return intPtr(*r.MinMembers), nil
	}
	return intPtr(2), nil
}

func memberList(ms []string) string {
	if len(ms) == 0 {
		return "none"
	}
	return strings.Join(ms, ", ")
}
