// Package place is the position a platform model keeps of each of its
// values in the user's text, shared by the models the template readers
// construct (lambdaurl, cloudfront), so that one type serves them all.
package place

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
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
	l, c := policy.LineCol(doc.Text, int(v.Off))
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

// Fields are where an object's members go, by name: true or false,
// whole numbers, and lists of strings. Read fills them and the positions
// of their values.
type Fields struct {
	Bools map[string]*bool
	Ints  map[string]**int
	Lists map[string]*[]string
	// List reads one list member; nil reads a JSON array of strings.
	List func(doc *jsonpos.Doc, v *jsonpos.Value, path string, errs *policy.Errors) ([]string, []Position)
}

// Read reads object v at path into fs, the position of each value into
// values (by member name; one entry for a scalar, one an item for a
// list), and reports every member fs does not name, with known, the
// platform's member names in its own order.
func (fs Fields) Read(doc *jsonpos.Doc, v *jsonpos.Value, path string, known []string, values map[string][]Position, errs *policy.Errors) {
	list := fs.List
	if list == nil {
		list = stringList
	}
	for i, k := range v.Keys {
		f, fp := v.Fields[i], jsonpos.Key(path, k)
		if b, ok := fs.Bools[k]; ok {
			*b = Bool(doc, f, fp, errs)
		} else if n, ok := fs.Ints[k]; ok {
			*n = Int(doc, f, fp, errs)
		} else if l, ok := fs.Lists[k]; ok {
			*l, values[k] = list(doc, f, fp, errs)
			continue
		} else {
			*errs = append(*errs, Unknown(doc, f, path, k, known))
			continue
		}
		values[k] = []Position{Of(doc, f, fp)}
	}
}

// strings reads v as a JSON array of strings, with each item's position.
func stringList(doc *jsonpos.Doc, v *jsonpos.Value, path string, errs *policy.Errors) ([]string, []Position) {
	l := doc.Strings(v, path, errs)
	if v.Kind != jsonpos.Array {
		return l, nil
	}
	return l, Items(doc, v, path)
}

// ReadRules is a convert.Reader's ReadRules for a model read by parse and
// stated by rules.
func ReadRules[M any](text string, parse func(string) (M, error), rules func(M) *portable.Config) (*portable.Config, error) {
	m, err := parse(text)
	if err != nil {
		return nil, err
	}
	return rules(m), nil
}

// Parse reads text as JSON with read, then checks what it read with
// validate; every fault of both comes back, positioned, in a
// policy.Errors.
func Parse[M any](text string, read func(*jsonpos.Doc) (M, policy.Errors), validate func(M) policy.Errors) (M, error) {
	var zero M
	if len(text) > wire.MaxText {
		return zero, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return zero, policy.Errors{perr}
	}
	m, errs := read(doc)
	errs = append(errs, validate(m)...)
	if len(errs) > 0 {
		return zero, errs
	}
	return m, nil
}
