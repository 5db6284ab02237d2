package apigw_test

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
)

func TestParseHTTP(t *testing.T) {
	tests := []struct {
		desc, text, code, path string
		cites                  string
	}{
		{desc: "credentials with origin * is refused", code: "BadRequestException", path: "$.CorsConfiguration",
			text:  `{"CorsConfiguration":{"AllowOrigins":["*"],"AllowCredentials":true}}`,
			cites: "cloud-policies.md §5.1 (aws/aws-cdk#9076 capture)"},
		{desc: "the documentation's example values are accepted",
			text:  `{"AllowOrigins":["https://www.example.com","https://*"],"AllowMethods":["GET","POST","DELETE","*"],"AllowHeaders":["authorization","*"],"ExposeHeaders":["date","x-api-id","*"],"MaxAge":300}`,
			cites: "cloud-policies.md §5.1 (http-api-cors.html examples)"},
		{desc: "camelCase keys of the API", text: `{"corsConfiguration":{"allowOrigins":["https://a.test"],"allowCredentials":true}}`, cites: "API Gateway v2 API corsConfiguration"},
		{desc: "a wildcard inside a host is refused", code: "BadRequestException", path: "$.AllowOrigins[0]", text: `{"AllowOrigins":["https://*.domain.com"]}`,
			cites: "LocalStack test_apigwv2_cors_crud_validation no-partial-wildcard (markers.aws.validated)"},
		{desc: "a cut origin is refused", code: "BadRequestException", path: "$.AllowOrigins[0]", text: `{"AllowOrigins":["https:/"]}`,
			cites: "LocalStack test_apigwv2_cors_crud_validation no-partial-origin (markers.aws.validated)"},
		{desc: "credentials with * among other origins", code: "BadRequestException", path: "$", text: `{"AllowOrigins":["http://localhost:3000","*"],"AllowCredentials":true}`,
			cites: "LocalStack test_apigwv2_cors_crud_validation no-credentials-with-wildcard (markers.aws.validated)"},
		{desc: "an unknown method is refused", code: "BadRequestException", path: "$.AllowMethods[0]", text: `{"AllowMethods":["BAD"]}`,
			cites: "LocalStack test_apigwv2_cors_crud_validation bad-allowed-methods (markers.aws.validated)"},
		{desc: "http://* and * alone are accepted", text: `{"AllowOrigins":["http://*"],"AllowMethods":["*"]}`,
			cites: "LocalStack test_wildcard_origin (markers.aws.validated); http-api-cors.html"},
		{desc: "an origin with a port", text: `{"AllowOrigins":["http://localhost:3000"],"AllowMethods":["POST","GET"],"AllowHeaders":["testHeader"],"AllowCredentials":true,"ExposeHeaders":["exposedHeader"],"MaxAge":10}`,
			cites: "LocalStack test_apigwv2_cors_crud_lifecycle (markers.aws.validated)"},
		{desc: "MaxAge above 86400", code: "BadRequestException", path: "$.MaxAge", text: `{"AllowOrigins":["*"],"MaxAge":90000}`, cites: "API reference Cors.MaxAge range (§5.1 [UNVERIFIED])"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := apigw.ParseHTTP(tc.text)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("rejected: %v (%s)", err, tc.cites)
				}
				return
			}
			var es policy.Errors
			if !errors.As(err, &es) || es[0].Code != tc.code || es[0].Path != tc.path {
				t.Fatalf("got %v, want %s at %s (%s)", err, tc.code, tc.path, tc.cites)
			}
		})
	}
}

