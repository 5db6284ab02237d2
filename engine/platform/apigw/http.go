// Package apigw reads Amazon API Gateway CORS settings and answers
// requests as API Gateway does (shared/reference/cloud-policies.md §5.1,
// §5.2). Registered formats:
//
//	apigw-http  an HTTP API's CorsConfiguration: the CLI's
//	            --cors-configuration object {"AllowOrigins": [...], ...},
//	            or an object holding it under "CorsConfiguration"
//	            (CloudFormation, get-api output); the API's camelCase keys
//	            (allowOrigins, ...) are read as well
//	apigw-rest  a REST API resource after the console's "Enable CORS",
//	            in a JSON form of ours that mirrors the console's fields:
//	            {"RestApiCors": {"AllowMethods": ["GET", "OPTIONS"],
//	            "AllowHeaders": "Content-Type,...", "AllowOrigin": "*",
//	            "ExposeHeaders": "", "MaxAge": 600, "AllowCredentials": false,
//	            "GatewayResponses": ["DEFAULT_4XX", "DEFAULT_5XX"],
//	            "Integration": "mock" | "non-proxy" | "lambda-proxy" | "http-proxy"}}
//
// HTTP APIs answer preflights themselves and ignore the backend's CORS
// headers. REST APIs send static headers from an OPTIONS mock integration
// and add Access-Control-Allow-Origin to the actual method's 200 only; with
// a proxy integration the backend (the scenario's response) sends its own,
// and a non-proxy method's integration responses (RESTConfig.Responses)
// map them by status; the verdict then names the layer integration
// (integration.go).
//
// Both formats are edited for a fix and carry their traps (format.go);
// apigw-http is also read into the neutral rule model (rules.go) and
// written from it (write.go), since its one CorsConfiguration is a rule.
package apigw

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/jsontext"
	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// HTTPConfig is an HTTP API's CorsConfiguration. MaxAge is nil when unset.
type HTTPConfig struct {
	AllowOrigins     []string
	AllowMethods     []string
	AllowHeaders     []string
	ExposeHeaders    []string
	MaxAge           *int
	AllowCredentials bool
	// Path locates the configuration in the text it was read from.
	Path string
	// Authorizer is the authorizer of the route a request takes: JWT,
	// Lambda or IAM ("" for none, as NoAuthorizer). OnPreflight is set
	// when it also runs on preflights: the API's $default route has it
	// and no OPTIONS route without authorization is there to catch them
	// (http-api-cors.html, "Configuring CORS for an HTTP API with a
	// $default route and an authorizer"). AuthorizerLine and
	// AuthorizerColumn place it.
	Authorizer                       string
	OnPreflight                      bool
	AuthorizerLine, AuthorizerColumn int
	// root is the document as read, so that its values are placed
	// without reading the text again (StateRules).
	root *jsonpos.Value
	// joins are the header values the lists make, joined once by
	// ParseHTTP; wire.Joined and wire.Decimal check them against the
	// lists, so a configuration built or changed by hand is joined per
	// reply.
	joins wire.Joins
}

// SourceHTTP is cited on HTTP API trace entries.
const SourceHTTP = "shared/reference/cloud-policies.md §5.1 (HTTP API CORS, http-api-cors.html)"

// msgCredsStar is API Gateway's answer to credentials with origin *
// (aws/aws-cdk#9076 capture, cloud-policies.md §5.1).
const msgCredsStar = "allow-credentials is not supported if 'allow-origin' is *"

