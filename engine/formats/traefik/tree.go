package traefik

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"
	"go.yaml.in/yaml/v3"

	"github.com/whycors/whycors/engine/formats/internal/yamlpos"
	"github.com/whycors/whycors/engine/policy"
)

// node is one value of the configuration, YAML's or TOML's, with where
// it is in the text: a map (entries in written order), a list or a
// scalar. Offsets are bytes of the text; off is where the value starts
// (a quoted scalar's quote, a flow list's '['), end where it ends, -1
// when unknown.
type node struct {
	kind            byte // 'm' map, 'l' list, 's' scalar
	key             string
	keyOff          int // the key's first byte in the text, -1 for list items
	keyLine, keyCol int
	line            int // the value's line and column (1-based), or the key's
	col             int
	off             int
	end             int
	str             string // a scalar's value
	tag             string // a scalar's type: "str", "int", "bool", "float", "null", "other"
	flow            bool   // a flow list or inline table/array ([a, b], {k: v})
	kids            []*node
	path            string
	label           *labelAt // a Docker label's line (labels.go)
}

// get returns the entry key of a map.
func (n *node) get(key string) *node {
	if n == nil || n.kind != 'm' {
		return nil
	}
	for _, k := range n.kids {
		if k.key == key {
			return k
		}
	}
	return nil
}

// lines maps offsets and lines of a text.
type lines []int

