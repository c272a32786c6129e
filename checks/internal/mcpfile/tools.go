package mcpfile

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/checks/internal/jsonc"
)

// Tool is one tool of a snapshot: its name and its whole object.
type Tool struct {
	Name  string
	Value *jsonc.Value
}

// ReadTools reads a tool-list snapshot.
func ReadTools(data []byte) ([]Tool, error) {
	root, err := jsonc.Parse(data)
	if err != nil {
		return nil, err
	}
	if err := noRepeats(root, nil); err != nil {
		return nil, err
	}
	list := root
	if root.Kind == jsonc.Object {
		list = root.Get("tools")
		if list == nil {
			switch res := root.Get("result"); {
			case res != nil && res.Kind == jsonc.Object && res.Get("tools") != nil:
				list = res.Get("tools")
			case root.Get("error") != nil:
				return nil, errorf(root.Pos, "the snapshot is a JSON-RPC error response: expected the result of a successful tools/list call")
			default:
				return nil, errorf(root.Pos, `no tools: expected {"tools": [...]}, a JSON-RPC response whose result is that, or an array of tools`)
			}
		}
	}
	if list.Kind != jsonc.Array {
		return nil, errorf(list.Pos, "tools must be an array of tool objects, not %s", list.Kind)
	}
	tools := make([]Tool, 0, len(list.Elems))
	for i, e := range list.Elems {
		if e.Kind != jsonc.Object {
			return nil, errorf(e.Pos, "tools[%d] must be a tool object, not %s", i, e.Kind)
		}
		name := e.Get("name")
		if name == nil || name.Kind != jsonc.String {
			return nil, errorf(e.Pos, "tools[%d] has no string name: expected an object with name, description and inputSchema", i)
		}
		tools = append(tools, Tool{Name: name.Text, Value: e})
	}
	return tools, nil
}

// noRepeats refuses a name repeated in one object anywhere below v.
func noRepeats(v *jsonc.Value, path []string) error {
	switch v.Kind {
	case jsonc.Object:
		seen := make(map[string]bool, len(v.Members))
		for _, m := range v.Members {
			p := append(path[:len(path):len(path)], segment(m.Name))
			if seen[m.Name] {
				return errorf(m.NamePos, "key %s is defined twice", strconv.Quote(joinPath(p)))
			}
			seen[m.Name] = true
			if err := noRepeats(m.Value, p); err != nil {
				return err
			}
		}
	case jsonc.Array:
		for i, e := range v.Elems {
			if err := noRepeats(e, append(path[:len(path):len(path)], "["+strconv.Itoa(i)+"]")); err != nil {
				return err
			}
		}
	}
	return nil
}

// segment writes a key as a path segment: bare when it is made of
// [A-Za-z0-9_-], else quoted with Go's escapes (so invisible characters
// show as \u200b).
func segment(name string) string {
	bare := name != ""
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			bare = false
			break
		}
	}
	if bare {
		return name
	}
	return strconv.QuoteToASCII(name)
}

func joinPath(p []string) string {
	var b strings.Builder
	for i, s := range p {
		if i > 0 && !strings.HasPrefix(s, "[") {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// ScannedFields are the fields of a tool whose strings [Scan] reads.
var ScannedFields = []string{"name", "title", "description", "annotations", "inputSchema", "outputSchema"}

// Hit is a string of a tool that holds a hidden instruction.
type Hit struct {
	Field string // where in the tool: "description", "inputSchema.properties.path.description"
	Key   bool   // the string is a key (a member name), not a value
	Pos   Pos    // where the string starts
	What  string // the code point ("U+200B, a format character") or the phrase ("ignore previous instructions")
}

// Scan reads every string of t's scanned fields, keys included, and
// returns one hit per string that [Hidden] finds something in, in file
// order.
func Scan(t Tool) []Hit {
	var hits []Hit
	for _, m := range t.Value.Members {
		if !isScanned(m.Name) {
			continue
		}
		scanValue(m.Value, []string{m.Name}, &hits)
	}
	return hits
}

func isScanned(name string) bool {
	for _, f := range ScannedFields {
		if f == name {
			return true
		}
	}
	return false
}

func scanValue(v *jsonc.Value, path []string, hits *[]Hit) {
	switch v.Kind {
	case jsonc.String:
		if what, ok := Hidden(v.Text); ok {
			*hits = append(*hits, Hit{Field: joinPath(path), Pos: v.Pos, What: what})
		}
	case jsonc.Object:
		for _, m := range v.Members {
			p := append(path[:len(path):len(path)], segment(m.Name))
			if what, ok := Hidden(m.Name); ok {
				*hits = append(*hits, Hit{Field: joinPath(p), Key: true, Pos: m.NamePos, What: what})
			}
			scanValue(m.Value, p, hits)
		}
	case jsonc.Array:
		for i, e := range v.Elems {
			scanValue(e, append(path[:len(path):len(path)], "["+strconv.Itoa(i)+"]"), hits)
		}
	}
}

// Phrases are the instruction phrases [Hidden] looks for, lower-case.
var Phrases = []string{
	"<important>",
	"ignore previous instructions",
	"ignore all previous instructions",
	"ignore prior instructions",
	"disregard previous instructions",
	"do not tell the user",
	"don't tell the user",
	"without telling the user",
	"~/.ssh",
	"id_rsa",
	"~/.aws",
	"mcp.json",
}

// Hidden reports what hides an instruction in s, if anything: the first
// character that a person does not see (Unicode category Cf or Co, a tag
// character U+E0000–U+E007F, a variation selector U+FE00–U+FE0F or
// U+E0100–U+E01EF, a control character other than tab, LF and CR), named
// by its code point as "U+XXXX, a ..."; else the phrase of [Phrases]
// that occurs first, case-insensitively after collapsing each run of
// white space to one space.
func Hidden(s string) (string, bool) {
	for _, r := range s {
		if what := invisible(r); what != "" {
			return fmt.Sprintf("U+%04X, %s", r, what), true
		}
	}
	low := collapse(s)
	best, at := "", -1
	for _, p := range Phrases {
		if i := strings.Index(low, p); i >= 0 && (at < 0 || i < at) {
			best, at = p, i
		}
	}
	return best, at >= 0
}

// invisible names the kind of r when it is a character a person does not
// see, else "".
func invisible(r rune) string {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return ""
	case r < 0x20 || r == 0x7F || r >= 0x80 && r <= 0x9F:
		return "a control character"
	case r >= 0xE0000 && r <= 0xE007F:
		return "an invisible tag character"
	case r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF:
		return "an invisible variation selector"
	case unicode.Is(unicode.Cf, r):
		return "an invisible format character"
	case unicode.Is(unicode.Co, r):
		return "a private-use character"
	}
	return ""
}

// collapse lower-cases s and turns each run of white space into one
// space.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Visible returns s with every character that [Hidden] calls invisible or
// control written as a Go escape (\u200b, \U000e0041), so that a person
// sees it; everything else is kept.
func Visible(s string) string {
	clean := true
	for _, r := range s {
		if invisible(r) != "" || r == '\t' || r == '\n' || r == '\r' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case invisible(r) == "":
			b.WriteRune(r)
		case r > 0xFFFF:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}
