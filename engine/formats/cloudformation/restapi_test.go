package cloudformation_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// The documents a plain REST API's expected values rest on (no AWS
// account runs here: documentation only).
const (
	docProxy   = "how-to-cors.md (a proxy integration: the back end returns Access-Control-Allow-Origin)"
	docConsole = "how-to-cors-console.md, cloud-policies.md §5.2 (the OPTIONS mock's static headers)"
	docIR      = "api-gateway-integration-settings-integration-response.html and IntegrationResponse SelectionPattern (the status code is matched; no pattern: the default response)"
	docMissing = "supported-gateway-response-types.html (MISSING_AUTHENTICATION_TOKEN: 403, a method or resource the API does not have)"
	docCDK     = "cdk synth of RestApi defaultCorsPreflightOptions: an OPTIONS MOCK on every resource, integration response 204 (aws-cdk-lib/aws-apigateway CorsOptions.statusCode, default 204)"
)

// line is the 1-based line of the first occurrence of s in text.
func line(t *testing.T, text, s string) int {
	t.Helper()
	i := strings.Index(text, s)
	if i < 0 {
		t.Fatalf("%q is not in the template", s)
	}
	return strings.Count(text[:i], "\n") + 1
}

// TestRESTAPIMethods: a plain REST API answers each request with the
// method of its path and method: the OPTIONS mock's mapped headers, a
// proxy's back end as it is, a non-proxy's integration response chosen
// by the back end's status, a mock's by its request template; the
// verdict names the layer (cors-rule for the mock's headers,
// integration for the actual method's, gateway-response for API
// Gateway's own 403, authorizer), the method and its line.
func TestRESTAPIMethods(t *testing.T) {
	yaml, cdk := readFile(t, "rest-api.yaml"), readFile(t, "cdk-rest.template.json")
	// cdk without the OPTIONS method of {proxy+}: its ANY takes the
	// preflight, through its Cognito authorizer; and without the
	// authorizer, to the function.
	cdkNoOptions := strings.Replace(cdk, `"NotesApiproxyOPTIONS3A4B5C6D"`, `"NotesApiproxyUnused"`, 1)
	cdkNoOptions = strings.Replace(cdkNoOptions, `"ResourceId": {"Ref": "NotesApiproxy9C0D1E2F"},
        "RestApiId": {"Ref": "NotesApi4A1B2C3D"},
        "AuthorizationType": "NONE"`, `"ResourceId": {"Ref": "NotesApiproxyUnusedResource"},
        "RestApiId": {"Ref": "NotesApi4A1B2C3D"},
        "AuthorizationType": "NONE"`, 1)
	cdkOpen := strings.Replace(cdkNoOptions, `"AuthorizationType": "COGNITO_USER_POOLS",`, `"AuthorizationType": "NONE",`, 1)
	const items = "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod"
	const notes = "https://n0t3s.execute-api.eu-west-1.amazonaws.com/prod"
	acao := func(v string) headers.List { return headers.List{{Name: "Access-Control-Allow-Origin", Value: v}} }
	tests := []struct {
		desc, text, method, url, origin, acrh string
		unauthorized                          bool
		app                                   policy.Reply
		status                                int
		acao                                  string // "" for none
		layer, resource, at                   string // at: the text that starts the line decided_by names
		failed                                string // the trace's Failed, "" when it matched
		source                                string
	}{
		{desc: "preflight: the OPTIONS mock's 200 maps its three static headers", text: yaml, method: "OPTIONS", url: items + "/items", origin: "https://app.example.com", acrh: "content-type",
			status: 200, acao: "https://app.example.com", layer: "cors-rule", resource: "ItemsOptions", at: "  ItemsOptions:", source: docConsole},
		{desc: "AWS_PROXY, the function returns no Access-Control-Allow-Origin", text: yaml, method: "GET", url: items + "/items", origin: "https://app.example.com",
			app:    policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "application/json"}}},
			status: 200, layer: "integration", resource: "ListItems", at: "  ListItems:", failed: "integration", source: docProxy},
		{desc: "AWS_PROXY, the function returns the page's origin", text: yaml, method: "GET", url: items + "/items", origin: "https://app.example.com",
			app:    policy.Reply{Status: 200, Header: acao("https://app.example.com")},
			status: 200, acao: "https://app.example.com", layer: "integration", resource: "ListItems", at: "  ListItems:", source: docProxy},
		{desc: "AWS_PROXY, the function returns another origin", text: yaml, method: "GET", url: items + "/items", origin: "https://app.example.com",
			app:    policy.Reply{Status: 200, Header: acao("https://admin.example.com")},
			status: 200, acao: "https://admin.example.com", layer: "integration", resource: "ListItems", at: "  ListItems:", failed: "integration", source: docProxy},
		{desc: "HTTP_PROXY on /items/{id}, the back end returns none", text: yaml, method: "GET", url: items + "/items/42", origin: "https://app.example.com",
			app:    policy.Reply{Status: 200},
			status: 200, layer: "integration", resource: "GetItem", at: "  GetItem:", failed: "integration", source: docProxy},
		{desc: "HTTP_PROXY, the back end returns *", text: yaml, method: "GET", url: items + "/items/42", origin: "https://app.example.com",
			app:    policy.Reply{Status: 200, Header: acao("*")},
			status: 200, acao: "*", layer: "integration", resource: "GetItem", at: "  GetItem:", source: docProxy},
		{desc: "HTTP non-proxy, back end 200: the default response maps the origin", text: yaml, method: "POST", url: items + "/items", origin: "https://app.example.com",
			app:    policy.Reply{Status: 200, Header: acao("https://elsewhere.example")},
			status: 200, acao: "https://app.example.com", layer: "integration", resource: "CreateItem", at: "  CreateItem:", source: docIR + "; the back end's own headers are not passed on"},
		{desc: "HTTP non-proxy, back end 404: pattern 4\\d{2} selects the 400 response, which maps no header", text: yaml, method: "POST", url: items + "/items", origin: "https://app.example.com",
			app:    policy.Reply{Status: 404, Header: acao("https://app.example.com")},
			status: 400, layer: "integration", resource: "CreateItem", at: "  CreateItem:", failed: "integration", source: docIR},
		{desc: "HTTP non-proxy, back end 500: no pattern matches, the default (200) response answers with its header", text: yaml, method: "POST", url: items + "/items", origin: "https://app.example.com",
			app:    policy.Reply{Status: 500},
			status: 200, acao: "https://app.example.com", layer: "integration", resource: "CreateItem", at: "  CreateItem:", source: docIR},
		{desc: "AWS (Lambda non-proxy): its 200 response maps no header, the function's own are dropped", text: yaml, method: "PUT", url: items + "/items/42", origin: "https://app.example.com",
			app:    policy.Reply{Status: 200, Header: acao("https://app.example.com")},
			status: 200, layer: "integration", resource: "UpdateItem", at: "  UpdateItem:", failed: "integration", source: docIR + "; how-to-cors.md (non-proxy: the method response and integration response settings)"},
		{desc: "MOCK GET: the request template's 200 selects the response mapping '*'", text: yaml, method: "GET", url: items + "/health", origin: "https://app.example.com",
			app:    policy.Reply{Status: 503},
			status: 200, acao: "*", layer: "integration", resource: "Health", at: "  Health:", source: "how-to-mock-integration-console.html (the request template's statusCode selects the integration response)"},
		{desc: "preflight of /items/{id}: no OPTIONS method there, API Gateway's 403", text: yaml, method: "OPTIONS", url: items + "/items/42", origin: "https://app.example.com",
			status: 403, layer: "gateway-response", resource: "ItemsApi", at: "  ItemsApi:", source: docMissing},
		{desc: "API Gateway's own 429 on GET /items, no gateway response: that layer, not the function", text: yaml, method: "GET", url: items + "/items", origin: "https://app.example.com",
			app:    policy.Reply{Status: 429, Header: headers.List{{Name: "x-amzn-ErrorType", Value: "TooManyRequestsException"}}},
			status: 429, layer: "gateway-response", resource: "ItemsApi", at: "  ItemsApi:", failed: "status", source: "supported-gateway-response-types.html (THROTTLED 429); cloud-policies.md §5.2 (API Gateway's errors get CORS headers only from gateway responses)"},
		{desc: "DELETE /items: no such method, 403", text: yaml, method: "DELETE", url: items + "/items", origin: "https://app.example.com",
			status: 403, layer: "gateway-response", resource: "ItemsApi", at: "  ItemsApi:", source: docMissing},
		{desc: "cdk: the preflight of /{proxy+} is its OPTIONS mock's 204", text: cdk, method: "OPTIONS", url: notes + "/notes/7", origin: "https://notes.example.com", acrh: "authorization",
			status: 204, acao: "https://notes.example.com", layer: "cors-rule", resource: "NotesApiproxyOPTIONS3A4B5C6D", at: `    "NotesApiproxyOPTIONS3A4B5C6D"`, source: docCDK},
		{desc: "cdk: the root's own OPTIONS mock", text: cdk, method: "OPTIONS", url: notes + "/", origin: "https://notes.example.com",
			status: 204, acao: "https://notes.example.com", layer: "cors-rule", resource: "NotesApiOPTIONS5E6F7A8B", at: `    "NotesApiOPTIONS5E6F7A8B"`, source: docCDK},
		{desc: "cdk: ANY on {proxy+} is the function's; it returned no header", text: cdk, method: "GET", url: notes + "/notes/7", origin: "https://notes.example.com",
			app:    policy.Reply{Status: 200},
			status: 200, layer: "integration", resource: "NotesApiproxyANY7E8F9A0B", at: `    "NotesApiproxyANY7E8F9A0B"`, failed: "integration", source: docProxy},
		{desc: "cdk: the Cognito authorizer refuses the caller before the function", text: cdk, method: "GET", url: notes + "/notes/7", origin: "https://notes.example.com", unauthorized: true,
			app:    policy.Reply{Status: 200, Header: acao("https://notes.example.com")},
			status: 401, layer: "authorizer", resource: "NotesAuthorizer1C2D3E4F", at: `        "AuthorizationType": "COGNITO_USER_POOLS"`, failed: "authorizer", source: "supported-gateway-response-types.html (UNAUTHORIZED 401); apigateway-integrate-with-cognito.html"},
		{desc: "cdk without the proxy's OPTIONS: ANY takes the preflight, and its authorizer finds no token: 401", text: cdkNoOptions, method: "OPTIONS", url: notes + "/notes/7", origin: "https://notes.example.com",
			status: 401, layer: "authorizer", resource: "NotesAuthorizer1C2D3E4F", at: `        "AuthorizationType": "COGNITO_USER_POOLS"`, failed: "authorizer", source: "Fetch: a preflight carries no credentials; supported-gateway-response-types.html (UNAUTHORIZED 401)"},
		{desc: "cdk without the proxy's OPTIONS nor an authorizer: the function gets the preflight", text: cdkOpen, method: "OPTIONS", url: notes + "/notes/7", origin: "https://notes.example.com",
			app:    policy.Reply{Status: 200},
			status: 200, layer: "integration", resource: "NotesApiproxyANY7E8F9A0B", at: `    "NotesApiproxyANY7E8F9A0B"`, failed: "integration", source: docProxy + "; ANY takes every method, OPTIONS included"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			ev := parse(t, policy.Source{Text: tc.text})
			acrm := ""
			if tc.method == "OPTIONS" {
				acrm = "GET"
			}
			req := request(tc.method, tc.url, tc.origin, acrm, tc.acrh)
			req.Unauthorized = tc.unauthorized
			o := ev.Respond(req, tc.app)
			got, _ := o.Reply.Header.Get("Access-Control-Allow-Origin")
			p := o.DecidedBy
			if o.Reply.Status != tc.status || got != tc.acao || p == nil || p.Layer != tc.layer || p.Resource != tc.resource {
				t.Fatalf("got %d ACAO %q decided by %+v, want %d ACAO %q by %s %s (%s)", o.Reply.Status, got, p, tc.status, tc.acao, tc.layer, tc.resource, tc.source)
			}
			if want := line(t, tc.text, tc.at); p.Line != want || p.Column < 1 {
				t.Errorf("decided_by at %d:%d, want line %d (%q)", p.Line, p.Column, want, tc.at)
			}
			failed := ""
			for _, r := range o.Rules {
				failed = r.Failed
			}
			if failed != tc.failed {
				t.Errorf("the trace fails on %q, want %q (%s)", failed, tc.failed, tc.source)
			}
		})
	}
}

