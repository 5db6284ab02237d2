// Package golit reads the options literal of a Go CORS middleware from
// the user's Go source with go/parser: it finds the calls of a package
// (cors.New, middleware.CORSWithConfig), follows an identifier to the
// literal it is bound to in the same file, and evaluates the constant
// expressions people write there (string, bool and int literals,
// []string literals, constants, http.MethodGet, 12*time.Hour), each
// with its position and byte span for edits. An expression it cannot
// evaluate (a function, an environment lookup) is a Value of kind
// Unknown, with its position, for the format to report.
package golit

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// MaxText is the longest source read, in bytes.
const MaxText = 256 << 10

// Kind is what a Value holds.
type Kind int

// The kinds of Value.
const (
	Unknown Kind = iota // not evaluable offline: a function, a call, an env lookup
	String
	Bool
	Int // an integer; a time.Duration in nanoseconds
	List
	Nil
	Func // a function literal or a named function
)

// Pos is a 1-based line and column in the user's text.
type Pos struct{ Line, Column int }

// Value is an evaluated expression.
type Value struct {
	Kind Kind
	Str  string
	Bool bool
	Int  int64
	List []Value // the elements of a []string literal
	// Pos is where the expression is written; for an identifier bound
	// to a literal, where that literal is.
	Pos Pos
	// Start and End are the byte span of the expression in the text
	// (the literal's, for an identifier followed to it).
	Start, End int
	// Lit is the composite literal of a List, for edits (nil otherwise).
	Lit *ast.CompositeLit
}

// File is one parsed Go source.
type File struct {
	Text  string
	fset  *token.FileSet
	file  *ast.File
	shift int // bytes of the wrapper before the user's text
	lines int // lines of the wrapper before the user's text
	// decls are the constants and variables declared once in the file
	// with one value, by name (nil when declared twice).
	decls   map[string]ast.Expr
	imports map[string]string // local name to import path
}

// isFile reports whether text's first token, after comments (a licence
// header, a build constraint, a whycors:ignore directive), is the
// package clause.
func isFile(text string) bool {
	t := text
	for {
		t = strings.TrimSpace(t)
		switch {
		case strings.HasPrefix(t, "//"):
			i := strings.IndexByte(t, '\n')
			if i < 0 {
				return false
			}
			t = t[i+1:]
		case strings.HasPrefix(t, "/*"):
			i := strings.Index(t[2:], "*/")
			if i < 0 {
				return false
			}
			t = t[i+4:]
		default:
			return strings.HasPrefix(t, "package ") || strings.HasPrefix(t, "package\t")
		}
	}
}

// Parse reads text as a Go file, or, when it is not one, as an
// expression or as statements (a pasted snippet). Its faults are
// positioned in text and marked Unreadable.
func Parse(text string) (*File, error) {
	if len(text) > MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(MaxText) + " bytes", Unreadable: true}}
	}
	wrappers := []struct{ pre, post string }{{"", ""}}
	if !isFile(text) {
		// A snippet: statements, or an expression; its faults are the
		// statements' (a file's would say "expected 'package'").
		wrappers = []struct{ pre, post string }{{"package p\nfunc _() {\n", "\n}\n"}, {"package p\nvar _ = \n", "\n"}}
	}
	var first error
	shift := 0
	for i, w := range wrappers {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "main.go", w.pre+text+w.post, parser.SkipObjectResolution)
		if err == nil {
			g := &File{Text: text, fset: fset, file: f, shift: len(w.pre), lines: strings.Count(w.pre, "\n")}
			g.index()
			return g, nil
		}
		if i == 0 {
			first, shift = err, strings.Count(w.pre, "\n")
		}
	}
	lines := strings.Count(text, "\n") + 1
	var es policy.Errors
	if list, ok := first.(scanner.ErrorList); ok {
		for i, e := range list {
			if i == 10 {
				break
			}
			line, col := e.Pos.Line-shift, e.Pos.Column
			if line > lines {
				// at the wrapper's closing lines: the text ends too soon
				line, col = lines, len(text)-strings.LastIndexByte(text, '\n')
			}
			es = append(es, &policy.Error{Line: max(line, 1), Column: max(col, 1), Msg: e.Msg, Unreadable: true})
		}
	}
	if len(es) == 0 {
		es = policy.Errors{{Line: 1, Column: 1, Msg: "not Go source", Unreadable: true}}
	}
	return nil, es
}

