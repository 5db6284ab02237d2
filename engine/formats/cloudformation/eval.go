package cloudformation

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// RepliesFromRulesOnlyAt implements explain.RulesOnlyAt: a bucket's
// CORS rules decide its whole reply (S3 sends no header one writes), so
// a bucket's rule that decided leaves no replies to write in the fix's
// place; an API's replies may be its integration's (a Lambda proxy).
func (t *Template) RepliesFromRulesOnlyAt(decided wire.Place) bool {
	if decided.Layer != "cors-rule" {
		return false
	}
	for _, r := range t.Resources {
		if r.ID == decided.Resource {
			return r.S3 != nil
		}
	}
	return false
}

// RoutePaths implements policy.Routed: the paths of the answering
// resource's routes and methods (every resource's when none is chosen).
func (t *Template) RoutePaths() []string {
	rs := t.Resources
	if t.chosen != nil {
		rs = []*Resource{t.chosen}
	}
	var out []string
	for _, r := range rs {
		for _, rt := range r.Routes {
			out = append(out, rt.Path)
		}
		for _, m := range r.Methods {
			out = append(out, m.Path)
		}
	}
	return out
}

// Respond implements policy.Evaluator: the resource that answers (the
// chosen one, else the one the request's URL names) answers with its
// platform's evaluator, and the outcome names it (DecidedBy).
func (t *Template) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	r := t.chosen
	if r == nil {
		r = t.route(req.URL)
	}
	if r == nil {
		return policy.Outcome{Reply: app, Decision: policy.Note{Case: caseNoResource, Args: [4]string{req.URL}}, Words: words{}}
	}
	// An OPTIONS is the mock's, as apigw.RESTConfig answers it (§5.2).
	if r.REST != nil && req.Method != "OPTIONS" && app.Status >= 400 && app.Header.Has("x-amzn-ErrorType") {
		if g := t.gatewayResponse(r, app); g != nil {
			return g.respond(app, t.File)
		}
	}
	if r.Methods != nil {
		return t.respondREST(r, req, app)
	}
	if r.REST != nil && r.routesAll && len(r.Routes) > 0 && !r.routed(req) {
		// A path or method no function's event gives: no method of
		// the API takes it.
		return t.missingToken(r, req, routeList(r))
	}
	ev := r.Evaluator(req.URL)
	if c, ok := ev.(*apigw.RESTConfig); ok && c.Refuses(req) {
		// API Gateway's refusal gets the headers of the template's
		// gateway response of its type (or DEFAULT_4XX), when one sets
		// them; otherwise the authorizer decided, with no CORS headers.
		refusal := c.Refusal(req)
		if g := t.gatewayResponse(r, refusal); g != nil {
			return g.respond(refusal, t.File)
		}
		bare := *c
		bare.GatewayResponses = nil
		o := bare.Respond(req, app)
		a, _ := r.authorizerFor(urlPath(req.URL))
		o.DecidedBy = &wire.Place{Layer: "authorizer", Resource: a.Name, File: t.File, Line: a.Line, Column: a.Column}
		return o
	}
	o := ev.Respond(req, app)
	if o.DecidedBy != nil && o.DecidedBy.Layer == "authorizer" {
		a, _ := r.authorizerFor(urlPath(req.URL))
		o.DecidedBy = &wire.Place{Layer: "authorizer", Resource: a.Name, File: t.File, Line: a.Line, Column: a.Column}
		return o
	}
	if o.DecidedBy != nil && o.DecidedBy.Layer == "integration" {
		// A SAM API's methods are its functions' Lambda proxy
		// integrations: the function of the route answered.
		o.DecidedBy = &wire.Place{Layer: "integration", Resource: r.ID, File: t.File, Line: r.Line, Column: r.Column}
		if rt := r.routeFor(req.Method, urlPath(req.URL)); rt != nil && rt.Function != "" {
			o.DecidedBy.Resource, o.DecidedBy.Line, o.DecidedBy.Column = rt.Function, rt.Line, rt.Column
		}
		return o
	}
	place := &wire.Place{Layer: "cors-rule", Resource: r.ID, File: t.File, Line: r.Line, Column: r.Column}
	if r.CloudFront != nil {
		place.Layer = "cdn"
	}
	if r.S3 != nil {
		// The S3 rule that decided, when one matched.
		for _, tr := range o.Rules {
			if tr.Matched && tr.Index >= 0 && tr.Index < len(r.S3.Rules) {
				place.Line, place.Column = r.S3.Rules[tr.Index].At.Line, r.S3.Rules[tr.Index].At.Column
			}
		}
	}
	o.DecidedBy = place
	if doc := r.doc(); doc != "" && len(o.Rules) > 0 {
		// The resource's platform's document, not the template's
		// list of every platform (whose first, S3's, an HTTP API's
		// steps then linked).
		rules := make([]policy.Rule, len(o.Rules))
		copy(rules, o.Rules)
		for i := range rules {
			if rules[i].Source == "" {
				rules[i].Source = doc
			}
		}
		o.Rules = rules
	}
	return o
}

