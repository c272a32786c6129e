package checks

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/checks/internal/csvscan"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

var templateErrorPos = regexp.MustCompile(`^template: [^:]*:(\d+):(?:(\d+):)? ?`)

// templateError turns a text/template parse error into an *preflight.Error
// at the template's line.
func templateError(file string, err error) error {
	msg := err.Error()
	line, col := 0, 0
	if m := templateErrorPos.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
		msg = msg[len(m[0]):]
	}
	return preflight.Errorf(file, line, col, "template does not parse: %s", msg)
}

// execution adds the row to the preview: masked, and rendered.
func (sc *bulkScan) execution(s *csvscan.Scanner, line int) {
	fields := make(map[string]string, s.NumFields())
	for i := range s.NumFields() {
		name := strconv.Itoa(i + 1)
		if i < len(sc.preview.Columns) && sc.preview.Columns[i] != "" && sc.header {
			name = sc.preview.Columns[i]
		}
		v := string(s.Field(i))
		if sc.maskAll || i < len(sc.masked) && sc.masked[i] {
			v = maskValue(v)
		}
		if _, ok := fields[name]; !ok {
			fields[name] = v
		}
	}
	e := preflight.Execution{Line: line, Fields: fields}
	if sc.tmpl != nil {
		var out strings.Builder
		if err := sc.tmpl.Execute(&out, fields); err != nil {
			e.Rendered = "(cannot render: " + strings.TrimPrefix(err.Error(), "template: ") + ")"
		} else {
			e.Rendered = out.String()
		}
	}
	sc.preview.First = append(sc.preview.First, e)
}

// maskValue hides a value but its first character: a***@example.com for an
// email address, a*** otherwise.
func maskValue(v string) string {
	t := strings.TrimSpace(v)
	if t == "" {
		return v
	}
	r, n := utf8.DecodeRuneInString(t)
	if r == utf8.RuneError && n <= 1 {
		r = '?'
	}
	if words.IsEmail(t) {
		return string(r) + "***@" + t[strings.LastIndexByte(t, '@')+1:]
	}
	return string(r) + "***"
}
