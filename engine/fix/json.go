package fix

import (
	"strings"
	"sync/atomic"

	"github.com/whycors/whycors/engine/internal/jsonstr"
	"github.com/whycors/whycors/engine/internal/stack"
)

// JSONKeys are one JSON format's names for a rule's fields, as its
// platform spells them. A rule is the object that holds the origins key;
// every other field goes in the same object (R2's API shape keeps origins,
// methods and headers together under "allowed"). A format package passes
// its own to EditJSON.
type JSONKeys struct {
	Origins, Methods, Headers, Credentials string
	// Expose is the exposed headers' key, "" when the form has none.
	Expose string
	// CommaHeaders: the header list is one comma-separated string (API
	// Gateway REST's AllowHeaders, as the console writes it).
	CommaHeaders bool
	// SingleOrigin: the origin is one string, not a list (API Gateway
	// REST's AllowOrigin).
	SingleOrigin bool
	// Fold: key names are matched without regard to case (API Gateway
	// HTTP reads AllowOrigins and allowOrigins).
	Fold bool
}

func (k *JSONKeys) name(field string) string {
	switch field {
	case Origins:
		return k.Origins
	case Methods:
		return k.Methods
	case AllowHeaders:
		return k.Headers
	case Credentials:
		return k.Credentials
	case ExposeHeaders:
		return k.Expose
	}
	return ""
}

// jnode is one JSON value with its byte span.
type jnode struct {
	kind       byte // '{', '[', '"', 'n' (number, true, false, null)
	start, end int  // the value's bytes are text[start:end]
	str        string
	keys       []string
	keyStart   []int
	kids       []*jnode
}

const maxJSONNodes = 100000

// parseJSON reads text into a tree of spans, on the parser it returns:
// the tree is valid until the parser's release. The text was accepted
// by the platform's reader already, so anything odd is simply "not
// found".
func parseJSON(text string) (*jparser, *jnode, bool) {
	p := spareParser.Swap(nil)
	if p == nil {
		// The stacks start with room for the members a rule list has
		// open at once, where growing each from nothing cost four
		// allocations.
		p = &jparser{kids: make([]*jnode, 0, 16), keys: make([]string, 0, 16), starts: make([]int, 0, 16)}
	}
	p.s, p.i, p.count = text, 0, 0
	// The last slab's nodes are written again from its start: the tree
	// they made is gone (release).
	p.slab = p.slab[:0]
	n := p.value(0)
	if n == nil {
		// A value that stopped short leaves its members on the stacks.
		clear(p.kids)
		clear(p.keys)
		p.kids, p.keys, p.starts = p.kids[:0], p.keys[:0], p.starts[:0]
		return p, nil, false
	}
	return p, n, true
}

// spareParser is the parser a finished EditJSON handed back, for the next
// parse: a fix search parses its policy's text again for each edit, and
// a parser's nodes and stacks were a fourteenth of the README's S3 fix
// search's bytes. One spare, swapped atomically, as jsontext.Scratch
// keeps its own: edits on several goroutines at once each take the spare
// or make a parser.
var spareParser atomic.Pointer[jparser]

// release hands p back for the next parse. Its caller keeps nothing of
// the tree: EditJSON returns the text, slices of it, or strings built
// anew (TestEditKeepsNoTree).
func (p *jparser) release() {
	p.s = ""
	spareParser.Store(p)
}

type jparser struct {
	s     string
	i     int
	count int
	// slab holds the nodes, 16 at a time: one allocation for
	// many nodes (a fix search reads the text again for each edit).
	slab []jnode
	// kids, keys and starts hold the members of the objects and arrays
	// being read, the innermost last; when a value ends, its own move
	// to the room below, so that a tree costs a few allocations where
	// growing each value's lists cost several per value.
	kids   []*jnode
	keys   []string
	starts []int
	// kidRoom, keyRoom and startRoom are the slabs the finished
	// values' lists are cut from (stack.Pop).
	kidRoom   []*jnode
	keyRoom   []string
	startRoom []int
}

