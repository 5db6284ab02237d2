// Package jslit reads the subset of JavaScript that CORS middleware
// options are written in (Express cors(), @fastify/cors, @koa/cors,
// Hono's cors()): object and array literals, strings, numbers, booleans,
// null, undefined, regular expression literals and new RegExp('...'),
// with comments and trailing commas, every token positioned. Anything else
// (a function, process.env.X, a + b) is reported as unsupported with its
// position, never guessed; a Parser with Funcs reads a function as a
// VFunc value so that its caller can say what it assumes.
//
// Its scanning helpers (OffsetOf, End, SkipSpace) serve edits of the
// user's own text.
package jslit

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/policy"
)

// TokKind is the kind of a Token.
type TokKind uint8

const (
	// TEOF ends every token list.
	TEOF TokKind = iota
	// TIdent is an identifier or keyword.
	TIdent
	// TString is a string literal, its Text decoded.
	TString
	// TNumber is a numeric literal as written.
	TNumber
	// TRegex is a regular expression literal: Text its source, Flags its flags.
	TRegex
	// TPunct is one punctuation character (or "...").
	TPunct
	// TTemplate is a template literal with a substitution
	// (`https://${host}`), Text as written between its backticks: its
	// value is the program's (Parser.Funcs reads it as a VExpr).
	TTemplate
)

// Token is one lexical token, positioned (1-based line, column in
// characters).
type Token struct {
	Kind      TokKind
	Text      string // identifier, decoded string, number text, regex source, punctuation
	Flags     string // regex flags
	Line, Col int
}

// MaxText is the longest JavaScript text a reader takes, in bytes.
const MaxText = 256 << 10

const (
	maxTokens = 50000
	maxNest   = 32
)

type lexer struct {
	s         string
	i         int
	line, col int
	toks      []Token
	errs      policy.Errors
}

func (lx *lexer) errAt(line, col int, msg string) {
	if len(lx.errs) < 50 {
		lx.errs = append(lx.errs, &policy.Error{Line: line, Column: col, Msg: msg, Unreadable: true})
	}
}

func (lx *lexer) advance(n int) {
	for k := 0; k < n && lx.i < len(lx.s); k++ {
		if lx.s[lx.i] == '\n' {
			lx.line++
			lx.col = 1
		} else if lx.s[lx.i]&0xC0 != 0x80 { // count columns in characters
			lx.col++
		}
		lx.i++
	}
}

// regexAllowed reports whether a '/' here starts a regular expression
// literal rather than a division: after punctuation that cannot end an
// expression (ECMA-262 §12 "goal symbols", simplified).
func (lx *lexer) regexAllowed() bool {
	if len(lx.toks) == 0 {
		return true
	}
	t := lx.toks[len(lx.toks)-1]
	if t.Kind == TPunct {
		return strings.Contains("([{,:=;!&|?", t.Text)
	}
	return t.Kind == TIdent && (t.Text == "return" || t.Text == "typeof")
}

