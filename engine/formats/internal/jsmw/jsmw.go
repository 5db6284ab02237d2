// Package jsmw holds what the Node CORS middleware formats (fastify-cors,
// koa-cors, hono-cors) share beyond the literal reader (jslit): finding
// the middleware in an application file (its import, the call that mounts
// it, the options object, directly or through a declared variable),
// origins as the application writes them (strings and RegExps), the
// header operations the frameworks perform on a reply, and edits of an
// options object in the user's own text.
package jsmw

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/jslit"
	"github.com/whycors/whycors/engine/formats/internal/requrl"
	"github.com/whycors/whycors/engine/formats/internal/rx"
	"github.com/whycors/whycors/engine/policy"
)

// Source is an application file read once: its tokens and the object
// literals it declares (const opts = {...}).
type Source struct {
	Text string
	Toks []jslit.Token
	Vars map[string]jslit.Value
	// Names are the names it declares with any literal (jslit.Bindings),
	// read as their values inside the options.
	Names map[string]jslit.Value
}

// Read lexes text and collects its declared object literals. Function
// values inside them are read as jslit.VFunc.
func Read(text string) (*Source, policy.Errors) {
	if len(text) > jslit.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(jslit.MaxText) + " bytes", Unreadable: true}}
	}
	toks, errs := jslit.Lex(text)
	if len(errs) > 0 {
		return nil, errs
	}
	s := &Source{Text: text, Toks: toks, Vars: map[string]jslit.Value{}, Names: jslit.Bindings(toks, true)}
	p := &jslit.Parser{Toks: toks, Funcs: true, Names: s.Names}
	for i := 1; i+1 < len(toks); i++ {
		if toks[i].Kind == jslit.TPunct && toks[i].Text == "=" && toks[i-1].Kind == jslit.TIdent && toks[i+1].Kind == jslit.TPunct && toks[i+1].Text == "{" {
			p.I = i + 1
			if v, ok := p.Literal(0); ok {
				s.Vars[toks[i-1].Text] = v
				// TypeScript: const opts: CorsOptions = {...}
				if i >= 3 && s.Is(i-2, ":") && toks[i-3].Kind == jslit.TIdent {
					s.Vars[toks[i-3].Text] = v
				}
			}
			p.Errs = nil // an object this reader cannot read is only a fault when it is the options
			i = p.I - 1
		}
	}
	return s, nil
}

// Is reports whether token i is punctuation p.
func (s *Source) Is(i int, p string) bool {
	return i >= 0 && i < len(s.Toks) && s.Toks[i].Kind == jslit.TPunct && s.Toks[i].Text == p
}

// Imported returns the local names module mod is bound to: import X from
// 'mod', import { name as X } from 'mod', const X = require('mod') and
// const { name: X } = require('mod'). named is the export read in braces
// ("" for the default export only).
func (s *Source) Imported(mod, named string) []string {
	var out []string
	t := s.Toks
	for i := range t {
		if t[i].Kind != jslit.TString || t[i].Text != mod {
			continue
		}
		switch {
		case i >= 2 && t[i-1].Kind == jslit.TIdent && t[i-1].Text == "from":
			// import X from 'mod' | import { a as X } from 'mod' | import X, { a } from 'mod'
			j := i - 2
			for j >= 0 && !(t[j].Kind == jslit.TIdent && t[j].Text == "import") && i-j < 64 {
				j--
			}
			out = append(out, s.bindings(j+1, i-1, named)...)
		case i >= 2 && s.Is(i-1, "(") && t[i-2].Text == "require":
			// const X = require('mod') | const { a: X } = require('mod')
			if i >= 4 && s.Is(i-3, "=") {
				if t[i-4].Kind == jslit.TIdent {
					out = append(out, t[i-4].Text)
				} else if s.Is(i-4, "}") {
					j := i - 4
					for j >= 0 && !s.Is(j, "{") {
						j--
					}
					out = append(out, s.bindings(j, i-3, named)...)
				}
			}
		}
	}
	return out
}

// bindings reads the names bound between tokens from and to (exclusive):
// a default import's name, and named's local name in braces.
func (s *Source) bindings(from, to int, named string) []string {
	var out []string
	t := s.Toks
	inBraces := false
	for j := from; j < to; j++ {
		switch {
		case s.Is(j, "{"):
			inBraces = true
		case s.Is(j, "}"):
			inBraces = false
		case t[j].Kind == jslit.TIdent && inBraces && t[j].Text == named && named != "":
			local := named
			if j+2 < to && (t[j+1].Text == "as" || s.Is(j+1, ":")) && t[j+2].Kind == jslit.TIdent {
				local = t[j+2].Text
				j += 2
			}
			out = append(out, local)
		case t[j].Kind == jslit.TIdent && !inBraces && t[j].Text != "type" && (j+1 == to || s.Is(j+1, ",")):
			out = append(out, t[j].Text)
		}
	}
	return out
}

