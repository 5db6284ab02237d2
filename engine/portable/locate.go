package portable

import (
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// maxLocated bounds the values a locator records, so a huge document
// costs bounded memory.
const maxLocated = 50000

// Locator maps JSON paths ("$.rules[0].origins[1]") to byte offsets in a
// JSON text, so values read by a platform package (which keeps only the
// path) can be shown at their line and column. Paths are spelled as the
// platform readers spell them (jsontext.Key, jsontext.Index).
type Locator struct {
	text string
	off  map[string]int
}

// NewLocator records where each value of text starts; a text that is not
// a JSON array or object (XML, nginx, JavaScript, or invalid JSON) gets
// no locations.
func NewLocator(text string) *Locator {
	root, err := jsontext.ParseString(text, jsontext.MaxDepth)
	if err != nil {
		root = nil
	}
	return LocatorOf(text, root)
}

// LocatorOf is NewLocator of a text already parsed into root (nil: not
// JSON), so that a reader that keeps its tree does not parse the text a
// second time to place its values.
func LocatorOf(text string, root *jsontext.Value) *Locator {
	l := &Locator{text: text}
	if root == nil || (root.Kind != jsontext.Object && root.Kind != jsontext.Array) {
		return l
	}
	l.off = map[string]int{}
	l.record("$", root)
	return l
}

// record maps path to v and each value inside it. Of duplicate keys the
// last is recorded, the one the platform readers read (jsonpos.Value.Get,
// as JSON.parse).
func (l *Locator) record(path string, v *jsontext.Value) {
	if len(l.off) >= maxLocated {
		return
	}
	l.off[path] = int(v.Off)
	for i, it := range v.Items {
		l.record(jsontext.Index(path, i), it)
	}
	for i, k := range v.Keys {
		l.record(jsontext.Key(path, k), v.Fields[i])
	}
}

// LocatorAt is a Locator of text from the offsets a reader recorded as it
// read it (JSON path -> byte offset, spelled as jsontext.Key and Index
// spell paths); off is read, never written.
func LocatorAt(text string, off map[string]int) *Locator {
	return &Locator{text: text, off: off}
}

// Has reports whether path was recorded.
func (l *Locator) Has(path string) bool {
	_, ok := l.off[path]
	return ok
}

// at fills p's line and column from its path, when the path is found.
func (l *Locator) at(p *Pos) {
	if p.Path == "" || p.Line > 0 {
		return
	}
	if off, ok := l.off[p.Path]; ok {
		p.Line, p.Column = policy.LineCol(l.text, off)
	}
}

// Fill positions every value of rules that has a path and no line; a
// field that is absent (MaxAgePos of a rule without max-age) falls back
// to the rule's own position.
func (l *Locator) Fill(rules []ConfigRule) {
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
