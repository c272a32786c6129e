package preflight

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/preflight-gate/preflight/configdiff"
)

// ManifestName is the manifest's file name inside a bundle.
const ManifestName = "preflight.toml"

// StarterMark is what the first comment of a file `preflight init` wrote
// says, so that a later hint does not send the user back to init.
const StarterMark = "written by `preflight init`"

// Manifest is the manifest's common fields; each gate's section is decoded
// into the type the gate declares and handed to its Load. Fields with a
// default are filled in by [LoadBundle].
type Manifest struct {
	Version int    `toml:"version"`
	Name    string `toml:"name"`
	Teams   string `toml:"teams"`
	Signoff string `toml:"signoff"`
}

// manifestType is the struct a manifest decodes into: the common fields,
// then one field per gate section, of the type the gate declares.
func manifestType(gates []Gate) reflect.Type {
	fields := []reflect.StructField{{
		Name: "Manifest", Type: reflect.TypeOf(Manifest{}), Anonymous: true,
	}}
	for i, g := range gates {
		info := g.Info()
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("Gate%d", i),
			Type: reflect.PointerTo(reflect.TypeOf(info.Spec)),
			Tag:  reflect.StructTag(fmt.Sprintf(`toml:%q`, info.Section)),
		})
	}
	return reflect.StructOf(fields)
}

// parseManifest strictly decodes the manifest, common fields and every
// gate's section, in one pass. It returns the common fields, each written
// section by gate index (a pointer to the gate's Spec type), and the tree
// for positions. file is the manifest's path as the user reaches it.
func parseManifest(file string, data []byte, gates []Gate) (*Manifest, []any, *configdiff.Tree, error) {
	tree, err := parseTOML(file, data)
	if err != nil {
		return nil, nil, nil, err
	}
	v := reflect.New(manifestType(gates))
	if err := decodeStrict(file, data, tree, v.Interface()); err != nil {
		return nil, nil, nil, err
	}
	m := v.Elem().Field(0).Addr().Interface().(*Manifest)
	if m.Version != 1 {
		if tree.Get("version") == nil {
			return nil, nil, nil, Errorf(file, 0, 0, "missing version: expected version = 1 at the top of the manifest")
		}
		line, col := errorPosition(tree, "version")
		return nil, nil, nil, Errorf(file, line, col, "unsupported manifest version %d: expected 1", m.Version)
	}
	sections := make([]any, len(gates))
	for i := range gates {
		if f := v.Elem().Field(i + 1); !f.IsNil() {
			sections[i] = f.Interface()
		}
	}
	return m, sections, tree, nil
}

func isSlice(v any) bool {
	t := reflect.TypeOf(v)
	return t != nil && t.Kind() == reflect.Slice
}

// decodeStrict decodes TOML into v, refusing unknown keys and wrong types,
// and turns go-toml's errors into *Error with the file's line and column.
// An unknown key is named as tree (the same file, parsed) writes the key
// at that position: go-toml leaves out the names of map entries on the way
// (controls.baseline.error_rate.alarm, not controls.baseline.alarm).
func decodeStrict(file string, data []byte, tree *configdiff.Tree, v any) error {
	dec := toml.NewDecoder(bytes.NewReader(stripBOM(data)))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		de := strict.Errors[0]
		line, col := de.Position()
		key := keyText(de.Key())
		var at *configdiff.Node // the deepest node written there (a.b = 1 writes a and a.b)
		for _, n := range tree.Nodes() {
			if n.KeyPos == (configdiff.Pos{Line: line, Column: col}) && (at == nil || len(n.Path) > len(at.Path)) {
				at = n
			}
		}
		if at != nil && len(at.Path) >= len(de.Key()) {
			key = at.Key
		}
		return Errorf(file, line, col, "unknown key %q", key)
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		return Errorf(file, line, col, "%s", typeProblem(de.Error()))
	}
	return Errorf(file, 0, 0, "%v", err)
}

var decodeMismatch = regexp.MustCompile(`^toml: cannot decode TOML (\w+) into (?:struct field .+ of type )?(.+)$`)

// typeProblem rewrites go-toml's message for a value of the wrong type,
// which names Go types, in the manifest's terms: "expected an integer,
// got a string". Other messages lose only their "toml: " prefix.
func typeProblem(msg string) string {
	m := decodeMismatch.FindStringSubmatch(msg)
	if m == nil {
		return strings.TrimPrefix(msg, "toml: ")
	}
	got := m[1]
	if got == "integer" || got == "array" {
		got = "an " + got
	} else {
		got = "a " + got
	}
	want := "a table"
	switch strings.TrimPrefix(m[2], "*") {
	case "string":
		want = "a string"
	case "int", "int64", "uint", "uint64":
		want = "an integer"
	case "float64":
		want = "a number"
	case "bool":
		want = "true or false"
	case "time.Time":
		want = "a date-time"
	case "[]string":
		want = "a list of strings"
	case "[]interface {}", "[]any":
		want = "a list"
	}
	return fmt.Sprintf("wrong type: expected %s, got %s", want, got)
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

// ParseConfig parses a config file's content into a keyed tree with
// positions, its format chosen by the file's name (.toml .yaml .yml .json
// .env, see configdiff.FormatOf). A file that does not parse is an *Error
// at the file's own position; file names it as the user reaches it. It is
// the one conversion of configdiff's errors: Bundle.Config uses it too.
func ParseConfig(file string, data []byte) (*configdiff.Tree, error) {
	return parseConfigAs(file, file, data)
}

// parseConfigAs parses data in the format that name says; errors name
// file.
func parseConfigAs(name, file string, data []byte) (*configdiff.Tree, error) {
	t, err := configdiff.Parse(name, data)
	if err != nil {
		var ce *configdiff.Error
		if errors.As(err, &ce) {
			return nil, Errorf(file, ce.Pos.Line, ce.Pos.Column, "%s", ce.Msg)
		}
		return nil, Errorf(file, 0, 0, "%v", err)
	}
	return t, nil
}
