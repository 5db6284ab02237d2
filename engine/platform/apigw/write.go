package apigw

import (
	"strconv"

	"github.com/whycors/whycors/engine/portable"
)

// WriteRules implements convert.Writer: p as an HTTP API's
// CorsConfiguration (WriteHTTP), noting in n what API Gateway cannot say
// as p does and refusing what it cannot say without allowing more.
func (*httpFormat) WriteRules(p portable.Policy, names []string, n *portable.Notes) (string, error) {
	if len(p.Rules) == 0 {
		return "", &portable.Refusal{Msg: "no rule to write: an HTTP API's CORS configuration is one rule"}
	}
	c := fromPortable(n, p)
	if err := n.Err(); err != nil {
		return "", err
	}
	return WriteHTTP(c)
}

// fromPortable maps p's one rule onto an HTTPConfig. An HTTP API has one
// CORS configuration for every route (cloud-policies.md §5.1), so a
// policy of several rules or with paths is refused.
func fromPortable(n *portable.Notes, p portable.Policy) *HTTPConfig {
	portable.NoPaths(n, p, platform)
	if len(p.Rules) > 1 {
		n.Refuse(1, "", "an HTTP API has one CORS configuration; the source has "+strconv.Itoa(len(p.Rules))+" rules")
	}
	r := p.Rules[0]
	c := &HTTPConfig{AllowMethods: r.Methods, AllowHeaders: r.AllowHeaders, ExposeHeaders: r.ExposeHeaders, MaxAge: r.MaxAge, AllowCredentials: r.Credentials}
	c.AllowOrigins, _ = portable.WholeOrigins(n, 0, r.Origins, "API Gateway", "API Gateway takes only \"*\", \"https://*\" and \"http://*\" patterns", "")
	if r.AnyOrigin() && r.Credentials {
		n.Refuse(0, "origins", "API Gateway refuses credentials with origin * ("+msgCredsStar+")")
	}
	// API Gateway sends the lists as configured: "*" is a wildcard only
	// for requests without credentials (Fetch §3.3.3), and never covers
	// Authorization in Access-Control-Allow-Headers.
	if portable.Contains(r.AllowHeaders, "*") {
		n.Note(0, "allow_headers", portable.Narrower, "API Gateway sends \"*\" as written: browsers do not apply it to credentialed requests, nor by the standard to Authorization")
	}
	if portable.Contains(r.Methods, "*") && r.Credentials {
		n.NoteLiteralMethods(0, portable.Narrower, "API Gateway sends \"*\" as written, which is not a wildcard for credentialed requests")
	}
	return c
}
