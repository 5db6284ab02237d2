package apache

import (
	"regexp"
	"strings"
)

// expr is an <If> expression of the ap_expr subset read here: && || !
// and parentheses over ==, !=, =~ /re/, !~ /re/, in {...}, -n, -z,
// true and false, with words of %{HTTP:Name}, req('Name'),
// http('Name'), %{REQUEST_METHOD}, %{REQUEST_URI}, %{HTTP_HOST},
// %{REQUEST_SCHEME}, %{reqenv:VAR} and quoted strings.
type expr interface {
	eval(c *ctx) bool
}

// ctx is what an expression reads; vary collects the request headers
// read through HTTP: / req / http, which Apache adds to Vary.
type ctx struct {
	get  func(name string) (string, bool)
	vars map[string]string
	env  map[string]string
	vary []string
}

type (
	orE  struct{ a, b expr }
	andE struct{ a, b expr }
	notE struct{ a expr }
	cmpE struct {
		l, r  wordE
		op    string
		re    *regexp.Regexp
		list  []wordE
		unary bool
	}
	constE bool
)

func (e orE) eval(c *ctx) bool  { return e.a.eval(c) || e.b.eval(c) }
func (e andE) eval(c *ctx) bool { return e.a.eval(c) && e.b.eval(c) }
func (e notE) eval(c *ctx) bool { return !e.a.eval(c) }
func (e constE) eval(*ctx) bool { return bool(e) }

func (e cmpE) eval(c *ctx) bool {
	l := e.l.value(c)
	switch e.op {
	case "-n":
		return l != ""
	case "-z":
		return l == ""
	case "==":
		return l == e.r.value(c)
	case "!=":
		return l != e.r.value(c)
	case "=~":
		return e.re.MatchString(l)
	case "!~":
		return !e.re.MatchString(l)
	case "in":
		for _, w := range e.list {
			if w.value(c) == l {
				return true
			}
		}
	}
	return false
}

// wordE is a string of literal parts and variables.
type wordE struct {
	parts []wpart
}

type wpart struct {
	lit    string
	header string // request header (HTTP:, req, http)
	v      string // other variable
}

func (w wordE) value(c *ctx) string {
	var b strings.Builder
	for _, p := range w.parts {
		switch {
		case p.header != "":
			v, _ := c.get(p.header)
			b.WriteString(v)
			seen := false
			for _, x := range c.vary {
				seen = seen || strings.EqualFold(x, p.header)
			}
			if !seen {
				c.vary = append(c.vary, p.header)
			}
		case p.v != "":
			if rest, ok := strings.CutPrefix(p.v, "reqenv:"); ok {
				b.WriteString(c.env[rest])
			} else {
				b.WriteString(c.vars[p.v])
			}
		default:
			b.WriteString(p.lit)
		}
	}
	return b.String()
}

type exprParser struct {
	s   string
	i   int
	err string
}

func parseExpr(s string) (expr, string) {
	p := &exprParser{s: s}
	e := p.or()
	p.space()
	if p.err == "" && p.i < len(p.s) {
		p.err = "unexpected " + strconvQuote(p.s[p.i:])
	}
	return e, p.err
}

func strconvQuote(s string) string {
	if len(s) > 20 {
		s = s[:20] + "..."
	}
	return "\"" + s + "\""
}

func (p *exprParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *exprParser) eat(t string) bool {
	p.space()
	if strings.HasPrefix(p.s[p.i:], t) {
		p.i += len(t)
		return true
	}
	return false
}

func (p *exprParser) or() expr {
	e := p.and()
	for p.err == "" && p.eat("||") {
		e = orE{e, p.and()}
	}
	return e
}

func (p *exprParser) and() expr {
	e := p.unary()
	for p.err == "" && p.eat("&&") {
		e = andE{e, p.unary()}
	}
	return e
}

