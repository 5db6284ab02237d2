// Package place is the position a platform model keeps of each of its
// values in the user's text, shared by the models the template readers
// construct (lambdaurl, cloudfront), so that one type serves them all.
package place

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Position is a place in the user's text: a path (a JSON path, or a
// template's own path) and a 1-based line and column.
type Position struct {
	Path   string
	Line   int
	Column int
}

// Err is a fault at p.
func (p Position) Err(code, msg string) *policy.Error {
	return &policy.Error{Path: p.Path, Line: p.Line, Column: p.Column, Code: code, Msg: msg}
}

// At returns values[field][i], or def when the reader did not record it.
func At(values map[string][]Position, field string, i int, def Position) Position {
	if ps := values[field]; i >= 0 && i < len(ps) {
		return ps[i]
	}
	return def
}

// Of is the position of v, read from doc, at path.
func Of(doc *jsonpos.Doc, v *jsonpos.Value, path string) Position {
	l, c := policy.LineCol(doc.Text, v.Off)
	return Position{Path: path, Line: l, Column: c}
}

// Items are the positions of each item of the array v at path.
func Items(doc *jsonpos.Doc, v *jsonpos.Value, path string) []Position {
	ps := make([]Position, len(v.Items))
	for i, it := range v.Items {
		ps[i] = Of(doc, it, jsonpos.Index(path, i))
	}
	return ps
}

// Bool reads v as true or false, reporting anything else at path.
func Bool(doc *jsonpos.Doc, v *jsonpos.Value, path string, errs *policy.Errors) bool {
	if v.Kind != jsonpos.Bool {
		*errs = append(*errs, doc.Err(v, path, "", "want true or false, got "+v.Kind.String()))
	}
	return v.Bool
}

// Int reads v as a whole number, reporting anything else at path; nil
// when it is not one.
func Int(doc *jsonpos.Doc, v *jsonpos.Value, path string, errs *policy.Errors) *int {
	n, ok := v.Int()
	if !ok {
		*errs = append(*errs, doc.Err(v, path, "", "want a whole number, got "+v.Kind.String()))
		return nil
	}
	return &n
}

// Unknown reports key of the object at path as a field the platform does
// not take, listing the ones it does.
func Unknown(doc *jsonpos.Doc, v *jsonpos.Value, path, key string, known []string) *policy.Error {
	return doc.Err(v, jsonpos.Key(path, key), "", "unknown field "+strconv.Quote(key)+"; must be one of: "+strings.Join(known, ", "))
}

// Portable is p in the neutral model's terms.
func (p Position) Portable() portable.Pos {
	return portable.Pos{Path: p.Path, Line: p.Line, Column: p.Column}
}

// Values are list in the neutral model, item i at ps[i] (at def when the
// reader did not record it).
func Values(ps []Position, def Position, list []string) []portable.Value {
	out := make([]portable.Value, len(list))
	for i, s := range list {
		p := def
		if i < len(ps) {
			p = ps[i]
		}
		out[i] = portable.Value{Text: s, Pos: p.Portable()}
	}
	return out
}
