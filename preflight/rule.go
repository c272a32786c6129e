package preflight

// Rule is the metadata of one rule. Gates declare their rules once; the
// explain command, SARIF help and the README rule table read them from here.
type Rule struct {
	ID       string   // stable id, "gate/name"
	Severity Severity // the severity of every finding of this rule
	Title    string   // one line: what fires
	Why      string   // why the rule exists
	Incident string   // the incident it comes from
	Fix      string   // how to fix a finding
	Failing  string   // a short example input that fires
	Passing  string   // the same example fixed

	// SignoffFlag is the signoff flag that resolves a finding of this rule:
	// "key" (a config sign-off, by the finding's Key) or "bulk" (an
	// approval, by its Bulk); "" when a sign-off does not resolve it.
	SignoffFlag string
}

// Finding returns a finding of rule r with its severity filled in.
func (r Rule) Finding(file string, line, col int, msg string) Finding {
	return Finding{Rule: r.ID, Severity: r.Severity, File: file, Line: line, Column: col, Message: msg}
}