// Respond implements policy.Evaluator for an HTTP API with CORS configured.
func (c *HTTPConfig) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	origin, hasOrigin := req.Header.Get("Origin")
	_, hasACRM := req.Header.Get("Access-Control-Request-Method")
	if o, ok := c.refused(req, hasOrigin && hasACRM); ok {
		return o
	}
	// "ignores CORS headers returned by the backend" [DOC].
	reply := app
	reply.Header = stripCORS(app.Header)
	if !hasOrigin {
		return policy.Outcome{Reply: reply, Decision: policy.Note{Case: "no Origin header: API Gateway adds no CORS headers"}}
	}
	acao, ok := c.allowOrigin(origin)
	t := policy.Rule{Index: 0, Path: c.Path}
	if !ok {
		t.Failed, t.Note = "origin", policy.Note{Case: caseOrigin, Args: [4]string{origin}, List: c.AllowOrigins}
	} else {
		t.Matched, t.Source, t.Note.Case = true, SourceHTTP, "Origin is allowed by AllowOrigins"
	}
	rules := wire.One(req, t)
	if req.Method == "OPTIONS" && !hasACRM {
		// Not a preflight: API Gateway routes it as any OPTIONS request
		// (an OPTIONS route, else 404 Not Found) and adds no CORS
		// headers, which on OPTIONS it sends only with Origin and
		// Access-Control-Request-Method (http-api-cors.html; §5.1).
		return policy.Outcome{Reply: reply, Rules: rules, Decision: policy.Note{Case: "OPTIONS without Access-Control-Request-Method: not a preflight, routed as a request, no CORS headers added"}}
	}
	if req.Method == "OPTIONS" {
		// API Gateway answers the preflight itself, with or without an
		// OPTIONS route [DOC]. 204 and the lists as configured: the status
		// and the reply to a refused origin are [UNVERIFIED] (§5.1).
		r := policy.Reply{Status: 204}
		if ok {
			r.Header = c.preflightHeaders(req.Scratch, acao)
			return policy.Outcome{Reply: r, Rules: rules, Decision: policy.Note{Case: "preflight answered by API Gateway's CORS configuration"}}
		}
		return policy.Outcome{Reply: r, Rules: rules, Decision: policy.Note{Case: "preflight from an origin not in AllowOrigins: 204 without CORS headers (not yet checked against AWS)"}, Words: words{}}
	}
	if !ok {
		return policy.Outcome{Reply: reply, Rules: rules, Decision: policy.Note{Case: "origin not allowed: no CORS headers"}, Words: words{}}
	}
	// "adds the configured headers to integration responses" [DOC].
	reply.Header.Set("access-control-allow-origin", acao)
	if c.AllowCredentials {
		reply.Header.Set("access-control-allow-credentials", "true")
	}
	if len(c.ExposeHeaders) > 0 {
		reply.Header.Set("access-control-expose-headers", wire.Joined(c.joins.Expose, c.ExposeHeaders, ","))
	}
	return policy.Outcome{Reply: reply, Rules: rules, Decision: policy.Note{Case: "actual request: CORS headers added by API Gateway"}}
}

// The HTTP API authorizers (http-api-access-control.html).
const JWT = "jwt"

// refused is the outcome of a request the route's authorizer refuses:
// a preflight only when the $default route's authorizer catches it (it
// carries no token), an actual request when the caller is not
// authorised. A JWT authorizer answers 401 {"message":"Unauthorized"}
// (http-api-jwt-authorizer.html), a Lambda authorizer's false
// isAuthorized 403 {"message":"Forbidden"}
// (http-api-lambda-authorizer.html), IAM 403. Whether API Gateway adds
// the CORS configuration's headers to these replies is [UNVERIFIED]:
// taken as yes for an actual request (the CORS configuration is the
// API's, "API Gateway adds the configured CORS headers" to its replies),
// no for a preflight the route caught (it never reached the CORS
// handling); a preflight fails on its status either way.
func (c *HTTPConfig) refused(req policy.Request, preflight bool) (policy.Outcome, bool) {
	if c.Authorizer == "" || c.Authorizer == NoAuthorizer || preflight && !c.OnPreflight || !preflight && (req.Method == "OPTIONS" || !req.Unauthorized) {
		return policy.Outcome{}, false
	}
	status, body := 401, `{"message":"Unauthorized"}`
	if c.Authorizer != JWT && !preflight {
		status, body = 403, `{"message":"Forbidden"}`
	}
	reply := policy.Reply{Status: status, Body: body, Header: headers.List{{Name: "Content-Type", Value: "application/json"}}}
	t := policy.Rule{Index: 0, Path: c.Path, Failed: "authorizer", Source: SourceAuthorizerHTTP,
		Note: policy.Note{Case: caseHTTPAuthorizer, Args: [4]string{c.Authorizer}, N: status}}
	if !preflight {
		if origin, _ := req.Header.Get("Origin"); origin != "" {
			if acao, ok := c.allowOrigin(origin); ok {
				reply.Header.Set("access-control-allow-origin", acao)
				if c.AllowCredentials {
					reply.Header.Set("access-control-allow-credentials", "true")
				}
				t.Note.Args[1] = "cors"
			}
		}
	}
	return policy.Outcome{Reply: reply, Rules: []policy.Rule{t}, Decision: t.Note, Words: words{},
		DecidedBy: &policy.Place{Layer: "authorizer", Line: c.AuthorizerLine, Column: c.AuthorizerColumn}}, true
}

