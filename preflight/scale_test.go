package preflight

import (
	"fmt"
	"strings"
	"testing"
)

// The registry and the sign-off file are read whole, and every lookup in
// them is a map access: a registry of 200,000 members and a sign-off file
// of 100,000 entries load in seconds (SPEC "Limits and hostile input").
// bench/run.sh is where the numbers are kept; these measure one load each:
//
//	go test ./preflight -run '^$' -bench 'Registry|Ledger100k' -benchtime 1x

// bigRegistry is a registry of 2n members: one alias of n and n/200
// aliases of 200.
func bigRegistry(n int) []byte {
	var b strings.Builder
	b.WriteString("[aliases.all]\naddress = \"all@example.com\"\nmembers = [")
	for i := range n {
		fmt.Fprintf(&b, "\"m%d@example.com\",", i)
	}
	b.WriteString("]\n")
	for i := range n / 200 {
		fmt.Fprintf(&b, "[aliases.t%d]\naddress = \"t%d@example.com\"\nmembers = [", i, i)
		for j := range 200 {
			fmt.Fprintf(&b, "\"u%d.%d@example.com\",", i, j)
		}
		b.WriteString("]\n")
	}
	return []byte(b.String())
}

// bigLedger is a sign-off file of n sha256 entries.
func bigLedger(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "[[change]]\nkey = \"k%d\"\ndigest = \"sha256:%064x\"\nby = \"dara@example.com\"\nreason = \"r\"\nat = 2026-11-27T10:00:00Z\n", i, i)
	}
	return []byte(b.String())
}

var scaleTable = &LedgerTable{Name: "change", Key: "key", Need: "the key", Entry: "sign-off for %q", Twice: "two sign-offs for key %q",
	Fields: []LedgerField{{Name: "digest"}}}

func TestScaleLookups(t *testing.T) {
	r, err := ParseRegistry("teams.toml", bigRegistry(2000))
	if err != nil {
		t.Fatal(err)
	}
	if a := r.Alias("T9@example.com"); a == nil || a.Name != "t9" || !r.IsMember(a, "u9.199@example.com") {
		t.Errorf("alias t9: %+v", a)
	}
	if as := r.AliasesOf("m1999@example.com"); len(as) != 1 || as[0].Name != "all" {
		t.Errorf("AliasesOf: %v", as)
	}
	l, err := ParseLedger("s.toml", bigLedger(2000), []*LedgerTable{scaleTable})
	if err != nil {
		t.Fatal(err)
	}
	if e := l.Find("change", "k1999"); e == nil || e.Text("digest") != fmt.Sprintf("sha256:%064x", 1999) {
		t.Errorf("Find k1999: %+v", e)
	}
	// Put replaces in place, and Find sees it.
	l.Put(&Entry{Table: "change", Key: "k5", Fields: map[string]any{"digest": "x"}, By: "b", Reason: "r"})
	if e := l.Find("change", "k5"); e == nil || e.Text("digest") != "x" || len(l.Entries("change")) != 2000 {
		t.Errorf("Put k5: %+v, %d entries", e, len(l.Entries("change")))
	}
}

func BenchmarkRegistry200k(b *testing.B) {
	data := bigRegistry(100_000)
	for b.Loop() {
		if _, err := ParseRegistry("teams.toml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLedger100k(b *testing.B) {
	data := bigLedger(100_000)
	for b.Loop() {
		l, err := ParseLedger("s.toml", data, []*LedgerTable{scaleTable})
		if err != nil {
			b.Fatal(err)
		}
		for i := range 100_000 {
			l.Find("change", fmt.Sprintf("k%d", i))
		}
	}
}

// manyAliases is a registry of n aliases of 4 members each: n tables side
// by side under [aliases], the shape that was quadratic in go-toml's
// check of sibling tables.
func manyAliases(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "[aliases.t%d]\naddress = \"t%d@example.com\"\nmembers = [\"a%d@example.com\", \"b%d@example.com\", \"c%d@example.com\", \"d%d@example.com\"]\n", i, i, i, i, i, i)
	}
	return []byte(b.String())
}

// BenchmarkRegistry50kAliases: 50,000 aliases and 200,000 members.
func BenchmarkRegistry50kAliases(b *testing.B) {
	data := manyAliases(50_000)
	for b.Loop() {
		if _, err := ParseRegistry("teams.toml", data); err != nil {
			b.Fatal(err)
		}
	}
}
