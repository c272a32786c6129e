package preflight

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight/regular"
	"github.com/preflight-gate/preflight/preflight/words"
)

// LedgerTable describes one table of the sign-off file
// (preflight.signoff.toml), an array of tables such as [[change]]. A gate
// names its table in [GateInfo].Ledger; the ledger reads, checks, sorts and
// writes the entries of every table the same way. Each entry is:
//
//	[[NAME]]
//	KEY = "…"          # identifies the entry; signing again replaces it
//	FIELD = …          # each of Fields, in order: a string or an integer
//	by = "…"
//	reason = "…"
//	at = 2026-11-27T10:00:00Z
//	expires = …        # optional
type LedgerTable struct {
	Name string // the table, as in [[NAME]]
	Key  string // the field that identifies an entry, such as "key" or "name"
	// Need says what the key is, for "[[NAME]] needs KEY: NEED".
	Need string
	// Entry names one entry in messages, a format with one %q for its key,
	// such as "sign-off for %q".
	Entry string
	// Twice names two entries for one key, a format with one %q for the
	// key, such as "two sign-offs for key %q".
	Twice  string
	Fields []LedgerField
	// Canonical, when set, checks a key as written and returns the form
	// entries are compared and written in (a hand edit may spell a key
	// differently); its error is reported at the key.
	Canonical func(key string) (string, error)
}

// FieldKind is the type of a ledger field's value.
type FieldKind int

// The kinds of ledger field values.
const (
	FieldString FieldKind = iota
	FieldInt
)

// want says what a field of the kind holds: "an integer", "a string".
func (k FieldKind) want() string {
	if k == FieldInt {
		return "an integer"
	}
	return "a string"
}

func (k FieldKind) String() string {
	if k == FieldInt {
		return "integer"
	}
	return "string"
}

// LedgerField is one field of a ledger table's entries, besides its key
// and the signer's fields.
type LedgerField struct {
	Name string
	Kind FieldKind
	// Label names the field in messages ("ENTRY: LABEL: ERR"); default
	// its name.
	Label string
	// Check, when set, validates a string field's value as read.
	Check func(value string) error
}

// Entry is one entry of a ledger table: a person's sign-off or approval.
type Entry struct {
	Table   string         // the ledger table it belongs to
	Key     string         // the identifying field's value
	Fields  map[string]any // the table's other fields by name: string or int
	By      string
	Reason  string
	At      time.Time
	Expires *time.Time

	Line int // where the entry starts in the file; 0 for a new entry
}

// Text returns a string field of the entry ("" when unset).
func (e *Entry) Text(name string) string { s, _ := e.Fields[name].(string); return s }

// Int returns an integer field of the entry (0 when unset).
func (e *Entry) Int(name string) int { n, _ := e.Fields[name].(int); return n }

// Expired reports whether the entry's expiry has passed at now.
func (e *Entry) Expired(now time.Time) bool { return e.Expires != nil && !now.Before(*e.Expires) }

// Ledger is the sign-off file: the entries of every gate's table. It is
// written by the signoff command and reviewed in pull requests.
type Ledger struct {
	File string // as the user reaches it, for messages

	tables  []*LedgerTable
	entries map[string][]*Entry
	byKey   map[string]map[string]*Entry // table -> key -> entry: lookups are map accesses
}

// NewLedger returns an empty ledger of the given tables, in the order they
// are written.
func NewLedger(file string, tables []*LedgerTable) *Ledger {
	return &Ledger{File: file, tables: tables, entries: map[string][]*Entry{}, byKey: map[string]map[string]*Entry{}}
}

// LoadLedger reads the sign-off file at path; a missing file is empty.
// file names it in messages.
func LoadLedger(path, file string, tables []*LedgerTable) (*Ledger, error) {
	data, err := regular.Read(path, MaxLedgerSize)
	if os.IsNotExist(err) {
		return NewLedger(file, tables), nil
	}
	if err != nil {
		return nil, Errorf(file, 0, 0, "cannot read sign-off file: %s", words.FileProblem(err))
	}
	return ParseLedger(file, data, tables)
}

