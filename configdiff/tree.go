package configdiff

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/preflight/words"
)

// Pos is a 1-based position in a file; 0 means unknown. Column counts
// Unicode code points.
type Pos struct{ Line, Column int }

// Kind is the type of a value.
type Kind uint8

// The kinds of values.
const (
	Null Kind = iota
	Bool
	Int
	Float
	String
	DateTime
	Date
	Time
	Map
	List
)

var kindNames = [...]string{"null", "bool", "integer", "float", "string", "date-time", "date", "time", "map", "list"}

// String returns the kind's name as the contract spells it: "null", "bool",
// "integer", "float", "string", "date-time", "date", "time", "map", "list".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Node is a key of a tree with its value.
type Node struct {
	Path     Path
	Key      string // Path.String()
	Kind     Kind
	Text     string // canonical text of a scalar; "" for a map or list
	KeyPos   Pos    // where the key is written; for a list element, where the element starts
	ValuePos Pos    // where the value starts
	Children []*Node

	// copied is, for a copy a YAML alias made, the innermost alias being
	// expanded (see aliasCopy): a copy of a node under a secret key is
	// secret.
	copied *aliasCopy
}

// IsLeaf reports whether n is a scalar, or an empty map or list.
func (n *Node) IsLeaf() bool {
	return (n.Kind != Map && n.Kind != List) || len(n.Children) == 0
}

// Tree is a loaded configuration file.
type Tree struct {
	File string
	Root *Node

	index  map[string]*Node
	nodes  []*Node
	leaves []*Node
	data   []byte // the file's content (without a BOM), for [Tree.NumberText]
	lines  []int  // byte offset of the start of each line of data

	colMu sync.Mutex
	cols  map[int][]int // line (0-based) -> its column index (see Tree.offset), made when asked
}

// Error is a load error with the file's own position.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

// Error returns "FILE:LINE:COL: msg", or "FILE: msg" when the position is
// unknown.
func (e *Error) Error() string {
	switch {
	case e.Pos.Line > 0 && e.Pos.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Column, e.Msg)
	case e.Pos.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Pos.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Load reads and parses the file at path; its format is chosen by its
// extension: .toml, .yaml, .yml, .json or .env.
func Load(path string) (*Tree, error) {
	if _, err := parserFor(path); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: readErrorText(err)}
	}
	return Parse(path, data)
}

func readErrorText(err error) string { return words.FileProblem(err) }

type parseFunc func(b *builder) error

func parserFor(file string) (parseFunc, error) {
	f, ok := FormatOf(file)
	if !ok {
		return nil, &Error{File: file, Msg: fmt.Sprintf("unsupported config format %q (use .toml, .yaml, .yml, .json or .env)", strings.ToLower(filepath.Ext(file)))}
	}
	switch f {
	case TOML:
		return parseTOML, nil
	case YAML:
		return parseYAML, nil
	case JSON:
		return parseJSON, nil
	}
	return parseEnv, nil
}

// Parse parses data as the content of file; the format is chosen by the
// file's extension as in [Load]. Tree.File is file.
func Parse(file string, data []byte) (*Tree, error) {
	parse, err := parserFor(file)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	b := &builder{file: file, data: data}
	b.root = &Node{Kind: Map, KeyPos: Pos{1, 1}, ValuePos: Pos{1, 1}}
	if err := parse(b); err != nil {
		return nil, err
	}
	b.pos(0) // the line index, kept for NumberText
	t := &Tree{File: file, Root: b.root, index: map[string]*Node{}, data: data, lines: b.lines}
	var walk func(n *Node)
	walk = func(n *Node) {
		for _, c := range n.Children {
			t.index[c.Key] = c
			t.nodes = append(t.nodes, c)
			if c.IsLeaf() {
				t.leaves = append(t.leaves, c)
			}
			walk(c)
		}
	}
	walk(t.Root)
	return t, nil
}

// Get returns the node (a leaf or not) whose key is key, or nil.
func (t *Tree) Get(key string) *Node {
	if n, ok := t.index[key]; ok {
		return n
	}
	if p, err := ParsePath(key); err == nil {
		return t.index[p.String()]
	}
	return nil
}

// Leaves returns every leaf in document order.
func (t *Tree) Leaves() []*Node { return append([]*Node(nil), t.leaves...) }

// Nodes returns every node but the root in document order, parents before
// their children.
func (t *Tree) Nodes() []*Node { return append([]*Node(nil), t.nodes...) }

// crlfToLF returns data with every CR LF line end written as LF, so that a
// multi-line string written with CRLF line ends equals its LF copy. A CR
// at a line's end takes no column, so every position stays where it was.
// An escaped \r (TOML, .env) is not a line end and stays.
func crlfToLF(data []byte) []byte {
	if !bytes.Contains(data, []byte("\r\n")) {
		return data
	}
	return bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
}