// node is a new node of kind at start, from the slab.
func (p *jparser) node(kind byte, start int) *jnode {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]jnode, 0, 16)
	}
	p.slab = append(p.slab, jnode{kind: kind, start: start})
	return &p.slab[len(p.slab)-1]
}

// cut is stack.Pop of (*stack)[base:] from *room, nil when there are
// none, as appending to a nil list left them.
func cut[T any](st, room *[]T, base int) []T {
	if len(*st) == base {
		return nil
	}
	return stack.Pop(st, room, base, 16)
}

func (p *jparser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
			continue
		}
		return
	}
}

func (p *jparser) value(depth int) *jnode {
	p.count++
	if depth > 64 || p.count > maxJSONNodes {
		return nil
	}
	p.ws()
	if p.i >= len(p.s) {
		return nil
	}
	n := p.node(p.s[p.i], p.i)
	switch p.s[p.i] {
	case '{':
		p.i++
		base, kbase := len(p.kids), len(p.keys)
		for {
			p.ws()
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				break
			}
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return nil
			}
			ks := p.i
			k, ok := p.str()
			if !ok {
				return nil
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil
			}
			p.i++
			v := p.value(depth + 1)
			if v == nil {
				return nil
			}
			p.keys, p.starts, p.kids = append(p.keys, k), append(p.starts, ks), append(p.kids, v)
			p.ws()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
			}
		}
		n.keys = cut(&p.keys, &p.keyRoom, kbase)
		n.keyStart = cut(&p.starts, &p.startRoom, kbase)
		n.kids = cut(&p.kids, &p.kidRoom, base)
	case '[':
		p.i++
		base := len(p.kids)
		for {
			p.ws()
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				break
			}
			v := p.value(depth + 1)
			if v == nil {
				return nil
			}
			p.kids = append(p.kids, v)
			p.ws()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
			}
		}
		n.kids = cut(&p.kids, &p.kidRoom, base)
	case '"':
		s, ok := p.str()
		if !ok {
			return nil
		}
		n.str = s
	default:
		for p.i < len(p.s) && strings.IndexByte(",]} \t\r\n", p.s[p.i]) < 0 {
			p.i++
		}
		n.kind = 'n'
		n.str = p.s[n.start:p.i]
	}
	n.end = p.i
	return n
}

func (p *jparser) str() (string, bool) {
	start := p.i
	p.i++
	// plain: no escape and no byte Unquote would check, so the value is
	// the bytes as written (jsonstr.Unquote's own first case).
	plain := true
	for p.i < len(p.s) {
		// Skip the plain text up to the next byte the switch tests
		// (jsonstr.StringRun: eight bytes a step).
		if p.i = jsonstr.StringRun(p.s, p.i); p.i == len(p.s) {
			break
		}
		switch c := p.s[p.i]; {
		case c == '\\':
			p.i += 2
			plain = false
			continue
		case c == '"':
			p.i++
			if plain {
				return p.s[start+1 : p.i-1], true
			}
			out, err := jsonstr.Unquote(p.s[start:p.i])
			return out, err == nil
		case c < 0x20 || c >= 0x80:
			plain = false
		}
		p.i++
	}
	return "", false
}

func (n *jnode) field(name string, fold bool) (*jnode, int) {
	found := -1
	for i, k := range n.keys {
		if k == name || fold && strings.EqualFold(k, name) {
			found = i // the last one wins, as JSON.parse keeps it
		}
	}
	if found < 0 {
		return nil, -1
	}
	return n.kids[found], found
}

// rules lists the objects that hold the origins key, in document order:
// one per rule in every JSON format (engine/convert reads them in this
// order too).
func (n *jnode) rules(k *JSONKeys, out []*jnode) []*jnode {
	if n.kind == '{' {
		if v, _ := n.field(k.Origins, k.Fold); v != nil {
			return append(out, n)
		}
	}
	for _, c := range n.kids {
		out = c.rules(k, out)
	}
	return out
}

