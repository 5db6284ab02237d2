// Package cloudfront is the one home of Amazon CloudFront response
// headers policies' CORS settings (ResponseHeadersPolicyCorsConfig): it
// holds the model (CorsConfig), answers requests as a cache behavior with
// that policy does (Distribution, a policy.Evaluator: the origin's reply
// with CloudFront's CORS headers applied), checks a configuration as
// CloudFront does (Validate), and offers the cloudfront-rhp format.
//
// The template readers construct these models: engine/formats/cloudformation
// from AWS::CloudFront::ResponseHeadersPolicy
// ResponseHeadersPolicyConfig.CorsConfig, and engine/formats/terraform from
// aws_cloudfront_response_headers_policy cors_config. They fill CorsConfig
// (the Items of each list, with At and Values for positions in the user's
// template) and evaluate with Distribution{CORS: c}.
//
// # Semantics
//
// Documented ([DOC], with the source URL next to each choice in the code):
//   - CloudFront "adds these headers to HTTP responses that it sends for
//     CORS requests that match a cache behavior associated with this
//     response headers policy"
//     (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyCorsConfig.html);
//     it modifies the responses "that it serves from the cache and the ones
//     that it forwards from the origin"
//     (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/modifying-response-headers.html).
//   - Access-Control-Allow-Headers, -Allow-Methods and -Max-Age go in
//     responses to preflight requests; -Allow-Credentials and
//     -Expose-Headers in responses to CORS requests; ALL stands for every
//     listed method; "*" may be the leftmost label of an origin's domain
//     (*.example.org) and nowhere else; OriginOverride true: the policy's
//     header replaces the origin's; false: the origin's header is kept;
//     either way a header the origin lacks is added
//     (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html#understanding-response-headers-policies-cors).
//
// Not documented, each marked [UNVERIFIED] where it is chosen: that
// CloudFront does not answer a preflight itself (the documents speak only
// of modifying responses, so the OPTIONS request reaches the origin, whose
// status the browser then sees), which Access-Control-Allow-Origin an
// origin not listed gets (none), how "ALL" is spelt on the wire, Vary, and
// how many labels "*." covers.
package cloudfront

import (
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/internal/place"
	"github.com/whycors/whycors/engine/policy"
)

// CorsConfig is a response headers policy's CorsConfig, with the API's
// field names; each list is its Items. AccessControlMaxAgeSec is nil when
// unset (CloudFront then sends no Access-Control-Max-Age).
type CorsConfig struct {
	AccessControlAllowCredentials bool
	AccessControlAllowHeaders     []string
	AccessControlAllowMethods     []string
	AccessControlAllowOrigins     []string
	AccessControlExposeHeaders    []string
	AccessControlMaxAgeSec        *int
	OriginOverride                bool

	// At is where the CorsConfig object is in the text it was read from,
	// and Values where each value is, by field name
	// ("AccessControlAllowOrigins", "AccessControlMaxAgeSec",
	// "OriginOverride", ...) and Items index (one entry for a scalar).
	// Readers fill them; both are zero for a CorsConfig built by hand.
	At     Position
	Values map[string][]Position

	// joins are the header values the lists make, joined once by Parse;
	// wire.Joined and wire.Decimal check them against the lists, so a
	// CorsConfig built or changed by hand is joined per reply.
	joins wire.Joins
}

// Position is a place in the user's text: a path (a JSON path such as
// $.CorsConfig.AccessControlAllowOrigins.Items[0], or a template's own path) and a 1-based line and
// column.
type Position = place.Position

// The field names of CorsConfig, as the CloudFront API spells them; Values
// is keyed by them.
const (
	FieldAllowCredentials = "AccessControlAllowCredentials"
	FieldAllowHeaders     = "AccessControlAllowHeaders"
	FieldAllowMethods     = "AccessControlAllowMethods"
	FieldAllowOrigins     = "AccessControlAllowOrigins"
	FieldExposeHeaders    = "AccessControlExposeHeaders"
	FieldMaxAgeSec        = "AccessControlMaxAgeSec"
	FieldOriginOverride   = "OriginOverride"
)

// ValueAt returns the position of value i of field, or of the CorsConfig
// when the reader did not record it.
func (c *CorsConfig) ValueAt(field string, i int) Position {
	return place.At(c.Values, field, i, c.At)
}

// The sources the evaluation rests on.
const (
	SourceGuide = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html#understanding-response-headers-policies-cors"
	SourceAPI   = "https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ResponseHeadersPolicyCorsConfig.html"
	sourceMod   = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/modifying-response-headers.html"
	// sourceManaged describes the managed CORS policies.
	sourceManaged = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-response-headers-policies.html"
	codeInvalid   = "InvalidArgument"
)

