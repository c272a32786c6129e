package configdiff

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// parseEnv reads `KEY=value` lines: an optional `export ` prefix, `#`
// comments and blank lines; a value is unquoted (trimmed, ending at " #"),
// single-quoted (literal) or double-quoted (with \n, \r, \t, \", \\ and \$
// escapes); a quoted value may span lines. Every value is a string and a
// key is one segment.
func parseEnv(b *builder) error {
	if !utf8.Valid(b.data) {
		off := 0
		for off < len(b.data) {
			r, size := utf8.DecodeRune(b.data[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		return b.errAt(b.pos(off), "invalid UTF-8")
	}
	b.data = crlfToLF(b.data)
	s := string(b.data)
	i := 0
	for i < len(s) {
		// One line (or one quoted value spanning lines) per iteration.
		i = skipBlanks(s, i)
		if i >= len(s) {
			break
		}
		switch s[i] {
		case '\n':
			i++
			continue
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i += 2
				continue
			}
		case '#':
			i = lineEnd(s, i)
			continue
		}
		lineStart := i
		if strings.HasPrefix(s[i:], "export ") || strings.HasPrefix(s[i:], "export\t") {
			i = skipBlanks(s, i+len("export"))
		}
		keyStart := i
		for i < len(s) && s[i] != '=' && s[i] != '\n' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' {
			i++
		}
		key := s[keyStart:i]
		i = skipBlanks(s, i)
		if i >= len(s) || s[i] != '=' {
			// The line may be part of a value (a PEM body or a base64 line
			// of a secret's): nothing of it is quoted.
			return b.errAt(b.pos(lineStart), "expected KEY=value: the line has no '=' after its first word (quote a value that spans lines)")
		}
		if key == "" {
			return b.errAt(b.pos(keyStart), "missing key before '='")
		}
		if !validEnvKey(key) {
			// Not quoted either: it may be a line of a value.
			return b.errAt(b.pos(keyStart), "invalid key: expected a letter or '_' followed by letters, digits, '_', '.' or '-'")
		}
		i = skipBlanks(s, i+1)
		valueStart := i
		value, next, err := envValue(b, s, i, key)
		if err != nil {
			return err
		}
		i = next
		keyPos := b.pos(keyStart)
		if old := b.lookup(b.root, key); old != nil {
			return b.errAt(keyPos, "key %q is defined twice (first at line %d)", key, old.KeyPos.Line)
		}
		if _, err := b.newChild(b.root, Segment{Name: key}, String, value, keyPos, b.pos(valueStart)); err != nil {
			return err
		}
	}
	return nil
}

// validEnvKey reports whether k is a variable name: a letter or '_', then
// letters, digits, '_', '.' or '-'. A line of a base64 or PEM body (with
// '+' or '/') is not one.
func validEnvKey(k string) bool {
	for i, r := range k {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (unicode.IsDigit(r) || r == '.' || r == '-'):
		default:
			return false
		}
	}
	return k != ""
}

func skipBlanks(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// lineEnd returns the index of the '\n' ending the line at i, or len(s).
func lineEnd(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}

// envValue reads the value at i and returns it with the index after its
// line.
func envValue(b *builder, s string, i int, key string) (string, int, error) {
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		q := s[i]
		var out strings.Builder
		j := i + 1
		for {
			if j >= len(s) {
				return "", 0, b.errAt(b.pos(i), "unterminated quoted value")
			}
			c := s[j]
			if c == q {
				j++
				break
			}
			if c == '\\' && q == '"' && j+1 < len(s) {
				switch e := s[j+1]; e {
				case 'n':
					out.WriteByte('\n')
				case 'r':
					out.WriteByte('\r')
				case 't':
					out.WriteByte('\t')
				case '"', '\\', '$':
					out.WriteByte(e)
				default:
					out.WriteByte('\\')
					out.WriteByte(e)
				}
				j += 2
				continue
			}
			out.WriteByte(c)
			j++
		}
		// Only blanks or a comment may follow the closing quote.
		k := skipBlanks(s, j)
		end := lineEnd(s, k)
		rest := strings.TrimRight(s[k:end], "\r")
		if rest != "" && rest[0] != '#' {
			return "", 0, b.errAt(b.pos(k), "unexpected text after the quoted value of %q", key)
		}
		return out.String(), end, nil
	}
	end := lineEnd(s, i)
	v := strings.TrimRight(s[i:end], "\r")
	if v != "" && v[0] == '#' {
		v = ""
	}
	if k := strings.Index(v, " #"); k >= 0 {
		v = v[:k]
	}
	if k := strings.Index(v, "\t#"); k >= 0 {
		v = v[:k]
	}
	v = strings.TrimRight(v, " \t")
	if strings.Contains(v, "-----BEGIN ") && !strings.Contains(v, "-----END ") {
		// The block's body on the next lines would be read as keys.
		return "", 0, b.errAt(b.pos(i), "value of %q starts a multi-line block (-----BEGIN) without quotes: quote a value that spans lines", key)
	}
	return v, end, nil
}