func lineStarts(text string) lines {
	ls := lines{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

// offset is the byte offset of a 1-based line and column; YAML counts
// columns in characters, so the column walks the line's runes.
func (ls lines) offset(text string, line, col int) int {
	if line < 1 || line > len(ls) {
		return -1
	}
	off := ls[line-1]
	for c := 1; c < col && off < len(text) && text[off] != '\n'; c++ {
		_, size := utf8.DecodeRuneInString(text[off:])
		off += size
	}
	return off
}

// fromYAML converts a YAML node.
func fromYAML(text string, ls lines, y *yaml.Node, path string, depth int) (*node, *policy.Error) {
	for y.Kind == yaml.AliasNode && y.Alias != nil && depth < 64 {
		y = y.Alias
		depth++
	}
	if depth > 64 {
		return nil, &policy.Error{Line: y.Line, Column: y.Column, Path: path, Msg: "the YAML is nested too deeply", Unreadable: true}
	}
	n := &node{line: y.Line, col: y.Column, off: ls.offset(text, y.Line, y.Column), end: -1, keyOff: -1, path: path}
	switch y.Kind {
	case yaml.MappingNode:
		n.kind, n.flow = 'm', y.Style&yaml.FlowStyle != 0
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Tag == "!!merge" {
				return nil, &policy.Error{Line: k.Line, Column: k.Column, Path: path, Msg: "YAML merge keys (<<) are not read here; write the fields out", Unreadable: true}
			}
			c, err := fromYAML(text, ls, v, path+"."+k.Value, depth+1)
			if err != nil {
				return nil, err
			}
			c.key, c.keyOff, c.keyLine, c.keyCol = k.Value, ls.offset(text, k.Line, k.Column), k.Line, k.Column
			if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 || v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 || c.off < 0 {
				c.line, c.col = k.Line, k.Column
			}
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "" {
				c.off = -1 // "key:" alone: nothing written
			}
			n.kids = append(n.kids, c)
		}
	case yaml.SequenceNode:
		n.kind, n.flow = 'l', y.Style&yaml.FlowStyle != 0
		for i, v := range y.Content {
			c, err := fromYAML(text, ls, v, path+"["+strconv.Itoa(i)+"]", depth+1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, c)
		}
	case yaml.ScalarNode:
		n.kind, n.str = 's', y.Value
		switch y.Tag {
		case "!!str":
			n.tag = "str"
		case "!!int":
			n.tag = "int"
		case "!!bool":
			n.tag = "bool"
		case "!!float":
			n.tag = "float"
		case "!!null":
			n.tag = "null"
		default:
			n.tag = "other"
		}
		if n.off >= 0 {
			n.end = yamlScalarEnd(text, n.off, y.Style)
			// A plain scalar continued on the next lines ("a\n  b" is
			// "a b") does not end where its first line does: no edit
			// splices it.
			if y.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 && n.end >= n.off && text[n.off:n.end] != y.Value {
				n.end = -1
			}
		}
	default:
		return nil, &policy.Error{Line: y.Line, Column: y.Column, Path: path, Msg: "unexpected YAML node", Unreadable: true}
	}
	return n, nil
}

// yamlScalarEnd finds where a scalar written at off ends: its closing
// quote, or the end of a plain scalar (a comment, a flow separator or the
// line's end).
func yamlScalarEnd(text string, off int, style yaml.Style) int {
	switch {
	case style&yaml.DoubleQuotedStyle != 0 && off < len(text) && text[off] == '"':
		for i := off + 1; i < len(text); i++ {
			switch text[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return -1
	case style&yaml.SingleQuotedStyle != 0 && off < len(text) && text[off] == '\'':
		for i := off + 1; i < len(text); i++ {
			if text[i] == '\'' {
				if i+1 < len(text) && text[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return -1
	case style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return -1
	}
	i := off
	for i < len(text) && text[i] != '\n' && text[i] != '\r' {
		if text[i] == '#' && i > off && (text[i-1] == ' ' || text[i-1] == '\t') {
			break
		}
		if (text[i] == ',' || text[i] == ']' || text[i] == '}') && inFlow(text, off) {
			break
		}
		i++
	}
	for i > off && (text[i-1] == ' ' || text[i-1] == '\t') {
		i--
	}
	return i
}

// inFlow reports whether off is inside a flow collection on its line.
func inFlow(text string, off int) bool {
	start := strings.LastIndexByte(text[:off], '\n') + 1
	depth := 0
	for i := start; i < off; i++ {
		switch text[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		}
	}
	return depth > 0
}

// readYAML reads every document of a YAML text.
func readYAML(text string) ([]*node, policy.Errors) {
	ls := lineStarts(text)
	dec := yaml.NewDecoder(strings.NewReader(text))
	var docs []*node
	for i := 0; ; i++ {
		var y yaml.Node
		err := dec.Decode(&y)
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			return nil, policy.Errors{yamlError(err)}
		}
		if len(y.Content) == 0 || y.Content[0].Kind == yaml.ScalarNode && y.Content[0].Tag == "!!null" {
			continue // an empty document ("---" alone)
		}
		n, perr := fromYAML(text, ls, y.Content[0], "$", 0)
		if perr != nil {
			return nil, policy.Errors{perr}
		}
		docs = append(docs, n)
		if i > 1000 {
			break
		}
	}
	return docs, nil
}

// yamlError positions a YAML syntax error (yamlpos.Error).
func yamlError(err error) *policy.Error {
	line, msg := yamlpos.Error(err.Error())
	return &policy.Error{Line: line, Column: 1, Msg: "invalid YAML: " + msg, Unreadable: true}
}

// readTOML reads a TOML text into one map, keeping each key's and value's
// byte range, with TOML's own faults (a key defined twice) positioned.
func readTOML(text string) (*node, policy.Errors) {
	root := &node{kind: 'm', line: 1, col: 1, off: 0, end: -1, keyOff: -1, path: "$"}
	var p unstable.Parser
	p.Reset([]byte(text))
	pos := func(off int) (int, int) { return policy.LineCol(text, off) }
	var errs policy.Errors
	fault := func(off int, path, msg string) {
		l, c := pos(off)
		errs = append(errs, &policy.Error{Line: l, Column: c, Path: path, Msg: msg})
	}
	cur := root
	declared := map[*node]bool{} // tables opened by a [header]
	// walk descends along a dotted key from m, creating tables.
	walk := func(m *node, keys []*unstable.Node) *node {
		for _, k := range keys {
			c := m.get(string(k.Data))
			if c == nil {
				off := int(k.Raw.Offset)
				l, col := pos(off)
				c = &node{kind: 'm', key: string(k.Data), keyOff: off, keyLine: l, keyCol: col, line: l, col: col, off: -1, end: -1, path: m.path + "." + string(k.Data)}
				m.kids = append(m.kids, c)
			} else if c.kind == 'l' && !c.flow && len(c.kids) > 0 {
				c = c.kids[len(c.kids)-1]
			} else if c.kind != 'm' {
				fault(int(k.Raw.Offset), c.path, "the key "+strconv.Quote(c.key)+" is already a value (line "+strconv.Itoa(c.line)+"); TOML refuses to make it a table")
				return nil
			}
			m = c
		}
		return m
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			var keys []*unstable.Node
			it := e.Key()
			for it.Next() {
				keys = append(keys, it.Node())
			}
			if e.Kind == unstable.ArrayTable {
				parent := walk(root, keys[:len(keys)-1])
				last := keys[len(keys)-1]
				cur = &node{kind: 'm', off: -1, end: -1, keyOff: -1}
				if parent == nil {
					continue
				}
				l := parent.get(string(last.Data))
				if l == nil {
					off := int(last.Raw.Offset)
					ln, col := pos(off)
					l = &node{kind: 'l', key: string(last.Data), keyOff: off, keyLine: ln, keyCol: col, line: ln, col: col, off: -1, end: -1, path: parent.path + "." + string(last.Data)}
					parent.kids = append(parent.kids, l)
				} else if l.kind != 'l' || l.flow {
					fault(int(last.Raw.Offset), l.path, "the key "+strconv.Quote(l.key)+" is already defined (line "+strconv.Itoa(l.line)+"); TOML refuses an array of tables of that name")
					continue
				}
				ln, col := pos(int(last.Raw.Offset))
				cur.line, cur.col, cur.path = ln, col, l.path+"["+strconv.Itoa(len(l.kids))+"]"
				l.kids = append(l.kids, cur)
				continue
			}
			t := walk(root, keys)
			if t == nil {
				cur = &node{kind: 'm', off: -1, end: -1, keyOff: -1}
				continue
			}
			if declared[t] {
				fault(int(keys[0].Raw.Offset), t.path, "the table ["+t.path[2:]+"] is defined twice")
			}
			declared[t] = true
			cur = t
		case unstable.KeyValue:
			var keys []*unstable.Node
			it := e.Key()
			for it.Next() {
				keys = append(keys, it.Node())
			}
			parent := walk(cur, keys[:len(keys)-1])
			if parent == nil {
				continue
			}
			last := keys[len(keys)-1]
			if prev := parent.get(string(last.Data)); prev != nil {
				fault(int(last.Raw.Offset), prev.path, "the key "+strconv.Quote(prev.key)+" is defined twice (first at line "+strconv.Itoa(prev.line)+")")
				continue
			}
			v := tomlValue(text, e.Value(), parent.path+"."+string(last.Data), 0)
			v.key, v.keyOff = string(last.Data), int(last.Raw.Offset)
			v.keyLine, v.keyCol = pos(v.keyOff)
			if v.off < 0 {
				// arrays and inline tables carry no range: find the
				// value after the key's "="
				if eq := strings.IndexByte(text[v.keyOff:], '='); eq >= 0 {
					off := v.keyOff + eq + 1
					for off < len(text) && (text[off] == ' ' || text[off] == '\t') {
						off++
					}
					v.off = off
					v.line, v.col = pos(off)
					if v.kind == 'l' {
						v.end = closing(text, off, '[', ']')
					} else if v.kind == 'm' {
						v.end = closing(text, off, '{', '}')
					}
				}
			}
			fill(v)
			parent.kids = append(parent.kids, v)
		}
	}
	if err := p.Error(); err != nil {
		e := &policy.Error{Line: 1, Column: 1, Msg: "invalid TOML: " + err.Error(), Unreadable: true}
		if pe, ok := err.(*unstable.ParserError); ok {
			e.Msg = "invalid TOML: " + pe.Message
			if len(pe.Highlight) > 0 {
				sh := p.Shape(p.Range(pe.Highlight))
				e.Line, e.Column = sh.Start.Line, sh.Start.Column
			}
		}
		return nil, policy.Errors{e}
	}
	return root, errs
}

// tomlValue converts a TOML value node.
func tomlValue(text string, v *unstable.Node, path string, depth int) *node {
	off, end := -1, -1
	if v.Raw.Length > 0 || v.Raw.Offset > 0 {
		off, end = int(v.Raw.Offset), int(v.Raw.Offset+v.Raw.Length)
	}
	n := &node{off: off, end: end, keyOff: -1, path: path}
	if off >= 0 {
		n.line, n.col = policy.LineCol(text, off)
	}
	switch v.Kind {
	case unstable.Array:
		n.kind, n.flow = 'l', true
		it := v.Children()
		i := 0
		for it.Next() && depth < 64 {
			c := tomlValue(text, it.Node(), path+"["+strconv.Itoa(i)+"]", depth+1)
			n.kids = append(n.kids, c)
			i++
		}
		if off >= 0 {
			n.end = closing(text, off, '[', ']')
		}
	case unstable.InlineTable:
		n.kind, n.flow = 'm', true
		it := v.Children()
		for it.Next() && depth < 64 {
			kv := it.Node()
			keys := kv.Key()
			var last *unstable.Node
			for keys.Next() {
				last = keys.Node()
			}
			if last == nil {
				continue
			}
			c := tomlValue(text, kv.Value(), path+"."+string(last.Data), depth+1)
			c.key, c.keyOff = string(last.Data), int(last.Raw.Offset)
			c.keyLine, c.keyCol = policy.LineCol(text, c.keyOff)
			n.kids = append(n.kids, c)
		}
	case unstable.String:
		n.kind, n.tag, n.str = 's', "str", string(v.Data)
		if off >= 0 {
			n.end = tomlStringEnd(text, off)
		}
	case unstable.Bool:
		n.kind, n.tag, n.str = 's', "bool", string(v.Data)
	case unstable.Integer:
		n.kind, n.tag, n.str = 's', "int", strings.ReplaceAll(string(v.Data), "_", "")
	case unstable.Float:
		n.kind, n.tag, n.str = 's', "float", string(v.Data)
	default:
		n.kind, n.tag, n.str = 's', "other", string(v.Data)
	}
	return n
}

// fill gives the values inside n that carry no position n's own.
func fill(n *node) {
	for _, k := range n.kids {
		if k.line == 0 {
			k.line, k.col = n.line, n.col
		}
		fill(k)
	}
}

// tomlStringEnd is the offset after the string starting at off.
func tomlStringEnd(text string, off int) int {
	if off >= len(text) {
		return -1
	}
	q := text[off]
	if strings.HasPrefix(text[off:], `"""`) || strings.HasPrefix(text[off:], "'''") {
		if i := strings.Index(text[off+3:], text[off:off+3]); i >= 0 {
			return off + 3 + i + 3
		}
		return -1
	}
	for i := off + 1; i < len(text); i++ {
		switch text[i] {
		case '\\':
			if q == '"' {
				i++
			}
		case q:
			return i + 1
		}
	}
	return -1
}

// closing is the offset after the bracket closing the one at off,
// skipping strings and comments.
func closing(text string, off int, open, close byte) int {
	depth := 0
	for i := off; i < len(text); i++ {
		switch c := text[i]; c {
		case '"', '\'':
			e := tomlStringEnd(text, i)
			if e < 0 {
				return -1
			}
			i = e - 1
		case '#':
			nl := strings.IndexByte(text[i:], '\n')
			if nl < 0 {
				return -1
			}
			i += nl
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}
