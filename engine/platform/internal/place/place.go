// Package place is the position a platform model keeps of each of its
// values in the user's text, shared by the models the template readers
// construct (lambdaurl, cloudfront), so that one type serves them all.
package place

import "github.com/whycors/whycors/engine/policy"

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
