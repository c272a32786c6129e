package configdiff

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

var (
	yamlErrLine   = regexp.MustCompile(`(?s)^yaml: (?:line (\d+): )?(.*)$`)
	yamlErrAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// yamlParserProblems are the problems the YAML library's parser (not its
// scanner) reports: their "line N" is the 0-based line of the mark.
var yamlParserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// yamlReaderProblem reports whether msg is an error of the YAML library's
// reader (bad encoding, a control character), which carries no position.
func yamlReaderProblem(msg string) bool {
	switch msg {
	case "control characters are not allowed", "invalid Unicode character",
		"invalid leading UTF-8 octet", "invalid trailing UTF-8 octet",
		"invalid length of a UTF-8 sequence", "incomplete UTF-8 octet sequence",
		"incomplete UTF-16 character", "incomplete UTF-16 surrogate pair",
		"unexpected low surrogate area", "expected low surrogate area":
		return true
	}
	return false
}

// parseYAML decodes one YAML document into yaml.Node values (which keep
// line and column, the column counted in characters) and resolves scalars
// by the YAML 1.2 core schema.
func parseYAML(b *builder) error {
	data, placeholder, slashes, ok := rewriteYAML12(b.data)
	if !ok {
		return b.errAt(b.pos(yamlSlashEscapes(b.data)[0]), "cannot read this \\/ escape (the file holds every character it could stand in for): write / instead")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file is an empty map
		}
		return yamlError(b, err)
	}
	// One document: empty ones after it (a trailing ---) are ignored.
	for {
		var more yaml.Node
		err := dec.Decode(&more)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return yamlError(b, err)
		}
		if !emptyYAMLDocument(&more) {
			return b.errAt(Pos{Line: more.Line, Column: more.Column}, "several YAML documents in one file (only one is allowed)")
		}
	}
	if slashes > 0 {
		if n := restoreSlashes(&doc, placeholder, map[*yaml.Node]bool{}); n != slashes {
			return b.errAt(b.pos(yamlSlashEscapes(b.data)[0]), "cannot tell whether \\/ is an escape here: write / in a double-quoted scalar, or quote the value")
		}
	}
	y := &yamlBuilder{builder: b, active: map[*yaml.Node]bool{}}
	top := &doc
	if top.Kind == yaml.DocumentNode {
		if len(top.Content) == 0 {
			return nil
		}
		top = top.Content[0]
	}
	y.top = top
	top = y.deref(top)
	if top == nil {
		return nil
	}
	switch {
	case top.Kind == yaml.MappingNode:
		b.root.KeyPos = Pos{top.Line, top.Column}
		b.root.ValuePos = b.root.KeyPos
		return y.mapping(b.root, top)
	case top.Kind == yaml.ScalarNode && y.isNull(top):
		return nil
	}
	return b.errAt(Pos{top.Line, top.Column}, "the top level must be a mapping, not %s", y.kindName(top))
}

// emptyYAMLDocument reports whether a document holds nothing: no node, or
// a plain null scalar with no text (what `---` alone leaves).
func emptyYAMLDocument(d *yaml.Node) bool {
	if d.Kind != yaml.DocumentNode {
		return false
	}
	switch len(d.Content) {
	case 0:
		return true
	case 1:
		c := d.Content[0]
		return c.Kind == yaml.ScalarNode && c.Value == "" && c.Style == 0 && c.Tag == "!!null" && c.Anchor == ""
	}
	return false
}

