package configdiff

import (
	"bytes"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The YAML library reads YAML 1.1 documents: it refuses a `%YAML 1.2`
// directive and the `\/` escape of YAML 1.2's double-quoted scalars. Both
// are rewritten before parsing, in place and at the same length, so that
// every position stays where it is.

// yaml12Directive matches a `%YAML 1.2` directive line.
var yaml12Directive = regexp.MustCompile(`^%YAML[ \t]+1\.2(?:[ \t]|$)`)

// rewriteYAML12 returns data with the `%YAML 1.2` directives before the
// first document written as `%YAML 1.1`, and with every `\/` escape of a
// double-quoted scalar written as another two-byte escape of a character
// the file does not hold, placeholder, which the caller turns back into
// '/'; slashes is how many there are. It returns data itself when there
// is nothing to rewrite, and ok false when a `\/` escape cannot be
// rewritten (the file holds every candidate character).
func rewriteYAML12(data []byte) (out []byte, placeholder rune, slashes int, ok bool) {
	out = data
	copied := false
	edit := func() {
		if !copied {
			out = bytes.Clone(data)
			copied = true
		}
	}
	// Directives come first, among blank and comment lines.
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		line := strings.TrimRight(string(data[off:end]), "\r")
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed != "" && trimmed[0] != '#' && trimmed[0] != '%' {
			break
		}
		if yaml12Directive.MatchString(line) {
			edit()
			i := off + strings.Index(line, "1.2")
			out[i+2] = '1'
		}
		off = end + 1
	}
	escapes := yamlSlashEscapes(data)
	if len(escapes) == 0 {
		return out, 0, 0, true
	}
	var letter byte
	for _, c := range yamlPlaceholders {
		if !containsAny(data, c.forms) {
			letter, placeholder = c.letter, c.r
			break
		}
	}
	if letter == 0 {
		return nil, 0, 0, false
	}
	edit()
	for _, i := range escapes {
		out[i+1] = letter
	}
	return out, placeholder, len(escapes), true
}

// yamlPlaceholders are the two-byte escapes `\/` may be rewritten as, with
// every way a file can write their character.
var yamlPlaceholders = []struct {
	letter byte
	r      rune
	forms  []string
}{
	{'_', '\u00a0', []string{"\u00a0", `\_`, `\xa0`, `\u00a0`, `\U000000a0`}},
	{'N', '\u0085', []string{"\u0085", `\N`, `\x85`, `\u0085`, `\U00000085`}},
	{'L', '\u2028', []string{"\u2028", `\L`, `\u2028`, `\U00002028`}},
	{'P', '\u2029', []string{"\u2029", `\P`, `\u2029`, `\U00002029`}},
	// Control characters: a file cannot hold them raw, only escaped.
	{'e', '\x1b', []string{"\x1b", `\e`, `\x1b`, `\u001b`, `\U0000001b`}},
	{'a', '\a', []string{"\a", `\a`, `\x07`, `\u0007`, `\U00000007`}},
	{'v', '\v', []string{"\v", `\v`, `\x0b`, `\u000b`, `\U0000000b`}},
	{'f', '\f', []string{"\f", `\f`, `\x0c`, `\u000c`, `\U0000000c`}},
	{'b', '\b', []string{"\b", `\b`, `\x08`, `\u0008`, `\U00000008`}},
	{'0', 0, []string{"\x00", `\0`, `\x00`, `\u0000`, `\U00000000`}},
}

// containsAny reports whether data holds any of forms: a hex escape with
// its digits in either case, anything else exactly.
func containsAny(data []byte, forms []string) bool {
	var lower []byte
	for _, f := range forms {
		if bytes.Contains(data, []byte(f)) {
			return true
		}
		if len(f) > 2 && f[0] == '\\' && (f[1] == 'x' || f[1] == 'u' || f[1] == 'U') {
			if lower == nil {
				lower = bytes.ToLower(data)
			}
			if bytes.Contains(lower, bytes.ToLower([]byte(f))) {
				return true
			}
		}
	}
	return false
}

