package checks

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
)

// BulkSpec is one [[bulk]] input.
type BulkSpec struct {
	Name        string    `toml:"name"`
	File        string    `toml:"file"`
	RawKey      []any     `toml:"key"`    // as written: header names, or 1-based numbers when Header is false
	RawFormat   string    `toml:"format"` // as written: "email", "any" or ""
	Header      *bool     `toml:"header"`
	Delimiter   string    `toml:"delimiter"` // one character; default ","
	Rows        RowBounds `toml:"rows"`
	Preview     *int      `toml:"preview"`
	ApproveOver *int      `toml:"approve_over"`
	Template    string    `toml:"template"`
	Mask        []string  `toml:"mask"`
	Approvers   string    `toml:"approvers"`

	Key    []KeyColumn `toml:"-"` // RawKey, checked by Load
	Format KeyFormat   `toml:"-"` // RawFormat, checked by Load
}

// KeyColumn is one key column: a header name, or a 1-based column number
// when the file has no header row.
type KeyColumn struct {
	Name   string // with a header row
	Number int    // without one
}

// String is the column as the preview, the template and the approval
// digest name it: its header name, or its number ("2").
func (c KeyColumn) String() string {
	if c.Number > 0 {
		return strconv.Itoa(c.Number)
	}
	return c.Name
}

// KeyFormat is what a bulk input's keys must look like.
type KeyFormat uint8

// The key formats; the zero value is "any".
const (
	FormatAny   KeyFormat = iota // any non-blank key
	FormatEmail                  // an email address, compared case-insensitively
)

// String is the format as the manifest writes it: "any" or "email".
func (f KeyFormat) String() string {
	if f == FormatEmail {
		return "email"
	}
	return "any"
}

// RowBounds is the allowed number of data rows, both ends inclusive. Min
// nil (not written) is the default 1, which Load sets. Max nil (not
// written) means no upper bound; any written value is a bound, 0 included:
// rows = { min = 0, max = 0 } allows only an empty file (or a header).
type RowBounds struct {
	Min *int `toml:"min"`
	Max *int `toml:"max"`
}

// HasHeader reports whether the automation skips a first, header row.
func (s *BulkSpec) HasHeader() bool { return s.Header == nil || *s.Header }

// bulkFlag resolves bulk findings: `signoff --bulk NAME`.
var bulkFlag = &preflight.SignoffFlag{
	Name:   "bulk",
	Value:  "NAME",
	Help:   "approve the bulk input `NAME` as its preview shows it, repeatable",
	Noun:   "bulk input",
	Nouns:  "bulk inputs",
	Items:  "Bulk runs",
	Advice: "check the preview above row by row; when it is what should run, approve it",
}

// bulkTable is the sign-off file's [[bulk]] table: one approval per bulk
// input, bound to the digest of its bytes and the preview's inputs.
var bulkTable = &preflight.LedgerTable{
	Name:  "bulk",
	Key:   "name",
	Need:  "the bulk input it approves",
	Entry: "approval of %q",
	Twice: "two approvals for bulk input %q",
	Fields: []preflight.LedgerField{
		{Name: "digest", Check: checkSHA256},
		{Name: "rows", Kind: preflight.FieldInt},
	},
}

// checkSHA256 checks an approval digest as read: "sha256:" and 64 hex
// digits.
func checkSHA256(d string) error {
	if configdiff.CheckDigest(d) != nil || !strings.HasPrefix(d, "sha256:") {
		return errors.New("expected sha256:<64 hex digits>")
	}
	return nil
}

// Load checks every [[bulk]] input and fills in its defaults; names must
// be unique and approvers aliases in the registry.
func (Bulk) Load(b *preflight.Bundle, section any) (any, error) {
	specs := section.(*[]BulkSpec)
	if len(*specs) == 0 {
		return nil, nil
	}
	names := map[string]string{}
	for i := range *specs {
		s := &(*specs)[i]
		key := fmt.Sprintf("bulk[%d]", i)
		if err := s.validate(b, key); err != nil {
			return nil, err
		}
		if prev, ok := names[s.Name]; ok {
			return nil, b.ManifestError(key+".name", "bulk input %q defined twice: first at %s", s.Name, prev)
		}
		line, _ := b.Pos(key + ".name")
		names[s.Name] = "line " + strconv.Itoa(line)
	}
	for i, s := range *specs {
		if err := b.CheckApprovers(fmt.Sprintf("bulk[%d].approvers", i), s.Approvers); err != nil {
			return nil, err
		}
	}
	return specs, nil
}

// bulkSpecs returns the bundle's bulk inputs; none when the manifest has
// no [[bulk]] section.
func BulkSpecs(b *preflight.Bundle) []BulkSpec {
	if s, ok := b.Spec("bulk").(*[]BulkSpec); ok {
		return *s
	}
	return nil
}

