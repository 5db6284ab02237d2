// Package pylit reads the subset of Python the CORS middlewares' options
// are written in (Starlette's add_middleware, django-cors-headers'
// settings, flask-cors' CORS() and @cross_origin), with positions.
//
// It understands literals: strings (prefixes r and u, implicit
// concatenation, escapes), ints and floats, True, False, None, lists,
// tuples, sets and dicts, with *name and **name unpacking; names bound
// earlier in the text by simple assignment (NAME = value, NAME += value);
// + on strings, lists and tuples and + and * on ints; list(), tuple(),
// set() and sorted() of one literal, and re.compile(str). Anything else
// in a value (a call, an attribute lookup, a comprehension, an f-string)
// becomes a Value of Kind Invalid at its position, with the reason, for
// the caller to report when it uses that value: the rest of a module is
// full of code no CORS reader needs.
//
// Lines and columns are 1-based, columns counted in characters; Off and
// End are byte offsets, for edits of the user's text.
package pylit

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// MaxText is the longest text Read accepts.
const MaxText = 1 << 20

// Kind is what a Value is.
type Kind uint8

// The kinds of Value.
const (
	Invalid Kind = iota // a construct this package does not evaluate: S says why
	Str
	Int
	Float
	Bool
	None
	List
	Tuple
	Set
	Dict
	Name // a name bound nowhere earlier in the text (an import): S is its dotted name
)

var kindNames = [...]string{"unsupported expression", "str", "int", "float", "bool", "None", "list", "tuple", "set", "dict", "name"}

// String is the kind's Python name ("str", "list", ...).
func (k Kind) String() string { return kindNames[k] }

// Value is one evaluated Python expression and where it is written.
type Value struct {
	Kind Kind
	// S is a Str's value, a Name's dotted name, an Invalid's reason, or
	// the text a list read from the environment was split from.
	S string
	// Raw is a Str written as a raw string; Compiled one passed through
	// re.compile.
	Raw, Compiled bool
	I             int64   // Int, and Bool as 0 or 1
	F             float64 // Float
	// Items are a List's, Tuple's or Set's elements, or a Dict's values.
	Items []Value
	// Keys are a Dict's keys, parallel to Items.
	Keys []Value
	// Line and Col are where the expression starts; Off and End its
	// bytes in the text.
	Line, Col int
	Off, End  int
	// Env is the environment variable a value was read from
	// (os.getenv("NAME"), os.environ["NAME"], and a split of one), with
	// EnvDefault when no value was given for it (ReadEnviron's environ)
	// and the value is the default the text writes. An edit of the text
	// cannot change such a value.
	Env        string
	EnvDefault bool
	// EnvSep is the separator a list read from the environment was
	// split on (" " for split()); EnvBound the name it is bound to
	// (ORIGINS = os.getenv(...)), when it is.
	EnvSep, EnvBound string
}

