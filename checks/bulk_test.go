package checks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/preflight-gate/preflight/bench/csvgen"
	"github.com/preflight-gate/preflight/checks/internal/csvscan"
	"github.com/preflight-gate/preflight/checks/internal/keyset"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// update rewrites the golden files and the generated example bundles:
//
//	go test ./... -update
var update = flag.Bool("update", false, "rewrite golden files and generated example bundles")

var bulkNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// writeBulkBundle writes a bundle folder with the given files and loads it.
func writeBulkBundle(t testing.TB, files map[string]string) *preflight.Bundle {
	t.Helper()
	b, err := LoadBundle(writeBundle(t, files))
	if err != nil {
		t.Fatalf("LoadBundle: %v", err)
	}
	return b
}

// bulkManifest is a manifest with one [[bulk]] input "in"; extra lines go
// into its table.
func bulkManifest(extra string) string {
	return "version = 1\nname = \"t\"\n\n[[bulk]]\nname = \"in\"\nfile = \"in.csv\"\n" + extra + "\n"
}

// bulkShort renders findings as "rule line:col" for comparison.
func bulkShort(fs []preflight.Finding) []string {
	fs = preflight.SortFindings(fs)
	var out []string
	if len(fs) > 0 {
		out = make([]string, len(fs))
	}
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s %d:%d", f.Rule, f.Line, f.Column)
	}
	return out
}

func TestBulkFixtures(t *testing.T) {
	const email = "key = [\"email\"]\nformat = \"email\"\n"
	tests := []struct {
		file     string
		spec     string
		want     []string
		messages []string // substrings of the findings' messages, in order
	}{
		{file: "quoted-newlines.csv", spec: email,
			want:     []string{"bulk/duplicate-key 7:1"},
			messages: []string{"repeats the key of line 2"}},
		{file: "bom-crlf.csv", spec: email,
			want: []string{"bulk/duplicate-key 4:1"}, messages: []string{"line 2"}},
		{file: "cr-only.csv", spec: email,
			want: []string{"bulk/duplicate-key 5:1"}, messages: []string{"line 4"}},
		{file: "sep.csv", spec: email,
			want: []string{"bulk/duplicate-key 4:1"}, messages: []string{"line 3"}},
		{file: "ragged.csv", spec: email,
			want:     []string{"bulk/malformed 3:0", "bulk/malformed 4:0"},
			messages: []string{"ragged row: 3 fields, expected 2", "ragged row: 1 fields, expected 2"}},
		{file: "invalid-utf8.csv", spec: email,
			want: []string{"bulk/malformed 3:17"}, messages: []string{"invalid UTF-8 at byte offset 47"}},
		{file: "nul.csv", spec: email,
			want: []string{"bulk/malformed 2:18"}, messages: []string{"NUL byte at byte offset 28"}},
		{file: "empty.csv", spec: email,
			want: []string{"bulk/row-count 0:0"}, messages: []string{"found 0 data rows, at least 1 expected: the file is empty"}},
		{file: "header-only.csv", spec: email,
			want: []string{"bulk/row-count 0:0"}, messages: []string{"found 0 data rows, at least 1 expected: the file has only its header row"}},
		{file: "header-as-data.csv", spec: "key = [1]\nformat = \"email\"\nheader = false\nrows = { max = 2 }\n",
			want:     []string{"bulk/row-count 0:0", "bulk/header-as-data 1:1"},
			messages: []string{"found 3 data rows, at most 2 expected: line 1 looks like a header", "first row looks like a header"}},
		{file: "header-repeated.csv", spec: email,
			want: []string{"bulk/header-as-data 4:1"}, messages: []string{"repeats the header row"}},
		{file: "invalid-key.csv", spec: email,
			want:     []string{"bulk/invalid-key 3:1", "bulk/invalid-key 4:1", "bulk/duplicate-key 6:1"},
			messages: []string{"is not an email address", "", "line 5"}},
		{file: "invalid-key.csv", spec: "key = [\"email\"]\n", // format "any": case matters, NFC still applies
			want: nil},
		{file: "blank-key.csv", spec: email,
			want: []string{"bulk/blank-key 3:1", "bulk/blank-key 4:1"}, messages: []string{`key "email" is blank`}},
		{file: "formula.csv", spec: email,
			want: []string{"bulk/formula-cell 2:17", "bulk/formula-cell 3:1", "bulk/invalid-key 3:1", "bulk/formula-cell 4:16", "bulk/formula-cell 4:23"}},
		{file: "unterminated.csv", spec: email,
			want: []string{"bulk/malformed 3:16"}, messages: []string{"unterminated quoted field"}},
		{file: "stray-quote.csv", spec: email,
			want: []string{"bulk/malformed 2:19"}, messages: []string{"a quote inside an unquoted field"}},
		// A finding's line is where the record starts; a column only for a
		// place on that line, else 0 (unknown): one rule for key, header,
		// malformed and formula findings alike.
		{file: "multiline-keys.csv", spec: email,
			want: []string{
				"bulk/duplicate-key 3:0", "bulk/invalid-key 5:0", "bulk/blank-key 7:0", "bulk/malformed 10:0",
				"bulk/formula-cell 12:1", "bulk/invalid-key 12:4", "bulk/duplicate-key 16:3",
			},
			messages: []string{"repeats the key of line 2", "is not an email address", "is blank", "a quote inside an unquoted field: quote the whole field and double the quote (\"\") (on line 11)",
				"", "", "repeats the key of line 14"}},
		{file: "header-as-data-multiline.csv", spec: "key = [2]\nformat = \"email\"\nheader = false\n",
			want: []string{"bulk/header-as-data 1:0"}, messages: []string{"first row looks like a header"}},
		// A malformed header record is a finding, not exit 2, and the key
		// column is not said to be missing from it.
		{file: "header-unterminated.csv", spec: "key = [\"k\"]\nformat = \"email\"\n",
			want: []string{"bulk/row-count 0:0", "bulk/malformed 1:0", "bulk/malformed 1:1"},
			messages: []string{
				"found 0 data rows, at least 1 expected: the header record's quote never closes, so the rest of the file is read as part of it (see line 1)",
				`the header record is malformed, so key column "k" cannot be looked up in it: no key is checked`,
				"unterminated quoted field"}},
		{file: "header-stray-quote.csv", spec: email, // no key checked: the duplicate is not seen
			want:     []string{"bulk/malformed 1:0", "bulk/malformed 1:3"},
			messages: []string{`key column "email" cannot be looked up`, "a quote inside an unquoted field"}},
		{file: "header-stray-quote-key-found.csv", spec: email, // the key column is found: keys are checked
			want:     []string{"bulk/malformed 1:9", "bulk/duplicate-key 3:1"},
			messages: []string{"a quote inside an unquoted field", "repeats the key of line 2"}},
		{file: "header-unterminated.csv", spec: "key = [3]\nformat = \"email\"\nheader = false\n", // out of range of a malformed first record: not exit 2
			want:     []string{"bulk/malformed 1:0", "bulk/malformed 1:1"},
			messages: []string{"key column 3 is beyond the 1 fields of this malformed first record: a row without it is not key-checked", "unterminated quoted field"}},
	}
	for _, tt := range tests {
		bothReads(t, tt.file, func(t *testing.T) {
			b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest(tt.spec)})
			in := filepath.ToSlash(filepath.Join("testdata", "bulk", tt.file))
			res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow, Inputs: map[string]string{"in": in}})
			if err != nil {
				t.Fatal(err)
			}
			fs := preflight.SortFindings(res.Findings)
			if diff := cmp.Diff(tt.want, bulkShort(fs)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			for i, m := range tt.messages {
				if i < len(fs) && !strings.Contains(fs[i].Message, m) {
					t.Errorf("finding %d: message %q does not contain %q", i, fs[i].Message, m)
				}
			}
			// --input: the file relative to the bundle, as every finding's
			fi, _ := os.Stat(in)
			for _, f := range fs {
				got, err := os.Stat(filepath.Join(b.Dir, f.File))
				if err != nil || !os.SameFile(fi, got) || f.Subject.Name != "in" {
					t.Errorf("finding at file %q, bulk %q: want %s relative to the bundle, bulk %q", f.File, f.Subject.Name, in, "in")
				}
			}
			if len(res.Items) != 1 || res.Items[0].Findings != len(fs) || res.Items[0].Name != "in" {
				t.Errorf("items: %+v", res.Items)
			}
		})
	}
}