// Lex splits s into tokens, the last one TEOF; a fault stops it after 50.
func Lex(s string) ([]Token, policy.Errors) {
	lx := &lexer{s: s, line: 1, col: 1}
	for lx.i < len(lx.s) && len(lx.errs) < 50 {
		if len(lx.toks) > maxTokens {
			lx.errAt(lx.line, lx.col, "more than "+strconv.Itoa(maxTokens)+" tokens")
			break
		}
		c := lx.s[lx.i]
		line, col := lx.line, lx.col
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			lx.advance(1)
		case strings.HasPrefix(lx.s[lx.i:], "//"):
			for lx.i < len(lx.s) && lx.s[lx.i] != '\n' {
				lx.advance(1)
			}
		case strings.HasPrefix(lx.s[lx.i:], "/*"):
			end := strings.Index(lx.s[lx.i+2:], "*/")
			if end < 0 {
				lx.errAt(line, col, "unclosed /* comment")
				lx.advance(len(lx.s))
				break
			}
			lx.advance(end + 4)
		case c == '\'' || c == '"' || c == '`':
			lx.str(c, line, col)
		case c == '/' && lx.regexAllowed():
			lx.regex(line, col)
		case isIdentStart(c):
			j := lx.i
			for j < len(lx.s) && (isIdentStart(lx.s[j]) || ('0' <= lx.s[j] && lx.s[j] <= '9')) {
				j++
			}
			lx.toks = append(lx.toks, Token{Kind: TIdent, Text: lx.s[lx.i:j], Line: line, Col: col})
			lx.advance(j - lx.i)
		case '0' <= c && c <= '9' || (c == '.' && lx.i+1 < len(lx.s) && '0' <= lx.s[lx.i+1] && lx.s[lx.i+1] <= '9'):
			j := lx.i
			for j < len(lx.s) && (isIdentStart(lx.s[j]) || ('0' <= lx.s[j] && lx.s[j] <= '9') || lx.s[j] == '.' ||
				((lx.s[j] == '+' || lx.s[j] == '-') && (lx.s[j-1] == 'e' || lx.s[j-1] == 'E') && !strings.HasPrefix(strings.ToLower(lx.s[lx.i:]), "0x"))) {
				j++
			}
			lx.toks = append(lx.toks, Token{Kind: TNumber, Text: lx.s[lx.i:j], Line: line, Col: col})
			lx.advance(j - lx.i)
		case strings.HasPrefix(lx.s[lx.i:], "..."):
			lx.toks = append(lx.toks, Token{Kind: TPunct, Text: "...", Line: line, Col: col})
			lx.advance(3)
		default:
			r, size := utf8.DecodeRuneInString(lx.s[lx.i:])
			if r >= 0x80 {
				lx.toks = append(lx.toks, Token{Kind: TPunct, Text: string(r), Line: line, Col: col})
				lx.advance(size)
				break
			}
			lx.toks = append(lx.toks, Token{Kind: TPunct, Text: string(c), Line: line, Col: col})
			lx.advance(1)
		}
	}
	lx.toks = append(lx.toks, Token{Kind: TEOF, Line: lx.line, Col: lx.col})
	return lx.toks, lx.errs
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func (lx *lexer) str(q byte, line, col int) {
	var b strings.Builder
	open := lx.i
	lx.advance(1)
	for {
		if lx.i >= len(lx.s) || (lx.s[lx.i] == '\n' && q != '`') {
			lx.errAt(line, col, "unclosed string")
			return
		}
		c := lx.s[lx.i]
		if c == q {
			lx.advance(1)
			break
		}
		if q == '`' && strings.HasPrefix(lx.s[lx.i:], "${") {
			lx.template(open, line, col)
			return
		}
		if c == '\\' && lx.i+1 < len(lx.s) {
			e := lx.s[lx.i+1]
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'x', 'u':
				n := 2
				if e == 'u' {
					n = 4
				}
				if lx.i+2+n <= len(lx.s) {
					if v, err := strconv.ParseUint(lx.s[lx.i+2:lx.i+2+n], 16, 32); err == nil {
						b.WriteRune(rune(v))
						lx.advance(2 + n)
						continue
					}
				}
				lx.errAt(lx.line, lx.col, "unsupported escape \\"+string(e))
			case '\n':
				// line continuation
			default:
				b.WriteByte(e)
			}
			lx.advance(2)
			continue
		}
		b.WriteByte(c)
		lx.advance(1)
	}
	lx.toks = append(lx.toks, Token{Kind: TString, Text: b.String(), Line: line, Col: col})
}

// template reads the rest of a template literal from a substitution
// ("${") to its closing backtick, braces nested, as one TTemplate token
// of the text after its opening backtick (at start).
func (lx *lexer) template(start, line, col int) {
	depth := 0
	for lx.i < len(lx.s) {
		c := lx.s[lx.i]
		switch {
		case c == '\\' && lx.i+1 < len(lx.s):
			lx.advance(2)
			continue
		case depth == 0 && c == '`':
			lx.advance(1)
			lx.toks = append(lx.toks, Token{Kind: TTemplate, Text: lx.s[start+1 : lx.i-1], Line: line, Col: col})
			return
		case strings.HasPrefix(lx.s[lx.i:], "${"):
			depth++
			lx.advance(2)
			continue
		case c == '}' && depth > 0:
			depth--
		}
		lx.advance(1)
	}
	lx.errAt(line, col, "unclosed template literal")
}

func (lx *lexer) regex(line, col int) {
	j := lx.i + 1
	inClass := false
	for {
		if j >= len(lx.s) || lx.s[j] == '\n' {
			lx.errAt(line, col, "unclosed regular expression literal")
			lx.advance(j - lx.i)
			return
		}
		c := lx.s[j]
		if c == '\\' {
			j += 2
			continue
		}
		if c == '[' {
			inClass = true
		} else if c == ']' {
			inClass = false
		} else if c == '/' && !inClass {
			break
		}
		j++
	}
	src := lx.s[lx.i+1 : j]
	j++
	k := j
	for k < len(lx.s) && isIdentStart(lx.s[k]) {
		k++
	}
	lx.toks = append(lx.toks, Token{Kind: TRegex, Text: src, Flags: lx.s[j:k], Line: line, Col: col})
	lx.advance(k - lx.i)
}

// The values a literal can hold.
type ValKind uint8

const (
	// VString is a string (Str).
	VString ValKind = iota
	// VNumber is a number (Num; Str as written).
	VNumber
	// VBool is true or false (B).
	VBool
	// VNull is null.
	VNull
	// VUndefined is undefined.
	VUndefined
	// VArray is an array literal (Arr).
	VArray
	// VObject is an object literal (Obj).
	VObject
	// VRegex is a RegExp literal or new RegExp('...') (Str, Flags).
	VRegex
	// VFunc is a function expression (Parser.Funcs).
	VFunc
	// VExpr is an expression this reader does not evaluate
	// (Parser.Funcs): process.env.CORS_ORIGIN, a name not bound to a
	// literal, a call. Str is its text as written.
	VExpr
)