// yamlSlashEscapes returns the offsets of the `\/` escapes in the
// double-quoted scalars of data. It knows where a scalar may start
// (after indentation, `: `, `- `, `? `, and in flow collections), skips
// comments, single-quoted scalars and the lines of block scalars. It
// may be wrong on odd documents; the caller checks its work against the
// parse (see placeholderCount).
func yamlSlashEscapes(data []byte) []int {
	if !bytes.Contains(data, []byte(`\/`)) {
		return nil
	}
	var offs []int
	n := len(data)
	start := true     // a scalar may start here
	lineStart := true // only indentation so far on this line
	indent := 0       // the current line's indentation
	block := -1       // inside a block scalar below a line indented this much
	flow := 0         // depth of flow collections
	for i := 0; i < n; {
		c := data[i]
		if lineStart {
			j := i
			for j < n && data[j] == ' ' {
				j++
			}
			k := j
			for k < n && (data[k] == '\t' || data[k] == '\r') {
				k++
			}
			blank := k >= n || data[k] == '\n'
			if block >= 0 && (blank || j-i > block) {
				i = byteLineEnd(data, i) + 1
				continue
			}
			block = -1
			indent, i, lineStart = j-i, j, false
			if flow == 0 {
				start = true
			}
			continue
		}
		switch {
		case c == '\n':
			lineStart = true
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#' && (i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n'):
			i = byteLineEnd(data, i)
		case start && c == '"':
			i++
			for i < n && data[i] != '"' {
				if data[i] == '\\' && i+1 < n {
					if data[i+1] == '/' {
						offs = append(offs, i)
					}
					i++
				}
				i++
			}
			i++
			start = false
		case start && c == '\'':
			i++
			for i < n {
				if data[i] == '\'' {
					if i+1 < n && data[i+1] == '\'' {
						i += 2
						continue
					}
					break
				}
				i++
			}
			i++
			start = false
		case start && (c == '|' || c == '>') && flow == 0:
			block = indent
			i = byteLineEnd(data, i)
		case start && (c == '&' || c == '!' || c == '*'):
			for i < n && data[i] != ' ' && data[i] != '\n' && data[i] != '\t' {
				i++
			}
		case c == '[' || c == '{':
			if start || flow > 0 {
				flow++
			}
			start = true
			i++
		case flow > 0 && (c == ']' || c == '}'):
			flow--
			start = false
			i++
		case flow > 0 && c == ',':
			start = true
			i++
		case (c == ':' || c == '-' || c == '?') && (i+1 >= n || data[i+1] == ' ' || data[i+1] == '\n' || data[i+1] == '\r' || data[i+1] == '\t'):
			start = true
			i++
		default:
			// A plain scalar: it ends at ": ", " #" or the line's end.
			start = false
			for i < n && data[i] != '\n' {
				if data[i] == ':' && (i+1 >= n || data[i+1] == ' ' || data[i+1] == '\n') {
					break
				}
				if data[i] == '#' && (data[i-1] == ' ' || data[i-1] == '\t') {
					break
				}
				if flow > 0 && (data[i] == ',' || data[i] == ']' || data[i] == '}') {
					break
				}
				i++
			}
		}
	}
	return offs
}

// restoreSlashes turns each placeholder in the double-quoted scalars below
// n back into '/' and returns how many it turned; every alias's content is
// visited once, where it is written.
func restoreSlashes(n *yaml.Node, placeholder rune, seen map[*yaml.Node]bool) int {
	if n == nil || seen[n] {
		return 0
	}
	seen[n] = true
	count := 0
	if n.Kind == yaml.ScalarNode && n.Style&yaml.DoubleQuotedStyle != 0 && strings.ContainsRune(n.Value, placeholder) {
		count += strings.Count(n.Value, string(placeholder))
		n.Value = strings.ReplaceAll(n.Value, string(placeholder), "/")
	}
	for _, c := range n.Content {
		count += restoreSlashes(c, placeholder, seen)
	}
	return count
}

// byteLineEnd returns the index of the '\n' ending the line at i, or
// len(data).
func byteLineEnd(data []byte, i int) int {
	if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(data)
}