// TestBulkNoCustomerData checks that no message carries a key value.
// TestBulkHeaderRepeated checks which rows repeat the header row, for
// headers whose first key letter has cases that are not ASCII (k, s) and
// rows with spaces, Unicode spaces and other cases.
func TestBulkHeaderRepeated(t *testing.T) {
	for header, rows := range map[string]string{
		"Email,Name":         "a@b.co,x\nEMAIL,NAME\n email ,name\n\u00a0Email,Name\nemail,x\nEmail\n\tEMAIL\t,\tname\nfemail,name\n",
		"Key,Name":           "a@b.co,x\n\u212aey,name\nKEY,NAME\nkey,nam\n",
		"sku,Name":           "a@b.co,x\n\u017fKU,name\nSKU,NAME\n",
		"1d,Name":            "a@b.co,x\n1D,name\n 1d,NAME\n",
		"\u00e9t\u00e9,Name": "a@b.co,x\n\u00c9T\u00c9,name\n",
	} {
		key, _, _ := strings.Cut(header, ",")
		b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest(fmt.Sprintf("key = [%q]", key)), "in.csv": header + "\n" + rows})
		res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
		if err != nil {
			t.Fatal(err)
		}
		var lines []int
		for _, f := range res.Findings {
			if f.Rule == "bulk/header-as-data" {
				lines = append(lines, f.Line)
			}
		}
		want := map[string][]int{"Email,Name": {3, 4, 5, 8}, "Key,Name": {3, 4}, "sku,Name": {3, 4}, "1d,Name": {3, 4}, "\u00e9t\u00e9,Name": {3}}[header]
		if !slices.Equal(lines, want) {
			t.Errorf("%q: header rows at lines %v, want %v", header, lines, want)
		}
	}
}

func TestBulkNoCustomerData(t *testing.T) {
	files, _ := filepath.Glob("testdata/bulk/*.csv")
	for _, name := range files {
		b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\nformat = \"email\"\nrows = { max = 1 }\napprove_over = 0\n")})
		res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow, Inputs: map[string]string{"in": name}})
		var pe *preflight.Error
		if errors.As(err, &pe) {
			continue // no "email" column
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range res.Findings {
			for _, data := range []string{"ana", "bo@", "cy@", "Ana", "HYPERLINK"} {
				if strings.Contains(f.Message, data) {
					t.Errorf("%s: %s message carries %q: %s", name, f.Rule, data, f.Message)
				}
			}
		}
	}
}

func TestBulkErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opts  preflight.Options
		want  string // the error's text, a substring
	}{
		{
			name:  "key column not in the header",
			files: map[string]string{"in.csv": "mail,name\na@example.com,A\n", "preflight.toml": bulkManifest(`key = ["email"]`)},
			want:  `preflight.toml:7:8: key column "email" is not in the header of in.csv: the header has 2 cells: "mail", "name"`,
		},
		{
			name:  "a header cell with a long number is not quoted",
			files: map[string]string{"in.csv": "Bob Smith,0170123456,x\n", "preflight.toml": bulkManifest(`key = ["email"]`)},
			want:  `key column "email" is not in the header of in.csv: the header has 3 cells, not quoted: one holds an @ or a number of 5 digits or more, perhaps customer data`,
		},
		{
			name:  "a header cell with an @ is not quoted",
			files: map[string]string{"in.csv": "name,\"Bob <bob at x@y>\"\n", "preflight.toml": bulkManifest(`key = ["email"]`)},
			want:  `the header has 2 cells, not quoted`,
		},
		{
			name:  "no header row: no customer data in the message",
			files: map[string]string{"in.csv": "ana@example.com,Ana\n", "preflight.toml": bulkManifest(`key = ["email"]`)},
			want:  `key column "email" is not in the header of in.csv: its first record holds an email address, so the file seems to have no header row (the header has 2 cells, not quoted: one holds an @`,
		},
		{
			name:  "key column number out of range",
			files: map[string]string{"in.csv": "a@example.com,A\n", "preflight.toml": bulkManifest("key = [3]\nheader = false")},
			want:  "key column 3 is out of range",
		},
		{
			name:  "missing file",
			files: map[string]string{"preflight.toml": bulkManifest(`key = ["email"]`)},
			want:  `preflight.toml:6:1: bulk[0].file "in.csv": no such file`,
		},
		{
			name:  "missing --input",
			files: map[string]string{"preflight.toml": bulkManifest(`key = ["email"]`)},
			opts:  preflight.Options{Inputs: map[string]string{"in": "nowhere/x.csv"}},
			want:  `nowhere/x.csv: cannot read bulk input "in": no such file`,
		},
		{
			name: "template does not parse",
			files: map[string]string{"in.csv": "email\na@example.com\n", "t.txt": "Hello\n{{.email}\n",
				"preflight.toml": bulkManifest("key = [\"email\"]\ntemplate = \"t.txt\"")},
			want: "t.txt:2: template does not parse: ",
		},
		{
			name: "mask names no column",
			files: map[string]string{"in.csv": "email\na@example.com\n",
				"preflight.toml": bulkManifest("key = [\"email\"]\nmask = [\"mail\"]")},
			want: `mask column "mail" is not a column of in.csv`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := writeBulkBundle(t, tt.files)
			_, err := Bulk{}.Check(b, nil, &tt.opts)
			var pe *preflight.Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *preflight.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err.Error(), tt.want)
			}
		})
	}
}