// ParseSource is a Python format's policy.SourceParser: src's one file
// (policy.Source.OneFile) read by parse with the values of the
// environment variables src.Params gives (the command line's --param).
func ParseSource[C policy.Evaluator](format string, src policy.Source, parse func(text string, environ map[string]string) (C, error)) (policy.Evaluator, error) {
	if err := src.OneFile(format); err != nil {
		return nil, err
	}
	c, err := parse(src.Main(), src.Params)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// EnvNote is a note of where a value read from the environment came
// from, for the option or setting what, or "" for a value the text
// writes: "line N: what is read from the environment variable NAME: ...".
func (v Value) EnvNote(what string) string {
	if v.Env == "" {
		return ""
	}
	n := "line " + strconv.Itoa(v.Line) + ": " + what + " is read from the environment variable " + v.Env
	if v.EnvDefault {
		return n + ": the verdict takes the default the code writes, " + strconv.Quote(v.S) + ", for want of its value; give it with --param " + v.Env + "=VALUE"
	}
	return n + ", given with --param"
}

// EnvNotes are the EnvNote of v and of every value inside it (a list's
// items, a dict's values), once for each variable: an environment read
// within a list or a resource's options is noted as one at the top is.
func (v Value) EnvNotes(what string) []string {
	var out []string
	seen := map[string]bool{}
	var walk func(Value)
	walk = func(x Value) {
		if n := x.EnvNote(what); n != "" && !seen[x.Env] {
			seen[x.Env] = true
			out = append(out, n)
			return
		}
		for _, it := range x.Items {
			walk(it)
		}
	}
	walk(v)
	return out
}

// Truthy is Python's bool(v); an Invalid or a Name counts as true.
func (v Value) Truthy() bool {
	switch v.Kind {
	case Str:
		return v.S != ""
	case Int, Bool:
		return v.I != 0
	case Float:
		return v.F != 0
	case None:
		return false
	case List, Tuple, Set, Dict:
		return len(v.Items) > 0
	}
	return true
}

// Seq reports whether v is a list, tuple or set.
func (v Value) Seq() bool { return v.Kind == List || v.Kind == Tuple || v.Kind == Set }

// Strings returns the elements of a list, tuple or set of str, or nil and
// the first element that is not a str.
func (v Value) Strings() ([]string, *Value) {
	out := make([]string, 0, len(v.Items))
	for i := range v.Items {
		if v.Items[i].Kind != Str {
			return nil, &v.Items[i]
		}
		out = append(out, v.Items[i].S)
	}
	return out, nil
}

// Get returns the value of a dict's str key.
func (v Value) Get(key string) (Value, bool) {
	for i := len(v.Keys) - 1; i >= 0; i-- {
		if v.Keys[i].Kind == Str && v.Keys[i].S == key {
			return v.Items[i], true
		}
	}
	return Value{}, false
}

// Error is a fault at v's position.
func (v Value) Error(path, msg string) *policy.Error {
	return &policy.Error{Line: v.Line, Column: v.Col, Path: path, Msg: msg}
}

// Repr is v as Python's str() writes it, for the scalars a header value
// takes (str, int, float, bool, None).
func (v Value) Repr() string {
	switch v.Kind {
	case Str, Name, Invalid:
		return v.S
	case Int:
		return strconv.FormatInt(v.I, 10)
	case Bool:
		if v.I != 0 {
			return "True"
		}
		return "False"
	case None:
		return "None"
	case Float:
		s := strconv.FormatFloat(v.F, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	}
	return ""
}

// Arg is one argument of a call: Name is the keyword ("" for a positional
// argument); Star is 1 for *x and 2 for **x.
type Arg struct {
	Name  string
	Star  int
	Value Value
	// Line, Col and Off are where the argument (its keyword) starts.
	Line, Col, Off int
}

// Call is a call of a dotted name ("CORS", "app.add_middleware") found
// anywhere in the text, with its arguments evaluated with the bindings
// made before it.
type Call struct {
	Func      string
	Line, Col int
	// Off is the callee's first byte; Open and Close are the bytes of its
	// parentheses.
	Off, Open, Close int
	Args             []Arg
	// Decorator: the call is a decorator (@name(...)). Def is the
	// function its decorator stack belongs to, and Stack numbers that
	// stack (decorators of one def share it).
	Decorator bool
	Def       string
	Stack     int
}

// Arg returns the keyword argument name.
func (c *Call) Arg(name string) (Arg, bool) {
	for i := len(c.Args) - 1; i >= 0; i-- {
		if c.Args[i].Name == name && c.Args[i].Star == 0 {
			return c.Args[i], true
		}
	}
	return Arg{}, false
}

// Positional returns the i-th positional argument.
func (c *Call) Positional(i int) (Arg, bool) {
	for _, a := range c.Args {
		if a.Name == "" && a.Star == 0 {
			if i == 0 {
				return a, true
			}
			i--
		}
	}
	return Arg{}, false
}

// Assign is a simple assignment NAME = value (or NAME += value), with the
// value it binds.
type Assign struct {
	Name      string
	Value     Value
	Line, Col int
	// Indented is an assignment inside a block (a def, an if).
	Indented bool
}

// Module is what Read finds in a text.
type Module struct {
	Text    string
	Assigns []Assign
	Calls   []Call
	// Subscripts are assignments to NAME[str] (app.config["CORS_ORIGINS"] = ...),
	// keyed "app.config[CORS_ORIGINS]".
	Subscripts []Assign
}

// Last returns the last assignment of name.
func (m *Module) Last(name string) (Assign, bool) {
	for i := len(m.Assigns) - 1; i >= 0; i-- {
		if m.Assigns[i].Name == name {
			return m.Assigns[i], true
		}
	}
	return Assign{}, false
}

// Read reads text. env binds names the text imports (corsheaders'
// default_headers) before the text's own assignments. The error is a
// policy.Errors for text that is not Python the lexer can split (an
// unterminated string); unsupported values are not errors here.
func Read(text string, env map[string]Value) (*Module, error) {
	return ReadEnviron(text, env, nil)
}

// ReadEnviron is Read with the values of the environment variables the
// text reads (the command line's --param NAME=VALUE): os.getenv("NAME"
// [, default]), os.environ.get("NAME"[, default]) and
// os.environ["NAME"] are the value given, else the default written,
// else Invalid; str.split and str.strip of one are evaluated. Tried as a
// new user would, CORS_ALLOWED_ORIGINS =
// os.environ.get("CORS_ALLOWED_ORIGINS", "...").split(","), the most
// common way settings are written, could not be read.
func ReadEnviron(text string, env map[string]Value, environ map[string]string) (*Module, error) {
	if len(text) > MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(MaxText) + " bytes"}}
	}
	toks, errs := lex(text)
	if len(errs) > 0 {
		return nil, errs
	}
	p := &parser{toks: toks, env: map[string]Value{}, text: text, environ: environ}
	for k, v := range env {
		p.env[k] = v
	}
	m := &Module{Text: text}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		stmt := i == 0 || toks[i-1].kind == tNewline
		if stmt && t.kind == tName && i+1 < len(toks) && toks[i+1].kind == tOp && (toks[i+1].text == "=" || toks[i+1].text == "+=") {
			p.i = i + 2
			v := p.expr()
			if toks[i+1].text == "+=" {
				if old, ok := p.env[t.text]; ok {
					v = add(old, v)
				} else {
					v = invalid(v, t.text+" += before "+t.text+" is bound")
				}
			}
			if v.Env != "" {
				v.EnvBound = t.text
			}
			p.env[t.text] = v
			m.Assigns = append(m.Assigns, Assign{Name: t.text, Value: v, Line: t.line, Col: t.col, Indented: t.col > 1})
			continue
		}
		if stmt && t.kind == tName {
			// NAME.attr[str] = value
			j := i + 1
			for j+1 < len(toks) && toks[j].text == "." && toks[j+1].kind == tName {
				j += 2
			}
			if j+3 < len(toks) && toks[j].text == "[" && toks[j+1].kind == tString && toks[j+2].text == "]" && toks[j+3].text == "=" {
				key, _, why := decodeString(toks[j+1].text)
				if why == "" {
					p.i = j + 4
					v := p.expr()
					m.Subscripts = append(m.Subscripts, Assign{Name: text[t.off:toks[j].off] + "[" + key + "]", Value: v, Line: t.line, Col: t.col})
				}
			}
		}
		if t.kind == tName && (i == 0 || toks[i-1].text != "." && toks[i-1].text != "def" && toks[i-1].text != "class") {
			j := i + 1
			for j+1 < len(toks) && toks[j].text == "." && toks[j+1].kind == tName {
				j += 2
			}
			if j < len(toks) && toks[j].kind == tOp && toks[j].text == "(" {
				c := Call{Func: text[t.off:toks[j-1].end], Line: t.line, Col: t.col, Off: t.off, Open: toks[j].off}
				p.i = j + 1
				c.Args, c.Close = p.args()
				if i > 0 && toks[i-1].text == "@" && (i == 1 || toks[i-2].kind == tNewline) {
					c.Decorator = true
					c.Def, c.Stack = decoratedDef(toks, p.i)
				}
				m.Calls = append(m.Calls, c)
			}
		}
	}
	return m, nil
}

