// Package rblit reads the subset of Ruby that configures a Rack
// middleware (a Rails initializer such as config/initializers/cors.rb,
// config/application.rb, a config.ru): statements that call methods
// with literal arguments and do ... end or { } blocks, with the place of
// every value for the errors and the edits of a fix. The values are
// literals (strings, symbols, integers, regexes, arrays, %w and %i
// lists, hashes, true, false, nil), constants assigned earlier in the
// file, and the environment: ENV["NAME"] and ENV.fetch("NAME", default)
// (the command line's --param NAME=VALUE gives the value), with .split,
// .map(&:strip), .freeze, .flatten, .compact, .uniq and Rails' integer
// durations (1.hour). Anything else (a condition, a method of the
// application, string interpolation) is a Value of kind Code, which a
// reader refuses where it needs the value; statements the reader does
// not understand are passed over, so that the middleware is found in a
// whole Rails file.
package rblit

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Kind is a Value's kind.
type Kind uint8

const (
	Invalid Kind = iota // not readable: S says why
	Code                // an expression the reader does not evaluate: S is its text
	Str                 // a string: S, decoded
	Sym                 // a symbol: S its name
	Int                 // an integer: S its decimal digits
	Float               // a float: S as written
	Regex               // a regex: S the source as written, Flags its options
	Array               // an array: Items
	Hash                // a hash: Pairs
	True                // true
	False               // false
	Nil                 // nil (also ENV["NAME"] not given)
	Proc                // a lambda, proc or block: the application's code
)

var kindNames = [...]string{"invalid", "code", "string", "symbol", "integer", "float", "regex", "array", "hash", "true", "false", "nil", "proc"}

func (k Kind) String() string { return kindNames[k] }

// Value is one evaluated argument.
type Value struct {
	Kind  Kind
	S     string
	Flags string
	Items []Value // Array
	Pairs []Pair  // Hash
	// Line and Col are where the expression starts (1-based), Off and
	// End its bytes in the text.
	Line, Col int
	Off, End  int
	// Env names the environment variable the value was read from, and
	// EnvDefault that it was not given, so the code's default applies.
	Env        string
	EnvDefault bool
}

// Pair is a hash's entry or a keyword argument: key: value or
// :key => value ("key" => value).
type Pair struct {
	Key  string
	Val  Value
	Line int // where the key starts
	Col  int
}

// Error is a policy.Error at v.
func (v Value) Error(msg string) *policy.Error {
	return &policy.Error{Line: v.Line, Column: v.Col, Msg: msg, Unreadable: v.Kind == Invalid}
}

// Text returns the value's source text.
func (v Value) Text(src string) string {
	if v.Off < 0 || v.End > len(src) || v.Off > v.End {
		return ""
	}
	return src[v.Off:v.End]
}

// Flat flattens v (an array of arrays, as Ruby's flatten does) into its
// items that are not arrays; a value that is not an array is its own.
func (v Value) Flat() []Value {
	if v.Kind != Array {
		return []Value{v}
	}
	var out []Value
	for _, it := range v.Items {
		out = append(out, it.Flat()...)
	}
	return out
}

// Lookup returns the entry key of pairs: a hash's, or a call's keyword
// arguments.
func Lookup(pairs []Pair, key string) (Pair, bool) {
	for _, p := range pairs {
		if p.Key == key {
			return p, true
		}
	}
	return Pair{}, false
}

// Call is one method call: recv.name args, or name(args), with its
// block.
type Call struct {
	// Recv is the receiver as written ("Rails.application.config.middleware",
	// "" for none).
	Recv string
	Name string
	Args []Value // positional arguments, in order
	Opts []Pair  // keyword arguments, in order
	// Block is the do ... end or { } block, nil without one.
	Block *Block
	// Line, Col and Off are where the call starts; ArgsEnd is the byte
	// after its last argument (before the block or the closing
	// parenthesis), where an edit appends one.
	Line, Col, Off, ArgsEnd int
	// Paren: the arguments are in parentheses.
	Paren bool
}

// Block is a do ... end or { } block.
type Block struct {
	Params []string
	Body   []Stmt
	// Line, Col, Off: where "do" or "{" is; End: the byte after "end" or
	// "}"; BodyEnd: where "end" or "}" starts.
	Line, Col, Off, End, BodyEnd int
}

