package configdiff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// parseJSON reads the document as a stream of tokens, which gives the byte
// offset of every key and value and lets repeated keys be refused.
func parseJSON(b *builder) error {
	// encoding/json turns invalid UTF-8 and lone surrogate escapes into
	// U+FFFD, so that two different files would load equal: refused here.
	if off, msg := jsonEncodingError(b.data); off >= 0 {
		return b.errAt(b.pos(off), "%s", msg)
	}
	j := &jsonBuilder{builder: b, dec: json.NewDecoder(bytes.NewReader(b.data))}
	j.dec.UseNumber()
	tok, start, err := j.next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return b.errAt(Pos{}, "empty JSON file (expected an object)")
		}
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return b.errAt(b.pos(start), "the top level must be an object, not %s", jsonTokenName(tok))
	}
	b.root.KeyPos, b.root.ValuePos = b.pos(start), b.pos(start)
	if err := j.object(b.root); err != nil {
		return err
	}
	if _, start, err := j.next(); !errors.Is(err, io.EOF) {
		if err != nil {
			return err
		}
		return b.errAt(b.pos(start), "unexpected data after the top-level object")
	}
	return nil
}

type jsonBuilder struct {
	*builder
	dec *json.Decoder
}

// next returns the next token and the byte offset where it starts.
func (j *jsonBuilder) next() (json.Token, int, error) {
	start := int(j.dec.InputOffset())
	for start < len(j.data) && strings.IndexByte(" \t\r\n,:", j.data[start]) >= 0 {
		start++
	}
	tok, err := j.dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, start, io.EOF
		}
		return nil, start, j.syntaxError(err, start)
	}
	return tok, start, nil
}

func (j *jsonBuilder) syntaxError(err error, start int) error {
	// The decoder's offsets are not exact within a token: scan the whole
	// input again, which gives the offset just past the bad byte.
	var raw json.RawMessage
	if err2 := json.Unmarshal(j.data, &raw); err2 != nil {
		err = err2
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := int(se.Offset)
		msg := jsonMessage(se.Error())
		if msg != "unexpected end of JSON input" && off > 0 {
			off--
		}
		return j.errAt(j.pos(off), "%s", msg)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return j.errAt(j.pos(len(j.data)), "unexpected end of JSON input")
	}
	return j.errAt(j.pos(start), "%s", jsonMessage(err.Error()))
}

// jsonBadChar matches the character encoding/json quotes in its syntax
// errors ('x', '\”, '\x01').
var jsonBadChar = regexp.MustCompile(`invalid character '(\\'|[^']*)'`)

// jsonMessage strips "json: " and the character quoted after "invalid
// character" unless it is JSON punctuation: the character may be part of
// a value (a secret's first letter), and the position points at it anyway.
func jsonMessage(msg string) string {
	msg = strings.TrimPrefix(msg, "json: ")
	return jsonBadChar.ReplaceAllStringFunc(msg, func(m string) string {
		c := jsonBadChar.FindStringSubmatch(m)[1]
		if len(c) == 1 && strings.Contains("{}[],:\"", c) {
			return m
		}
		return "invalid character"
	})
}

// eof turns an end of input inside a value into an error.
func (j *jsonBuilder) eof(err error) error {
	if errors.Is(err, io.EOF) {
		return j.errAt(j.pos(len(j.data)), "unexpected end of JSON input")
	}
	return err
}

func jsonTokenName(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return fmt.Sprintf("%q", string(t))
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a bool"
	case nil:
		return "null"
	}
	return "a value"
}

// object reads the entries of an object whose '{' was read.
func (j *jsonBuilder) object(n *Node) error {
	for {
		tok, start, err := j.next()
		if err != nil {
			return j.eof(err)
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return nil
		}
		name, ok := tok.(string)
		if !ok {
			return j.errAt(j.pos(start), "expected a key")
		}
		keyPos := j.pos(start)
		if old := j.lookup(n, name); old != nil {
			return j.errAt(keyPos, "key %q is defined twice in one object (first at line %d)", name, old.KeyPos.Line)
		}
		if err := j.value(n, Segment{Name: name}, keyPos); err != nil {
			return err
		}
	}
}

// value reads one value and adds it under parent as seg.
func (j *jsonBuilder) value(parent *Node, seg Segment, keyPos Pos) error {
	tok, start, err := j.next()
	if err != nil {
		return j.eof(err)
	}
	return j.token(parent, seg, keyPos, tok, start)
}

func (j *jsonBuilder) token(parent *Node, seg Segment, keyPos Pos, tok json.Token, start int) error {
	vpos := j.pos(start)
	if seg.IsIndex {
		keyPos = vpos
	}
	var kind Kind
	var text string
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n, err := j.newChild(parent, seg, Map, "", keyPos, vpos)
			if err != nil {
				return err
			}
			return j.object(n)
		case '[':
			n, err := j.newChild(parent, seg, List, "", keyPos, vpos)
			if err != nil {
				return err
			}
			for {
				tok, start, err := j.next()
				if err != nil {
					return j.eof(err)
				}
				if d, ok := tok.(json.Delim); ok && d == ']' {
					return nil
				}
				if err := j.token(n, Segment{Index: len(n.Children), IsIndex: true}, Pos{}, tok, start); err != nil {
					return err
				}
			}
		}
		return j.errAt(vpos, "unexpected %q", string(t))
	case string:
		kind, text = String, t
	case bool:
		kind, text = Bool, fmt.Sprint(t)
	case nil:
		kind, text = Null, "null"
	case json.Number:
		s := string(t)
		if strings.ContainsAny(s, ".eE") {
			var ok bool
			if text, ok = parseFloatText(s); !ok {
				return j.valueError(vpos, parent, seg, errFloatRange)
			}
			kind = Float
		} else {
			var ok bool
			if text, ok = canonInt(s, 10); !ok {
				return j.valueError(vpos, parent, seg, "not a valid integer")
			}
			kind = Int
		}
	default:
		return j.errAt(vpos, "unexpected token")
	}
	_, err := j.newChild(parent, seg, kind, text, keyPos, vpos)
	return err
}

// jsonEncodingError returns the offset of the first byte that is not
// valid UTF-8, or of the first \u escape of a surrogate that is not half
// of a pair, with what is wrong; -1 when there is none. It reads strings
// as JSON writes them and stops caring at the first syntax error, which
// the decoder reports.
func jsonEncodingError(data []byte) (int, string) {
	if utf8.Valid(data) && !bytes.Contains(data, []byte(`\u`)) {
		return -1, ""
	}
	inString := false
	for i := 0; i < len(data); {
		c := data[i]
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRune(data[i:]); r == utf8.RuneError && size == 1 {
				return i, "invalid UTF-8"
			} else {
				i += size
			}
			continue
		}
		switch {
		case c == '"':
			inString = !inString
		case inString && c == '\\' && i+1 < len(data):
			if data[i+1] != 'u' {
				i += 2
				continue
			}
			r, ok := hex4(data[i+2:])
			switch {
			case !ok:
			case r >= 0xDC00 && r <= 0xDFFF:
				return i, "a \\u escape of a low surrogate with no high surrogate before it (lone surrogate)"
			case r >= 0xD800 && r <= 0xDBFF:
				if len(data) >= i+12 && data[i+6] == '\\' && data[i+7] == 'u' {
					if lo, ok := hex4(data[i+8:]); ok && lo >= 0xDC00 && lo <= 0xDFFF {
						i += 12
						continue
					}
				}
				return i, "a \\u escape of a high surrogate with no low surrogate after it (lone surrogate)"
			}
			i += 2
			continue
		}
		i++
	}
	return -1, ""
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