// decoratedDef returns the name and token index of the first def or
// class statement from token i on: the one a decorator stack decorates.
func decoratedDef(toks []token, i int) (string, int) {
	for ; i+1 < len(toks); i++ {
		if toks[i].kind == tName && (toks[i].text == "def" || toks[i].text == "class") && toks[i+1].kind == tName && (toks[i-1].kind == tNewline || toks[i-1].text == "async") {
			return toks[i+1].text, i
		}
	}
	return "", -1
}

type parser struct {
	toks    []token
	i       int
	env     map[string]Value
	text    string
	environ map[string]string
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) isOp(s string) bool { t := p.toks[p.i]; return t.kind == tOp && t.text == s }

func invalid(v Value, why string) Value {
	return Value{Kind: Invalid, S: why, Line: v.Line, Col: v.Col, Off: v.Off, End: v.End}
}

// at makes a Value of kind k spanning tokens from start to the one
// before p.i.
func (p *parser) at(k Kind, start int) Value {
	t := p.toks[start]
	end := t.end
	if p.i > start {
		end = p.toks[p.i-1].end
	}
	return Value{Kind: k, Line: t.line, Col: t.col, Off: t.off, End: end}
}

// skip moves past the rest of an expression it cannot evaluate: up to a
// comma, a closing bracket or the end of the line at its own depth.
func (p *parser) skip() {
	depth := 0
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF, t.kind == tNewline && depth == 0:
			return
		case t.kind == tOp && (t.text == "(" || t.text == "[" || t.text == "{"):
			depth++
		case t.kind == tOp && (t.text == ")" || t.text == "]" || t.text == "}"):
			if depth == 0 {
				return
			}
			depth--
		case t.kind == tOp && (t.text == "," || t.text == ":" || t.text == "=") && depth == 0:
			return
		}
		p.i++
	}
}

