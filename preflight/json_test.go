package preflight

import (
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// jsonRun is the several-bundle document as encoding/json writes it.
type jsonRun struct {
	Schema  int      `json:"schema"`
	Passed  bool     `json:"passed"`
	Bundles []Report `json:"bundles"`
}

// referenceJSON is the json format through encoding/json, as it was
// written before it wrote its document by hand: the Report, or the
// jsonRun of the several, through writeJSON.
func referenceJSON(t testing.TB, run *Run) []byte {
	t.Helper()
	var v any
	if !run.Several {
		v = run.Reports[0]
	} else {
		doc := jsonRun{Schema: 1, Passed: run.Passed(), Bundles: []Report{}}
		for _, r := range run.Reports {
			d := *r
			d.Where = filepath.ToSlash(r.Dir)
			doc.Bundles = append(doc.Bundles, d)
		}
		v = doc
	}
	var buf bytes.Buffer
	if err := writeJSON(&buf, v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jsonPieces are what random text is made of: plain text, every character
// JSON or the report escapes, text that is not UTF-8 and text that is
// almost.
var jsonPieces = []string{
	"a", "key", " ", "line 110", "<", ">", "&", `"`, `\`, "/", "'", "`", "%",
	"\x00", "\x01", "\b", "\t", "\n", "\v", "\f", "\r", "\x1b", "\x1f", "\x7f",
	"\u0080", "\u0085", "\u009b", "\u009f", "\u00a0", "é", "日本", "😀",
	"\u2027", "\u2028", "\u2029", "\u202a", "\ufeff", "\ufffd", "\U0010ffff",
	"\xff", "\xc2", "\xc2\x7f", "\xc3\x28", "\xe2\x80", "\xe2\x80\xa8\xa8",
	"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\x80",
}

// randomText is random text of pieces, sometimes empty, sometimes a
// random byte string.
func randomText(rng *rand.Rand) string {
	switch rng.IntN(8) {
	case 0:
		return ""
	case 1:
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	var s strings.Builder
	for range rng.IntN(10) + 1 {
		s.WriteString(jsonPieces[rng.IntN(len(jsonPieces))])
	}
	return s.String()
}

// randomSubject is no subject, a subject of one of the kinds the gates
// use, or one of a random kind; its name is sometimes empty.
func randomSubject(rng *rand.Rand) Subject {
	kinds := []string{"", "bulk", "mcp", "server", "rule", "message", "file"}
	s := Subject{Kind: kinds[rng.IntN(len(kinds))], Name: randomText(rng)}
	if rng.IntN(6) == 0 {
		s.Kind = randomText(rng)
	}
	return s
}

// randomReport is a report of random findings and previews, any of them
// nil or empty, with or without an error.
func randomReport(rng *rand.Rand) *Report {
	r := &Report{Schema: 1, Bundle: randomText(rng), Passed: rng.IntN(2) == 0, Dir: randomText(rng)}
	if rng.IntN(4) == 0 {
		r.Where = randomText(rng)
	}
	if rng.IntN(8) != 0 {
		r.Findings = []Finding{}
	}
	sevs := []Severity{SeverityError, SeverityWarning, ""}
	rules := []string{"bulk/duplicate-key", "configdiff/unsigned-change", "mcp/poisoned-tool", ""}
	for range rng.IntN(12) {
		f := Finding{
			Rule: rules[rng.IntN(len(rules))], Severity: sevs[rng.IntN(len(sevs))],
			File: randomText(rng), Line: int(rng.Int64N(1<<rng.IntN(40)) & math.MaxInt), Column: rng.IntN(200) - 2,
			Message: randomText(rng), Subject: randomSubject(rng),
		}
		if rng.IntN(5) == 0 {
			f.Rule = randomText(rng)
			f.Severity = Severity(randomText(rng))
		}
		if rng.IntN(3) == 0 {
			f.Key = randomText(rng)
		}
		r.Findings = append(r.Findings, f)
	}
	if rng.IntN(8) != 0 {
		r.Previews = []Preview{}
	}
	for range rng.IntN(3) {
		p := Preview{
			Subject: randomSubject(rng), File: randomText(rng),
			Rows: rng.IntN(1000), Unique: rng.IntN(1000), Repeated: -rng.IntN(3), Extra: rng.IntN(math.MaxInt),
		}
		if rng.IntN(5) != 0 {
			p.Columns = []string{}
		}
		for range rng.IntN(4) {
			p.Columns = append(p.Columns, randomText(rng))
		}
		if rng.IntN(5) != 0 {
			p.First = []Execution{}
		}
		for range rng.IntN(4) {
			e := Execution{Line: rng.IntN(100), Rendered: randomText(rng)}
			if rng.IntN(5) != 0 {
				e.Fields = map[string]string{}
				for range rng.IntN(5) {
					e.Fields[randomText(rng)] = randomText(rng)
				}
			}
			p.First = append(p.First, e)
		}
		r.Previews = append(r.Previews, p)
	}
	if rng.IntN(4) == 0 {
		r.Error = &ReportError{File: randomText(rng), Line: rng.IntN(50), Column: rng.IntN(50), Message: randomText(rng), Hint: randomText(rng)}
	}
	return r
}

// TestJSONMatchesEncodingJSON writes random reports, alone and several at
// once, and compares the json format byte for byte with encoding/json's
// document of the same reports.
func TestJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2026))
	runs := []*Run{Single(sampleReport()), Single(hostileReport()), {Several: true}}
	for range 3000 {
		run := Single(randomReport(rng))
		if rng.IntN(3) == 0 {
			run = &Run{Several: true}
			for range rng.IntN(4) {
				run.Reports = append(run.Reports, randomReport(rng))
			}
		}
		runs = append(runs, run)
	}
	for i, run := range runs {
		want := referenceJSON(t, run)
		var got bytes.Buffer
		if err := (jsonFormatter{}).Format(&got, run); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("run %d: json format differs from encoding/json:\ngot:\n%q\nwant:\n%q", i, got.Bytes(), want)
		}
	}
}

