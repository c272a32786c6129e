package configdiff

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// parseTOML walks the unstable parser's AST to build the tree with
// positions, then checks the document as go-toml's decoder does (repeated
// keys, redefined tables, numbers beyond 64 bits: tomlCheck). The walk comes first: it refuses
// too deep nesting before anything is built, and a value it cannot load
// is reported by its key, never by its text.
func parseTOML(b *builder) error {
	b.data = crlfToLF(b.data)
	t := &tomlBuilder{builder: b}
	var p unstable.Parser
	p.Reset(b.data)
	t.p = &p
	current := b.root
	for p.NextExpression() {
		e := p.Expression()
		var err error
		switch e.Kind {
		case unstable.KeyValue:
			err = t.keyValue(current, e)
		case unstable.Table:
			current, err = t.table(e)
		case unstable.ArrayTable:
			current, err = t.arrayTable(e)
		}
		if err != nil {
			return err
		}
	}
	if err := p.Error(); err != nil {
		var pe *unstable.ParserError
		if errors.As(err, &pe) {
			return b.errAt(t.at(pe.Highlight), "%s", tomlMessage(pe.Message))
		}
		return b.errAt(Pos{}, "%s", tomlMessage(err.Error()))
	}
	return t.tomlCheck()
}

// tomlChar matches a character go-toml quotes in a message ("U+004C 'L'",
// "U+0001"): it may be part of a value, and the position points at it.
var tomlChar = regexp.MustCompile(`(?s):? U\+[0-9A-F]{4,6}(?: '.')?`)

// tomlMessage cleans a go-toml message: no "toml: " prefix or final period,
// and no text of the document: a quoted character is dropped and a
// message that quotes a value ("unable to parse float: strconv.ParseFloat:
// parsing "..."") is replaced.
func tomlMessage(s string) string {
	s = strings.TrimPrefix(s, "toml: ")
	s = strings.TrimSuffix(s, ".")
	switch {
	case strings.HasPrefix(s, "unable to parse float"):
		if strings.Contains(s, "out of range") {
			return "number " + errFloatRange
		}
		return "invalid float"
	case strings.Contains(s, "strconv."):
		// Any other message of strconv quotes its input.
		s, _, _ = strings.Cut(s, ":")
		return s
	}
	s = tomlChar.ReplaceAllString(s, "")
	return strings.TrimSuffix(s, " but got")
}

// bytePos converts a line and a column counted in bytes (go-toml's) to a
// position counted in code points.
func (b *builder) bytePos(line, col int) Pos {
	if line <= 0 {
		return Pos{}
	}
	b.pos(0) // fill b.lines
	if line > len(b.lines) {
		return Pos{Line: line, Column: col}
	}
	start := b.lines[line-1]
	off := start + col - 1
	if col <= 0 || off > len(b.data) {
		return Pos{Line: line}
	}
	return b.pos(off)
}

type tomlBuilder struct {
	*builder
	p       *unstable.Parser
	headers map[*Node]int // tables defined by a [header], and its line
}

// at returns the position of a slice of the document.
func (t *tomlBuilder) at(sub []byte) Pos {
	off := cap(t.data) - cap(sub)
	if off < 0 || off > len(t.data) {
		return Pos{}
	}
	return t.pos(off)
}

type tomlKeyPart struct {
	name string
	off  int
}

func (t *tomlBuilder) keyParts(e *unstable.Node) []tomlKeyPart {
	var parts []tomlKeyPart
	it := e.Key()
	for it.Next() {
		k := it.Node()
		parts = append(parts, tomlKeyPart{name: string(k.Data), off: int(k.Raw.Offset)})
	}
	return parts
}

// descend finds or makes the map named part under parent; an array of
// tables stands for its last element.
func (t *tomlBuilder) descend(parent *Node, part tomlKeyPart) (*Node, error) {
	n := t.lookup(parent, part.name)
	if n == nil {
		return t.newChild(parent, Segment{Name: part.name}, Map, "", t.pos(part.off), t.pos(part.off))
	}
	if n.Kind == List && len(n.Children) > 0 && n.Children[len(n.Children)-1].Kind == Map {
		return n.Children[len(n.Children)-1], nil
	}
	if n.Kind != Map {
		return nil, t.errAt(t.pos(part.off), "key %q is already %s", n.Key, n.Describe())
	}
	return n, nil
}

func (t *tomlBuilder) table(e *unstable.Node) (*Node, error) {
	parts := t.keyParts(e)
	n := t.root
	for _, part := range parts {
		var err error
		if n, err = t.descend(n, part); err != nil {
			return nil, err
		}
	}
	if len(parts) > 0 {
		// go-toml's decoder refuses it too, but only after this walk,
		// which would report the first key repeated under the table.
		at := t.pos(parts[len(parts)-1].off)
		if first, ok := t.headers[n]; ok {
			return nil, t.errAt(at, "table %q is defined twice (first at line %d)", n.Key, first)
		}
		if t.headers == nil {
			t.headers = map[*Node]int{}
		}
		t.headers[n] = at.Line
	}
	return n, nil
}