// yamlError turns an error of the YAML library into an *Error with the
// best position known. The library writes "yaml: line N: " only when N is
// not 0, and N is 1-based for scanner errors but 0-based for parser errors;
// reader errors (encoding, control characters) carry no position, so the
// first offending character is found here.
func yamlError(b *builder, err error) error {
	msg := err.Error()
	if m := yamlErrAnchor.FindStringSubmatch(msg); m != nil {
		// The name is not quoted: `*abc…` may be a value written without
		// quotes (a secret's). The position points at it.
		p := Pos{}
		if i := strings.Index(string(b.data), "*"+m[1]); i >= 0 {
			p = b.pos(i)
		}
		return b.errAt(p, "unknown anchor: an alias (*name) names no anchor (&name) before it; quote a value that starts with *")
	}
	m := yamlErrLine.FindStringSubmatch(msg)
	if m == nil {
		return b.errAt(Pos{}, "%s", msg)
	}
	problem := m[2]
	if yamlReaderProblem(problem) {
		if off, bad := firstNonYAMLChar(b.data); off >= 0 {
			return b.errAt(b.pos(off), "%s", bad)
		}
		return b.errAt(Pos{}, "%s", problem)
	}
	if strings.HasPrefix(problem, "expected ") && strings.Contains(problem, " event but got ") ||
		strings.HasPrefix(problem, "attempted to go past") {
		return b.errAt(Pos{}, "%s", problem)
	}
	line := 1 // no "line N: ": the mark was on the first line
	if m[1] != "" {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return b.errAt(Pos{}, "%s", problem)
		}
		line = n
		if yamlParserProblems[problem] {
			line++
		}
	}
	// A mark at the end of the input may lie past the last line.
	if last := b.lastLine(); line > last {
		line = last
	}
	return b.errAt(Pos{Line: line}, "%s", problem)
}

// lastLine returns the number of the last line that has any text (1 for
// an empty file).
func (b *builder) lastLine() int {
	n := bytes.Count(b.data, []byte("\n")) + 1
	if n > 1 && len(b.data) > 0 && b.data[len(b.data)-1] == '\n' {
		n--
	}
	return n
}

// firstNonYAMLChar returns the offset of the first byte of data that is not
// valid UTF-8 or is a character YAML does not allow (control characters
// but tab, LF, CR and NEL; surrogates; U+FFFE, U+FFFF), with what is wrong;
// -1 when there is none.
func firstNonYAMLChar(data []byte) (int, string) {
	for off := 0; off < len(data); {
		r, size := utf8.DecodeRune(data[off:])
		switch {
		case r == utf8.RuneError && size == 1:
			return off, "invalid UTF-8"
		case r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0x7E || r == 0x85 ||
			r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF:
		default:
			return off, "control characters are not allowed"
		}
		off += size
	}
	return -1, ""
}

type yamlBuilder struct {
	*builder
	active  map[*yaml.Node]bool // aliases being expanded (cycle guard)
	aliased int                 // nodes made while expanding aliases

	top     *yaml.Node          // the document's top node
	written map[*yaml.Node]Path // where each node is written (see at)
	copying *aliasCopy          // the innermost alias being expanded
}

// aliasCopy is an alias being expanded: a node made at a path P while it
// is copies the node written at from + P[depth:]. Expansions nest (an
// alias inside an anchored node); outer is the enclosing one.
type aliasCopy struct {
	depth  int  // the length of the path of the copy's top node
	from   Path // where the node the alias names is written
	outer  *aliasCopy
	nested int // how many expansions enclose this one, itself included
	// secret: from, or the source of an enclosing expansion, lies under
	// a key secret by the word rules (the rest of the source path is the
	// copy's own path, which IsSecret checks anyway)
	secret bool
}

// maxAliasNesting bounds how deeply alias expansions nest: each level
// costs a check of every copied node's key against the secrets globs.
const maxAliasNesting = 32

// covers reports whether extra covers the source of n under c or under
// an enclosing expansion.
func (c *aliasCopy) covers(p Path, extra GlobSet) bool {
	for ; c != nil; c = c.outer {
		src := make(Path, 0, len(c.from)+len(p)-c.depth)
		if extra.Covers(append(append(src, c.from...), p[c.depth:]...)) {
			return true
		}
	}
	return false
}

