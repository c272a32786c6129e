package preflight

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/preflight-gate/preflight/configdiff"
)

// ManifestName is the manifest's file name inside a bundle.
const ManifestName = "preflight.toml"

// Manifest is a decoded preflight.toml. Fields with a default are filled in
// by [LoadBundle].
type Manifest struct {
	Version    int             `toml:"version"`
	Name       string          `toml:"name"`
	Teams      string          `toml:"teams"`
	Signoff    string          `toml:"signoff"`
	Configdiff *ConfigdiffSpec `toml:"configdiff"`
	Bulk       []BulkSpec      `toml:"bulk"`
	Routes     *RoutesSpec     `toml:"routes"`
}

// ConfigdiffSpec is the [configdiff] section.
type ConfigdiffSpec struct {
	Staging    string   `toml:"staging"`
	Production string   `toml:"production"`
	Allow      []string `toml:"allow"`
	Secrets    []string `toml:"secrets"`
	Approvers  string   `toml:"approvers"`
}

// BulkSpec is one [[bulk]] input.
type BulkSpec struct {
	Name        string    `toml:"name"`
	File        string    `toml:"file"`
	Key         []any     `toml:"key"`    // header names, or 1-based numbers when Header is false
	Format      string    `toml:"format"` // "email" or "any"
	Header      *bool     `toml:"header"`
	Delimiter   string    `toml:"delimiter"` // one character; default ","
	Rows        RowBounds `toml:"rows"`
	Preview     *int      `toml:"preview"`
	ApproveOver *int      `toml:"approve_over"`
	Template    string    `toml:"template"`
	Mask        []string  `toml:"mask"`
	Approvers   string    `toml:"approvers"`

	// Columns is Key as text: header names, or column numbers ("1", "2").
	Columns []string `toml:"-"`
}

// RowBounds is the allowed number of data rows, both ends inclusive. Min
// nil (not written) is the default 1, which validate sets. Max nil (not
// written) means no upper bound; any written value is a bound, 0 included:
// rows = { min = 0, max = 0 } allows only an empty file (or a header).
type RowBounds struct {
	Min *int `toml:"min"`
	Max *int `toml:"max"`
}

// HasHeader reports whether the automation skips a first, header row.
func (s *BulkSpec) HasHeader() bool { return s.Header == nil || *s.Header }

// RoutesSpec is the [routes] section.
type RoutesSpec struct {
	Files      []string `toml:"files"`
	Keys       []string `toml:"keys"`
	MinMembers *int     `toml:"min_members"`
}

// parseManifest strictly decodes and validates a manifest. file is the
// manifest's path as the user reaches it, for error messages.
func parseManifest(file string, data []byte) (*Manifest, *configdiff.Tree, error) {
	tree, err := parseTOML(file, data)
	if err != nil {
		return nil, nil, err
	}
	var m Manifest
	if err := decodeStrict(file, data, &m); err != nil {
		return nil, nil, err
	}
	at := func(key string) (int, int) { return position(tree, key) }
	fail := func(key, format string, args ...any) error {
		line, col := errorPosition(tree, key)
		return Errorf(file, line, col, format, args...)
	}
	if m.Version != 1 {
		if tree.Get("version") == nil {
			return nil, nil, Errorf(file, 0, 0, "missing version: expected version = 1 at the top of the manifest")
		}
		return nil, nil, fail("version", "unsupported manifest version %d: expected 1", m.Version)
	}
	if m.Configdiff != nil {
		if m.Configdiff.Staging == "" {
			return nil, nil, fail("configdiff", "[configdiff] needs staging: the staging config file")
		}
		if m.Configdiff.Production == "" {
			return nil, nil, fail("configdiff", "[configdiff] needs production: the production config file")
		}
		for i, g := range m.Configdiff.Allow {
			if _, err := configdiff.CompileGlob(g); err != nil {
				return nil, nil, fail(fmt.Sprintf("configdiff.allow[%d]", i), "%v", err)
			}
		}
		for i, g := range m.Configdiff.Secrets {
			if _, err := configdiff.CompileGlob(g); err != nil {
				return nil, nil, fail(fmt.Sprintf("configdiff.secrets[%d]", i), "%v", err)
			}
		}
	}
	names := map[string]string{}
	for i := range m.Bulk {
		s := &m.Bulk[i]
		key := fmt.Sprintf("bulk[%d]", i)
		if err := s.validate(key, fail); err != nil {
			return nil, nil, err
		}
		if prev, ok := names[s.Name]; ok {
			return nil, nil, fail(key+".name", "bulk input %q defined twice: first at %s", s.Name, prev)
		}
		line, _ := at(key + ".name")
		names[s.Name] = "line " + strconv.Itoa(line)
	}
	if r := m.Routes; r != nil {
		if r.MinMembers == nil {
			r.MinMembers = intPtr(2)
		} else if *r.MinMembers < 1 {
			return nil, nil, fail("routes.min_members", "min_members must be at least 1, got %d", *r.MinMembers)
		}
		for i, g := range r.Keys {
			if _, err := configdiff.CompileGlob(g); err != nil {
				return nil, nil, fail(fmt.Sprintf("routes.keys[%d]", i), "%v", err)
			}
		}
	}
	return &m, tree, nil
}

