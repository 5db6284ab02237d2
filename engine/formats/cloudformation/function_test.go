package cloudformation_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
)

// TestFixWithTheFunction: a SAM REST API whose Globals.Api.Cors lacks
// the method, on the Lambda proxy integration, needs two changes: the
// template's AllowMethods (SAM's OPTIONS mock, aws/serverless-application-model
// swagger.py add_cors), and the function's own
// Access-Control-Allow-Origin on the actual request, which the proxy
// passes as is (docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html).
// The fix is the template's diff with the function's part said in its
// steps, checked together. Tried as a new user would, it was replies
// alone, the template's edit left out.
func TestFixWithTheFunction(t *testing.T) {
	const tpl = samOrders + `        DeleteOrder:
          Type: Api
          Properties:
            Path: /orders/{id}
            Method: delete
`
	s := explain.Scenario{Request: explain.Request{Origin: "https://app.example.com", URL: "https://abc123.execute-api.us-east-1.amazonaws.com/Prod/orders/7"},
		Policy: &explain.Policy{Format: "cloudformation", Text: tpl}}
	s.Request.Method = "DELETE"
	v, err := explain.Explain(s, advise.Options(registry()))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || len(v.Fixes) == 0 {
		t.Fatalf("allowed %v, fixes %+v", v.Allowed, v.Fixes)
	}
	f := v.Fixes[0]
	if f.Format != "cloudformation" || !strings.Contains(f.Diff, `+      AllowMethods: "'GET,POST,OPTIONS,DELETE'"`) ||
		!strings.Contains(f.Summary, "then make OrdersFunction's code send Access-Control-Allow-Origin: https://app.example.com") || len(f.AllowedIn) == 0 {
		t.Errorf("fix %+v: want the template's AllowMethods edited and the function's header said, checked", f)
	}
}

// TestDefaultRouteAuthorizerInPlainTemplate: a plain HTTP API (the shape
// CDK's HttpApi with a defaultAuthorizer synthesizes) whose $default
// route has a JWT authorizer answers a preflight with the authorizer's
// 401, as SAM's does (http-api-cors.html: the $default route catches
// OPTIONS), unless an OPTIONS /{proxy+} route without authorization
// takes it first. Tried as a new user would, the route's authorizer was
// not read and the fetch was allowed.
func TestDefaultRouteAuthorizerInPlainTemplate(t *testing.T) {
	const tpl = `Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: HTTP
      CorsConfiguration:
        AllowOrigins: ["https://app.example.com"]
        AllowMethods: [GET, PUT]
        AllowHeaders: [authorization, content-type]
  Auth:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Api
      AuthorizerType: JWT
      IdentitySource: ["$request.header.Authorization"]
  Default:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: $default
      AuthorizationType: JWT
      AuthorizerId: !Ref Auth
`
	const options = `  Options:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: OPTIONS /{proxy+}
      AuthorizationType: NONE
`
	for _, tc := range []struct {
		desc, text string
		allowed    bool
	}{
		{desc: "the $default route's authorizer catches the preflight", text: tpl},
		{desc: "an OPTIONS /{proxy+} route without authorization takes it first", text: tpl + options, allowed: true},
	} {
		s := explain.Scenario{Request: explain.Request{Origin: "https://app.example.com", URL: "https://abc123.execute-api.us-east-1.amazonaws.com/items",
			Init: fetch.Init{Method: "PUT", Headers: headers.List{{Name: "Authorization", Value: "Bearer t"}, {Name: "Content-Type", Value: "application/json"}}}},
			Policy: &explain.Policy{Format: "cloudformation", Text: tc.text}}
		v, err := explain.Explain(s, explain.Options{Formats: registry()})
		if err != nil {
			t.Fatal(err)
		}
		if v.Allowed != tc.allowed || !tc.allowed && (v.Preflight.Reply == nil || v.Preflight.Reply.Status != 401) {
			t.Errorf("%s: allowed %v (%s), preflight %+v", tc.desc, v.Allowed, v.Reason, v.Preflight.Reply)
		}
		postest.DefaultAuthorizer(t, registry(), tc.desc, tc.text, "cloudformation", tc.allowed)
	}
}

