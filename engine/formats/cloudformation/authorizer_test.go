package cloudformation_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// samAuthDoc cites SAM's Auth property.
const samAuthDoc = "docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-apiauth.html"

// TestSAMAuthorizer: a SAM API's Auth decides which requests its
// authorizer sees, and API Gateway's refusal is what the browser gets,
// named by decided_by (the authorizer, or the gateway response that
// gave it headers). Documentation only: no AWS account runs here.
func TestSAMAuthorizer(t *testing.T) {
	base := readFile(t, "sam-auth.yaml")
	optOut := strings.Replace(base, "        DefaultAuthorizer: TokenAuth\n", "        DefaultAuthorizer: TokenAuth\n        AddDefaultAuthorizerToCorsPreflight: false\n", 1)
	withGR := strings.Replace(base, "      Auth:\n", "      GatewayResponses:\n        UNAUTHORIZED:\n          ResponseParameters:\n            Headers:\n              Access-Control-Allow-Origin: \"'https://app.example.com'\"\n      Auth:\n", 1)
	const api = "https://q1.execute-api.us-east-1.amazonaws.com/prod"
	tests := []struct {
		desc, text, method, path string
		unauthorized             bool
		status                   int
		layer, resource, acao    string
		cites                    string
	}{
		{desc: "SAM adds the default authorizer to the CORS preflight: no token on it, 401", text: base, method: "OPTIONS", path: "/private",
			status: 401, layer: "authorizer", resource: "TokenAuth", cites: samAuthDoc + " (AddDefaultAuthorizerToCorsPreflight, default true)"},
		{desc: "AddDefaultAuthorizerToCorsPreflight: false leaves the preflight to the mock", text: optOut, method: "OPTIONS", path: "/private",
			status: 200, layer: "cors-rule", resource: "Api", acao: "https://app.example.com", cites: samAuthDoc},
		{desc: "a route with Auth.Authorizer NONE is not authorised, its preflight neither", text: base, method: "OPTIONS", path: "/health",
			status: 200, layer: "cors-rule", resource: "Api", acao: "https://app.example.com", cites: "sam-property-function-apifunctionauth.html (Authorizer: NONE)"},
		{desc: "the Lambda authorizer denies the caller: 403", text: optOut, method: "GET", path: "/private", unauthorized: true,
			status: 403, layer: "authorizer", resource: "TokenAuth", cites: "apigateway-lambda-authorizer-output.html (Deny: 403)"},
		{desc: "an authorised caller reaches the function", text: optOut, method: "GET", path: "/private",
			status: 200, layer: "integration", resource: "Fn", acao: "https://app.example.com", cites: "how-to-cors.md: a proxy integration's reply is the function's (design.md: decided_by integration, the function)"},
		{desc: "the UNAUTHORIZED gateway response gives the preflight's 401 its headers", text: withGR, method: "OPTIONS", path: "/private",
			status: 401, layer: "gateway-response", resource: "Api", acao: "https://app.example.com", cites: "sam-property-api-gatewayresponse.html"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			ev := parse(t, policy.Source{Text: tc.text})
			req := request(tc.method, api+tc.path, "https://app.example.com", "", "")
			if tc.method == "OPTIONS" {
				req.Header.Add("Access-Control-Request-Method", "GET")
			}
			req.Unauthorized = tc.unauthorized
			app := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.example.com"}}}
			o := ev.Respond(req, app)
			acao, _ := o.Reply.Header.Get("Access-Control-Allow-Origin")
			if o.Reply.Status != tc.status || acao != tc.acao || o.DecidedBy == nil || o.DecidedBy.Layer != tc.layer || o.DecidedBy.Resource != tc.resource {
				t.Fatalf("got %d ACAO %q decided by %+v, want %d ACAO %q by %s %s (%s)", o.Reply.Status, acao, o.DecidedBy, tc.status, tc.acao, tc.layer, tc.resource, tc.cites)
			}
			if want := strings.Count(tc.text[:strings.Index(tc.text, "  TokenAuth:")], "\n") + 1; tc.layer == "authorizer" && o.DecidedBy.Line != want {
				t.Errorf("the authorizer is placed at line %d, want %d (TokenAuth:)", o.DecidedBy.Line, want)
			}
		})
	}
}

