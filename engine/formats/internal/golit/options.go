package golit

import (
	"go/ast"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Field kinds a library's options struct declares, for Options: besides
// the Value kinds, Ignored for fields that change no header (Debug,
// Logger).
const Ignored Kind = -1

// Unresolved is a field the reader cannot evaluate offline (a function
// the application defines), where it is, and what the verdict assumes
// instead.
type Unresolved struct {
	Field   string `json:"field"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Assumes string `json:"assumes"`
}

// Note is u in a sentence, for a decision's notes.
func (u Unresolved) Note() string {
	return "line " + strconv.Itoa(u.Line) + ": " + u.Field + " cannot be evaluated offline; the verdict assumes " + u.Assumes
}

// Options is an options literal evaluated field by field.
type Options struct {
	Fields map[string]Field
	// Lit is the struct literal; nil for options that start from a call
	// (Base).
	Lit  *ast.CompositeLit
	Base string
	// Calls are the method calls on the options variable (config.AddAllowHeaders("X")),
	// in order, for the format to read or refuse.
	Calls []Call
	// Funcs are the fields of kind Func that are set (not nil).
	Funcs []Field
}

// Has reports whether the field is written.
func (o *Options) Has(name string) bool { _, ok := o.Fields[name]; return ok }

// Strings returns a []string field (nil when absent).
func (o *Options) Strings(name string) []string {
	s, _, _ := o.Fields[name].Value.Strings()
	return s
}

// Bool returns a bool field.
func (o *Options) Bool(name string) bool { return o.Fields[name].Value.Bool }

// Int returns an int field.
func (o *Options) Int(name string) int64 { return o.Fields[name].Value.Int }

// At returns where a field's value is, or at when it is not written.
func (o *Options) At(name string, at Pos) Pos {
	if f, ok := o.Fields[name]; ok {
		return f.Value.Pos
	}
	return at
}

// ReadOptions evaluates the struct literal e (or the literal it is
// bound to) against spec, the kind of each field of the library's
// options type. Every fault is positioned: an unknown field (the Go
// compiler refuses it), a value of another kind, a value not evaluable
// offline in a field that is not a function.
//
// When e is a variable, its later field assignments (opts.MaxAge = 600)
// are read too, the last one winning; the variable may then start from a
// call of one of the library's functions named in base
// (cors.DefaultConfig()), whose name Options.Base says.
func (f *File) ReadOptions(e ast.Expr, typ string, spec map[string]Kind, base ...string) (Options, policy.Errors) {
	fields, lit, ok := f.Struct(e)
	o := Options{Fields: map[string]Field{}, Lit: lit}
	if !ok {
		if c, isCall := f.Follow(e).(*ast.CallExpr); isCall && len(c.Args) == 0 {
			if s, isSel := c.Fun.(*ast.SelectorExpr); isSel && slices.Contains(base, s.Sel.Name) {
				o.Base, ok = s.Sel.Name, true
			}
		}
	}
	if !ok {
		p := f.Pos(e.Pos())
		return Options{}, policy.Errors{{Line: p.Line, Column: p.Column, Msg: "the options " + strconv.Quote(f.Source(e)) + " are not a " + typ + " literal of this file; write the literal, or a variable declared with one"}}
	}
	var es policy.Errors
	if lit != nil && len(lit.Elts) > 0 && len(fields) == 0 {
		q := f.Pos(lit.Elts[0].Pos())
		return o, policy.Errors{{Line: q.Line, Column: q.Column, Msg: typ + " written without field names cannot be read; name each field"}}
	}
	literal := len(fields)
	if id, isIdent := unparen(e).(*ast.Ident); isIdent {
		fields = append(fields, f.assigned(id.Name)...)
		o.Calls = f.methodCalls(id.Name)
	}
	for i, fd := range fields {
		want, known := spec[fd.Name]
		bad := func(at Pos, msg string) {
			es = append(es, &policy.Error{Line: at.Line, Column: at.Column, Path: fd.Name, Msg: msg})
		}
		switch {
		case !known:
			bad(fd.Key, typ+" has no field "+fd.Name)
			continue
		case want == Ignored:
			continue
		case fd.Value.Kind == Nil && (want == Func || want == List):
			continue // nil: as if not written
		case want == Func:
			o.Funcs = append(o.Funcs, fd)
		case fd.Value.Kind == List && want == List:
			for _, el := range fd.Value.List {
				if el.Kind != String {
					bad(el.Pos, "cannot evaluate "+strconv.Quote(f.Text[max(el.Start, 0):min(el.End, len(f.Text))])+" offline: write a string literal or a constant of this file")
				}
			}
		case fd.Value.Kind == Unknown:
			bad(fd.Value.Pos, "cannot evaluate "+strconv.Quote(f.Source(fd.Expr))+" offline: write a literal or a constant of this file")
			continue
		case fd.Value.Kind != want:
			bad(fd.Value.Pos, fd.Name+" must be "+kindName(want)+", not "+kindName(fd.Value.Kind))
			continue
		}
		if _, dup := o.Fields[fd.Name]; dup && i < literal {
			bad(fd.Key, "duplicate field "+fd.Name+" in "+typ+" literal")
		}
		o.Fields[fd.Name] = fd
	}
	return o, es
}

func kindName(k Kind) string {
	switch k {
	case String:
		return "a string"
	case Bool:
		return "a bool"
	case Int:
		return "an integer"
	case List:
		return "a []string literal"
	case Nil:
		return "nil"
	case Func:
		return "a function"
	}
	return "a value known offline"
}

// EditList appends values to the []string literal v, as Go strings,
// touching only the bytes it must (see appendElts).
func (f *File) EditList(v Value, values []string) (string, bool) {
	if v.Lit == nil {
		return "", false
	}
	quoted := make([]string, len(values))
	for i, s := range values {
		quoted[i] = strconv.Quote(s)
	}
	return f.appendElts(v.Lit, quoted)
}

// AddField writes "name: value" into the struct literal lit (see
// appendElts).
func (f *File) AddField(lit *ast.CompositeLit, name, value string) (string, bool) {
	return f.appendElts(lit, []string{name + ": " + value})
}

// appendElts writes items after the last element of lit: on a line of
// its own each, indented as the last element, with the trailing comma Go
// requires, when the literal has one element a line; after ", "
// otherwise.
func (f *File) appendElts(lit *ast.CompositeLit, items []string) (string, bool) {
	text := f.Text
	closeAt := f.Offset(lit.Rbrace)
	if closeAt < 0 || closeAt > len(text) {
		return "", false
	}
	if len(lit.Elts) == 0 {
		return text[:closeAt] + strings.Join(items, ", ") + text[closeAt:], true
	}
	lastEl := lit.Elts[len(lit.Elts)-1]
	last := f.Offset(lastEl.End())
	j := last
	for j < closeAt && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	comma := j < closeAt && text[j] == ','
	if !strings.Contains(text[last:closeAt], "\n") {
		return text[:last] + ", " + strings.Join(items, ", ") + text[last:], true
	}
	ls := strings.LastIndexByte(text[:f.Offset(lastEl.Pos())], '\n') + 1
	ind := text[ls:]
	ind = ind[:len(ind)-len(strings.TrimLeft(ind, " \t"))]
	at, pre := last, ","
	if comma {
		// after the comma and whatever follows it on the line (a comment)
		at, pre = j+1, ""
		if nl := strings.IndexByte(text[at:closeAt], '\n'); nl >= 0 {
			at += nl
		}
	}
	var b strings.Builder
	b.WriteString(pre)
	for _, it := range items {
		b.WriteString("\n" + ind + it + ",")
	}
	return text[:at] + b.String() + text[at:], true
}

func unparen(e ast.Expr) ast.Expr {
	for {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.UnaryExpr:
			if x.Op != token.AND {
				return e
			}
			e = x.X
		default:
			return e
		}
	}
}

// assigned are the assignments name.Field = value in the file, in order.
func (f *File) assigned(name string) []Field {
	var out []Field
	ast.Inspect(f.file, func(n ast.Node) bool {
		a, ok := n.(*ast.AssignStmt)
		if !ok || a.Tok != token.ASSIGN || len(a.Lhs) != 1 || len(a.Rhs) != 1 {
			return true
		}
		if s, ok := a.Lhs[0].(*ast.SelectorExpr); ok && isIdent(s.X, name) {
			v := a.Rhs[0]
			out = append(out, Field{Name: s.Sel.Name, Key: f.Pos(s.Sel.Pos()), At: f.Pos(v.Pos()), Value: f.Eval(v), Expr: v})
		}
		return true
	})
	return out
}

// methodCalls are the calls name.Method(args) in the file, in order.
func (f *File) methodCalls(name string) []Call {
	var out []Call
	ast.Inspect(f.file, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if s, ok := c.Fun.(*ast.SelectorExpr); ok && isIdent(s.X, name) {
				out = append(out, Call{Name: s.Sel.Name, Args: c.Args, Pos: f.Pos(c.Pos()), Node: c})
			}
		}
		return true
	})
	return out
}