// quoteJSON quotes s as json.Marshal does (jsonstr: no encoding/json,
// whose reflection the worker and the page would otherwise link through
// the editors native and the platforms implement).
func quoteJSON(s string) string { return string(jsonstr.AppendQuote(nil, s)) }

// EditJSON makes e in text, a JSON configuration whose rules' fields are
// named by k, keeping the user's formatting.
func EditJSON(text string, k *JSONKeys, e Edit) (string, error) {
	p, root, ok := parseJSON(text)
	defer p.release()
	if !ok {
		return "", errNotFound
	}
	rules := root.rules(k, nil)
	if e.Rule < 0 || e.Rule >= len(rules) {
		return "", errNotFound
	}
	rule := rules[e.Rule]
	key := k.name(e.Field)
	if key == "" {
		return "", ErrUnsupported
	}
	v, _ := rule.field(key, k.Fold)
	switch e.Op {
	case Enable:
		if v == nil {
			return addKey(text, rule, k, key, "true"), nil
		}
		if v.kind == 'n' && v.str == "true" {
			return text, nil
		}
		return text[:v.start] + "true" + text[v.end:], nil
	case Replace:
		if len(e.Values) != 1 {
			return "", ErrUnsupported
		}
		if v == nil {
			return "", errNotFound
		}
		if v.kind == '"' && v.str == e.Old {
			return text[:v.start] + quoteJSON(e.Values[0]) + text[v.end:], nil
		}
		for _, it := range v.kids {
			if it.kind == '"' && it.str == e.Old {
				return text[:it.start] + quoteJSON(e.Values[0]) + text[it.end:], nil
			}
		}
		return "", errNotFound
	case Add:
		if e.Field == Origins && k.SingleOrigin {
			return "", ErrUnsupported
		}
		if v == nil {
			if e.Field == AllowHeaders && k.CommaHeaders {
				return addKey(text, rule, k, key, quoteJSON(strings.Join(e.Values, ","))), nil
			}
			items := make([]string, len(e.Values))
			for i, x := range e.Values {
				items[i] = quoteJSON(x)
			}
			return addKey(text, rule, k, key, "["+strings.Join(items, ", ")+"]"), nil
		}
		switch v.kind {
		case '"':
			// A comma-separated list in one string.
			sep := ","
			if strings.Contains(v.str, ", ") {
				sep = ", "
			}
			nv := v.str
			for _, x := range e.Values {
				if strings.TrimSpace(nv) == "" {
					nv = x
				} else {
					nv += sep + x
				}
			}
			return text[:v.start] + quoteJSON(nv) + text[v.end:], nil
		case '[':
			return appendArray(text, v, e.Values, quoteJSON), nil
		}
		return "", errNotFound
	}
	return "", ErrUnsupported
}

// appendArray adds items after an array's last item, one per line when
// the items stand on their own lines, else inline after ", ".
func appendArray(text string, arr *jnode, values []string, quote func(string) string) string {
	if len(arr.kids) == 0 {
		items := make([]string, len(values))
		for i, x := range values {
			items[i] = quote(x)
		}
		return insert(text, arr.start+1, strings.Join(items, ", "))
	}
	last := arr.kids[len(arr.kids)-1]
	ind, own := lineIndent(text, last.start)
	var b strings.Builder
	for _, x := range values {
		if own {
			b.WriteString(",\n" + ind)
		} else {
			b.WriteString(", ")
		}
		b.WriteString(quote(x))
	}
	return insert(text, last.end, b.String())
}

// addKey inserts "key": value into a rule object right after its origins
// field, on its own line when the origins key stands on its own line.
func addKey(text string, rule *jnode, k *JSONKeys, key, value string) string {
	_, i := rule.field(k.Origins, k.Fold)
	ov := rule.kids[i]
	ind, own := lineIndent(text, rule.keyStart[i])
	if own {
		return insert(text, ov.end, ",\n"+ind+quoteJSON(key)+": "+value)
	}
	return insert(text, ov.end, ", "+quoteJSON(key)+": "+value)
}