// TestNoRouteGetsNoReplies: a request no method of a REST API takes gets
// API Gateway's 403 Missing Authentication Token, which no CORS header
// turns into the API's answer: no replies to write (the verdict names
// the missing route). Tried as a new user would, the fix turned the 403
// into a readable one; the summary said only "answered the preflight
// 403", the missing route a screen lower, and that step cited S3's CORS
// page.
func TestNoRouteGetsNoReplies(t *testing.T) {
	const tpl = samOrders + `        List:
          Type: Api
          Properties:
            Path: /orders
            Method: get
`
	for _, url := range []string{"https://abc123.execute-api.us-east-1.amazonaws.com/Prod/order", "https://abc123.execute-api.us-east-1.amazonaws.com/Prod/orders"} {
		s := explain.Scenario{Request: explain.Request{Origin: "https://app.example.com", URL: url, Init: fetch.Init{Method: "PUT"}},
			Policy: &explain.Policy{Format: "cloudformation", Text: tpl}}
		v, err := explain.Explain(s, advise.Options(registry()))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range v.Fixes {
			if f.Format == "headers" {
				t.Errorf("%s: a fix of replies (%s)", url, f.Summary)
			}
		}
		if !strings.HasSuffix(url, "/order") {
			continue // the path has a route: its preflight passes, PUT is refused
		}
		if !strings.Contains(v.Summary, "answered the preflight 403") || !strings.Contains(v.Summary, "(its methods: GET /orders)") {
			t.Errorf("%s: summary %q does not name the methods the API has", url, v.Summary)
		}
		for _, st := range v.Steps {
			if st.ID == "server.preflight" && !strings.Contains(st.Spec, "supported-gateway-response-types") {
				t.Errorf("%s: the server step rests on %q, want API Gateway's gateway responses", url, st.Spec)
			}
		}
	}
}

// samOrders is a SAM template whose Globals.Api.Cors allows GET and POST
// from https://app.example.com, up to its function's Events.
const samOrders = `Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Cors:
      AllowMethods: "'GET,POST,OPTIONS'"
      AllowOrigin: "'https://app.example.com'"
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Events:
`

// TestHTTPAPIPreflightRouteFix: a SAM HttpApi whose $default route has
// the API's DefaultAuthorizer refuses every preflight with its 401
// (http-api-cors.html, "Configuring CORS for an HTTP API with a $default
// route and an authorizer": add an OPTIONS /{proxy+} route without
// authorization). The fix adds that event beside the $default one, on
// the same function and API, where it was raw replies to write (tried as
// a new user would).
func TestHTTPAPIPreflightRouteFix(t *testing.T) {
	const tpl = `Transform: AWS::Serverless-2016-10-31
Resources:
  NotesApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [https://notes.example.com]
        AllowMethods: [GET, POST]
        AllowHeaders: [content-type, authorization]
      Auth:
        DefaultAuthorizer: Cognito
        Authorizers:
          Cognito:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc
              audience: [client123]
  NotesFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: notes.handler
      Runtime: nodejs20.x
      Events:
        Create:
          Type: HttpApi
          Properties:
            ApiId: !Ref NotesApi
            Path: $default
            Method: any
`
	s := explain.Scenario{Request: explain.Request{Origin: "https://notes.example.com", URL: "https://k3n9x2.execute-api.eu-west-1.amazonaws.com/notes",
		Init: fetch.Init{Method: "POST", Headers: headers.List{{Name: "Content-Type", Value: "application/json"}, {Name: "Authorization", Value: "Bearer x"}}}},
		Policy: &explain.Policy{Format: "cloudformation", Text: tpl}}
	v, err := explain.Explain(s, advise.Options(registry()))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || len(v.Fixes) == 0 {
		t.Fatalf("allowed %v, %d fixes", v.Allowed, len(v.Fixes))
	}
	f := v.Fixes[0]
	for _, want := range []string{"+        CorsPreflight:", "+            ApiId: !Ref NotesApi", "+            Path: /{proxy+}", "+            Method: options", "+              Authorizer: NONE"} {
		if f.Format != "cloudformation" || !strings.Contains(f.Diff, want) {
			t.Errorf("fix 1 (%s) lacks %q:\n%s", f.Format, want, f.Diff)
		}
	}
}

