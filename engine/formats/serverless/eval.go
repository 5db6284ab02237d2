package serverless

import (
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// SourceMissingToken is API Gateway's answer to a REST API method or path
// it has no route for: 403 {"message":"Missing Authentication Token"}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html,
// MISSING_AUTHENTICATION_TOKEN).
const SourceMissingToken = "https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html (MISSING_AUTHENTICATION_TOKEN, 403)"

// RoutePaths implements policy.Routed: the http events' and the httpApi
// events' paths.
func (s *Service) RoutePaths() []string {
	var out []string
	for _, e := range s.Endpoints {
		out = append(out, e.Path)
	}
	for _, r := range s.Routes {
		out = append(out, r.Path)
	}
	return out
}

// Respond implements policy.Evaluator: the request goes to the REST API
// when its path is one of the http events' paths, else to the HTTP API
// when it is one of the httpApi events' routes (a serverless.yml may
// deploy both, on two hosts the file does not name, so the path decides).
// The verdict names the event that answered (DecidedBy).
func (s *Service) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	path := urlPath(req.URL)
	if eps, stripped := s.restEndpoints(path); len(eps) > 0 {
		return s.respondREST(req, app, eps, stripped)
	}
	r := s.route(req.Method, path)
	if r == nil && req.Method == "OPTIONS" && s.HTTPCORS != nil {
		// An HTTP API with CORS answers a preflight for any of its
		// routes' paths itself (apigw.HTTPConfig).
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} {
			if r = s.route(m, path); r != nil {
				break
			}
		}
	}
	if r != nil || len(s.Endpoints) == 0 && len(s.Routes) > 0 {
		return s.respondHTTP(req, app, r)
	}
	if len(s.Endpoints) > 0 {
		// No resource for the path: API Gateway's own 403.
		out := policy.Outcome{Reply: missingToken(), Decision: policy.Note{Case: "no http event for path " + path + ": API Gateway answers 403 Missing Authentication Token, without CORS headers"}}
		return out
	}
	return policy.Outcome{Reply: app, Decision: policy.Note{Case: "the serverless.yml has no http or httpApi event"}}
}

func missingToken() policy.Reply {
	return policy.Reply{Status: 403, Header: headers.List{{Name: "Content-Type", Value: "application/json"}, {Name: "x-amzn-ErrorType", Value: "MissingAuthenticationTokenException"}},
		Body: `{"message":"Missing Authentication Token"}`}
}

func (s *Service) respondREST(req policy.Request, app policy.Reply, eps []*Endpoint, path string) policy.Outcome {
	origin, _ := req.Header.Get("Origin")
	hasCORS := false
	for _, e := range eps {
		hasCORS = hasCORS || e.CORS != nil
	}
	var ep *Endpoint
	for _, e := range eps {
		if e.Method == req.Method || e.Method == "ANY" && ep == nil {
			ep = e
		}
	}
	if req.Method == "OPTIONS" && hasCORS && (ep == nil || ep.Method != "OPTIONS") {
		// The framework's OPTIONS method with a mock integration answers
		// (DocREST): static headers, the Origin echoed when several
		// origins are set and it matches one.
		c := restConfig(eps, nil, origin)
		out := c.Respond(req, app)
		if m := merged(eps); m.CacheControl != "" {
			out.Reply.Header.Set("Cache-Control", m.CacheControl)
		}
		first := firstCORS(eps)
		renumber(&out, s.ruleIndex(first))
		out.DecidedBy = &wire.Place{Layer: "cors-rule", Resource: first.At.Path, Line: first.CORS.At.Line, Column: first.CORS.At.Column}
		return out
	}
	if ep == nil {
		out := policy.Outcome{Reply: missingToken(), Decision: policy.Note{Case: "no http event for " + req.Method + " " + path + ": API Gateway answers 403 Missing Authentication Token, without CORS headers"}}
		out.DecidedBy = &wire.Place{Layer: "gateway-response", Resource: eps[0].At.Path}
		return out
	}
	place := &wire.Place{Layer: "integration", Resource: ep.At.Path, Line: ep.At.Line, Column: ep.At.Column}
	if ep.CORS == nil || ep.Integration == "lambda-proxy" {
		// lambda-proxy: "remember to include the Access-Control-Allow-*
		// headers in your headers object" (DocREST): the function's reply
		// is the answer.
		out := policy.Outcome{Reply: app, Decision: policy.Note{Case: "http event " + ep.At.Path + " (lambda-proxy): the function's own headers are the CORS answer"}}
		if ep.CORS == nil {
			out.Decision.Case = "http event " + ep.At.Path + " has no cors: the function's reply as it is"
		}
		out.DecidedBy = place
		return out
	}
	// integration: lambda: Access-Control-Allow-Origin and -Credentials
	// are added to the method's response (DocREST).
	c := restConfig([]*Endpoint{ep}, ep, origin)
	out := c.Respond(req, app)
	renumber(&out, s.ruleIndex(ep))
	out.DecidedBy = place
	return out
}