// ParseLedger strictly parses the content of a sign-off file: an unknown
// table or field, a value of the wrong type, an entry without its key, two
// entries for one key, a field its table's Check refuses, or an empty by
// or reason is an *Error at its line.
func ParseLedger(file string, data []byte, tables []*LedgerTable) (*Ledger, error) {
	tree, err := parseTOML(file, data)
	if err != nil {
		return nil, err
	}
	v := reflect.New(ledgerType(tables))
	if err := decodeStrict(file, data, tree, v.Interface()); err != nil {
		return nil, err
	}
	l := NewLedger(file, tables)
	fail := func(key, format string, args ...any) error {
		line, col := errorPosition(tree, key)
		return Errorf(file, line, col, format, args...)
	}
	for ti, t := range tables {
		list := v.Elem().Field(ti)
		seen := map[string]int{}
		for i := 0; i < list.Len(); i++ {
			at := fmt.Sprintf("%s[%d]", t.Name, i)
			e := entryOf(t, list.Index(i))
			e.Line, _ = position(tree, at)
			if e.Key == "" {
				return nil, fail(at, "[[%s]] needs %s: %s", t.Name, t.Key, t.Need)
			}
			if t.Canonical != nil {
				k, err := t.Canonical(e.Key)
				if err != nil {
					return nil, fail(at+"."+t.Key, "%v", err)
				}
				e.Key = k
			}
			if first, ok := seen[e.Key]; ok {
				return nil, fail(at+"."+t.Key, t.Twice+": the first at line %d", e.Key, first)
			}
			seen[e.Key] = e.Line
			subject := fmt.Sprintf(t.Entry, e.Key)
			for _, f := range t.Fields {
				if f.Check == nil || f.Kind != FieldString {
					continue
				}
				if err := f.Check(e.Text(f.Name)); err != nil {
					// The value itself is not quoted: nothing of a sign-off
					// line appears in a message.
					return nil, fail(at+"."+f.Name, "%s: %s: %v", subject, f.label(), err)
				}
			}
			if err := checkSigner(e.By, e.Reason); err != nil {
				return nil, fail(at, "%s: %v", subject, err)
			}
			// Every field but expires is written by signoff: a hand edit
			// that drops one leaves no zero value to be read as real.
			for _, f := range t.Fields {
				if tree.Get(at+"."+f.Name) == nil {
					return nil, fail(at, "%s: %s is missing: expected %s", subject, f.Name, f.Kind.want())
				}
			}
			if tree.Get(at+".at") == nil {
				return nil, fail(at, "%s: at is missing: expected when it was signed, an RFC 3339 date-time", subject)
			}
			for _, name := range []string{"at", "expires"} {
				if n := tree.Get(at + "." + name); n != nil && n.Kind == configdiff.Time {
					return nil, fail(at+"."+name, "%s: %s is a time of day: expected an RFC 3339 date-time (2027-01-31T00:00:00Z) or date", subject, name)
				}
			}
			e.At = utcIfLocal(e.At)
			if e.Expires != nil {
				x := utcIfLocal(*e.Expires)
				e.Expires = &x
			}
			l.add(e)
		}
	}
	return l, nil
}

func (f LedgerField) label() string {
	if f.Label != "" {
		return f.Label
	}
	return f.Name
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	timePtrType = reflect.TypeOf((*time.Time)(nil))
)

// ledgerType is the struct a sign-off file decodes into: one slice field
// per table, of a struct with the table's fields.
func ledgerType(tables []*LedgerTable) reflect.Type {
	var fields []reflect.StructField
	for i, t := range tables {
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("T%d", i),
			Type: reflect.SliceOf(entryType(t)),
			Tag:  reflect.StructTag(fmt.Sprintf(`toml:%q`, t.Name)),
		})
	}
	return reflect.StructOf(fields)
}

func entryType(t *LedgerTable) reflect.Type {
	field := func(i int, name string, typ reflect.Type) reflect.StructField {
		return reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: typ, Tag: reflect.StructTag(fmt.Sprintf(`toml:%q`, name))}
	}
	fs := []reflect.StructField{field(0, t.Key, reflect.TypeOf(""))}
	for _, f := range t.Fields {
		typ := reflect.TypeOf("")
		if f.Kind == FieldInt {
			typ = reflect.TypeOf(0)
		}
		fs = append(fs, field(len(fs), f.Name, typ))
	}
	fs = append(fs,
		field(len(fs), "by", reflect.TypeOf("")),
		field(len(fs)+1, "reason", reflect.TypeOf("")),
		field(len(fs)+2, "at", timeType),
		field(len(fs)+3, "expires", timePtrType))
	return reflect.StructOf(fs)
}