// doc is what the evaluation of r's platform rests on, for a rule trace
// that names none.
func (r *Resource) doc() string {
	var fs []policy.Format
	switch {
	case r.S3 != nil:
		fs = s3.Formats()
	case r.HTTP != nil:
		return apigw.SourceHTTP
	case r.Lambda != nil:
		return lambdaurl.Source
	case r.CloudFront != nil:
		return cloudfront.SourceGuide
	}
	for _, f := range fs {
		if d, ok := f.(interface{ Doc() string }); ok {
			return d.Doc()
		}
	}
	return ""
}

// gatewayResponse is the gateway response of r's API that answers API
// Gateway's own error app: the one of its type, else DEFAULT_4XX or
// DEFAULT_5XX ("If the response type is unspecified, this response
// defaults to the DEFAULT_4XX type", supported-gateway-response-types.html);
// nil when the template sets none with headers.
func (t *Template) gatewayResponse(r *Resource, app policy.Reply) *GatewayResponse {
	own, fallback := apigw.ResponseTypeOf(app)
	var found *GatewayResponse
	for _, typ := range []string{own, fallback} {
		for i := range t.GatewayResponses {
			g := &t.GatewayResponses[i]
			if typ != "" && g.ResponseType == typ && (g.RestAPI == r.ID || g.ID == r.ID) && len(g.Headers) > 0 {
				found = g
				break
			}
		}
		if found != nil {
			break
		}
	}
	return found
}

// respond is API Gateway's error app with g's headers, their mapping
// values' quotes dropped ('*' is the literal *), and g's status when it
// sets one.
func (g *GatewayResponse) respond(app policy.Reply, file string) policy.Outcome {
	reply := app
	reply.Header = app.Header.Clone()
	for _, h := range g.Headers {
		v := h.Value
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1]
		}
		reply.Header.Set(h.Name, v)
	}
	if n, err := strconv.Atoi(g.StatusCode); err == nil && n >= 100 && n < 600 {
		reply.Status = n
	}
	return policy.Outcome{Reply: reply, Decision: policy.Note{Case: caseGatewayResponse, Args: [4]string{g.ResponseType, g.ID}}, Words: words{},
		DecidedBy: &wire.Place{Layer: "gateway-response", Resource: g.ID, File: file, Line: g.Line, Column: g.Column}}
}

// defaultRouteCatchesPreflights reports whether r's HTTP API has a
// $default route whose authorizer runs on every request no other route
// takes, preflights included, with no OPTIONS /{proxy+} route without
// authorization to take them first (http-api-cors.html, "Configuring
// CORS for an HTTP API with a $default route and an authorizer").
func (r *Resource) defaultRouteCatchesPreflights() bool {
	if r.Auth == nil {
		return false
	}
	def := false
	for _, rt := range r.Routes {
		switch {
		case rt.Path == "$default" && rt.Authorizer != "NONE" && (rt.Authorizer != "" || r.Auth.Default != ""):
			def = true
		case rt.Method == "OPTIONS" && rt.Path == "/{proxy+}" && rt.Authorizer == "NONE":
			return false
		}
	}
	return def
}

