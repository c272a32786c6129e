package configdiff

import (
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	yamlErrLine   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlErrAnchor = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// parseYAML decodes one YAML document into yaml.Node values (which keep
// line and column, the column counted in characters) and resolves scalars
// by the YAML 1.2 core schema.
func parseYAML(b *builder) error {
	dec := yaml.NewDecoder(strings.NewReader(string(b.data)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file is an empty map
		}
		return yamlError(b, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return b.errAt(Pos{Line: more.Line, Column: more.Column}, "several YAML documents in one file (only one is allowed)")
	} else if !errors.Is(err, io.EOF) {
		return yamlError(b, err)
	}
	y := &yamlBuilder{builder: b, active: map[*yaml.Node]bool{}}
	top := &doc
	if top.Kind == yaml.DocumentNode {
		if len(top.Content) == 0 {
			return nil
		}
		top = top.Content[0]
	}
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

func yamlError(b *builder, err error) error {
	msg := err.Error()
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return b.errAt(Pos{Line: line}, "%s", m[2])
	}
	if m := yamlErrAnchor.FindStringSubmatch(msg); m != nil {
		p := Pos{}
		if i := strings.Index(string(b.data), "*"+m[1]); i >= 0 {
			p = b.pos(i)
		}
		return b.errAt(p, "unknown anchor %q", m[1])
	}
	return b.errAt(Pos{}, "%s", strings.TrimPrefix(msg, "yaml: "))
}

type yamlBuilder struct {
	*builder
	active  map[*yaml.Node]bool // aliases being expanded (cycle guard)
	aliased int                 // nodes made while expanding aliases
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
	k, _, err := y.resolve(n)
	if err != nil {
		return "a scalar"
	}
	return "a " + k.String()
}

func (y *yamlBuilder) isNull(n *yaml.Node) bool {
	k, _, err := y.resolve(n)
	return err == nil && k == Null
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
			return y.errAt(Pos{v.Line, v.Column}, "alias *%s refers to itself", v.Value)
		}
		y.active[v] = true
		defer delete(y.active, v)
		if v.Alias == nil {
			return y.errAt(Pos{v.Line, v.Column}, "unknown anchor %q", v.Value)
		}
		return y.merge(parent, v.Alias)
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
			return y.errAt(vpos, "alias *%s refers to itself", v.Value)
		}
		if v.Alias == nil {
			return y.errAt(vpos, "unknown anchor %q", v.Value)
		}
		y.active[v] = true
		defer delete(y.active, v)
		// An alias keeps the positions of its anchor's content but the key
		// where it is used.
		return y.value(parent, seg, keyPos, v.Alias)
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
		k, text, err := y.resolve(v)
		if err != nil {
			return err
		}
		_, err = y.newChild(parent, seg, k, text, keyPos, vpos)
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
// obeyed.
func (y *yamlBuilder) resolve(v *yaml.Node) (Kind, string, error) {
	pos := Pos{v.Line, v.Column}
	s := v.Value
	tag := ""
	if v.Style&yaml.TaggedStyle != 0 {
		tag = v.Tag
	}
	quoted := v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	switch tag {
	case "!!str", "!!binary":
		return String, s, nil
	case "!!null":
		if !yamlNullRe.MatchString(s) {
			return 0, "", y.errAt(pos, "invalid null %q", s)
		}
		return Null, "null", nil
	case "!!bool":
		if k, t, ok := yamlBool(s); ok {
			return k, t, nil
		}
		return 0, "", y.errAt(pos, "invalid bool %q", s)
	case "!!int":
		if t, ok := yamlIntText(s); ok {
			return Int, t, nil
		}
		return 0, "", y.errAt(pos, "invalid integer %q", s)
	case "!!float":
		if t, ok := yamlFloatText(s); ok {
			return Float, t, nil
		}
		return 0, "", y.errAt(pos, "invalid float %q", s)
	case "!!timestamp":
		if k, t, ok := canonTemporal(s, true); ok {
			return k, t, nil
		}
		return 0, "", y.errAt(pos, "invalid timestamp %q", s)
	case "":
		if quoted {
			return String, s, nil
		}
	default:
		if quoted || v.Tag == "!!map" || v.Tag == "!!seq" {
			return String, s, nil
		}
		// A local tag (!foo) on a plain scalar: resolve by content.
	}
	switch {
	case yamlNullRe.MatchString(s):
		return Null, "null", nil
	}
	if k, t, ok := yamlBool(s); ok {
		return k, t, nil
	}
	if t, ok := yamlIntText(s); ok {
		return Int, t, nil
	}
	if t, ok := yamlFloatText(s); ok {
		return Float, t, nil
	}
	if len(s) >= 10 && s[0] >= '0' && s[0] <= '9' {
		if k, t, ok := canonTemporal(s, true); ok {
			return k, t, nil
		}
	}
	return String, s, nil
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

func yamlFloatText(s string) (string, bool) {
	switch {
	case yamlInf.MatchString(s):
		if s[0] == '-' {
			return "-inf", true
		}
		return "inf", true
	case yamlNaN.MatchString(s):
		return "nan", true
	case yamlFloat.MatchString(s):
		return parseFloatText(s)
	}
	return "", false
}
