package apigw_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
)

// The documents the integration layer's expected values rest on
// (documentation only: no AWS account runs here).
const (
	docProxy = "how-to-cors.md: with a proxy integration the back end returns Access-Control-Allow-Origin, \"because a proxy integration doesn't return an integration response\""
	docIR    = "api-gateway-integration-settings-integration-response.html (a selection pattern is matched against an HTTP back end's status; no pattern: the default response); IntegrationResponse ResponseParameters (static values in single quotes)"
	docMock  = "how-to-cors-console.md (the OPTIONS mock answers with its static headers)"
)

// TestIntegrationLayer: the actual method's integration decides the
// reply and the verdict names it (decided_by integration, at the
// method), for each integration kind, a back end's reply with and
// without the CORS header, and the preflight, which the OPTIONS mock
// answers whatever the integration.
func TestIntegrationLayer(t *testing.T) {
	nonProxy := []apigw.IntegrationResponse{
		{StatusCode: 200, Headers: headers.List{{Name: "Access-Control-Allow-Origin", Value: "'https://app.test'"}}},
		{StatusCode: 400, SelectionPattern: `4\d{2}`},
		{StatusCode: 502, SelectionPattern: `5\d{2}`, Headers: headers.List{{Name: "Access-Control-Allow-Origin", Value: "integration.response.header.X-Origin"}}},
	}
	with := headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.test"}, {Name: "X-Origin", Value: "https://app.test"}}
	tests := []struct {
		desc        string
		integration string
		responses   []apigw.IntegrationResponse
		method      string
		app         policy.Reply
		status      int
		acao        string // "" for none
		layer       string // "" for none
		failed      string // the trace's Failed
		source      string
	}{
		{desc: "Lambda proxy, the function returns the header", integration: apigw.LambdaProxy, method: "GET", app: policy.Reply{Status: 200, Header: with},
			status: 200, acao: "https://app.test", layer: "integration", source: docProxy},
		{desc: "Lambda proxy, the function returns none", integration: apigw.LambdaProxy, method: "GET", app: policy.Reply{Status: 200},
			status: 200, layer: "integration", failed: "integration", source: docProxy},
		{desc: "Lambda proxy, the function's 500 without the header", integration: apigw.LambdaProxy, method: "POST", app: policy.Reply{Status: 500},
			status: 500, layer: "integration", failed: "integration", source: docProxy},
		{desc: "Lambda proxy, the function returns another origin", integration: apigw.LambdaProxy, method: "GET",
			app:    policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://other.test"}}},
			status: 200, acao: "https://other.test", layer: "integration", failed: "integration", source: docProxy},
		{desc: "HTTP proxy, the back end returns *", integration: apigw.HTTPProxy, method: "GET",
			app:    policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}},
			status: 200, acao: "*", layer: "integration", source: docProxy},
		{desc: "HTTP proxy, the back end returns none", integration: apigw.HTTPProxy, method: "GET", app: policy.Reply{Status: 200},
			status: 200, layer: "integration", failed: "integration", source: docProxy},
		{desc: "non-proxy, back end 200: the default response's static value", integration: apigw.NonProxy, responses: nonProxy, method: "GET", app: policy.Reply{Status: 200},
			status: 200, acao: "https://app.test", layer: "integration", source: docIR},
		{desc: "non-proxy, back end 404: the 4\\d{2} response maps none, and the back end's own header is not passed on", integration: apigw.NonProxy, responses: nonProxy, method: "GET", app: policy.Reply{Status: 404, Header: with},
			status: 400, layer: "integration", failed: "integration", source: docIR},
		{desc: "non-proxy, back end 503: the 5\\d{2} response maps the back end's X-Origin", integration: apigw.NonProxy, responses: nonProxy, method: "GET", app: policy.Reply{Status: 503, Header: with},
			status: 502, acao: "https://app.test", layer: "integration", source: docIR + " (integration.response.header.NAME)"},
		{desc: "Enable CORS's non-proxy model: 200 gets the static origin", integration: apigw.NonProxy, method: "GET", app: policy.Reply{Status: 200},
			status: 200, acao: "https://app.test", source: "cloud-policies.md §5.2 (Access-Control-Allow-Origin on the 200 method response)"},
		{desc: "Enable CORS's non-proxy model: a 500 has none, the integration decided", integration: apigw.NonProxy, method: "GET", app: policy.Reply{Status: 500},
			status: 500, layer: "integration", failed: "status", source: "cloud-policies.md §5.2 (the 200 only)"},
		{desc: "preflight with a Lambda proxy method: the OPTIONS mock answers", integration: apigw.LambdaProxy, method: "OPTIONS", app: policy.Reply{Status: 200},
			status: 200, acao: "https://app.test", source: docMock},
		{desc: "preflight with a non-proxy method: the OPTIONS mock answers", integration: apigw.NonProxy, responses: nonProxy, method: "OPTIONS", app: policy.Reply{Status: 500},
			status: 200, acao: "https://app.test", source: docMock},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			c, err := apigw.ParseREST(`{"RestApiCors":{"AllowOrigin":"'https://app.test'","AllowMethods":["GET","POST","OPTIONS"],
  "Integration":"` + tc.integration + `"}}`)
			if err != nil {
				t.Fatal(err)
			}
			c.Method, c.Responses = "GetItems", tc.responses
			req := policy.Request{Method: tc.method, URL: "https://x1.execute-api.us-east-1.amazonaws.com/prod/items", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
			if tc.method == "OPTIONS" {
				req.Header.Add("Access-Control-Request-Method", "POST")
			}
			o := c.Respond(req, tc.app)
			acao, _ := o.Reply.Header.Get("Access-Control-Allow-Origin")
			layer := ""
			if o.DecidedBy != nil {
				layer = o.DecidedBy.Layer
			}
			if o.Reply.Status != tc.status || acao != tc.acao || layer != tc.layer {
				t.Fatalf("got %d ACAO %q layer %q, want %d ACAO %q layer %q (%s)", o.Reply.Status, acao, layer, tc.status, tc.acao, tc.layer, tc.source)
			}
			if layer == "integration" && (o.DecidedBy.Resource != "GetItems" || o.DecidedBy.Line != 2 || o.DecidedBy.Column != 17) {
				t.Errorf("decided_by %+v, want GetItems at 2:17 (the Integration value)", o.DecidedBy)
			}
			failed := ""
			for _, r := range o.Rules {
				failed = r.Failed
			}
			if failed != tc.failed {
				t.Errorf("the trace fails on %q, want %q", failed, tc.failed)
			}
			if tc.failed == "integration" {
				// The words say whose headers answer and where the fix goes.
				d := o.Detail(o.Rules[0])
				want := "the fix is the reply it must return"
				if tc.integration == apigw.NonProxy {
					want = "maps no Access-Control-Allow-Origin"
				}
				if !strings.Contains(d, want) || !strings.Contains(d, "integration") {
					t.Errorf("detail %q lacks %q", d, want)
				}
			}
		})
	}
}