// Stmt is one statement of a block or of the file: a call, or another
// statement the reader passed over (Call nil, Text what it was).
type Stmt struct {
	Call *Call
	// Skipped is the statement's first word when it is not a call the
	// reader understood ("if", "x = ..."), "" for a call.
	Skipped   string
	Line, Col int
	// Cond is the condition of the if or unless statement that holds
	// it, "" for none (a Rails file writes `if Rails.env.development?`).
	Cond string
}

// File is a read Ruby file.
type File struct {
	Body []Stmt
	// Consts are the constants and local names assigned a value the
	// reader knows, at the top level.
	Consts map[string]Value
	src    string
}

// Read reads src with the environment environ (nil: none given).
func Read(src string, environ map[string]string) *File {
	p := &parser{toks: lex(src), src: src, environ: environ, consts: map[string]Value{}}
	p.lines = lineStarts(src)
	body := p.stmts(false, "")
	return &File{Body: body, Consts: p.consts, src: src}
}

// Pos returns the 1-based line and column of byte offset off in src.
func Pos(src string, off int) (int, int) {
	ls := lineStarts(src)
	return posIn(ls, off)
}

func lineStarts(src string) []int {
	ls := []int{0}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

func posIn(ls []int, off int) (int, int) {
	lo, hi := 0, len(ls)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if ls[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, off - ls[lo] + 1
}

// maxNesting bounds how deep lists, hashes, parentheses and blocks nest:
// a configuration nests a few levels, and a text of a million "[" would
// otherwise take as many frames of the reader's stack.
const maxNesting = 64

type parser struct {
	toks    []token
	i       int
	nesting int
	src     string
	lines   []int
	environ map[string]string
	consts  map[string]Value
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) isOp(s string) bool { t := p.toks[p.i]; return t.kind == tOp && t.text == s }

func (p *parser) isWord(s string) bool {
	t := p.toks[p.i]
	return (t.kind == tIdent || t.kind == tConst) && t.text == s
}

func (p *parser) skipNewlines() {
	for p.peek().kind == tNewline {
		p.i++
	}
}

func (p *parser) pos(off int) (int, int) { return posIn(p.lines, off) }

// stmts reads statements to "end" or "}" (inBlock; brace: "}"), or to
// the end of the text.
func (p *parser) stmts(brace bool, cond string) []Stmt {
	var out []Stmt
	for {
		p.skipNewlines()
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return out
		case brace && t.kind == tOp && t.text == "}":
			return out
		case !brace && t.kind == tIdent && (t.text == "end" || t.text == "else" || t.text == "elsif" || t.text == "ensure" || t.text == "rescue" || t.text == "when"):
			return out
		}
		before := p.i
		out = append(out, p.stmt(cond)...)
		if p.i == before {
			// A token no statement starts with (a stray "}" or ")"):
			// passed over, so that reading always moves on.
			p.next()
		}
	}
}

// keyword statements that open a body closed by "end".
var opens = map[string]bool{"class": true, "module": true, "def": true, "begin": true, "if": true, "unless": true, "while": true, "until": true, "case": true, "for": true}

// stmt reads one statement: a call the reader understands, or any other
// passed over to its end (with the statements inside a class, module or
// if body read, the condition kept).
func (p *parser) stmt(cond string) []Stmt {
	t := p.peek()
	line, col := p.pos(t.off)
	if t.kind == tIdent && opens[t.text] {
		p.next()
		switch t.text {
		case "class", "module", "begin":
			p.skipLine()
			body := p.stmts(false, cond)
			p.skipToEnd()
			return append([]Stmt{{Skipped: t.text, Line: line, Col: col, Cond: cond}}, body...)
		case "if", "unless":
			start := p.peek().off
			p.skipLine()
			c := p.since(start)
			if t.text == "unless" {
				c = "unless " + c
			}
			if cond != "" {
				c = cond + " and " + c
			}
			body := p.stmts(false, c)
			for p.isWord("else") || p.isWord("elsif") {
				p.next()
				p.skipLine()
				body = append(body, p.stmts(false, "not ("+c+")")...)
			}
			p.skipToEnd()
			return append([]Stmt{{Skipped: t.text, Line: line, Col: col, Cond: cond}}, body...)
		}
		p.skipBody()
		return []Stmt{{Skipped: t.text, Line: line, Col: col, Cond: cond}}
	}
	// NAME = value: a constant or a local the file names later.
	if (t.kind == tConst || t.kind == tIdent) && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == "=" {
		p.i += 2
		p.skipNewlines()
		v := p.expr()
		if p.atStmtEnd() && cond == "" {
			p.consts[t.text] = v
		} else if p.atStmtEnd() {
			p.consts[t.text] = Value{Kind: Code, S: "assigned under " + cond, Line: v.Line, Col: v.Col, Off: v.Off, End: v.End}
		}
		p.skipStatement()
		return []Stmt{{Skipped: t.text + " =", Line: line, Col: col, Cond: cond}}
	}
	if t.kind == tIdent || t.kind == tConst {
		save := p.i
		if c, ok := p.call(); ok && (p.atStmtEnd() || p.isWord("if") || p.isWord("unless")) {
			st := Stmt{Call: c, Line: line, Col: col, Cond: cond}
			if m := p.peek(); m.kind == tIdent && (m.text == "if" || m.text == "unless") {
				// A modifier: the call runs only when the condition holds.
				p.next()
				start := p.peek().off
				p.skipStatement()
				c := p.since(start)
				if m.text == "unless" {
					c = "unless " + c
				}
				if st.Cond != "" {
					c = st.Cond + " and " + c
				}
				st.Cond = c
			}
			return []Stmt{st}
		}
		p.i = save
	}
	p.skipStatement()
	return []Stmt{{Skipped: t.text, Line: line, Col: col, Cond: cond}}
}

// since is the text from offset start to the end of the token before the
// current one ("" when none was read after start).
func (p *parser) since(start int) string {
	if end := p.prevEnd(); end > start {
		return strings.TrimSpace(p.src[start:end])
	}
	return ""
}

// endFrom is the end of the token before the current one, or off when
// nothing was read after off.
func (p *parser) endFrom(off int) int { return max(p.prevEnd(), off) }

// prevEnd is the end of the token before the current one.
func (p *parser) prevEnd() int {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].end
}