// Pos returns where p is in the user's text.
func (f *File) Pos(p token.Pos) Pos {
	pp := f.fset.Position(p)
	return Pos{Line: pp.Line - f.lines, Column: pp.Column}
}

// Offset returns the byte offset of p in the user's text.
func (f *File) Offset(p token.Pos) int {
	return f.fset.Position(p).Offset - f.shift
}

func (f *File) index() {
	f.decls = map[string]ast.Expr{}
	f.imports = map[string]string{}
	for _, im := range f.file.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := path[strings.LastIndexByte(path, '/')+1:]
		if strings.HasPrefix(name, "v") && len(name) > 1 && strings.Trim(name[1:], "0123456789") == "" {
			p := strings.TrimSuffix(path, "/"+name)
			name = p[strings.LastIndexByte(p, '/')+1:]
		}
		if im.Name != nil {
			name = im.Name.Name
		}
		f.imports[name] = path
	}
	bind := func(id *ast.Ident, e ast.Expr) {
		if id.Name == "_" {
			return
		}
		if _, dup := f.decls[id.Name]; dup {
			f.decls[id.Name] = nil
			return
		}
		f.decls[id.Name] = e
	}
	ast.Inspect(f.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if len(n.Values) == len(n.Names) {
					bind(id, n.Values[i])
				} else {
					bind(id, nil)
				}
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					if len(n.Rhs) == len(n.Lhs) && n.Tok == token.DEFINE {
						bind(id, n.Rhs[i])
					} else {
						bind(id, nil) // assigned again: not a constant
					}
				}
			}
		case *ast.FuncDecl:
			if n.Recv == nil {
				bind(n.Name, &ast.FuncLit{Type: n.Type, Body: n.Body})
			}
		}
		return true
	})
}

// Imports reports whether the file imports path, and under which name.
func (f *File) Imports(path string) (string, bool) {
	for n, p := range f.imports {
		if p == path {
			return n, true
		}
	}
	return "", false
}

// Call is a call of a package's function, pkg.Name(Args...).
type Call struct {
	Name string
	Args []ast.Expr
	Pos  Pos
	Node *ast.CallExpr
}

// Calls lists the calls of the functions names of the package imported
// from path (or, in a file with no import of it, of the package named
// pkg), in the order they are written.
func (f *File) Calls(path, pkg string, names ...string) []Call {
	if n, ok := f.Imports(path); ok {
		pkg = n
	}
	var out []Call
	ast.Inspect(f.file, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if s, ok := c.Fun.(*ast.SelectorExpr); ok {
			if x, ok := s.X.(*ast.Ident); ok && x.Name == pkg {
				for _, want := range names {
					if s.Sel.Name == want {
						out = append(out, Call{Name: want, Args: c.Args, Pos: f.Pos(c.Pos()), Node: c})
					}
				}
			}
		}
		return true
	})
	return out
}

// Literals lists the composite literals of type pkg.typ (pkg as in
// Calls) in the file, in the order they are written.
func (f *File) Literals(path, pkg, typ string) []*ast.CompositeLit {
	if n, ok := f.Imports(path); ok {
		pkg = n
	}
	var out []*ast.CompositeLit
	ast.Inspect(f.file, func(n ast.Node) bool {
		if c, ok := n.(*ast.CompositeLit); ok && isSel(c.Type, pkg, typ) {
			out = append(out, c)
		}
		return true
	})
	return out
}

func isSel(e ast.Expr, pkg, name string) bool {
	s, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := s.X.(*ast.Ident)
	return ok && x.Name == pkg && s.Sel.Name == name
}

