package preflight

import (
	"bufio"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"unicode/utf8"
)

// The json format writes its document by hand rather than through
// encoding/json: a report of a large input carries hundreds of
// thousands of findings, and reflection, the per-finding MarshalJSON, the
// re-indenting of the whole document and the pass of escapeJSONControls
// over it cost twenty times more than appending the bytes directly. The
// output is byte for byte what writeJSON makes of the same report (see
// TestJSONMatchesEncodingJSON): encoding/json's indentation, field order
// and escaping without HTML escapes, plus DEL and the C1 controls escaped.

// jsonIndent is sixteen levels of indentation, more than a document
// reaches (seven in the several-bundle form), sliced for fewer.
const jsonIndent = "                                "

// appendNewline appends a line break and the indentation of depth levels
// of two spaces.
func appendNewline(b []byte, depth int) []byte {
	b = append(b, '\n')
	for n := 2 * depth; n > 0; n -= len(jsonIndent) {
		b = append(b, jsonIndent[:min(n, len(jsonIndent))]...)
	}
	return b
}

// appendKey appends a new line at depth and the object key k, which is
// plain ASCII needing no escape, with its colon.
func appendKey(b []byte, depth int, k string) []byte {
	b = appendNewline(b, depth)
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"', ':', ' ')
}

// appendStringField appends a string field after the one before it: the
// comma, the key k at depth, the value.
func appendStringField(b []byte, depth int, k, v string) []byte {
	return appendJSONString(appendKey(append(b, ','), depth, k), v)
}

// appendIntField is appendStringField for a number.
func appendIntField(b []byte, depth int, k string, v int) []byte {
	return strconv.AppendInt(appendKey(append(b, ','), depth, k), int64(v), 10)
}

// jsonStream writes a document to w as it is appended to b, b being the
// free end of w's buffer: one finding at a time, so that the document is
// never whole in memory.
type jsonStream struct {
	w *bufio.Writer
	b []byte
}

// spill hands what b holds to w, and w's buffer to its writer when less
// than jsonRoom of it is free, so that the next finding fits in what is
// left rather than in a new slice. A write error is kept by w, which then
// writes nothing more and returns the error from Flush.
func (s *jsonStream) spill() {
	_, _ = s.w.Write(s.b)
	if s.w.Available() < jsonRoom {
		_ = s.w.Flush()
	}
	s.b = s.w.AvailableBuffer()
}

// jsonRoom is the free buffer a finding is appended to: a few times the
// size of a typical one.
const jsonRoom = 4 << 10

// report appends the report's document, with "path" where when where is
// not empty, as an object whose fields are at depth: its opening brace
// where b ends, its closing one at depth-1.
func (s *jsonStream) report(r *Report, where string, depth int) {
	b := append(s.b, '{')
	b = appendKey(b, depth, "schema")
	b = strconv.AppendInt(b, int64(r.Schema), 10)
	b = appendStringField(b, depth, "bundle", r.Bundle)
	b = append(b, ',')
	if where != "" {
		b = appendKey(b, depth, "path")
		b = appendJSONString(b, where)
		b = append(b, ',')
	}
	b = appendKey(b, depth, "passed")
	b = strconv.AppendBool(b, r.Passed)
	b = append(b, ',')
	b = appendKey(b, depth, "findings")
	switch {
	case r.Findings == nil:
		b = append(b, "null"...)
	case len(r.Findings) == 0:
		b = append(b, '[', ']')
	default:
		s.b = append(b, '[')
		s.findings(r.Findings, depth+1)
		b = appendNewline(s.b, depth)
		b = append(b, ']')
	}
	b = append(b, ',')
	b = appendKey(b, depth, "previews")
	b = appendArray(b, r.Previews, depth, func(b []byte, p *Preview) []byte { return appendPreview(b, p, depth+2) })
	if e := r.Error; e != nil {
		b = append(b, ',')
		b = appendKey(b, depth, "error")
		b = append(b, '{')
		b = appendKey(b, depth+1, "file")
		b = appendJSONString(b, e.File)
		b = append(b, ',')
		b = appendKey(b, depth+1, "line")
		b = strconv.AppendInt(b, int64(e.Line), 10)
		b = append(b, ',')
		b = appendKey(b, depth+1, "column")
		b = strconv.AppendInt(b, int64(e.Column), 10)
		b = append(b, ',')
		b = appendKey(b, depth+1, "message")
		b = appendJSONString(b, e.Message)
		b = appendNewline(b, depth)
		b = append(b, '}')
	}
	b = appendNewline(b, depth-1)
	s.b = append(b, '}')
	s.spill()
}

// findings appends the elements of a findings array at depth. Many are
// written on every core, a stretch of findingStretch each, handed to the
// writer in order, at most two stretches a core ahead of it.
func (s *jsonStream) findings(fs []Finding, depth int) {
	cores := runtime.GOMAXPROCS(0)
	if len(fs) < 4*findingStretch || cores == 1 {
		for i := range fs {
			s.b = appendStretch(s.b, fs[i:i+1], i, depth)
			s.spill()
		}
		return
	}
	n := (len(fs) + findingStretch - 1) / findingStretch
	done := make([]chan []byte, n)
	for k := range done {
		done[k] = make(chan []byte, 1)
	}
	ahead := make(chan struct{}, 2*cores)
	free := make(chan []byte, 2*cores) // written stretches' buffers, to fill again
	var next atomic.Int64
	for range cores {
		go func() {
			for {
				ahead <- struct{}{}
				k := int(next.Add(1)) - 1
				if k >= n {
					<-ahead
					return
				}
				var b []byte
				select {
				case b = <-free:
				default:
					b = make([]byte, 0, 512*findingStretch)
				}
				done[k] <- appendStretch(b[:0], fs[k*findingStretch:min((k+1)*findingStretch, len(fs))], k*findingStretch, depth)
			}
		}()
	}
	for k := range n {
		b := <-done[k]
		for rest := b; len(rest) > 0; { // in pieces, as the writer's buffer takes them
			piece := rest[:min(len(rest), jsonRoom)]
			s.b = append(s.b, piece...)
			s.spill()
			rest = rest[len(piece):]
		}
		select {
		case free <- b:
		default:
		}
		<-ahead
	}
}