// TestGatewayErrorsNamesWhatIsMissing: apigw-rest-gateway-errors names
// only the gateway responses the API lacks (found as a new user would:
// it asked for DEFAULT_4XX beside the template's own).
func TestGatewayErrorsNamesWhatIsMissing(t *testing.T) {
	const tpl = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors:
        AllowOrigin: "'https://shop.example.com'"
      GatewayResponses:
        DEFAULT_4XX:
          ResponseParameters:
            Headers:
              Access-Control-Allow-Origin: "'https://shop.example.com'"
`
	fs, err := lint.Lint(registry(), tpl, "cloudformation")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == "apigw-rest-gateway-errors" {
			if !strings.Contains(f.Message, "own 5xx replies") || !strings.Contains(f.Message, "response DEFAULT_5XX adds them") || strings.Contains(f.Message, "DEFAULT_4XX") {
				t.Errorf("message: %s", f.Message)
			}
			return
		}
	}
	t.Errorf("no apigw-rest-gateway-errors: %+v", fs)
}

// TestGlobalsFixStaysInItsResource: a fix of a SAM API that takes the
// Globals' CorsConfiguration goes into its own (which SAM appends to the
// Globals' lists), so that the other APIs stay as they were; an API with
// no configuration of its own gets no edit of the Globals others share.
// Found by an adversarial review: the origin went into the Globals, and
// every API allowed it (aws-sam-translator 1.110's output).
func TestGlobalsFixStaysInItsResource(t *testing.T) {
	const tpl = `Transform: AWS::Serverless-2016-10-31
Globals:
  HttpApi:
    CorsConfiguration:
      AllowOrigins:
        - https://www.example.com
      AllowMethods: [GET]
Resources:
  PublicApi:
    Type: AWS::Serverless::HttpApi
  AdminApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowHeaders:
          - authorization
`
	ask := func(text, resource string) explain.Verdict {
		t.Helper()
		s := explain.Scenario{Request: explain.Request{Origin: "https://admin.example.com", URL: "https://x.execute-api.us-east-1.amazonaws.com/x"},
			Policy: &explain.Policy{Format: "cloudformation", Text: text, Resource: resource}}
		v, err := explain.Explain(s, advise.Options(registry()))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := ask(tpl, "AdminApi")
	if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Format != "cloudformation" || !strings.Contains(v.Fixes[0].Diff, "+        AllowOrigins:\n+          - https://admin.example.com") {
		t.Fatalf("AdminApi's fix: %+v", v.Fixes)
	}
	if after := ask(v.Fixes[0].Text, "PublicApi"); after.Allowed {
		t.Errorf("after AdminApi's fix PublicApi allows https://admin.example.com:\n%s", v.Fixes[0].Text)
	}
	if after := ask(v.Fixes[0].Text, "AdminApi"); !after.Allowed {
		t.Errorf("AdminApi's fix does not let its fetch through: %s", after.Summary)
	}
	for _, f := range ask(tpl, "PublicApi").Fixes {
		if f.Format == "cloudformation" && strings.Contains(f.Diff, "Globals") {
			t.Errorf("PublicApi's fix edits the Globals AdminApi shares:\n%s", f.Diff)
		}
	}
}
