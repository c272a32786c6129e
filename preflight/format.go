package preflight

import (
	"io"
	"path/filepath"
	"strings"
)

// Formatter renders a run, one bundle or several, in one output format.
type Formatter interface {
	Format(w io.Writer, run *Run) error
}

// FormatOptions are what some formats need beyond the report.
type FormatOptions struct {
	Color       bool   // text: colour the output (only on a terminal, never with NO_COLOR)
	StepSummary string // github: the $GITHUB_STEP_SUMMARY file to append a markdown summary to
	Version     string // sarif: the tool version
}

// Formats lists the names --format accepts, in the order help shows them.
var Formats = []string{"text", "json", "sarif", "junit", "github", "markdown"}

// NewFormatter returns the formatter for a --format name. An unknown name
// is an *Error, never a silent fallback.
func NewFormatter(name string, o FormatOptions) (Formatter, error) {
	switch name {
	case "text":
		return &textFormatter{color: o.Color}, nil
	case "json":
		return jsonFormatter{}, nil
	case "sarif":
		return sarifFormatter{version: o.Version}, nil
	case "junit":
		return junitFormatter{}, nil
	case "github":
		return githubFormatter{stepSummary: o.StepSummary}, nil
	case "markdown":
		return markdownFormatter{}, nil
	}
	return nil, Usagef("unknown format %q: expected one of %s", name, strings.Join(Formats, ", "))
}

// Path returns a finding's file as the user reaches it from the working
// directory (the repository root in CI), slash-separated: what SARIF,
// JUnit and GitHub annotations need to land on the right file.
func (r *Report) Path(file string) string {
	if r.Dir == "" || r.Dir == "." {
		return filepath.ToSlash(filepath.Clean(file))
	}
	return filepath.ToSlash(filepath.Join(r.Dir, file))
}