// ruleIndex is the index, among Rules, of ep's cors setting, or of
// provider.httpApi.cors for nil.
func (s *Service) ruleIndex(ep *Endpoint) int {
	n := 0
	for i := range s.Endpoints {
		if &s.Endpoints[i] == ep {
			return n
		}
		if s.Endpoints[i].CORS != nil {
			n++
		}
	}
	return n
}

// renumber gives the trace of apigw's one-rule evaluators the index of
// the rule in this file's Rules, so that a fix edits that one.
func renumber(out *policy.Outcome, i int) {
	for j := range out.Rules {
		out.Rules[j].Index = i
	}
}

func firstCORS(eps []*Endpoint) *Endpoint {
	for _, e := range eps {
		if e.CORS != nil {
			return e
		}
	}
	return eps[0]
}

func (s *Service) respondHTTP(req policy.Request, app policy.Reply, r *Route) policy.Outcome {
	if s.HTTPCORS != nil {
		// The HTTP API answers preflights itself and ignores the
		// function's CORS headers (apigw.HTTPConfig).
		out := s.httpConfig().Respond(req, app)
		renumber(&out, s.ruleIndex(nil))
		out.DecidedBy = &wire.Place{Layer: "cors-rule", Resource: s.HTTPCORS.At.Path, Line: s.HTTPCORS.At.Line, Column: s.HTTPCORS.At.Column}
		return out
	}
	if r == nil {
		return policy.Outcome{Reply: policy.Reply{Status: 404, Header: headers.List{{Name: "Content-Type", Value: "application/json"}}, Body: `{"message":"Not Found"}`},
			Decision: policy.Note{Case: "no httpApi route for " + req.Method + " " + urlPath(req.URL) + ": the HTTP API answers 404"}}
	}
	return policy.Outcome{Reply: app, Decision: policy.Note{Case: "httpApi route " + r.At.Path + " without provider.httpApi.cors: the function's reply as it is"},
		DecidedBy: &wire.Place{Layer: "integration", Resource: r.At.Path, Line: r.At.Line, Column: r.At.Column}}
}

// urlPath is the path of u, with its leading "/".
func urlPath(u string) string {
	p := jsmw.PathOf(u)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p
}

// restEndpoints are the http events of the resource that path names, and
// the path as matched. A REST API URL starts with its stage
// (/dev/hello), so the path is tried as it is and without its first
// segment; the most specific template wins (literal segments before
// {param}, before {proxy+}), as API Gateway routes.
func (s *Service) restEndpoints(path string) ([]*Endpoint, string) {
	best, bestScore, bestPath := "", -1, ""
	for _, p := range candidates(path) {
		for i := range s.Endpoints {
			if sc, ok := match(s.Endpoints[i].Path, p); ok && sc > bestScore {
				best, bestScore, bestPath = s.Endpoints[i].Path, sc, p
			}
		}
	}
	if bestScore < 0 {
		return nil, ""
	}
	var out []*Endpoint
	for i := range s.Endpoints {
		if s.Endpoints[i].Path == best {
			out = append(out, &s.Endpoints[i])
		}
	}
	return out, bestPath
}

// route is the httpApi route for method and path: the most specific path,
// a route of the method before one of "*", the "*" catch-all last.
func (s *Service) route(method, path string) *Route {
	var best *Route
	bestScore := -1
	for i := range s.Routes {
		r := &s.Routes[i]
		if r.Method != "*" && r.Method != method {
			continue
		}
		sc, ok := 0, true
		if r.Path != "*" {
			sc, ok = match(r.Path, path)
			sc += 2
		}
		if ok && r.Method != "*" {
			sc++
		}
		if ok && sc > bestScore {
			best, bestScore = r, sc
		}
	}
	return best
}

func candidates(path string) []string {
	out := []string{path}
	if i := strings.IndexByte(path[1:], '/'); i >= 0 {
		out = append(out, path[i+1:])
	} else if path != "/" {
		out = append(out, "/")
	}
	return out
}

// match reports whether a path template (/users/{id}, /{proxy+}) covers
// path, and how specific the match is (3 a literal segment, 2 a {param},
// 1 a {greedy+}).
func match(template, path string) (int, bool) {
	ts := segments(template)
	ps := segments(path)
	score := 0
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "+}") {
			if i >= len(ps) {
				return 0, false
			}
			return score + 1, true
		}
		if i >= len(ps) {
			return 0, false
		}
		switch {
		case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
			score += 2
		case t == ps[i]:
			score += 3
		default:
			return 0, false
		}
	}
	if len(ps) != len(ts) {
		return 0, false
	}
	return score, true
}

func segments(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