func (t *tomlBuilder) arrayTable(e *unstable.Node) (*Node, error) {
	parts := t.keyParts(e)
	if len(parts) == 0 {
		return nil, t.errAt(Pos{}, "empty table name")
	}
	n := t.root
	for _, part := range parts[:len(parts)-1] {
		var err error
		if n, err = t.descend(n, part); err != nil {
			return nil, err
		}
	}
	last := parts[len(parts)-1]
	// The element starts at the "[[" before the name.
	start := parts[0].off
	for start > 0 && (t.data[start-1] == ' ' || t.data[start-1] == '\t') {
		start--
	}
	for k := 0; k < 2 && start > 0 && t.data[start-1] == '['; k++ {
		start--
	}
	list := t.lookup(n, last.name)
	if list == nil {
		var err error
		if list, err = t.newChild(n, Segment{Name: last.name}, List, "", t.pos(last.off), t.pos(start)); err != nil {
			return nil, err
		}
	} else if list.Kind != List {
		return nil, t.errAt(t.pos(last.off), "key %q is already %s", list.Key, list.Describe())
	}
	return t.newChild(list, Segment{Index: len(list.Children), IsIndex: true}, Map, "", t.pos(start), t.pos(start))
}

func (t *tomlBuilder) keyValue(table *Node, e *unstable.Node) error {
	parts := t.keyParts(e)
	if len(parts) == 0 {
		return t.errAt(Pos{}, "empty key")
	}
	n := table
	for _, part := range parts[:len(parts)-1] {
		var err error
		if n, err = t.descend(n, part); err != nil {
			return err
		}
	}
	last := parts[len(parts)-1]
	if old := t.lookup(n, last.name); old != nil {
		return t.errAt(t.pos(last.off), "key %q is defined twice (first at line %d)", old.Key, old.KeyPos.Line)
	}
	// Arrays carry no byte range: find the value after the '='.
	it := e.Key()
	var lastKey *unstable.Node
	for it.Next() {
		lastKey = it.Node()
	}
	at := -1
	if lastKey != nil {
		at = int(lastKey.Raw.Offset + lastKey.Raw.Length)
		for at < len(t.data) && (t.data[at] == ' ' || t.data[at] == '\t' || t.data[at] == '=') {
			at++
		}
	}
	return t.value(n, Segment{Name: last.name}, t.pos(last.off), e.Value(), at)
}

// valueOffset returns where v starts: its range, else at (when known),
// else the '[' before its first element.
func (t *tomlBuilder) valueOffset(v *unstable.Node, at int) int {
	if v.Raw.Length > 0 {
		return int(v.Raw.Offset)
	}
	if at >= 0 {
		return at
	}
	it := v.Children()
	for it.Next() {
		c := it.Node()
		if c.Kind == unstable.Comment {
			continue
		}
		off := t.valueOffset(c, -1)
		if off <= 0 {
			return -1
		}
		for off--; off > 0 && t.data[off] != '['; off-- {
		}
		return off
	}
	return -1
}

// value adds the value v under parent as seg.
func (t *tomlBuilder) value(parent *Node, seg Segment, keyPos Pos, v *unstable.Node, at int) error {
	vpos := parent.ValuePos
	if off := t.valueOffset(v, at); off >= 0 {
		vpos = t.pos(off)
	}
	if seg.IsIndex {
		keyPos = vpos
	}
	raw := string(v.Data)
	var kind Kind
	text := ""
	switch v.Kind {
	case unstable.String:
		kind, text = String, raw
	case unstable.Bool:
		kind, text = Bool, raw
	case unstable.Integer:
		s, ok := canonInt(strings.ReplaceAll(raw, "_", ""), 0)
		if !ok {
			return t.valueError(vpos, parent, seg, "not a valid integer")
		}
		kind, text = Int, s
	case unstable.Float:
		s := strings.ReplaceAll(raw, "_", "")
		switch strings.TrimLeft(s, "+-") {
		case "inf":
			text = "inf"
			if strings.HasPrefix(s, "-") {
				text = "-inf"
			}
		case "nan":
			text = "nan"
		default:
			var ok bool
			if text, ok = parseFloatText(s); !ok {
				if _, err := strconv.ParseFloat(s, 64); errors.Is(err, strconv.ErrRange) {
					return t.valueError(vpos, parent, seg, errFloatRange)
				}
				return t.valueError(vpos, parent, seg, "not a valid float")
			}
		}
		kind = Float
	case unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		k, s, ok := canonTemporal(raw, false)
		if !ok {
			return t.valueError(vpos, parent, seg, "not a valid "+tomlTemporalName(v.Kind))
		}
		kind, text = k, s
	case unstable.Array:
		list, err := t.newChild(parent, seg, List, "", keyPos, vpos)
		if err != nil {
			return err
		}
		it := v.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			if err := t.value(list, Segment{Index: len(list.Children), IsIndex: true}, Pos{}, c, -1); err != nil {
				return err
			}
		}
		return nil
	case unstable.InlineTable:
		m, err := t.newChild(parent, seg, Map, "", keyPos, vpos)
		if err != nil {
			return err
		}
		it := v.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind != unstable.KeyValue {
				continue
			}
			if err := t.keyValue(m, c); err != nil {
				return err
			}
		}
		return nil
	default:
		return t.valueError(vpos, parent, seg, "of an unsupported kind ("+v.Kind.String()+")")
	}
	_, err := t.newChild(parent, seg, kind, text, keyPos, vpos)
	return err
}

func tomlTemporalName(k unstable.Kind) string {
	switch k {
	case unstable.LocalDate:
		return "date"
	case unstable.LocalTime:
		return "time"
	case unstable.LocalDateTime:
		return "local date-time"
	}
	return "date-time"
}
