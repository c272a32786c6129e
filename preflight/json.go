package preflight

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
)

// jsonFormatter writes the report as the contract's JSON document; several
// bundles as {"schema": 1, "passed": B, "bundles": [DOC, ...]}, each DOC
// the one-bundle document plus "path". It writes the document by hand,
// streaming, byte for byte as writeJSON would write the Report (see
// json_fast.go).
type jsonFormatter struct{}

func (jsonFormatter) Format(w io.Writer, run *Run) error {
	s := jsonStream{w: bufio.NewWriterSize(w, 64<<10)}
	s.b = s.w.AvailableBuffer()
	if !run.Several {
		s.report(run.Reports[0], run.Reports[0].Where, 1)
	} else {
		s.b = append(s.b, '{')
		s.b = appendKey(s.b, 1, "schema")
		s.b = append(s.b, '1', ',')
		s.b = appendKey(s.b, 1, "passed")
		s.b = strconv.AppendBool(s.b, run.Passed())
		s.b = append(s.b, ',')
		s.b = appendKey(s.b, 1, "bundles")
		if len(run.Reports) == 0 {
			s.b = append(s.b, '[', ']')
		} else {
			s.b = append(s.b, '[')
			for i, r := range run.Reports {
				if i > 0 {
					s.b = append(s.b, ',')
				}
				s.b = appendNewline(s.b, 2)
				s.report(r, filepath.ToSlash(r.Dir), 3)
			}
			s.b = appendNewline(s.b, 1)
			s.b = append(s.b, ']')
		}
		s.b = append(s.b, '\n', '}')
	}
	s.b = append(s.b, '\n')
	s.spill()
	return s.w.Flush()
}

// writeJSON writes v as indented JSON, as the sarif format does and the
// json format does by hand.
// encoding/json escapes C0 controls and U+2028/U+2029; DEL and the C1
// controls, which JSON allows raw, are escaped as well (\u007f, \u009b), so
// that no input reaches a terminal raw (see words.IsControl).
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeJSONControls(buf.Bytes()))
	return err
}

// escapeJSONControls escapes DEL (0x7f) and the UTF-8 encodings of U+0080
// to U+009F (0xc2 0x80–0x9f) in encoded JSON. Outside strings JSON is
// ASCII without either, so every one of them is inside a string.
func escapeJSONControls(data []byte) []byte {
	if bytes.IndexByte(data, 0x7f) < 0 && bytes.IndexByte(data, 0xc2) < 0 {
		return data
	}
	out := make([]byte, 0, len(data)+16)
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == 0x7f:
			out = append(out, `\u007f`...)
		case c == 0xc2 && i+1 < len(data) && data[i+1] >= 0x80 && data[i+1] <= 0x9f:
			out = fmt.Appendf(out, `\u%04x`, data[i+1])
			i++
		default:
			out = append(out, c)
		}
	}
	return out
}