// Evaluator is r's platform evaluator for a request to url: an S3
// bucket, an HTTP API's configuration, or a REST API's OPTIONS mock
// with the methods of url's path when SAM computes them.
func (r *Resource) Evaluator(url string) policy.Evaluator {
	switch {
	case r.S3 != nil:
		return s3.Bucket{CORS: r.S3, Name: r.BucketName}
	case r.HTTP != nil:
		a, ok := r.authorizerFor(urlPath(url))
		if !ok {
			return r.HTTP
		}
		c := *r.HTTP
		c.Authorizer, c.AuthorizerLine, c.AuthorizerColumn = a.Kind, a.Line, a.Column
		c.OnPreflight = r.defaultRouteCatchesPreflights()
		return &c
	case r.REST != nil:
		c := *r.REST
		if r.RESTMethodsDefault {
			c.AllowMethods = restMethods(r.Routes, urlPath(url))
		}
		if a, ok := r.authorizerFor(urlPath(url)); ok {
			c.Authorizer, c.AuthorizerLine, c.AuthorizerColumn = a.Kind, a.Line, a.Column
			// SAM adds the default authorizer to the OPTIONS method it
			// makes, unless AddDefaultAuthorizerToCorsPreflight is false;
			// a route's own authorizer is on its method only.
			c.AuthorizerOnOptions = r.Auth.OnOptions && a.Name == r.Auth.Default
		}
		return &c
	case r.Lambda != nil:
		return lambdaurl.Function{CORS: r.Lambda}
	case r.CloudFront != nil:
		return cloudfront.Distribution{CORS: r.CloudFront}
	}
	return noCORS{}
}

type noCORS struct{}

func (noCORS) Respond(_ policy.Request, app policy.Reply) policy.Outcome {
	return policy.Outcome{Reply: app}
}

// route is the one resource the URL names: a bucket by its name in the
// host (virtual-hosted: NAME.s3.REGION.amazonaws.com) or the path
// (path-style: s3.REGION.amazonaws.com/NAME), else an API whose routes
// hold the path (after the stage, when a REST API's URL has one).
func (t *Template) route(url string) *Resource {
	host, path := urlHost(url), urlPath(url)
	var found *Resource
	n := 0
	for _, r := range t.Resources {
		if r.BucketName != "" && s3.NamesBucket(r.BucketName, host, path) {
			found, n = r, n+1
		}
	}
	if n == 1 {
		return found
	}
	// A function URL's host is ID.lambda-url.REGION.on.aws
	// (urls-configuration.html), a distribution's ID.cloudfront.net: the
	// template's one function URL, or one policy, answers them.
	switch {
	case strings.Contains(host, ".lambda-url."):
		return t.only(func(r *Resource) bool { return r.Lambda != nil })
	case strings.HasSuffix(host, ".cloudfront.net") && t.only(func(r *Resource) bool { return r.CloudFront != nil }) != nil:
		return t.only(func(r *Resource) bool { return r.CloudFront != nil })
	}
	// A distribution's cache behaviour sends the path to one of the
	// template's buckets.
	if _, b := t.behaviorFor(url); b != nil && b.Bucket != "" {
		for _, r := range t.Resources {
			if r.ID == b.Bucket && r.S3 != nil {
				return r
			}
		}
	}
	found, n = nil, 0
	for _, r := range t.Resources {
		for _, rt := range r.Routes {
			if pathMatches(rt.Path, path) || pathMatches(rt.Path, dropStage(path)) {
				found, n = r, n+1
				break
			}
		}
	}
	if n == 1 {
		return found
	}
	return nil
}

