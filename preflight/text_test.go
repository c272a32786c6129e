package preflight

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestTextGolden(t *testing.T) {
	checkGolden(t, "format/text.golden", render(t, "text", FormatOptions{}, sampleReport()))
}

func TestTextColorOnlyWhenAsked(t *testing.T) {
	plain := string(render(t, "text", FormatOptions{}, sampleReport()))
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("text without Color has escape codes:\n%s", plain)
	}
	colored := string(render(t, "text", FormatOptions{Color: true}, sampleReport()))
	if !strings.Contains(colored, "\x1b[1;31mFAIL") {
		t.Errorf("text with Color has no red verdict:\n%s", colored)
	}
}

// TestTextFolds checks that a long run of one rule in one file is folded
// into a count in text, while JSON keeps every finding.
func TestTextFolds(t *testing.T) {
	r := &Report{Schema: 1, Bundle: "b", Dir: ".", Gates: []string{"bulk"}, Findings: []Finding{}, Previews: []Preview{}}
	for i := 1; i <= foldAfter+7; i++ {
		r.Findings = append(r.Findings, Finding{Rule: "bulk/duplicate-key", Severity: SeverityError, File: "d.csv", Line: i + 1, Column: 1, Message: "duplicate key: first at line 1"})
	}
	out := string(render(t, "text", FormatOptions{}, r))
	if got := strings.Count(out, "[bulk/duplicate-key]"); got != foldAfter {
		t.Errorf("text shows %d findings, want %d before folding:\n%s", got, foldAfter, out)
	}
	if !strings.Contains(out, "d.csv: ... and 7 more bulk/duplicate-key findings") {
		t.Errorf("text does not fold the rest into a count:\n%s", out)
	}
	var doc struct{ Findings []Finding }
	if err := json.Unmarshal(render(t, "json", FormatOptions{}, r), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != foldAfter+7 {
		t.Errorf("json has %d findings, want all %d", len(doc.Findings), foldAfter+7)
	}
}

func TestJSONGolden(t *testing.T) {
	checkGolden(t, "format/json.golden", render(t, "json", FormatOptions{}, sampleReport()))
}
