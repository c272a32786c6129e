package checks

import (
	"fmt"
	"strings"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

const costIncident = "cost explosion: one config value (model_tier) differed between staging and production; production ran the expensive model for 72 hours and spent $47,000 before anyone compared the two"

// keyFlag resolves configdiff findings: `signoff --key KEY`.
var keyFlag = &preflight.SignoffFlag{
	Name:   "key",
	Value:  "GLOB",
	Help:   "sign the config differences matching `GLOB`, repeatable",
	Noun:   "difference",
	Nouns:  "differences",
	Items:  "Config differences",
	Advice: "review each one; when it is intended, a person other than its author signs it off (the sign-off binds the exact values)",
}

// changeTable is the sign-off file's [[change]] table: one sign-off per
// config key, bound to the digests of both sides' values.
var changeTable = &preflight.LedgerTable{
	Name:  "change",
	Key:   "key",
	Need:  "the config key it signs",
	Entry: "sign-off for %q",
	Twice: "two sign-offs for key %q",
	Fields: []preflight.LedgerField{
		{Name: "staging", Label: "staging digest", Check: configdiff.CheckDigest},
		{Name: "production", Label: "production digest", Check: configdiff.CheckDigest},
	},
	// Hand edits may quote a plain segment: compare keys as parsed.
	Canonical: func(key string) (string, error) {
		p, err := configdiff.ParsePath(key)
		if err != nil {
			return "", err
		}
		return p.String(), nil
	},
}

var (
	ruleConfigdiffUnsignedChange = preflight.Rule{
		ID:          "configdiff/unsigned-change",
		Severity:    preflight.SeverityError,
		Title:       "a config key differs between staging and production and nobody signed off on it",
		Why:         "Production should run what was tested in staging. Every difference is either declared as expected drift (allow) or signed off by a person, bound to the exact values.",
		Incident:    costIncident,
		Fix:         "Make the values equal, add the key to [configdiff] allow when the drift is expected (hosts, URLs), or run `preflight signoff --key KEY --by YOU --reason \"why production differs\"` and get the sign-off file reviewed.",
		SignoffFlag: keyFlag,
	}
	ruleConfigdiffStaleSignoff = preflight.Rule{
		ID:          "configdiff/stale-signoff",
		Severity:    preflight.SeverityError,
		Title:       "a sign-off no longer matches the values it signed",
		Why:         "A sign-off is bound to the digests of both values. When either value changes, the person approved something else: the new value needs a new look.",
		Incident:    costIncident,
		Fix:         "Check the new value, then sign again: `preflight signoff --key KEY --by YOU --reason \"…\"` replaces the stale entry.",
		SignoffFlag: keyFlag,
	}
	ruleConfigdiffExpiredSignoff = preflight.Rule{
		ID:          "configdiff/expired-signoff",
		Severity:    preflight.SeverityError,
		Title:       "a sign-off has passed its expiry date",
		Why:         "Temporary drift (a canary, an experiment) is signed with an expiry so it cannot quietly become permanent.",
		Incident:    costIncident,
		Fix:         "Remove the drift, or sign again with a new --expires date and a reason for keeping it.",
		SignoffFlag: keyFlag,
	}
	ruleConfigdiffUnauthorizedSignoff = preflight.Rule{
		ID:          "configdiff/unauthorized-signoff",
		Severity:    preflight.SeverityError,
		Title:       "a sign-off is by someone who may not give it",
		Why:         "A sign-off is a second pair of eyes: it must come from a member of the approvers alias when one is set, and never from the author of the change.",
		Incident:    costIncident,
		Fix:         "Ask a member of the approvers alias (teams.toml) who did not make the change to run `preflight signoff`.",
		SignoffFlag: keyFlag,
	}
	ruleConfigdiffUnusedSignoff = preflight.Rule{
		ID:       "configdiff/unused-signoff",
		Severity: preflight.SeverityWarning,
		Title:    "a sign-off names a key that no longer differs",
		Why:      "Stale waivers hide future drift: when the same key drifts again, an old sign-off with matching values would silently pass it.",
		Incident: costIncident,
		Fix:      "Delete the [[change]] entry from the sign-off file.",
	}
	ruleConfigdiffCredentialValue = preflight.Rule{
		ID:       "configdiff/credential-value",
		Severity: preflight.SeverityWarning,
		Title:    "a value under a key that is not secret looks like a credential",
		Why: "A credential in a config file is one pull request away from a public CI log. preflight redacts every value that looks like one " +
			"(a token of a known service, an AWS access key id, a JSON Web Token, a private key) wherever it stands, " +
			"but the key's name does not say it is secret, so other tools that read the file will print it.",
		Incident: "preflight's own hardening review: an adversarial test of an earlier build found credential-looking values (sk_live_…, ghp_…, AKIA…, a PEM block, a JWT) under innocent key names printed in every output format and in the CI step summary",
		Fix: "Move the credential to the deployment's secret store and reference it from the config; rotate it if the file was ever pushed. " +
			"If the value must stay, give the key a secret name (…_token, …_password) or list it in [configdiff] secrets.",
	}
)

// ConfigdiffSpec is the [configdiff] section.
type ConfigdiffSpec struct {
	Staging    string   `toml:"staging"`
	Production string   `toml:"production"`
	Allow      []string `toml:"allow"`
	Secrets    []string `toml:"secrets"`
	Approvers  string   `toml:"approvers"`

	allow, secrets configdiff.GlobSet // compiled at load
}

// Configdiff is the gate for the cost-explosion incident: every difference
// between the staging and production config needs a sign-off bound to the
// exact values, unless the manifest allows it.
type Configdiff struct{}

// Info declares the configdiff gate: the [configdiff] section and the
// [[change]] sign-off table.
func (Configdiff) Info() preflight.GateInfo {
	return preflight.GateInfo{
		Name:    "configdiff",
		Section: "configdiff",
		Spec:    ConfigdiffSpec{},
		Rules:   []preflight.Rule{ruleConfigdiffUnsignedChange, ruleConfigdiffStaleSignoff, ruleConfigdiffExpiredSignoff, ruleConfigdiffUnauthorizedSignoff, ruleConfigdiffUnusedSignoff, ruleConfigdiffCredentialValue},
		Ledger:  changeTable,
	}
}

// Load checks the [configdiff] section: both files named, the globs
// compiled, the approvers alias in the registry.
func (Configdiff) Load(b *preflight.Bundle, section any) (any, error) {
	spec := section.(*ConfigdiffSpec)
	if spec.Staging == "" {
		return nil, b.ManifestError("configdiff", "[configdiff] needs staging: the staging config file")
	}
	if spec.Production == "" {
		return nil, b.ManifestError("configdiff", "[configdiff] needs production: the production config file")
	}
	var err error
	if spec.allow, err = compileGlobs(b, "configdiff.allow", spec.Allow); err != nil {
		return nil, err
	}
	if spec.secrets, err = compileGlobs(b, "configdiff.secrets", spec.Secrets); err != nil {
		return nil, err
	}
	if err := b.CheckApprovers("configdiff.approvers", spec.Approvers); err != nil {
		return nil, err
	}
	return spec, nil
}

// compileGlobs compiles the key globs the manifest lists under key; an
// error points at the bad glob, or at the list when it holds more than
// configdiff.MaxGlobs.
func compileGlobs(b *preflight.Bundle, key string, patterns []string) (configdiff.GlobSet, error) {
	set, i, err := configdiff.CompileGlobList(patterns)
	switch {
	case err == nil:
		return set, nil
	case i < 0:
		return nil, b.ManifestError(key, "%s: %v", key, err)
	}
	return nil, b.ManifestError(fmt.Sprintf("%s[%d]", key, i), "%v", err)
}

// checkPathList checks a list of path patterns the manifest writes under
// key (workflows, files) against the glob-list limits: at most
// configdiff.MaxGlobs patterns, each of at most configdiff.MaxGlobSegments
// segments.
func checkPathList(b *preflight.Bundle, key string, patterns []string) error {
	if len(patterns) > configdiff.MaxGlobs {
		return b.ManifestError(key, "%s lists %d patterns: expected at most %d", key, len(patterns), configdiff.MaxGlobs)
	}
	for i, p := range patterns {
		if n := strings.Count(p, "/") + 1; n > configdiff.MaxGlobSegments {
			return b.ManifestError(fmt.Sprintf("%s[%d]", key, i), "pattern has %d segments: expected at most %d", n, configdiff.MaxGlobSegments)
		}
	}
	return nil
}

// ConfigdiffOf returns the bundle's [configdiff] section, or nil when the
// manifest has none.
func ConfigdiffOf(b *preflight.Bundle) *ConfigdiffSpec {
	s, _ := b.Spec("configdiff").(*ConfigdiffSpec)
	return s
}

// Check judges every difference between the two files.
func (Configdiff) Check(b *preflight.Bundle, spec any, opts *preflight.Options) (*preflight.Result, error) {
	s, err := loadDrift(b, spec.(*ConfigdiffSpec), opts)
	if err != nil {
		return nil, err
	}
	res := &preflight.Result{}
	for _, d := range s.Drifts {
		item := preflight.Item{Gate: "configdiff", Name: d.Key, File: s.ProductionFile}
		if d.Status == DriftSigned && d.Signoff != nil && !d.Allowed {
			item.Note = fmt.Sprintf("signed by %s: %s", d.Signoff.By, d.Signoff.Reason)
		}
		if d.Finding != nil {
			res.Findings = append(res.Findings, *d.Finding)
			item.File, item.Findings = d.Finding.File, 1
		}
		res.Items = append(res.Items, item)
	}
	if len(s.Drifts) == 0 {
		res.Items = append(res.Items, preflight.Item{Gate: "configdiff", Name: s.StagingFile + " vs " + s.ProductionFile, File: s.ProductionFile})
	}
	for _, c := range s.Unused {
		f := ruleConfigdiffUnusedSignoff.Finding(s.SignoffFile, c.Line, 1, fmt.Sprintf("sign-off for %s is unused: staging and production agree on it", c.Key))
		f.Key = c.Key
		res.Findings = append(res.Findings, f)
	}
	res.Findings = append(res.Findings, s.credentials()...)
	return res, nil
}

// credentials reports every value, in either config, that looks like a
// credential under a key that is not secret: once per file and key, at
// the value, whether or not it differs.
func (d *Drift) credentials() []preflight.Finding {
	var out []preflight.Finding
	seen := map[string]bool{}
	for _, side := range []struct {
		file string
		tree *configdiff.Tree
	}{{d.StagingFile, d.StagingTree}, {d.ProductionFile, d.ProductionTree}} {
		for _, n := range side.tree.Leaves() {
			if n.Kind != configdiff.String || n.SecretKey(d.Secrets) || seen[side.file+"\x00"+n.Key] {
				continue
			}
			kind := configdiff.CredentialKind(n.Text)
			if kind == "" {
				continue
			}
			seen[side.file+"\x00"+n.Key] = true
			f := ruleConfigdiffCredentialValue.Finding(side.file, n.ValuePos.Line, n.ValuePos.Column, fmt.Sprintf(
				"value of %s looks like a credential (%s) under a key that is not secret: it is redacted, but move it to a secret store, or name the key as a secret", n.Key, kind))
			f.Key = n.Key
			out = append(out, f)
		}
	}
	return out
}

// Drift is the state of the staging-vs-production comparison: every
// difference with its sign-off status, and the sign-offs nothing uses.
type Drift struct {
	StagingFile, ProductionFile, SignoffFile string // bundle-relative
	StagingTree, ProductionTree              *configdiff.Tree
	Secrets                                  configdiff.GlobSet // the manifest's secrets globs
	Drifts                                   []*KeyDrift
	Unused                                   []*preflight.Entry // [[change]] entries
}

// DriftStatus is where a differing key stands.
type DriftStatus uint8

// The states of a differing key; a finding reports each but DriftAllowed
// and DriftSigned. The sign-off problems are judged in this order: stale,
// then expired, then unauthorized.
const (
	DriftUnsigned     DriftStatus = iota // no sign-off
	DriftAllowed                         // declared drift ([configdiff] allow): needs none
	DriftSigned                          // a valid sign-off
	DriftStale                           // a sign-off for other values
	DriftExpired                         // a sign-off past its expiry
	DriftUnauthorized                    // a sign-off by someone who may not give it
)

var driftStatusNames = [...]string{"unsigned", "allowed", "signed", "stale", "expired", "unauthorized"}

// String is the status as diff prints it: "unsigned", "allowed", "signed",
// "stale", "expired" or "unauthorized".
func (s DriftStatus) String() string {
	if int(s) < len(driftStatusNames) {
		return driftStatusNames[s]
	}
	return fmt.Sprintf("DriftStatus(%d)", uint8(s))
}

// KeyDrift is one differing key.
type KeyDrift struct {
	configdiff.Change
	Secret  bool             // a value on either side is secret (configdiff.Change.Secret)
	Allowed bool             // declared drift: needs no sign-off
	Signoff *preflight.Entry // its [[change]] entry; nil when unsigned
	Status  DriftStatus
	Finding *preflight.Finding // nil when the key passes
}

// LoadDrift loads both configs and the sign-off file and judges every
// difference. It is an *preflight.Error when the manifest has no
// [configdiff] section.
func LoadDrift(b *preflight.Bundle, opts *preflight.Options) (*Drift, error) {
	spec := ConfigdiffOf(b)
	if spec == nil {
		return nil, &preflight.Error{File: b.Display(preflight.ManifestName), Msg: "no [configdiff] section: there are no config differences"}
	}
	return loadDrift(b, spec, opts)
}

func loadDrift(b *preflight.Bundle, spec *ConfigdiffSpec, opts *preflight.Options) (*Drift, error) {
	staging, err := b.Config("configdiff.staging", spec.Staging)
	if err != nil {
		return nil, err
	}
	production, err := b.Config("configdiff.production", spec.Production)
	if err != nil {
		return nil, err
	}
	allow, secrets := spec.allow, spec.secrets
	signoffs, err := b.Ledger()
	if err != nil {
		return nil, err
	}
	changes := configdiff.Diff(staging, production)
	d := &Drift{
		StagingFile: words.Rel(spec.Staging), ProductionFile: words.Rel(spec.Production), SignoffFile: words.Rel(b.Manifest.Signoff),
		StagingTree: staging, ProductionTree: production, Secrets: secrets,
	}
	differs := map[string]bool{}
	for _, c := range changes {
		k := &KeyDrift{Change: c, Secret: c.Secret(secrets), Allowed: allow.Covers(c.Path)}
		differs[c.Key] = true
		if err := d.judge(b, opts, spec, k, signoffs.Find(changeTable.Name, c.Key)); err != nil {
			return nil, err
		}
		d.Drifts = append(d.Drifts, k)
	}
	for _, c := range signoffs.Entries(changeTable.Name) {
		p, _ := configdiff.ParsePath(c.Key)
		if !differs[c.Key] && !allow.Covers(p) {
			d.Unused = append(d.Unused, c)
		}
	}
	return d, nil
}

// judge sets a key's status and finding. The order of sign-off problems is
// the contract's: stale, then expired, then unauthorized.
func (d *Drift) judge(b *preflight.Bundle, opts *preflight.Options, spec *ConfigdiffSpec, k *KeyDrift, so *preflight.Entry) error {
	k.Signoff = so
	if k.Allowed {
		k.Status = DriftAllowed
		return nil
	}
	rule, msg := ruleConfigdiffUnsignedChange, fmt.Sprintf("%s: no sign-off", k.describe())
	switch {
	case so == nil:
		k.Status = DriftUnsigned
	default:
		sides, err := changedSides(so, k.Change)
		if err != nil {
			return preflight.Errorf(b.Display(b.Manifest.Signoff), so.Line, 1, "sign-off for %q: %v", so.Key, err)
		}
		why := b.Authorize(so.By, spec.Approvers, opts.Author)
		switch {
		case sides != "":
			k.Status = DriftStale
			rule, msg = ruleConfigdiffStaleSignoff, fmt.Sprintf("sign-off for %s is stale: the %s changed since %s signed it (%s)", k.Key, sides, so.By, k.describe())
		case so.Expired(opts.Now):
			k.Status = DriftExpired
			rule, msg = ruleConfigdiffExpiredSignoff, fmt.Sprintf("sign-off for %s by %s expired at %s", k.Key, so.By, so.Expires.UTC().Format("2006-01-02 15:04 MST"))
		case why != "":
			k.Status = DriftUnauthorized
			rule, msg = ruleConfigdiffUnauthorizedSignoff, fmt.Sprintf("sign-off for %s does not count: %s", k.Key, why)
		default:
			k.Status = DriftSigned
			return nil
		}
	}
	file, n := d.ProductionFile, k.Production
	if n == nil {
		file, n = d.StagingFile, k.Staging
	}
	f := rule.Finding(file, n.KeyPos.Line, n.KeyPos.Column, msg)
	f.Key = k.Key
	k.Finding = &f
	return nil
}

// changedSides names the sides whose value no longer matches the sign-off:
// "", "staging value", "production value" or "staging and production values".
func changedSides(so *preflight.Entry, c configdiff.Change) (string, error) {
	okS, err := configdiff.MatchDigest(so.Text("staging"), c.Staging)
	if err != nil {
		return "", err
	}
	okP, err := configdiff.MatchDigest(so.Text("production"), c.Production)
	if err != nil {
		return "", err
	}
	switch {
	case !okS && !okP:
		return "staging and production values", nil
	case !okS:
		return "staging value", nil
	case !okP:
		return "production value", nil
	}
	return "", nil
}

// describe says how a key differs, never showing a secret value.
func (k *KeyDrift) describe() string {
	switch k.Kind {
	case configdiff.OnlyStaging:
		return fmt.Sprintf("%s is only in staging: %s", k.Key, k.Show(k.Staging))
	case configdiff.OnlyProduction:
		return fmt.Sprintf("%s is only in production: %s", k.Key, k.Show(k.Production))
	}
	if k.Secret {
		return k.Key + " differs (secret, changed)"
	}
	return fmt.Sprintf("%s differs: staging %s, production %s", k.Key, k.Show(k.Staging), k.Show(k.Production))
}

// Summary shows how the key differs, for diff and signoff: "old → new",
// "only in staging: value", or "(secret, changed)" without the values.
func (k *KeyDrift) Summary() string {
	switch {
	case k.Kind == configdiff.OnlyStaging:
		return "only in staging: " + k.Show(k.Staging)
	case k.Kind == configdiff.OnlyProduction:
		return "only in production: " + k.Show(k.Production)
	case k.Secret:
		return "(secret, changed)"
	}
	return k.Show(k.Staging) + " → " + k.Show(k.Production)
}

// Show displays one side's value, or "(secret)" for a secret.
func (k *KeyDrift) Show(n *configdiff.Node) string {
	return configdiff.Display(n, k.Secret)
}

// Digests returns the digests a sign-off of the key's current values
// records: a slow, salted digest for a secret.
func (k *KeyDrift) Digests() (staging, production string, err error) {
	digest := func(n *configdiff.Node) (string, error) {
		if k.Secret {
			return configdiff.SecretDigest(n)
		}
		return configdiff.Digest(n), nil
	}
	if staging, err = digest(k.Staging); err != nil {
		return "", "", err
	}
	production, err = digest(k.Production)
	return staging, production, err
}

// NeedsSignoff reports whether the key needs a (new) sign-off.
func (k *KeyDrift) NeedsSignoff() bool { return !k.Allowed && k.Status != DriftSigned }