// TestRESTAPIFindings: what API Gateway refuses when the stack deploys
// is found at its position: an unquoted ResponseParameters literal
// ("Invalid mapping expression specified", aws/aws-cdk#11306), a
// header the method response does not declare ("Invalid mapping
// expression parameter specified", deliveryhero/serverless-aws-documentation#91),
// an integration response status without a method response ("No method
// response exists for method.", amazon-archives/aws-apigateway-importer#121);
// the header so refused is not sent.
func TestRESTAPIFindings(t *testing.T) {
	base := readFile(t, "rest-api.yaml")
	tests := []struct {
		desc, text, code, at string
	}{
		{desc: "an unquoted origin", code: "cfn-apigw-unquoted-value",
			text: strings.Replace(base, `Access-Control-Allow-Origin: "'https://app.example.com'"`, `Access-Control-Allow-Origin: https://app.example.com`, 1),
			at:   "              method.response.header.Access-Control-Allow-Origin: https://app.example.com"},
		{desc: "a mapped header the 200 method response does not declare", code: "cfn-apigw-undeclared-header",
			text: strings.Replace(base, "            method.response.header.Access-Control-Allow-Origin: true\n", "", 1),
			at:   "              method.response.header.Access-Control-Allow-Origin"},
		{desc: "'*' with credentials 'true' in the mock, which API Gateway deploys and browsers refuse (found as a new user would: it linted clean, where SAM's Cors says so)", code: "cfn-apigw-star-credentials",
			text: strings.NewReplacer(
				`              method.response.header.Access-Control-Allow-Origin: "'https://app.example.com'"`+"\n      MethodResponses:",
				`              method.response.header.Access-Control-Allow-Origin: "'*'"`+"\n"+`              method.response.header.Access-Control-Allow-Credentials: "'true'"`+"\n      MethodResponses:",
				"            method.response.header.Access-Control-Allow-Origin: true\n\n  ListItems:",
				"            method.response.header.Access-Control-Allow-Origin: true\n            method.response.header.Access-Control-Allow-Credentials: true\n\n  ListItems:").Replace(base),
			at: `              method.response.header.Access-Control-Allow-Origin: "'*'"`},
		{desc: "a status without a method response", code: "cfn-apigw-no-method-response",
			text: strings.Replace(base, "\n        - StatusCode: \"400\"\n", "\n", 1),
			at:   "          - StatusCode: \"400\""},
	}
	f := cloudformation.Formats()[0].(lint.TextChecker)
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var found bool
			for _, x := range f.CheckText(tc.text) {
				if x.Code != tc.code {
					continue
				}
				found = true
				if want := line(t, tc.text, tc.at); x.Pos.Line != want || x.Pos.Column < 1 {
					t.Errorf("%s at %d:%d, want line %d", x.Code, x.Pos.Line, x.Pos.Column, want)
				}
			}
			if !found {
				t.Fatalf("no %s finding", tc.code)
			}
			if tc.code == "cfn-apigw-no-method-response" {
				return
			}
			// The preflight's mock no longer sends the refused origin.
			ev := parse(t, policy.Source{Text: tc.text})
			o := ev.Respond(request("OPTIONS", "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod/items", "https://app.example.com", "GET", ""), policy.Reply{})
			if v, ok := o.Reply.Header.Get("Access-Control-Allow-Origin"); ok && tc.code == "cfn-apigw-unquoted-value" {
				t.Errorf("the unquoted origin is sent: %q", v)
			}
		})
	}
	for _, x := range f.CheckText(base) {
		if strings.HasPrefix(x.Code, "cfn-apigw-") {
			t.Errorf("the golden template has a finding: %+v", x)
		}
	}
}

