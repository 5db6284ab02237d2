package apache

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// WriteRules writes p as Apache httpd directives (Write), refusing in n
// what a directive's quoted argument or regular expression cannot carry.
func (*Format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	portable.RefuseChars(p, n, "\"\\#%` \t\r\n", "an Apache directive")
	if err := n.Err(); err != nil {
		return "", err
	}
	return Write(p), nil
}

// Write renders a valid portable policy, without the characters
// WriteRules refuses, as directives for a <VirtualHost> (mod_headers,
// mod_setenvif, mod_rewrite).
//
// The rules are an <If> / <ElseIf> chain, so the first rule whose path
// (REQUEST_URI: "/api" is "/api" and below, case-sensitive) and Origin
// (byte for byte; a subdomain pattern needs at least one character)
// match answers, as portable.Policy says. Its lines are "Header always
// set", sent on every status and on the replies Apache makes itself:
// Access-Control-Allow-Origin (the request's Origin through SetEnvIf, or
// "*" for any origin without credentials), -Credentials, -Expose-Headers
// and, read by preflights only, -Allow-Methods, -Allow-Headers and
// -Max-Age; Apache adds Vary: Origin itself, as the condition reads the
// Origin header. "*" methods or headers echo the request's, which also
// works with credentials. A RewriteRule per rule answers its preflights
// (OPTIONS with Access-Control-Request-Method) with 204 before any
// ProxyPass. The browser checks the method and headers against the
// lists, as the policy's own server would.
func Write(p portable.Policy) string {
	var b strings.Builder
	b.WriteString("# CORS (whycors): the first rule whose path and Origin match answers.\n" +
		"# Put these lines in the <VirtualHost>, with mod_headers, mod_setenvif and\n" +
		"# mod_rewrite loaded. A backend that sends its own Access-Control-*\n" +
		"# headers doubles them.\n")
	if len(p.Rules) == 0 {
		b.WriteString("# (no rules: no CORS headers)\n")
		return b.String()
	}
	b.WriteString("SetEnvIf Origin \"^.+$\" CORS_ORIGIN=$0\n" +
		"SetEnvIf Access-Control-Request-Method \"^.+$\" CORS_REQUEST_METHOD=$0\n" +
		"SetEnvIf Access-Control-Request-Headers \"^.+$\" CORS_REQUEST_HEADERS=$0\n" +
		"RewriteEngine On\n")
	conds := make([]string, len(p.Rules))
	for i, r := range p.Rules {
		path := portable.PathsRegexp(r.Paths)
		conds[i] = "%{REQUEST_URI} =~ m#" + path + "#"
		b.WriteString("# rule " + strconv.Itoa(i+1) + ": its preflights answered with 204\n" +
			"RewriteCond %{REQUEST_METHOD} ^OPTIONS$\n" +
			"RewriteCond %{HTTP:Access-Control-Request-Method} .\n")
		if !r.AnyOrigin() {
			o := portable.OriginsRegexp(r.Origins)
			conds[i] += " && %{HTTP:Origin} =~ m#" + o + "#"
			b.WriteString("RewriteCond %{HTTP:Origin} " + o + "\n")
		}
		b.WriteString("RewriteRule " + path + " - [R=204,L]\n")
	}
	for i, r := range p.Rules {
		section := "ElseIf"
		if i == 0 {
			section = "If"
		}
		b.WriteString("<" + section + " \"" + conds[i] + "\">\n")
		set := func(name, value, env string) {
			b.WriteString("    Header always set " + name + " \"" + value + "\"")
			if env != "" {
				b.WriteString(" env=" + env)
			}
			b.WriteString("\n")
		}
		if r.AnyOrigin() && !r.Credentials {
			set("Access-Control-Allow-Origin", "*", "")
		} else {
			set("Access-Control-Allow-Origin", "%{CORS_ORIGIN}e", "CORS_ORIGIN")
		}
		if r.Credentials {
			set("Access-Control-Allow-Credentials", "true", "")
		}
		if len(r.ExposeHeaders) > 0 {
			set("Access-Control-Expose-Headers", strings.Join(r.ExposeHeaders, ", "), "")
		}
		switch {
		case portable.Contains(r.Methods, "*"):
			set("Access-Control-Allow-Methods", "%{CORS_REQUEST_METHOD}e", "CORS_REQUEST_METHOD")
		case len(r.Methods) > 0:
			set("Access-Control-Allow-Methods", strings.Join(r.Methods, ", "), "")
		default:
			set("Access-Control-Allow-Methods", "GET, HEAD, POST", "")
		}
		switch {
		case portable.Contains(r.AllowHeaders, "*"):
			set("Access-Control-Allow-Headers", "%{CORS_REQUEST_HEADERS}e", "CORS_REQUEST_HEADERS")
		case len(r.AllowHeaders) > 0:
			set("Access-Control-Allow-Headers", strings.Join(r.AllowHeaders, ", "), "")
		}
		if r.MaxAge != nil {
			set("Access-Control-Max-Age", strconv.Itoa(*r.MaxAge), "")
		}
		b.WriteString("</" + section + ">\n")
	}
	return b.String()
}