// expr reads an expression up to a comma, a closing bracket or the end
// of the statement.
func (p *parser) expr() Value {
	start := p.i
	v := p.term()
	summed := false
	for p.isOp("+") {
		p.i++
		w := p.term()
		v = add(v, w)
		summed = true
	}
	if !p.endOfExpr() {
		t := p.peek()
		p.skip()
		why := "an expression with " + strconv.Quote(t.text)
		if t.kind == tName {
			why = "an expression with " + t.text
		}
		if t.text == "for" {
			why = "a comprehension"
		}
		return invalid(p.at(Invalid, start), why+" is computed when the program runs")
	}
	if v.Kind == Invalid || !summed {
		// A name keeps the position of the literal it is bound to, where
		// an edit changes it.
		return v
	}
	w := p.at(v.Kind, start)
	v.Line, v.Col, v.Off, v.End = w.Line, w.Col, w.Off, w.End
	return v
}

func (p *parser) endOfExpr() bool {
	t := p.peek()
	return t.kind == tEOF || t.kind == tNewline || t.kind == tOp && strings.Contains(",)]}:=;", t.text) && t.text != "=="
}

// term is a product of ints, or one atom.
func (p *parser) term() Value {
	start := p.i
	v := p.atom()
	for p.isOp("*") && v.Kind == Int {
		p.i++
		w := p.atom()
		if w.Kind != Int {
			return invalid(p.at(Invalid, start), "* of a "+w.Kind.String())
		}
		v.I *= w.I
		v.End = w.End
	}
	return v
}

// add is Python's + on the kinds it is defined for here.
func add(a, b Value) Value {
	out := a
	out.End = b.End
	// A sum is no longer the variable's value alone (an adversarial
	// review: a fix moved the literal list into the variable); its
	// items keep where each came from.
	out.Env, out.EnvDefault, out.EnvSep, out.EnvBound = "", false, "", ""
	switch {
	case a.Kind == Invalid:
		return a
	case b.Kind == Invalid:
		return b
	case a.Kind == Str && b.Kind == Str:
		out.S = a.S + b.S
	case a.Kind == Int && b.Kind == Int:
		out.I = a.I + b.I
	case a.Kind == List && b.Kind == List, a.Kind == Tuple && b.Kind == Tuple:
		out.Items = append(append([]Value(nil), a.Items...), b.Items...)
	default:
		return invalid(out, "+ of a "+a.Kind.String()+" and a "+b.Kind.String())
	}
	return out
}

