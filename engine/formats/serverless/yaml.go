package serverless

import (
	"strconv"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/formats/internal/yamlpos"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
	"go.yaml.in/yaml/v3"
)

// doc is a serverless.yml as read: its text, where each line starts (to
// turn the parser's line and column into byte offsets for edits) and its
// root mapping.
type doc struct {
	text  string
	lines []int // byte offset of each line's start
	root  *yaml.Node
}

// maxDepth bounds alias and merge resolution: a document whose aliases
// nest deeper is refused rather than walked (YAML bombs).
const maxDepth = 32

// parseYAML reads text; a syntax error comes back positioned and
// Unreadable.
func parseYAML(text string) (*doc, *policy.Error) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		msg := err.Error()
		if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
			msg = te.Errors[0]
		}
		line, problem := yamlpos.Error(msg)
		return nil, &policy.Error{Line: line, Column: 1, Msg: "invalid YAML: " + problem, Unreadable: true}
	}
	d := &doc{text: text, lines: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	if len(n.Content) == 0 {
		return nil, &policy.Error{Line: 1, Column: 1, Msg: "empty document: want a serverless.yml mapping", Unreadable: true}
	}
	d.root = resolve(n.Content[0])
	return d, nil
}

// resolve follows an alias to its anchor.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxDepth; i++ {
		n = n.Alias
	}
	return n
}

// offset is the byte offset of n's first character.
func (d *doc) offset(n *yaml.Node) int {
	if n.Line < 1 || n.Line > len(d.lines) {
		return len(d.text)
	}
	off := d.lines[n.Line-1]
	// Columns count characters; serverless.yml keys and values before a
	// CORS value are ASCII in practice, and a multi-byte character moves
	// the offset forward only as far as its bytes.
	for c := 1; c < n.Column && off < len(d.text) && d.text[off] != '\n'; c++ {
		_, size := utf8.DecodeRuneInString(d.text[off:])
		off += size
	}
	return off
}

// pos is n's position at path.
func pos(n *yaml.Node, path string) portable.Pos {
	return portable.Pos{Path: path, Line: n.Line, Column: n.Column}
}

// errAt is a fault at n.
func errAt(n *yaml.Node, path, msg string) *policy.Error {
	return &policy.Error{Path: path, Line: n.Line, Column: n.Column, Msg: msg}
}

// pair is one key and value of a mapping, merges and aliases resolved.
type pair struct {
	key   string
	k, v  *yaml.Node
	owned bool // written in this mapping, not merged in with <<
}

// pairs are mapping n's keys and values in order, with "<<" merges
// expanded (a merged key comes after the mapping's own and does not
// override them, YAML merge key type) and aliases followed.
func pairs(n *yaml.Node) []pair {
	budget := maxPairs
	return pairsDepth(resolve(n), 0, &budget)
}

// maxPairs bounds the pairs one mapping expands to: merges of merges can
// name one anchor many times (a YAML bomb); past the bound the rest is
// not read.
const maxPairs = 10000

func pairsDepth(n *yaml.Node, depth int, budget *int) []pair {
	if n == nil || n.Kind != yaml.MappingNode || depth > maxDepth || *budget <= 0 {
		return nil
	}
	*budget -= len(n.Content) / 2
	var own, merged []pair
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if k.Value == "<<" && k.Tag == "!!merge" {
			var srcs []*yaml.Node
			if v != nil && v.Kind == yaml.SequenceNode {
				srcs = v.Content
			} else {
				srcs = []*yaml.Node{v}
			}
			for _, s := range srcs {
				for _, p := range pairsDepth(resolve(s), depth+1, budget) {
					p.owned = false
					merged = append(merged, p)
				}
			}
			continue
		}
		own = append(own, pair{key: k.Value, k: k, v: v, owned: true})
		seen[k.Value] = true
	}
	for _, p := range merged {
		if !seen[p.key] {
			seen[p.key] = true
			own = append(own, p)
		}
	}
	return own
}

// get is the value of key in mapping n, merges and aliases resolved.
func get(n *yaml.Node, key string) (*yaml.Node, bool) {
	for _, p := range pairs(n) {
		if p.key == key {
			return p.v, true
		}
	}
	return nil, false
}

// key appends a mapping key to a path.
func key(path, k string) string {
	for _, c := range k {
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return path + "[" + strconv.Quote(k) + "]"
		}
	}
	if path == "" {
		return k
	}
	return path + "." + k
}

// index appends a sequence index to a path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// scalars reads n as a list of strings: a sequence of scalars, or one
// scalar (Serverless takes "origin: '*'" and "headers: '*'"), with the
// position of each.
func scalars(n *yaml.Node, path string, errs *policy.Errors) ([]string, []portable.Pos) {
	switch n.Kind {
	case yaml.ScalarNode:
		return []string{n.Value}, []portable.Pos{pos(n, path)}
	case yaml.SequenceNode:
		var out []string
		var ps []portable.Pos
		for i, it := range n.Content {
			it = resolve(it)
			if it == nil || it.Kind != yaml.ScalarNode {
				*errs = append(*errs, errAt(n, index(path, i), "want a string"))
				continue
			}
			out = append(out, it.Value)
			ps = append(ps, pos(it, index(path, i)))
		}
		return out, ps
	}
	*errs = append(*errs, errAt(n, path, "want a string or a list of strings"))
	return nil, nil
}
