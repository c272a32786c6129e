package preflight

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/preflight-gate/preflight/configdiff"
)

// Signoffs is the sign-off file (preflight.signoff.toml): one entry per
// signed config difference and per approved bulk input. It is written by
// the signoff command and reviewed in pull requests.
type Signoffs struct {
	Change []*ChangeSignoff `toml:"change"`
	Bulk   []*BulkApproval  `toml:"bulk"`

	File string `toml:"-"` // as the user reaches it, for messages
}

// ChangeSignoff signs one config key's difference, bound to the digests of
// both sides' values.
type ChangeSignoff struct {
	Key        string     `toml:"key"`
	Staging    string     `toml:"staging"`
	Production string     `toml:"production"`
	By         string     `toml:"by"`
	Reason     string     `toml:"reason"`
	At         time.Time  `toml:"at"`
	Expires    *time.Time `toml:"expires,omitempty"`

	Line int `toml:"-"` // where the entry starts in the file
}

// BulkApproval approves one bulk input, bound to the digest of its bytes
// and the preview's inputs.
type BulkApproval struct {
	Name    string     `toml:"name"`
	Digest  string     `toml:"digest"`
	Rows    int        `toml:"rows"`
	By      string     `toml:"by"`
	Reason  string     `toml:"reason"`
	At      time.Time  `toml:"at"`
	Expires *time.Time `toml:"expires,omitempty"`

	Line int `toml:"-"`
}

// Expired reports whether an expiry time has passed.
func Expired(expires *time.Time, now time.Time) bool {
	return expires != nil && !now.Before(*expires)
}

// LoadSignoffs reads the sign-off file at path; a missing file is empty.
// file names it in messages.
func LoadSignoffs(path, file string) (*Signoffs, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return &Signoffs{File: file}, nil
	}
	if err != nil {
		return nil, Errorf(file, 0, 0, "cannot read sign-off file: %s", FileError(err))
	}
	return parseSignoffs(file, data)
}

func parseSignoffs(file string, data []byte) (*Signoffs, error) {
	tree, err := parseTOML(file, data)
	if err != nil {
		return nil, err
	}
	s := &Signoffs{File: file}
	if err := decodeStrict(file, data, s); err != nil {
		return nil, err
	}
	fail := func(key, format string, args ...any) error {
		line, col := errorPosition(tree, key)
		return Errorf(file, line, col, format, args...)
	}
	seen := map[string]int{}
	for i, c := range s.Change {
		at := fmt.Sprintf("change[%d]", i)
		c.Line, _ = position(tree, at)
		if c.Key == "" {
			return nil, fail(at, "[[change]] needs key: the config key it signs")
		}
		p, err := configdiff.ParsePath(c.Key)
		if err != nil {
			return nil, fail(at+".key", "%v", err)
		}
		// Hand edits may quote a plain segment: compare keys as parsed.
		c.Key = p.String()
		if first, ok := seen[c.Key]; ok {
			return nil, fail(at+".key", "two sign-offs for key %q: the first at line %d", c.Key, first)
		}
		seen[c.Key] = c.Line
		for _, side := range []struct{ name, digest string }{{"staging", c.Staging}, {"production", c.Production}} {
			if err := configdiff.CheckDigest(side.digest); err != nil {
				return nil, fail(at+"."+side.name, "sign-off for %q: %s digest %q: %v", c.Key, side.name, side.digest, err)
			}
		}
		if err := checkSigner(c.By, c.Reason); err != nil {
			return nil, fail(at, "sign-off for %q: %v", c.Key, err)
		}
	}
	seen = map[string]int{}
	for i, a := range s.Bulk {
		at := fmt.Sprintf("bulk[%d]", i)
		a.Line, _ = position(tree, at)
		if a.Name == "" {
			return nil, fail(at, "[[bulk]] needs name: the bulk input it approves")
		}
		if first, ok := seen[a.Name]; ok {
			return nil, fail(at+".name", "two approvals for bulk input %q: the first at line %d", a.Name, first)
		}
		seen[a.Name] = a.Line
		if err := configdiff.CheckDigest(a.Digest); err != nil || a.Digest == "absent" {
			return nil, fail(at+".digest", "approval of %q: digest %q: expected sha256:<64 hex digits>", a.Name, a.Digest)
		}
		if err := checkSigner(a.By, a.Reason); err != nil {
			return nil, fail(at, "approval of %q: %v", a.Name, err)
		}
	}
	return s, nil
}

