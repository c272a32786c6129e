package checks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// SignRequest is what `preflight signoff` asks to record.
type SignRequest struct {
	By, Reason string
	// Names are what each signoff flag names, by the flag's name (a
	// Signer's SignoffFlag): "key" config key globs, "bulk" bulk inputs.
	Names   map[string][]string
	All     bool // everything that needs a sign-off and has no valid one
	Expires *time.Time
	Options *preflight.Options // Now and Inputs
}

// Signed is one entry a Signer recorded, with what the command prints
// for it. Text, Note and Skipped are ready to print (text from inputs
// escaped); What and Replaces are not escaped.
type Signed struct {
	// What names what the entry signs, for messages: "sign-off for KEY",
	// `approval of bulk input "NAME"`.
	What string
	// Text is what signoff prints on stdout for the entry: whole lines.
	Text string
	// Note is one line for stderr after Text, without "preflight: " and
	// the line end, or "": for example how many errors check still
	// reports for what was signed (the sign-off does not resolve them).
	Note    string
	Warning string // why check will not count it, if it will not
	// Replaces is who signed the valid entry this one replaces, when that
	// was someone else.
	Replaces string
	// Skipped says why --all signed nothing for something it found; no
	// entry was recorded for it.
	Skipped string
}

// Signer is a gate that records ledger entries for `preflight signoff`:
// the command defines its flag from SignoffFlag, and the flag's names
// select what it signs.
type Signer interface {
	preflight.Gate
	// SignoffFlag is the signoff flag whose names the gate signs.
	SignoffFlag() *preflight.SignoffFlag
	// Sign records in l an entry for each of names (with req.All: each
	// that needs one and has no valid one; names is then empty) and says
	// what it recorded. It is called when names is not empty or req.All.
	Sign(b *preflight.Bundle, l *preflight.Ledger, names []string, req *SignRequest) ([]Signed, error)
}

// SignoffFlags returns the signoff flags of the gates that sign, in the
// gates' order.
func SignoffFlags(gates []preflight.Gate) []*preflight.SignoffFlag {
	var flags []*preflight.SignoffFlag
	for _, g := range gates {
		if sg, ok := g.(Signer); ok {
			flags = append(flags, sg.SignoffFlag())
		}
	}
	return flags
}

// Sign records in s, gate by gate in the order of the gates b was loaded
// for, what the request names: with All, everything without a valid
// sign-off; it never replaces someone else's valid one. A name that
// matches nothing is an *preflight.Error, and so is an entry check would
// not count because req.By may not sign it (not a member of the approvers
// alias that governs it): the caller then writes nothing.
func Sign(b *preflight.Bundle, s *preflight.Ledger, req *SignRequest) ([]Signed, error) {
	var done []Signed
	for _, g := range b.Gates() {
		sg, ok := g.(Signer)
		if !ok {
			continue
		}
		names := req.Names[sg.SignoffFlag().Name]
		if len(names) == 0 && !req.All {
			continue
		}
		signed, err := sg.Sign(b, s, names, req)
		if err != nil {
			return nil, err
		}
		done = append(done, signed...)
	}
	for _, d := range done {
		if d.Warning != "" {
			return nil, &preflight.Error{
				Msg:  fmt.Sprintf("%s: %s, so check would not count it: nothing written", d.What, d.Warning),
				Hint: "a member of the approvers alias signs it: `preflight explain` the rule for who may",
			}
		}
	}
	return done, nil
}

// remaining is a Signed's Note: how many errors check still reports for
// what, a subject such as "bulk input NAME" (escaped here).
func remaining(what string, errors int) string {
	if errors > 0 {
		return fmt.Sprintf("%s still has %s: check fails until they are fixed (`preflight check` lists them)", words.Escape(what), words.Plural(errors, "error"))
	}
	return words.Escape(what) + " has no other errors"
}

// SignoffFlag is the flag of config differences: --key GLOB.
func (Configdiff) SignoffFlag() *preflight.SignoffFlag { return keyFlag }

// Sign signs the differences of the keys the globs in names match.
func (Configdiff) Sign(b *preflight.Bundle, s *preflight.Ledger, names []string, req *SignRequest) ([]Signed, error) {
	if len(names) == 0 && ConfigdiffOf(b) == nil {
		return nil, nil // --all, and nothing to compare
	}
	return signChanges(b, s, names, req)
}

// SignoffFlag is the flag of bulk inputs: --bulk NAME.
func (Bulk) SignoffFlag() *preflight.SignoffFlag { return bulkFlag }

// Sign approves the bulk inputs names names as their previews show them.
func (Bulk) Sign(b *preflight.Bundle, s *preflight.Ledger, names []string, req *SignRequest) ([]Signed, error) {
	return approveBulks(b, s, names, req)
}