// Value is one literal as written, positioned where it starts.
type Value struct {
	Kind      ValKind
	Str       string // string value, number text, regex source
	Flags     string // regex flags
	Num       float64
	B         bool
	Arr       []Value
	Obj       []Prop
	Line, Col int
	// Fn is a VFunc's tokens, from its first to its last (Allowlist
	// reads them).
	Fn []Token
}

// Prop is one property of an object literal: its key where it is
// written, and its value.
type Prop struct {
	Key       string
	Val       Value
	Line, Col int
}

// KindName names the value's kind in messages ("string", "RegExp").
func (v Value) KindName() string {
	return [...]string{"string", "number", "boolean", "null", "undefined", "array", "object", "RegExp", "function", "computed value"}[v.Kind]
}

// Code reports a value that is code the reader does not run: a function
// or an expression (Parser.Funcs). Its caller says what it assumes.
func (v Value) Code() bool { return v.Kind == VFunc || v.Kind == VExpr }

// Truthy is JavaScript's ToBoolean (ECMA-262 §7.1.2).
func (v Value) Truthy() bool {
	switch v.Kind {
	case VString:
		return v.Str != ""
	case VNumber:
		return v.Num != 0 && v.Num == v.Num
	case VBool:
		return v.B
	case VNull, VUndefined:
		return false
	}
	return true
}

// Parser reads literals from Toks starting at I; Errs collects what it
// could not read (Unreadable faults). With Funcs set, a function
// expression (function ..., async ..., x => ..., (a, b) => ...) is read
// as a VFunc value, and any other expression that starts with a name
// (process.env.X, config.origins, a call) as a VExpr value, positioned,
// instead of a fault: the caller reports it as something it cannot
// evaluate offline. A name in Names (Bindings) is read as its value.
type Parser struct {
	Toks  []Token
	I     int
	Errs  policy.Errors
	Funcs bool
	Names map[string]Value
}

// Peek returns the token at I.
func (p *Parser) Peek() Token { return p.Toks[p.I] }

// Next returns the token at I and moves past it (never past the end).
func (p *Parser) Next() Token {
	t := p.Toks[p.I]
	if p.I < len(p.Toks)-1 {
		p.I++
	}
	return t
}

// Fail records an Unreadable fault at t.
func (p *Parser) Fail(t Token, msg string) {
	if len(p.Errs) < 50 {
		// The frameworks read any JavaScript; what this reader cannot
		// evaluate offline is a text it cannot read, not one the
		// library refuses.
		p.Errs = append(p.Errs, &policy.Error{Line: t.Line, Column: t.Col, Msg: msg, Unreadable: true})
	}
}

// Describe names a token in messages.
func Describe(t Token) string {
	switch t.Kind {
	case TEOF:
		return "end of text"
	case TString:
		return "string " + strconv.Quote(t.Text)
	}
	return strconv.Quote(t.Text)
}

// Value parses one literal. ok is false after a reported error; the caller
// then skips to a separator.
func (p *Parser) Literal(depth int) (Value, bool) {
	t := p.Next()
	v := Value{Line: t.Line, Col: t.Col}
	if depth > maxNest {
		p.Fail(t, "literals nested too deeply")
		return v, false
	}
	switch t.Kind {
	case TString:
		v.Kind, v.Str = VString, t.Text
	case TNumber:
		n, ok := ParseNumber(t.Text)
		if !ok {
			p.Fail(t, "not a number: "+strconv.Quote(t.Text))
			return v, false
		}
		v.Kind, v.Str, v.Num = VNumber, t.Text, n
	case TRegex:
		v.Kind, v.Str, v.Flags = VRegex, t.Text, t.Flags
	case TTemplate:
		if !p.Funcs {
			p.Fail(t, "template substitution ${...} is not supported: write the value out")
			return v, false
		}
		if s, ok := p.evalTemplate(t.Text); ok {
			v.Kind, v.Str = VString, s
			break
		}
		v.Kind, v.Str = VExpr, "`"+t.Text+"`"
	case TIdent:
		switch t.Text {
		case "true", "false":
			v.Kind, v.B = VBool, t.Text == "true"
		case "null":
			v.Kind = VNull
		case "undefined":
			v.Kind = VUndefined
		case "new":
			return p.newRegExp(t)
		case "function", "async":
			if p.Funcs {
				return p.function(t), true
			}
			p.Fail(t, "unsupported expression starting with "+strconv.Quote(t.Text)+": only literal values can be evaluated offline")
			return v, false
		default:
			if p.Funcs && p.Peek().Text == "=" && p.I+1 < len(p.Toks) && p.Toks[p.I+1].Text == ">" {
				return p.function(t), true
			}
			if b, ok := p.Names[t.Text]; ok {
				// A TypeScript assertion after the name changes nothing
				// (ORIGINS as string[], ORIGINS!).
				at := p.I
				if n := p.Peek(); n.Kind == TPunct && n.Text == "!" {
					p.Next()
				}
				p.skipAssertion()
				if p.ends() {
					return b, true
				}
				p.I = at
			}
			if p.Funcs {
				return p.expr(t), true
			}
			p.Fail(t, "unsupported expression starting with "+strconv.Quote(t.Text)+": only literal values can be evaluated offline")
			return v, false
		}
	case TPunct:
		switch t.Text {
		case "{":
			return p.object(t, depth)
		case "[":
			return p.array(t, depth)
		case "(":
			if p.Funcs {
				return p.function(t), true
			}
		case "-":
			n := p.Peek()
			if n.Kind == TNumber {
				p.Next()
				if f, ok := ParseNumber(n.Text); ok {
					v.Kind, v.Str, v.Num = VNumber, "-"+n.Text, -f
					return v, true
				}
			}
		}
		p.Fail(t, "unexpected "+Describe(t))
		return v, false
	default:
		p.Fail(t, "unexpected "+Describe(t))
		return v, false
	}
	return v, true
}

