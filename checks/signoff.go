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
	Keys       []string // config key globs to sign
	Bulks      []string // bulk inputs to approve
	All        bool     // every difference and bulk input without a valid sign-off
	Expires    *time.Time
	Options    *preflight.Options // Now and Inputs
}

// Signed is one entry Sign recorded, for the command to report.
type Signed struct {
	Key     string             // the config key signed, or "" for a bulk approval
	Change  string             // how the key differs, never a secret value
	Preview *preflight.Preview // the preview a bulk approval covers
	Warning string             // why check will not count it, if it will not
}

// Sign records in s a sign-off of the current values of each config
// difference and an approval of each bulk input the request names. With
// All it skips what already has a valid sign-off: it never replaces someone
// else's. A --key glob that matches no difference is an *preflight.Error.
func Sign(b *preflight.Bundle, s *preflight.Ledger, req *SignRequest) ([]Signed, error) {
	var done []Signed
	if len(req.Keys) > 0 || (req.All && ConfigdiffOf(b) != nil) {
		signed, err := signChanges(b, s, req)
		if err != nil {
			return nil, err
		}
		done = append(done, signed...)
	}
	if len(req.Bulks) > 0 || req.All {
		signed, err := approveBulks(b, s, req)
		if err != nil {
			return nil, err
		}
		done = append(done, signed...)
	}
	return done, nil
}

func signChanges(b *preflight.Bundle, s *preflight.Ledger, req *SignRequest) ([]Signed, error) {
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
	for _, pattern := range req.Keys {
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
func approveBulks(b *preflight.Bundle, s *preflight.Ledger, req *SignRequest) ([]Signed, error) {
	names := req.Bulks
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
