package cloudfront

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/portable"
)

// PolicyName is the Name a written ResponseHeadersPolicyConfig carries,
// which CloudFront requires; the user renames it.
const PolicyName = "cors"

// Write writes c as {"ResponseHeadersPolicyConfig": {"Name": ...,
// "CorsConfig": {...}}}, the --cli-input-json of
// create-response-headers-policy; its inner object is what
// --response-headers-policy-config takes. Each list is written with its
// Quantity and Items. It refuses what CloudFront refuses (Validate).
func Write(c *CorsConfig) (string, error) {
	if errs := Validate(c); len(errs) > 0 {
		return "", errs
	}
	var w jsontext.Indented
	w.Open('{')
	w.Key("ResponseHeadersPolicyConfig")
	w.Open('{')
	w.Key("Name")
	w.String(PolicyName)
	w.Key("CorsConfig")
	w.Open('{')
	w.Key(FieldAllowCredentials)
	w.Bool(c.AccessControlAllowCredentials)
	items(&w, FieldAllowHeaders, c.AccessControlAllowHeaders, true)
	items(&w, FieldAllowMethods, c.AccessControlAllowMethods, true)
	items(&w, FieldAllowOrigins, c.AccessControlAllowOrigins, true)
	items(&w, FieldExposeHeaders, c.AccessControlExposeHeaders, false)
	w.IntOmitNil(FieldMaxAgeSec, c.AccessControlMaxAgeSec)
	w.Key(FieldOriginOverride)
	w.Bool(c.OriginOverride)
	w.Close('}')
	w.Close('}')
	w.Close('}')
	return w.Text(), nil
}

// items writes one {"Quantity": n, "Items": [...]} list; an optional one
// is left out when empty.
func items(w *jsontext.Indented, key string, list []string, required bool) {
	if len(list) == 0 && !required {
		return
	}
	w.Key(key)
	w.Open('{')
	w.Key("Quantity")
	w.Int(len(list))
	w.Key("Items")
	if list == nil {
		list = []string{} // written as [], not null
	}
	w.Strings(list)
	w.Close('}')
}

// WriteRules implements convert.Writer: p's one rule as a response headers
// policy's CorsConfig with OriginOverride true (the policy decides, as the
// rule says), noting in n what CloudFront cannot say as p does and
// refusing what it cannot say without allowing more.
func (*format) WriteRules(p portable.Policy, _ []string, n *portable.Notes) (string, error) {
	if len(p.Rules) == 0 {
		return "", &portable.Refusal{Msg: "no rule to write: a response headers policy has one CorsConfig"}
	}
	c := fromPortable(n, p)
	if err := n.Err(); err != nil {
		return "", err
	}
	return Write(c)
}

// fromPortable maps p's one rule onto a CorsConfig. A response headers
// policy applies to every path of the cache behaviors it is attached to,
// so a rule for some paths is refused (the cache behavior's path pattern
// is the distribution's, not the policy's).
func fromPortable(n *portable.Notes, p portable.Policy) *CorsConfig {
	portable.NoPaths(n, p, platform)
	if len(p.Rules) > 1 {
		n.Refuse(1, "", "a response headers policy has one CorsConfig; the source has "+strconv.Itoa(len(p.Rules))+" rules (attach one policy per cache behavior)")
	}
	r := p.Rules[0]
	c := &CorsConfig{AccessControlAllowHeaders: r.AllowHeaders, AccessControlExposeHeaders: r.ExposeHeaders,
		AccessControlAllowCredentials: r.Credentials, AccessControlMaxAgeSec: r.MaxAge, OriginOverride: true}
	for _, o := range r.Origins {
		// The portable form's "scheme://*.domain" is CloudFront's leftmost
		// wildcard label (SourceGuide); other "*" positions are refused by
		// CloudFront itself.
		if originFault(o) != "" {
			n.Note(0, "origins", portable.Narrower, "CloudFront takes \"*\" only as the leftmost label of a domain ("+SourceGuide+"), so "+strconv.Quote(o)+" is left out")
			continue
		}
		c.AccessControlAllowOrigins = append(c.AccessControlAllowOrigins, o)
	}
	if len(c.AccessControlAllowOrigins) == 0 {
		n.Refuse(0, "origins", "no origin CloudFront can express")
	}
	if r.AnyOrigin() && r.Credentials {
		n.Refuse(0, "origins", "CloudFront sends \"*\" as written (not yet checked against CloudFront), which browsers refuse with credentials; list the origins")
	}
	for _, m := range r.Methods {
		switch {
		case m == "*":
			c.AccessControlAllowMethods = []string{"ALL"}
			n.Note(0, "methods", portable.Narrower, "CloudFront's ALL covers "+strings.Join(allMethods, ", ")+" only ("+SourceGuide+")")
		case slices.Contains(allMethods, m):
			if !slices.Contains(c.AccessControlAllowMethods, "ALL") {
				c.AccessControlAllowMethods = portable.AppendUnique(c.AccessControlAllowMethods, m)
			}
		default:
			n.Note(0, "methods", portable.Narrower, "CloudFront's AccessControlAllowMethods takes only "+strings.Join(Methods, ", ")+" ("+SourceGuide+"), so "+strconv.Quote(m)+" is left out")
		}
	}
	if len(c.AccessControlAllowMethods) == 0 {
		// AccessControlAllowMethods is required (SourceAPI); the
		// safelisted methods need no preflight, so listing them allows
		// nothing the rule does not.
		c.AccessControlAllowMethods = []string{"GET", "HEAD", "POST"}
	}
	portable.NoteLiteralHeaderStar(p, n, platform)
	if r.MaxAge != nil && *r.MaxAge < 0 {
		n.Note(0, "max_age", portable.Same, "CloudFront's AccessControlMaxAgeSec is 0 or more; left out")
		c.AccessControlMaxAgeSec = nil
	}
	n.Note(0, "preflight", portable.Differs, "CloudFront passes the preflight to the origin and adds the policy's headers to its reply (not yet checked against CloudFront): the cache behavior must allow OPTIONS and the origin must answer it with a 2xx status")
	return c
}