// Follow returns the expression an identifier is bound to in the file
// (through &x and parentheses), or e itself.
func (f *File) Follow(e ast.Expr) ast.Expr {
	for i := 0; i < 16; i++ {
		switch x := e.(type) {
		case *ast.ParenExpr:
			e = x.X
		case *ast.UnaryExpr:
			if x.Op != token.AND {
				return e
			}
			e = x.X
		case *ast.Ident:
			d := f.decls[x.Name]
			if d == nil {
				return e
			}
			e = d
		default:
			return e
		}
	}
	return e
}

// Field is one keyed field of a struct literal.
type Field struct {
	Name string
	Key  Pos
	// At is where the value is written (Value.Pos is where an
	// identifier's literal is).
	At    Pos
	Value Value
	Expr  ast.Expr
}

// Struct returns the keyed fields of the composite literal e is (or is
// bound to), and the literal itself.
func (f *File) Struct(e ast.Expr) ([]Field, *ast.CompositeLit, bool) {
	c, ok := f.Follow(e).(*ast.CompositeLit)
	if !ok {
		return nil, nil, false
	}
	var out []Field
	for _, el := range c.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		k, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		out = append(out, Field{Name: k.Name, Key: f.Pos(k.Pos()), At: f.Pos(kv.Value.Pos()), Value: f.Eval(kv.Value), Expr: kv.Value})
	}
	return out, c, true
}

// methods are net/http's method constants.
var methods = map[string]string{"MethodGet": "GET", "MethodHead": "HEAD", "MethodPost": "POST", "MethodPut": "PUT", "MethodPatch": "PATCH", "MethodDelete": "DELETE", "MethodConnect": "CONNECT", "MethodOptions": "OPTIONS", "MethodTrace": "TRACE"}

// durations are package time's units, in nanoseconds.
var durations = map[string]int64{"Nanosecond": 1, "Microsecond": 1e3, "Millisecond": 1e6, "Second": 1e9, "Minute": 60e9, "Hour": 3600e9}

// Eval evaluates e.
func (f *File) Eval(e ast.Expr) Value {
	return f.eval(e, 0)
}

func (f *File) eval(e ast.Expr, depth int) Value {
	v := Value{Pos: f.Pos(e.Pos()), Start: f.Offset(e.Pos()), End: f.Offset(e.End())}
	if depth > 32 {
		return v
	}
	switch x := e.(type) {
	case *ast.ParenExpr:
		return f.eval(x.X, depth+1)
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			if s, err := strconv.Unquote(x.Value); err == nil {
				v.Kind, v.Str = String, s
			}
		case token.INT:
			if n, err := strconv.ParseInt(strings.ReplaceAll(x.Value, "_", ""), 0, 64); err == nil {
				v.Kind, v.Int = Int, n
			}
		}
	case *ast.Ident:
		switch x.Name {
		case "true", "false":
			if _, shadowed := f.decls[x.Name]; !shadowed {
				v.Kind, v.Bool = Bool, x.Name == "true"
				return v
			}
		case "nil":
			v.Kind = Nil
			return v
		}
		if d := f.decls[x.Name]; d != nil {
			return f.eval(d, depth+1)
		}
	case *ast.SelectorExpr:
		if p, ok := x.X.(*ast.Ident); ok {
			switch f.pathOf(p.Name) {
			case "net/http":
				if m, ok := methods[x.Sel.Name]; ok {
					v.Kind, v.Str = String, m
				}
				if n, ok := statuses[x.Sel.Name]; ok {
					v.Kind, v.Int = Int, n
				}
			case "time":
				if d, ok := durations[x.Sel.Name]; ok {
					v.Kind, v.Int = Int, d
				}
			case "github.com/labstack/echo/v4":
				if h, ok := echoHeaders[x.Sel.Name]; ok {
					v.Kind, v.Str = String, h
				}
			}
		}
	case *ast.FuncLit:
		v.Kind = Func
	case *ast.CallExpr:
		// time.Duration(12) and int(x) are conversions of a constant.
		if len(x.Args) == 1 && (isSel(x.Fun, f.nameOf("time"), "Duration") || isIdent(x.Fun, "int") || isIdent(x.Fun, "int64")) {
			in := f.eval(x.Args[0], depth+1)
			if in.Kind == Int {
				v.Kind, v.Int = Int, in.Int
			}
		}
	case *ast.UnaryExpr:
		in := f.eval(x.X, depth+1)
		if x.Op == token.SUB && in.Kind == Int {
			v.Kind, v.Int = Int, -in.Int
		}
		if x.Op == token.NOT && in.Kind == Bool {
			v.Kind, v.Bool = Bool, !in.Bool
		}
	case *ast.BinaryExpr:
		a, b := f.eval(x.X, depth+1), f.eval(x.Y, depth+1)
		switch {
		case a.Kind == String && b.Kind == String && x.Op == token.ADD:
			v.Kind, v.Str = String, a.Str+b.Str
		case a.Kind == Int && b.Kind == Int:
			v.Kind = Int
			switch x.Op {
			case token.ADD:
				v.Int = a.Int + b.Int
			case token.SUB:
				v.Int = a.Int - b.Int
			case token.MUL:
				v.Int = a.Int * b.Int
			case token.QUO:
				if b.Int == 0 {
					v.Kind = Unknown
				} else {
					v.Int = a.Int / b.Int
				}
			default:
				v.Kind = Unknown
			}
		}
	case *ast.CompositeLit:
		if at, ok := x.Type.(*ast.ArrayType); ok && at.Len == nil && isIdent(at.Elt, "string") {
			v.Kind, v.Lit, v.List = List, x, []Value{}
			for _, el := range x.Elts {
				ev := f.eval(el, depth+1)
				if ev.Kind != String {
					ev.Kind = Unknown
				}
				v.List = append(v.List, ev)
			}
		}
	}
	return v
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// pathOf is the import path of a package name; without an import, the
// standard packages' own names.
func (f *File) pathOf(name string) string {
	if p, ok := f.imports[name]; ok {
		return p
	}
	switch name {
	case "http":
		return "net/http"
	case "time":
		return "time"
	}
	return ""
}