// only is the one resource of the kind is tells, or nil.
func (t *Template) only(is func(*Resource) bool) *Resource {
	var found *Resource
	for _, r := range t.Resources {
		if is(r) {
			if found != nil {
				return nil
			}
			found = r
		}
	}
	return found
}

// routable reports whether a request's URL can name r among t's
// resources (route).
func (t *Template) routable(r *Resource) bool {
	switch {
	case r.BucketName != "" || len(r.Routes) > 0:
		return true
	case r.Lambda != nil:
		return t.only(func(r *Resource) bool { return r.Lambda != nil }) == r
	case r.CloudFront != nil:
		return t.only(func(r *Resource) bool { return r.CloudFront != nil }) == r
	}
	return false
}

func urlHost(url string) string {
	_, rest, ok := strings.Cut(url, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "?")
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	return strings.ToLower(host)
}

func urlPath(url string) string {
	_, rest, ok := strings.Cut(url, "://")
	if !ok {
		return ""
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "/"
	}
	p := rest[i:]
	p, _, _ = strings.Cut(p, "?")
	p, _, _ = strings.Cut(p, "#")
	return p
}

// dropStage drops a REST API URL's first segment, its stage (/Prod).
func dropStage(path string) string {
	rest := strings.TrimPrefix(path, "/")
	_, after, ok := strings.Cut(rest, "/")
	if !ok {
		return "/"
	}
	return "/" + after
}

// pathMatches reports whether an API route's path template holds path:
// {name} is one segment, {name+} the rest, $default every path
// (http-api-develop-routes.html, api-gateway-method-settings).
func pathMatches(tmpl, path string) bool {
	if tmpl == "$default" {
		return true
	}
	ts := strings.Split(strings.Trim(tmpl, "/"), "/")
	ps := strings.Split(strings.Trim(path, "/"), "/")
	for i, seg := range ts {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "+}") {
			return i < len(ps) && ps[i] != ""
		}
		if i >= len(ps) {
			return false
		}
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if ps[i] == "" {
				return false
			}
			continue
		}
		if seg != ps[i] {
			return false
		}
	}
	return len(ts) == len(ps)
}

// The notes of this format's own decisions (words).
const (
	caseNoResource      = "no resource of the template answers this URL"
	caseGatewayResponse = "API Gateway's own error, answered by a gateway response with its headers"
	caseNoMethod        = "no method of the REST API takes this request: 403 Missing Authentication Token"
)

// words says this format's own notes.
type words struct{}

func (words) Rule(r policy.Rule) string { return "" }

// DecisionSource implements policy.SourcedWords: API Gateway's own 403
// for a request no method takes rests on its gateway responses'
// document, not on the bucket's that Doc names first.
func (words) DecisionSource(n policy.Note) string {
	if n.Case == caseNoMethod {
		return sourceMissingToken
	}
	return ""
}

// sourceMissingToken is the gateway response API Gateway answers a
// request no method of a REST API takes with (MISSING_AUTHENTICATION_TOKEN,
// 403).
const sourceMissingToken = "https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html"

func (words) Decision(n policy.Note) string {
	if n.Case == caseGatewayResponse {
		return "API Gateway's own error, answered by the gateway response " + n.Args[0] + " (" + n.Args[1] + ") with the headers it sets"
	}
	if n.Case == caseNoMethod {
		return "no method of " + n.Args[2] + " takes " + n.Args[0] + " " + n.Args[1] + " (its methods: " + strings.Join(n.List, ", ") + "): API Gateway answers 403 Missing Authentication Token, without CORS headers unless a MISSING_AUTHENTICATION_TOKEN or DEFAULT_4XX gateway response adds them"
	}
	if n.Case == caseNoResource {
		return "no resource of the template answers " + n.Args[0] + " (no bucket named in its host or path, no API route for its path): served without CORS headers; choose the resource with --resource (policy.resource)"
	}
	return ""
}

// Words are this format's sentences, for the explainer.
func Words() policy.Words { return words{} }