// TestRESTAPIExplain: through the explainer and its fix search, a
// preflight the OPTIONS mock refuses is fixed in the template (the
// header inside the mock's quoted value), and an actual request whose
// Lambda proxy returned no Access-Control-Allow-Origin names the
// integration layer and is fixed by the reply the function must return
// (its code is not in the template).
func TestRESTAPIExplain(t *testing.T) {
	text := readFile(t, "rest-api.yaml")
	const url = "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod/items"
	scenario := func(method string, hdrs [][]string, reply map[string]any) map[string]any {
		return map[string]any{"browser": "chrome",
			"request":  map[string]any{"origin": "https://app.example.com", "url": url, "method": method, "headers": hdrs},
			"response": reply,
			"policy":   map[string]any{"format": "cloudformation", "files": []map[string]string{{"name": "template.yaml", "text": text}}}}
	}
	t.Run("the mock's Access-Control-Allow-Headers lacks the page's header: the template's value gets it", func(t *testing.T) {
		v := explainScenario(t, scenario("POST", [][]string{{"Content-Type", "application/json"}, {"X-Request-Id", "7"}}, map[string]any{"status": 200}))
		if v.Allowed || v.DecidedBy == nil || v.DecidedBy.Layer != "cors-rule" || v.DecidedBy.Resource != "ItemsOptions" {
			t.Fatalf("allowed %v decided by %+v, want blocked by ItemsOptions (%s)", v.Allowed, v.DecidedBy, docConsole)
		}
		if len(v.Fixes) == 0 || v.Fixes[0].Format != "cloudformation" ||
			!strings.Contains(v.Fixes[0].Diff, `+              method.response.header.Access-Control-Allow-Headers: "'Content-Type,X-Amz-Date,Authorization,x-request-id'"`) {
			t.Fatalf("fixes %+v, want the template's Access-Control-Allow-Headers edited", v.Fixes)
		}
	})
	t.Run("the Lambda proxy returned no Access-Control-Allow-Origin: integration, and the reply to return", func(t *testing.T) {
		v := explainScenario(t, scenario("GET", nil, map[string]any{"status": 200, "headers": [][]string{{"Content-Type", "application/json"}}}))
		p := v.DecidedBy
		if v.Allowed || p == nil || p.Layer != "integration" || p.Resource != "ListItems" || p.File != "template.yaml" || p.Line != line(t, text, "  ListItems:") {
			t.Fatalf("allowed %v decided by %+v, want blocked by the integration of ListItems (%s)", v.Allowed, p, docProxy)
		}
		for _, w := range []string{"by the integration of ListItems (template.yaml, line", "the function's own headers are the CORS answer", "the fix is the reply it must return"} {
			if !strings.Contains(v.Summary, w) {
				t.Errorf("summary lacks %q: %s", w, v.Summary)
			}
		}
		if len(v.Fixes) == 0 || v.Fixes[0].Format != "headers" || !strings.Contains(v.Fixes[0].Text, "Access-Control-Allow-Origin: https://app.example.com") {
			t.Fatalf("fixes %+v, want the reply with Access-Control-Allow-Origin", v.Fixes)
		}
	})
}