// function reads a function expression that starts at start (already
// read) as a VFunc: everything up to the next ',' '}' or ']' outside
// brackets.
func (p *Parser) function(start Token) Value {
	if p.I > 0 && p.Toks[p.I-1] == start {
		p.I--
	}
	from := p.I
	p.Skip()
	return Value{Kind: VFunc, Str: start.Text, Line: start.Line, Col: start.Col, Fn: p.Toks[from:p.I]}
}

// expr reads an expression that starts at start (already read) as a
// VExpr: everything up to the next ',' '}' ']' or ')' outside brackets,
// its text rebuilt from its tokens (strings quoted).
func (p *Parser) expr(start Token) Value {
	from := p.I - 1
	p.skipExpr()
	var b strings.Builder
	for k, t := range p.Toks[from:p.I] {
		if b.Len() > 80 {
			b.WriteString("...")
			break
		}
		if k > 0 && word(t) && word(p.Toks[from+k-1]) {
			b.WriteByte(' ') // ORIGINS as string[]
		}
		if t.Kind == TString {
			b.WriteString(strconv.Quote(t.Text))
			continue
		}
		b.WriteString(t.Text)
	}
	return Value{Kind: VExpr, Str: b.String(), Line: start.Line, Col: start.Col}
}

// word reports a token written with letters or digits.
func word(t Token) bool { return t.Kind == TIdent || t.Kind == TNumber }

// skipExpr is Skip, which also stops where a statement ends: at a ';',
// or at a name that starts a later line after a token that can end an
// expression (ECMA-262 §12.10, automatic semicolon insertion). Tried as
// a new user would, a declaration without a semicolon took in the next
// statement.
func (p *Parser) skipExpr() { p.skip(true) }

// evalTemplate is the value of a template literal's text (between its
// backticks) when each substitution is a literal string or number or a
// name bound to one (`http://localhost:${PORT}` with const PORT = 3000),
// as ToString makes them (ECMA-262 §13.2.8.6); ok is false otherwise.
func (p *Parser) evalTemplate(text string) (string, bool) {
	var b strings.Builder
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:i])
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			return "", false
		}
		toks, errs := Lex(strings.TrimSpace(text[i+2 : i+j]))
		if len(errs) > 0 || len(toks) != 2 {
			return "", false // one token, then the end
		}
		switch t := toks[0]; {
		case t.Kind == TString:
			b.WriteString(t.Text)
		case t.Kind == TNumber:
			n, ok := ParseNumber(t.Text)
			if !ok {
				return "", false
			}
			b.WriteString(NumberString(n))
		case t.Kind == TIdent:
			v, ok := p.Names[t.Text]
			switch {
			case ok && v.Kind == VString:
				b.WriteString(v.Str)
			case ok && v.Kind == VNumber:
				b.WriteString(NumberString(v.Num))
			default:
				return "", false
			}
		default:
			return "", false
		}
		text = text[i+j+1:]
	}
	if strings.ContainsAny(b.String(), "\\`") {
		return "", false // escapes the reader does not decode
	}
	return b.String(), true
}

// skipAssertion moves past a TypeScript type assertion after a value
// (['https://a.test'] as string[], {...} satisfies CorsOptions, as
// const), which changes no value: a type of names, dots, [], <...>
// and | or &.
func (p *Parser) skipAssertion() {
	for t := p.Peek(); t.Kind == TIdent && (t.Text == "as" || t.Text == "satisfies"); t = p.Peek() {
		p.Next()
		for {
			t := p.Next()
			if t.Kind == TIdent && (t.Text == "readonly" || t.Text == "keyof" || t.Text == "typeof") {
				continue
			}
			if t.Kind != TIdent {
				return // not a type: the caller reports what follows
			}
			for p.Peek().Text == "." && p.Peek().Kind == TPunct {
				p.Next()
				p.Next()
			}
			for n := p.Peek(); n.Kind == TPunct && (n.Text == "[" || n.Text == "<"); n = p.Peek() {
				close := "]"
				if n.Text == "<" {
					close = ">"
				}
				for d := 0; ; {
					x := p.Next()
					if x.Kind == TEOF {
						return
					}
					if x.Kind == TPunct && x.Text == n.Text {
						d++
					} else if x.Kind == TPunct && x.Text == close {
						d--
						if d == 0 {
							break
						}
					}
				}
			}
			if n := p.Peek(); n.Kind == TPunct && (n.Text == "|" || n.Text == "&") {
				p.Next()
				continue
			}
			break
		}
	}
}

