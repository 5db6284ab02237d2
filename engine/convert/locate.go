package convert

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// maxLocated bounds the values a locator records, so a huge document
// costs bounded memory.
const maxLocated = 50000

// locator maps JSON paths ("$.rules[0].origins[1]") to byte offsets in a
// JSON text, so values read by a platform package (which keeps only the
// path) can be shown at their line and column.
type locator struct {
	text string
	off  map[string]int
}

func newLocator(text string) *locator {
	l := &locator{text: text}
	t := strings.TrimLeft(text, " \t\r\n")
	if t == "" || (t[0] != '{' && t[0] != '[') {
		return l
	}
	l.off = map[string]int{}
	type frame struct {
		path      string
		obj       bool
		expectKey bool
		key       string
		idx       int
	}
	var stack []frame
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	for len(l.off) < maxLocated {
		before := int(d.InputOffset())
		tok, err := d.Token()
		if err != nil {
			break
		}
		start := skipSep(text, before)
		delim, isDelim := tok.(json.Delim)
		var path string
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			if isDelim && (delim == '}' || delim == ']') {
				stack = stack[:n-1]
				continue
			}
			if top.obj {
				if top.expectKey {
					top.key, _ = tok.(string)
					top.expectKey = false
					continue
				}
				path = top.path + "." + top.key
				top.expectKey = true
			} else {
				path = top.path + "[" + strconv.Itoa(top.idx) + "]"
				top.idx++
			}
		} else {
			path = "$"
		}
		if _, dup := l.off[path]; !dup {
			l.off[path] = start
		}
		if isDelim {
			switch delim {
			case '{':
				stack = append(stack, frame{path: path, obj: true, expectKey: true})
			case '[':
				stack = append(stack, frame{path: path})
			}
		}
	}
	return l
}

// skipSep moves past whitespace and the ':' or ',' that precede a token.
func skipSep(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\r', '\n', ':', ',':
			i++
		default:
			return i
		}
	}
	return i
}

func (l *locator) has(path string) bool {
	_, ok := l.off[path]
	return ok
}

// at fills p's line and column from its path, when the path is found.
func (l *locator) at(p *Pos) {
	if p.Path == "" || p.Line > 0 {
		return
	}
	if off, ok := l.off[p.Path]; ok {
		p.Line, p.Column = policy.LineCol(l.text, off)
	}
}

// fill positions every value of rules that has a path and no line; a
// field that is absent (MaxAgePos of a rule without max-age) falls back
// to the rule's own position.
func (l *locator) fill(rules []Rule) {
	if l.off == nil {
		return
	}
	for i := range rules {
		r := &rules[i]
		l.at(&r.Pos)
		for _, vs := range [][]Value{r.Origins, r.Methods, r.AllowHeaders, r.ExposeHeaders} {
			for j := range vs {
				l.at(&vs[j].Pos)
			}
		}
		for _, p := range []*Pos{&r.CredentialsPos, &r.MaxAgePos} {
			l.at(p)
			if p.Line == 0 {
				*p = r.Pos
			}
		}
	}
}