// TestRESTAPIIntegrationFix: a non-proxy method whose 400 integration
// response maps no Access-Control-Allow-Origin is fixed in the template:
// the 400 response maps the page's origin and its method response
// declares it (the integration layer's edit, fix.LayerEditor).
func TestRESTAPIIntegrationFix(t *testing.T) {
	text := readFile(t, "rest-api.yaml")
	v := explainScenario(t, map[string]any{"browser": "chrome",
		"request":  map[string]any{"origin": "https://app.example.com", "url": "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod/items", "method": "POST"},
		"response": map[string]any{"status": 422},
		"policy":   map[string]any{"format": "cloudformation", "text": text}})
	if v.Allowed || v.DecidedBy == nil || v.DecidedBy.Layer != "integration" || v.DecidedBy.Resource != "CreateItem" {
		t.Fatalf("allowed %v decided by %+v, want blocked by CreateItem's integration (%s)", v.Allowed, v.DecidedBy, docIR)
	}
	if len(v.Fixes) == 0 || v.Fixes[0].Format != "cloudformation" {
		t.Fatalf("fixes %+v, want an edit of the template", v.Fixes)
	}
	for _, w := range []string{"+            ResponseParameters:\n+              method.response.header.Access-Control-Allow-Origin: \"'https://app.example.com'\"",
		"+          ResponseParameters:\n+            method.response.header.Access-Control-Allow-Origin: true"} {
		if !strings.Contains(v.Fixes[0].Diff, w) {
			t.Errorf("the fix lacks %q:\n%s", w, v.Fixes[0].Diff)
		}
	}
}