// findingStretch is how many findings a goroutine of findings writes at
// a time.
const findingStretch = 1024

// appendStretch appends the findings fs, from the from'th of their array
// on (the first of the array has no comma before it), at depth.
func appendStretch(b []byte, fs []Finding, from, depth int) []byte {
	for i := range fs {
		if from+i > 0 {
			b = append(b, ',')
		}
		b = appendNewline(b, depth)
		b = appendFinding(b, &fs[i], depth+1)
	}
	return b
}

// appendArray appends the array of elems as the value of a field at
// depth, each element by elem at depth+1: null for a nil slice, [] for an
// empty one, as encoding/json writes them.
func appendArray[E any](b []byte, elems []E, depth int, elem func(b []byte, e *E) []byte) []byte {
	if elems == nil {
		return append(b, "null"...)
	}
	if len(elems) == 0 {
		return append(b, '[', ']')
	}
	b = append(b, '[')
	for i := range elems {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNewline(b, depth+1)
		b = elem(b, &elems[i])
	}
	b = appendNewline(b, depth)
	return append(b, ']')
}

// appendFinding appends the finding as Finding.MarshalJSON writes it,
// indented: its fields at depth, its subject last.
func appendFinding(b []byte, f *Finding, depth int) []byte {
	b = append(b, '{')
	b = appendKey(b, depth, "rule")
	b = appendJSONString(b, f.Rule)
	b = appendStringField(b, depth, "severity", string(f.Severity))
	b = appendStringField(b, depth, "file", f.File)
	b = appendIntField(b, depth, "line", f.Line)
	b = appendIntField(b, depth, "column", f.Column)
	b = appendStringField(b, depth, "message", f.Message)
	if f.Key != "" {
		b = appendStringField(b, depth, "key", f.Key)
	}
	if f.Subject.Kind != "" {
		b = append(b, ',')
		b = appendSubject(b, f.Subject, depth)
	}
	b = appendNewline(b, depth-1)
	return append(b, '}')
}

// appendSubject appends the subject as a field at depth named after its
// kind.
func appendSubject(b []byte, s Subject, depth int) []byte {
	b = appendNewline(b, depth)
	b = appendJSONString(b, s.Kind)
	b = append(b, ':', ' ')
	return appendJSONString(b, s.Name)
}

// appendPreview appends the preview as Preview.MarshalJSON writes it,
// indented: its fields at depth, its subject first.
func appendPreview(b []byte, p *Preview, depth int) []byte {
	b = append(b, '{')
	if p.Subject.Kind != "" {
		b = appendSubject(b, p.Subject, depth)
		b = append(b, ',')
	}
	b = appendKey(b, depth, "file")
	b = appendJSONString(b, p.File)
	b = appendIntField(b, depth, "rows", p.Rows)
	b = appendIntField(b, depth, "unique", p.Unique)
	b = appendIntField(b, depth, "repeated", p.Repeated)
	b = appendIntField(b, depth, "extra", p.Extra)
	b = append(b, ',')
	b = appendKey(b, depth, "columns")
	b = appendArray(b, p.Columns, depth, func(b []byte, c *string) []byte { return appendJSONString(b, *c) })
	b = append(b, ',')
	b = appendKey(b, depth, "first")
	b = appendArray(b, p.First, depth, func(b []byte, e *Execution) []byte { return appendExecution(b, e, depth+2) })
	b = appendNewline(b, depth-1)
	return append(b, '}')
}

// appendExecution appends the execution with its fields at depth, the
// keys of its Fields sorted as encoding/json sorts a map's.
func appendExecution(b []byte, e *Execution, depth int) []byte {
	b = append(b, '{')
	b = appendKey(b, depth, "line")
	b = strconv.AppendInt(b, int64(e.Line), 10)
	b = append(b, ',')
	b = appendKey(b, depth, "fields")
	switch {
	case e.Fields == nil:
		b = append(b, "null"...)
	case len(e.Fields) == 0:
		b = append(b, '{', '}')
	default:
		b = append(b, '{')
		for i, k := range slices.Sorted(maps.Keys(e.Fields)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendNewline(b, depth+1)
			b = appendJSONString(b, k)
			b = append(b, ':', ' ')
			b = appendJSONString(b, e.Fields[k])
		}
		b = appendNewline(b, depth)
		b = append(b, '}')
	}
	if e.Rendered != "" {
		b = appendStringField(b, depth, "rendered", e.Rendered)
	}
	b = appendNewline(b, depth-1)
	return append(b, '}')
}

// jsonPlain marks the ASCII bytes a JSON string holds as they are: all
// but the C0 controls, DEL, the quote and the backslash.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != 0x7f
	}
	return t
}()

// appendJSONString appends s as a JSON string the way writeJSON writes
// it: encoding/json's escapes without the HTML ones (\b, \f, \n, \r, \t,
// \u00XX for the other C0 controls, \ufffd for each byte of invalid
// UTF-8, \u2028 and \u2029), then DEL and the C1 controls as \u007f to
// \u009f, as escapeJSONControls does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r <= 0x9f: // C1
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