func (p *parser) atom() Value {
	start := p.i
	t := p.peek()
	switch t.kind {
	case tString:
		var b strings.Builder
		raw, compiled := false, false
		for p.peek().kind == tString {
			s, r, why := decodeString(p.peek().text)
			if why != "" {
				p.i++
				p.skip()
				return invalid(p.at(Invalid, start), why)
			}
			raw = raw || r
			b.WriteString(s)
			p.i++
		}
		v := p.at(Str, start)
		v.S, v.Raw, v.Compiled = b.String(), raw, compiled
		return v
	case tNumber:
		p.i++
		return number(p.at(Int, start), t.text)
	case tName:
		switch t.text {
		case "True", "False":
			p.i++
			v := p.at(Bool, start)
			if t.text == "True" {
				v.I = 1
			}
			return v
		case "None":
			p.i++
			return p.at(None, start)
		}
		p.i++
		for p.isOp(".") && p.toks[p.i+1].kind == tName {
			p.i += 2
		}
		name := p.text[t.off:p.toks[p.i-1].end]
		if p.isOp("(") {
			return p.methods(start, p.call(start, name))
		}
		if p.isOp("[") {
			if (name == "os.environ" || name == "environ") && p.toks[p.i+1].kind == tString && p.toks[p.i+2].kind == tOp && p.toks[p.i+2].text == "]" {
				key, _, why := decodeString(p.toks[p.i+1].text)
				p.i += 3
				if why != "" {
					return invalid(p.at(Invalid, start), why)
				}
				return p.methods(start, p.environValue(p.at(Str, start), key, nil))
			}
			p.skip()
			return invalid(p.at(Invalid, start), "a subscript of "+name+" is computed when the program runs")
		}
		if v, ok := p.env[name]; ok {
			return v
		}
		v := p.at(Name, start)
		v.S = name
		return v
	case tOp:
		switch t.text {
		case "-":
			p.i++
			if p.peek().kind == tNumber {
				v := number(p.at(Int, start), p.peek().text)
				p.i++
				w := p.at(v.Kind, start)
				v.I, v.F, v.End = -v.I, -v.F, w.End
				return v
			}
		case "(":
			p.i++
			items, trailing := p.items(")")
			v := p.at(Tuple, start)
			if len(items) == 1 && !trailing {
				w := items[0]
				w.Line, w.Col, w.Off, w.End = v.Line, v.Col, v.Off, v.End
				return w
			}
			v.Items = items
			return p.flatten(v)
		case "[":
			p.i++
			items, _ := p.items("]")
			v := p.at(List, start)
			v.Items = items
			return p.flatten(v)
		case "{":
			p.i++
			return p.brace(start)
		}
	}
	p.skip()
	if p.i == start {
		p.i++
	}
	return invalid(p.at(Invalid, start), strconv.Quote(t.text)+" is not a literal")
}

// number reads an int or float literal.
func number(v Value, s string) Value {
	s = strings.ReplaceAll(s, "_", "")
	if n, err := strconv.ParseInt(s, 0, 64); err == nil && (len(s) == 1 || s[0] != '0' || s[1]|0x20 == 'x' || s[1]|0x20 == 'o' || s[1]|0x20 == 'b' || strings.Trim(s, "0") == "") {
		v.Kind, v.I = Int, n
		return v
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "xXpP") {
		v.Kind, v.F = Float, f
		return v
	}
	return invalid(v, "number "+strconv.Quote(s)+" is not understood")
}

// items reads a comma-separated list up to close. *name items are kept
// as a one-item Value with Star set through a marker Name for flatten.
func (p *parser) items(close string) (out []Value, trailing bool) {
	for {
		if p.isOp(close) {
			p.i++
			return out, trailing
		}
		if p.peek().kind == tEOF || p.peek().kind == tNewline {
			return out, trailing
		}
		if p.isOp("*") {
			start := p.i
			p.i++
			v := p.expr()
			// The star item spans its own tokens: v may be a name's
			// value, positioned where the name was bound (earlier in the
			// text), so its End is not this item's (fuzz input
			// ff7afece68b35c7f).
			out = append(out, Value{Kind: Invalid, S: starMark, Items: []Value{v}, Line: p.toks[start].line, Col: p.toks[start].col, Off: p.toks[start].off, End: p.toks[p.i-1].end})
		} else {
			out = append(out, p.expr())
		}
		trailing = false
		if p.isOp(",") {
			p.i++
			trailing = true
			continue
		}
		if !p.isOp(close) {
			t := p.peek()
			p.skip()
			if !p.isOp(close) && !p.isOp(",") {
				out = append(out, Value{Kind: Invalid, S: strconv.Quote(t.text) + " is not understood here", Line: t.line, Col: t.col, Off: t.off, End: t.end})
				return out, false
			}
		}
	}
}

const starMark = "\x00*"

// flatten replaces each *x item of a display by x's elements.
func (p *parser) flatten(v Value) Value {
	var out []Value
	for _, it := range v.Items {
		if it.Kind == Invalid && it.S == starMark {
			x := it.Items[0]
			switch {
			case x.Seq():
				out = append(out, x.Items...)
			case x.Kind == Str:
				for _, r := range x.S {
					c := x
					c.S = string(r)
					out = append(out, c)
				}
			default:
				why := "*" + x.Kind.String() + " cannot be unpacked here"
				if x.Kind == Name {
					why = "*" + x.S + ": " + x.S + " is not bound in this text"
				} else if x.Kind == Invalid {
					why = x.S
				}
				return invalid(it, why)
			}
			continue
		}
		if it.Kind == Invalid {
			return it
		}
		out = append(out, it)
	}
	v.Items = out
	return v
}