func (p *parser) atStmtEnd() bool {
	t := p.peek()
	return t.kind == tNewline || t.kind == tEOF || t.kind == tOp && t.text == "}" || t.kind == tIdent && t.text == "end"
}

// skipLine passes to the end of the line.
func (p *parser) skipLine() {
	for t := p.peek(); t.kind != tNewline && t.kind != tEOF; t = p.peek() {
		p.next()
	}
}

// skipToEnd passes over "end" when it comes next.
func (p *parser) skipToEnd() {
	p.skipNewlines()
	if p.isWord("end") {
		p.next()
	}
}

// proc passes over the block that follows (a { ... } or do ... end
// body) and makes v, where a proc or lambda starts, the Proc it writes:
// the application's code, kept as written.
func (p *parser) proc(v Value) Value {
	if p.isOp("{") {
		p.skipBalanced("{", "}")
	} else if p.isWord("do") {
		p.next()
		p.skipBody()
	}
	v.Kind, v.End = Proc, p.endFrom(v.Off)
	v.S = p.src[v.Off:v.End]
	return v
}

// skipBody passes over a def, while or case to its "end".
func (p *parser) skipBody() {
	depth := 1
	for {
		t := p.next()
		switch {
		case t.kind == tEOF:
			return
		case t.kind == tIdent && (opens[t.text] && p.startsStmt(p.i-1) || t.text == "do"):
			depth++
		case t.kind == tIdent && t.text == "end":
			if depth--; depth == 0 {
				return
			}
		}
	}
}

// startsStmt reports whether token i starts a statement (if and unless
// after a value are modifiers, with no "end").
func (p *parser) startsStmt(i int) bool {
	if i == 0 {
		return true
	}
	prev := p.toks[i-1]
	return prev.kind == tNewline || prev.kind == tOp && (prev.text == "=" || prev.text == "(" || prev.text == "{" || prev.text == "|")
}

// skipStatement passes to the end of the statement: a line break
// outside brackets and blocks.
func (p *parser) skipStatement() {
	depth := 0
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return
		case depth == 0 && (t.kind == tNewline || t.kind == tOp && t.text == "}" || t.kind == tIdent && t.text == "end"):
			return
		case t.kind == tOp && (t.text == "{" || t.text == "(" || t.text == "["):
			depth++
		case t.kind == tOp && (t.text == "}" || t.text == ")" || t.text == "]"):
			depth--
		case t.kind == tIdent && (t.text == "do" || opens[t.text] && p.startsStmt(p.i)):
			depth++
		case t.kind == tIdent && t.text == "end":
			depth--
		}
		p.next()
	}
}

