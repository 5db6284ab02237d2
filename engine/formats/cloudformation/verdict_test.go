package cloudformation_test

import (
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func parse(t testing.TB, src policy.Source) policy.Evaluator {
	t.Helper()
	ev, err := cloudformation.Formats()[0].(policy.SourceParser).ParseSource(src)
	if err != nil {
		t.Fatalf("ParseSource: %v", err)
	}
	return ev
}

// request is a browser's request: a preflight when acrm is set.
func request(method, url, origin, acrm, acrh string) policy.Request {
	r := policy.Request{Method: method, URL: url}
	if origin != "" {
		r.Header.Add("Origin", origin)
	}
	if acrm != "" {
		r.Method = "OPTIONS"
		r.Header.Add("Access-Control-Request-Method", acrm)
	}
	if acrh != "" {
		r.Header.Add("Access-Control-Request-Headers", acrh)
	}
	return r
}

// TestVerdicts: each golden template answers as its resource's platform
// does, and the outcome names the resource and the line of the CORS block
// (or S3 rule) that decided.
func TestVerdicts(t *testing.T) {
	for _, tc := range []struct {
		desc, file, resource string
		params               map[string]string
		method, url          string
		origin, acrm, acrh   string
		app                  policy.Reply
		wantStatus           int
		wantACAO             string // "" when absent
		wantMethods          string // Access-Control-Allow-Methods, when checked
		wantResource         string
		wantLayer            string
		wantLine             int
		source               string
	}{
		{desc: "SAM REST API: the OPTIONS mock answers with the quoted values, unquoted",
			file: "sam-app.yaml", method: "GET", url: "https://abc123.execute-api.us-east-1.amazonaws.com/Prod/items",
			origin: "https://www.example.com", acrm: "POST", acrh: "content-type",
			wantStatus: 200, wantACAO: "https://www.example.com", wantMethods: "GET,POST,OPTIONS", wantResource: "ItemsApi", wantLayer: "cors-rule", wantLine: 20,
			source: "sam-property-api-corsconfiguration.html (values as API Gateway mapping literals); cloud-policies.md §5.2 (OPTIONS mock)"},
		{desc: "SAM REST API: the actual request is the function's (Lambda proxy), which sends no CORS header here",
			file: "sam-app.yaml", method: "GET", url: "https://abc123.execute-api.us-east-1.amazonaws.com/Prod/items",
			origin: "https://www.example.com", app: policy.Reply{Status: 200},
			wantStatus: 200, wantResource: "ItemsFunction", wantLayer: "integration", wantLine: 42,
			source: "sam-property-function-api.html (Lambda proxy integration); how-to-cors.html (the backend returns Access-Control-Allow-Origin)"},
		{desc: "SAM HTTP API: the origin comes from the parameter's Default",
			file: "sam-app.yaml", method: "GET", url: "https://xyz789.execute-api.us-east-1.amazonaws.com/events/7",
			origin: "https://www.example.com", acrm: "POST",
			wantStatus: 204, wantACAO: "https://www.example.com", wantResource: "EventsApi", wantLayer: "cors-rule", wantLine: 29,
			source: "intrinsic-function-reference-ref.html (a parameter's value); cloud-policies.md §5.1"},
		{desc: "SAM HTTP API: --param replaces the Default, and the page's origin is no longer allowed",
			file: "sam-app.yaml", params: map[string]string{"SiteOrigin": "https://other.example.com"},
			method: "GET", url: "https://xyz789.execute-api.us-east-1.amazonaws.com/events/7",
			origin: "https://www.example.com", acrm: "POST",
			wantStatus: 204, wantResource: "EventsApi", wantLayer: "cors-rule", wantLine: 29,
			source: "cloud-policies.md §5.1 (a refused origin: 204 without CORS headers, [UNVERIFIED])"},
		{desc: "SAM function URL: its host names the template's one function URL",
			file: "sam-app.yaml", method: "GET", url: "https://abcdefghij.lambda-url.us-east-1.on.aws/upload",
			origin: "https://www.example.com", acrm: "POST", acrh: "content-type",
			wantStatus: 200, wantACAO: "https://www.example.com", wantResource: "UploadFunction", wantLayer: "cors-rule", wantLine: 67,
			source: "sam-property-function-functionurlconfig.html; urls-configuration.html#urls-cors"},
		{desc: "SAM: --resource picks the resource whatever the URL",
			file: "sam-app.yaml", resource: "EventsApi", method: "GET", url: "https://example.org/elsewhere",
			origin: "https://www.example.com", acrm: "GET",
			wantStatus: 204, wantACAO: "https://www.example.com", wantResource: "EventsApi", wantLayer: "cors-rule", wantLine: 29,
			source: "design.md, The contract grows (policy.resource)"},
		{desc: "S3: the first rule allows the upload from the parameter's origin; the rule's line decides",
			file: "s3-bucket.yaml", method: "PUT", url: "https://uploads-prod.s3.us-east-1.amazonaws.com/photo.jpg",
			origin: "https://app.example.com", acrm: "PUT", acrh: "content-type",
			wantStatus: 200, wantACAO: "https://app.example.com", wantMethods: "PUT, POST", wantResource: "UploadBucket", wantLayer: "cors-rule", wantLine: 27,
			source: "cloud-policies.md §1.3 (S3: first rule matching origin, method and headers)"},
		{desc: "S3: Stage prod drops the localhost origin through !If and AWS::NoValue",
			file: "s3-bucket.yaml", method: "PUT", url: "https://uploads-prod.s3.us-east-1.amazonaws.com/photo.jpg",
			origin: "http://localhost:3000", acrm: "PUT",
			wantStatus: 403, wantResource: "UploadBucket", wantLayer: "cors-rule", wantLine: 25,
			source: "intrinsic-function-reference-conditions.html (Fn::If, AWS::NoValue); cloud-policies.md §1.3 (403 AccessForbidden)"},
		{desc: "S3: --param Stage=dev keeps the localhost origin",
			file: "s3-bucket.yaml", params: map[string]string{"Stage": "dev"}, method: "PUT", url: "https://uploads-dev.s3.us-east-1.amazonaws.com/photo.jpg",
			origin: "http://localhost:3000", acrm: "PUT",
			wantStatus: 200, wantACAO: "http://localhost:3000", wantResource: "UploadBucket", wantLayer: "cors-rule", wantLine: 27,
			source: "intrinsic-function-reference-conditions.html (Fn::Equals on a parameter)"},
		{desc: "S3: a whole rule under !If is absent in prod (AWS::NoValue)",
			file: "s3-bucket.yaml", method: "PUT", url: "https://uploads-prod.s3.us-east-1.amazonaws.com/photo.jpg",
			origin: "http://localhost:5173", acrm: "PUT",
			wantStatus: 403, wantResource: "UploadBucket", wantLayer: "cors-rule", wantLine: 25,
			source: "intrinsic-function-reference-conditions.html (Fn::If with AWS::NoValue in a list)"},
		{desc: "S3: and present in dev, where it decides at its own line",
			file: "s3-bucket.yaml", params: map[string]string{"Stage": "dev"}, method: "PUT", url: "https://uploads-dev.s3.us-east-1.amazonaws.com/photo.jpg",
			origin: "http://localhost:5173", acrm: "PUT",
			wantStatus: 200, wantACAO: "http://localhost:5173", wantResource: "UploadBucket", wantLayer: "cors-rule", wantLine: 44,
			source: "intrinsic-function-reference-conditions.html; cloud-policies.md §1.3"},
		{desc: "S3: a GET from any page is the anchored second rule's, '*'",
			file: "s3-bucket.yaml", method: "GET", url: "https://uploads-prod.s3.us-east-1.amazonaws.com/photo.jpg",
			origin: "https://elsewhere.example", app: policy.Reply{Status: 200},
			wantStatus: 200, wantACAO: "*", wantResource: "UploadBucket", wantLayer: "cors-rule", wantLine: 37,
			source: "cloud-policies.md §1.3, §0 item 4 ('*' answered as *)"},
		{desc: "HTTP API: a CommaDelimitedList parameter without Default is unresolved and allows nothing",
			file: "apigwv2.yaml", method: "GET", url: "https://abc.execute-api.eu-west-1.amazonaws.com/orders/1",
			origin: "https://a.example.com", acrm: "GET",
			wantStatus: 204, wantResource: "HttpApi", wantLayer: "cors-rule", wantLine: 13,
			source: "parameters-section-structure.html (CommaDelimitedList); the format's own assumption"},
		{desc: "HTTP API: the list given with --param",
			file: "apigwv2.yaml", params: map[string]string{"Origins": "https://a.example.com,https://b.example.com"},
			method: "GET", url: "https://abc.execute-api.eu-west-1.amazonaws.com/orders/1",
			origin: "https://b.example.com", acrm: "GET",
			wantStatus: 204, wantACAO: "https://b.example.com", wantMethods: "GET,POST", wantResource: "HttpApi", wantLayer: "cors-rule", wantLine: 13,
			source: "cloud-policies.md §5.1 (listed origin echoed)"},
		{desc: "cdk synth: the bucket by the name Fn::Join makes of the parameter",
			file: "cdk-synth.template.json", method: "GET", url: "https://assets-www.s3.eu-west-1.amazonaws.com/logo.svg",
			origin: "https://www.example.com", app: policy.Reply{Status: 200},
			wantStatus: 200, wantACAO: "https://www.example.com", wantResource: "AssetsBucket5CB76180", wantLayer: "cors-rule", wantLine: 11,
			source: "intrinsic-function-reference-join.html; cloud-policies.md §1.3"},
		{desc: "cdk synth: the HTTP API by its route, the origin from Fn::Sub",
			file: "cdk-synth.template.json", method: "POST", url: "https://k2j4.execute-api.eu-west-1.amazonaws.com/orders",
			origin: "https://www.example.com", acrm: "POST", acrh: "content-type",
			wantStatus: 204, wantACAO: "https://www.example.com", wantResource: "OrdersApi7E8A4B2C", wantLayer: "cors-rule", wantLine: 31,
			source: "intrinsic-function-reference-sub.html; cloud-policies.md §5.1"},
		{desc: "cdk synth: no resource answers a URL the template does not name",
			file: "cdk-synth.template.json", method: "GET", url: "https://example.net/x",
			origin: "https://www.example.com", app: policy.Reply{Status: 200},
			wantStatus: 200,
			source:     "the format's own routing: an unnamed URL is served without CORS headers"},
		{desc: "SAM Globals: the implicit API's OPTIONS lists the path's methods, any expanded",
			file: "sam-globals.yaml", method: "DELETE", url: "https://q1.execute-api.us-east-1.amazonaws.com/Prod/cart/42",
			origin: "https://shop.example.com", acrm: "DELETE",
			wantStatus: 200, wantACAO: "https://shop.example.com", wantMethods: "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT", wantResource: "ServerlessRestApi", wantLayer: "cors-rule", wantLine: 6,
			source: "sam-property-function-api.html (Method any); SAM's add_cors (the path's methods and OPTIONS)"},
		{desc: "SAM Globals merged into an HttpApi's own CorsConfiguration: a Globals origin keeps the Globals' methods and headers",
			file: "sam-globals-merge.yaml", resource: "HttpApi", method: "GET", url: "https://h1.execute-api.us-east-1.amazonaws.com/x",
			origin: "https://www.example.com", acrm: "PUT", acrh: "authorization",
			wantStatus: 204, wantACAO: "https://www.example.com", wantResource: "HttpApi", wantLayer: "cors-rule", wantLine: 20,
			source: "samtranslator/plugins/globals/globals.py (maps merged, lists added); sam-specification-template-anatomy-globals.html (found as a new user would: the resource's AllowOrigins replaced the Globals' whole CorsConfiguration)"},
		{desc: "SAM Globals merged into an HttpApi's own CorsConfiguration: the resource's origin is added to the Globals' list",
			file: "sam-globals-merge.yaml", resource: "HttpApi", method: "GET", url: "https://h1.execute-api.us-east-1.amazonaws.com/x",
			origin: "https://admin.example.com", acrm: "PUT", acrh: "authorization",
			wantStatus: 204, wantACAO: "https://admin.example.com", wantResource: "HttpApi", wantLayer: "cors-rule", wantLine: 20,
			source: "samtranslator/plugins/globals/globals.py (lists are additive)"},
		{desc: "SAM Globals merged into an Api's own Cors: the Globals' AllowOrigin and AllowHeaders beside the resource's AllowMethods",
			file: "sam-globals-merge.yaml", resource: "RestApi", method: "GET", url: "https://r1.execute-api.us-east-1.amazonaws.com/prod/x",
			origin: "https://www.example.com", acrm: "PUT", acrh: "authorization",
			wantStatus: 200, wantACAO: "https://www.example.com", wantMethods: "GET,PUT,OPTIONS", wantResource: "RestApi", wantLayer: "cors-rule", wantLine: 27,
			source: "samtranslator/plugins/globals/globals.py (maps merged key by key; found as a new user would: lint said \"AWS refuses this: Cors wants AllowOrigin\")"},
		{desc: "SAM Globals: another path, its own methods",
			file: "sam-globals.yaml", method: "GET", url: "https://q1.execute-api.us-east-1.amazonaws.com/Prod/cart",
			origin: "https://shop.example.com", acrm: "GET",
			wantStatus: 200, wantACAO: "https://shop.example.com", wantMethods: "GET,OPTIONS", wantResource: "ServerlessRestApi", wantLayer: "cors-rule", wantLine: 6,
			source: "SAM's add_cors (the path's methods and OPTIONS)"},
		{desc: "Gateway response: API Gateway's own 403 gets CORS headers from DEFAULT_4XX",
			file: "gateway-response.yaml", method: "GET", url: "https://z9.execute-api.us-east-1.amazonaws.com/prod/me",
			origin: "https://app.example.com", app: policy.Reply{Status: 403, Header: headers.List{{Name: "x-amzn-ErrorType", Value: "MissingAuthenticationTokenException"}}},
			wantStatus: 403, wantACAO: "https://app.example.com", wantResource: "Default4xx", wantLayer: "gateway-response", wantLine: 21,
			source: "cloud-policies.md §5.2 (Gateway Responses); aws-resource-apigateway-gatewayresponse.html"},
		{desc: "Gateway response: an authorizer's 401 is answered by the API's UNAUTHORIZED, not DEFAULT_4XX",
			file: "gateway-response.yaml", method: "GET", url: "https://z9.execute-api.us-east-1.amazonaws.com/prod/me",
			origin: "https://app.example.com", app: policy.Reply{Status: 401, Header: headers.List{{Name: "x-amzn-ErrorType", Value: "UnauthorizedException"}}},
			wantStatus: 401, wantACAO: "https://app.example.com", wantResource: "Api", wantLayer: "gateway-response", wantLine: 15,
			source: "supported-gateway-response-types.html (UNAUTHORIZED, 401); sam-property-api-gatewayresponse.html"},
		{desc: "CloudFront: the response headers policy answers for a cloudfront.net host",
			file: "cloudfront-policy.yaml", method: "GET", url: "https://d111111abcdef8.cloudfront.net/fonts/a.woff2",
			origin: "https://cdn.example.com", app: policy.Reply{Status: 200},
			wantStatus: 200, wantACAO: "https://cdn.example.com", wantResource: "FontsPolicy", wantLayer: "cdn", wantLine: 10,
			source: "understanding-response-headers-policies.html#understanding-response-headers-policies-cors (https://*.example.com)"},
		{desc: "Lambda URL: the AWS::Lambda::Url answers its host",
			file: "cloudfront-policy.yaml", method: "POST", url: "https://x1y2z3.lambda-url.eu-west-1.on.aws/",
			origin: "https://admin.example.com", acrm: "POST",
			wantStatus: 200, wantACAO: "https://admin.example.com", wantResource: "ApiUrl", wantLayer: "cors-rule", wantLine: 27,
			source: "aws-properties-lambda-url-cors.html; urls-configuration.html#urls-cors"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			ev := parse(t, policy.Source{Text: readFile(t, tc.file), Params: tc.params, Resource: tc.resource})
			o := ev.Respond(request(tc.method, tc.url, tc.origin, tc.acrm, tc.acrh), tc.app)
			acao, _ := o.Reply.Header.Get("Access-Control-Allow-Origin")
			if o.Reply.Status != tc.wantStatus || acao != tc.wantACAO {
				t.Errorf("reply %d ACAO %q, want %d %q (%s)\n%+v", o.Reply.Status, acao, tc.wantStatus, tc.wantACAO, tc.source, o.Reply)
			}
			if tc.wantMethods != "" {
				if m, _ := o.Reply.Header.Get("Access-Control-Allow-Methods"); m != tc.wantMethods {
					t.Errorf("Access-Control-Allow-Methods %q, want %q (%s)", m, tc.wantMethods, tc.source)
				}
			}
			switch {
			case tc.wantResource == "" && o.DecidedBy != nil:
				t.Errorf("DecidedBy %+v, want none", o.DecidedBy)
			case tc.wantResource != "" && o.DecidedBy == nil:
				t.Errorf("DecidedBy nil, want %s", tc.wantResource)
			case tc.wantResource != "" && (o.DecidedBy.Resource != tc.wantResource || o.DecidedBy.Layer != tc.wantLayer || o.DecidedBy.Line != tc.wantLine):
				t.Errorf("DecidedBy %+v, want %s %s line %d", o.DecidedBy, tc.wantLayer, tc.wantResource, tc.wantLine)
			}
			if tc.wantResource == "" && !strings.Contains(o.Text(), "no resource of the template answers") {
				t.Errorf("decision %q", o.Text())
			}
		})
	}
}
