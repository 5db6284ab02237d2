// Package jsonpos decodes JSON into a small tree that remembers where each
// value starts, so that platform readers can report a fault with its JSON
// path and its line and column (style: errors carry the position).
//
// The tree is engine/internal/jsontext's, which reads what encoding/json
// reads without linking it: the worker links every platform reader, and
// encoding/json, with its reflection, added 609 KB to the worker's wasm,
// which its cold start loads (worker/README.md).
package jsonpos

import (
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/policy"
)

// Kind is the JSON type of a value; its String reads "a boolean", "an
// array" and so on, for messages such as "want a string, got a number".
type Kind = jsontext.Kind

// The JSON types.
const (
	Null   = jsontext.Null
	Bool   = jsontext.Bool
	Number = jsontext.Number
	String = jsontext.String
	Array  = jsontext.Array
	Object = jsontext.Object
)

// MaxDepth bounds nesting: no platform config nests more than a few
// arrays and objects, and the bound keeps a hostile input from using the
// stack.
const MaxDepth = 32

// Value is one JSON value and the byte offset where it starts; Get returns
// the last of duplicate keys (as JSON.parse and json.Unmarshal keep it),
// and Int a whole number that fits in 32 bits (every count and age in
// these configs does).
type Value = jsontext.Value

// Doc is a parsed document: the text and its root value.
type Doc struct {
	Text string
	Root *Value
}

// Err builds a positioned error for v at path.
func (d *Doc) Err(v *Value, path, code, msg string) *policy.Error {
	e := &policy.Error{Path: path, Code: code, Msg: msg}
	if v != nil {
		e.Line, e.Column = policy.LineCol(d.Text, int(v.Off))
	}
	return e
}

// Key appends an object key to a JSON path: $.key, or $["odd key"] for a
// key that is not a plain identifier (jsontext.Key).
func Key(path, key string) string { return jsontext.Key(path, key) }

// Index appends an array index to a JSON path.
func Index(path string, i int) string { return jsontext.Index(path, i) }

// AppendIndex appends the index Index writes, "[i]", to b.
func AppendIndex(b []byte, i int) []byte { return jsontext.AppendIndex(b, i) }

// Parse decodes text. A syntax error comes back with the line and column
// of the offending byte (the end of the text when it stops short).
func Parse(text string) (*Doc, *policy.Error) { return ParseOn(text, nil) }

// ParseOn is Parse on sc's memory when sc is not nil
// (jsontext.Scratch): the Doc is valid until sc's next parse or
// Release, for a reader that keeps nothing of the tree.
func ParseOn(text string, sc *jsontext.Scratch) (*Doc, *policy.Error) {
	root, serr := sc.ParseString(text, MaxDepth)
	if serr != nil {
		l, c := policy.LineCol(text, serr.Off)
		return nil, &policy.Error{Line: l, Column: c, Msg: serr.Reason(), Unreadable: true}
	}
	return &Doc{Text: text, Root: root}, nil
}

// Strings reads v as an array of strings. Every item that is not a string
// is reported at its own path and read as "", so that indexes still match
// v.Items.
func (d *Doc) Strings(v *Value, path string, errs *policy.Errors) []string {
	return d.AppendStrings(make([]string, 0, len(v.Items)), v, path, errs)
}

// AppendStrings is Strings appending to out, for a reader that cuts
// several lists from one allocation; nil when v is not an array.
func (d *Doc) AppendStrings(out []string, v *Value, path string, errs *policy.Errors) []string {
	if v.Kind != Array {
		*errs = append(*errs, d.Err(v, path, "", "want an array of strings, got "+v.Kind.String()))
		return nil
	}
	for i, it := range v.Items {
		if it.Kind != String {
			*errs = append(*errs, d.Err(it, Index(path, i), "", "want a string, got "+it.Kind.String()))
		}
		out = append(out, it.Str)
	}
	return out
}
