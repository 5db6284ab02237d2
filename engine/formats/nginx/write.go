package nginx

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// WriteRules writes p as nginx configuration (Write). Allowed headers
// "*" are written as the requested ones echoed
// ($http_access_control_request_headers), which holds with credentials
// too; but a source that sends its "*" as written (n.Literal) gets the
// same line, noted.
func (*Format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	return write(p, func(i int) bool {
		if n.Literal(i) {
			n.NoteLiteral(i, portable.Narrower, "nginx sends Access-Control-Allow-Headers: * as written")
			return true
		}
		return false
	})
}

// Write renders a portable policy as nginx configuration: one map per
// rule (http level) that yields the request's Origin when it is allowed,
// and location blocks (server level) that answer preflights with 204 and
// add the CORS headers to every other reply, with always so that error
// replies keep them (§6.1).
//
// Origins are matched with case-sensitive anchored regexes, as the browser
// compares Access-Control-Allow-Origin byte for byte (map's plain strings
// ignore case). Preflight headers other than Access-Control-Allow-Origin
// are sent to every origin; without a matching Access-Control-Allow-Origin
// the browser ignores them. It refuses, naming the rule and field, rules
// that would need two locations for the same path (nginx picks one
// location per request) and values nginx cannot quote ("$").
func Write(p portable.Policy) (string, error) {
	return write(p, func(int) bool { return false })
}

// write is Write, with rule i's allowed headers "*" sent as written when
// literal(i).
func write(p portable.Policy, literal func(i int) bool) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	bad := portable.PathPerRule(p, "with no rule, add no CORS headers at all", "nginx answers a request from one location, so rules can differ only by path")
	for i, r := range p.Rules {
		at := "rules[" + strconv.Itoa(i) + "]"
		check := func(field string, xs []string) {
			for j, x := range xs {
				if strings.ContainsAny(x, "$\"\\{};\n") {
					bad = append(bad, at+"."+field+"["+strconv.Itoa(j)+"]: "+strconv.Quote(x)+" has a character nginx cannot take literally")
				}
			}
		}
		check("origins", r.Origins)
		check("methods", r.Methods)
		check("allow_headers", r.AllowHeaders)
		check("expose_headers", r.ExposeHeaders)
		check("paths", r.Paths)
		for j, path := range r.Paths {
			if strings.ContainsAny(path, " \t#'") {
				bad = append(bad, at+".paths["+strconv.Itoa(j)+"]: "+strconv.Quote(path)+" needs quoting in a location")
			}
		}
	}
	if len(bad) > 0 {
		return "", &portable.Error{Msgs: bad}
	}
	var b strings.Builder
	b.WriteString("# http level: which origins each rule allows\n")
	for i, r := range p.Rules {
		if r.AnyOrigin() && !r.Credentials {
			continue
		}
		n := strconv.Itoa(i)
		b.WriteString("map $http_origin $cors_origin_" + n + " {\n")
		if r.AnyOrigin() {
			// "*" cannot carry credentials (Fetch §4.9 CORS check): echo
			// every origin instead.
			b.WriteString("    default $http_origin;\n")
		} else {
			b.WriteString("    default \"\";\n")
			for _, o := range r.Origins {
				b.WriteString("    \"~^" + originRegex(o) + "$\" $http_origin;\n")
			}
		}
		b.WriteString("}\n")
		if r.Credentials {
			b.WriteString("map $cors_origin_" + n + " $cors_credentials_" + n + " {\n    default true;\n    \"\" \"\";\n}\n")
		}
	}
	b.WriteString("\n# server level: the locations that serve these paths; an add_header here\n# drops the server's own add_header lines, and an upstream that sends its\n# own CORS headers needs proxy_hide_header for them\n")
	for i, r := range p.Rules {
		lit := portable.Contains(r.AllowHeaders, "*") && literal(i)
		paths := r.Paths
		if len(paths) == 0 {
			paths = []string{"/"}
		}
		for _, path := range paths {
			path = strings.TrimSuffix(path, "/")
			if path == "" {
				writeLocation(&b, "/", i, r, lit)
				continue
			}
			// "/api" covers "/api" and "/api/..." (portable.Rule.Paths).
			writeLocation(&b, "= "+path, i, r, lit)
			writeLocation(&b, path+"/", i, r, lit)
		}
	}
	return b.String(), nil
}

func originRegex(o string) string {
	if pre, suf, ok := portable.SplitWildcard(o); ok {
		return regexQuote(pre) + ".+" + regexQuote(suf)
	}
	return regexQuote(o)
}

func regexQuote(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(`\.+*?()|[]{}^$`, s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func quote(s string) string { return "\"" + s + "\"" }

func writeLocation(b *strings.Builder, where string, i int, r portable.Rule, literalStar bool) {
	n := strconv.Itoa(i)
	acao, acac := "$cors_origin_"+n, ""
	if r.AnyOrigin() && !r.Credentials {
		acao = "\"*\""
	}
	if r.Credentials {
		acac = "$cors_credentials_" + n
	}
	vary := !(r.AnyOrigin() && !r.Credentials)
	// "*": the requested headers echoed, which a literal * is not for
	// a credentialed request or Authorization (Fetch §4.8); nginx sends
	// no add_header whose value is empty, so a preflight without
	// Access-Control-Request-Headers gets none.
	echo := portable.Contains(r.AllowHeaders, "*") && !literalStar
	preVary := ""
	switch {
	case vary && echo:
		preVary = "Origin, Access-Control-Request-Headers"
	case vary:
		preVary = "Origin"
	case echo:
		preVary = "Access-Control-Request-Headers"
	}
	common := func(ind string) {
		b.WriteString(ind + "add_header Access-Control-Allow-Origin " + acao + " always;\n")
		if acac != "" {
			b.WriteString(ind + "add_header Access-Control-Allow-Credentials " + acac + " always;\n")
		}
	}
	b.WriteString("location " + where + " {\n")
	b.WriteString("    if ($request_method = OPTIONS) {\n")
	common("        ")
	methods := r.Methods
	if len(methods) == 0 {
		methods = []string{"GET", "HEAD", "POST"}
	}
	b.WriteString("        add_header Access-Control-Allow-Methods " + quote(strings.Join(methods, ", ")) + " always;\n")
	switch {
	case echo:
		b.WriteString("        add_header Access-Control-Allow-Headers $http_access_control_request_headers always;\n")
	case len(r.AllowHeaders) > 0:
		b.WriteString("        add_header Access-Control-Allow-Headers " + quote(strings.Join(r.AllowHeaders, ", ")) + " always;\n")
	}
	if r.MaxAge != nil {
		b.WriteString("        add_header Access-Control-Max-Age " + strconv.Itoa(*r.MaxAge) + " always;\n")
	}
	if preVary != "" {
		b.WriteString("        add_header Vary " + quote(preVary) + " always;\n")
	}
	b.WriteString("        return 204;\n    }\n")
	common("    ")
	if len(r.ExposeHeaders) > 0 {
		b.WriteString("    add_header Access-Control-Expose-Headers " + quote(strings.Join(r.ExposeHeaders, ", ")) + " always;\n")
	}
	if vary {
		b.WriteString("    add_header Vary Origin always;\n")
	}
	b.WriteString("}\n")
}