// at returns the path where the YAML node n is written: the path its
// value gets where the document itself holds it, not where an alias
// copies it. Merged maps are written at the path of the map they merge
// into. The first call walks the document.
func (y *yamlBuilder) at(n *yaml.Node) Path {
	if y.written == nil {
		y.written = map[*yaml.Node]Path{}
		var walk func(n *yaml.Node, p Path, depth int)
		walk = func(n *yaml.Node, p Path, depth int) {
			if _, ok := y.written[n]; ok || depth > maxDepth {
				return
			}
			y.written[n] = p
			switch n.Kind {
			case yaml.MappingNode:
				for i := 0; i+1 < len(n.Content); i += 2 {
					k, v := n.Content[i], n.Content[i+1]
					if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
						if v.Kind == yaml.SequenceNode {
							y.written[v] = p
							for _, e := range v.Content {
								walk(e, p, depth)
							}
						} else {
							walk(v, p, depth)
						}
						continue
					}
					if name, err := y.keyText(k); err == nil {
						walk(v, p.child(Segment{Name: name}), depth+1)
					}
				}
			case yaml.SequenceNode:
				for i, e := range n.Content {
					walk(e, p.child(Segment{Index: i, IsIndex: true}), depth+1)
				}
			}
		}
		if y.top != nil {
			walk(y.top, nil, 0)
		}
	}
	return y.written[n]
}

// newChild makes a node as the builder does and records, for a copy an
// alias makes, the paths of the nodes it copies.
func (y *yamlBuilder) newChild(parent *Node, seg Segment, kind Kind, text string, keyPos, valuePos Pos) (*Node, error) {
	n, err := y.builder.newChild(parent, seg, kind, text, keyPos, valuePos)
	if err == nil {
		n.copied = y.copying
	}
	return n, err
}

// expand runs f with the alias to target being expanded, the copy's top
// node at depth.
func (y *yamlBuilder) expand(target *yaml.Node, depth int, f func() error) error {
	c := &aliasCopy{depth: depth, from: y.at(target), outer: y.copying, nested: 1}
	c.secret = IsSecret(c.from, nil)
	if c.outer != nil {
		c.nested += c.outer.nested
		c.secret = c.secret || c.outer.secret
	}
	if c.nested > maxAliasNesting {
		return y.errAt(Pos{target.Line, target.Column}, "aliases nested more than %d deep (an alias inside a node an alias copies, and so on)", maxAliasNesting)
	}
	y.copying = c
	defer func() { y.copying = c.outer }()
	return f()
}

// maxAliased bounds the nodes that alias expansion may make (alias bombs).
const maxAliased = 100_000

func (y *yamlBuilder) deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func (y *yamlBuilder) kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a map"
	}
	k, _, bad := y.resolve(n)
	if bad != "" {
		return "a scalar"
	}
	return "a " + k.String()
}

func (y *yamlBuilder) isNull(n *yaml.Node) bool {
	k, _, bad := y.resolve(n)
	return bad == "" && k == Null
}

// mapping adds the entries of the YAML mapping m under parent, merge keys
// (`<<`) included: an explicit key wins over a merged one, and among merged
// maps the first one wins.
func (y *yamlBuilder) mapping(parent *Node, m *yaml.Node) error {
	explicit := map[string]bool{}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		name, err := y.keyText(k)
		if err != nil {
			return err
		}
		if k.Kind == yaml.AliasNode {
			// The key's text is printed wherever the key is named: it may
			// not be a copy of a secret value.
			if t := y.deref(k); t != nil && (IsSecret(y.at(t), nil) || LooksLikeCredential(name)) {
				return y.errAt(Pos{k.Line, k.Column}, "a mapping key may not be an alias of a secret value")
			}
		}
		if explicit[name] {
			old := y.lookup(parent, name)
			return y.errAt(Pos{k.Line, k.Column}, "key %q is defined twice in one mapping (first at line %d)", name, old.KeyPos.Line)
		}
		explicit[name] = true
		if err := y.value(parent, Segment{Name: name}, Pos{k.Line, k.Column}, v); err != nil {
			return err
		}
	}
	for _, v := range merges {
		if err := y.merge(parent, v); err != nil {
			return err
		}
	}
	return nil
}