func entryOf(t *LedgerTable, v reflect.Value) *Entry {
	e := &Entry{Table: t.Name, Key: v.Field(0).String(), Fields: map[string]any{}}
	for i, f := range t.Fields {
		if f.Kind == FieldInt {
			e.Fields[f.Name] = int(v.Field(i + 1).Int())
		} else {
			e.Fields[f.Name] = v.Field(i + 1).String()
		}
	}
	n := len(t.Fields) + 1
	e.By, e.Reason = v.Field(n).String(), v.Field(n+1).String()
	e.At = v.Field(n + 2).Interface().(time.Time)
	e.Expires = v.Field(n + 3).Interface().(*time.Time)
	return e
}

// utcIfLocal reads a TOML local date or date-time (which the decoder puts
// in the machine's time zone) as UTC, as a bare --expires date is: when a
// sign-off lapses must not depend on where it is checked.
func utcIfLocal(t time.Time) time.Time {
	if t.Location() != time.Local {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
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
	t, err := parseConfigAs(name, file, data)
	if err != nil {
		return nil, err
	}
	t.File = file
	return t, nil
}

// Entries returns the entries of a table, in file order (sorted after a
// Write).
func (l *Ledger) Entries(table string) []*Entry { return l.entries[table] }

// Find returns the entry of a table with the given key, or nil.
func (l *Ledger) Find(table, key string) *Entry {
	return l.byKey[table][key]
}

// Put adds an entry to its table, replacing the one with the same key.
func (l *Ledger) Put(e *Entry) {
	old := l.byKey[e.Table][e.Key]
	if old == nil {
		l.add(e)
		return
	}
	list := l.entries[e.Table]
	list[slices.Index(list, old)] = e
	l.byKey[e.Table][e.Key] = e
}

// add appends an entry whose key its table does not hold yet.
func (l *Ledger) add(e *Entry) {
	l.entries[e.Table] = append(l.entries[e.Table], e)
	if l.byKey[e.Table] == nil {
		l.byKey[e.Table] = map[string]*Entry{}
	}
	l.byKey[e.Table][e.Key] = e
}

const signoffHeader = `# preflight sign-offs: written by ` + "`preflight signoff`" + `, reviewed in pull requests.
# Each entry is bound to the exact values it signs; a changed value voids it.
# Guard this file with CODEOWNERS and required review.
`

func writeField(buf *bytes.Buffer, name, value string) {
	fmt.Fprintf(buf, "%s = %s\n", name, words.QuoteTOML(value))
}

// Write writes the file atomically (a temporary file, then a rename), with
// the tables in order and each table's entries sorted by key.
func (l *Ledger) Write(path string) error {
	var buf bytes.Buffer
	buf.WriteString(signoffHeader)
	for _, t := range l.tables {
		list := l.entries[t.Name]
		slices.SortFunc(list, func(a, b *Entry) int { return cmp.Compare(a.Key, b.Key) })
		for _, e := range list {
			fmt.Fprintf(&buf, "\n[[%s]]\n", t.Name)
			writeField(&buf, t.Key, e.Key)
			for _, f := range t.Fields {
				if f.Kind == FieldInt {
					fmt.Fprintf(&buf, "%s = %d\n", f.Name, e.Int(f.Name))
				} else {
					writeField(&buf, f.Name, e.Text(f.Name))
				}
			}
			writeField(&buf, "by", e.By)
			writeField(&buf, "reason", e.Reason)
			fmt.Fprintf(&buf, "at = %s\n", e.At.UTC().Format(time.RFC3339))
			if e.Expires != nil {
				fmt.Fprintf(&buf, "expires = %s\n", e.Expires.UTC().Format(time.RFC3339))
			}
		}
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := writeAtomic(path, buf.Bytes(), mode); err != nil {
		return Errorf(l.File, 0, 0, "cannot write sign-off file: %s", words.FileProblem(err))
	}
	return nil
}

// writeAtomic writes data to path through a temporary file .NAME.tmp-* in
// the same folder, flushed to disk (fsync), then renamed over path, so a
// reader sees the old file or the new one, whole. A temp file that a
// killed run leaves is removed by the next one under the lock (see
// [Bundle.LockLedger]).
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing left to remove
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// tempPrefix is the name prefix of the sign-off file's temp files:
// .NAME.tmp-
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }
