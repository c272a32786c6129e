package preflight

import (
	"strings"
	"testing"
	"time"
)

// testTable is a [[change]]-like ledger table for the tests here.
var testTable = &LedgerTable{Name: "change", Key: "key", Need: "the key", Entry: "sign-off for %q", Twice: "two sign-offs for %q",
	Fields: []LedgerField{{Name: "digest"}, {Name: "rows", Kind: FieldInt}}}

const testEntry = `[[change]]
key = "a"
digest = "d"
rows = 1
by = "dara@example.com"
reason = "r"
at = 2026-11-27T10:00:00Z
`

// A hand-written local date or date-time in the sign-off file is UTC, as
// a bare --expires date is, whatever the machine's time zone: a sign-off
// must not expire hours earlier or later on a developer's laptop than in
// CI.
func TestLedgerLocalTimesAreUTC(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	old := time.Local
	time.Local = ny
	t.Cleanup(func() { time.Local = old })
	for _, tc := range []struct{ at, expires, wantAt, wantExpires string }{
		{"2026-11-27", "2026-11-28", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z"},
		{"2026-11-27T10:00:00", "2026-11-28T06:30:00.5", "2026-11-27T10:00:00Z", "2026-11-28T06:30:00.5Z"},
		{"2026-11-27T10:00:00+02:00", "2026-11-28T00:00:00-05:00", "2026-11-27T08:00:00Z", "2026-11-28T05:00:00Z"},
	} {
		data := strings.Replace(testEntry, "at = 2026-11-27T10:00:00Z", "at = "+tc.at+"\nexpires = "+tc.expires, 1)
		l, err := ParseLedger("s.toml", []byte(data), []*LedgerTable{testTable})
		if err != nil {
			t.Fatalf("%s / %s: %v", tc.at, tc.expires, err)
		}
		e := l.Find("change", "a")
		if got := e.At.UTC().Format(time.RFC3339Nano); got != tc.wantAt {
			t.Errorf("at = %s: read as %s, want %s", tc.at, got, tc.wantAt)
		}
		if got := e.Expires.UTC().Format(time.RFC3339Nano); got != tc.wantExpires {
			t.Errorf("expires = %s: read as %s, want %s", tc.expires, got, tc.wantExpires)
		}
	}
}

// Every field of an entry but expires is required: an entry without one
// is malformed (exit 2 at the entry), not read as a zero value.
func TestLedgerMissingField(t *testing.T) {
	for _, field := range []string{"digest", "rows", "by", "reason", "at"} {
		var lines []string
		for _, line := range strings.Split(testEntry, "\n") {
			if !strings.HasPrefix(line, field+" = ") {
				lines = append(lines, line)
			}
		}
		_, err := ParseLedger("s.toml", []byte(strings.Join(lines, "\n")), []*LedgerTable{testTable})
		if err == nil {
			t.Errorf("without %s: read, want an error", field)
			continue
		}
		if got, want := err.Error(), "s.toml:1:1: "; !strings.HasPrefix(got, want) || !strings.Contains(got, field) {
			t.Errorf("without %s: %q, want %q… naming the field", field, got, want)
		}
	}
	// A time of day is not when something was signed or expires.
	data := strings.Replace(testEntry, "at = 2026-11-27T10:00:00Z", "at = 2026-11-27T10:00:00Z\nexpires = 10:00:00", 1)
	if _, err := ParseLedger("s.toml", []byte(data), []*LedgerTable{testTable}); err == nil || !strings.Contains(err.Error(), "s.toml:8:1: ") {
		t.Errorf("expires = 10:00:00: %v, want an error at 8:1", err)
	}
}
