package cloudformation

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/whycors/whycors/engine/formats/internal/yamlpos"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// kind is a node's shape.
type kind uint8

const (
	scalarK kind = iota
	mapK
	seqK
)

// style is how a scalar is written, so that an edit writes a new value
// as its neighbours are written.
type style uint8

const (
	plain style = iota
	single
	double
	block // a literal or folded block scalar: never edited
)

// node is one value of a template, YAML or JSON, positioned in the
// user's text: the one tree both syntaxes are read into, so that the
// resources are read once. An alias is the anchor's node itself (its
// position is the anchor's); a `<<` merge copies the merged keys in.
type node struct {
	kind      kind
	tag       string // a YAML short tag (!Ref, !Sub ...); "" otherwise
	str       string // a scalar's text
	style     style
	flow      bool // a flow collection ([a, b], {a: b}, every JSON one)
	quoted    bool
	keys      []*node // a map's keys, in order
	vals      []*node // parallel to keys
	items     []*node
	line, col int // 1-based
	off       int // byte offset of the node's first byte
	path      string
	// own is, for a SAM resource's value the Globals' is merged into
	// (samMerged), the resource's own node: an edit of this resource
	// goes there, not into the Globals every resource shares.
	own *node
}

// get returns the value of key in a map node (the last, if repeated).
func (n *node) get(key string) *node {
	if i := n.index(key); i >= 0 {
		return n.vals[i]
	}
	return nil
}

// keyNode returns the key node of key in a map node.
func (n *node) keyNode(key string) *node {
	if i := n.index(key); i >= 0 {
		return n.keys[i]
	}
	return nil
}

func (n *node) index(key string) int {
	if n == nil || n.kind != mapK {
		return -1
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i].str == key {
			return i
		}
	}
	return -1
}

func (n *node) kindName() string {
	if n.tag != "" {
		return n.tag
	}
	switch n.kind {
	case mapK:
		return "a mapping"
	case seqK:
		return "a list"
	}
	if n.quoted {
		return "the string " + strconv.Quote(n.str)
	}
	return strconv.Quote(n.str)
}

// doc is a template's text read into nodes.
type doc struct {
	text  string
	file  string
	json  bool
	root  *node
	lines []int // byte offset of each line's start
	nodes int   // nodes made from YAML, aliases expanded (maxAliasNodes)
}

func (d *doc) errAt(n *node, msg string) *policy.Error {
	e := &policy.Error{File: d.file, Msg: msg}
	if n != nil {
		e.Path, e.Line, e.Column = n.path, n.line, n.col
	}
	return e
}

// readDoc reads text as JSON when it starts with "{", else as YAML
// (of which JSON is a subset, but the JSON reader gives byte offsets
// and the errors JSON users expect).
func readDoc(text, file string) (*doc, *policy.Error) {
	d := &doc{text: text, file: file}
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	if strings.HasPrefix(t, "{") {
		d.json = true
		root, serr := jsontext.ParseString(text, maxDepth)
		if serr != nil {
			l, c := policy.LineCol(text, serr.Off)
			return nil, &policy.Error{File: file, Line: l, Column: c, Msg: serr.Reason(), Unreadable: true}
		}
		d.root = d.fromJSON(root, "$")
		return d, nil
	}
	d.lines = lineStarts(text)
	var y yaml.Node
	if err := yaml.Unmarshal([]byte(text), &y); err != nil {
		return nil, yamlError(err, file)
	}
	if y.Kind == 0 || len(y.Content) == 0 {
		return nil, &policy.Error{File: file, Line: 1, Column: 1, Msg: "the template is empty", Unreadable: true}
	}
	d.root = d.fromYAML(y.Content[0], "$", 0)
	return d, nil
}

// yamlError positions a YAML syntax error (yamlpos.Error).
func yamlError(err error, file string) *policy.Error {
	line, msg := yamlpos.Error(err.Error())
	return &policy.Error{File: file, Line: line, Column: 1, Msg: "invalid YAML: " + msg, Unreadable: true}
}

// lineStarts are the offsets where YAML's lines start: after "\n",
// "\r\n" or a lone "\r" (YAML 1.2 §5.4, line break characters), as the
// parser counts the lines it reports.
func lineStarts(text string) []int {
	ls := []int{0}
	for i := 0; i < len(text); i++ {
		switch {
		case text[i] == '\n':
			ls = append(ls, i+1)
		case text[i] == '\r' && (i+1 == len(text) || text[i+1] != '\n'):
			ls = append(ls, i+1)
		}
	}
	return ls
}