// TestCheckInputs checks the one check of --input names.
func TestCheckInputs(t *testing.T) {
	b := writeBulkBundle(t, map[string]string{"in.csv": "email\n", "preflight.toml": bulkManifest(`key = ["email"]`)})
	err := CheckInputs(b, map[string]string{"other": "x.csv"})
	var pe *preflight.Error
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), `unknown bulk input "other": expected one of "in"`) {
		t.Errorf("--input for an unknown name: got %v", err)
	}
	if err := CheckInputs(b, map[string]string{"in": "x.csv"}); err != nil {
		t.Errorf("--input for the input in: %v", err)
	}
}

func TestBulkPreview(t *testing.T) {
	b := writeBulkBundle(t, map[string]string{
		"preflight.toml": bulkManifest("key = [1]\nheader = false\nformat = \"email\"\npreview = 3\nmask = [\"1\"]\ntemplate = \"t.txt\""),
		"t.txt":          `Dear {{index . "2"}}, thanks ({{index . "1"}})`,
		"in.csv":         "Email Address,First Name\nana@example.com,Ana\nbo@example.org,Bo\nana@example.com,Ana\ncy@example.com,Cy\n",
	})
	digest, p, err := BulkApprovalState(b, &preflight.Options{Now: bulkNow}, "in")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(digest, "sha256:") || len(digest) != 7+64 {
		t.Errorf("digest %q", digest)
	}
	want := preflight.Preview{
		Subject: preflight.Subject{Kind: "bulk", Name: "in"}, File: "in.csv", Rows: 5, Unique: 3, Repeated: 1, Extra: 1,
		Columns: []string{"1", "2"},
		First: []preflight.Execution{
			{Line: 1, Fields: map[string]string{"1": "E***", "2": "First Name"}, Rendered: "Dear First Name, thanks (E***)"},
			{Line: 2, Fields: map[string]string{"1": "a***@example.com", "2": "Ana"}, Rendered: "Dear Ana, thanks (a***@example.com)"},
			{Line: 3, Fields: map[string]string{"1": "b***@example.org", "2": "Bo"}, Rendered: "Dear Bo, thanks (b***@example.org)"},
		},
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("preview (-want +got):\n%s", diff)
	}

	// With a header row: fields by name; a missing field is reported in
	// the rendering, not as a failure.
	b = writeBulkBundle(t, map[string]string{
		"preflight.toml": bulkManifest("key = [\"email\"]\npreview = 1\ntemplate = \"t.txt\""),
		"t.txt":          `Dear {{.name}} {{.missing}}`,
		"in.csv":         "email,name\nana@example.com,Ana\n",
	})
	_, p, err = BulkApprovalState(b, &preflight.Options{}, "in")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.First[0]; got.Fields["name"] != "Ana" || !strings.Contains(got.Rendered, `cannot render`) || !strings.Contains(got.Rendered, "missing") {
		t.Errorf("execution: %+v", got)
	}
	if _, _, err := BulkApprovalState(b, &preflight.Options{}, "nope"); err == nil || !strings.Contains(err.Error(), `unknown bulk input "nope": expected one of "in"`) {
		t.Errorf("unknown name: %v", err)
	}
}

// TestBulkDigest checks what the approval digest covers.
func TestBulkDigest(t *testing.T) {
	base := map[string]string{
		"preflight.toml": bulkManifest("key = [\"email\"]\ntemplate = \"t.txt\""),
		"t.txt":          "Hi {{.email}}",
		"in.csv":         "email\nana@example.com\n",
	}
	digest := func(change map[string]string) string {
		files := map[string]string{}
		for k, v := range base {
			files[k] = v
		}
		for k, v := range change {
			files[k] = v
		}
		d, _, err := BulkApprovalState(writeBulkBundle(t, files), nil, "in")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d0 := digest(nil)
	if d := digest(nil); d != d0 {
		t.Errorf("digest not stable: %s, %s", d0, d)
	}
	for name, change := range map[string]map[string]string{
		"file":        {"in.csv": "email\nbo@example.com\n"},
		"template":    {"t.txt": "Hello {{.email}}"},
		"key":         {"preflight.toml": bulkManifest("key = [\"Email\"]\ntemplate = \"t.txt\"")},
		"delimiter":   {"preflight.toml": bulkManifest("key = [\"email\"]\ntemplate = \"t.txt\"\ndelimiter = \";\"")},
		"header":      {"preflight.toml": bulkManifest("key = [1]\nheader = false\ntemplate = \"t.txt\"")},
		"no template": {"preflight.toml": bulkManifest("key = [\"email\"]")},
	} {
		if d := digest(change); d == d0 {
			t.Errorf("changing the %s keeps the digest", name)
		}
	}
	// Not covered: the preview length, the row bounds.
	if d := digest(map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\ntemplate = \"t.txt\"\npreview = 2\nrows = { max = 9 }")}); d != d0 {
		t.Errorf("changing preview and rows changes the digest")
	}
}