// ends reports that the value just read ends here: a name followed by
// '.', '(' or an operator is an expression that uses it, not its value.
func (p *Parser) ends() bool {
	t := p.Peek()
	if t.Kind == TEOF {
		return true
	}
	return t.Kind == TPunct && (t.Text == "," || t.Text == "}" || t.Text == "]" || t.Text == ")" || t.Text == ";")
}

// Bindings are the names toks declares with a literal value (const
// origins = ['https://a.example'], let maxAge = 600, and a TypeScript
// type annotation before the '='), each value positioned where it is
// written, so that a fix edits the list where it is declared. A name
// declared or assigned more than once is left out: which value a call
// sees then depends on the order the code runs in. funcs reads functions
// and expressions in the values as Parser.Funcs does.
func Bindings(toks []Token, funcs bool) map[string]Value {
	out := map[string]Value{}
	assigned := map[string]int{}
	p := &Parser{Toks: toks, Funcs: funcs, Names: out}
	for i := 0; i+2 < len(toks); i++ {
		t := toks[i]
		if t.Kind != TIdent || !isAssign(toks, i+1) || i > 0 && toks[i-1].Kind == TPunct && toks[i-1].Text == "." {
			continue
		}
		assigned[t.Text]++
		if i == 0 || toks[i-1].Kind != TIdent || (toks[i-1].Text != "const" && toks[i-1].Text != "let" && toks[i-1].Text != "var") {
			continue
		}
		p.I, p.Errs = i+2, nil
		if v, ok := p.Literal(0); ok && len(p.Errs) == 0 && p.assertedEnds() {
			out[t.Text] = v
		}
	}
	// TypeScript: const origins: string[] = [...]
	for i := 1; i+1 < len(toks); i++ {
		if toks[i].Kind == TPunct && toks[i].Text == ":" && toks[i-1].Kind == TIdent && i >= 2 && toks[i-2].Kind == TIdent && (toks[i-2].Text == "const" || toks[i-2].Text == "let" || toks[i-2].Text == "var") {
			j := i + 1
			for j < len(toks) && j < i+12 && !isAssign(toks, j) && !(toks[j].Kind == TPunct && toks[j].Text == ";") {
				j++
			}
			if j < len(toks) && isAssign(toks, j) {
				name := toks[i-1].Text
				assigned[name]++
				p.I, p.Errs = j+1, nil
				if v, ok := p.Literal(0); ok && len(p.Errs) == 0 && p.assertedEnds() {
					out[name] = v
				}
			}
		}
	}
	for name, n := range assigned {
		if n > 1 {
			delete(out, name)
		}
	}
	for name := range changed(toks) {
		delete(out, name)
	}
	return out
}

// mutators are the methods that change an array, a Set or a Map in place.
var mutators = map[string]bool{"push": true, "unshift": true, "splice": true, "pop": true, "shift": true, "fill": true,
	"sort": true, "reverse": true, "copyWithin": true, "add": true, "set": true, "delete": true, "clear": true}

