package apigw_test

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
)

// docTypes cites the gateway response types and their statuses.
const docTypes = "docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html"

// TestRESTAuthorizer is the authorizer layer of a REST API: which
// requests it refuses, API Gateway's own reply, and whether a gateway
// response gives that reply CORS headers. Documentation only: no AWS
// account runs here.
func TestRESTAuthorizer(t *testing.T) {
	base := `"AllowOrigin":"'https://app.test'","AllowMethods":["GET","OPTIONS"],"Integration":"lambda-proxy"`
	app := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.test"}}}
	tests := []struct {
		desc, config, method string
		unauthorized         bool
		status               int
		errorType, acao      string
		layer                string // decided_by's layer; "" for none
		cites                string
	}{
		{desc: "Cognito refuses the caller: 401 UNAUTHORIZED, no gateway response, no CORS headers",
			config: `"Authorizer":"cognito"`, method: "GET", unauthorized: true, status: 401, errorType: "UnauthorizedException", layer: "authorizer",
			cites: docTypes + " (UNAUTHORIZED: 401, the Cognito or custom authorizer failed to authenticate the caller); serverless/serverless#3191 (the expired token's 401 has no Access-Control-Allow-Origin)"},
		{desc: "Cognito accepts the caller: the proxy's own reply, untouched",
			config: `"Authorizer":"cognito"`, method: "GET", status: 200, acao: "https://app.test", layer: "integration",
			cites: "how-to-cors.md: with a proxy integration the backend returns the CORS headers (design.md: decided_by integration)"},
		{desc: "a Lambda authorizer's Deny policy: 403 ACCESS_DENIED",
			config: `"Authorizer":"lambda"`, method: "GET", unauthorized: true, status: 403, errorType: "AccessDeniedException", layer: "authorizer",
			cites: "apigateway-lambda-authorizer-output.html: an explicit Deny answers 403; " + docTypes + " (ACCESS_DENIED: 403)"},
		{desc: "IAM refuses the signed caller: 403 ACCESS_DENIED",
			config: `"Authorizer":"iam"`, method: "GET", unauthorized: true, status: 403, errorType: "AccessDeniedException", layer: "authorizer",
			cites: docTypes + " (ACCESS_DENIED: 403, authorization failure)"},
		{desc: "a preflight through IAM has no signature: 403 MISSING_AUTHENTICATION_TOKEN",
			config: `"Authorizer":"iam","AuthorizerOnOptions":true`, method: "OPTIONS", status: 403, errorType: "MissingAuthenticationTokenException", layer: "authorizer",
			cites: docTypes + " (MISSING_AUTHENTICATION_TOKEN: 403); Fetch: a preflight carries no credentials"},
		{desc: "a preflight through a Lambda token authorizer has no token: 401, whatever the caller",
			config: `"Authorizer":"lambda","AuthorizerOnOptions":true`, method: "OPTIONS", status: 401, errorType: "UnauthorizedException", layer: "authorizer",
			cites: "serverless/serverless#829: without the identity source header API Gateway answers Unauthorized and never calls the function; Fetch: a preflight carries no Authorization"},
		{desc: "the OPTIONS mock without the authorizer answers the preflight",
			config: `"Authorizer":"cognito"`, method: "OPTIONS", status: 200, acao: "https://app.test",
			cites: "how-to-cors-console.md: Enable CORS makes an OPTIONS method with a MOCK integration (authorization NONE)"},
		{desc: "DEFAULT_4XX with CORS headers covers UNAUTHORIZED",
			config: `"Authorizer":"cognito","GatewayResponses":["DEFAULT_4XX"]`, method: "GET", unauthorized: true, status: 401, errorType: "UnauthorizedException", acao: "https://app.test", layer: "gateway-response",
			cites: docTypes + " (a type not customised falls back to DEFAULT_4XX)"},
		{desc: "a gateway response of the error's own type",
			config: `"Authorizer":"lambda","GatewayResponses":["ACCESS_DENIED"]`, method: "GET", unauthorized: true, status: 403, errorType: "AccessDeniedException", acao: "https://app.test", layer: "gateway-response",
			cites: docTypes},
		{desc: "DEFAULT_5XX does not cover a 401",
			config: `"Authorizer":"cognito","GatewayResponses":["DEFAULT_5XX"]`, method: "GET", unauthorized: true, status: 401, errorType: "UnauthorizedException", layer: "authorizer",
			cites: docTypes + " (DEFAULT_5XX: the 5XX responses)"},
		{desc: "no authorizer: an unauthorised caller is not refused by API Gateway",
			config: `"Authorizer":"none"`, method: "GET", unauthorized: true, status: 200, acao: "https://app.test", layer: "integration",
			cites: "a method with authorization NONE runs its integration (how-to-cors.md: the proxy's reply)"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			c, err := apigw.ParseREST(`{` + base + `,` + tc.config + `}`)
			if err != nil {
				t.Fatal(err)
			}
			req := policy.Request{Method: tc.method, URL: "https://x.execute-api.us-east-1.amazonaws.com/prod/items", Unauthorized: tc.unauthorized,
				Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
			if tc.method == "OPTIONS" {
				req.Header.Add("Access-Control-Request-Method", "GET")
			}
			o := c.Respond(req, app)
			et, _ := o.Reply.Header.Get("x-amzn-ErrorType")
			acao, _ := o.Reply.Header.Get("Access-Control-Allow-Origin")
			layer := ""
			if o.DecidedBy != nil {
				layer = o.DecidedBy.Layer
			}
			if o.Reply.Status != tc.status || et != tc.errorType || acao != tc.acao || layer != tc.layer {
				t.Errorf("got %d %q ACAO %q layer %q, want %d %q ACAO %q layer %q (%s)", o.Reply.Status, et, acao, layer, tc.status, tc.errorType, tc.acao, tc.layer, tc.cites)
			}
			if tc.layer != "" && o.Text() == "" {
				t.Error("the decision has no words")
			}
		})
	}
}

// TestRESTAuthorizerFaults: the authorizer fields are checked, each
// fault at its place.
func TestRESTAuthorizerFaults(t *testing.T) {
	for _, tc := range []struct{ desc, text, path string }{
		{desc: "an unknown authorizer kind", text: `{"AllowMethods":["GET"],"Authorizer":"oauth"}`, path: "$.Authorizer"},
		{desc: "AuthorizerOnOptions is a boolean", text: `{"AllowMethods":["GET"],"Authorizer":"iam","AuthorizerOnOptions":"yes"}`, path: "$.AuthorizerOnOptions"},
		{desc: "an unknown gateway response type", text: `{"AllowMethods":["GET"],"GatewayResponses":["DEFAULT_401"]}`, path: "$.GatewayResponses[0]"},
	} {
		_, err := apigw.ParseREST(tc.text)
		var es policy.Errors
		if !errors.As(err, &es) || es[0].Path != tc.path || es[0].Line != 1 || es[0].Column == 0 {
			t.Errorf("%s: got %v, want a fault at %s with its position", tc.desc, err, tc.path)
		}
	}
}