func TestHTTPRespond(t *testing.T) {
	c, err := apigw.ParseHTTP(`{"AllowOrigins":["https://app.test","http://*"],"AllowMethods":["GET","PUT"],"AllowHeaders":["content-type"],"MaxAge":300,"AllowCredentials":true}`)
	if err != nil {
		t.Fatal(err)
	}
	backend := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}, {Name: "Content-Type", Value: "application/json"}}}
	tests := []struct {
		desc, method, origin, acrm string
		status                     int
		acao, acac                 string
		cites                      string
	}{
		{desc: "preflight answered by API Gateway", method: "OPTIONS", origin: "https://app.test", acrm: "PUT", status: 204, acao: "https://app.test", acac: "true", cites: "§5.1: answers preflight itself [DOC]; 204 [UNVERIFIED]"},
		{desc: "http://* allows any http origin", method: "OPTIONS", origin: "http://localhost:3000", acrm: "GET", status: 204, acao: "http://localhost:3000", acac: "true", cites: "§5.1: http://* form"},
		{desc: "backend's own ACAO is ignored", method: "GET", origin: "https://app.test", status: 200, acao: "https://app.test", acac: "true", cites: "§5.1: ignores CORS headers returned by the backend"},
		{desc: "origin not allowed: backend ACAO stripped, none added", method: "GET", origin: "https://evil.test", status: 200, cites: "§5.1"},
		{desc: "no Origin: no CORS headers", method: "GET", status: 200, cites: "§5.1: CORS headers only if the request has Origin"},
		{desc: "OPTIONS without ACRM goes to the routes, with no CORS headers", method: "OPTIONS", origin: "https://app.test", status: 200, cites: "§5.1 and http-api-cors.html: CORS headers on OPTIONS need Origin and Access-Control-Request-Method"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var h headers.List
			if tc.origin != "" {
				h.Add("Origin", tc.origin)
			}
			if tc.acrm != "" {
				h.Add("Access-Control-Request-Method", tc.acrm)
			}
			out := c.Respond(policy.Request{Method: tc.method, URL: "https://x.execute-api.us-east-1.amazonaws.com/items", Header: h}, backend)
			acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
			acac, _ := out.Reply.Header.Get("Access-Control-Allow-Credentials")
			if out.Reply.Status != tc.status || acao != tc.acao || acac != tc.acac {
				t.Errorf("got %d %q %q, want %d %q %q (%s)", out.Reply.Status, acao, acac, tc.status, tc.acao, tc.acac, tc.cites)
			}
		})
	}
	if backend.Header[0].Name != "Access-Control-Allow-Origin" {
		t.Error("app.Header modified")
	}
}

func TestRESTRespond(t *testing.T) {
	mock, err := apigw.ParseREST(`{"RestApiCors":{"AllowMethods":"'GET,OPTIONS'","AllowOrigin":"'*'","GatewayResponses":["DEFAULT_4XX"]}}`)
	if err != nil {
		t.Fatal(err)
	}
	proxy, err := apigw.ParseREST(`{"RestApiCors":{"AllowMethods":["GET","OPTIONS"],"Integration":"lambda-proxy"}}`)
	if err != nil {
		t.Fatal(err)
	}
	origin := headers.List{{Name: "Origin", Value: "https://app.test"}}
	gwErr := policy.Reply{Status: 403, Header: headers.List{{Name: "x-amzn-ErrorType", Value: "MissingAuthenticationTokenException"}}}
	tests := []struct {
		desc   string
		cfg    *apigw.RESTConfig
		method string
		app    policy.Reply
		status int
		acao   string
		acah   string
		cites  string
	}{
		{desc: "OPTIONS: mock 200 with the static headers", cfg: mock, method: "OPTIONS", status: 200, acao: "*", acah: apigw.DefaultAllowHeaders, cites: "§5.2 console defaults"},
		{desc: "actual 200 gets ACAO", cfg: mock, method: "GET", app: policy.Reply{Status: 200}, status: 200, acao: "*", cites: "§5.2: ACAO on the 200 response only"},
		{desc: "actual 500 from the integration gets nothing", cfg: mock, method: "GET", app: policy.Reply{Status: 500}, status: 500, cites: "§5.2: other status codes need manual config"},
		{desc: "gateway 403 with DEFAULT_4XX gets headers", cfg: mock, method: "GET", app: gwErr, status: 403, acao: "*", acah: apigw.DefaultAllowHeaders, cites: "§5.2: Gateway Responses DEFAULT_4XX"},
		{desc: "lambda proxy: the backend's headers, as sent", cfg: proxy, method: "GET", app: policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://www.example.com"}}}, status: 200, acao: "https://www.example.com", cites: "§5.2 how-to-cors.md: backend is responsible"},
		{desc: "lambda proxy without headers: none", cfg: proxy, method: "GET", app: policy.Reply{Status: 200}, status: 200, cites: "§5.2 how-to-cors.md"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			out := tc.cfg.Respond(policy.Request{Method: tc.method, URL: "/items", Header: origin}, tc.app)
			acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
			acah, _ := out.Reply.Header.Get("Access-Control-Allow-Headers")
			if out.Reply.Status != tc.status || acao != tc.acao || acah != tc.acah {
				t.Errorf("got %d %q %q, want %d %q %q (%s)", out.Reply.Status, acao, acah, tc.status, tc.acao, tc.acah, tc.cites)
			}
		})
	}
}

