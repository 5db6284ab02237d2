package express

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/whycors/whycors/engine/policy"
)

// This file reads the subset of JavaScript that cors() options are written
// in: object and array literals, strings, numbers, booleans, null,
// undefined, regular expression literals and new RegExp('...'), with
// comments and trailing commas. Anything else (a function, process.env.X,
// a + b) is reported as unsupported with its position, never guessed.

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tRegex
	tPunct
)

type token struct {
	kind      tokKind
	text      string // identifier, decoded string, number text, regex source, punctuation
	flags     string // regex flags
	line, col int
}

const (
	maxText   = 256 << 10 // bytes of pasted JavaScript
	maxTokens = 50000
	maxNest   = 32
)

type lexer struct {
	s         string
	i         int
	line, col int
	toks      []token
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
	if t.kind == tPunct {
		return strings.Contains("([{,:=;!&|?", t.text)
	}
	return t.kind == tIdent && (t.text == "return" || t.text == "typeof")
}

func lex(s string) ([]token, policy.Errors) {
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
			lx.toks = append(lx.toks, token{kind: tIdent, text: lx.s[lx.i:j], line: line, col: col})
			lx.advance(j - lx.i)
		case '0' <= c && c <= '9' || (c == '.' && lx.i+1 < len(lx.s) && '0' <= lx.s[lx.i+1] && lx.s[lx.i+1] <= '9'):
			j := lx.i
			for j < len(lx.s) && (isIdentStart(lx.s[j]) || ('0' <= lx.s[j] && lx.s[j] <= '9') || lx.s[j] == '.' ||
				((lx.s[j] == '+' || lx.s[j] == '-') && (lx.s[j-1] == 'e' || lx.s[j-1] == 'E') && !strings.HasPrefix(strings.ToLower(lx.s[lx.i:]), "0x"))) {
				j++
			}
			lx.toks = append(lx.toks, token{kind: tNumber, text: lx.s[lx.i:j], line: line, col: col})
			lx.advance(j - lx.i)
		case strings.HasPrefix(lx.s[lx.i:], "..."):
			lx.toks = append(lx.toks, token{kind: tPunct, text: "...", line: line, col: col})
			lx.advance(3)
		default:
			r, size := utf8.DecodeRuneInString(lx.s[lx.i:])
			if r >= 0x80 {
				lx.toks = append(lx.toks, token{kind: tPunct, text: string(r), line: line, col: col})
				lx.advance(size)
				break
			}
			lx.toks = append(lx.toks, token{kind: tPunct, text: string(c), line: line, col: col})
			lx.advance(1)
		}
	}
	lx.toks = append(lx.toks, token{kind: tEOF, line: lx.line, col: lx.col})
	return lx.toks, lx.errs
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func (lx *lexer) str(q byte, line, col int) {
	var b strings.Builder
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
			lx.errAt(lx.line, lx.col, "template substitution ${...} is not supported: write the value out")
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
	lx.toks = append(lx.toks, token{kind: tString, text: b.String(), line: line, col: col})
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
	lx.toks = append(lx.toks, token{kind: tRegex, text: src, flags: lx.s[j:k], line: line, col: col})
	lx.advance(k - lx.i)
}

// The values a literal can hold.
type valKind uint8

const (
	vString valKind = iota
	vNumber
	vBool
	vNull
	vUndefined
	vArray
	vObject
	vRegex
)

type value struct {
	kind      valKind
	str       string // string value, number text, regex source
	flags     string // regex flags
	num       float64
	b         bool
	arr       []value
	obj       []prop
	line, col int
}

type prop struct {
	key       string
	val       value
	line, col int
}

func (v value) kindName() string {
	return [...]string{"string", "number", "boolean", "null", "undefined", "array", "object", "RegExp"}[v.kind]
}

// truthy is JavaScript's ToBoolean (ECMA-262 §7.1.2).
func (v value) truthy() bool {
	switch v.kind {
	case vString:
		return v.str != ""
	case vNumber:
		return v.num != 0 && v.num == v.num
	case vBool:
		return v.b
	case vNull, vUndefined:
		return false
	}
	return true
}

type parser struct {
	toks []token
	i    int
	errs policy.Errors
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if p.i < len(p.toks)-1 {
		p.i++
	}
	return t
}

func (p *parser) fail(t token, msg string) {
	if len(p.errs) < 50 {
		// Express reads any JavaScript; what this reader cannot
		// evaluate offline is a text it cannot read, not one Express
		// refuses.
		p.errs = append(p.errs, &policy.Error{Line: t.line, Column: t.col, Msg: msg, Unreadable: true})
	}
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of text"
	case tString:
		return "string " + strconv.Quote(t.text)
	}
	return strconv.Quote(t.text)
}

