package configdiff

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A Segment of a key path is a name or a list index.
type Segment struct {
	Name    string
	Index   int
	IsIndex bool
}

// Path is a key path: `a.b[0].c`.
type Path []Segment

// maxIndex bounds list indexes written in paths and globs.
const maxIndex = 1<<31 - 1

func isBare(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isBareByte(s[i]) {
			return false
		}
	}
	return true
}

func isBareByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// String writes the path as `a.b[0].c`; a name that is not made of
// [A-Za-z0-9_-] only is quoted as strconv.Quote does: `servers."eu.west"`.
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p {
		writeSegment(&b, i, s)
	}
	return b.String()
}

func writeSegment(b *strings.Builder, i int, s Segment) {
	if s.IsIndex {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(s.Index))
		b.WriteByte(']')
		return
	}
	if i > 0 {
		b.WriteByte('.')
	}
	if isBare(s.Name) {
		b.WriteString(s.Name)
	} else {
		b.WriteString(strconv.Quote(s.Name))
	}
}

// child returns p extended by s in a new slice.
func (p Path) child(s Segment) Path {
	q := make(Path, len(p), len(p)+1)
	copy(q, p)
	return append(q, s)
}

// ParsePath parses a key written as [Path.String] writes it.
func ParsePath(s string) (Path, error) {
	segs, err := parseSegments(s, false)
	if err != nil {
		return nil, err
	}
	p := make(Path, len(segs))
	for i, g := range segs {
		p[i] = g.Segment
	}
	return p, nil
}

// globSeg is a segment of a path or glob pattern.
type globSeg struct {
	Segment
	star     bool // `*`: any one segment
	starStar bool // `**`: any number of segments
}

// parseSegments parses a key or, with glob set, a glob pattern.
func parseSegments(s string, glob bool) ([]globSeg, error) {
	what := "key"
	if glob {
		what = "pattern"
	}
	fail := func(format string, args ...any) ([]globSeg, error) {
		// A key may come from a sign-off file, which an error never
		// quotes; a pattern is the user's own, quoted when short.
		if glob && len(s) <= 100 {
			return nil, fmt.Errorf("invalid %s %q: %s", what, s, fmt.Sprintf(format, args...))
		}
		return nil, fmt.Errorf("invalid %s: %s", what, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return nil, fmt.Errorf("empty %s", what)
	}
	var segs []globSeg
	i := 0
	for i < len(s) {
		if glob && len(segs) == MaxGlobSegments {
			return fail("more than %d segments", MaxGlobSegments)
		}
		if s[i] == '[' {
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return fail("missing ']'")
			}
			num := s[i+1 : i+j]
			i += j + 1
			if glob && num == "*" {
				segs = append(segs, globSeg{star: true, Segment: Segment{IsIndex: true}})
			} else {
				n, err := parseIndex(num)
				if err != nil {
					return fail("%v", err)
				}
				segs = append(segs, globSeg{Segment: Segment{Index: n, IsIndex: true}})
			}
		} else {
			if len(segs) > 0 {
				if s[i] != '.' {
					return fail("expected '.' or '[' at offset %d", i)
				}
				i++
			}
			if i >= len(s) {
				return fail("missing name after '.'")
			}
			switch {
			case s[i] == '"':
				name, n, err := unquotePrefix(s[i:])
				if err != nil {
					return fail("%v", err)
				}
				segs = append(segs, globSeg{Segment: Segment{Name: name}})
				i += n
			case glob && s[i] == '*':
				j := i
				for j < len(s) && s[j] == '*' {
					j++
				}
				switch j - i {
				case 1:
					segs = append(segs, globSeg{star: true})
				case 2:
					segs = append(segs, globSeg{starStar: true})
				default:
					return fail("%d stars at offset %d are not a wildcard (use * or **)", j-i, i)
				}
				if j < len(s) && s[j] != '.' && s[j] != '[' {
					return fail("a wildcard must be a whole segment")
				}
				i = j
			default:
				j := i
				for j < len(s) && isBareByte(s[j]) {
					j++
				}
				if j == i {
					return fail("unexpected character at offset %d (quote names with other characters)", i)
				}
				segs = append(segs, globSeg{Segment: Segment{Name: s[i:j]}})
				i = j
			}
		}
	}
	return segs, nil
}

func parseIndex(num string) (int, error) {
	if num == "" {
		return 0, errors.New("empty index")
	}
	n := 0
	for i := 0; i < len(num); i++ {
		c := num[i]
		if c < '0' || c > '9' {
			return 0, errors.New("an index must be a number")
		}
		d := int(c - '0')
		if n > (maxIndex-d)/10 { // before n*10 + d, which can overflow an int of 32 bits
			return 0, fmt.Errorf("an index is at most %d", maxIndex)
		}
		n = n*10 + d
	}
	return n, nil
}

