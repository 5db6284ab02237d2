package netlify

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/whycors/whycors/engine/policy"
)

// span is where a key or value of netlify.toml is written.
type span struct {
	keyAt, keyEnd int // the key's bytes (of a table header: the header's last key)
	valAt, valEnd int // the value's bytes; -1 for a table
	kind          unstable.Kind
	exprEnd       int // end of the key/value expression (an inline table's })
}

// locate walks netlify.toml's expressions and records where each key is
// written, by its path: "headers.0.for", "headers.0.values.X-A",
// "redirects.1.status"; a table header by its own path
// ("headers.0", "headers.0.values").
//
// It also lists the arrays that mix types: TOML 0.5, which Netlify's
// parser (@iarna/toml 2.2.5) reads, refuses them and so the whole file.
func locate(text string) (map[string]span, policy.Errors) {
	at := map[string]span{}
	var mixed policy.Errors
	counts := map[string]int{}
	var p unstable.Parser
	p.Reset([]byte(text))
	resolve := func(keys []string) string {
		path := ""
		for i, k := range keys {
			if path != "" {
				path += "."
			}
			path += k
			if n, ok := counts[path]; ok && i < len(keys)-1 {
				path += "." + strconv.Itoa(n-1)
			}
		}
		return path
	}
	var current string
	var walk func(prefix string, kv *unstable.Node)
	walk = func(prefix string, kv *unstable.Node) {
		var keys []string
		var last *unstable.Node
		for it := kv.Key(); it.Next(); {
			last = it.Node()
			keys = append(keys, string(last.Data))
		}
		path := strings.Join(keys, ".")
		if prefix != "" {
			path = prefix + "." + path
		}
		v := kv.Value()
		s := span{keyAt: int(last.Raw.Offset), keyEnd: int(last.Raw.Offset + last.Raw.Length), valAt: int(v.Raw.Offset), valEnd: int(v.Raw.Offset + v.Raw.Length), kind: v.Kind, exprEnd: int(kv.Raw.Offset + kv.Raw.Length)}
		if v.Kind == unstable.Array { // the parser gives an array no range: from its [ to the expression's end
			if i := strings.IndexByte(text[s.keyEnd:], '['); i >= 0 {
				s.valAt, s.valEnd = s.keyEnd+i, s.exprEnd
			}
		}
		at[path] = s
		switch v.Kind {
		case unstable.InlineTable:
			for c := v.Children(); c.Next(); {
				walk(path, c.Node())
			}
		case unstable.Array:
			i := 0
			first := unstable.Invalid
			for c := v.Children(); c.Next(); i++ {
				n := c.Node()
				if first == unstable.Invalid {
					first = n.Kind
				} else if n.Kind != first && len(mixed) == 0 {
					l, col := pos(text, int(n.Raw.Offset))
					mixed = append(mixed, &policy.Error{Line: l, Column: col, Path: path, Unreadable: true,
						Msg: "an array must hold values of one type in the TOML version Netlify reads (0.5): " + first.String() + " and " + n.Kind.String() + " are mixed"})
				}
				item := path + "." + strconv.Itoa(i)
				at[item] = span{keyAt: s.keyAt, keyEnd: s.keyEnd, valAt: int(n.Raw.Offset), valEnd: int(n.Raw.Offset + n.Raw.Length), kind: n.Kind}
				if n.Kind == unstable.InlineTable {
					for d := n.Children(); d.Next(); {
						walk(item, d.Node())
					}
				}
			}
		}
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			var keys []string
			var last *unstable.Node
			for it := e.Key(); it.Next(); {
				last = it.Node()
				keys = append(keys, string(last.Data))
			}
			base := resolve(keys)
			i := 0
			for k := e.Key(); k.Next(); i++ { // each table the header names, where first named
				n := k.Node()
				if p := resolve(keys[:i+1]); at[p] == (span{}) {
					at[p] = span{keyAt: int(n.Raw.Offset), keyEnd: int(n.Raw.Offset + n.Raw.Length), valAt: -1, valEnd: -1}
				}
			}
			if e.Kind == unstable.ArrayTable {
				counts[base]++
				current = base + "." + strconv.Itoa(counts[base]-1)
			} else {
				current = base
			}
			at[current] = span{keyAt: int(last.Raw.Offset), keyEnd: int(last.Raw.Offset + last.Raw.Length), valAt: -1, valEnd: -1}
		case unstable.KeyValue:
			walk(current, e)
		}
	}
	return at, mixed
}

// pos is the line and column of byte off of text.
func pos(text string, off int) (int, int) {
	if off > len(text) {
		off = len(text)
	}
	line := strings.Count(text[:off], "\n") + 1
	start := strings.LastIndexByte(text[:off], '\n') + 1
	return line, utf8.RuneCountInString(text[start:off]) + 1
}

