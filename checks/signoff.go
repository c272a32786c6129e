package checks

import (
	"fmt"
	"slices"
	"time"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
)

// SignRequest is what `preflight signoff` asks to record.
type SignRequest struct {
	By, Reason string
	// Names are what each signoff flag names, by the flag's name (a
	// gate's SignoffFlag): "key" config key globs, "bulk" bulk inputs.
	Names   map[string][]string
	All     bool // everything that needs a sign-off and has no valid one
	Expires *time.Time
	Options *preflight.Options // Now and Inputs
}

// Signed is one entry Sign recorded, for the command to report.
type Signed struct {
	Key     string             // the config key signed, or "" for a bulk approval
	Change  string             // how the key differs, never a secret value
	Preview *preflight.Preview // the preview a bulk approval covers
	Mcp     *McpApproval       // the tool list an MCP approval covers
	Warning string             // why check will not count it, if it will not
	// Skipped says why --all signed nothing for something it found; no
	// entry was recorded for it.
	Skipped string
}

// signer is a gate that records ledger entries for `preflight signoff`:
// its flag selects what to sign.
type signer interface {
	// signFlag is the signoff flag whose names the gate signs.
	signFlag() *preflight.SignoffFlag
	// sign records in l an entry for each of names (with req.All: each
	// that needs one and has no valid one; names is then empty) and says
	// what it recorded. It is called when names is not empty or req.All.
	sign(b *preflight.Bundle, l *preflight.Ledger, names []string, req *SignRequest) ([]Signed, error)
}

// Sign records in s, gate by gate in the gate list's order, what the
// request names: with All, everything without a valid sign-off; it never
// replaces someone else's valid one. A name that matches nothing is an
// *preflight.Error.
func Sign(b *preflight.Bundle, s *preflight.Ledger, req *SignRequest) ([]Signed, error) {
	var done []Signed
	for _, g := range Gates() {
		sg, ok := g.(signer)
		if !ok {
			continue
		}
		names := req.Names[sg.signFlag().Name]
		if len(names) == 0 && !req.All {
			continue
		}
		signed, err := sg.sign(b, s, names, req)
		if err != nil {
			return nil, err
		}
		done = append(done, signed...)
	}
	return done, nil
}

func (Configdiff) signFlag() *preflight.SignoffFlag { return keyFlag }

func (Configdiff) sign(b *preflight.Bundle, s *preflight.Ledger, names []string, req *SignRequest) ([]Signed, error) {
	if len(names) == 0 && ConfigdiffOf(b) == nil {
		return nil, nil // --all, and nothing to compare
	}
	return signChanges(b, s, names, req)
}

func (Bulk) signFlag() *preflight.SignoffFlag { return bulkFlag }

func (Bulk) sign(b *preflight.Bundle, s *preflight.Ledger, names []string, req *SignRequest) ([]Signed, error) {
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
		s.Put(&preflight.Entry{Table: changeTable.Name, Key: k.Key, Fields: map[string]any{"staging": st, "production": pr},
			By: req.By, Reason: req.Reason, At: req.Options.Now, Expires: req.Expires})
		done = append(done, Signed{Key: k.Key, Change: k.Summary(), Warning: why})
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
		digest, p, err := BulkApprovalState(b, req.Options, name)
		if err != nil {
			return nil, err
		}
		if req.All {
			if p.Rows <= *spec.ApproveOver {
				continue
			}
			if old := s.Find(bulkTable.Name, name); old != nil && old.Text("digest") == digest && !old.Expired(req.Options.Now) {
				if b.Authorize(old.By, spec.Approvers, "") == "" {
					continue
				}
			}
		}
		why := b.Authorize(req.By, spec.Approvers, "")
		s.Put(&preflight.Entry{Table: bulkTable.Name, Key: name, Fields: map[string]any{"digest": digest, "rows": p.Rows},
			By: req.By, Reason: req.Reason, At: req.Options.Now, Expires: req.Expires})
		done = append(done, Signed{Preview: &p, Warning: why})
	}
	return done, nil
}