// call reads recv.name args [block] or name(args) [block].
func (p *parser) call() (*Call, bool) {
	start := p.peek()
	var parts []string
	for {
		t := p.peek()
		if t.kind != tIdent && t.kind != tConst {
			return nil, false
		}
		parts = append(parts, t.text)
		p.next()
		if (p.isOp(".") || p.isOp("&.") || p.isOp("::")) && !p.peek().space {
			p.next()
			continue
		}
		if p.isOp(".") || p.isOp("&.") {
			p.next()
			continue
		}
		break
	}
	c := &Call{Name: parts[len(parts)-1], Recv: strings.Join(parts[:len(parts)-1], ".")}
	c.Line, c.Col = p.pos(start.off)
	c.Off = start.off
	c.ArgsEnd = p.prevEnd()
	switch {
	case p.isOp("(") && !p.peek().space:
		p.next()
		c.Paren = true
		p.args(c, ")")
		if !p.isOp(")") {
			return nil, false
		}
		c.ArgsEnd = p.peek().off
		p.next()
	case !p.atStmtEnd() && !p.isWord("do") && !p.isOp("{") && !p.isOp("."):
		p.args(c, "")
		c.ArgsEnd = p.prevEnd()
	}
	if p.isWord("do") || p.isOp("{") {
		b := p.block()
		if b == nil {
			return nil, false
		}
		c.Block = b
	}
	return c, true
}

// args reads a call's arguments to close (")"), or to the end of the
// line or a block (a command call without parentheses).
func (p *parser) args(c *Call, close string) {
	for {
		if close != "" {
			p.skipNewlines()
			if p.isOp(close) {
				return
			}
		}
		if p.atStmtEnd() || p.isWord("do") || close == "" && p.isOp("{") && len(c.Args)+len(c.Opts) == 0 || p.isWord("if") || p.isWord("unless") {
			return
		}
		t := p.peek()
		if k, ok := p.key(); ok {
			line, col := p.pos(t.off)
			p.skipNewlines()
			c.Opts = append(c.Opts, Pair{Key: k, Val: p.expr(), Line: line, Col: col})
		} else if p.isOp("*") {
			// A splat: the array's items are the arguments.
			p.next()
			v := p.expr()
			v.Off = t.off
			if v.Kind == Array {
				c.Args = append(c.Args, v.Items...)
			} else {
				c.Args = append(c.Args, v)
			}
		} else if p.isOp("&") || p.isOp("**") {
			p.next()
			v := p.expr()
			v.Kind, v.S, v.Off, v.End = Code, p.since(t.off), t.off, p.endFrom(t.off)
			c.Args = append(c.Args, v)
		} else {
			c.Args = append(c.Args, p.expr())
		}
		if !p.isOp(",") {
			return
		}
		p.next()
		p.skipNewlines()
	}
}

// key reads a hash key: "name:", ":name =>" or "\"name\" =>".
func (p *parser) key() (string, bool) {
	t := p.peek()
	if t.kind == tLabel {
		p.next()
		return t.text, true
	}
	if (t.kind == tSym || t.kind == tStr) && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == "=>" {
		p.i += 2
		return t.text, true
	}
	if t.kind == tStr && p.toks[p.i+1].kind == tOp && p.toks[p.i+1].text == ":" && !p.toks[p.i+1].space {
		p.i += 2 // "name": value
		return t.text, true
	}
	return "", false
}

// block reads do |params| ... end or { |params| ... }.
func (p *parser) block() *Block {
	if p.nesting++; p.nesting > maxNesting {
		p.nesting--
		return nil
	}
	defer func() { p.nesting-- }()
	t := p.next()
	b := &Block{Off: t.off}
	b.Line, b.Col = p.pos(t.off)
	brace := t.text == "{"
	if p.isOp("|") {
		p.next()
		for !p.isOp("|") && p.peek().kind != tEOF && p.peek().kind != tNewline {
			if x := p.next(); x.kind == tIdent {
				b.Params = append(b.Params, x.text)
			}
		}
		if !p.isOp("|") {
			return nil
		}
		p.next()
	}
	b.Body = p.stmts(brace, "")
	p.skipNewlines()
	end := p.peek()
	if brace && !(end.kind == tOp && end.text == "}") || !brace && !(end.kind == tIdent && end.text == "end") {
		return nil
	}
	b.BodyEnd = end.off
	p.next()
	b.End = end.end
	return b
}

