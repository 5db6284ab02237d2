package apigw

import (
	pwire "github.com/whycors/whycors/engine/platform/internal/wire"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// Authorizer kinds of a REST API method (the method's AuthorizationType:
// NONE, CUSTOM for a Lambda authorizer, COGNITO_USER_POOLS, AWS_IAM).
const (
	NoAuthorizer = "none"
	Lambda       = "lambda"
	Cognito      = "cognito"
	IAM          = "iam"
)

// SourceAuthorizer is cited on the trace of a request an authorizer
// refused.
const SourceAuthorizer = "API Gateway developer guide: supported-gateway-response-types.html (UNAUTHORIZED 401, ACCESS_DENIED 403, MISSING_AUTHENTICATION_TOKEN 403), apigateway-lambda-authorizer-output.html (a Deny policy answers 403), apigateway-integrate-with-cognito.html (401 without a valid token)"

// errorTypes are the gateway response types of API Gateway's own
// errors, by the x-amzn-ErrorType it sends (supported-gateway-response-types.html
// names the types and their statuses; the error type names are
// [UNVERIFIED] but MissingAuthenticationTokenException, cloud-policies.md
// §5.2).
var errorTypes = map[string]string{
	"MissingAuthenticationTokenException": "MISSING_AUTHENTICATION_TOKEN",
	"UnauthorizedException":               "UNAUTHORIZED",
	"AccessDeniedException":               "ACCESS_DENIED",
	"ExpiredTokenException":               "EXPIRED_TOKEN",
	"InvalidSignatureException":           "INVALID_SIGNATURE",
	"TooManyRequestsException":            "THROTTLED",
	"LimitExceededException":              "QUOTA_EXCEEDED",
}

// ResponseTypes are the gateway response types a REST API can set
// headers on (supported-gateway-response-types.html).
var ResponseTypes = []string{
	"ACCESS_DENIED", "API_CONFIGURATION_ERROR", "AUTHORIZER_CONFIGURATION_ERROR", "AUTHORIZER_FAILURE",
	"BAD_REQUEST_PARAMETERS", "BAD_REQUEST_BODY", "DEFAULT_4XX", "DEFAULT_5XX", "EXPIRED_TOKEN",
	"INTEGRATION_FAILURE", "INTEGRATION_TIMEOUT", "INVALID_API_KEY", "INVALID_SIGNATURE",
	"MISSING_AUTHENTICATION_TOKEN", "QUOTA_EXCEEDED", "REQUEST_TOO_LARGE", "RESOURCE_NOT_FOUND",
	"THROTTLED", "UNAUTHORIZED", "UNSUPPORTED_MEDIA_TYPE", "WAF_FILTERED",
}

// ResponseTypeOf is the gateway response types that may answer API
// Gateway's own error reply app, in the order API Gateway looks for
// them: its own type (by x-amzn-ErrorType), then DEFAULT_4XX or
// DEFAULT_5XX ("If the response type is unspecified, this response
// defaults to the DEFAULT_4XX type", supported-gateway-response-types.html).
// own is empty for an error type this package does not know.
func ResponseTypeOf(app policy.Reply) (own, fallback string) {
	et, _ := app.Header.Get("x-amzn-ErrorType")
	et, _, _ = strings.Cut(et, ":")
	return errorTypes[et], responseClass(app.Status)
}

// AuthorizerRefusal is what API Gateway answers when the authorizer of kind
// refuses a request, before any integration runs: the status, the body
// and the x-amzn-ErrorType of the gateway response type it falls under.
// A preflight carries no credentials and none of the page's own headers
// (Fetch standard, CORS-preflight fetch), so a token authorizer finds no identity source on it (401 UNAUTHORIZED),
// and IAM finds no signature (403 MISSING_AUTHENTICATION_TOKEN). An
// actual request the caller is refused: a Lambda authorizer's Deny
// policy answers 403 ACCESS_DENIED, a Cognito user pool refuses the
// token with 401 UNAUTHORIZED, IAM refuses the signed caller's policy
// with 403 ACCESS_DENIED. The bodies are API Gateway's documented
// messages ([DOC], no AWS account runs here).
func AuthorizerRefusal(kind string, preflight bool) (reply policy.Reply, responseType string) {
	typ := "UNAUTHORIZED"
	switch {
	case kind == IAM && preflight:
		typ = "MISSING_AUTHENTICATION_TOKEN"
	case kind == IAM, kind == Lambda && !preflight:
		typ = "ACCESS_DENIED"
	}
	status, body, et := 401, `{"message":"Unauthorized"}`, "UnauthorizedException"
	switch typ {
	case "MISSING_AUTHENTICATION_TOKEN":
		status, body, et = 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException"
	case "ACCESS_DENIED":
		status, body, et = 403, `{"Message":"User is not authorized to access this resource with an explicit deny"}`, "AccessDeniedException"
	}
	return policy.Reply{Status: status, Body: body, Header: headers.List{
		{Name: "Content-Type", Value: "application/json"},
		{Name: "x-amzn-ErrorType", Value: et},
	}}, typ
}

// Refuses reports whether c's authorizer refuses req: on OPTIONS when it
// runs there (a preflight has no credentials), on the actual method when
// the caller is not authorised (req.Unauthorized).
func (c *RESTConfig) Refuses(req policy.Request) bool {
	return c.authorizerOn(req.Method) && (req.Method == "OPTIONS" || req.Unauthorized)
}

// Refusal is API Gateway's own error reply to req when c's authorizer
// refuses it (Refuses), before any gateway response adds headers.
func (c *RESTConfig) Refusal(req policy.Request) policy.Reply {
	r, _ := AuthorizerRefusal(c.Authorizer, req.Method == "OPTIONS")
	return r
}

// authorizerOn reports whether c's authorizer runs on a request of
// method: the actual method's always, OPTIONS's only when the OPTIONS
// method has it too (SAM's AddDefaultAuthorizerToCorsPreflight).
func (c *RESTConfig) authorizerOn(method string) bool {
	if c.Authorizer == "" || c.Authorizer == NoAuthorizer {
		return false
	}
	return method != "OPTIONS" || c.AuthorizerOnOptions
}

// refused is the outcome of a request c's authorizer refuses: the
// gateway response of its type (or DEFAULT_4XX) adds the headers when
// c lists it, otherwise API Gateway's error goes out without CORS
// headers. DecidedBy names the layer.
func (c *RESTConfig) refused(req policy.Request) policy.Outcome {
	app, typ := AuthorizerRefusal(c.Authorizer, req.Method == "OPTIONS")
	t := policy.Rule{Index: 0, Path: c.Path, Source: SourceAuthorizer}
	reply := app
	reply.Header = app.Header.Clone()
	at := &wire.Place{Layer: "authorizer", Line: c.AuthorizerLine, Column: c.AuthorizerColumn}
	if g := c.gatewayResponseFor(app); g != "" {
		reply.Header.Set("Access-Control-Allow-Origin", c.AllowOrigin)
		reply.Header.Set("Access-Control-Allow-Headers", c.AllowHeaders)
		t.Matched = true
		t.Note = policy.Note{Case: caseAuthorizer, Args: [4]string{c.Authorizer, typ, g}, N: app.Status}
		return policy.Outcome{Reply: reply, Rules: pwire.One(req, t), Decision: t.Note, Words: words{},
			DecidedBy: &wire.Place{Layer: "gateway-response", Resource: g}}
	}
	t.Failed = "authorizer"
	t.Note = policy.Note{Case: caseAuthorizer, Args: [4]string{c.Authorizer, typ}, N: app.Status}
	return policy.Outcome{Reply: reply, Rules: pwire.One(req, t), Decision: t.Note, Words: words{}, DecidedBy: at}
}

// gatewayResponseFor is the gateway response type of c that answers API
// Gateway's own error app with CORS headers: its own type, else the
// default of its class; "" when c lists neither.
func (c *RESTConfig) gatewayResponseFor(app policy.Reply) string {
	own, fallback := ResponseTypeOf(app)
	for _, typ := range []string{own, fallback} {
		for _, g := range c.GatewayResponses {
			if typ != "" && g == typ {
				return g
			}
		}
	}
	return ""
}

// authorizerWords is the note of a refused request in words.
func authorizerWords(n policy.Note) string {
	who := map[string]string{Lambda: "The Lambda authorizer", Cognito: "The Cognito user pool authorizer", IAM: "IAM authorization"}[n.Args[0]]
	s := who + " refused the request: API Gateway answered " + strconv.Itoa(n.N) + " " + n.Args[1]
	if n.Args[2] != "" {
		return s + ", and the gateway response " + n.Args[2] + " adds the CORS headers"
	}
	return s + ", and no gateway response (" + n.Args[1] + " or " + responseClass(n.N) + ") adds CORS headers to it"
}

// httpAuthorizerWords is an HTTP API authorizer's refusal in words.
func httpAuthorizerWords(n policy.Note) string {
	who := map[string]string{JWT: "The JWT authorizer", Lambda: "The Lambda authorizer", IAM: "IAM authorization"}[n.Args[0]]
	s := who + " refused the request: API Gateway answered " + strconv.Itoa(n.N)
	if n.Args[1] == "cors" {
		return s + ", with the CORS configuration's headers, so the page reads the refusal"
	}
	return s + " without CORS headers (the $default route's authorizer caught the preflight, which carries no token: add an OPTIONS /{proxy+} route without authorization)"
}