// TestBulkDigestLarge checks the digest of files hashed in many chunks
// beside the scan against one computed directly: with keys, without any
// (blank keys), and when the scan stops early (an unterminated quote: the
// rest is read for the digest only).
func TestBulkDigestLarge(t *testing.T) {
	keyed := csvgen.Simple(80000, 50000)
	blank := bytes.Repeat([]byte(" ,"+strings.Repeat("x", 998)+"\n"), 3000)
	blank = append([]byte("email,n\n"), blank...)
	early := append(append([]byte("email,n\nana@example.com,\"open\n"), keyed[:2<<20]...), keyed[:1<<20]...)
	for name, data := range map[string][]byte{"keyed": keyed, "blank": blank, "early": early} {
		bothReads(t, name, func(t *testing.T) {
			b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\nformat = \"email\""), "in.csv": string(data)})
			got, _, err := BulkApprovalState(b, &preflight.Options{}, "in")
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			writeDigestInputs(h, &BulkSpecs(b)[0], nil)
			h.Write(data)
			if want := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != want {
				t.Errorf("digest %s, want %s", got, want)
			}
		})
	}
}

func TestBulkApproval(t *testing.T) {
	csv := "email\n"
	for i := range 12 {
		csv += fmt.Sprintf("u%d@example.com\n", i)
	}
	files := map[string]string{
		"preflight.toml": bulkManifest("key = [\"email\"]\napprovers = \"marketing-leads\""),
		"in.csv":         csv,
		"teams.toml":     "[aliases.marketing-leads]\naddress = \"marketing-leads@example.com\"\nmembers = [\"dara@example.com\", \"li@example.com\"]\n",
	}
	b := writeBulkBundle(t, files)
	digest, _, err := BulkApprovalState(b, &preflight.Options{}, "in")
	if err != nil {
		t.Fatal(err)
	}
	past := bulkNow.Add(-time.Hour)
	tests := []struct {
		name     string
		approval *preflight.Entry
		author   string
		want     string // "" passes
	}{
		{"none", nil, "", "12 rows, over approve_over 10, and no approval"},
		{"valid", &preflight.Entry{Fields: map[string]any{"digest": digest}, By: "dara@example.com"}, "", ""},
		{"other content", &preflight.Entry{Fields: map[string]any{"digest": "sha256:" + strings.Repeat("0", 64)}, By: "dara@example.com"}, "", "is for other content (approved with 12 rows)"},
		{"expired", &preflight.Entry{Fields: map[string]any{"digest": digest}, By: "dara@example.com", Expires: &past}, "", "expired on 2026-11-27 11:00 UTC"},
		{"not an approver", &preflight.Entry{Fields: map[string]any{"digest": digest}, By: "eve@example.com"}, "", `not a member of the approvers alias "marketing-leads"`},
		{"self-approved", &preflight.Entry{Fields: map[string]any{"digest": digest}, By: "dara@example.com"}, "Dara@example.com", "the author of the change"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := writeBulkBundle(t, files)
			if a := tt.approval; a != nil {
				a.Table, a.Key, a.Reason, a.At = "bulk", "in", "checked the preview", bulkNow.Add(-2*time.Hour)
				a.Fields["rows"] = 12
				s := preflight.NewLedger("preflight.signoff.toml", []*preflight.LedgerTable{bulkTable})
				s.Put(a)
				if err := s.Write(filepath.Join(b.Dir, "preflight.signoff.toml")); err != nil {
					t.Fatal(err)
				}
				// The sign-off file is read when the bundle loads.
				if b, err = LoadBundle(b.Dir); err != nil {
					t.Fatal(err)
				}
			}
			res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow, Author: tt.author})
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if len(res.Findings) != 0 {
					t.Errorf("findings: %v", res.Findings)
				}
				return
			}
			if len(res.Findings) != 1 || res.Findings[0].Rule != "bulk/unapproved-run" || res.Findings[0].Line != 0 || !strings.Contains(res.Findings[0].Message, tt.want) {
				t.Errorf("findings: %v, want one bulk/unapproved-run containing %q", res.Findings, tt.want)
			}
		})
	}
}