func (p *exprParser) unary() expr {
	switch {
	case p.err != "":
		return constE(false)
	case p.eat("!") && !strings.HasPrefix(p.s[p.i:], "~") && !strings.HasPrefix(p.s[p.i:], "="):
		return notE{p.unary()}
	case p.eat("("):
		e := p.or()
		if !p.eat(")") {
			p.fail("missing )")
		}
		return e
	case p.eat("-n ") || p.eat("-n\t"):
		return cmpE{op: "-n", l: p.word(), unary: true}
	case p.eat("-z ") || p.eat("-z\t"):
		return cmpE{op: "-z", l: p.word(), unary: true}
	case p.eat("true"):
		return constE(true)
	case p.eat("false"):
		return constE(false)
	}
	l := p.word()
	p.space()
	for _, op := range []string{"==", "!=", "=~", "!~", "-in", "in"} {
		if p.eat(op) {
			c := cmpE{l: l, op: op}
			switch op {
			case "=~", "!~":
				c.re = p.regex()
			case "in", "-in":
				c.op = "in"
				if !p.eat("{") {
					p.fail("in needs { list }")
					return c
				}
				for p.err == "" {
					c.list = append(c.list, p.word())
					if p.eat("}") {
						break
					}
					if !p.eat(",") {
						p.fail("missing , or } in a list")
					}
				}
			default:
				c.r = p.word()
			}
			return c
		}
	}
	p.fail("a comparison (==, !=, =~, !~, in) is expected")
	return constE(false)
}

func (p *exprParser) fail(msg string) {
	if p.err == "" {
		p.err = msg
	}
}

func (p *exprParser) regex() *regexp.Regexp {
	p.space()
	var delim byte = '/'
	if strings.HasPrefix(p.s[p.i:], "m") && p.i+1 < len(p.s) {
		delim = p.s[p.i+1]
		p.i += 2
	} else if p.eat("/") {
	} else {
		p.fail("a regular expression /.../ is expected")
		return nil
	}
	j := strings.IndexByte(p.s[p.i:], delim)
	if j < 0 {
		p.fail("unterminated regular expression")
		return nil
	}
	src := p.s[p.i : p.i+j]
	p.i += j + 1
	if p.i < len(p.s) && p.s[p.i] == 'i' {
		src = "(?i)" + src
		p.i++
	}
	re, err := regexp.Compile(src)
	if err != nil {
		p.fail("regular expression: " + err.Error())
		return nil
	}
	return re
}

var exprVars = map[string]bool{"REQUEST_METHOD": true, "REQUEST_URI": true, "HTTP_HOST": true, "REQUEST_SCHEME": true}

func (p *exprParser) word() wordE {
	p.space()
	var w wordE
	if p.i >= len(p.s) {
		p.fail("a value is expected")
		return w
	}
	switch c := p.s[p.i]; {
	case c == '\'' || c == '"':
		j := strings.IndexByte(p.s[p.i+1:], c)
		if j < 0 {
			p.fail("unterminated string")
			return w
		}
		inner := p.s[p.i+1 : p.i+1+j]
		p.i += j + 2
		for inner != "" {
			k := strings.Index(inner, "%{")
			if k < 0 {
				w.parts = append(w.parts, wpart{lit: inner})
				break
			}
			if k > 0 {
				w.parts = append(w.parts, wpart{lit: inner[:k]})
			}
			e := strings.IndexByte(inner[k:], '}')
			if e < 0 {
				p.fail("unterminated %{")
				return w
			}
			w.parts = append(w.parts, p.variable(inner[k+2:k+e]))
			inner = inner[k+e+1:]
		}
		if len(w.parts) == 0 {
			w.parts = []wpart{{}}
		}
	case strings.HasPrefix(p.s[p.i:], "%{"):
		e := strings.IndexByte(p.s[p.i:], '}')
		if e < 0 {
			p.fail("unterminated %{")
			return w
		}
		w.parts = append(w.parts, p.variable(p.s[p.i+2:p.i+e]))
		p.i += e + 1
	case strings.HasPrefix(p.s[p.i:], "req(") || strings.HasPrefix(p.s[p.i:], "http("):
		p.i = p.i + strings.IndexByte(p.s[p.i:], '(') + 1
		arg := p.word()
		if !p.eat(")") || len(arg.parts) != 1 || arg.parts[0].lit == "" {
			p.fail("req() and http() take one quoted header name")
			return w
		}
		w.parts = append(w.parts, wpart{header: arg.parts[0].lit})
	default:
		p.fail("a quoted string or %{VARIABLE} is expected at " + strconvQuote(p.s[p.i:]))
	}
	return w
}

func (p *exprParser) variable(v string) wpart {
	switch {
	case strings.HasPrefix(strings.ToUpper(v), "HTTP:"):
		return wpart{header: v[5:]}
	case strings.HasPrefix(v, "reqenv:"):
		return wpart{v: v}
	case exprVars[strings.ToUpper(v)]:
		return wpart{v: strings.ToUpper(v)}
	}
	p.fail("the variable %{" + v + "} is not modelled")
	return wpart{lit: ""}
}