func checkSigner(by, reason string) error {
	switch {
	case normalID(by) == "":
		return fmt.Errorf("by is empty: expected who signed")
	case len(bytes.TrimSpace([]byte(reason))) == 0:
		return fmt.Errorf("reason is empty: every sign-off needs a reason")
	}
	return nil
}

// parseTOML parses TOML into a keyed tree for positions, whatever the
// file's name.
func parseTOML(file string, data []byte) (*configdiff.Tree, error) {
	name := file
	if filepath.Ext(name) != ".toml" {
		name += ".toml"
	}
	t, err := configdiff.Parse(name, data)
	if err != nil {
		return nil, fromConfigError(err)
	}
	t.File = file
	return t, nil
}

// FindChange returns the sign-off for key, or nil.
func (s *Signoffs) FindChange(key string) *ChangeSignoff {
	for _, c := range s.Change {
		if c.Key == key {
			return c
		}
	}
	return nil
}

// FindBulk returns the approval of the bulk input name, or nil.
func (s *Signoffs) FindBulk(name string) *BulkApproval {
	for _, a := range s.Bulk {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// PutChange adds a sign-off, replacing the one for the same key.
func (s *Signoffs) PutChange(c *ChangeSignoff) {
	if i := slices.IndexFunc(s.Change, func(o *ChangeSignoff) bool { return o.Key == c.Key }); i >= 0 {
		s.Change[i] = c
		return
	}
	s.Change = append(s.Change, c)
}

// PutBulk adds an approval, replacing the one for the same input.
func (s *Signoffs) PutBulk(a *BulkApproval) {
	if i := slices.IndexFunc(s.Bulk, func(o *BulkApproval) bool { return o.Name == a.Name }); i >= 0 {
		s.Bulk[i] = a
		return
	}
	s.Bulk = append(s.Bulk, a)
}

const signoffHeader = `# preflight sign-offs: written by ` + "`preflight signoff`" + `, reviewed in pull requests.
# Each entry is bound to the exact values it signs; a changed value voids it.
# Guard this file with CODEOWNERS and required review.
`

func writeField(buf *bytes.Buffer, name, value string) {
	fmt.Fprintf(buf, "%s = %s\n", name, QuoteTOML(value))
}

func writeSigner(buf *bytes.Buffer, by, reason string, at time.Time, expires *time.Time) {
	writeField(buf, "by", by)
	writeField(buf, "reason", reason)
	fmt.Fprintf(buf, "at = %s\n", at.UTC().Format(time.RFC3339))
	if expires != nil {
		fmt.Fprintf(buf, "expires = %s\n", expires.UTC().Format(time.RFC3339))
	}
}

// QuoteTOML quotes s as a TOML basic string.
func QuoteTOML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Write writes the file atomically (a temporary file, then a rename), with
// entries sorted: changes by key, then bulk inputs by name.
func (s *Signoffs) Write(path string) error {
	slices.SortFunc(s.Change, func(a, b *ChangeSignoff) int { return cmp.Compare(a.Key, b.Key) })
	slices.SortFunc(s.Bulk, func(a, b *BulkApproval) int { return cmp.Compare(a.Name, b.Name) })
	var buf bytes.Buffer
	buf.WriteString(signoffHeader)
	for _, c := range s.Change {
		buf.WriteString("\n[[change]]\n")
		writeField(&buf, "key", c.Key)
		writeField(&buf, "staging", c.Staging)
		writeField(&buf, "production", c.Production)
		writeSigner(&buf, c.By, c.Reason, c.At, c.Expires)
	}
	for _, a := range s.Bulk {
		buf.WriteString("\n[[bulk]]\n")
		writeField(&buf, "name", a.Name)
		writeField(&buf, "digest", a.Digest)
		fmt.Fprintf(&buf, "rows = %d\n", a.Rows)
		writeSigner(&buf, a.By, a.Reason, a.At, a.Expires)
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := writeAtomic(path, buf.Bytes(), mode); err != nil {
		return Errorf(s.File, 0, 0, "cannot write sign-off file: %s", FileError(err))
	}
	return nil
}

// writeAtomic writes data to path through a temporary file in the same
// folder and a rename, so a reader sees the old file or the new one.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".preflight-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