// SourceAuthorizerHTTP is cited on an HTTP API authorizer's refusal.
const SourceAuthorizerHTTP = "API Gateway developer guide: http-api-cors.html ($default route and an authorizer), http-api-jwt-authorizer.html (401), http-api-lambda-authorizer.html (403 Forbidden)"

// preflightHeaders are the configured headers, lowercase as HTTP APIs
// send them; lists joined with "," ([UNVERIFIED] separator), on
// scratch (policy.Request.Scratch) when it has room for them, else one
// allocation.
func (c *HTTPConfig) preflightHeaders(scratch headers.List, acao string) headers.List {
	h := wire.NewList(scratch, 5) // the fields below
	h.Add("access-control-allow-origin", acao)
	if c.AllowCredentials {
		h.Add("access-control-allow-credentials", "true")
	}
	if len(c.AllowMethods) > 0 {
		h.Add("access-control-allow-methods", wire.Joined(c.joins.Methods, c.AllowMethods, ","))
	}
	if len(c.AllowHeaders) > 0 {
		h.Add("access-control-allow-headers", wire.Joined(c.joins.Headers, c.AllowHeaders, ","))
	}
	if c.MaxAge != nil && *c.MaxAge >= 0 {
		h.Add("access-control-max-age", c.joins.MaxAge.Of(*c.MaxAge))
	}
	return h
}

// allowOrigin returns the ACAO value for origin: "*" when AllowOrigins is
// "*" (credentials cannot be on then, the parser refuses it), else the
// origin itself when listed or covered by "https://*" / "http://*" ("any
// origin starting with https://", http-api-cors.html).
func (c *HTTPConfig) allowOrigin(origin string) (string, bool) {
	for _, o := range c.AllowOrigins {
		switch {
		case o == "*":
			return "*", true
		case o == origin:
			return origin, true
		case (o == "https://*" || o == "http://*") && strings.HasPrefix(origin, o[:len(o)-1]):
			return origin, true
		}
	}
	return "", false
}

func stripCORS(h headers.List) headers.List {
	out := make(headers.List, 0, len(h))
	for _, f := range h {
		if !strings.HasPrefix(strings.ToLower(f.Name), "access-control-") {
			out = append(out, f)
		}
	}
	return out
}

// httpKeys maps the CLI/CloudFormation keys and the API's camelCase keys.
var httpKeys = map[string]string{
	"AllowOrigins": "AllowOrigins", "allowOrigins": "AllowOrigins",
	"AllowMethods": "AllowMethods", "allowMethods": "AllowMethods",
	"AllowHeaders": "AllowHeaders", "allowHeaders": "AllowHeaders",
	"ExposeHeaders": "ExposeHeaders", "exposeHeaders": "ExposeHeaders",
	"MaxAge": "MaxAge", "maxAge": "MaxAge",
	"AllowCredentials": "AllowCredentials", "allowCredentials": "AllowCredentials",
}