func (y *yamlBuilder) merge(parent *Node, v *yaml.Node) error {
	if v.Kind == yaml.AliasNode {
		if y.active[v] {
			return y.errAt(Pos{v.Line, v.Column}, "an alias refers to a node that contains it")
		}
		y.active[v] = true
		defer delete(y.active, v)
		if v.Alias == nil {
			return y.errAt(Pos{v.Line, v.Column}, "unknown anchor")
		}
		return y.expand(v.Alias, len(parent.Path), func() error { return y.merge(parent, v.Alias) })
	}
	switch v.Kind {
	case yaml.SequenceNode:
		for _, e := range v.Content {
			if e.Kind == yaml.SequenceNode {
				return y.errAt(Pos{e.Line, e.Column}, "a merge key takes a map or a list of maps")
			}
			if err := y.merge(parent, e); err != nil {
				return err
			}
		}
		return nil
	case yaml.MappingNode:
		tmp := &Node{Path: parent.Path, Kind: Map}
		if err := y.mapping(tmp, v); err != nil {
			return err
		}
		for _, c := range tmp.Children {
			name := c.Path[len(c.Path)-1].Name
			if y.lookup(parent, name) != nil {
				continue
			}
			parent.Children = append(parent.Children, c)
			y.register(parent, name, c)
		}
		return nil
	}
	return y.errAt(Pos{v.Line, v.Column}, "a merge key takes a map or a list of maps")
}

// keyText returns the name of a mapping key: a scalar's text.
func (y *yamlBuilder) keyText(k *yaml.Node) (string, error) {
	n := k
	if n.Kind == yaml.AliasNode {
		n = y.deref(n)
	}
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", y.errAt(Pos{k.Line, k.Column}, "a mapping key must be a scalar")
	}
	return n.Value, nil
}

func (y *yamlBuilder) value(parent *Node, seg Segment, keyPos Pos, v *yaml.Node) error {
	vpos := Pos{v.Line, v.Column}
	if seg.IsIndex {
		keyPos = vpos
	}
	if len(y.active) > 0 {
		y.aliased++
		if y.aliased > maxAliased {
			return y.errAt(vpos, "aliases expand to more than %d values", maxAliased)
		}
	}
	if v.Kind == yaml.AliasNode {
		if y.active[v] {
			return y.errAt(vpos, "an alias refers to a node that contains it")
		}
		if v.Alias == nil {
			return y.errAt(vpos, "unknown anchor")
		}
		y.active[v] = true
		defer delete(y.active, v)
		// An alias keeps the positions of its anchor's content but the key
		// where it is used.
		return y.expand(v.Alias, len(parent.Path)+1, func() error { return y.value(parent, seg, keyPos, v.Alias) })
	}
	switch v.Kind {
	case yaml.MappingNode:
		n, err := y.newChild(parent, seg, Map, "", keyPos, vpos)
		if err != nil {
			return err
		}
		return y.mapping(n, v)
	case yaml.SequenceNode:
		n, err := y.newChild(parent, seg, List, "", keyPos, vpos)
		if err != nil {
			return err
		}
		for i, e := range v.Content {
			if err := y.value(n, Segment{Index: i, IsIndex: true}, Pos{}, e); err != nil {
				return err
			}
		}
		return nil
	case yaml.ScalarNode:
		k, text, bad := y.resolve(v)
		if bad != "" {
			return y.valueError(vpos, parent, seg, bad)
		}
		_, err := y.newChild(parent, seg, k, text, keyPos, vpos)
		return err
	}
	return y.errAt(vpos, "unsupported YAML node")
}

// register records a child moved in by a merge key.
func (b *builder) register(parent *Node, name string, c *Node) {
	if b.names == nil {
		b.names = map[*Node]map[string]*Node{}
	}
	m := b.names[parent]
	if m == nil {
		m = map[string]*Node{}
		b.names[parent] = m
	}
	m[name] = c
}

var (
	yamlInt     = regexp.MustCompile(`^[-+]?[0-9]+$`)
	yamlOct     = regexp.MustCompile(`^0o[0-7]+$`)
	yamlHex     = regexp.MustCompile(`^0x[0-9a-fA-F]+$`)
	yamlFloat   = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)
	yamlInf     = regexp.MustCompile(`^[-+]?\.(inf|Inf|INF)$`)
	yamlNaN     = regexp.MustCompile(`^\.(nan|NaN|NAN)$`)
	yamlNullRe  = regexp.MustCompile(`^(|~|null|Null|NULL)$`)
	yamlTrueRe  = regexp.MustCompile(`^(true|True|TRUE)$`)
	yamlFalseRe = regexp.MustCompile(`^(false|False|FALSE)$`)
)

