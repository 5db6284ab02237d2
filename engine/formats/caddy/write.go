package caddy

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// WriteRules writes p as the directives of one Caddy site block (Write),
// refusing in n what a Caddyfile token cannot carry.
func (*Format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	portable.RefuseChars(p, n, "\"\\{}` \t\r\n#", "a Caddyfile value")
	if err := n.Err(); err != nil {
		return "", err
	}
	return Write(p), nil
}

// Write renders a valid portable policy, without the characters
// WriteRules refuses, as the directives of one Caddy site block.
//
// Each rule is a handle block whose named matcher holds its paths
// (path_regexp: "/api" is "/api" and below, compared case-sensitively,
// where Caddy's path matcher ignores case) and origins (header_regexp on
// Origin, byte for byte; a subdomain pattern needs at least one
// character). handle blocks are mutually exclusive and, having no path
// matcher, keep the written order (httpcaddyfile's sortRoutes): the
// first rule that matches answers, as portable.Policy says. Its header
// block adds Access-Control-Allow-Origin (the request's Origin, or "*"
// for any origin without credentials), -Credentials and
// -Expose-Headers, and Vary: Origin; a preflight (OPTIONS with
// Access-Control-Request-Method) gets the methods and headers and a 204
// from respond before any upstream. The browser checks the method and
// headers against those lists, as the policy's own server would; "*"
// methods or headers echo the request's, which also works with
// credentials. A request no rule matches goes on to the site's handlers
// untouched.
//
// Caddy cleans the path before path_regexp ("//" merged, "." and ".."
// resolved), as browsers do before sending.
func Write(p portable.Policy) string {
	var b strings.Builder
	b.WriteString("# CORS (whycors): the first rule whose path and Origin match answers.\n" +
		"# Put these lines in the site block, next to its reverse_proxy or\n" +
		"# file_server. An upstream that sends its own Access-Control-* headers\n" +
		"# doubles them: add header_down -Access-Control-* to its reverse_proxy.\n")
	if len(p.Rules) == 0 {
		b.WriteString("# (no rules: no CORS headers)\n")
		return b.String()
	}
	b.WriteString("@cors_preflight {\n\tmethod OPTIONS\n\theader Access-Control-Request-Method *\n}\n")
	seen := map[string]bool{}
	for i, r := range p.Rules {
		m := "\tpath_regexp " + portable.PathsRegexp(r.Paths) + "\n"
		if !r.AnyOrigin() {
			m += "\theader_regexp Origin " + portable.OriginsRegexp(r.Origins) + "\n"
		}
		if seen[m] {
			// An earlier rule matches the same requests: this one never
			// answers, and Caddy would merge the two handle blocks into
			// one route (httpcaddyfile consolidates adjacent routes with
			// equal matchers), running both.
			continue
		}
		seen[m] = true
		name := "@cors_rule" + strconv.Itoa(i)
		b.WriteString(name + " {\n" + m)
		b.WriteString("}\nhandle " + name + " {\n\theader {\n")
		star := r.AnyOrigin() && !r.Credentials
		if star {
			b.WriteString("\t\tAccess-Control-Allow-Origin *\n")
		} else {
			b.WriteString("\t\tAccess-Control-Allow-Origin {header.Origin}\n")
		}
		if r.Credentials {
			b.WriteString("\t\tAccess-Control-Allow-Credentials true\n")
		}
		if len(r.ExposeHeaders) > 0 {
			b.WriteString("\t\tAccess-Control-Expose-Headers " + strconv.Quote(strings.Join(r.ExposeHeaders, ", ")) + "\n")
		}
		if !star {
			b.WriteString("\t\tVary Origin\n")
		}
		b.WriteString("\t}\n\theader @cors_preflight {\n")
		b.WriteString("\t\tAccess-Control-Allow-Methods " + listOrEcho(r.Methods, []string{"GET", "HEAD", "POST"}, "{header.Access-Control-Request-Method}") + "\n")
		if len(r.AllowHeaders) > 0 {
			b.WriteString("\t\tAccess-Control-Allow-Headers " + listOrEcho(r.AllowHeaders, nil, "{header.Access-Control-Request-Headers}") + "\n")
		}
		if r.MaxAge != nil {
			b.WriteString("\t\tAccess-Control-Max-Age " + strconv.Itoa(*r.MaxAge) + "\n")
		}
		b.WriteString("\t}\n\trespond @cors_preflight 204\n}\n")
	}
	return b.String()
}

// listOrEcho is xs as one quoted value (def when empty), or echo when xs
// holds "*".
func listOrEcho(xs, def []string, echo string) string {
	if portable.Contains(xs, "*") {
		return echo
	}
	if len(xs) == 0 {
		xs = def
	}
	return strconv.Quote(strings.Join(xs, ", "))
}