// FuzzJSONString compares the escaping of one string with encoding/json's
// and escapeJSONControls'.
func FuzzJSONString(f *testing.F) {
	for _, p := range jsonPieces {
		f.Add(p)
	}
	f.Add(hostile)
	f.Fuzz(func(t *testing.T, s string) {
		want, err := marshalText(s)
		if err != nil {
			t.Fatal(err)
		}
		want = escapeJSONControls(want)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}

// TestJSONStreams checks that a large report reaches the writer in
// pieces, not as one document, and that a write error is returned.
func TestJSONStreams(t *testing.T) {
	run := Single(bulkReport(10_000))
	var w piecesWriter
	if err := (jsonFormatter{}).Format(&w, run); err != nil {
		t.Fatal(err)
	}
	if want := referenceJSON(t, run); !bytes.Equal(w.Bytes(), want) {
		t.Errorf("json format differs from encoding/json")
	}
	if w.writes < 2 || w.largest > 1<<17 {
		t.Errorf("%d bytes in %d writes, the largest %d: want it in pieces", w.Len(), w.writes, w.largest)
	}
	errFull := errors.New("disk full")
	if err := (jsonFormatter{}).Format(failingWriter{errFull}, run); !errors.Is(err, errFull) {
		t.Errorf("Format to a failing writer = %v, want %v", err, errFull)
	}
}

// piecesWriter keeps what is written to it and counts the writes.
type piecesWriter struct {
	bytes.Buffer
	writes, largest int
}

func (w *piecesWriter) Write(p []byte) (int, error) {
	w.writes++
	w.largest = max(w.largest, len(p))
	return w.Buffer.Write(p)
}

// failingWriter fails every write.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// bulkReport is a report of n duplicate-key findings on one bulk input,
// the shape of the largest reports preflight writes.
func bulkReport(n int) *Report {
	r := &Report{Schema: 1, Bundle: "big", Findings: make([]Finding, n), Previews: []Preview{}}
	for i := range r.Findings {
		r.Findings[i] = Finding{
			Rule: "bulk/duplicate-key", Severity: SeverityError, File: "../big.csv",
			Line: 200 + i, Column: 1, Subject: Subject{"bulk", "rows"},
			Message: "row repeats the key of line 110: the same recipient would get this a 2nd time",
		}
	}
	return r
}

// BenchmarkJSON100k writes the json format of a report of 100,000
// duplicate-key findings.
func BenchmarkJSON100k(b *testing.B) {
	run := Single(bulkReport(100_000))
	b.ReportAllocs()
	for b.Loop() {
		if err := (jsonFormatter{}).Format(io.Discard, run); err != nil {
			b.Fatal(err)
		}
	}
}
