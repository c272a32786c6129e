package preflight

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/preflight-gate/preflight/preflight/words"
)

// githubFormatter writes one GitHub Actions workflow command per finding,
// which GitHub shows as an annotation on the file and line:
//
//	::error file=PATH,line=L,col=C,title=RULE::MESSAGE
//
// GitHub shows only ten annotations of each kind per step, so when
// stepSummary names a file ($GITHUB_STEP_SUMMARY) the markdown report, with
// every finding and the previews, is appended to it as well.
type githubFormatter struct {
	stepSummary string
}

// ghAnnotationLimit is how many annotations of each kind GitHub shows per step.
const ghAnnotationLimit = 10

func (g githubFormatter) Format(w io.Writer, run *Run) error {
	var b strings.Builder
	errs, warns := 0, 0
	for _, r := range run.Reports {
		if e := r.Error; e != nil {
			b.WriteString(ghErrorCommand(e))
			errs++
			continue
		}
		for _, f := range r.Findings {
			b.WriteString(ghCommand(r.Path(f.File), f))
		}
		e, w := r.Count()
		errs, warns = errs+e, warns+w
	}
	if errs > ghAnnotationLimit || warns > ghAnnotationLimit {
		where := "run with --format json or --format markdown to see them all"
		if g.stepSummary != "" {
			where = "the job summary lists them all"
		}
		fmt.Fprintf(&b, "::notice title=preflight::%s\n", ghEscapeData(fmt.Sprintf(
			"%s and %s; GitHub shows %d annotations of each kind per step: %s",
			words.Plural(errs, "error"), words.Plural(warns, "warning"), ghAnnotationLimit, where)))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if g.stepSummary == "" {
		return nil
	}
	return appendStepSummary(g.stepSummary, run)
}

// ghErrorCommand is the annotation of a bundle that could not be judged.
func ghErrorCommand(e *ReportError) string {
	var props []string
	if e.File != "" {
		props = append(props, "file="+ghEscapeProperty(e.WorkPath()))
		if e.Line > 0 {
			props = append(props, "line="+strconv.Itoa(e.Line))
			if e.Column > 0 {
				props = append(props, "col="+strconv.Itoa(e.Column))
			}
		}
	}
	props = append(props, "title=preflight")
	return "::error " + strings.Join(props, ",") + "::" + ghEscapeData("preflight could not judge: "+e.Message) + "\n"
}

// ghCommand is the workflow command for one finding.
func ghCommand(path string, f Finding) string {
	kind := "error"
	if f.Severity == SeverityWarning {
		kind = "warning"
	}
	props := []string{"file=" + ghEscapeProperty(path)}
	if f.Line > 0 {
		props = append(props, "line="+strconv.Itoa(f.Line))
		if f.Column > 0 {
			props = append(props, "col="+strconv.Itoa(f.Column))
		}
	}
	props = append(props, "title="+ghEscapeProperty(f.Rule))
	return "::" + kind + " " + strings.Join(props, ",") + "::" + ghEscapeData(f.Message) + "\n"
}

// appendStepSummary appends the markdown report to the job summary file.
func appendStepSummary(file string, run *Run) error {
	var buf bytes.Buffer
	buf.WriteString("\n")
	if err := (markdownFormatter{}).Format(&buf, run); err != nil {
		return err
	}
	// The summary is an output like the others: a write that fails is
	// exit 2, "cannot write output", with the system's reason.
	fh, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return Errorf(file, 0, 0, "cannot write output: %s (the GitHub step summary)", words.FileProblem(err))
	}
	_, err = fh.Write(buf.Bytes())
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Errorf(file, 0, 0, "cannot write output: %s (the GitHub step summary)", words.FileProblem(err))
	}
	return nil
}

// ghEscapeData escapes a command's message: control characters as
// [words.Escape] does (so no line break reaches the log, not even the %0A that
// GitHub would turn back into one), then as actions/toolkit's escapeData
// does (command.ts).
func ghEscapeData(s string) string { return ghData.Replace(words.Escape(s)) }

// ghEscapeProperty escapes a command property value likewise, with
// actions/toolkit's escapeProperty: the data escapes, plus ":" and ",".
func ghEscapeProperty(s string) string { return ghProperty.Replace(words.Escape(s)) }

var (
	ghData     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)