// expr reads one argument's value: a primary and the method calls after
// it, or a ternary, which is code.
func (p *parser) expr() Value {
	v := p.postfix()
	if p.isOp("?") && v.Kind == Code {
		if t, ok := p.ternary(v); ok {
			return t
		}
	}
	for {
		t := p.peek()
		if t.kind != tOp {
			break
		}
		switch t.text {
		case "?", "||", "&&", "+", "-", "*", "/", "==", "!=", "<<", "%", "..":
			// An operator: code whose value the reader does not compute
			// (a ternary on Rails.env, strings added).
			p.skipExpr()
			return Value{Kind: Code, S: p.since(v.Off), Line: v.Line, Col: v.Col, Off: v.Off, End: p.endFrom(v.Off)}
		}
		break
	}
	return v
}

// ternary reads cond ? a : b when cond is Rails.env.NAME? (Rails'
// ActiveSupport::EnvironmentInquirer): with the environment given
// (--param RAILS_ENV=production) the branch that environment takes,
// marked as read from it; without it, code.
func (p *parser) ternary(cond Value) (Value, bool) {
	name, ok := strings.CutPrefix(cond.S, "Rails.env.")
	if !ok || !strings.HasSuffix(name, "?") || !isName(name[:len(name)-1]) {
		return Value{}, false
	}
	save := p.i
	p.next()
	p.skipNewlines()
	a := p.expr()
	p.skipNewlines()
	if !p.isOp(":") {
		p.i = save
		return Value{}, false
	}
	p.next()
	p.skipNewlines()
	b := p.expr()
	env, given := p.environ["RAILS_ENV"]
	if !given {
		return Value{Kind: Code, S: p.since(cond.Off), Line: cond.Line, Col: cond.Col, Off: cond.Off, End: p.endFrom(cond.Off)}, true
	}
	pick := b
	if env == name[:len(name)-1] {
		pick = a
	}
	pick.Env = "RAILS_ENV"
	return pick, true
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isIdent(s[i]) {
			return false
		}
	}
	return s != ""
}

// skipExpr passes to the end of an argument: a comma, closing bracket
// or line end outside brackets.
func (p *parser) skipExpr() {
	depth := 0
	for {
		t := p.peek()
		switch {
		case t.kind == tEOF:
			return
		case depth == 0 && (t.kind == tNewline || t.kind == tOp && (t.text == "," || t.text == ")" || t.text == "]" || t.text == "}") || t.kind == tIdent && (t.text == "do" || t.text == "end")):
			return
		case t.kind == tOp && (t.text == "(" || t.text == "[" || t.text == "{"):
			depth++
		case t.kind == tOp && (t.text == ")" || t.text == "]" || t.text == "}"):
			depth--
		}
		p.next()
	}
}

// postfix reads a primary and the method calls the reader evaluates
// after it.
func (p *parser) postfix() Value {
	v := p.primary()
	if v.Kind == Invalid {
		// Keep the fault, and pass over the calls on it.
		for p.isOp(".") || p.isOp("&.") {
			p.next()
			p.next()
			if p.isOp("(") && !p.peek().space {
				p.skipBalanced("(", ")")
			}
		}
		return v
	}
	for p.isOp(".") || p.isOp("&.") {
		p.next()
		name := p.next()
		if name.kind != tIdent {
			return p.codeFrom(v, "a method call the reader does not know")
		}
		var args []Value
		var blockSym string
		if p.isOp("(") && !p.peek().space {
			p.next()
			for p.skipNewlines(); !p.isOp(")") && p.peek().kind != tEOF; p.skipNewlines() {
				if p.isOp("&") && p.toks[p.i+1].kind == tSym {
					p.next()
					blockSym = p.next().text
				} else {
					args = append(args, p.expr())
				}
				if !p.isOp(",") {
					break
				}
				p.next()
			}
			p.skipNewlines()
			if !p.isOp(")") {
				return p.codeFrom(v, "an unclosed call")
			}
			p.next()
		}
		if p.isOp("{") || p.isWord("do") {
			p.skipExpr()
			return p.codeFrom(v, "a method with a block ("+name.text+")")
		}
		v = p.method(v, name.text, args, blockSym)
	}
	return v
}

// codeFrom is the expression from v to here as code.
func (p *parser) codeFrom(v Value, why string) Value {
	p.skipExpr()
	end := p.endFrom(v.Off)
	return Value{Kind: Code, S: strings.TrimSpace(p.src[v.Off:end]), Line: v.Line, Col: v.Col, Off: v.Off, End: end}
}

