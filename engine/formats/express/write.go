package express

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// WriteRules writes p as Express code (Write). Allowed headers "*" are
// written as cors()'s own reflection of the requested headers, which
// holds with credentials too; but a source that sends its "*" as written
// (n.Literal) gets allowedHeaders ['*'], the same line, noted.
func (*Format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	return write(p, func(i int) bool {
		if n.Literal(i) {
			n.NoteLiteral(i, portable.Narrower, "express sends allowedHeaders ['*'] as written")
			return true
		}
		return false
	})
}

// Write renders a portable policy as Express code that mounts cors() with
// app.use, one middleware per rule.
//
// It refuses, naming the rule and field, what cors() cannot express:
// cors() middlewares run in sequence and the first one mounted for a path
// answers every preflight there whatever the origin, so two rules can only
// differ by path (Paths that do not overlap), never by origin alone.
// Where a portable rule is silent, the writer spells out the narrow choice
// instead of the library's wide defaults: methods GET,HEAD,POST rather than
// all six, and allowedHeaders [] rather than reflecting every requested
// header (which it writes for the allowed headers "*", by leaving
// allowedHeaders out).
func Write(p portable.Policy) (string, error) {
	return write(p, func(int) bool { return false })
}

// write is Write, with rule i's allowed headers "*" written as a literal
// '*' when literal(i).
func write(p portable.Policy, literal func(i int) bool) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	bad := portable.PathPerRule(p, "with no rule, do not mount cors() at all", "Express answers a preflight with the first cors() mounted for the path, so rules can differ only by path")
	for i, r := range p.Rules {
		for j, path := range r.Paths {
			if strings.ContainsAny(path, ":*?+()[]{}'\\") {
				bad = append(bad, "rules["+strconv.Itoa(i)+"].paths["+strconv.Itoa(j)+"]: "+strconv.Quote(path)+" has characters Express reads as a route pattern")
			}
		}
	}
	if len(bad) > 0 {
		return "", &portable.Error{Msgs: bad}
	}
	var b strings.Builder
	b.WriteString("const cors = require('cors');\n\n")
	for i, r := range p.Rules {
		lit := portable.Contains(r.AllowHeaders, "*") && literal(i)
		paths := r.Paths
		if len(paths) == 0 {
			paths = []string{""}
		}
		for _, path := range paths {
			b.WriteString("app.use(")
			if path != "" {
				b.WriteString(jsString(path))
				b.WriteString(", ")
			}
			b.WriteString("cors(")
			writeOptions(&b, r, lit)
			b.WriteString("));\n")
		}
	}
	return b.String(), nil
}

func writeOptions(b *strings.Builder, r portable.Rule, literalStar bool) {
	b.WriteString("{\n  origin: ")
	switch {
	case r.AnyOrigin() && r.Credentials:
		// ACAO * cannot carry credentials (Fetch §4.9 CORS check), so
		// the portable meaning is to echo any origin: origin: true.
		b.WriteString("true")
	case r.AnyOrigin():
		b.WriteString("'*'")
	default:
		// An array, even of one origin: a string origin is sent whatever
		// the request's Origin, an array echoes only allowed origins.
		b.WriteString("[")
		for i, o := range r.Origins {
			if i > 0 {
				b.WriteString(", ")
			}
			if pre, suf, ok := portable.SplitWildcard(o); ok {
				b.WriteString("/^" + jsRegexQuote(pre) + ".+" + jsRegexQuote(suf) + "$/")
			} else {
				b.WriteString(jsString(o))
			}
		}
		b.WriteString("]")
	}
	b.WriteString(",\n  methods: ")
	methods := r.Methods
	if len(methods) == 0 {
		methods = []string{"GET", "HEAD", "POST"}
	}
	writeList(b, methods)
	if literalStar || !portable.Contains(r.AllowHeaders, "*") {
		// Without allowedHeaders cors() echoes the requested ones
		// (configureAllowedHeaders), the portable "*": any header,
		// credentials or not. Tried as a new user would, a cors() with
		// no allowedHeaders converted to itself wrote ['*'], which no
		// credentialed request passes.
		b.WriteString(",\n  allowedHeaders: ")
		writeList(b, r.AllowHeaders)
	}
	if len(r.ExposeHeaders) > 0 {
		b.WriteString(",\n  exposedHeaders: ")
		writeList(b, r.ExposeHeaders)
	}
	if r.Credentials {
		b.WriteString(",\n  credentials: true")
	}
	if r.MaxAge != nil {
		b.WriteString(",\n  maxAge: " + strconv.Itoa(*r.MaxAge))
	}
	b.WriteString(",\n}")
}

func writeList(b *strings.Builder, xs []string) {
	b.WriteString("[")
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(jsString(x))
	}
	b.WriteString("]")
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x` + strconv.FormatInt(int64(r)+0x100, 16)[1:])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

func jsRegexQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte(`\/^$.*+?()[]{}|-`, c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