// builder holds what the format parsers share.
type builder struct {
	file  string
	data  []byte
	root  *Node
	lines []int // byte offset of the start of each line

	lastOff, lastCol int // the last offset pos converted, and its column
	count            int // nodes made so far
	keys             int // bytes of paths and keys made so far (see maxKeyBytes)
	names            map[*Node]map[string]*Node
}

// maxNodes bounds the size of a tree (it stops YAML alias bombs).
const maxNodes = 1_000_000

// maxDepth is the deepest nesting a config file may have: a top-level key
// is at depth 1, its value's children at depth 2 and so on. Every node
// keeps its whole path, so depth costs memory with its square; 256 levels
// are far beyond any real configuration. Every loader checks it while it
// parses, before it builds the deeper node.
const maxDepth = 256

// maxKeyBytes bounds the memory taken by the nodes' paths and keys (each
// node holds its full path and key text, so a few long names or deep
// paths repeated over many values can cost far more than the file's
// size): the sum over all nodes of the key's length plus pathSegmentSize
// per path segment.
//
// It is a variable for tests only.
var maxKeyBytes = 256 << 20

const pathSegmentSize = 32 // unsafe.Sizeof(Segment{}) on 64-bit platforms

// pos converts a byte offset in b.data to a position.
func (b *builder) pos(off int) Pos {
	if off < 0 {
		return Pos{}
	}
	if off > len(b.data) {
		off = len(b.data)
	}
	if b.lines == nil {
		b.lines = []int{0}
		for i, c := range b.data {
			if c == '\n' {
				b.lines = append(b.lines, i+1)
			}
		}
	}
	line := sort.Search(len(b.lines), func(i int) bool { return b.lines[i] > off }) - 1
	// Parsers mostly move forward: count the code points from the last
	// offset asked for when it is on the same line, so that a long line
	// (minified JSON) does not cost its length per position.
	from, col := b.lines[line], 1
	if b.lastCol > 0 && b.lastOff >= from && b.lastOff <= off {
		from, col = b.lastOff, b.lastCol
	}
	col += utf8.RuneCount(b.data[from:off])
	b.lastOff, b.lastCol = off, col
	return Pos{Line: line + 1, Column: col}
}

func (b *builder) errAt(p Pos, format string, args ...any) *Error {
	return &Error{File: b.file, Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// errFloatRange says why a number that is a float by its syntax cannot be
// loaded: every format refuses it rather than load it as ±inf.
const errFloatRange = "out of range for a float (64-bit: at most ±1.8e308)"

// valueError reports a bad value: the message names the key (parent's path
// and seg) and what is wrong, never the value's text, which may be a
// secret. what completes "value of KEY is ...".
func (b *builder) valueError(p Pos, parent *Node, seg Segment, what string) *Error {
	return b.errAt(p, "value of %q is %s", parent.Path.child(seg).String(), what)
}

// newChild appends a new node named by seg under parent.
func (b *builder) newChild(parent *Node, seg Segment, kind Kind, text string, keyPos, valuePos Pos) (*Node, error) {
	b.count++
	if b.count > maxNodes {
		return nil, b.errAt(valuePos, "too many values (more than %d); aliases expanding without bound?", maxNodes)
	}
	if len(parent.Path) >= maxDepth {
		return nil, b.errAt(valuePos, "nesting deeper than %d levels", maxDepth)
	}
	p := parent.Path.child(seg)
	key := p.String()
	b.keys += len(key) + pathSegmentSize*len(p)
	if b.keys > maxKeyBytes {
		return nil, b.errAt(keyPos, "the keys of this file are too long in total (their paths take more than %d MiB)", maxKeyBytes>>20)
	}
	n := &Node{Path: p, Key: key, Kind: kind, Text: text, KeyPos: keyPos, ValuePos: valuePos}
	parent.Children = append(parent.Children, n)
	if !seg.IsIndex {
		if b.names == nil {
			b.names = map[*Node]map[string]*Node{}
		}
		m := b.names[parent]
		if m == nil {
			m = map[string]*Node{}
			b.names[parent] = m
		}
		m[seg.Name] = n
	}
	return n, nil
}

// lookup returns parent's child named name, or nil.
func (b *builder) lookup(parent *Node, name string) *Node {
	return b.names[parent][name]
}

// Describe names the node's kind for a message, with its article: "empty
// (null)", "a bool", "an integer", "a float", "a string", "a date-time",
// "a date", "a time", "a mapping", "a list". It never shows the value.
func (n *Node) Describe() string {
	switch n.Kind {
	case Null:
		return "empty (null)"
	case Int:
		return "an integer"
	case Map:
		return "a mapping"
	}
	return "a " + n.Kind.String()
}