// TestBulkUnusedApproval: an approval that names no bulk input of the
// manifest is a warning at its [[bulk]] line in the sign-off file; the
// approval of an input the manifest has is not.
func TestBulkUnusedApproval(t *testing.T) {
	b := writeBulkBundle(t, map[string]string{
		"preflight.toml": bulkManifest("key = [\"email\"]"),
		"in.csv":         "email\nana@example.com\n",
	})
	s := preflight.NewLedger("preflight.signoff.toml", []*preflight.LedgerTable{bulkTable})
	for _, name := range []string{"in", "gone", "also-gone"} {
		s.Put(&preflight.Entry{Table: "bulk", Key: name, Fields: map[string]any{"digest": "sha256:" + strings.Repeat("0", 64), "rows": 1},
			By: "dara@example.com", Reason: "checked the preview", At: bulkNow})
	}
	if err := s.Write(filepath.Join(b.Dir, "preflight.signoff.toml")); err != nil {
		t.Fatal(err)
	}
	b, err := LoadBundle(b.Dir) // the sign-off file is read at load
	if err != nil {
		t.Fatal(err)
	}
	res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
	if err != nil {
		t.Fatal(err)
	}
	// Entries are written sorted: also-gone at line 5, gone at 13, in at 21.
	var got []string
	for _, f := range preflight.SortFindings(res.Findings) {
		got = append(got, fmt.Sprintf("%s %s %s:%d:%d %s=%s: %s", f.Rule, f.Severity, f.File, f.Line, f.Column, f.Subject.Kind, f.Subject.Name, f.Message))
	}
	want := []string{
		`bulk/unused-approval warning preflight.signoff.toml:5:1 bulk=also-gone: approval for "also-gone" is unused: the manifest has no [[bulk]] input of that name`,
		`bulk/unused-approval warning preflight.signoff.toml:13:1 bulk=gone: approval for "gone" is unused: the manifest has no [[bulk]] input of that name`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestBulkRules(t *testing.T) {
	rules := Bulk{}.Info().Rules
	want := []string{"bulk/header-as-data", "bulk/duplicate-key", "bulk/invalid-key", "bulk/blank-key", "bulk/row-count", "bulk/malformed", "bulk/unapproved-run", "bulk/formula-cell", "bulk/unused-approval"}
	var got []string
	for _, r := range rules {
		got = append(got, r.ID)
		if r.Title == "" || r.Why == "" || r.Incident == "" || r.Fix == "" || Example(r.ID) == "" || r.Severity == "" {
			t.Errorf("%s: incomplete metadata: %+v", r.ID, r)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}

func TestNormalizeKey(t *testing.T) {
	tests := []struct {
		in    string
		lower bool
		want  string
	}{
		{"  Ana@Example.com\t", true, "ana@example.com"},
		{"  Ana@Example.com\t", false, "Ana@Example.com"},
		{"re\u0301ne@x.org", false, "r\u00e9ne@x.org"},
		{"R\u00c9NE@X.org", true, "r\u00e9ne@x.org"},
		{"\u00a0x\u00a0", false, "x"},
		{"", true, ""},
		// Format characters (Cf) go first: zero-width space, BOM, word
		// joiner, soft hyphen, bidi controls; in any key.
		{"ana\u200b@example.com", true, "ana@example.com"},
		{"\ufeffana@example.com", true, "ana@example.com"},
		{"a\u2060n\u00ada\u202e@example.com", true, "ana@example.com"},
		{"id\u200b42", false, "id42"},
		{"\u200b \u200b", false, ""},
		// NFKC for email keys only: full-width letters, ligatures.
		{"\uff41na@example.com", true, "ana@example.com"},
		{"\uff41", false, "\uff41"},
		{"\ufb01le@example.com", true, "file@example.com"},
		// IDNA for non-ASCII domain labels; ASCII labels only lower-cased.
		{"ana@ex\u00e4mple.com", true, "ana@xn--exmple-cua.com"},
		{"ana@EX\u00c4MPLE.com", true, "ana@xn--exmple-cua.com"},
		{"ana@XN--EXMPLE-CUA.COM", true, "ana@xn--exmple-cua.com"},
		{"\u00e4na@b\u00fccher.example", true, "\u00e4na@xn--bcher-kva.example"},
		{"ana@ex\u00e4mple.com", false, "ana@ex\u00e4mple.com"},
		// A label IDNA refuses: the key cannot be an address.
		{"ana@a\u0301\u05d0.com", true, "ana@\u00e1\u05d0.com\x7f"},
	}
	for _, tt := range tests {
		if got := string(normalizeKey(nil, []byte(tt.in), tt.lower)); got != tt.want {
			t.Errorf("normalizeKey(%q, %v) = %q, want %q", tt.in, tt.lower, got, tt.want)
		}
	}
}

// TestEmailKeyValidity: a control character inside an email key, or a
// domain label IDNA refuses, makes the normalised key invalid.
func TestEmailKeyValidity(t *testing.T) {
	for in, valid := range map[string]bool{
		"ana@example.com":       true,
		"ana@ex\u00e4mple.com":  true,
		"\uff41na@example.com":  true,
		"c\r\n@example.com":     false,
		"a\x00b@example.com":    false,
		"a\x7fb@example.com":    false,
		"a\u0085b@example.com":  false,
		"a\u009bb@example.com":  false,
		"ana@a\u0301\u05d0.com": false,
		"ana@xn--bad\u00e4.com": false,
		"a\u00a9b@example.com":  true, // 0xc2 0xa9: no C1 control
	} {
		key := normalizeKey(nil, []byte(in), true)
		if got := words.IsEmailBytes(key); got != valid {
			t.Errorf("%q -> %q: valid %v, want %v", in, key, got, valid)
		}
	}
}

// TestNormalizeKeyASCII holds asciiKey's eight-bytes-at-a-time
// lower-casing to the plain one: every ASCII byte at every position of
// keys of every length up to 19, and a non-ASCII byte after a full word.
func TestNormalizeKeyASCII(t *testing.T) {
	for n := 1; n < 20; n++ {
		for pos := range n {
			for c := range 128 {
				key := []byte(strings.Repeat("aZ", n)[:n])
				key[pos] = byte(c)
				v := strings.TrimSpace(string(key))
				for _, lower := range []bool{false, true} {
					want := v
					if lower {
						want = strings.ToLower(v)
					}
					if got := string(normalizeKey(nil, key, lower)); got != want {
						t.Fatalf("normalizeKey(%q, %v) = %q, want %q", key, lower, got, want)
					}
				}
			}
		}
	}
	if got := string(normalizeKey([]byte("x"), []byte("ABCDEFGHIJ\u00c9"), true)); got != "xabcdefghij\u00e9" {
		t.Errorf("got %q", got)
	}
}

func TestIsFormula(t *testing.T) {
	for in, want := range map[string]bool{
		"=1+2": true, "@SUM(A1)": true, "\tx": true, "\rx": true, "+": true, "-": true, "+1 555 0100": true,
		"-12.5": false, "+3": false, "-.5": false, "+1e3": false, "1e": false, "a=b": false, "-1e": true,
	} {
		if got := isFormula([]byte(in)); got != want {
			t.Errorf("isFormula(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestBulkMemory checks that the scan's memory grows with the distinct
// keys, not the rows: the scanner, normalisation and key set allocate
// about as much for 200,000 rows as for 20,000 rows with the same keys.
func TestBulkMemory(t *testing.T) {
	const keys = 500
	run := func(rows int) float64 {
		data := csvgen.Simple(rows, keys)
		// The key set confirms a match by reading the first record of
		// the key again, from the file.
		f := bulkTempFile(t, data)
		return testing.AllocsPerRun(2, func() {
			w := &keyWorker{sc: &bulkScan{spec: &BulkSpec{}, email: true, keyCols: []int{0}, delim: ','}}
			w.againIn.f = f
			ks := keyset.New(w.confirm, 0)
			var buf []byte
			s := csvscan.New(bytes.NewReader(data), ',')
			for s.Scan() {
				buf = normalizeKey(buf[:0], s.Field(0), true)
				ks.Add(buf, s.Line(), uint64(s.RecordOffset()))
			}
			if ks.Len() != keys+1 {
				t.Fatalf("%d keys", ks.Len())
			}
		})
	}
	small, large := run(20000), run(200000)
	if large > small*1.1+10 {
		t.Errorf("allocations: %.0f for 20,000 rows, %.0f for 200,000 rows with %d keys: memory grows with the rows", small, large, keys)
	}
	if small > keys {
		t.Errorf("%.0f allocations for %d keys", small, keys)
	}
}

// bothReads runs test as four subtests: the bulk inputs mapped, as they
// are where the system can, and read (name/mapped, name/read), each
// scanned as usual and split into three parts of at least 4 KiB (name/
// mapped/split, name/read/split; see splitMin).
func bothReads(t *testing.T, name string, test func(t *testing.T)) {
	for _, mode := range []string{"mapped", "read"} {
		for _, split := range []bool{false, true} {
			sub := name + "/" + mode
			if split {
				sub += "/split"
			}
			t.Run(sub, func(t *testing.T) {
				if mode == "read" {
					mapInput = func(*os.File, int64) []byte { return nil }
					defer func() { mapInput = mapFile }()
				}
				if split {
					defer func(n int64, p int) { splitMin, splitParts = n, p }(splitMin, splitParts)
					splitMin, splitParts = 4<<10, 3
				}
				test(t)
			})
		}
	}
}

// bulkTempFile writes data to a file that the test's end removes, and
// opens it.
func bulkTempFile(t testing.TB, data []byte) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func BenchmarkBulkCheck(b *testing.B) {
	data := csvgen.Simple(100000, 99000)
	dir := b.TempDir()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		b.Fatal(err)
	}
	bundle := writeBulkBundle(b, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\nformat = \"email\"\nmask = [\"email\"]\napprove_over = 1000000")})
	opts := &preflight.Options{Now: bulkNow, Inputs: map[string]string{"in": in}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Bulk{}.Check(bundle, nil, opts)
		if err != nil {
			b.Fatal(err)
		}
		if p := res.Previews[0]; p.Rows != 100000 || p.Extra != 1000 {
			b.Fatalf("preview %+v", p)
		}
	}
}

// The bulk-send example bundles reproduce the incident: a CRM export of
// 847 customer rows (837 customers: one appears six times, five twice)
// plus its header row. bulkSendCSV generates the export deterministically.
func bulkSendCSV(header, dedup bool) string {
	firsts := strings.Fields("Ana Bo Cy Dara Eli Finn Gia Hana Ivo Jun Kai Lena Milo Nia Omar Pia Quinn Rosa Sami Tara " +
		"Uma Vito Wren Xena Yuki Zoe Alba Ben Cleo Dev Emil Fay Gus Ines Jonas Kira Luca Maya Noor Otto")
	lasts := strings.Fields("Lopez Berg Chen Dubois Evans Fischer Garcia Haas Ito Jansen Kowalski Larsen Moreau Novak " +
		"Okafor Petrov Quint Rossi Silva Tanaka Ueda Varga Weber Xu Yilmaz Zeller Adler Brandt Costa")
	plans := []string{"Free", "Pro", "Team", "Pro", "Free", "Free", "Pro"}
	row := func(i, variant int) string {
		first, last := firsts[i%40], lasts[(i/40+i%40)%29]
		domain := "example.com"
		if i%4 == 3 {
			domain = "example.org"
		}
		email := strings.ToLower(first+"."+last) + "@" + domain
		switch variant { // how the CRM holds the same customer again
		case 1:
			email = first + "." + last + "@" + domain
		case 2:
			email = strings.ToUpper(email)
		case 3:
			email = " " + email
		case 4:
			email = first + "." + last + "@" + strings.ToUpper(domain)
		}
		signup := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i*37)%600)
		return fmt.Sprintf("%s,%s,%s,%s,%s\n", email, first, last, signup.Format("2006-01-02"), plans[i%7])
	}
	// After customer k, the export holds customer dups[k] again.
	dups := map[int]int{120: 41, 250: 41, 300: 100, 390: 41, 420: 230, 555: 41, 600: 377, 700: 512, 760: 41, 800: 690}
	seen := map[int]int{}
	var b strings.Builder
	if header {
		b.WriteString("Email Address,First Name,Last Name,Signup Date,Plan\n")
	}
	for i := range 837 {
		b.WriteString(row(i, 0))
		if d, ok := dups[i]; ok && !dedup {
			seen[d]++
			b.WriteString(row(d, seen[d]))
		}
	}
	return b.String()
}

const bulkSendManifest = `# The bulk-send incident: a CRM export of 847 customer rows plus its header
# row went out as 848 "thank you" emails in nine minutes. The workflow read
# the file with header = false, so the header cell "Email Address" was
# emailed too, and customers who appear several times in the export got
# several copies (one got six). Nobody had looked at the first five.
version = 1
name = "thank-you-campaign"

[[bulk]]
name = "recipients"
file = "data/recipients.csv"
key = [1]                 # the email column, by number, as the workflow had it
format = "email"
header = false            # the faulty setting: the header row is sent as data
rows = { max = 847 }      # the campaign is for 847 customers
template = "templates/thank-you.txt"
mask = ["1"]              # addresses show as a***@example.com in every output
`

const bulkSendTemplate = `To: {{index . "1"}}
Subject: Thank you, {{index . "2"}}!

Dear {{index . "2"}}, thank you for being with us since {{index . "4"}}.
`

const bulkSendFixedManifest = `# The bulk-send incident, fixed: the export is read with its header row,
# the key column is named, duplicates are removed, and a member of
# marketing-leads approved this exact file after checking the preview.
version = 1
name = "thank-you-campaign"

[[bulk]]
name = "recipients"
file = "data/recipients.csv"
key = ["Email Address"]
format = "email"
header = true
rows = { min = 1, max = 847 }
template = "templates/thank-you.txt"
mask = ["Email Address"]
approvers = "marketing-leads"
`

const bulkSendFixedTemplate = `To: {{index . "Email Address"}}
Subject: Thank you, {{index . "First Name"}}!

Dear {{index . "First Name"}}, thank you for being with us since {{index . "Signup Date"}}.
`

const bulkSendTeams = `[aliases.marketing-leads]
address = "marketing-leads@example.com"
members = ["dara@example.com", "li@example.com"]
`

// TestBulkExampleBundles keeps testdata/bundles/bulk-send and
// bulk-send-fixed in step with their generator (go test ./checks/ -run
// ExampleBundles -update rewrites them, with the approval's digest),
// and checks what the gate says about them.
func TestBulkExampleBundles(t *testing.T) {
	root := filepath.Join("..", "testdata", "bundles")
	bundles := map[string]map[string]string{
		"bulk-send": {
			"preflight.toml":          bulkSendManifest,
			"templates/thank-you.txt": bulkSendTemplate,
			"data/recipients.csv":     bulkSendCSV(true, false),
		},
		"bulk-send-fixed": {
			"preflight.toml":          bulkSendFixedManifest,
			"templates/thank-you.txt": bulkSendFixedTemplate,
			"data/recipients.csv":     bulkSendCSV(true, true),
			"teams.toml":              bulkSendTeams,
		},
	}
	for name, files := range bundles {
		for file, text := range files {
			p := filepath.Join(root, name, filepath.FromSlash(file))
			if *update {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(p)
			if err != nil || string(got) != text {
				t.Errorf("%s differs from its generator (err %v): run go test ./checks/ -run ExampleBundles -update", p, err)
			}
		}
	}

	// The fixed bundle's approval carries the digest of its current content.
	fixed, err := LoadBundle(filepath.Join(root, "bulk-send-fixed"))
	if err != nil {
		t.Fatal(err)
	}
	digest, p, err := BulkApprovalState(fixed, &preflight.Options{Now: bulkNow}, "recipients")
	if err != nil {
		t.Fatal(err)
	}
	signoff := filepath.Join(root, "bulk-send-fixed", "preflight.signoff.toml")
	if *update {
		s := preflight.NewLedger(signoff, []*preflight.LedgerTable{bulkTable})
		s.Put(&preflight.Entry{
			Table: "bulk", Key: "recipients", Fields: map[string]any{"digest": digest, "rows": p.Rows}, By: "dara@example.com",
			Reason: "checked the preview: 837 customers, one row each, the first five render correctly",
			At:     time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC),
		})
		if err := s.Write(signoff); err != nil {
			t.Fatal(err)
		}
	}
	so, err := fixed.Ledger()
	if err != nil {
		t.Fatal(err)
	}
	if a := so.Find("bulk", "recipients"); a == nil || a.Text("digest") != digest {
		t.Errorf("%s: the approval does not carry the current digest %s: run with -update", signoff, digest)
	}

	// bulk-send: the incident, every part of it.
	send, err := LoadBundle(filepath.Join(root, "bulk-send"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Bulk{}.Check(send, nil, &preflight.Options{Now: bulkNow})
	if err != nil {
		t.Fatal(err)
	}
	fs := preflight.SortFindings(res.Findings)
	count := map[string]int{}
	for _, f := range fs {
		count[f.Rule]++
	}
	if diff := cmp.Diff(map[string]int{"bulk/row-count": 1, "bulk/unapproved-run": 1, "bulk/header-as-data": 1, "bulk/duplicate-key": 10}, count); diff != "" {
		t.Errorf("bulk-send findings (-want +got):\n%s", diff)
	}
	wantFirst := []string{
		"bulk/row-count 0:0 found 848 data rows, at most 847 expected: line 1 looks like a header, 10 rows repeat a key",
		"bulk/unapproved-run 0:0 848 rows, over approve_over 10, and no approval",
		"bulk/header-as-data 1:1 first row looks like a header",
	}
	for i, w := range wantFirst {
		got := fmt.Sprintf("%s %d:%d %s", fs[i].Rule, fs[i].Line, fs[i].Column, fs[i].Message)
		if !strings.HasPrefix(got, w) {
			t.Errorf("finding %d: got %q, want it to start with %q", i, got, w)
		}
	}
	pv := res.Previews[0]
	if pv.Rows != 848 || pv.Unique != 837 || pv.Repeated != 6 || pv.Extra != 10 || len(pv.First) != 5 {
		t.Errorf("bulk-send preview: rows %d, unique %d, repeated %d, extra %d, first %d; want 848, 837, 6, 10, 5", pv.Rows, pv.Unique, pv.Repeated, pv.Extra, len(pv.First))
	}
	if e := pv.First[0]; e.Line != 1 || e.Fields["1"] != "E***" || !strings.HasPrefix(e.Rendered, "To: E***\nSubject: Thank you, First Name!") {
		t.Errorf("bulk-send first execution: %+v", e)
	}

	// bulk-send-fixed passes, and shows the same customers once each.
	res, err = Bulk{}.Check(fixed, nil, &preflight.Options{Now: bulkNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("bulk-send-fixed findings: %v", res.Findings)
	}
	if pv := res.Previews[0]; pv.Rows != 837 || pv.Unique != 837 || pv.Extra != 0 || pv.First[0].Line != 2 || pv.First[0].Fields["Email Address"] != "a***@example.com" {
		t.Errorf("bulk-send-fixed preview: %+v", pv)
	}
	// The author's own approval does not count.
	res, err = Bulk{}.Check(fixed, nil, &preflight.Options{Now: bulkNow, Author: "dara@example.com"})
	if err != nil || len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Message, "the author of the change") {
		t.Errorf("self-approved: %v %v", err, res.Findings)
	}
}

// TestBulkRowsMaxZero checks that a written max is a bound, 0 included:
// rows = { min = 0, max = 0 } allows only a file without data rows.
func TestBulkRowsMaxZero(t *testing.T) {
	for _, tt := range []struct {
		rows, csv string
		want      []string
		message   string
	}{
		{rows: "{ min = 0, max = 0 }", csv: "email\nana@example.com\n", want: []string{"bulk/row-count 0:0"}, message: "found 1 data rows, at most 0 expected"},
		{rows: "{ min = 0, max = 0 }", csv: "email\n"},
		{rows: "{ min = 0, max = 0 }", csv: ""},
		{rows: "{ min = 0 }", csv: "email\nana@example.com\nbo@example.com\n"}, // no max: no bound
		{rows: "{ max = 1 }", csv: "email\nana@example.com\nbo@example.com\n", want: []string{"bulk/row-count 0:0"}, message: "found 2 data rows, at most 1 expected"},
	} {
		b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\nrows = " + tt.rows), "in.csv": tt.csv})
		res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, bulkShort(res.Findings)); diff != "" {
			t.Errorf("rows = %s, %q: findings (-want +got):\n%s", tt.rows, tt.csv, diff)
		} else if tt.message != "" && res.Findings[0].Message != tt.message {
			t.Errorf("rows = %s: message %q, want %q", tt.rows, res.Findings[0].Message, tt.message)
		}
	}
	// A max below the default min is a manifest error that says so.
	for rows, want := range map[string]string{
		"{ max = 0 }":           "preflight.toml:8:1: rows.max 0 is below rows.min 1, its default: write min too (rows = { min = 0, max = 0 })",
		"{ min = 0, max = -1 }": "rows.max must not be negative, got -1",
		"{ min = 3, max = 2 }":  "rows.max 2 is below rows.min 3",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "preflight.toml"), []byte(bulkManifest("key = [\"email\"]\nrows = "+rows)), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadBundle(dir)
		var pe *preflight.Error
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), want) {
			t.Errorf("rows = %s: got %v, want a *preflight.Error containing %q", rows, err, want)
		}
	}
}

// TestBulkMalformedHeaderMask checks that a mask column a malformed header
// does not show is not exit 2, and that the preview then masks every
// field: customer data must not leak through a column nobody could name.
func TestBulkMalformedHeaderMask(t *testing.T) {
	b := writeBulkBundle(t, map[string]string{
		"preflight.toml": bulkManifest("key = [\"name\"]\nmask = [\"email\"]\npreview = 1"),
		"in.csv":         "em\"ail,name,extra\nana@example.com,Ana,Secret,more\n",
	})
	res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bulk/malformed 1:0", "bulk/malformed 1:3", "bulk/malformed 2:0"}, bulkShort(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	fs := preflight.SortFindings(res.Findings)
	if want := `mask column "email" cannot be looked up in it: the preview masks every field`; !strings.Contains(fs[0].Message, want) {
		t.Errorf("message %q, want it to contain %q", fs[0].Message, want)
	}
	want := map[string]string{"em\"ail": "a***@example.com", "name": "A***", "extra": "S***", "4": "m***"}
	if diff := cmp.Diff(want, res.Previews[0].First[0].Fields); diff != "" {
		t.Errorf("preview fields (-want +got):\n%s", diff)
	}
}

// TestBulkLongRecord checks a record over the scanner's 8 MiB limit: it is
// reported as malformed, and its key is still read (the key columns are
// kept while the other fields are dropped), so it takes part in the
// duplicate check, without a false blank-key. Only a key field itself over
// the limit is not read: then no key finding at all is made for the row.
func TestBulkLongRecord(t *testing.T) {
	long := strings.Repeat("x", 9<<20)
	longLines := strings.Repeat("xxxxxxx\n", 9<<17) // 9 MiB over 1179648 lines
	tests := []struct {
		name, spec, csv string
		want            []string
		messages        []string
	}{
		{name: "key first", spec: "key = [\"email\"]\nformat = \"email\"",
			csv:      "email,note\nana@example.com," + long + "\nANA@example.com,x\n",
			want:     []string{"bulk/malformed 2:0", "bulk/duplicate-key 3:1"},
			messages: []string{"record longer than 8 MiB: not read, but for its key field", "repeats the key of line 2"}},
		{name: "key after the long field", spec: "key = [\"email\"]\nformat = \"email\"",
			csv:      "note,email\n" + long + ",bo@example.com\nx,bo@example.com\n",
			want:     []string{"bulk/malformed 2:0", "bulk/duplicate-key 3:3"},
			messages: []string{"but for its key field", "repeats the key of line 2"}},
		{name: "repeated key in the long record", spec: "key = [\"email\"]\nformat = \"email\"",
			csv:      "note,email\nx,bo@example.com\n\"" + longLines + "\",bo@example.com\n",
			want:     []string{"bulk/duplicate-key 3:0", "bulk/malformed 3:0"},
			messages: []string{"repeats the key of line 2", "but for its key field"}},
		{name: "invalid key in the long record", spec: "key = [\"email\"]\nformat = \"email\"",
			csv:      "note,email\n" + long + ",not-an-address\n",
			want:     []string{"bulk/invalid-key 2:0", "bulk/malformed 2:0"},
			messages: []string{"is not an email address", "but for its key field"}},
		{name: "blank key in the long record", spec: "key = [\"email\"]\nformat = \"email\"",
			csv:      "note,email\n" + long + ", \n",
			want:     []string{"bulk/blank-key 2:0", "bulk/malformed 2:0"},
			messages: []string{"is blank", "but for its key field"}},
		{name: "composite key, no header", spec: "key = [1, 3]\nheader = false",
			csv:      "k1," + long + ",k2\nk1,x,k2\n",
			want:     []string{"bulk/malformed 1:0", "bulk/duplicate-key 2:1"},
			messages: []string{"but for its key fields", "repeats the key of line 1"}},
		{name: "key itself too long", spec: "key = [\"email\"]\nformat = \"email\"",
			csv:      "email,note\n" + long + ",x\n",
			want:     []string{"bulk/malformed 2:0"},
			messages: []string{"record longer than 8 MiB: not read, nor its key field (itself longer than the limit): its key takes no part in the key checks"}},
		{name: "long header", spec: "key = [\"email\"]\nformat = \"email\"",
			csv:      "email," + long + "\nana@example.com,x\nana@example.com,x\n",
			want:     []string{"bulk/malformed 1:0", "bulk/malformed 1:0"},
			messages: []string{"record longer than 8 MiB: not read", `key column "email" cannot be looked up`}},
	}
	for _, tt := range tests {
		bothReads(t, tt.name, func(t *testing.T) {
			b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest(tt.spec), "in.csv": tt.csv})
			res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
			if err != nil {
				t.Fatal(err)
			}
			fs := preflight.SortFindings(res.Findings)
			if diff := cmp.Diff(tt.want, bulkShort(fs)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			for i, m := range tt.messages {
				if i < len(fs) && !strings.Contains(fs[i].Message, m) {
					t.Errorf("finding %d: message %q does not contain %q", i, fs[i].Message, m)
				}
			}
		})
	}
}

// TestBulkHeaderRecord checks what is said of the header record: a
// malformed one whose quote swallows the file is no column name in the
// preview (it holds customer rows), and a repeated header names the line
// the header is really on.
func TestBulkHeaderRecord(t *testing.T) {
	b := writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"k\"]"), "in.csv": "\"k,v\nana@example.com,1\n"})
	res, err := Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
	if err != nil {
		t.Fatal(err)
	}
	if p := res.Previews[0]; !slices.Equal(p.Columns, []string{"1"}) || p.Rows != 0 {
		t.Errorf("preview columns %q, rows %d: want [\"1\"], 0", p.Columns, p.Rows)
	}

	b = writeBulkBundle(t, map[string]string{"preflight.toml": bulkManifest("key = [\"email\"]\ndelimiter = \";\""), "in.csv": "sep=;\nemail;name\nana@example.com;A\nemail;name\n"})
	res, err = Bulk{}.Check(b, nil, &preflight.Options{Now: bulkNow})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bulk/header-as-data 4:1"}, bulkShort(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	} else if m := res.Findings[0].Message; !strings.Contains(m, "repeats the header row (line 2)") {
		t.Errorf("message %q, want the header's line 2", m)
	}
}