// changed are the names whose value the code may change after their
// declaration, or that another binding shadows, so that the literal a
// name is declared with is not what a call sees: one changed in place
// (origins.push(...), origins[i] = ..., options.origin = ...,
// Object.assign(options, ...)), one declared again (in a loop, a block),
// and a function's or catch's parameter. Tried as a new user would, a
// list pushed to outside production was read as its literal, and a
// parameter named like a top-level const was read as that const.
func changed(toks []Token) map[string]bool {
	out := map[string]bool{}
	declared := map[string]int{}
	punct := func(i int, s string) bool {
		return i >= 0 && i < len(toks) && toks[i].Kind == TPunct && toks[i].Text == s
	}
	ident := func(i int) bool { return i >= 0 && i < len(toks) && toks[i].Kind == TIdent }
	for i := range toks {
		t := toks[i]
		if t.Kind != TIdent {
			continue
		}
		switch {
		case (t.Text == "const" || t.Text == "let" || t.Text == "var") && ident(i+1):
			declared[toks[i+1].Text]++
		case punct(i-1, "."):
			// a property, not the name
		case punct(i+1, ".") && ident(i+2) && (mutators[toks[i+2].Text] && punct(i+3, "(") || isAssign(toks, i+3)):
			out[t.Text] = true
		case punct(i+1, "["):
			// name[...] = ...
			d, j := 0, i+1
			for ; j < len(toks); j++ {
				if punct(j, "[") {
					d++
				} else if punct(j, "]") {
					if d--; d == 0 {
						break
					}
				}
			}
			if isAssign(toks, j+1) {
				out[t.Text] = true
			}
		case punct(i+1, "=") && punct(i+2, ">"):
			out[t.Text] = true // a single parameter: x => ...
		}
		if t.Text == "Object" && punct(i+1, ".") && ident(i+2) && toks[i+2].Text == "assign" && punct(i+3, "(") && ident(i+4) {
			out[toks[i+4].Text] = true
		}
	}
	// Parameters: the names in a parenthesized list followed by => or
	// by the { of a function or method body (not if, for, while,
	// switch, catch's is a parameter too).
	for i := range toks {
		if !punct(i, "(") {
			continue
		}
		if ident(i - 1) {
			switch toks[i-1].Text {
			case "if", "for", "while", "switch", "with", "return", "typeof", "await", "new", "in", "of":
				continue
			}
		}
		d, j := 0, i
		for ; j < len(toks); j++ {
			if punct(j, "(") {
				d++
			} else if punct(j, ")") {
				if d--; d == 0 {
					break
				}
			}
		}
		k := j + 1
		if punct(k, ":") { // a TypeScript return type
			for k < len(toks) && !punct(k, "{") && !punct(k, "=") && k < j+16 {
				k++
			}
		}
		if !(punct(k, "{") || punct(k, "=") && punct(k+1, ">")) {
			continue
		}
		for x := i + 1; x < j; x++ {
			if ident(x) && !punct(x-1, ":") && !punct(x-1, ".") {
				out[toks[x].Text] = true
			}
		}
	}
	for name, n := range declared {
		if n > 1 {
			out[name] = true
		}
	}
	return out
}

// assertedEnds is statementEnds after a type assertion (skipAssertion).
func (p *Parser) assertedEnds() bool {
	p.skipAssertion()
	return p.statementEnds()
}

// statementEnds reports that the declaration just read ends here: at a
// separator, or where the next token is on a later line (a newline ends
// a statement there: ECMA-262 §12.10, automatic semicolon insertion).
func (p *Parser) statementEnds() bool {
	return p.ends() || p.I > 0 && p.Peek().Line > p.Toks[p.I-1].Line
}

// isAssign reports a lone '=' at toks[i]: not part of ==, ===, =>, <=,
// >=, != or an operator-assignment.
func isAssign(toks []Token, i int) bool {
	if i >= len(toks) || toks[i].Kind != TPunct || toks[i].Text != "=" {
		return false
	}
	if n := toks[i+1]; n.Kind == TPunct && (n.Text == "=" || n.Text == ">") {
		return false
	}
	if i > 0 {
		if b := toks[i-1]; b.Kind == TPunct && strings.Contains("=!<>+-*/%&|^?", b.Text) {
			return false
		}
	}
	return true
}

// newRegExp reads new RegExp('source'[, 'flags']).
func (p *Parser) newRegExp(start Token) (Value, bool) {
	v := Value{Kind: VRegex, Line: start.Line, Col: start.Col}
	if t := p.Next(); t.Kind != TIdent || t.Text != "RegExp" {
		p.Fail(t, "unsupported expression: new "+t.Text)
		return v, false
	}
	if t := p.Next(); t.Text != "(" {
		p.Fail(t, "expected ( after new RegExp")
		return v, false
	}
	src := p.Next()
	if src.Kind != TString {
		p.Fail(src, "new RegExp needs a string literal to be evaluated offline")
		return v, false
	}
	v.Str = src.Text
	t := p.Next()
	if t.Text == "," {
		f := p.Next()
		if f.Kind != TString {
			p.Fail(f, "RegExp flags must be a string literal")
			return v, false
		}
		v.Flags = f.Text
		t = p.Next()
	}
	if t.Text != ")" {
		p.Fail(t, "expected ) to close new RegExp(...)")
		return v, false
	}
	return v, true
}

func (p *Parser) object(open Token, depth int) (Value, bool) {
	v := Value{Kind: VObject, Line: open.Line, Col: open.Col}
	ok := true
	for {
		t := p.Next()
		if t.Text == "}" && t.Kind == TPunct {
			return v, ok
		}
		if t.Kind == TEOF {
			p.Fail(open, "unclosed {")
			return v, false
		}
		var key string
		switch t.Kind {
		case TIdent, TString, TNumber:
			key = t.Text
		default:
			p.Fail(t, "expected a property name, found "+Describe(t))
			p.SkipSep()
			ok = false
			continue
		}
		if c := p.Peek(); p.Funcs && c.Text == "(" && c.Kind == TPunct && (t.Kind == TIdent || t.Kind == TString) {
			// a method: origin(o, cb) { ... }
			v.Obj = append(v.Obj, Prop{Key: key, Val: p.function(t), Line: t.Line, Col: t.Col})
			if c := p.Peek(); c.Text == "," && c.Kind == TPunct {
				p.Next()
			}
			continue
		}
		if c := p.Peek(); c.Text != ":" || c.Kind != TPunct {
			p.Fail(c, "expected : after "+strconv.Quote(key)+" (shorthand, methods and computed keys are not supported)")
			p.SkipSep()
			ok = false
			continue
		}
		p.Next()
		val, vok := p.Literal(depth + 1)
		if !vok {
			ok = false
			p.SkipSep()
			continue
		}
		p.skipAssertion()
		v.Obj = append(v.Obj, Prop{Key: key, Val: val, Line: t.Line, Col: t.Col})
		switch c := p.Peek(); {
		case c.Text == "," && c.Kind == TPunct:
			p.Next()
		case c.Text == "}" && c.Kind == TPunct:
		case c.Kind == TEOF:
		default:
			p.Fail(c, "unsupported expression after the Value of "+strconv.Quote(key)+": only literal values can be evaluated offline")
			p.SkipSep()
			ok = false
		}
	}
}