// resolve returns the kind and canonical text of a scalar: quoted scalars
// are strings; plain ones follow the YAML 1.2 core schema plus RFC 3339
// dates and date-times; an explicit standard tag (!!str, !!int, ...) is
// obeyed. A scalar that cannot be loaded gives bad, what is wrong with it
// ("not a valid integer (tag !!int)"), which never quotes the value.
func (y *yamlBuilder) resolve(v *yaml.Node) (k Kind, text, bad string) {
	s := v.Value
	tag := ""
	if v.Style&yaml.TaggedStyle != 0 {
		tag = v.Tag
	}
	quoted := v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	switch tag {
	case "!!str", "!!binary":
		return String, s, ""
	case "!!null":
		if !yamlNullRe.MatchString(s) {
			return 0, "", "not a valid null (tag !!null)"
		}
		return Null, "null", ""
	case "!!bool":
		if k, t, ok := yamlBool(s); ok {
			return k, t, ""
		}
		return 0, "", "not a valid bool (tag !!bool)"
	case "!!int":
		if t, ok := yamlIntText(s); ok {
			return Int, t, ""
		}
		return 0, "", "not a valid integer (tag !!int)"
	case "!!float":
		switch t, st := yamlFloatText(s); st {
		case floatOK:
			return Float, t, ""
		case floatRange:
			return 0, "", errFloatRange
		}
		return 0, "", "not a valid float (tag !!float)"
	case "!!timestamp":
		if k, t, ok := canonTemporal(s, true); ok {
			return k, t, ""
		}
		return 0, "", "not a valid timestamp (tag !!timestamp)"
	case "":
		if quoted {
			return String, s, ""
		}
	default:
		if quoted || v.Tag == "!!map" || v.Tag == "!!seq" {
			return String, s, ""
		}
		// A local tag (!foo) on a plain scalar: resolve by content.
	}
	switch {
	case yamlNullRe.MatchString(s):
		return Null, "null", ""
	}
	if k, t, ok := yamlBool(s); ok {
		return k, t, ""
	}
	if t, ok := yamlIntText(s); ok {
		return Int, t, ""
	}
	switch t, st := yamlFloatText(s); st {
	case floatOK:
		return Float, t, ""
	case floatRange:
		// It is a float by the core schema, one no float64 holds: refused,
		// as JSON and TOML refuse it, rather than loaded as a string.
		return 0, "", errFloatRange
	}
	if len(s) >= 10 && s[0] >= '0' && s[0] <= '9' {
		if k, t, ok := canonTemporal(s, true); ok {
			return k, t, ""
		}
	}
	return String, s, ""
}

func yamlBool(s string) (Kind, string, bool) {
	switch {
	case yamlTrueRe.MatchString(s):
		return Bool, "true", true
	case yamlFalseRe.MatchString(s):
		return Bool, "false", true
	}
	return 0, "", false
}

func yamlIntText(s string) (string, bool) {
	switch {
	case yamlInt.MatchString(s):
		return canonInt(s, 10)
	case yamlOct.MatchString(s):
		return canonInt(s[2:], 8)
	case yamlHex.MatchString(s):
		return canonInt(s[2:], 16)
	}
	return "", false
}

// floatStatus tells whether a scalar is a float.
type floatStatus uint8

const (
	notFloat   floatStatus = iota
	floatOK                // a float: text is its canonical text
	floatRange             // a float by its syntax, out of float64's range
)

func yamlFloatText(s string) (string, floatStatus) {
	switch {
	case yamlInf.MatchString(s):
		if s[0] == '-' {
			return "-inf", floatOK
		}
		return "inf", floatOK
	case yamlNaN.MatchString(s):
		return "nan", floatOK
	case yamlFloat.MatchString(s):
		if t, ok := parseFloatText(s); ok {
			return t, floatOK
		}
		return "", floatRange
	}
	return "", notFloat
}
