// Package jsonpos decodes JSON into a small tree that remembers where each
// value starts, so that platform readers can report a fault with its JSON
// path and its line and column (style: errors carry the position).
//
// encoding/json alone reports only syntax errors with an offset; a value of
// the wrong type or an unknown key needs the tree.
package jsonpos

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Kind is the JSON type of a value.
type Kind uint8

// The JSON types.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[k]
}

// MaxDepth bounds nesting; no platform config nests deeper than a few
// levels, and the bound keeps a hostile input from using the stack.
const MaxDepth = 32

// Value is one JSON value and where it starts.
type Value struct {
	Kind   Kind
	Off    int    // byte offset of the value's first byte
	Str    string // the string, or the number's literal text
	Bool   bool
	Items  []*Value // Array
	Keys   []string // Object, in document order
	Fields []*Value // Object, parallel to Keys
}

// Get returns the last field named key (as JSON.parse keeps the last of
// duplicate keys) and whether there is one.
func (v *Value) Get(key string) (*Value, bool) {
	if v == nil || v.Kind != Object {
		return nil, false
	}
	for i := len(v.Keys) - 1; i >= 0; i-- {
		if v.Keys[i] == key {
			return v.Fields[i], true
		}
	}
	return nil, false
}

// Int returns a Number value as an int, when it is a whole number that
// fits in 32 bits (every count and age in these configs does).
func (v *Value) Int() (int, bool) {
	if v == nil || v.Kind != Number {
		return 0, false
	}
	n, err := strconv.ParseInt(v.Str, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// Doc is a parsed document: the text and its root value.
type Doc struct {
	Text string
	Root *Value
}

// Err builds a positioned error for v at path.
func (d *Doc) Err(v *Value, path, code, msg string) *policy.Error {
	e := &policy.Error{Path: path, Code: code, Msg: msg}
	if v != nil {
		e.Line, e.Column = policy.LineCol(d.Text, v.Off)
	}
	return e
}

// Key appends an object key to a JSON path.
func Key(path, key string) string {
	for _, r := range key {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return path + "[" + strconv.Quote(key) + "]"
		}
	}
	return path + "." + key
}

// Index appends an array index to a JSON path.
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Parse decodes text. A syntax error comes back with its line and column.
func Parse(text string) (*Doc, *policy.Error) {
	d := &Doc{Text: text}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	p := parser{d: d, dec: dec}
	root, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, e := dec.Token(); e != io.EOF {
		off := p.start()
		l, c := policy.LineCol(text, off)
		return nil, &policy.Error{Line: l, Column: c, Msg: "unexpected text after the JSON value"}
	}
	d.Root = root
	return d, nil
}

type parser struct {
	d   *Doc
	dec *json.Decoder
}

// start returns the offset of the next token: the decoder's offset is the
// end of the previous one, before any white space, ':' or ','.
func (p *parser) start() int {
	off := int(p.dec.InputOffset())
	t := p.d.Text
	for off < len(t) && strings.IndexByte(" \t\r\n:,", t[off]) >= 0 {
		off++
	}
	return off
}

func (p *parser) fail(off int, err error) *policy.Error {
	var se *json.SyntaxError
	msg := "invalid JSON"
	if errors.As(err, &se) {
		// With a Decoder the offset is that of the offending byte
		// (checked by this package's tests).
		off = int(se.Offset)
		msg = "invalid JSON: " + se.Error()
	} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		off = len(p.d.Text)
		msg = "invalid JSON: unexpected end of input"
	}
	l, c := policy.LineCol(p.d.Text, off)
	return &policy.Error{Line: l, Column: c, Msg: msg}
}

func (p *parser) value(depth int) (*Value, *policy.Error) {
	off := p.start()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.fail(off, err)
	}
	return p.from(tok, off, depth)
}

func (p *parser) from(tok json.Token, off, depth int) (*Value, *policy.Error) {
	v := &Value{Off: off}
	switch t := tok.(type) {
	case nil:
		v.Kind = Null
	case bool:
		v.Kind, v.Bool = Bool, t
	case json.Number:
		v.Kind, v.Str = Number, string(t)
	case string:
		v.Kind, v.Str = String, t
	case json.Delim:
		if depth >= MaxDepth {
			l, c := policy.LineCol(p.d.Text, off)
			return nil, &policy.Error{Line: l, Column: c, Msg: "JSON nested deeper than " + strconv.Itoa(MaxDepth) + " levels"}
		}
		switch t {
		case '[':
			v.Kind = Array
			for p.dec.More() {
				item, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				v.Items = append(v.Items, item)
			}
		case '{':
			v.Kind = Object
			for p.dec.More() {
				koff := p.start()
				k, err := p.dec.Token()
				if err != nil {
					return nil, p.fail(koff, err)
				}
				key, _ := k.(string)
				item, perr := p.value(depth + 1)
				if perr != nil {
					return nil, perr
				}
				v.Keys = append(v.Keys, key)
				v.Fields = append(v.Fields, item)
			}
		default:
			return nil, p.fail(off, errors.New("unexpected delimiter"))
		}
		end := p.start()
		if _, err := p.dec.Token(); err != nil {
			return nil, p.fail(end, err)
		}
	}
	return v, nil
}

// Strings reads v as an array of strings. Every item that is not a string
// is reported at its own path and read as "", so that indexes still match
// v.Items.
func (d *Doc) Strings(v *Value, path string, errs *policy.Errors) []string {
	if v.Kind != Array {
		*errs = append(*errs, d.Err(v, path, "", "want an array of strings, got "+v.Kind.String()))
		return nil
	}
	out := make([]string, 0, len(v.Items))
	for i, it := range v.Items {
		if it.Kind != String {
			*errs = append(*errs, d.Err(it, Index(path, i), "", "want a string, got "+it.Kind.String()))
		}
		out = append(out, it.Str)
	}
	return out
}
