package golit

import (
	"go/ast"
	"strconv"
)

// Site is one place a middleware is configured: the call (or, in a
// pasted literal, the literal itself) and its options expression, nil
// for a constructor without options (cors.Default()).
type Site struct {
	// Call is the function called ("New", "Default"), "" for a literal
	// by itself.
	Call    string
	Pos     Pos
	Options ast.Expr
	// Node is the call, or the literal.
	Node ast.Node
}

// Sites lists where the package imported from path (named pkg in a
// snippet without imports) is configured: calls of the functions in
// withOptions, whose first argument is the options; calls of the
// functions in bare, which take none; and, when neither is called,
// composite literals of pkg.typ.
func (f *File) Sites(path, pkg, typ string, withOptions, bare []string) []Site {
	var out []Site
	for _, c := range f.Calls(path, pkg, append(append([]string(nil), withOptions...), bare...)...) {
		s := Site{Call: c.Name, Pos: c.Pos, Node: c.Node}
		for _, w := range withOptions {
			if w == c.Name && len(c.Args) > 0 {
				s.Options = c.Args[0]
			}
		}
		out = append(out, s)
	}
	if len(out) > 0 {
		return out
	}
	for _, l := range f.Literals(path, pkg, typ) {
		out = append(out, Site{Pos: f.Pos(l.Pos()), Options: l, Node: l})
	}
	return out
}

// FuncResult is what a function literal (or a function declared in the
// file) returns when its body is a single return of a constant bool
// (func(origin string) bool { return true }); ok is false otherwise.
// A second result (echo's error) must be nil.
func (f *File) FuncResult(e ast.Expr) (result, ok bool) {
	fl, isLit := f.Follow(e).(*ast.FuncLit)
	if !isLit || fl.Body == nil || len(fl.Body.List) != 1 {
		return false, false
	}
	r, isRet := fl.Body.List[0].(*ast.ReturnStmt)
	if !isRet || len(r.Results) == 0 || len(r.Results) > 2 {
		return false, false
	}
	if len(r.Results) == 2 && !isIdent(r.Results[1], "nil") {
		return false, false
	}
	v := f.Eval(r.Results[0])
	if v.Kind != Bool {
		return false, false
	}
	return v.Bool, true
}

// Line is a line of the text as a string, for notes.
func Line(p Pos) string { return "line " + strconv.Itoa(p.Line) }