// ParseHTTP reads an HTTP API CorsConfiguration and validates it as
// API Gateway does.
func ParseHTTP(text string) (*HTTPConfig, error) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	v, path := doc.Root, "$"
	for _, k := range []string{"CorsConfiguration", "corsConfiguration"} {
		if w, ok := v.Get(k); ok {
			v, path = w, jsonpos.Key(path, k)
		}
	}
	if v.Kind != jsonpos.Object {
		return nil, policy.Errors{doc.Err(v, path, "", "want a CorsConfiguration object, got "+v.Kind.String())}
	}
	c := &HTTPConfig{Path: path, root: doc.Root}
	var errs policy.Errors
	var credsAt, starAt *jsonpos.Value
	for i, k := range v.Keys {
		f, fp := v.Fields[i], jsonpos.Key(path, k)
		switch httpKeys[k] {
		case "AllowOrigins":
			c.AllowOrigins = doc.Strings(f, fp, &errs)
			for j, o := range c.AllowOrigins {
				if o == "*" {
					starAt = f.Items[j]
				}
				if why := badOrigin(o); why != "" && j < len(f.Items) {
					errs = append(errs, doc.Err(f.Items[j], jsonpos.Index(fp, j), "BadRequestException", why))
				}
			}
		case "AllowMethods":
			c.AllowMethods = doc.Strings(f, fp, &errs)
			for j, m := range c.AllowMethods {
				if !slices.Contains(httpMethods, strings.ToUpper(m)) && j < len(f.Items) {
					errs = append(errs, doc.Err(f.Items[j], jsonpos.Index(fp, j), "BadRequestException",
						"AllowMethods "+strconv.Quote(m)+" is not a method API Gateway knows: use "+strings.Join(httpMethods, ", ")))
				}
			}
		case "AllowHeaders":
			c.AllowHeaders = doc.Strings(f, fp, &errs)
		case "ExposeHeaders":
			c.ExposeHeaders = doc.Strings(f, fp, &errs)
		case "MaxAge":
			n, ok := f.Int()
			if !ok || n < -1 || n > 86400 {
				// Range -1..86400 per the API reference; [UNVERIFIED] in §5.1.
				errs = append(errs, doc.Err(f, fp, "BadRequestException", "MaxAge must be a whole number from -1 to 86400"))
			}
			c.MaxAge = &n
		case "AllowCredentials":
			if f.Kind != jsonpos.Bool {
				errs = append(errs, doc.Err(f, fp, "", "want true or false, got "+f.Kind.String()))
			}
			c.AllowCredentials, credsAt = f.Bool, f
		default:
			errs = append(errs, doc.Err(f, fp, "", "unknown field "+strconv.Quote(k)+"; must be one of: AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials"))
		}
	}
	if c.AllowCredentials && starAt != nil {
		e := doc.Err(starAt, path, "BadRequestException", msgCredsStar)
		if credsAt != nil && credsAt.Off > starAt.Off {
			e = doc.Err(credsAt, path, "BadRequestException", msgCredsStar)
		}
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	c.joins = wire.JoinAll(c.AllowMethods, c.AllowHeaders, c.ExposeHeaders, c.MaxAge, ",")
	return c, nil
}

// httpMethods are the AllowMethods values API Gateway accepts: the HTTP
// API's route methods and "*" (CreateApi refuses "BAD": LocalStack's
// test_apigwv2_cors_crud_validation, marked validated against AWS; which
// case API Gateway accepts is [UNVERIFIED], any case is taken here).
var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"}

// badOrigin says why API Gateway refuses an AllowOrigins entry, or "":
// an entry is "*", "http://*", "https://*" or a whole origin
// (scheme://host[:port]); a wildcard inside a host (https://*.example.com)
// and a cut origin (https:/, or no scheme://host at all: null) are
// refused (LocalStack's
// test_apigwv2_cors_crud_validation, validated against AWS:
// no-partial-wildcard, no-partial-origin; http-api-cors.html lists the
// three wildcard forms). Whether a path after the host is refused is not
// recorded: it is taken, and lint says it never matches.
func badOrigin(o string) string {
	switch o {
	case "*", "http://*", "https://*":
		return ""
	}
	scheme, host, ok := strings.Cut(o, "://")
	switch {
	case strings.Contains(o, "*"):
		return "AllowOrigins " + strconv.Quote(o) + ": a wildcard stands only alone (*) or for a whole scheme (https://*, http://*), not inside a host; list each subdomain"
	case !ok || scheme == "" || host == "" || host[0] == '/' || strings.ContainsAny(scheme, "/:"):
		return "AllowOrigins " + strconv.Quote(o) + " is not an origin: write scheme://host[:port], as https://www.example.com"
	}
	return ""
}

// WriteHTTP writes c as the CLI's --cors-configuration JSON. It refuses
// what API Gateway refuses (credentials with origin *).
func WriteHTTP(c *HTTPConfig) (string, error) {
	if c.AllowCredentials {
		for _, o := range c.AllowOrigins {
			if o == "*" {
				return "", policy.Errors{{Code: "BadRequestException", Msg: msgCredsStar}}
			}
		}
	}
	// Members in the CLI's order; unset ones are left out.
	var w jsontext.Indented
	w.Open('{')
	w.StringsOmitEmpty("AllowOrigins", c.AllowOrigins)
	w.StringsOmitEmpty("AllowMethods", c.AllowMethods)
	w.StringsOmitEmpty("AllowHeaders", c.AllowHeaders)
	w.StringsOmitEmpty("ExposeHeaders", c.ExposeHeaders)
	w.IntOmitNil("MaxAge", c.MaxAge)
	if c.AllowCredentials {
		w.Key("AllowCredentials")
		w.Bool(true)
	}
	w.Close('}')
	return w.Text(), nil
}
