package apigw

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	pwire "github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// SourceIntegration is cited on the trace of the actual method's
// integration: with a proxy integration the backend's reply is the
// answer, with a non-proxy one the integration response that its status
// selects maps the method response's headers (api-gateway-integration-
// settings-integration-response.html: the selection pattern and the
// default response; AWS::ApiGateway::Method IntegrationResponse: static
// ResponseParameters values in single quotes).
const SourceIntegration = "docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html (\"your backend is responsible for returning the Access-Control-Allow-Origin and Access-Control-Allow-Headers headers, because a proxy integration doesn't return an integration response\")"

// caseIntegration is the note of the actual method's integration: Args
// are the integration kind, the Access-Control-Allow-Origin the reply
// carries ("" for none), the request's Origin and, for a non-proxy
// integration, the selection pattern of the integration response used
// ("default" for the one without); N is the reply's status.
const caseIntegration = "integration"

// IntegrationResponse is one integration response of a non-proxy (or
// mock) method (AWS::ApiGateway::Method Integration.IntegrationResponses):
// the method response status it maps to, the regular expression that
// selects it ("" for the default response) and the method response
// headers it maps, values as written (a static value in single quotes,
// or a mapping expression such as integration.response.header.Origin).
type IntegrationResponse struct {
	StatusCode       int
	SelectionPattern string
	Headers          headers.List
}

// Integrate answers req as the actual method's integration does, after
// the authorizer and without the OPTIONS mock: the backend's reply app
// as it is for a proxy integration (the function's own headers are the
// CORS answer), else the method response that the integration response
// selected by app's status maps. Respond calls it for every request but
// an OPTIONS; a template's caller calls it for an OPTIONS that a method
// other than the mock takes (an ANY method on {proxy+}).
func (c *RESTConfig) Integrate(req policy.Request, app policy.Reply) policy.Outcome {
	t := policy.Rule{Index: 0, Path: c.Path, Matched: true, Source: SourceIntegration}
	origin, _ := req.Header.Get("Origin")
	switch {
	case c.Integration == LambdaProxy || c.Integration == HTTPProxy:
		// "your backend is responsible for returning the
		// Access-Control-Allow-Origin and Access-Control-Allow-Headers
		// headers" (how-to-cors.md): the reply is the backend's, as is.
		reply := app
		reply.Header = app.Header.Clone()
		acao, _ := app.Header.Get("Access-Control-Allow-Origin")
		t.Note = policy.Note{Case: caseIntegration, Args: [4]string{c.Integration, acao, origin}, N: app.Status}
		if !admits(acao, origin) {
			t.Matched, t.Failed = false, "integration"
		}
		return policy.Outcome{Reply: reply, Rules: pwire.One(req, t), Decision: t.Note, Words: words{}, DecidedBy: c.integrationPlace()}
	case c.Responses != nil:
		return c.mapped(req, app, t, origin)
	}
	reply := app
	reply.Header = app.Header.Clone()
	if app.Status != 200 {
		// ACAO is added to the method's 200 response only (§5.2).
		t.Matched, t.Failed = false, "status"
		t.Note = policy.Note{Case: caseNot200, N: app.Status}
		return policy.Outcome{Reply: reply, Rules: pwire.One(req, t), Decision: policy.Note{Case: "non-200 integration reply: no CORS headers"}, Words: words{}, DecidedBy: c.integrationPlace()}
	}
	t.Source = SourceREST
	reply.Header.Set("Access-Control-Allow-Origin", c.AllowOrigin)
	if c.AllowCredentials {
		// Where the console's credentials setting lands is [UNVERIFIED];
		// the 200 response needs it for a credentialed fetch to pass.
		reply.Header.Set("Access-Control-Allow-Credentials", "true")
	}
	if c.ExposeHeaders != "" {
		reply.Header.Set("Access-Control-Expose-Headers", c.ExposeHeaders)
	}
	t.Note.Case = "200 method response carries the static Access-Control-Allow-Origin"
	return policy.Outcome{Reply: reply, Rules: pwire.One(req, t), Decision: policy.Note{Case: "200 reply: static Access-Control-Allow-Origin added"}}
}