func (f *File) nameOf(path string) string {
	if n, ok := f.Imports(path); ok {
		return n
	}
	return path[strings.LastIndexByte(path, '/')+1:]
}

// echoHeaders are the header name constants of
// github.com/labstack/echo/v4 (echo.go, v4.16.5) an allowed or exposed
// header list is written with.
var echoHeaders = map[string]string{
	"HeaderAccept": "Accept", "HeaderAcceptEncoding": "Accept-Encoding", "HeaderAllow": "Allow",
	"HeaderAuthorization": "Authorization", "HeaderContentDisposition": "Content-Disposition",
	"HeaderContentEncoding": "Content-Encoding", "HeaderContentLength": "Content-Length",
	"HeaderContentType": "Content-Type", "HeaderCookie": "Cookie", "HeaderSetCookie": "Set-Cookie",
	"HeaderIfModifiedSince": "If-Modified-Since", "HeaderLastModified": "Last-Modified",
	"HeaderLocation": "Location", "HeaderRetryAfter": "Retry-After", "HeaderVary": "Vary",
	"HeaderXRequestID": "X-Request-Id", "HeaderXCorrelationID": "X-Correlation-Id",
	"HeaderXRequestedWith": "X-Requested-With", "HeaderOrigin": "Origin", "HeaderCacheControl": "Cache-Control",
	"HeaderXCSRFToken": "X-CSRF-Token", "HeaderXHTTPMethodOverride": "X-HTTP-Method-Override",
}

// statuses are the net/http status constants a preflight status is
// written with.
var statuses = map[string]int64{"StatusOK": 200, "StatusNoContent": 204, "StatusAccepted": 202, "StatusCreated": 201}

// Source is the text of e as written.
func (f *File) Source(e ast.Expr) string {
	s, t := f.Offset(e.Pos()), f.Offset(e.End())
	if s < 0 || t > len(f.Text) || s > t {
		return ""
	}
	return f.Text[s:t]
}

// Strings returns the strings of a List value, and the first element
// that is not a string (ok false).
func (v Value) Strings() (out []string, bad Value, ok bool) {
	for _, el := range v.List {
		if el.Kind != String {
			return nil, el, false
		}
		out = append(out, el.Str)
	}
	return out, Value{}, true
}