func (p *Parser) array(open Token, depth int) (Value, bool) {
	v := Value{Kind: VArray, Line: open.Line, Col: open.Col}
	ok := true
	for {
		t := p.Peek()
		if t.Text == "]" && t.Kind == TPunct {
			p.Next()
			return v, ok
		}
		if t.Kind == TEOF {
			p.Fail(open, "unclosed [")
			return v, false
		}
		el, eok := p.Literal(depth + 1)
		if !eok {
			ok = false
			p.Skip()
		} else {
			v.Arr = append(v.Arr, el)
			p.skipAssertion()
		}
		switch c := p.Peek(); {
		case c.Text == "," && c.Kind == TPunct:
			p.Next()
		case c.Text == "]" && c.Kind == TPunct:
		default:
			if eok {
				p.Fail(c, "unsupported expression in array: only literal values can be evaluated offline")
				ok = false
				p.Skip()
			}
			if c := p.Peek(); c.Text == "," {
				p.Next()
			}
		}
	}
}

// SkipSep skips to the next separator and past it when it is a comma.
func (p *Parser) SkipSep() {
	p.Skip()
	if t := p.Peek(); t.Kind == TPunct && t.Text == "," {
		p.Next()
	}
}

// Skip moves to the next ',' '}' or ']' at this nesting level.
func (p *Parser) Skip() { p.skip(false) }

// skip moves to the next ',' or closing bracket at this nesting level;
// with statement, also to a ';' or to where automatic semicolon
// insertion ends the statement (skipExpr).
func (p *Parser) skip(statement bool) {
	depth := 0
	for {
		t := p.Peek()
		if t.Kind == TEOF {
			return
		}
		if t.Kind == TPunct {
			switch t.Text {
			case "{", "[", "(":
				depth++
			case "}", "]", ")":
				if depth == 0 {
					return
				}
				depth--
			case ",", ";":
				if depth == 0 && (t.Text == "," || statement) {
					return
				}
			}
		}
		if statement && depth == 0 && p.I > 0 && t.Line > p.Toks[p.I-1].Line && t.Kind == TIdent {
			if prev := p.Toks[p.I-1]; word(prev) || prev.Kind == TString || prev.Kind == TTemplate || prev.Kind == TPunct && strings.Contains(")]}", prev.Text) {
				return
			}
		}
		p.Next()
	}
}

