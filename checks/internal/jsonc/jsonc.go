// Package jsonc reads JSON with comments and trailing commas (the JWCC
// form that MCP clients accept in .mcp.json and .vscode/mcp.json) into a
// small tree in which every value and every object member name keeps its
// position: a 1-based line and a 1-based column counted in Unicode code
// points.
//
// The syntax is parsed by github.com/tailscale/hujson; this package adds
// what a gate over untrusted files needs on top of it:
//
//   - strings are decoded here, refusing invalid UTF-8 and lone surrogate
//     escapes (\ud800) rather than turning them into U+FFFD, so two
//     different files never read as one;
//   - nesting is limited to [MaxDepth] levels and a document to
//     [MaxValues] values, checked before the tree is built, so a hostile
//     file cannot exhaust the stack or the memory;
//   - an [*Error] carries a position and a message that never quotes the
//     file's content;
//   - a UTF-8 byte order mark at the start is skipped (columns on the
//     first line count from after it).
//
// Objects keep their members in file order, repeated names included: what
// a repeated name means is for the reader of the document to decide.
// Numbers keep their literal text.
package jsonc

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tailscale/hujson"
)

// Limits of [Parse].
const (
	MaxDepth  = 256       // nesting of objects and arrays; the top level is depth 1
	MaxValues = 1_000_000 // values of a document, object members counted once each
)

// Pos is a 1-based position; Column counts Unicode code points. 0 means
// unknown.
type Pos struct{ Line, Column int }

// Kind is the type of a JSON value.
type Kind uint8

// The kinds of values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Object
	Array
)

var kindNames = [...]string{"null", "a boolean", "a number", "a string", "an object", "an array"}

// String names the kind as a message would: "null", "a boolean", "a
// number", "a string", "an object", "an array".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Value is one JSON value with its position.
type Value struct {
	Kind    Kind
	Pos     Pos      // where the value starts
	Text    string   // a string's decoded text, a number's literal, "true", "false" or "null"
	Members []Member // an object's members in file order
	Elems   []*Value // an array's elements
}

// Member is one name and value of an object.
type Member struct {
	Name    string
	NamePos Pos // where the quoted name starts
	Value   *Value
}

// Get returns the value of the first member called name, or nil.
func (v *Value) Get(name string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for _, m := range v.Members {
		if m.Name == name {
			return m.Value
		}
	}
	return nil
}

// Error is a syntax or limit error at a position of the document. Its
// message never quotes the document.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	if e.Pos.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return e.Msg
}

var bom = []byte("\uFEFF")

// Parse reads one JSON-with-comments document. Errors are *Error.
func Parse(data []byte) (*Value, error) {
	base := 0
	if bytes.HasPrefix(data, bom) {
		base = len(bom)
	}
	p := &parser{data: data, off: base, line: 1, col: 1}
	if err := p.precheck(base); err != nil {
		return nil, err
	}
	hv, err := hujson.Parse(data[base:])
	if err != nil {
		return nil, p.syntaxError(base, err)
	}
	return p.convert(base, &hv)
}

// parser turns hujson's tree into Values. Offsets are visited in
// increasing order, so the position cursor only moves forward.
type parser struct {
	data           []byte
	off, line, col int
}

// pos returns the position of byte offset off, which must not be before
// the last one asked for.
func (p *parser) pos(off int) Pos {
	if off > len(p.data) {
		off = len(p.data)
	}
	for p.off < off {
		c := p.data[p.off]
		switch {
		case c == '\n':
			p.line++
			p.col = 1
			p.off++
		case c < utf8.RuneSelf:
			p.col++
			p.off++
		default:
			_, n := utf8.DecodeRune(p.data[p.off:])
			p.col++
			p.off += n
		}
	}
	return Pos{p.line, p.col}
}

// precheck bounds nesting and the number of values before hujson, whose
// parser recurses and allocates per value, sees the document. It skips
// strings and comments as the grammar does; any syntax error is left to
// hujson.
func (p *parser) precheck(base int) error {
	b := p.data
	depth, values := 0, 1
	for i := base; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '/':
			if i+1 < len(b) && b[i+1] == '/' {
				j := bytes.IndexByte(b[i:], '\n')
				if j < 0 {
					return nil
				}
				i += j
			} else if i+1 < len(b) && b[i+1] == '*' {
				j := bytes.Index(b[i+2:], []byte("*/"))
				if j < 0 {
					return nil
				}
				i += j + 3
			}
		case '{', '[':
			depth++
			values++
			if depth > MaxDepth {
				return &Error{Pos: p.posCopy(i), Msg: fmt.Sprintf("nesting deeper than %d levels", MaxDepth)}
			}
		case '}', ']':
			depth--
		case ',', ':':
			values++
		}
		if values > MaxValues {
			return &Error{Pos: p.posCopy(i), Msg: fmt.Sprintf("more than %d values", MaxValues)}
		}
	}
	return nil
}

// posCopy is pos without moving the cursor.
func (p *parser) posCopy(off int) Pos {
	q := *p
	return q.pos(off)
}