// TestSelectResponse: the integration response a back end's status
// selects: the first whose pattern matches the whole code, else the
// default (api-gateway-integration-settings-integration-response.html).
func TestSelectResponse(t *testing.T) {
	rs := []apigw.IntegrationResponse{{StatusCode: 200}, {StatusCode: 400, SelectionPattern: `4\d{2}`}, {StatusCode: 500, SelectionPattern: `5.*`}, {StatusCode: 404, SelectionPattern: `404`}}
	for _, tc := range []struct {
		desc    string
		rs      []apigw.IntegrationResponse
		status  int
		want    int
		pattern string
	}{
		{desc: "a 2xx matches no pattern: the default", rs: rs, status: 201, want: 0, pattern: "default"},
		{desc: "the first matching pattern wins over a later exact one", rs: rs, status: 404, want: 1, pattern: `4\d{2}`},
		{desc: "the whole code must match: 5.* holds 503", rs: rs, status: 503, want: 2, pattern: `5.*`},
		{desc: "no default and no match: none", rs: rs[1:], status: 200, want: -1, pattern: "default"},
		{desc: "a pattern that is no regular expression matches nothing", rs: []apigw.IntegrationResponse{{StatusCode: 500, SelectionPattern: `(`}}, status: 500, want: -1, pattern: "default"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			i, p := apigw.SelectResponse(tc.rs, tc.status)
			if i != tc.want || p != tc.pattern {
				t.Errorf("got %d %q, want %d %q", i, p, tc.want, tc.pattern)
			}
		})
	}
}