// Calls returns the index of each token that calls one of names as a
// function (name followed by "(", not a property: not after ".").
func (s *Source) Calls(names ...string) []int {
	var out []int
	for i, t := range s.Toks {
		if t.Kind != jslit.TIdent || !s.Is(i+1, "(") || s.Is(i-1, ".") {
			continue
		}
		for _, n := range names {
			if t.Text == n {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// Options reads the options argument at token i: an object literal, an
// identifier declared with one in the text, or nothing (")" or the end of
// the argument list: an empty object). what names the call in messages.
// It returns the index of the token after the argument.
func (s *Source) Options(i int, what string) (jslit.Value, int, policy.Errors) {
	t := s.Toks[i]
	switch {
	case s.Is(i, ")"):
		return jslit.Value{Kind: jslit.VObject, Line: t.Line, Col: t.Col}, i, nil
	case t.Kind == jslit.TIdent && (t.Text == "undefined"):
		return jslit.Value{Kind: jslit.VObject, Line: t.Line, Col: t.Col}, i + 1, nil
	case t.Kind == jslit.TIdent && t.Text != "true" && t.Text != "false" && t.Text != "null" && t.Text != "new" && t.Text != "function" && t.Text != "async" && !s.Is(i+1, "=") && !s.Is(i+1, "("):
		v, ok := s.Vars[t.Text]
		if !ok {
			return jslit.Value{}, i + 1, policy.Errors{{Line: t.Line, Column: t.Col, Msg: what + ": " + t.Text + " is not declared with an object literal in this text, so its options cannot be read offline", Unreadable: true}}
		}
		return v, i + 1, nil
	}
	p := &jslit.Parser{Toks: s.Toks, I: i, Funcs: true, Names: s.Names}
	v, ok := p.Literal(0)
	if !ok {
		return v, p.I, p.Errs
	}
	if v.Kind == jslit.VFunc {
		return v, p.I, policy.Errors{{Line: v.Line, Column: v.Col, Msg: what + " takes an options delegate function here, which cannot be evaluated offline: write the options as an object literal", Unreadable: true}}
	}
	if v.Kind != jslit.VObject {
		return v, p.I, policy.Errors{{Line: v.Line, Column: v.Col, Msg: what + " takes an options object, not a " + v.KindName()}}
	}
	return v, p.I, nil
}

// Mount is the call a middleware is passed to: recv.verb([path, ]...).
type Mount struct {
	Recv, Verb string
	// Path is the first argument when it is a string literal.
	Path      string
	HasPath   bool
	PathLine  int
	PathCol   int
	Line, Col int // the receiver's position
}

// MountOf reads the call whose argument list holds token i (a cors(...)
// call or the plugin's identifier).
func (s *Source) MountOf(i int) (Mount, bool) {
	depth := 0
	j := i - 1
	for ; j >= 0; j-- {
		t := s.Toks[j]
		if t.Kind != jslit.TPunct {
			continue
		}
		switch t.Text {
		case ")", "]", "}":
			depth++
		case "(", "[", "{":
			if depth == 0 {
				goto found
			}
			depth--
		}
	}
	return Mount{}, false
found:
	if !s.Is(j, "(") || j < 1 || s.Toks[j-1].Kind != jslit.TIdent {
		return Mount{}, false
	}
	m := Mount{Verb: s.Toks[j-1].Text, Line: s.Toks[j-1].Line, Col: s.Toks[j-1].Col}
	if j >= 3 && s.Is(j-2, ".") && s.Toks[j-3].Kind == jslit.TIdent {
		m.Recv = s.Toks[j-3].Text
		m.Line, m.Col = s.Toks[j-3].Line, s.Toks[j-3].Col
	}
	if a := s.Toks[j+1]; a.Kind == jslit.TString && s.Is(j+2, ",") {
		m.Path, m.HasPath, m.PathLine, m.PathCol = a.Text, true, a.Line, a.Col
	}
	return m, true
}

// Pos is where a value is written (1-based line, column in characters).
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// At returns the position of v.
func At(v jslit.Value) Pos { return Pos{v.Line, v.Col} }

// Unresolved is an option whose value is code (a function): the verdict
// assumes what Assumes says.
type Unresolved struct {
	Option  string `json:"option"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Assumes string `json:"assumes"`
	// Expr is the expression the option is written as (process.env.X),
	// "" for a function.
	Expr string `json:"expr,omitempty"`
}

// Unresolve is the Unresolved of option written as v (a function or an
// expression: jslit.Value.Code), with what the verdict assumes of it.
func Unresolve(option string, v jslit.Value, assumes string) Unresolved {
	u := Unresolved{Option: option, Line: v.Line, Column: v.Col, Assumes: assumes}
	if v.Kind == jslit.VExpr {
		u.Expr = v.Str
	}
	return u
}

// AssumesOrigin is what the verdict assumes of an origin option written
// as code v: a function allows the request's Origin (call: how it says
// so, "cb(null, true)", or ""), an expression holds it.
func AssumesOrigin(v jslit.Value, call string) string {
	if v.Kind == jslit.VExpr {
		return "it holds the request's Origin: Access-Control-Allow-Origin names it"
	}
	if call != "" {
		return "it allows the request's Origin (" + call + "): Access-Control-Allow-Origin echoes it"
	}
	return "it returns the request's Origin: Access-Control-Allow-Origin echoes it"
}

// NotEvaluated is the fault of option key written as an expression
// (process.env.X, a call) where the reader needs its value.
func NotEvaluated(key string, v jslit.Value) *policy.Error {
	e := Bad(key, v, key+" is "+v.Str+", which cannot be evaluated offline: write its value")
	e.Unreadable = true // the reader's limit, not the library's refusal
	return e
}

// Note is the sentence that tells the author about u.
func (u Unresolved) Note() string {
	what := "a function, which cannot be evaluated offline"
	if u.Expr != "" {
		what = u.Expr + ", which is not known offline"
	}
	return "line " + strconv.Itoa(u.Line) + ": " + u.Option + " is " + what + "; the verdict assumes " + u.Assumes
}

// Origin is one allowed origin an application wrote: a string, or a
// RegExp tested (searched) against the request's Origin.
type Origin struct {
	Exact string `json:"exact,omitempty"`
	Regex string `json:"regex,omitempty"` // source, as written
	Flags string `json:"flags,omitempty"`
	Pos
	re *rx.Regexp
}

// CompileOrigin reads a string or RegExp value. sticky reports whether
// the library leaves RegExp.lastIndex alone between requests (a g or y
// flag then makes test() stateful): those flags are refused.
func CompileOrigin(v jslit.Value, sticky bool) (Origin, error) {
	o := Origin{Pos: At(v)}
	if v.Kind == jslit.VString {
		o.Exact = v.Str
		return o, nil
	}
	o.Regex, o.Flags = v.Str, v.Flags
	for _, f := range v.Flags {
		switch {
		case f == 'i' || f == 'u' || f == 'd':
		case (f == 'g' || f == 'y') && !sticky:
			// the library resets lastIndex before each test()
		case f == 'g' || f == 'y':
			return o, &policy.Error{Line: v.Line, Column: v.Col, Msg: "RegExp flag " + string(f) + " makes RegExp.test stateful (lastIndex): requests alternate between match and no match; remove the " + string(f)}
		default:
			return o, &policy.Error{Line: v.Line, Column: v.Col, Msg: "RegExp flag " + string(f) + " is not supported"}
		}
	}
	re, err := rx.Compile(v.Str, strings.ContainsRune(v.Flags, 'i'))
	if err != nil {
		e := err.(*rx.Error)
		return o, &policy.Error{Line: v.Line, Column: v.Col + 1 + e.Offset, Msg: "unsupported regular expression: " + e.Msg}
	}
	if strings.ContainsRune(v.Flags, 'y') {
		// a sticky RegExp with lastIndex 0 matches at the start only
		if re, err = rx.Compile("^(?:"+v.Str+")", strings.ContainsRune(v.Flags, 'i')); err != nil {
			return o, &policy.Error{Line: v.Line, Column: v.Col, Msg: "unsupported regular expression"}
		}
	}
	o.re = re
	return o, nil
}

// Match reports whether origin is this entry (===) or matches its RegExp
// (RegExp.prototype.test).
func (o *Origin) Match(origin string) bool {
	if o.re == nil {
		return o.Regex == "" && o.Exact == origin
	}
	m, _ := o.re.Match(origin)
	return m
}

// Describe writes the entry as the author wrote it.
func (o Origin) Describe() string {
	if o.Regex != "" {
		return "/" + o.Regex + "/" + o.Flags
	}
	return strconv.Quote(o.Exact)
}

// Join is Array.prototype.join(sep) of a list option, or the string
// itself. ok is false for other values (and for array entries that are
// neither strings nor numbers).
func Join(v jslit.Value, sep string) (string, bool) {
	switch v.Kind {
	case jslit.VString:
		return v.Str, true
	case jslit.VArray:
		parts := make([]string, 0, len(v.Arr))
		for _, el := range v.Arr {
			switch el.Kind {
			case jslit.VString:
				parts = append(parts, el.Str)
			case jslit.VNumber:
				parts = append(parts, jslit.NumberString(el.Num))
			case jslit.VNull, jslit.VUndefined:
				parts = append(parts, "")
			default:
				return "", false
			}
		}
		return strings.Join(parts, sep), true
	}
	return "", false
}

// String is JavaScript's String(v) for the literals an option holds.
func String(v jslit.Value) string {
	switch v.Kind {
	case jslit.VString:
		return v.Str
	case jslit.VNumber:
		return jslit.NumberString(v.Num)
	case jslit.VBool:
		if v.B {
			return "true"
		}
		return "false"
	case jslit.VNull:
		return "null"
	case jslit.VUndefined:
		return "undefined"
	case jslit.VRegex:
		return "/" + v.Str + "/" + v.Flags
	case jslit.VArray:
		parts := make([]string, len(v.Arr))
		for i, el := range v.Arr {
			if el.Kind != jslit.VNull && el.Kind != jslit.VUndefined {
				parts[i] = String(el)
			}
		}
		return strings.Join(parts, ",")
	case jslit.VObject:
		return "[object Object]"
	}
	return ""
}

// Options is an options object's properties by key, the last of a
// repeated key winning as in JavaScript, with notes for the author.
type Options struct {
	Props map[string]jslit.Prop
	Notes []string
}

// Props reads obj's properties: known is every option name the library
// reads (an unknown one is noted: the library ignores it), and lib names
// the library in the notes.
func Props(obj jslit.Value, known map[string]bool, lib string) Options {
	o := Options{Props: map[string]jslit.Prop{}}
	for _, pr := range obj.Obj {
		if _, dup := o.Props[pr.Key]; dup {
			o.Notes = append(o.Notes, "line "+strconv.Itoa(pr.Line)+": "+pr.Key+" is given twice; the last one wins")
		}
		if !known[pr.Key] {
			o.Notes = append(o.Notes, "line "+strconv.Itoa(pr.Line)+": "+lib+" ignores the unknown option "+strconv.Quote(pr.Key))
			continue
		}
		o.Props[pr.Key] = pr
	}
	return o
}

// Get returns the value of option key and whether it was written.
func (o Options) Get(key string) (jslit.Value, bool) {
	pr, ok := o.Props[key]
	return pr.Val, ok
}

// Bad is a fault at value v of option key.
func Bad(key string, v jslit.Value, msg string) *policy.Error {
	return &policy.Error{Line: v.Line, Column: v.Col, Path: key, Msg: msg}
}

// DetectImport claims a text that names module in quotes (an import or a
// require of it), with a reason for the detection.
func DetectImport(text, module string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	if strings.Contains(text, "'"+module+"'") || strings.Contains(text, `"`+module+`"`) {
		return true, "JavaScript that imports " + module
	}
	return false, ""
}

// Alone reads a text that is only an options object (an object literal
// or JSON, with an optional ";"); missing is the message for a text that
// is neither that nor code mounting the middleware.
func (s *Source) Alone(missing string) (jslit.Value, policy.Errors) {
	if !s.Is(0, "{") {
		return jslit.Value{}, policy.Errors{{Line: 1, Column: 1, Msg: missing}}
	}
	v, end, es := s.Options(0, "the options")
	if len(es) > 0 {
		return v, es
	}
	if e := s.Toks[end]; e.Kind != jslit.TEOF && !(s.Is(end, ";") && s.Toks[end+1].Kind == jslit.TEOF) {
		return v, policy.Errors{{Line: e.Line, Column: e.Col, Msg: "text after the options object", Unreadable: true}}
	}
	return v, nil
}

// Call is one middleware factory call, cors(options), as mounted.
type Call struct {
	Options jslit.Value
	// Object is where the options object is; with Empty, where the ")"
	// of cors() is.
	Object    Pos
	Empty     bool
	Line, Col int
	Mount     Mount
	Mounted   bool
}

// Middlewares reads every call of names (cors(...)) with its one options
// argument and the call it is passed to.
func (s *Source) Middlewares(names []string) ([]Call, policy.Errors) {
	var out []Call
	var all policy.Errors
	for _, ci := range s.Calls(names...) {
		t := s.Toks[ci]
		v, end, es := s.Options(ci+2, t.Text+"()")
		if len(es) > 0 {
			all = append(all, es...)
			continue
		}
		if !s.Is(end, ")") {
			all = append(all, &policy.Error{Line: s.Toks[end].Line, Column: s.Toks[end].Col, Msg: t.Text + "() takes one argument"})
			continue
		}
		c := Call{Options: v, Object: At(v), Empty: s.Is(ci+2, ")"), Line: t.Line, Col: t.Col}
		if c.Empty {
			c.Object = Pos{Line: s.Toks[ci+2].Line, Column: s.Toks[ci+2].Col}
		}
		c.Mount, c.Mounted = s.MountOf(ci)
		out = append(out, c)
	}
	return out, all
}

// PathOf returns the path of an absolute or path-only URL, without query
// or fragment (requrl.Path).
func PathOf(u string) string { return requrl.Path(u) }
