package preflight

// Rule is the metadata of one rule. Gates declare their rules once; the
// explain command, SARIF help and the README rule table read them from here.
// A rule's example is not metadata: explain takes it from the rule's
// fixtures, testdata/rules/GATE/NAME/{fail,pass}.
type Rule struct {
	ID       string   // stable id, "gate/name"
	Severity Severity // the severity of every finding of this rule
	Title    string   // one line: what fires
	Why      string   // why the rule exists
	Incident string   // the incident it comes from
	Fix      string   // how to fix a finding

	// SignoffFlag is the signoff flag that resolves a finding of this
	// rule; nil when a sign-off does not resolve it.
	SignoffFlag *SignoffFlag
}

// SignoffFlag is a flag of the signoff command that resolves findings, as
// the reports advise it. Rules that share a flag share one value. The
// signoff command defines the flag, its help and its usage messages from
// it: the command names no gate's flag.
type SignoffFlag struct {
	// Name is the flag without its dashes. Its value for a finding is the
	// finding's subject name when it has a subject, else its key.
	Name string
	// Value names the flag's value in usage messages, for example "GLOB".
	Value string
	// Help is the flag's line in `signoff --help`; the word in backquotes
	// is its value's name there, for example "sign the config differences
	// matching `GLOB`, repeatable".
	Help string
	// Noun and Nouns name one and several of what the flag signs, in the
	// command's help and messages: "difference", "differences".
	Noun, Nouns string
	// Items says what the findings are about, the heading of the report's
	// next step, for example "Config differences".
	Items string
	// Advice says what a person does before signing, for example "review
	// each one".
	Advice string
}

// String returns the flag as typed: "--NAME".
func (s *SignoffFlag) String() string { return "--" + s.Name }

// Usage returns the flag with its value's name: "--NAME VALUE".
func (s *SignoffFlag) Usage() string { return "--" + s.Name + " " + s.Value }

// Arg returns the flag's value that resolves the finding: its subject's
// name, or its key; "" when it has neither.
func (s *SignoffFlag) Arg(f Finding) string {
	if f.Subject.Kind != "" {
		return f.Subject.Name
	}
	return f.Key
}

// Finding returns a finding of rule r with its severity filled in.
func (r Rule) Finding(file string, line, col int, msg string) Finding {
	return Finding{Rule: r.ID, Severity: r.Severity, File: file, Line: line, Column: col, Message: msg}
}