// Methods are the values AccessControlAllowMethods takes; ALL "includes
// all of the listed HTTP methods" (SourceGuide).
var Methods = []string{"GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "ALL"}

// allMethods is what ALL stands for, in the order the guide lists them.
var allMethods = Methods[:len(Methods)-1]

// Validate checks c as CreateResponseHeadersPolicy and
// UpdateResponseHeadersPolicy do and returns every fault, each at its
// position: a method outside Methods, an origin with "*" anywhere but as
// its domain's leftmost label (SourceGuide), a negative max age
// ([UNVERIFIED]: the API types it as an integer). CloudFront's message
// texts are [UNVERIFIED]; the code is the API's InvalidArgument.
func Validate(c *CorsConfig) policy.Errors {
	if c == nil {
		return nil
	}
	var errs policy.Errors
	for i, m := range c.AccessControlAllowMethods {
		if !contains(Methods, m) {
			errs = append(errs, c.ValueAt(FieldAllowMethods, i).Err(codeInvalid,
				"AccessControlAllowMethods item "+strconv.Quote(m)+" is not one of "+strings.Join(Methods, ", ")+" ("+SourceGuide+")"))
		}
	}
	for i, o := range c.AccessControlAllowOrigins {
		if why := originFault(o); why != "" {
			errs = append(errs, c.ValueAt(FieldAllowOrigins, i).Err(codeInvalid,
				"AccessControlAllowOrigins item "+strconv.Quote(o)+": "+why+" ("+SourceGuide+")"))
		}
	}
	for _, f := range []struct {
		field string
		list  []string
	}{{FieldAllowHeaders, c.AccessControlAllowHeaders}, {FieldExposeHeaders, c.AccessControlExposeHeaders}} {
		for i, h := range f.list {
			if h != "*" && !headers.IsToken(h) {
				errs = append(errs, c.ValueAt(f.field, i).Err(codeInvalid,
					f.field+" item "+strconv.Quote(h)+" is not a header name or \"*\" ("+SourceGuide+")"))
			}
		}
	}
	if c.AccessControlMaxAgeSec != nil && *c.AccessControlMaxAgeSec < 0 {
		errs = append(errs, c.ValueAt(FieldMaxAgeSec, 0).Err(codeInvalid,
			"AccessControlMaxAgeSec must be a whole number of seconds, 0 or more (the bound not yet checked against CloudFront)"))
	}
	return errs
}

// originFault says why o is not an origin CloudFront takes, or "". The
// wildcard "is allowed as the leftmost part of the domain (*.example.org)"
// and not in the top-level domain, to the right of a sub-domain or inside
// a term (SourceGuide).
func originFault(o string) string {
	if o == "*" {
		return ""
	}
	if o == "" {
		return "empty"
	}
	host := o
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	if strings.ContainsAny(host, "/ ") {
		return "not an origin (scheme://host[:port])"
	}
	labels := strings.Split(host, ".")
	for i, l := range labels {
		if !strings.Contains(l, "*") {
			continue
		}
		switch {
		case l != "*":
			return "\"*\" inside a term is not allowed"
		case i == len(labels)-1:
			return "\"*\" as the top-level domain is not allowed"
		case i > 0:
			return "\"*\" to the right of a sub-domain is not allowed"
		case len(labels) < 3:
			// "*.org" covers a whole top-level domain; the guide's
			// example has two labels after it ([UNVERIFIED] refusal).
			return "\"*\" must stand before a domain of at least two labels (*.example.org)"
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Distribution answers requests as a CloudFront cache behavior whose
// response headers policy has CorsConfig CORS (nil: no CORS settings, the
// origin's reply goes out as it is). It implements policy.Evaluator: the
// app reply is the origin's (or the cache's) reply.
type Distribution struct {
	CORS *CorsConfig
}

// Respond implements policy.Evaluator.
func (d Distribution) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	reply := app
	reply.Header = app.Header.Clone() // for the replies without CORS headers; a list of its own below otherwise
	c := d.CORS
	if c == nil {
		return policy.Outcome{Reply: reply, Decision: policy.Note{Case: caseNoCORS}, Words: words{}}
	}
	origin, hasOrigin := req.Header.Get("Origin")
	if !hasOrigin {
		// Only "CORS requests" get the headers (SourceAPI).
		return policy.Outcome{Reply: reply, Decision: policy.Note{Case: caseNotCORS}, Words: words{}}
	}
	_, hasACRM := req.Header.Get("Access-Control-Request-Method")
	preflight := req.Method == "OPTIONS" && hasACRM
	t := policy.Rule{Index: 0, Path: c.At.Path}
	acao, allowed := c.allowOrigin(origin)
	if allowed {
		t.Matched, t.Source, t.Note = true, SourceGuide, policy.Note{Case: caseOriginAllowed, Args: [4]string{origin}}
	} else {
		t.Failed, t.Note = "origin", policy.Note{Case: caseOrigin, Args: [4]string{origin}, List: c.AccessControlAllowOrigins}
	}
	rules := wire.One(req, t)
	// The preflight is not answered by CloudFront: it reaches the origin
	// like any request the cache behavior allows, and the policy's headers
	// are applied to the origin's reply ([UNVERIFIED]; sourceMod speaks
	// only of modifying responses served from the cache or the origin, and
	// sourceManaged of the CORS-With-Preflight policy: "for preflight
	// requests (using the HTTP OPTIONS method), CloudFront adds all three
	// of the following headers to the response", the origin's headers
	// winning, as OriginOverride false does).
	var buf [6]headers.Field // what the policy adds, on the stack
	add := buf[:0]
	if allowed {
		add = append(add, headers.Field{Name: "Access-Control-Allow-Origin", Value: acao})
	}
	if c.AccessControlAllowCredentials {
		// Added "in responses to CORS requests" (SourceGuide), whatever
		// the origin.
		add = append(add, headers.Field{Name: "Access-Control-Allow-Credentials", Value: "true"})
	}
	if len(c.AccessControlExposeHeaders) > 0 {
		add = append(add, headers.Field{Name: "Access-Control-Expose-Headers", Value: wire.Joined(c.joins.Expose, c.AccessControlExposeHeaders, ", ")})
	}
	if preflight {
		if ms := c.methods(); len(ms) > 0 {
			add = append(add, headers.Field{Name: "Access-Control-Allow-Methods", Value: wire.Joined(c.joins.Methods, ms, ", ")})
		}
		if len(c.AccessControlAllowHeaders) > 0 {
			add = append(add, headers.Field{Name: "Access-Control-Allow-Headers", Value: wire.Joined(c.joins.Headers, c.AccessControlAllowHeaders, ", ")})
		}
		if c.AccessControlMaxAgeSec != nil {
			add = append(add, headers.Field{Name: "Access-Control-Max-Age", Value: c.joins.MaxAge.Of(*c.AccessControlMaxAgeSec)})
		}
	}
	if len(add) > 0 {
		// Room for the Sets below: lent (policy.Request.Scratch), or one
		// allocation.
		reply.Header = append(wire.NewList(req.Scratch, len(app.Header)+len(add)), app.Header...)
	}
	kept := 0
	for _, h := range add {
		if reply.Header.Has(h.Name) && !c.OriginOverride {
			// OriginOverride false: "CloudFront includes the CORS header it
			// received from the origin" (SourceGuide).
			kept++
			continue
		}
		reply.Header.Set(h.Name, h.Value)
	}
	n := policy.Note{Case: caseActual, N: kept}
	if preflight {
		n.Case = casePreflight
	}
	if !allowed {
		n.Case, n.Args[0] = caseOriginRefused, origin
	}
	return policy.Outcome{Reply: reply, Rules: rules, Decision: n, Words: words{}}
}

// allowOrigin returns the Access-Control-Allow-Origin CloudFront sends to
// origin: "*" for a "*" item, origin itself for an item equal to it or a
// "*." pattern covering its host ([UNVERIFIED]: one or more labels, and a
// pattern with a scheme or port must match them). Hosts compare without
// regard to case (origins' hosts are case-insensitive, RFC 6454 §4).
func (c *CorsConfig) allowOrigin(origin string) (string, bool) {
	for _, o := range c.AccessControlAllowOrigins {
		if o == "*" {
			return "*", true
		}
	}
	ascii := headers.IsASCII(origin)
	for _, o := range c.AccessControlAllowOrigins {
		// A pattern without '*' is no wildcard (matchWildcard wants
		// "*." in its host): most fail in equalFold alone.
		if equalFold(o, origin, ascii) || strings.IndexByte(o, '*') >= 0 && matchWildcard(o, origin) {
			return origin, true
		}
	}
	return "", false
}

// equalFold is strings.EqualFold(o, origin), where ascii says origin is
// all ASCII: then an o shorter than origin has fewer runes and is not
// equal (EqualFold compares rune by rune).
func equalFold(o, origin string, ascii bool) bool {
	if len(o) < len(origin) && ascii {
		return false
	}
	return headers.EqualFold(o, origin)
}

// matchWildcard reports whether pattern, holding "*." as its domain's
// leftmost label, covers origin.
func matchWildcard(pattern, origin string) bool {
	pScheme, pHost, pPort := splitOrigin(pattern)
	oScheme, oHost, oPort := splitOrigin(origin)
	if !strings.HasPrefix(pHost, "*.") {
		return false
	}
	if pScheme != "" && !strings.EqualFold(pScheme, oScheme) || pPort != "" && pPort != oPort {
		return false
	}
	suffix := strings.ToLower(pHost[1:])
	h := strings.ToLower(oHost)
	return len(h) > len(suffix) && strings.HasSuffix(h, suffix)
}

// splitOrigin splits scheme://host:port; the scheme and port may be absent.
func splitOrigin(s string) (scheme, host, port string) {
	host = s
	if i := strings.Index(host, "://"); i >= 0 {
		scheme, host = host[:i], host[i+3:]
	}
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host, port = host[:i], host[i+1:]
	}
	return scheme, host, port
}

// methods is AccessControlAllowMethods as sent: ALL as the methods it
// stands for (SourceGuide; the spelling on the wire is [UNVERIFIED]).
func (c *CorsConfig) methods() []string {
	if contains(c.AccessControlAllowMethods, "ALL") {
		return allMethods
	}
	return c.AccessControlAllowMethods
}