// TestSAMRouteNotGiven: a SAM API whose methods come from its functions'
// events alone answers a path or method no event gives 403 Missing
// Authentication Token, as API Gateway answers a resource or method the
// API does not have (docs.aws.amazon.com/apigateway/latest/developerguide/
// supported-gateway-response-types.html, MISSING_AUTHENTICATION_TOKEN;
// repost.aws/knowledge-center/api-gateway-authentication-token-errors).
// Tried as a new user would, /Prod/nothing/here was "answered 200 by
// the integration". A preflight to a path of an event is SAM's OPTIONS.
func TestSAMRouteNotGiven(t *testing.T) {
	const text = `Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    Cors: "'*'"
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.h
      Runtime: nodejs20.x
      Events:
        Put:
          Type: Api
          Properties:
            Path: /items/{id}
            Method: put
`
	tpl, err := cloudformation.Read(policy.Source{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	const base = "https://abc.execute-api.us-east-1.amazonaws.com/Prod"
	for _, tc := range []struct {
		method, path, acrm string
		status             int
	}{
		{"PUT", "/items/7", "", 200},
		{"GET", "/items/7", "", 403},
		{"PUT", "/nothing/here", "", 403},
		{"OPTIONS", "/items/7", "PUT", 200},
		{"OPTIONS", "/nothing/here", "PUT", 403},
	} {
		h := headers.List{{Name: "Origin", Value: "https://x.example"}}
		if tc.acrm != "" {
			h = append(h, headers.Field{Name: "Access-Control-Request-Method", Value: tc.acrm})
		}
		o := tpl.Respond(policy.Request{Method: tc.method, URL: base + tc.path, Header: h}, policy.Reply{Status: 200})
		if o.Reply.Status != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, o.Reply.Status, tc.status)
		}
		if _, has := o.Reply.Header.Get("Access-Control-Allow-Headers"); has {
			// SAM maps no AllowHeaders it was not given (its
			// swagger.py: "Skip the header if value is empty").
			t.Errorf("%s %s: an Access-Control-Allow-Headers line: %v", tc.method, tc.path, o.Reply.Header)
		}
	}
}
