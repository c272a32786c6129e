package checks

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"time"
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

// Preview bounds (SPEC "Limits and hostile input"): whatever a record's
// width or a field's length, a preview row keeps at most previewMaxFields
// fields of at most previewMaxChars characters, and its rendered template
// at most renderMaxBytes; rendering every row of one preview takes at most
// renderTime. A cut says so.
const (
	previewMaxFields = 100
	previewMaxChars  = 1000
	renderMaxBytes   = 64 << 10
	renderTime       = time.Second
)

// execution adds the row to the preview: bounded, masked, and rendered.
// When the manifest masks any column, every field of a malformed record
// is masked: a ragged row or a broken quote shifts values into other
// columns, an email into an unmasked one.
func (sc *bulkScan) execution(s *csvscan.Scanner, line int) {
	n := min(s.NumFields(), previewMaxFields)
	maskAll := sc.maskAll || len(sc.spec.Mask) > 0 && (len(s.Problems()) > 0 || s.Partial() || s.NumFields() != sc.width)
	fields := make(map[string]string, n)
	for i := range n {
		name := strconv.Itoa(i + 1)
		if i < len(sc.preview.Columns) && sc.preview.Columns[i] != "" && sc.header {
			name = sc.preview.Columns[i]
		}
		v := string(s.Field(i))
		if maskAll || i < len(sc.masked) && sc.masked[i] {
			v = maskValue(v)
		}
		if _, ok := fields[name]; !ok {
			fields[name] = cutField(v)
		}
	}
	e := preflight.Execution{Line: line, Fields: fields}
	if sc.tmpl != nil {
		e.Rendered = sc.render.render(sc.tmpl, fields)
	}
	sc.preview.First = append(sc.preview.First, e)
}

// cutField keeps at most previewMaxChars characters of v; a cut value
// ends in "…".
func cutField(v string) string {
	if len(v) <= previewMaxChars {
		return v
	}
	n := 0
	for i := range v {
		if n == previewMaxChars {
			return v[:i] + "…"
		}
		n++
	}
	return v
}

// errRenderCut stops a template that reached a bound.
var errRenderCut = errors.New("the preview's template budget is spent")

// renderBudget bounds the template output of one preview: 64 KiB a row and
// 1 s for all its rows. text/template cannot be interrupted, so a row
// renders on its own goroutine: at the deadline the preview goes on
// without it, and the template stops at its next output or function call
// (a template that calls neither, such as {{range 1000000000}}{{end}},
// runs on until preflight exits, which is soon: nothing waits for it).
// printf, print and println are replaced by bounded ones, so that no
// value a template builds grows past 64 KiB either.
type renderBudget struct {
	deadline time.Time
	stop     atomic.Bool
}

// reset makes the budget whole again, for a preview made again.
func (r *renderBudget) reset() {
	r.deadline = time.Time{}
	r.stop.Store(false)
}

// funcs are the bounded printf, print and println, for template.Funcs.
func (r *renderBudget) funcs() template.FuncMap {
	bounded := func(s string) (string, error) {
		if r.stop.Load() {
			return "", errRenderCut
		}
		if len(s) > renderMaxBytes {
			return "", errRenderCut
		}
		return s, nil
	}
	return template.FuncMap{
		"printf":  func(f string, a ...any) (string, error) { return bounded(fmt.Sprintf(f, a...)) },
		"print":   func(a ...any) (string, error) { return bounded(fmt.Sprint(a...)) },
		"println": func(a ...any) (string, error) { return bounded(fmt.Sprintln(a...)) },
	}
}

// render runs the template over a row's fields within the budget.
func (r *renderBudget) render(t *template.Template, fields map[string]string) string {
	now := time.Now()
	if r.deadline.IsZero() {
		r.deadline = now.Add(renderTime)
	}
	if r.stop.Load() || !now.Before(r.deadline) {
		r.stop.Store(true)
		return "(not rendered: the preview's template time, 1 s, is spent)"
	}
	w := &cappedWriter{stop: &r.stop}
	done := make(chan error, 1)
	go func() { done <- t.Execute(w, fields) }()
	timer := time.NewTimer(time.Until(r.deadline))
	defer timer.Stop()
	select {
	case err := <-done:
		switch {
		case errors.Is(err, errRenderCut):
			return w.String() + "… (cut: the rendered row is over 64 KiB)"
		case err != nil:
			return "(cannot render: " + strings.TrimPrefix(err.Error(), "template: ") + ")"
		}
		return w.String()
	case <-timer.C:
		r.stop.Store(true)
		return w.String() + "… (cut: rendering took over 1 s)"
	}
}

// cappedWriter keeps at most renderMaxBytes of a row's output; the write
// that would pass it, or any after the budget is spent, fails.
type cappedWriter struct {
	mu   sync.Mutex
	buf  []byte
	stop *atomic.Bool
}

func (w *cappedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stop.Load() {
		return 0, errRenderCut
	}
	if room := renderMaxBytes - len(w.buf); len(p) > room {
		w.buf = append(w.buf, p[:room]...)
		return room, errRenderCut
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

func (w *cappedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.ToValidUTF8(string(w.buf), "")
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