// ParseTOML reads the [[headers]] (and [[redirects]]) of netlify.toml.
func ParseTOML(text string) (*Config, error) {
	c := &Config{Syntax: TOML}
	var doc map[string]any
	if err := toml.Unmarshal([]byte(text), &doc); err != nil {
		e := &policy.Error{Msg: err.Error(), Unreadable: true}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			e.Line, e.Column = de.Position()
			e.Msg = de.Error()
		} else {
			e.Line, e.Column = 1, 1
		}
		return c, policy.Errors{e}
	}
	at, mixed := locate(text)
	if len(mixed) > 0 {
		return c, mixed
	}
	where := func(path string, val bool) (int, int) {
		s, ok := at[path]
		if !ok {
			return 1, 1
		}
		if val && s.valAt >= 0 {
			return pos(text, s.valAt)
		}
		return pos(text, s.keyAt)
	}
	var errs policy.Errors
	fault := func(path string, val bool, msg string) {
		l, col := where(path, val)
		errs = append(errs, &policy.Error{Line: l, Column: col, Path: path, Msg: msg})
	}
	raw, has := doc["headers"]
	list, isList := raw.([]any)
	if has && !isList {
		fault("headers", true, "headers must be an array of tables ([[headers]]), not "+describe(raw))
	}
	var rules []Rule
	for i, item := range list {
		p := "headers." + strconv.Itoa(i)
		t, ok := item.(map[string]any)
		if !ok {
			fault(p, true, "each headers entry must be a table, not "+describe(item))
			continue
		}
		forRaw, hasFor := t["for"]
		forStr, isStr := forRaw.(string)
		switch {
		case !hasFor:
			fault(p, false, "this headers table has no for = \"/path\"")
			continue
		case !isStr:
			fault(p+".for", true, "for must be a string, not "+describe(forRaw))
			continue
		}
		l, col := where(p+".for", true)
		r := Rule{For: jsTrim(forStr), Line: l, Column: col, index: i}
		vraw, hasValues := t["values"]
		if !hasValues {
			continue // the parser drops a rule without values
		}
		vals, ok := vraw.(map[string]any)
		if !ok {
			fault(p+".values", true, "values must be a table of header names, not "+describe(vraw))
			continue
		}
		bad := false
		for _, name := range sortedKeys(text, at, p+".values", vals) {
			vp := p + ".values." + name
			key := jsTrim(name)
			if key == "" || key == "undefined" {
				fault(vp, false, "a header name must not be empty")
				bad = true
				break
			}
			var value string
			switch v := vals[name].(type) {
			case string:
				value = v
			case []any:
				items := make([]string, len(v))
				for j, x := range v {
					s, ok := x.(string)
					if !ok {
						fault(vp+"."+strconv.Itoa(j), true, fmt.Sprintf("the header %q's item %d must be a string, not %s", key, j, describe(x)))
						bad = true
						break
					}
					items[j] = jsTrim(s)
				}
				value = strings.Join(items, ", ")
			default:
				fault(vp, true, fmt.Sprintf("the header %q must have a string value (or an array of strings), not %s", key, describe(v)))
				bad = true
			}
			if bad {
				break
			}
			hl, hc := where(vp, false)
			if _, isArr := vals[name].([]any); !isArr {
				value = joinCommas(jsTrim(value))
			}
			r.Values = setValue(r.Values, Header{Name: key, Value: value, Line: hl, Column: hc})
		}
		if bad || len(r.Values) == 0 {
			continue
		}
		p2, ok := compile(r.For)
		if !ok {
			fault(p+".for", true, "the path "+strconv.Quote(r.For)+" is not a pattern Netlify can read: a segment with * keeps the rest as a regular expression, and this one is invalid")
			continue
		}
		r.re = p2
		rules = append(rules, r)
	}
	c.Rules = dedupe(rules)
	c.Redirects = redirects(doc, where)
	if len(errs) > 0 {
		return c, errs
	}
	return c, nil
}

// sortedKeys are a table's keys in the order written.
func sortedKeys(text string, at map[string]span, prefix string, m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	off := func(k string) int {
		if s, ok := at[prefix+"."+k]; ok {
			return s.keyAt
		}
		return len(text)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && (off(keys[j]) < off(keys[j-1]) || off(keys[j]) == off(keys[j-1]) && keys[j] < keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// redirects reads [[redirects]]: from, to, status (301 by default), force.
func redirects(doc map[string]any, where func(string, bool) (int, int)) []Redirect {
	list, _ := doc["redirects"].([]any)
	var out []Redirect
	for i, item := range list {
		t, ok := item.(map[string]any)
		if !ok {
			continue
		}
		from, _ := t["from"].(string)
		to, _ := t["to"].(string)
		if from == "" {
			continue
		}
		r := Redirect{From: from, To: to, Status: 301}
		if s, ok := t["status"].(int64); ok {
			r.Status = int(s)
		}
		r.Force, _ = t["force"].(bool)
		r.Line, r.Column = where("redirects."+strconv.Itoa(i)+".from", true)
		r.re, _ = compile(from)
		out = append(out, r)
	}
	return out
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		return "the string " + strconv.Quote(x)
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case int64:
		return "the number " + strconv.FormatInt(x, 10)
	case float64:
		return "the number " + strconv.FormatFloat(x, 'g', -1, 64)
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("the value %v", v)
}

const (
	stringKind = unstable.String
	inlineKind = unstable.InlineTable
)