func TestRESTListOrigin(t *testing.T) {
	// serverless/serverless#3324: "http://localhost:5050,*" breaks browsers.
	if _, err := apigw.ParseREST(`{"RestApiCors":{"AllowMethods":["GET"],"AllowOrigin":"http://localhost:5050,*"}}`); err == nil {
		t.Error("a list in the static Access-Control-Allow-Origin was accepted")
	}
}

func TestHTTPRoundTrip(t *testing.T) {
	src := `{"AllowOrigins":["https://a.test"],"AllowMethods":["GET"],"AllowHeaders":["x-api-key"],"ExposeHeaders":["date"],"MaxAge":60,"AllowCredentials":true}`
	c, err := apigw.ParseHTTP(src)
	if err != nil {
		t.Fatal(err)
	}
	text, err := apigw.WriteHTTP(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := apigw.ParseHTTP(text)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := apigw.WriteHTTP(back)
	if text != again || !back.AllowCredentials || *back.MaxAge != 60 {
		t.Errorf("round trip changed:\n%s\n%s", text, again)
	}
	c.AllowOrigins = []string{"*"}
	if _, err := apigw.WriteHTTP(c); err == nil {
		t.Error("wrote credentials with origin *")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(false, `{"AllowOrigins":["https://*"],"AllowMethods":["*"],"MaxAge":-1}`)
	f.Add(true, `{"RestApiCors":{"AllowMethods":"'GET,OPTIONS'","AllowOrigin":"'*'","GatewayResponses":["DEFAULT_5XX"]}}`)
	f.Add(false, `{"AllowOrigins":["*"],"AllowCredentials":true,"MaxAge":1e9,"Extra":[}`)
	f.Add(true, `{"RestApiCors":{"AllowOrigin":"a,b","GatewayResponses":["X"],"Integration":1}}`)
	httpFormat := apigw.Formats()[0].(convert.Reader)
	f.Fuzz(func(t *testing.T, rest bool, text string) {
		req := policy.Request{Method: "OPTIONS", URL: "/", Header: headers.List{{Name: "Origin", Value: "https://a"}, {Name: "Access-Control-Request-Method", Value: "GET"}}}
		if rest {
			c, err := apigw.ParseREST(text)
			if err != nil {
				positioned(t, err)
				return
			}
			c.Respond(req, policy.Reply{})
			return
		}
		c, err := apigw.ParseHTTP(text)
		cfg, rerr := httpFormat.ReadRules(text)
		if (err == nil) != (rerr == nil) {
			t.Fatalf("ParseHTTP: %v; ReadRules: %v", err, rerr)
		}
		if err != nil {
			positioned(t, err)
			positioned(t, rerr)
			return
		}
		if len(cfg.Rules) != 1 {
			t.Fatalf("ReadRules: %d rules, want the one configuration", len(cfg.Rules))
		}
		c.Respond(req, policy.Reply{})
		if _, err := apigw.WriteHTTP(c); err != nil {
			t.Fatal(err)
		}
	})
}

// positioned fails unless err is a policy.Errors whose every fault has a
// line or a path.
func positioned(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	postest.Rejected(t, err)
}
