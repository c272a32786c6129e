package preflight

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// The SARIF document is encoded by hand rather than with
// github.com/owenrumney/go-sarif: we need a dozen fields of a few objects,
// while that library emits about thirty empty arrays and -1 sentinels on
// every run, result and location (valid, but noise in every upload and
// golden), states newline sequences that omit the CR-only line ends our CSV
// scanner counts, and links an unmaintained JSON-schema validator (with
// init-time work and the 100 KB schema) into the binary for a method we
// never call. The output is checked against the official schema in tests.

const (
	sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifInfoURI   = "https://github.com/preflight-gate/preflight"

	// RuleHelpBase is where a rule's help lives: the README section whose
	// heading is the rule id. The anchor is the id as GitHub slugs a
	// heading: lower case, "/" (like all punctuation but "-" and "_")
	// dropped, so for example configdiff/unsigned-change is
	// #configdiffunsigned-change. See [RuleHelpURI].
	RuleHelpBase = sarifInfoURI + "#"

	// sarifFingerprintKey names the partial fingerprint. Its value is the
	// hex SHA-256 of rule, path, key, subject name and message (NUL-separated),
	// then ":" and the 1-based occurrence of that hash among the run's
	// results in sorted order, so identical findings stay distinct. The
	// line and column are left out, so a finding keeps its fingerprint when
	// lines above it move. Bump the version if the recipe changes.
	sarifFingerprintKey = "preflight/v1"
)

// RuleHelpURI returns the documentation address of a rule id.
func RuleHelpURI(id string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(id) {
		if c == '-' || c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return RuleHelpBase + b.String()
}

// sarifFormatter writes the report as a SARIF 2.1.0 log with one run.
type sarifFormatter struct {
	version string
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	ColumnKind  string            `json:"columnKind"`
	Results     []sarifResult     `json:"results"`
}

// sarifInvocation says whether the run could judge every bundle; a bundle
// that could not be judged is a notification.
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     *sarifText     `json:"shortDescription,omitempty"`
	FullDescription      *sarifText     `json:"fullDescription,omitempty"`
	Help                 *sarifText     `json:"help,omitempty"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]string `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

func (s sarifFormatter) Format(w io.Writer, run *Run) error {
	out := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "preflight",
			Version:        s.version,
			InformationURI: sarifInfoURI,
			Rules:          []sarifRule{},
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		ColumnKind:  "unicodeCodePoints",
		Results:     []sarifResult{},
	}
	index := map[string]int{}
	addRule := func(rule Rule) int {
		if i, ok := index[rule.ID]; ok {
			return i
		}
		index[rule.ID] = len(out.Tool.Driver.Rules)
		out.Tool.Driver.Rules = append(out.Tool.Driver.Rules, sarifRuleOf(rule))
		return index[rule.ID]
	}
	for _, rule := range run.Rules() {
		addRule(rule)
	}
	seen := map[string]int{}
	for _, r := range run.Reports {
		if e := r.Error; e != nil {
			n := sarifNotification{Level: "error", Message: sarifText{Text: e.Message}}
			if e.File != "" {
				n.Locations = []sarifLocation{{PhysicalLocation: sarifPhysical{
					ArtifactLocation: sarifArtifact{URI: sarifURI(e.WorkPath())},
					Region:           sarifRegionOf(e.Line, e.Column),
				}}}
			}
			inv := &out.Invocations[0]
			inv.ExecutionSuccessful = false
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
			continue
		}
		for _, f := range r.Findings {
			// A rule the report does not describe still gets an entry, so
			// ruleIndex always points at one.
			i := addRule(Rule{ID: f.Rule, Severity: f.Severity})
			path := r.Path(f.File)
			hash := sarifFingerprint(f, path)
			seen[hash]++
			res := sarifResult{
				RuleID:    f.Rule,
				RuleIndex: i,
				Level:     sarifLevel(f.Severity),
				Message:   sarifText{Text: f.Message},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
					ArtifactLocation: sarifArtifact{URI: sarifURI(path)},
					Region:           sarifRegionOf(f.Line, f.Column),
				}}},
				PartialFingerprints: map[string]string{sarifFingerprintKey: hash + ":" + strconv.Itoa(seen[hash])},
			}
			if f.Key != "" || f.Subject.Kind != "" || run.Several {
				res.Properties = map[string]string{}
				if f.Key != "" {
					res.Properties["key"] = f.Key
				}
				if f.Subject.Kind != "" {
					res.Properties[f.Subject.Kind] = f.Subject.Name
				}
				if run.Several {
					res.Properties["bundle"] = r.Bundle
				}
			}
			out.Results = append(out.Results, res)
		}
	}
	return writeJSON(w, sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{out}})
}

// sarifRegionOf is the region of a 1-based position; nil when the line is
// unknown (a whole-file finding).
func sarifRegionOf(line, col int) *sarifRegion {
	if line <= 0 {
		return nil
	}
	reg := &sarifRegion{StartLine: line}
	if col > 0 {
		reg.StartColumn = col
	}
	return reg
}

func sarifRuleOf(rule Rule) sarifRule {
	sr := sarifRule{
		ID:                   rule.ID,
		HelpURI:              RuleHelpURI(rule.ID),
		DefaultConfiguration: sarifConfig{Level: sarifLevel(rule.Severity)},
		Properties:           map[string]any{"tags": []string{Finding{Rule: rule.ID}.Gate()}},
	}
	if rule.Title != "" {
		sr.ShortDescription = &sarifText{Text: rule.Title}
	}
	if rule.Why != "" {
		sr.FullDescription = &sarifText{Text: rule.Why}
	}
	var text, md []string
	for _, part := range []struct{ label, body string }{
		{"Why", rule.Why}, {"Incident", rule.Incident}, {"Fix", rule.Fix},
	} {
		if part.body == "" {
			continue
		}
		text = append(text, part.label+": "+part.body)
		md = append(md, "**"+part.label+".** "+part.body)
	}
	if len(text) > 0 {
		sr.Help = &sarifText{Text: strings.Join(text, "\n\n"), Markdown: strings.Join(md, "\n\n")}
	}
	return sr
}

func sarifLevel(s Severity) string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// sarifFingerprint is the line-independent hash described at
// sarifFingerprintKey.
func sarifFingerprint(f Finding, path string) string {
	h := sha256.New()
	for _, s := range []string{f.Rule, path, f.Key, f.Subject.Name, f.Message} {
		io.WriteString(h, s)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// sarifURI turns a slash-separated path into a URI reference: relative
// paths stay relative (percent-encoded where needed), absolute ones become
// file URIs.
func sarifURI(path string) string {
	if filepath.IsAbs(filepath.FromSlash(path)) || strings.HasPrefix(path, "/") {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path // a Windows drive: file:///C:/...
		}
		return (&url.URL{Scheme: "file", Path: path}).String()
	}
	return (&url.URL{Path: path}).String()
}