// durations are Rails' integer durations (ActiveSupport: 1.hour is 3600
// seconds, to_s "3600").
var durations = map[string]int64{"second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400, "week": 604800, "weeks": 604800}

// method evaluates v.name(args) for the methods configuration code
// calls on its values.
func (p *parser) method(v Value, name string, args []Value, blockSym string) Value {
	end := p.endFrom(v.Off)
	out := v
	out.End = end
	switch {
	case v.Kind == Code:
		out.S = strings.TrimSpace(p.src[v.Off:end])
		return out
	case name == "freeze" || name == "dup" || name == "to_a" && v.Kind == Array || name == "to_s" && v.Kind == Str:
		return out
	case name == "to_s" && v.Kind == Sym:
		out.Kind = Str
		return out
	case v.Kind == Int && durations[name] > 0 && len(args) == 0:
		n, _ := strconv.ParseInt(v.S, 10, 64)
		out.S = strconv.FormatInt(n*durations[name], 10)
		return out
	case v.Kind == Str && name == "split":
		return p.split(v, args, out)
	case v.Kind == Array && (name == "map" || name == "collect") && len(args) == 0 && blockSym != "":
		items := make([]Value, len(v.Items))
		for i, it := range v.Items {
			if it.Kind != Str {
				return p.codeAt(out, "map over a value that is not a string")
			}
			switch blockSym {
			case "strip", "downcase", "upcase":
				it.S = strMethod(blockSym, it.S)
			case "to_s":
			case "to_sym":
				it.Kind = Sym
			default:
				return p.codeAt(out, "map(&:"+blockSym+")")
			}
			items[i] = it
		}
		out.Items = items
		return out
	case v.Kind == Array && name == "flatten" && len(args) == 0:
		out.Items = v.Flat()
		return out
	case v.Kind == Array && (name == "compact" || name == "uniq") && len(args) == 0:
		var items []Value
		seen := map[string]bool{}
		for _, it := range v.Items {
			if name == "compact" && it.Kind == Nil || name == "uniq" && (it.Kind == Str || it.Kind == Sym) && seen[it.Kind.String()+it.S] {
				continue
			}
			seen[it.Kind.String()+it.S] = true
			items = append(items, it)
		}
		out.Items = items
		return out
	case v.Kind == Array && name == "reject" && blockSym == "blank?" || name == "reject" && blockSym == "empty?":
		var items []Value
		for _, it := range v.Items {
			if it.Kind == Str && (blockSym == "empty?" && it.S == "" || blockSym == "blank?" && strings.TrimSpace(it.S) == "") {
				continue
			}
			items = append(items, it)
		}
		out.Items = items
		return out
	case v.Kind == Str && (name == "strip" || name == "downcase" || name == "upcase"):
		out.S = strMethod(name, v.S)
		return out
	}
	return p.codeAt(out, name)
}

// strMethod is String#strip, #downcase or #upcase (name) of s.
func strMethod(name, s string) string {
	switch name {
	case "strip":
		return strings.Trim(s, " \t\n\v\f\r\x00")
	case "downcase":
		return strings.ToLower(s)
	}
	return strings.ToUpper(s)
}

func (p *parser) codeAt(v Value, _ string) Value {
	v.Kind, v.S = Code, strings.TrimSpace(p.src[v.Off:v.End])
	return v
}

// split is String#split: by a string (", " is one separator), by white
// space when none or " " is given, or by a regex the reader can apply
// (/,\s*/ and /\s*,\s*/); Ruby drops the empty strings at the end.
func (p *parser) split(v Value, args []Value, out Value) Value {
	var parts []string
	switch {
	case len(args) == 0 || args[0].Kind == Str && args[0].S == " ":
		parts = strings.Fields(v.S)
	case args[0].Kind == Str && len(args) == 1:
		parts = strings.Split(v.S, args[0].S)
		if v.S == "" {
			parts = nil
		}
	case args[0].Kind == Regex && len(args) == 1 && (args[0].S == `,\s*` || args[0].S == `\s*,\s*` || args[0].S == `,`):
		parts = strings.Split(v.S, ",")
		for i := range parts {
			if args[0].S != `,` {
				parts[i] = strings.TrimLeft(parts[i], " \t\r\n\f\v")
			}
			if args[0].S == `\s*,\s*` && i < len(parts)-1 {
				parts[i] = strings.TrimRight(parts[i], " \t\r\n\f\v")
			}
		}
		if v.S == "" {
			parts = nil
		}
	default:
		return p.codeAt(out, "split")
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	out.Kind, out.S = Array, ""
	out.Items = nil
	for _, s := range parts {
		it := v
		it.Kind, it.S = Str, s
		out.Items = append(out.Items, it)
	}
	return out
}

// primary reads a literal, a list, a hash, a constant or ENV.
func (p *parser) primary() Value {
	if p.nesting++; p.nesting > maxNesting {
		p.nesting--
		t := p.peek()
		p.skipExpr()
		v := Value{Kind: Invalid, S: "nested more than " + strconv.Itoa(maxNesting) + " levels deep", Off: t.off, End: p.endFrom(t.off)}
		v.Line, v.Col = p.pos(t.off)
		return v
	}
	defer func() { p.nesting-- }()
	t := p.next()
	v := Value{Off: t.off, End: t.end}
	v.Line, v.Col = p.pos(t.off)
	switch t.kind {
	case tStr:
		v.Kind, v.S = Str, t.text
		// Adjacent literals are one string ("a" "b").
		for p.peek().kind == tStr {
			n := p.next()
			v.S += n.text
			v.End = n.end
		}
	case tSym:
		v.Kind, v.S = Sym, t.text
	case tInt:
		v.Kind, v.S = Int, t.text
	case tFloat:
		v.Kind, v.S = Float, t.text
	case tRegex:
		v.Kind, v.S, v.Flags = Regex, t.text, t.flags
	case tWords:
		v.Kind = Array
		off := t.off + 3
		for _, w := range t.words {
			k := strings.Index(p.src[off:t.end], w)
			it := Value{Kind: Str, S: w, Off: off + k, End: off + k + len(w)}
			it.Line, it.Col = p.pos(it.Off)
			if t.sym {
				it.Kind = Sym
			}
			off = it.End
			v.Items = append(v.Items, it)
		}
	case tInvalid:
		v.Kind, v.S = Invalid, t.text
	case tOp:
		switch t.text {
		case "[":
			v.Kind = Array
			if !p.items("]", func() bool { v.Items = append(v.Items, p.expr()); return true }) {
				return Value{Kind: Invalid, S: "the list is not closed", Line: v.Line, Col: v.Col, Off: v.Off, End: p.endFrom(v.Off)}
			}
			v.End = p.next().end
		case "{":
			v.Kind = Hash
			keys := true
			closed := p.items("}", func() bool {
				kt := p.peek()
				k, ok := p.key()
				if keys = ok; !ok {
					return false
				}
				line, col := p.pos(kt.off)
				p.skipNewlines()
				v.Pairs = append(v.Pairs, Pair{Key: k, Val: p.expr(), Line: line, Col: col})
				return true
			})
			switch {
			case !keys:
				p.skipExpr()
				return Value{Kind: Code, S: "a hash whose keys are not names", Line: v.Line, Col: v.Col, Off: v.Off, End: p.endFrom(v.Off)}
			case !closed:
				return Value{Kind: Invalid, S: "the hash is not closed", Line: v.Line, Col: v.Col, Off: v.Off, End: p.endFrom(v.Off)}
			}
			v.End = p.next().end
		case "->":
			// A lambda: its parameters and body are the application's code.
			if p.isOp("(") {
				p.skipBalanced("(", ")")
			}
			v = p.proc(v)
		case "(":
			p.skipNewlines()
			inner := p.expr()
			p.skipNewlines()
			if !p.isOp(")") {
				p.skipExpr()
				return Value{Kind: Code, S: p.since(v.Off), Line: v.Line, Col: v.Col, Off: v.Off, End: p.endFrom(v.Off)}
			}
			v = inner
			v.End = p.next().end
		case "-":
			if n := p.peek(); (n.kind == tInt || n.kind == tFloat) && !n.space {
				p.next()
				v.Kind, v.S, v.End = Int, "-"+n.text, n.end
				if n.kind == tFloat {
					v.Kind = Float
				}
			} else {
				v.Kind, v.S = Code, "-"
			}
		default:
			v.Kind, v.S = Invalid, "unexpected "+strconv.Quote(t.text)
		}
	case tIdent:
		switch t.text {
		case "true":
			v.Kind = True
		case "false":
			v.Kind = False
		case "nil":
			v.Kind = Nil
		case "proc", "lambda":
			v = p.proc(v)
		default:
			if c, ok := p.consts[t.text]; ok && !p.isOp("(") {
				return p.named(c, v)
			}
			v.Kind, v.S = Code, t.text
			if p.isOp("(") && !p.peek().space {
				p.skipBalanced("(", ")")
				v.End = p.endFrom(v.Off)
				v.S = p.src[v.Off:v.End]
			}
		}
	case tConst:
		if t.text == "ENV" {
			return p.env(v)
		}
		name := t.text
		for p.isOp("::") && p.toks[p.i+1].kind == tConst {
			p.next()
			name += "::" + p.next().text
		}
		v.End = p.endFrom(v.Off)
		if c, ok := p.consts[name]; ok {
			return p.named(c, v)
		}
		v.Kind, v.S = Code, name
	default:
		v.Kind, v.S = Invalid, "unexpected end of the statement"
		if t.kind == tNewline {
			p.i-- // leave the line's end to the statement
		}
		if t.kind == tNewline || t.kind == tEOF {
			v.End = v.Off
		}
	}
	return v
}

// items reads a list's or a hash's entries up to close, each with item
// (which reports false to stop at a fault), separated by commas, line
// breaks anywhere between them; it reports whether close came next.
func (p *parser) items(close string, item func() bool) bool {
	for p.skipNewlines(); !p.isOp(close) && p.peek().kind != tEOF; p.skipNewlines() {
		if !item() {
			return false
		}
		p.skipNewlines()
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	return p.isOp(close)
}

// named is a constant's value, used at ref: its value's own place is
// kept (an edit changes the value where it is written); Env notes carry
// over.
func (p *parser) named(c Value, _ Value) Value { return c }

// skipBalanced passes over open ... close, nested.
func (p *parser) skipBalanced(open, close string) {
	depth := 0
	for {
		t := p.next()
		switch {
		case t.kind == tEOF:
			return
		case t.kind == tOp && t.text == open:
			depth++
		case t.kind == tOp && t.text == close:
			if depth--; depth <= 0 {
				return
			}
		}
	}
}

// env reads ENV["NAME"], ENV.fetch("NAME"), ENV.fetch("NAME", default)
// and ENV.fetch("NAME") { default }: the value --param gives, else the
// default, else nil (ENV[]) or an Invalid value (fetch raises KeyError).
func (p *parser) env(v Value) Value {
	var name Value
	var def *Value
	fetch := false
	switch {
	case p.isOp("[") && !p.peek().space:
		p.next()
		name = p.expr()
		if !p.isOp("]") {
			return p.codeFrom(v, "ENV")
		}
		p.next()
	case p.isOp(".") && p.toks[p.i+1].kind == tIdent && p.toks[p.i+1].text == "fetch":
		p.i += 2
		fetch = true
		if !p.isOp("(") {
			return p.codeFrom(v, "ENV.fetch")
		}
		p.next()
		p.skipNewlines()
		name = p.expr()
		p.skipNewlines()
		if p.isOp(",") {
			p.next()
			p.skipNewlines()
			d := p.expr()
			def = &d
			p.skipNewlines()
		}
		if !p.isOp(")") {
			return p.codeFrom(v, "ENV.fetch")
		}
		p.next()
		if p.isOp("{") {
			// ENV.fetch("NAME") { default }
			save := p.i
			p.next()
			p.skipNewlines()
			d := p.expr()
			p.skipNewlines()
			if !p.isOp("}") {
				p.i = save
				return p.codeFrom(v, "ENV.fetch")
			}
			p.next()
			def = &d
		}
	default:
		return p.codeFrom(v, "ENV")
	}
	v.End = p.endFrom(v.Off)
	if name.Kind != Str {
		v.Kind, v.S = Code, p.src[v.Off:v.End]
		return v
	}
	if s, ok := p.environ[name.S]; ok {
		v.Kind, v.S, v.Env = Str, s, name.S
		return v
	}
	if def != nil {
		d := *def
		d.Env, d.EnvDefault = name.S, true
		return d
	}
	v.Env, v.EnvDefault = name.S, true
	if fetch {
		v.Kind, v.S = Invalid, "ENV.fetch("+strconv.Quote(name.S)+") raises KeyError when the variable is not set: give its value with --param "+name.S+"=VALUE"
		return v
	}
	v.Kind = Nil
	return v
}
