package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/preflight-gate/preflight/checks"
	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
)

type signoffFlags struct {
	by, reason, expires string
	keys, bulks         []string
	all                 bool
}

func newSignoffCmd(a *app) *cobra.Command {
	var fl signoffFlags
	cmd := &cobra.Command{
		Use:   "signoff [DIR]",
		Short: "Record sign-offs for the current differences / bulk inputs",
		Long: `signoff records, in the bundle's sign-off file, that a person has looked at
the current values of config differences (--key) or the preview of a bulk
input (--bulk) and approves them. Each entry is bound to the exact values:
any later change voids it. Commit the file and get it reviewed.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.signoff(bundleDir(args), &fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.by, "by", "", "who signs: an email or code-host login (required)")
	f.StringVar(&fl.reason, "reason", "", "why the difference or the run is right (required)")
	f.StringArrayVar(&fl.keys, "key", nil, "sign the config differences matching `GLOB`, repeatable")
	f.StringArrayVar(&fl.bulks, "bulk", nil, "approve the bulk input `NAME` as its preview shows it, repeatable")
	f.BoolVar(&fl.all, "all", false, "sign every difference and bulk input that needs it and has no valid sign-off")
	f.StringVar(&fl.expires, "expires", "", "when the sign-off lapses: an RFC 3339 `DATE` or timestamp (a date means 00:00 UTC)")
	cmd.MarkFlagRequired("by")
	cmd.MarkFlagRequired("reason")
	cmd.MarkFlagsOneRequired("key", "bulk", "all")
	cmd.MarkFlagsMutuallyExclusive("key", "all")
	cmd.MarkFlagsMutuallyExclusive("bulk", "all")
	return cmd
}

// parseExpires reads --expires: an RFC 3339 timestamp, or a date meaning
// 00:00:00 UTC of that day.
func parseExpires(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		t = t.UTC()
		return &t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return &t, nil
	}
	return nil, preflight.Usagef("invalid --expires %q: expected an RFC 3339 date (2027-01-31) or timestamp (2027-01-31T12:00:00Z)", s)
}

func (a *app) signoff(dir string, fl *signoffFlags) error {
	if strings.TrimSpace(fl.by) == "" || strings.TrimSpace(fl.reason) == "" {
		return preflight.Usagef("--by and --reason must not be empty: a sign-off says who and why")
	}
	expires, err := parseExpires(fl.expires)
	if err != nil {
		return err
	}
	b, err := preflight.LoadBundle(dir)
	if err != nil {
		return err
	}
	s, err := b.Signoffs()
	if err != nil {
		return err
	}
	path, err := b.SignoffPath()
	if err != nil {
		return err
	}
	now := a.now().UTC().Truncate(time.Second)
	opts := &preflight.Options{Now: now, FailOn: preflight.SeverityError}
	signed := 0
	if len(fl.keys) > 0 || (fl.all && b.Manifest.Configdiff != nil) {
		n, err := a.signChanges(b, s, opts, fl, now, expires)
		if err != nil {
			return err
		}
		signed += n
	}
	if len(fl.bulks) > 0 || fl.all {
		n, err := a.approveBulk(b, s, opts, fl, now, expires)
		if err != nil {
			return err
		}
		signed += n
	}
	if signed == 0 {
		fmt.Fprintln(a.stdout, "nothing to sign: every difference and bulk input is allowed or has a valid sign-off")
		return nil
	}
	if err := s.Write(path); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s: %s by %s\ncommit it and get it reviewed: the sign-off counts only as much as that review\n", b.Display(b.Manifest.Signoff), plural(signed, "sign-off"), fl.by)
	return nil
}

// signChanges records sign-offs for the config differences --key names, or
// with --all for every one that needs a sign-off.
func (a *app) signChanges(b *preflight.Bundle, s *preflight.Signoffs, opts *preflight.Options, fl *signoffFlags, now time.Time, expires *time.Time) (int, error) {
	if b.Manifest.Configdiff == nil {
		return 0, &preflight.Error{File: b.Display(preflight.ManifestName), Msg: "--key: no [configdiff] section, so there are no config differences to sign"}
	}
	d, err := checks.LoadDrift(b, opts)
	if err != nil {
		return 0, err
	}
	var pick []*checks.KeyDrift
	if fl.all {
		for _, k := range d.Drifts {
			if k.NeedsSignoff() {
				pick = append(pick, k)
			}
		}
	}
	for _, pattern := range fl.keys {
		g, err := configdiff.CompileGlob(pattern)
		if err != nil {
			return 0, preflight.Usagef("invalid --key %q: %v", pattern, err)
		}
		matched, allowed := false, false
		for _, k := range d.Drifts {
			switch {
			case !g.Covers(k.Path):
			case k.Allowed:
				allowed = true
			default:
				matched = true
				if !containsDrift(pick, k) {
					pick = append(pick, k)
				}
			}
		}
		if !matched && allowed {
			return 0, &preflight.Error{Msg: fmt.Sprintf("--key %q matches only differences that [configdiff] allow declares: they need no sign-off", pattern)}
		}
		if !matched {
			return 0, &preflight.Error{Msg: fmt.Sprintf("--key %q matches no current difference between staging and production", pattern), Hint: "run `preflight diff` to see the differing keys"}
		}
	}
	if why, err := b.Authorize(fl.by, b.Manifest.Configdiff.Approvers, "configdiff.approvers", ""); err != nil {
		return 0, err
	} else if why != "" && len(pick) > 0 {
		fmt.Fprintf(a.stderr, "preflight: warning: %s: check will report these sign-offs as unauthorized\n", why)
	}
	for _, k := range pick {
		st, pr, err := k.Digests()
		if err != nil {
			return 0, err
		}
		s.PutChange(&preflight.ChangeSignoff{Key: k.Key, Staging: st, Production: pr, By: fl.by, Reason: fl.reason, At: now, Expires: expires})
		what := "(secret, changed)"
		if !k.Secret {
			what = k.Show(k.Staging) + " → " + k.Show(k.Production)
		}
		fmt.Fprintf(a.stdout, "signed %s: %s\n", k.Key, what)
	}
	return len(pick), nil
}

func containsDrift(ks []*checks.KeyDrift, k *checks.KeyDrift) bool {
	for _, o := range ks {
		if o == k {
			return true
		}
	}
	return false
}

// approveBulk shows the preview of each bulk input --bulk names (with --all:
// each over approve_over without a valid approval) and records its approval.
func (a *app) approveBulk(b *preflight.Bundle, s *preflight.Signoffs, opts *preflight.Options, fl *signoffFlags, now time.Time, expires *time.Time) (int, error) {
	names := fl.bulks
	for _, name := range names {
		if !b.Manifest.HasBulk(name) {
			return 0, preflight.Usagef("--bulk %q: no [[bulk]] input of that name in the manifest (have %s)", name, bulkNames(b.Manifest))
		}
	}
	if fl.all {
		names = nil
		for _, spec := range b.Manifest.Bulk {
			names = append(names, spec.Name)
		}
	}
	n := 0
	for _, name := range names {
		spec, key := bulkSpec(b.Manifest, name)
		digest, p, err := checks.BulkApprovalState(b, opts, name)
		if err != nil {
			return 0, err
		}
		if fl.all {
			if p.Rows <= *spec.ApproveOver {
				continue
			}
			if old := s.FindBulk(name); old != nil && old.Digest == digest && !preflight.Expired(old.Expires, now) {
				if why, err := b.Authorize(old.By, spec.Approvers, key, ""); err == nil && why == "" {
					continue
				}
			}
		}
		if why, err := b.Authorize(fl.by, spec.Approvers, key, ""); err != nil {
			return 0, err
		} else if why != "" {
			fmt.Fprintf(a.stderr, "preflight: warning: %s: check will not count this approval\n", why)
		}
		preflight.WritePreview(a.stdout, p)
		s.PutBulk(&preflight.BulkApproval{Name: name, Digest: digest, Rows: p.Rows, By: fl.by, Reason: fl.reason, At: now, Expires: expires})
		fmt.Fprintf(a.stdout, "approved %s: %s as previewed above\n\n", name, plural(p.Rows, "data row"))
		n++
	}
	return n, nil
}

// bulkSpec returns the named bulk input and the manifest key of its
// approvers, for messages.
func bulkSpec(m *preflight.Manifest, name string) (*preflight.BulkSpec, string) {
	for i := range m.Bulk {
		if m.Bulk[i].Name == name {
			return &m.Bulk[i], fmt.Sprintf("bulk[%d].approvers", i)
		}
	}
	return nil, ""
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