// syntaxError turns hujson's error into an *Error at the same place. Its
// messages start "hujson: line L, column C: " (C counting bytes) and may
// quote the document, so only its position and the description of the
// place are kept.
func (p *parser) syntaxError(base int, err error) error {
	msg := err.Error()
	var line, col int
	if _, e := fmt.Sscanf(msg, "hujson: line %d, column %d:", &line, &col); e != nil || line < 1 || col < 1 {
		return &Error{Msg: "invalid JSON"}
	}
	off := base
	for l := 1; l < line; l++ {
		j := bytes.IndexByte(p.data[off:], '\n')
		if j < 0 {
			break
		}
		off += j + 1
	}
	off += col - 1
	return &Error{Pos: p.posCopy(off), Msg: describe(msg)}
}

// places are hujson's descriptions of where a bad character stands.
var places = []string{
	"after top-level value",
	"at start of object name",
	"after object name",
	"after object value (expecting ',' or '}')",
	"after array value (expecting ',' or ']')",
	"at start of value",
	"in line comment",
}

func describe(msg string) string {
	switch {
	case strings.HasSuffix(msg, "unexpected EOF"):
		return "unexpected end of file"
	case strings.HasSuffix(msg, "invalid UTF-8 in comment"):
		return "invalid UTF-8 in a comment"
	case strings.Contains(msg, ": invalid literal"):
		return "invalid literal (expected a string, number, true, false or null)"
	}
	for _, pl := range places {
		if strings.HasSuffix(msg, " "+pl) {
			return "unexpected character " + strings.ReplaceAll(pl, "'", "")
		}
	}
	return "invalid JSON"
}

func (p *parser) convert(base int, hv *hujson.Value) (*Value, error) {
	v := &Value{Pos: p.pos(base + hv.StartOffset)}
	switch t := hv.Value.(type) {
	case *hujson.Object:
		v.Kind = Object
		v.Members = make([]Member, 0, len(t.Members))
		for i := range t.Members {
			m := &t.Members[i]
			namePos := p.pos(base + m.Name.StartOffset)
			lit, _ := m.Name.Value.(hujson.Literal)
			name, err := p.unquote(base+m.Name.StartOffset, lit)
			if err != nil {
				return nil, err
			}
			val, err := p.convert(base, &m.Value)
			if err != nil {
				return nil, err
			}
			v.Members = append(v.Members, Member{Name: name, NamePos: namePos, Value: val})
		}
	case *hujson.Array:
		v.Kind = Array
		v.Elems = make([]*Value, 0, len(t.Elements))
		for i := range t.Elements {
			e, err := p.convert(base, &t.Elements[i])
			if err != nil {
				return nil, err
			}
			v.Elems = append(v.Elems, e)
		}
	case hujson.Literal:
		switch t.Kind() {
		case '"':
			s, err := p.unquote(base+hv.StartOffset, t)
			if err != nil {
				return nil, err
			}
			v.Kind, v.Text = String, s
		case '0':
			v.Kind, v.Text = Number, string(t)
		case 't', 'f':
			v.Kind, v.Text = Bool, string(t)
		default:
			v.Kind, v.Text = Null, "null"
		}
	default:
		return nil, &Error{Pos: v.Pos, Msg: "invalid JSON"}
	}
	return v, nil
}

// unquote decodes the string literal lit that starts at byte offset off.
// hujson has checked its syntax; the UTF-8 and the surrogates are checked
// here.
func (p *parser) unquote(off int, lit []byte) (string, error) {
	if len(lit) < 2 || lit[0] != '"' || lit[len(lit)-1] != '"' {
		return "", &Error{Pos: p.posCopy(off), Msg: "expected a string"}
	}
	body := lit[1 : len(lit)-1]
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return string(body), nil
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n == 1 {
				return "", &Error{Pos: p.posCopy(off + 1 + i), Msg: "invalid UTF-8 in a string"}
			}
			b.Write(body[i : i+n])
			i += n
			continue
		}
		if i+1 >= len(body) {
			return "", &Error{Pos: p.posCopy(off + 1 + i), Msg: "invalid escape in a string"}
		}
		e := body[i+1]
		if c, ok := escapes[e]; ok {
			b.WriteByte(c)
			i += 2
			continue
		}
		if e != 'u' {
			return "", &Error{Pos: p.posCopy(off + 1 + i), Msg: "invalid escape in a string"}
		}
		r, ok := hex4(body, i+2)
		if !ok {
			return "", &Error{Pos: p.posCopy(off + 1 + i), Msg: "invalid \\u escape in a string"}
		}
		i += 6
		if utf16.IsSurrogate(r) {
			r2, ok2 := rune(0), false
			if i+1 < len(body) && body[i] == '\\' && body[i+1] == 'u' {
				r2, ok2 = hex4(body, i+2)
			}
			pair := utf16.DecodeRune(r, r2)
			if !ok2 || pair == utf8.RuneError {
				return "", &Error{Pos: p.posCopy(off + 1 + i - 6), Msg: "lone surrogate escape in a string (expected a valid UTF-16 pair)"}
			}
			r = pair
			i += 6
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}

// escapes are the one-character escapes of JSON strings.
var escapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}