// brace reads a dict or set display after its "{".
func (p *parser) brace(start int) Value {
	if p.isOp("}") {
		p.i++
		return p.at(Dict, start)
	}
	first := p.i
	// A set if the first item is not followed by ":".
	if !p.isOp("**") {
		p.expr()
		isSet := !p.isOp(":")
		p.i = first
		if isSet {
			items, _ := p.items("}")
			v := p.at(Set, start)
			v.Items = items
			v = p.flatten(v)
			if v.Kind == Set {
				v.Items = dedupe(v.Items)
			}
			return v
		}
	}
	v := p.at(Dict, start)
	for {
		switch {
		case p.isOp("}"):
			p.i++
			w := p.at(Dict, start)
			v.End = w.End
			return v
		case p.peek().kind == tEOF:
			return invalid(p.at(Invalid, start), "unclosed {")
		case p.isOp("**"):
			p.i++
			x := p.expr()
			if x.Kind != Dict {
				p.skipTo("}")
				return invalid(x, "**"+x.Kind.String()+" cannot be unpacked into a dict here")
			}
			v.Keys = append(v.Keys, x.Keys...)
			v.Items = append(v.Items, x.Items...)
		default:
			k := p.expr()
			if !p.isOp(":") {
				p.skipTo("}")
				return invalid(k, "a dict entry without a key")
			}
			p.i++
			val := p.expr()
			if k.Kind == Invalid {
				p.skipTo("}")
				return k
			}
			v.Keys = append(v.Keys, k)
			v.Items = append(v.Items, val)
		}
		if p.isOp(",") {
			p.i++
		} else if !p.isOp("}") {
			t := p.peek()
			p.skipTo("}")
			return Value{Kind: Invalid, S: strconv.Quote(t.text) + " is not understood in a dict", Line: t.line, Col: t.col, Off: t.off, End: t.end}
		}
	}
}

// skipTo moves past the close bracket that ends the display being read.
func (p *parser) skipTo(close string) {
	depth := 0
	for p.peek().kind != tEOF {
		t := p.peek()
		p.i++
		if t.kind != tOp {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth == 0 {
				return
			}
			depth--
		}
	}
}