// value parses one literal. ok is false after a reported error; the caller
// then skips to a separator.
func (p *parser) value(depth int) (value, bool) {
	t := p.next()
	v := value{line: t.line, col: t.col}
	if depth > maxNest {
		p.fail(t, "literals nested too deeply")
		return v, false
	}
	switch t.kind {
	case tString:
		v.kind, v.str = vString, t.text
	case tNumber:
		n, ok := parseNumber(t.text)
		if !ok {
			p.fail(t, "not a number: "+strconv.Quote(t.text))
			return v, false
		}
		v.kind, v.str, v.num = vNumber, t.text, n
	case tRegex:
		v.kind, v.str, v.flags = vRegex, t.text, t.flags
	case tIdent:
		switch t.text {
		case "true", "false":
			v.kind, v.b = vBool, t.text == "true"
		case "null":
			v.kind = vNull
		case "undefined":
			v.kind = vUndefined
		case "new":
			return p.newRegExp(t)
		default:
			p.fail(t, "unsupported expression starting with "+strconv.Quote(t.text)+": only literal values can be evaluated offline")
			return v, false
		}
	case tPunct:
		switch t.text {
		case "{":
			return p.object(t, depth)
		case "[":
			return p.array(t, depth)
		case "-":
			n := p.peek()
			if n.kind == tNumber {
				p.next()
				if f, ok := parseNumber(n.text); ok {
					v.kind, v.str, v.num = vNumber, "-"+n.text, -f
					return v, true
				}
			}
		}
		p.fail(t, "unexpected "+describe(t))
		return v, false
	default:
		p.fail(t, "unexpected "+describe(t))
		return v, false
	}
	return v, true
}

// newRegExp reads new RegExp('source'[, 'flags']).
func (p *parser) newRegExp(start token) (value, bool) {
	v := value{kind: vRegex, line: start.line, col: start.col}
	if t := p.next(); t.kind != tIdent || t.text != "RegExp" {
		p.fail(t, "unsupported expression: new "+t.text)
		return v, false
	}
	if t := p.next(); t.text != "(" {
		p.fail(t, "expected ( after new RegExp")
		return v, false
	}
	src := p.next()
	if src.kind != tString {
		p.fail(src, "new RegExp needs a string literal to be evaluated offline")
		return v, false
	}
	v.str = src.text
	t := p.next()
	if t.text == "," {
		f := p.next()
		if f.kind != tString {
			p.fail(f, "RegExp flags must be a string literal")
			return v, false
		}
		v.flags = f.text
		t = p.next()
	}
	if t.text != ")" {
		p.fail(t, "expected ) to close new RegExp(...)")
		return v, false
	}
	return v, true
}

func (p *parser) object(open token, depth int) (value, bool) {
	v := value{kind: vObject, line: open.line, col: open.col}
	ok := true
	for {
		t := p.next()
		if t.text == "}" && t.kind == tPunct {
			return v, ok
		}
		if t.kind == tEOF {
			p.fail(open, "unclosed {")
			return v, false
		}
		var key string
		switch t.kind {
		case tIdent, tString, tNumber:
			key = t.text
		default:
			p.fail(t, "expected a property name, found "+describe(t))
			p.skipSep()
			ok = false
			continue
		}
		if c := p.peek(); c.text != ":" || c.kind != tPunct {
			p.fail(c, "expected : after "+strconv.Quote(key)+" (shorthand, methods and computed keys are not supported)")
			p.skipSep()
			ok = false
			continue
		}
		p.next()
		val, vok := p.value(depth + 1)
		if !vok {
			ok = false
			p.skipSep()
			continue
		}
		v.obj = append(v.obj, prop{key: key, val: val, line: t.line, col: t.col})
		switch c := p.peek(); {
		case c.text == "," && c.kind == tPunct:
			p.next()
		case c.text == "}" && c.kind == tPunct:
		case c.kind == tEOF:
		default:
			p.fail(c, "unsupported expression after the value of "+strconv.Quote(key)+": only literal values can be evaluated offline")
			p.skipSep()
			ok = false
		}
	}
}

func (p *parser) array(open token, depth int) (value, bool) {
	v := value{kind: vArray, line: open.line, col: open.col}
	ok := true
	for {
		t := p.peek()
		if t.text == "]" && t.kind == tPunct {
			p.next()
			return v, ok
		}
		if t.kind == tEOF {
			p.fail(open, "unclosed [")
			return v, false
		}
		el, eok := p.value(depth + 1)
		if !eok {
			ok = false
			p.skip()
		} else {
			v.arr = append(v.arr, el)
		}
		switch c := p.peek(); {
		case c.text == "," && c.kind == tPunct:
			p.next()
		case c.text == "]" && c.kind == tPunct:
		default:
			if eok {
				p.fail(c, "unsupported expression in array: only literal values can be evaluated offline")
				ok = false
				p.skip()
			}
			if c := p.peek(); c.text == "," {
				p.next()
			}
		}
	}
}

// skipSep skips to the next separator and past it when it is a comma.
func (p *parser) skipSep() {
	p.skip()
	if t := p.peek(); t.kind == tPunct && t.text == "," {
		p.next()
	}
}

// skip moves to the next ',' '}' or ']' at this nesting level.
func (p *parser) skip() {
	depth := 0
	for {
		t := p.peek()
		if t.kind == tEOF {
			return
		}
		if t.kind == tPunct {
			switch t.text {
			case "{", "[", "(":
				depth++
			case "}", "]", ")":
				if depth == 0 {
					return
				}
				depth--
			case ",":
				if depth == 0 {
					return
				}
			}
		}
		p.next()
	}
}

func parseNumber(s string) (float64, bool) {
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

// jsNumberString is Number.prototype.toString for the values people put
// in maxAge (ECMA-262 §6.1.6.1.20): integers without a fraction.
func jsNumberString(f float64) string {
	if f == float64(int64(f)) && f < 1e21 && f > -1e21 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