func signChanges(b *preflight.Bundle, s *preflight.Ledger, keys []string, req *SignRequest) ([]Signed, error) {
	spec := ConfigdiffOf(b)
	if spec == nil {
		return nil, &preflight.Error{File: b.Display(preflight.ManifestName), Msg: "--key: no [configdiff] section, so there are no config differences to sign"}
	}
	d, err := LoadDrift(b, req.Options)
	if err != nil {
		return nil, err
	}
	var pick []*KeyDrift
	if req.All {
		for _, k := range d.Drifts {
			if k.NeedsSignoff() {
				pick = append(pick, k)
			}
		}
	}
	for _, pattern := range keys {
		g, err := configdiff.CompileGlob(pattern)
		if err != nil {
			return nil, preflight.Usagef("--key: %v", err)
		}
		matched, allowed := false, false
		for _, k := range d.Drifts {
			switch {
			case !g.Covers(k.Path):
			case k.Allowed:
				allowed = true
			default:
				matched = true
				if !slices.Contains(pick, k) {
					pick = append(pick, k)
				}
			}
		}
		if !matched && allowed {
			return nil, &preflight.Error{Msg: fmt.Sprintf("--key %q matches only differences that [configdiff] allow declares: they need no sign-off", pattern)}
		}
		if !matched {
			return nil, &preflight.Error{Msg: fmt.Sprintf("--key %q matches no current difference between staging and production", pattern), Hint: "run `preflight diff` to see the differing keys"}
		}
	}
	why := b.Authorize(req.By, spec.Approvers, "")
	var done []Signed
	for _, k := range pick {
		st, pr, err := k.Digests()
		if err != nil {
			return nil, err
		}
		sd := Signed{What: "sign-off for " + k.Key, Text: fmt.Sprintf("signed %s: %s\n", words.Escape(k.Key), words.Escape(k.Summary())), Warning: why}
		if k.Status == DriftSigned && k.Signoff != nil && !b.Same(k.Signoff.By, req.By) {
			sd.Replaces = k.Signoff.By
		}
		s.Put(&preflight.Entry{Table: changeTable.Name, Key: k.Key, Fields: map[string]any{"staging": st, "production": pr},
			By: req.By, Reason: req.Reason, At: req.Options.Now, Expires: req.Expires})
		done = append(done, sd)
	}
	return done, nil
}

// approveBulks approves each bulk input the request names (with All: each
// over approve_over without a valid approval) as its preview shows it.
func approveBulks(b *preflight.Bundle, s *preflight.Ledger, names []string, req *SignRequest) ([]Signed, error) {
	if req.All {
		names = BulkNames(b)
	}
	specs := BulkSpecs(b)
	var done []Signed
	for _, name := range names {
		i, err := findBulk(specs, name)
		if err != nil {
			return nil, err
		}
		spec := &specs[i]
		sc, err := bulkApprovalScan(b, req.Options, name)
		if err != nil {
			return nil, err
		}
		digest, p := sc.digest, sc.preview
		old := s.Find(bulkTable.Name, name)
		valid := old != nil && old.Text("digest") == digest && !old.Expired(req.Options.Now) && b.Authorize(old.By, spec.Approvers, "") == ""
		if req.All && (p.Rows <= *spec.ApproveOver || valid) {
			continue
		}
		var text strings.Builder
		p.WriteText(&text)
		fmt.Fprintf(&text, "approved %s: %s as previewed above\n\n", words.Escape(name), words.Plural(p.Rows, "data row"))
		sd := Signed{What: fmt.Sprintf("approval of bulk input %q", name), Text: text.String(), Note: remaining("bulk input "+name, sc.errors()),
			Warning: b.Authorize(req.By, spec.Approvers, "")}
		if valid && !b.Same(old.By, req.By) {
			sd.Replaces = old.By
		}
		s.Put(&preflight.Entry{Table: bulkTable.Name, Key: name, Fields: map[string]any{"digest": digest, "rows": p.Rows},
			By: req.By, Reason: req.Reason, At: req.Options.Now, Expires: req.Expires})
		done = append(done, sd)
	}
	return done, nil
}

// unusedEntries reports each entry of a gate's sign-off table whose key the
// gate no longer has (known is false for it), at the entry's line in the
// sign-off file, as rule with the message unused(key) and the subject kind.
func unusedEntries(b *preflight.Bundle, l *preflight.Ledger, table *preflight.LedgerTable, rule preflight.Rule, kind string, known func(key string) bool, unused func(key string) string) []preflight.Finding {
	var fs []preflight.Finding
	for _, e := range l.Entries(table.Name) {
		if known(e.Key) {
			continue
		}
		f := rule.Finding(words.Rel(b.Manifest.Signoff), e.Line, 1, unused(e.Key))
		f.Subject = preflight.Subject{Kind: kind, Name: e.Key}
		fs = append(fs, f)
	}
	return fs
}
