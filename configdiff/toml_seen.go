package configdiff

import (
	"errors"
	"fmt"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// The check of repeated keys and redefined tables that go-toml's decoder
// makes (its internal SeenTracker), with the same rules and messages, but
// with a map of names under each table: go-toml finds a name by scanning
// every entry after its parent, so a document of n sibling tables (a
// registry of 50,000 aliases) cost n² comparisons.

type seenKind uint8

const (
	seenValue      seenKind = iota + 1
	seenKVTable             // a table made by a dotted key
	seenTable               // a table made by a [header] or above one
	seenArrayTable          // an array of tables
)

func (k seenKind) String() string {
	switch k {
	case seenValue:
		return "value"
	case seenKVTable:
		return "kv-table"
	case seenTable:
		return "table"
	}
	return "array-table"
}

type seenEntry struct {
	kind     seenKind
	explicit bool
	children map[string]*seenEntry
}

// find returns the child named name, or nil.
func (e *seenEntry) find(name []byte) *seenEntry {
	return e.children[string(name)]
}

// create adds a child named name; a nil name makes an anonymous entry (an
// element of an array), which no name finds.
func (e *seenEntry) create(name []byte, kind seenKind, explicit bool) *seenEntry {
	c := &seenEntry{kind: kind, explicit: explicit}
	if name != nil {
		if e.children == nil {
			e.children = map[string]*seenEntry{}
		}
		e.children[string(name)] = c
	}
	return c
}

type tomlSeen struct {
	root, current *seenEntry
}

// tomlCheck reads the document again, as go-toml's decoder would after
// the walk: repeated keys and redefined tables, then each number and date
// as go-toml converts it. The first problem is the error.
func (t *tomlBuilder) tomlCheck() error {
	root := &seenEntry{kind: seenTable, explicit: false}
	s := &tomlSeen{root: root, current: root}
	var p unstable.Parser
	p.Reset(t.data)
	for p.NextExpression() {
		e := p.Expression()
		var err error
		switch e.Kind {
		case unstable.KeyValue:
			err = s.keyValue(s.current, e)
		case unstable.Table:
			err = s.table(e, false)
		case unstable.ArrayTable:
			err = s.table(e, true)
		default:
			continue
		}
		if err != nil {
			return t.errAt(t.at(t.keyRaw(e)), "%s", tomlMessage(err.Error()))
		}
		if e.Kind == unstable.KeyValue {
			if err := t.convertible(e.Value()); err != nil {
				return err
			}
		}
	}
	return nil
}

// keyRaw returns the document's bytes at the start of e's key.
func (t *tomlBuilder) keyRaw(e *unstable.Node) []byte {
	it := e.Key()
	if it.Next() {
		off := int(it.Node().Raw.Offset)
		if off >= 0 && off <= len(t.data) {
			return t.data[off:]
		}
	}
	return nil
}

// table checks a [header] (or a [[header]] when array).
func (s *tomlSeen) table(node *unstable.Node, array bool) error {
	parent := s.root
	it := node.Key()
	for it.Next() {
		name := it.Node().Data
		i := parent.find(name)
		if it.IsLast() {
			switch {
			case i == nil:
				kind := seenTable
				if array {
					kind = seenArrayTable
				}
				s.current = parent.create(name, kind, true)
				return nil
			case array:
				if i.kind != seenArrayTable {
					return fmt.Errorf("key %s already exists as a %s, but should be an array table", name, i.kind)
				}
				i.children = nil // a new element: its keys start afresh
				s.current = i
				return nil
			}
			switch i.kind {
			case seenTable:
				if i.explicit {
					return fmt.Errorf("table %s already exists", name)
				}
				i.explicit = true
				s.current = i
				return nil
			case seenKVTable:
				return fmt.Errorf("table %s already exists as defined by a dotted key", name)
			case seenArrayTable:
				return fmt.Errorf("table %s already exists as an array of tables", name)
			}
			return fmt.Errorf("key %s should be a table, not a %s", name, i.kind)
		}
		if i == nil {
			i = parent.create(name, seenTable, false)
		} else if i.kind == seenValue {
			return fmt.Errorf("key %s already exists as a value", name)
		}
		parent = i
	}
	return errors.New("empty table name")
}

// keyValue checks key = value under parent, inline tables included.
func (s *tomlSeen) keyValue(parent *seenEntry, node *unstable.Node) error {
	it := node.Key()
	for it.Next() {
		name := it.Node().Data
		i := parent.find(name)
		if it.IsLast() {
			if i != nil {
				return fmt.Errorf("key %s is already defined", name)
			}
			return s.value(parent.create(name, seenValue, false), node.Value())
		}
		if i == nil {
			i = parent.create(name, seenKVTable, false)
		} else if i.kind != seenKVTable {
			return fmt.Errorf("key %s is already defined", name)
		}
		parent = i
	}
	return errors.New("empty key")
}

// value checks the keys of the inline tables in v, in arrays too.
func (s *tomlSeen) value(e *seenEntry, v *unstable.Node) error {
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			if err := s.keyValue(e, it.Node()); err != nil {
				return err
			}
		}
	case unstable.Array:
		it := v.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.InlineTable || c.Kind == unstable.Array {
				if err := s.value(e.create(nil, seenValue, false), c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// convertible refuses a number or date in v that go-toml cannot convert
// (an integer beyond 64 bits), with go-toml's message, at the value.
func (t *tomlBuilder) convertible(v *unstable.Node) error {
	switch v.Kind {
	case unstable.Integer, unstable.Float, unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
	case unstable.Array, unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.KeyValue {
				c = c.Value()
			}
			if err := t.convertible(c); err != nil {
				return err
			}
		}
		return nil
	default:
		return nil
	}
	const prefix = "v = "
	var scratch map[string]any
	err := toml.Unmarshal([]byte(prefix+string(v.Data)+"\n"), &scratch)
	if err == nil {
		return nil
	}
	at := int(v.Raw.Offset)
	var de *toml.DecodeError
	if errors.As(err, &de) {
		if line, col := de.Position(); line == 1 && col > len(prefix) && col-1-len(prefix) <= int(v.Raw.Length) {
			at += col - 1 - len(prefix)
		}
		return t.errAt(t.pos(at), "%s", tomlMessage(de.Error()))
	}
	return t.errAt(t.pos(at), "%s", tomlMessage(err.Error()))
}