// ParseNumber reads a JavaScript numeric literal.
func ParseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(s, "_", "")
	low := strings.ToLower(s)
	if strings.HasPrefix(low, "0x") || strings.HasPrefix(low, "0o") || strings.HasPrefix(low, "0b") {
		base := map[byte]int{'x': 16, 'o': 8, 'b': 2}[low[1]]
		n, err := strconv.ParseInt(s[2:], base, 64)
		return float64(n), err == nil
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// NumberString is Number.prototype.toString for the values people put
// in maxAge (ECMA-262 §6.1.6.1.20): integers without a fraction.
func NumberString(f float64) string {
	if f == float64(int64(f)) && f < 1e21 && f > -1e21 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Allowlist reads the origin callback of the expressjs/cors README, and
// nothing looser: its tokens must be exactly
//
//	function (origin, callback) {
//	  if ([!origin ||] LIST.indexOf(origin) !== -1) [return] callback(null, true) [else] [return] callback(new Error(...))
//	}
//
// (or an arrow function; LIST.includes(origin), or indexOf compared
// with != -1, > -1 or >= 0; braces and semicolons optional; the refusal
// callback(null, false) or an Error), over a LIST that names binds to an
// array of strings. It returns that array, whether the refusal is an
// Error (which cors() passes to next(), so that Express's error handler
// answers 500) and true; false for any other function, which only
// running it would tell. Tried as a new adversary
// would, a looser reading took a blocklist (if (list.includes(origin))
// callback(new Error(...)) else callback(null, true)) for an allow-list.
func Allowlist(fn []Token, names map[string]Value) (list Value, callsError bool, ok bool) {
	m := &tokMatch{toks: fn}
	m.word("async")
	arrowParams := false
	if !m.word("function") {
		arrowParams = true
	} else {
		m.kind(TIdent) // a name, if any
	}
	if !m.punct("(") {
		return Value{}, false, false
	}
	o, ok1 := m.ident()
	ok2 := m.punct(",")
	cb, ok3 := m.ident()
	if !ok1 || !ok2 || !ok3 || !m.punct(")") {
		return Value{}, false, false
	}
	if arrowParams && !(m.punct("=") && m.punct(">")) {
		return Value{}, false, false
	}
	braced := m.punct("{")
	// if (COND)
	if !m.word("if") || !m.punct("(") {
		return Value{}, false, false
	}
	if m.punct("!") {
		// "!origin ||": a request without Origin, which is no CORS
		// request.
		if !m.word(o) || !m.punct("|") || !m.punct("|") {
			return Value{}, false, false
		}
	}
	name, okL := m.ident()
	if !okL || !m.punct(".") {
		return Value{}, false, false
	}
	switch {
	case m.word("includes"):
		if !m.punct("(") || !m.word(o) || !m.punct(")") {
			return Value{}, false, false
		}
	case m.word("indexOf"):
		if !m.punct("(") || !m.word(o) || !m.punct(")") || !m.notMinusOne() {
			return Value{}, false, false
		}
	default:
		return Value{}, false, false
	}
	if !m.punct(")") {
		return Value{}, false, false
	}
	// THEN: callback(null, true)
	thenBraced := m.punct("{")
	ret := m.word("return")
	if !m.call(cb, true) {
		return Value{}, false, false
	}
	m.punct(";")
	if thenBraced && !m.punct("}") {
		return Value{}, false, false
	}
	// ELSE (or, after a return, what follows): the refusal.
	if !m.word("else") && !ret {
		return Value{}, false, false
	}
	elseBraced := m.punct("{")
	m.word("return")
	if !m.call(cb, false) {
		return Value{}, false, false
	}
	m.punct(";")
	if elseBraced && !m.punct("}") {
		return Value{}, false, false
	}
	if braced && !m.punct("}") {
		return Value{}, false, false
	}
	if m.i != len(m.toks) {
		return Value{}, false, false
	}
	arr, okA := names[name]
	if !okA || arr.Kind != VArray {
		return Value{}, false, false
	}
	for _, el := range arr.Arr {
		if el.Kind != VString {
			return Value{}, false, false
		}
	}
	return arr, m.errored, true
}

// tokMatch walks tokens for Allowlist: each method takes the next token
// when it is what is asked, and reports whether it did.
type tokMatch struct {
	toks []Token
	i    int
	// errored: the refusal taken was callback(new Error(...)).
	errored bool
}

func (m *tokMatch) next() (Token, bool) {
	if m.i >= len(m.toks) {
		return Token{}, false
	}
	return m.toks[m.i], true
}

func (m *tokMatch) take(ok bool) bool {
	if ok {
		m.i++
	}
	return ok
}

func (m *tokMatch) punct(p string) bool {
	t, ok := m.next()
	return m.take(ok && t.Kind == TPunct && t.Text == p)
}

func (m *tokMatch) word(w string) bool {
	t, ok := m.next()
	return m.take(ok && t.Kind == TIdent && t.Text == w)
}

func (m *tokMatch) kind(k TokKind) bool {
	t, ok := m.next()
	return m.take(ok && t.Kind == k)
}

func (m *tokMatch) ident() (string, bool) {
	t, ok := m.next()
	if !ok || t.Kind != TIdent {
		return "", false
	}
	m.i++
	return t.Text, true
}

// notMinusOne takes "!== -1", "!= -1", "> -1" or ">= 0" (the lexer gives
// an operator one character a token).
func (m *tokMatch) notMinusOne() bool {
	op := ""
	for {
		t, ok := m.next()
		if !ok || t.Kind != TPunct || len(t.Text) != 1 || !strings.Contains("!=<>", t.Text) {
			break
		}
		op += t.Text
		m.i++
	}
	switch op {
	case "!==", "!=", ">":
		return m.punct("-") && m.number("1")
	case ">=":
		return m.number("0")
	}
	return false
}

func (m *tokMatch) number(n string) bool {
	t, ok := m.next()
	return m.take(ok && t.Kind == TNumber && t.Text == n)
}

// call takes cb(null, true) when allow, else cb(null, false) or
// cb(new Error(...)) with string arguments.
func (m *tokMatch) call(cb string, allow bool) bool {
	if !m.word(cb) || !m.punct("(") {
		return false
	}
	if allow {
		return m.word("null") && m.punct(",") && m.word("true") && m.punct(")")
	}
	if m.word("null") {
		return m.punct(",") && m.word("false") && m.punct(")")
	}
	if !m.word("new") || !(m.word("Error") || m.word("TypeError")) || !m.punct("(") {
		return false
	}
	m.errored = true
	for m.kind(TString) || m.punct("+") {
	}
	return m.punct(")") && m.punct(")")
}