// BulkSpecOf returns the bulk input called name, for the command line. An
// unknown name is an *preflight.Error that lists the inputs the manifest
// has.
func BulkSpecOf(b *preflight.Bundle, name string) (*BulkSpec, error) {
	specs := BulkSpecs(b)
	i, err := findBulk(specs, name)
	if err != nil {
		return nil, err
	}
	return &specs[i], nil
}

// findBulk returns the index of the bulk input called name. An unknown name
// is an *preflight.Error that lists the inputs the manifest has.
func findBulk(specs []BulkSpec, name string) (int, error) {
	names := make([]string, len(specs))
	for i, s := range specs {
		if s.Name == name {
			return i, nil
		}
		names[i] = strconv.Quote(s.Name)
	}
	if len(names) == 0 {
		return -1, preflight.Usagef("unknown bulk input %q: the manifest has no [[bulk]] inputs", name)
	}
	return -1, preflight.Usagef("unknown bulk input %q: expected one of %s", name, strings.Join(names, ", "))
}

// CheckInputs refuses --input NAME=PATH for a NAME the manifest does not
// define: a typo would otherwise check the manifest's file instead. It is
// the one check of the names: the command calls it when it hands a bundle
// its inputs, and the gate trusts Options.Inputs.
func CheckInputs(b *preflight.Bundle, in map[string]string) error {
	specs := BulkSpecs(b)
	for name := range in {
		if _, err := findBulk(specs, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *BulkSpec) validate(b *preflight.Bundle, key string) error {
	fail := func(key, format string, args ...any) error { return b.ManifestError(key, format, args...) }
	if s.Name == "" {
		return fail(key, "[[bulk]] needs a name")
	}
	if s.File == "" {
		return fail(key, "bulk input %q needs file: the CSV to check", s.Name)
	}
	if len(s.RawKey) == 0 {
		return fail(key, "bulk input %q needs key: the key column(s)", s.Name)
	}
	for i, k := range s.RawKey {
		at := fmt.Sprintf("%s.key[%d]", key, i)
		switch v := k.(type) {
		case string:
			if !s.HasHeader() {
				return fail(at, "key %q must be a column number when header = false", v)
			}
			s.Key = append(s.Key, KeyColumn{Name: v})
		case int64:
			if s.HasHeader() {
				return fail(at, "key %d is a column number: with a header row, name the column", v)
			}
			if v < 1 {
				return fail(at, "key column %d out of range: columns are numbered from 1", v)
			}
			s.Key = append(s.Key, KeyColumn{Number: int(v)})
		default:
			return fail(at, "key must be a column name or number, got %v", v)
		}
	}
	switch s.RawFormat {
	case "", "any":
		s.Format = FormatAny
	case "email":
		s.Format = FormatEmail
	default:
		return fail(key+".format", "unknown key format %q: expected \"email\" or \"any\"", s.RawFormat)
	}
	if s.Delimiter == "" {
		s.Delimiter = ","
	} else if n := len([]rune(s.Delimiter)); n != 1 || s.Delimiter == "\"" || s.Delimiter == "\n" || s.Delimiter == "\r" {
		return fail(key+".delimiter", "invalid delimiter %q: expected one character other than a quote or newline", s.Delimiter)
	}
	minDefault := s.Rows.Min == nil
	if minDefault {
		s.Rows.Min = intPtr(1)
	}
	if *s.Rows.Min < 0 {
		return fail(key+".rows", "rows.min must not be negative, got %d", *s.Rows.Min)
	}
	if s.Rows.Max != nil && *s.Rows.Max < 0 {
		return fail(key+".rows", "rows.max must not be negative, got %d", *s.Rows.Max)
	}
	if s.Rows.Max != nil && *s.Rows.Max < *s.Rows.Min {
		if minDefault {
			return fail(key+".rows", "rows.max %d is below rows.min %d, its default: write min too (rows = { min = 0, max = %d })", *s.Rows.Max, *s.Rows.Min, *s.Rows.Max)
		}
		return fail(key+".rows", "rows.max %d is below rows.min %d", *s.Rows.Max, *s.Rows.Min)
	}
	if s.Preview == nil {
		s.Preview = intPtr(5)
	} else if *s.Preview < 0 {
		return fail(key+".preview", "preview must not be negative, got %d", *s.Preview)
	}
	if s.ApproveOver == nil {
		s.ApproveOver = intPtr(10)
	} else if *s.ApproveOver < 0 {
		return fail(key+".approve_over", "approve_over must not be negative, got %d", *s.ApproveOver)
	}
	return nil
}

func intPtr(n int) *int { return &n }