func dedupe(vs []Value) []Value {
	var out []Value
	for _, v := range vs {
		dup := false
		for _, w := range out {
			if w.Kind == v.Kind && w.S == v.S && w.I == v.I && w.F == v.F && !v.Seq() && v.Kind != Dict {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}

// call evaluates the few calls a literal may go through: list(), tuple(),
// set() and sorted() of a sequence, and re.compile(str).
func (p *parser) call(start int, name string) Value {
	p.i++ // (
	args, _ := p.args()
	v := p.at(Invalid, start)
	switch name {
	case "os.getenv", "getenv", "os.environ.get", "environ.get":
		if len(args) == 0 || len(args) > 2 || args[0].Name != "" || args[0].Star != 0 || args[0].Value.Kind != Str {
			return invalid(v, "the call "+name+"(...) is computed when the program runs")
		}
		var def *Value
		if len(args) == 2 {
			if d := args[1].Value; d.Kind == Str && args[1].Name == "" && args[1].Star == 0 {
				def = &d
			} else if d.Kind != None {
				return invalid(v, "the default of "+name+"(...) is computed when the program runs")
			}
		}
		return p.environValue(p.at(Str, start), args[0].Value.S, def)
	}
	if len(args) != 1 || args[0].Name != "" || args[0].Star != 0 {
		if name == "re.compile" && len(args) == 2 {
			return invalid(v, "re.compile with flags is not supported")
		}
		return invalid(v, "the call "+name+"(...) is computed when the program runs")
	}
	a := args[0].Value
	if a.Kind == Invalid {
		return a
	}
	switch name {
	case "re.compile":
		if a.Kind != Str {
			return invalid(v, "re.compile of a "+a.Kind.String())
		}
		a.Compiled = true
		a.Line, a.Col, a.Off, a.End = v.Line, v.Col, v.Off, v.End
		return a
	case "list", "tuple", "set", "sorted", "frozenset":
		if !a.Seq() {
			return invalid(v, name+"() of a "+a.Kind.String()+" is not supported")
		}
		out := a
		out.Line, out.Col, out.Off, out.End = v.Line, v.Col, v.Off, v.End
		out.Items = append([]Value(nil), a.Items...)
		switch name {
		case "list":
			out.Kind = List
		case "tuple":
			out.Kind = Tuple
		case "set", "frozenset":
			out.Kind = Set
			out.Items = dedupe(out.Items)
		case "sorted":
			out.Kind = List
			strs, bad := out.Strings()
			if bad != nil {
				return invalid(v, "sorted() of other than str")
			}
			sortStrings(strs, out.Items)
		}
		return out
	}
	return invalid(v, "the call "+name+"(...) is computed when the program runs")
}

// environValue is the environment variable key's value: the one given
// (ReadEnviron), else the default written (def), else Invalid.
func (p *parser) environValue(v Value, key string, def *Value) Value {
	v.Env = key
	if s, ok := p.environ[key]; ok {
		v.S = s
		return v
	}
	if def == nil {
		return invalid(v, "the environment variable "+key+" is read when the program runs: give its value with --param "+key+"=VALUE")
	}
	v.S, v.EnvDefault = def.S, true
	return v
}

// methods applies the str methods written after v, a value read from
// the environment: split (with a separator, or on whitespace) and strip
// (of whitespace), as Python's str does. Another method leaves the
// expression to the program.
func (p *parser) methods(start int, v Value) Value {
	for p.isOp(".") && p.toks[p.i+1].kind == tName && p.toks[p.i+2].kind == tOp && p.toks[p.i+2].text == "(" {
		method := p.toks[p.i+1].text
		p.i += 3
		args, _ := p.args()
		w := p.at(v.Kind, start)
		if v.Kind == Invalid {
			continue
		}
		switch {
		case v.Kind != Str || v.Env == "":
			v = invalid(w, "the call of "+method+"(...) is computed when the program runs")
		case method == "strip" && len(args) == 0:
			v.S = strings.TrimSpace(v.S)
		case method == "split" && len(args) == 0:
			v = splitValue(w, v, strings.Fields(v.S))
			v.EnvSep = " "
		case method == "split" && len(args) == 1 && args[0].Name == "" && args[0].Star == 0 && args[0].Value.Kind == Str && args[0].Value.S != "":
			v = splitValue(w, v, strings.Split(v.S, args[0].Value.S))
			v.EnvSep = args[0].Value.S
		default:
			v = invalid(w, "the call of "+method+"(...) is computed when the program runs")
		}
	}
	return v
}

// splitValue is the list of parts of v, each at the whole expression w.
func splitValue(w, v Value, parts []string) Value {
	out := w
	// S keeps the text split, for a note of where the list came from.
	out.Kind, out.S, out.Env, out.EnvDefault = List, v.S, v.Env, v.EnvDefault
	for _, s := range parts {
		it := w
		it.Kind, it.S, it.Env, it.EnvDefault = Str, s, v.Env, v.EnvDefault
		out.Items = append(out.Items, it)
	}
	return out
}

// sortStrings sorts items by their str values, as Python's sorted does
// (by code point), stably.
func sortStrings(strs []string, items []Value) {
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && strs[j] < strs[j-1]; j-- {
			strs[j], strs[j-1] = strs[j-1], strs[j]
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
}

// args reads call arguments after "(" up to ")"; it returns them and the
// offset of the ")".
func (p *parser) args() ([]Arg, int) {
	var out []Arg
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return out, t.off
		case t.kind == tOp && t.text == ")":
			p.i++
			return out, t.off
		}
		a := Arg{Line: t.line, Col: t.col, Off: t.off}
		switch {
		case t.kind == tOp && (t.text == "*" || t.text == "**"):
			a.Star = len(t.text)
			p.i++
		case t.kind == tName && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == "=":
			a.Name = t.text
			p.i += 2
		}
		a.Value = p.expr()
		out = append(out, a)
		if p.isOp(",") {
			p.i++
			continue
		}
		if !p.isOp(")") {
			p.skip()
			if p.isOp(",") {
				p.i++
				continue
			}
			if !p.isOp(")") {
				// Not a call we can read (a generator argument, a newline
				// in broken text): stop here.
				if p.peek().kind == tNewline || p.peek().kind == tEOF {
					return out, p.peek().off
				}
				p.i++
			}
		}
	}
}