func (s *BulkSpec) validate(key string, fail func(key, format string, args ...any) error) error {
	if s.Name == "" {
		return fail(key, "[[bulk]] needs a name")
	}
	if s.File == "" {
		return fail(key, "bulk input %q needs file: the CSV to check", s.Name)
	}
	if len(s.Key) == 0 {
		return fail(key, "bulk input %q needs key: the key column(s)", s.Name)
	}
	for i, k := range s.Key {
		at := fmt.Sprintf("%s.key[%d]", key, i)
		switch v := k.(type) {
		case string:
			if !s.HasHeader() {
				return fail(at, "key %q must be a column number when header = false", v)
			}
			s.Columns = append(s.Columns, v)
		case int64:
			if s.HasHeader() {
				return fail(at, "key %d is a column number: with a header row, name the column", v)
			}
			if v < 1 {
				return fail(at, "key column %d out of range: columns are numbered from 1", v)
			}
			s.Columns = append(s.Columns, strconv.FormatInt(v, 10))
		default:
			return fail(at, "key must be a column name or number, got %v", v)
		}
	}
	switch s.Format {
	case "":
		s.Format = "any"
	case "any", "email":
	default:
		return fail(key+".format", "unknown key format %q: expected \"email\" or \"any\"", s.Format)
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

// decodeStrict decodes TOML into v, refusing unknown keys and wrong types,
// and turns go-toml's errors into *Error with the file's line and column.
func decodeStrict(file string, data []byte, v any) error {
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		de := strict.Errors[0]
		line, col := de.Position()
		return Errorf(file, line, col, "unknown key %q", keyText(de.Key()))
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return Errorf(file, line, col, "%s", de.Error())
	}
	return Errorf(file, 0, 0, "%v", err)
}

func keyText(k toml.Key) string {
	s := ""
	for i, p := range k {
		if i > 0 {
			s += "."
		}
		s += p
	}
	return s
}

// position returns the line and column of a key in a parsed file, or 0, 0
// when the key is not written there.
func position(t *configdiff.Tree, key string) (int, int) {
	if t == nil {
		return 0, 0
	}
	if n := t.Get(key); n != nil {
		return n.KeyPos.Line, n.KeyPos.Column
	}
	return 0, 0
}

// errorPosition is where an error about a key points: the key, or when it
// is not written (a missing field) its nearest parent that is: the table or
// entry that lacks it.
func errorPosition(t *configdiff.Tree, key string) (int, int) {
	p, err := configdiff.ParsePath(key)
	if err != nil {
		return position(t, key)
	}
	for ; len(p) > 0; p = p[:len(p)-1] {
		if line, col := position(t, p.String()); line > 0 {
			return line, col
		}
	}
	return 0, 0
}

// fromConfigError turns a configdiff load error into an *Error.
func fromConfigError(err error) error {
	var ce *configdiff.Error
	if errors.As(err, &ce) {
		return Errorf(ce.File, ce.Pos.Line, ce.Pos.Column, "%s", ce.Msg)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return Errorf(pe.Path, 0, 0, "%s", FileError(pe.Err))
	}
	return err
}

// FileError says what went wrong reading or writing a file, for a message
// that already names the file: "no such file or folder", "permission
// denied", or the system's own reason without the path.
func FileError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

// FindBulk returns the index of the bulk input called name. An unknown name
// is an *Error that lists the inputs the manifest has.
func (m *Manifest) FindBulk(name string) (int, error) {
	names := make([]string, len(m.Bulk))
	for i, s := range m.Bulk {
		if s.Name == name {
			return i, nil
		}
		names[i] = strconv.Quote(s.Name)
	}
	if len(names) == 0 {
		return -1, Usagef("unknown bulk input %q: the manifest has no [[bulk]] inputs", name)
	}
	return -1, Usagef("unknown bulk input %q: expected one of %s", name, strings.Join(names, ", "))
}

// CheckInputs refuses --input NAME=PATH for a NAME the manifest does not
// define: a typo would otherwise check the manifest's file instead.
func (m *Manifest) CheckInputs(in map[string]string) error {
	for name := range in {
		if _, err := m.FindBulk(name); err != nil {
			return err
		}
	}
	return nil
}