// unquotePrefix unquotes the Go double-quoted string at the start of s and
// returns it with the number of bytes it took.
func unquotePrefix(s string) (string, int, error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			u, err := strconv.Unquote(s[:i+1])
			if err != nil {
				return "", 0, errors.New("bad escape in a quoted name")
			}
			return u, i + 1, nil
		}
	}
	return "", 0, errors.New("unterminated quoted name")
}

// Glob limits: a pattern list holds at most MaxGlobs patterns and a
// pattern at most MaxGlobSegments segments, so that matching every key of
// a file stays cheap (it costs at most key depth × pattern segments per
// key and pattern).
const (
	MaxGlobs        = 1000
	MaxGlobSegments = 64
)

// Glob is a compiled key pattern: `*` matches one segment (a name or an
// index), `**` any number of segments including zero, `[*]` any index;
// other segments are written as in a [Path]. Name segments match
// case-insensitively (`**.error_email` finds the .env key ERROR_EMAIL).
type Glob struct {
	pattern string
	segs    []globSeg
}

// CompileGlob compiles a key pattern such as `urls.*` or `**.on_error.notify`
// of at most [MaxGlobSegments] segments.
func CompileGlob(pattern string) (*Glob, error) {
	segs, err := parseSegments(pattern, true)
	if err != nil {
		return nil, err
	}
	return &Glob{pattern: pattern, segs: segs}, nil
}

// String returns the pattern as written.
func (g *Glob) String() string { return g.pattern }

// match runs the matcher over p: ok[j] reports whether the whole pattern
// matches p[:j]. It costs len(p) × the pattern's segments, whatever the
// stars: no backtracking. ok and next are scratch space of len(p)+1.
func (g *Glob) match(p Path, ok, next []bool) []bool {
	clear(ok)
	ok[0] = true
	for _, s := range g.segs {
		for j := 0; j <= len(p); j++ {
			switch {
			case s.starStar:
				next[j] = ok[j] || j > 0 && next[j-1]
			case j == 0:
				next[j] = false
			case s.star:
				next[j] = ok[j-1] && (!s.IsIndex || p[j-1].IsIndex)
			default:
				next[j] = ok[j-1] && segmentMatch(s.Segment, p[j-1])
			}
		}
		ok, next = next, ok
	}
	return ok
}

// scratch runs f with two slices of len(p)+1 for match: on the stack for
// the depths a tree holds.
func scratch(p Path, f func(ok, next []bool) bool) bool {
	if len(p) <= maxDepth {
		var a, b [maxDepth + 1]bool
		return f(a[:len(p)+1], b[:len(p)+1])
	}
	return f(make([]bool, len(p)+1), make([]bool, len(p)+1))
}

// segmentMatch compares a pattern's plain segment with a key's: names
// case-insensitively, indexes exactly.
func segmentMatch(pat, key Segment) bool {
	if pat.IsIndex || key.IsIndex {
		return pat == key
	}
	return pat.Name == key.Name || strings.EqualFold(pat.Name, key.Name)
}

// Match reports whether g matches exactly p.
func (g *Glob) Match(p Path) bool {
	return scratch(p, func(ok, next []bool) bool { return g.match(p, ok, next)[len(p)] })
}

// Covers reports whether g matches p or any of its parents.
func (g *Glob) Covers(p Path) bool {
	return scratch(p, func(ok, next []bool) bool {
		ok = g.match(p, ok, next)
		if len(p) == 0 {
			return ok[0]
		}
		for _, m := range ok[1:] {
			if m {
				return true
			}
		}
		return false
	})
}

// GlobSet is a list of globs; it matches what any of them matches.
type GlobSet []*Glob

// CompileGlobs compiles a list of at most [MaxGlobs] patterns; the error
// names the first bad one.
func CompileGlobs(patterns []string) (GlobSet, error) {
	s, _, err := CompileGlobList(patterns)
	return s, err
}

// CompileGlobList is [CompileGlobs] that also tells which pattern is bad:
// its index, or -1 when the list itself is too long.
func CompileGlobList(patterns []string) (GlobSet, int, error) {
	if len(patterns) > MaxGlobs {
		return nil, -1, fmt.Errorf("too many patterns: %d, at most %d", len(patterns), MaxGlobs)
	}
	s := make(GlobSet, 0, len(patterns))
	for i, pat := range patterns {
		g, err := CompileGlob(pat)
		if err != nil {
			return nil, i, err
		}
		s = append(s, g)
	}
	return s, 0, nil
}

// Match reports whether any glob of s matches exactly p.
func (s GlobSet) Match(p Path) bool {
	for _, g := range s {
		if g.Match(p) {
			return true
		}
	}
	return false
}

// Covers reports whether any glob of s matches p or one of its parents.
func (s GlobSet) Covers(p Path) bool {
	for _, g := range s {
		if g.Covers(p) {
			return true
		}
	}
	return false
}
