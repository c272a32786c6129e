package preflight

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/preflight-gate/preflight/preflight/words"
)

// hostile is text from an input that tries to start a workflow command on
// a new log line, colour a terminal and break lines in every way.
const hostile = "x\n::error file=evil::pwned\r\n::set-env name=A::1\x1b[31m\u2028::b\u2029\u0085\x7f\x00"

// hostileReport puts that text everywhere a report carries input.
func hostileReport() *Report {
	r := sampleReport()
	r.Bundle = hostile
	r.Dir = "dir" + hostile
	for i := range r.Findings {
		r.Findings[i].Message += hostile
		r.Findings[i].File += hostile
		if r.Findings[i].Key != "" {
			r.Findings[i].Key += hostile
		}
	}
	for i := range r.Items {
		r.Items[i].Name += hostile
	}
	for i := range r.Previews {
		p := &r.Previews[i]
		p.Subject.Name += hostile
		p.File += hostile
		p.Columns = append(p.Columns, hostile)
		for j := range p.First {
			p.First[j].Fields[hostile] = hostile
			p.First[j].Rendered += hostile
		}
	}
	return r
}

// TestNoFormatPrintsControls renders the hostile report in every format:
// no raw control character but the formats' own line ends, and no line
// that starts a workflow command other than preflight's own annotations.
func TestNoFormatPrintsControls(t *testing.T) {
	for _, name := range Formats {
		out := string(render(t, name, FormatOptions{}, hostileReport()))
		for _, r := range out {
			if r != '\n' && words.IsControl(r) {
				t.Errorf("%s prints a raw %U", name, r)
			}
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "::set-env") && !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") {
				if strings.HasPrefix(strings.TrimSpace(l), "::") {
					t.Errorf("%s starts a workflow command: %q", name, l)
				}
			}
			if strings.HasPrefix(strings.TrimSpace(l), "::error file=evil") {
				t.Errorf("%s starts a workflow command: %q", name, l)
			}
		}
	}
	// JSON keeps the text exactly.
	var doc struct {
		Bundle string `json:"bundle"`
	}
	if err := json.Unmarshal(render(t, "json", FormatOptions{}, hostileReport()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Bundle != hostile {
		t.Errorf("json bundle = %q, want %q", doc.Bundle, hostile)
	}
}