// mapped is a non-proxy (or mock) integration's answer: the integration
// response whose selection pattern matches the backend's status (for
// HTTP and AWS back ends the status code is matched; a Lambda
// function's error message is, which the scenario's reply stands for by
// its status), else the default one; its status and its mapped headers
// are the method response, the backend's own headers are not passed on
// but Content-Type (api-gateway-integration-settings-integration-response.html).
func (c *RESTConfig) mapped(req policy.Request, app policy.Reply, t policy.Rule, origin string) policy.Outcome {
	var ir *IntegrationResponse
	i, pattern := SelectResponse(c.Responses, app.Status)
	if i >= 0 {
		ir = &c.Responses[i]
	}
	reply := policy.Reply{Status: app.Status, Body: app.Body, Header: headers.List{}}
	if ct, ok := app.Header.Get("Content-Type"); ok {
		reply.Header.Add("Content-Type", ct)
	}
	if ir != nil {
		reply.Status = ir.StatusCode
		for _, h := range ir.Headers {
			if v, ok := MappedValue(h.Value, app); ok {
				reply.Header.Set(h.Name, v)
			}
		}
	} else {
		// No integration response matches and none is the default: what
		// API Gateway answers then is [UNVERIFIED]; the status goes on
		// without mapped headers.
		pattern = "none"
	}
	acao, _ := reply.Header.Get("Access-Control-Allow-Origin")
	t.Note = policy.Note{Case: caseIntegration, Args: [4]string{c.Integration, acao, origin, pattern}, N: reply.Status}
	if !admits(acao, origin) {
		t.Matched, t.Failed = false, "integration"
	}
	return policy.Outcome{Reply: reply, Rules: pwire.One(req, t), Decision: t.Note, Words: words{}, DecidedBy: c.integrationPlace()}
}

// SelectResponse is the index in rs of the integration response for a
// back end's status: the first whose selection pattern matches the
// whole status code, else the default (no pattern), else -1; and its
// pattern, or "default".
func SelectResponse(rs []IntegrationResponse, status int) (int, string) {
	code := strconv.Itoa(status)
	def := -1
	for i, r := range rs {
		if r.SelectionPattern == "" {
			if def < 0 {
				def = i
			}
			continue
		}
		// The pattern is a Java regular expression matched against the
		// whole status code; Go's RE2 reads the patterns users write
		// (2\d{2}, 4\d{2}, .*) alike.
		if re, err := regexp.Compile(`^(?:` + r.SelectionPattern + `)$`); err == nil && re.MatchString(code) {
			return i, r.SelectionPattern
		}
	}
	return def, "default"
}

// MappedValue is the value a method response header gets from a
// ResponseParameters mapping value v: a static value in single quotes
// without its quotes, or the back end's header that
// integration.response.header.NAME names; ok false for what the reply
// does not give (another mapping expression, or a value API Gateway
// refuses: an unquoted literal, "Invalid mapping expression specified").
func MappedValue(v string, app policy.Reply) (string, bool) {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1], true
	}
	if name, ok := strings.CutPrefix(v, "integration.response.header."); ok {
		return app.Header.Get(name)
	}
	return "", false
}

// admits reports whether a reply's Access-Control-Allow-Origin lets the
// page of origin read it, as far as the integration can tell: "*", or
// the origin itself; a request without Origin needs none.
func admits(acao, origin string) bool {
	return origin == "" || acao == "*" || acao != "" && acao == origin
}

// integrationPlace is the integration layer's place: the actual method.
func (c *RESTConfig) integrationPlace() *wire.Place {
	return &wire.Place{Layer: "integration", Resource: c.Method, Line: c.MethodLine, Column: c.MethodColumn}
}

// integrationWords is an integration's note in words.
func integrationWords(n policy.Note) string {
	kind, acao, origin, pattern := n.Args[0], n.Args[1], n.Args[2], n.Args[3]
	var s string
	switch kind {
	case LambdaProxy:
		s = "With a Lambda proxy integration the function's own headers are the CORS answer: API Gateway returns its reply as it is"
	case HTTPProxy:
		s = "With an HTTP proxy integration the backend's own headers are the CORS answer: API Gateway returns its reply as it is"
	default:
		which := "the default integration response"
		switch pattern {
		case "none":
			return "No integration response matches status " + strconv.Itoa(n.N) + " and none is the default: no header is mapped to the method response"
		case "default":
		default:
			which = "the integration response of selection pattern \"" + pattern + "\""
		}
		s = "With a non-proxy integration " + which + " maps the method response's headers (status " + strconv.Itoa(n.N) + ")"
		switch {
		case acao == "":
			return s + ", and it maps no Access-Control-Allow-Origin: add method.response.header.Access-Control-Allow-Origin to its ResponseParameters (and to the method response of that status)"
		case !admits(acao, origin):
			return s + ", and it maps Access-Control-Allow-Origin " + strconv.Quote(acao) + ", which is not the page's origin " + origin
		}
		return s + ", Access-Control-Allow-Origin " + strconv.Quote(acao) + " among them"
	}
	who := "the function"
	if kind == HTTPProxy {
		who = "the backend"
	}
	switch {
	case acao == "":
		return s + ", and " + who + " returned no Access-Control-Allow-Origin. Its code is not in this configuration: the fix is the reply it must return"
	case !admits(acao, origin):
		return s + ", and " + who + " returned Access-Control-Allow-Origin " + strconv.Quote(acao) + ", which is not the page's origin " + origin + ". Its code is not in this configuration: the fix is the reply it must return"
	}
	return s + ", and " + who + " returned Access-Control-Allow-Origin " + strconv.Quote(acao)
}