// TestLayerEdits: the fixes of an authorizer's refusal are edits of the
// template that touch only the lines they add or change.
func TestLayerEdits(t *testing.T) {
	base := readFile(t, "sam-auth.yaml")
	f := cloudformation.Formats()[0]
	le := f.(fix.LayerEditor)
	for _, tc := range []struct {
		desc    string
		blocked fix.Blocked
		want    string // the lines added, in order
	}{
		{desc: "a refused preflight: the authorizer leaves OPTIONS",
			blocked: fix.Blocked{DecidedBy: "authorizer", PreflightFailed: true, PreflightStatus: 401, Status: 401, Origin: "https://app.example.com"},
			want:    "        AddDefaultAuthorizerToCorsPreflight: false\n"},
		{desc: "a refused request: DEFAULT_4XX gets the Cors origin and credentials",
			blocked: fix.Blocked{DecidedBy: "authorizer", Status: 403, Origin: "https://app.example.com"},
			want:    "      GatewayResponses:\n        DEFAULT_4XX:\n          ResponseParameters:\n            Headers:\n              Access-Control-Allow-Origin: \"'https://app.example.com'\"\n              Access-Control-Allow-Credentials: \"'true'\"\n"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			e, why, ok := le.ChooseLayerEdit(tc.blocked)
			if !ok || why == "" {
				t.Fatal("no edit chosen")
			}
			out, err := fix.ApplySource(f, policy.Source{Text: base}, e)
			if err != nil {
				t.Fatal(err)
			}
			if added := addedLines(base, out); added != tc.want {
				t.Errorf("added:\n%s\nwant:\n%s", added, tc.want)
			}
			if _, err := cloudformation.Read(policy.Source{Text: out}); err != nil {
				t.Errorf("the edited template does not read: %v", err)
			}
		})
	}
}

// addedLines are the lines of b that a does not have, in b's order (a
// fix only adds here).
func addedLines(a, b string) string {
	have := map[string]int{}
	for _, l := range strings.SplitAfter(a, "\n") {
		have[l]++
	}
	var out strings.Builder
	for _, l := range strings.SplitAfter(b, "\n") {
		if have[l] > 0 {
			have[l]--
			continue
		}
		out.WriteString(l)
	}
	return out.String()
}

// httpAuthDoc cites the HTTP API's CORS and authorizers.
const httpAuthDoc = "docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html"

// TestHTTPAPIAuthorizer: an HTTP API answers preflights before its
// authorizers, unless the $default route's authorizer catches them;
// a refused caller gets the authorizer's 401 or 403. Documentation
// only: no AWS account runs here.
func TestHTTPAPIAuthorizer(t *testing.T) {
	base := readFile(t, "sam-httpapi-auth.yaml")
	catchAll := strings.Replace(base, "            Path: /items\n            Method: get\n", "", 1)
	optionsRoute := catchAll + `        Preflight:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /{proxy+}
            Method: options
            Auth:
              Authorizer: NONE
`
	const api = "https://h1.execute-api.us-east-1.amazonaws.com"
	tests := []struct {
		desc, text, method string
		unauthorized       bool
		status             int
		layer, acao        string
		cites              string
	}{
		{desc: "explicit routes: API Gateway answers the preflight, no authorizer", text: base, method: "OPTIONS",
			status: 204, layer: "cors-rule", acao: "https://app.example.com", cites: httpAuthDoc + " (answers preflights itself)"},
		{desc: "the JWT authorizer refuses the caller: 401, with the CORS headers", text: base, method: "GET", unauthorized: true,
			status: 401, layer: "authorizer", acao: "https://app.example.com", cites: "http-api-jwt-authorizer.html (401); CORS headers on it [UNVERIFIED]"},
		{desc: "the $default route's authorizer catches the preflight: 401 without CORS headers", text: catchAll, method: "OPTIONS",
			status: 401, layer: "authorizer", cites: httpAuthDoc + " ($default route and an authorizer)"},
		{desc: "an OPTIONS /{proxy+} route without authorization takes the preflights back", text: optionsRoute, method: "OPTIONS",
			status: 204, layer: "cors-rule", acao: "https://app.example.com", cites: httpAuthDoc + " (add an OPTIONS /{proxy+} route without authorization)"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			ev := parse(t, policy.Source{Text: tc.text})
			req := request(tc.method, api+"/items", "https://app.example.com", "", "")
			if tc.method == "OPTIONS" {
				req.Header.Add("Access-Control-Request-Method", "GET")
			}
			req.Unauthorized = tc.unauthorized
			o := ev.Respond(req, policy.Reply{Status: 200})
			acao, _ := o.Reply.Header.Get("Access-Control-Allow-Origin")
			if o.Reply.Status != tc.status || acao != tc.acao || o.DecidedBy == nil || o.DecidedBy.Layer != tc.layer {
				t.Fatalf("got %d ACAO %q decided by %+v; want %d ACAO %q by %s (%s)", o.Reply.Status, acao, o.DecidedBy, tc.status, tc.acao, tc.layer, tc.cites)
			}
			if tc.layer == "authorizer" && o.DecidedBy.Resource != "Jwt" {
				t.Errorf("decided by %+v, want the authorizer Jwt", o.DecidedBy)
			}
		})
	}
}