// offset is the byte offset of a 1-based line and column (the YAML
// parser counts columns in characters).
func (d *doc) offset(line, col int) int {
	if line < 1 || line > len(d.lines) {
		return len(d.text)
	}
	off := d.lines[line-1]
	for c := 1; c < col && off < len(d.text) && d.text[off] != '\n'; c++ {
		_, size := utf8.DecodeRuneInString(d.text[off:])
		off += size
	}
	return off
}

func (d *doc) fromJSON(v *jsontext.Value, path string) *node {
	n := &node{off: int(v.Off), path: path, flow: true}
	n.line, n.col = policy.LineCol(d.text, int(v.Off))
	switch v.Kind {
	case jsontext.Object:
		n.kind = mapK
		for i, k := range v.Keys {
			kn := &node{str: k, style: double, quoted: true, path: jsontext.Key(path, k)}
			// The key precedes its value: find its opening quote.
			kn.off = strings.LastIndex(d.text[:v.Fields[i].Off], `"`+escapeJSONKey(k)+`"`)
			if kn.off < 0 {
				kn.off = int(v.Fields[i].Off)
			}
			kn.line, kn.col = policy.LineCol(d.text, kn.off)
			n.keys = append(n.keys, kn)
			n.vals = append(n.vals, d.fromJSON(v.Fields[i], kn.path))
		}
	case jsontext.Array:
		n.kind = seqK
		for i, it := range v.Items {
			n.items = append(n.items, d.fromJSON(it, jsontext.Index(path, i)))
		}
	case jsontext.String:
		n.str, n.style, n.quoted = v.Str, double, true
	case jsontext.Bool:
		n.str = strconv.FormatBool(v.Bool)
	case jsontext.Null:
		n.str = "null"
	default:
		n.str = v.Str
	}
	return n
}

func escapeJSONKey(k string) string {
	q := strconv.Quote(k)
	return q[1 : len(q)-1]
}

// maxDepth bounds how deep a template's values nest (a template nests
// a dozen levels; the bound keeps a hostile input from using the stack).
const maxDepth = 64

// maxAliasNodes bounds what aliases expand to (a "billion laughs"
// template): past it, an alias is read as an empty value.
const maxAliasNodes = 100000

func (d *doc) fromYAML(y *yaml.Node, path string, depth int) *node {
	for y.Kind == yaml.AliasNode && y.Alias != nil && depth < maxDepth {
		y = y.Alias
		depth++
	}
	n := &node{line: y.Line, col: y.Column, path: path}
	n.off = d.offset(y.Line, y.Column)
	if y.Tag != "" && y.Tag[0] == '!' && !strings.HasPrefix(y.Tag, "!!") {
		n.tag = y.Tag
	}
	n.flow = y.Style&yaml.FlowStyle != 0
	d.nodes++
	if depth > maxDepth || d.nodes > maxAliasNodes {
		return n
	}
	switch y.Kind {
	case yaml.MappingNode:
		n.kind = mapK
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
				d.merge(n, v, path, depth)
				continue
			}
			kn := d.fromYAML(k, path, depth+1)
			kn.path = jsontext.Key(path, kn.str)
			if i := indexKey(n, kn.str); i >= 0 {
				// A later key wins, as CloudFormation reads it.
				n.keys[i], n.vals[i] = kn, d.fromYAML(v, kn.path, depth+1)
				continue
			}
			n.keys = append(n.keys, kn)
			n.vals = append(n.vals, d.fromYAML(v, kn.path, depth+1))
		}
	case yaml.SequenceNode:
		n.kind = seqK
		for i, it := range y.Content {
			n.items = append(n.items, d.fromYAML(it, jsontext.Index(path, i), depth+1))
		}
	case yaml.ScalarNode:
		n.str = y.Value
		switch {
		case y.Style&yaml.DoubleQuotedStyle != 0:
			n.style, n.quoted = double, true
		case y.Style&yaml.SingleQuotedStyle != 0:
			n.style, n.quoted = single, true
		case y.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
			n.style, n.quoted = block, true
		}
		if y.Tag == "!!null" && !n.quoted {
			n.str = "null"
		}
	}
	return n
}

func indexKey(n *node, k string) int {
	for i, x := range n.keys {
		if x.str == k {
			return i
		}
	}
	return -1
}

// merge adds the keys of a `<<` merge's mapping (or list of mappings)
// that n does not have yet: explicit keys win, as YAML's merge key says.
func (d *doc) merge(n *node, v *yaml.Node, path string, depth int) {
	for v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	var maps []*yaml.Node
	if v.Kind == yaml.SequenceNode {
		maps = v.Content
	} else {
		maps = []*yaml.Node{v}
	}
	for _, m := range maps {
		mn := d.fromYAML(m, path, depth+1)
		if mn.kind != mapK {
			continue
		}
		for i, k := range mn.keys {
			if indexKey(n, k.str) < 0 {
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, mn.vals[i])
			}
		}
	}
}
