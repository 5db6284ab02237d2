package explain_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/lint"
)

// ok is a preflight reply that allows everything the reason scenarios
// below send from http://app.test, so that a client fix can pass.
const okPreflight = `"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT, POST, DELETE"],["Access-Control-Allow-Headers","x-a, content-type"]]}`
const okResponse = `"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Vary","Origin"]]}`

// reasonCases has one scenario per reason of engine/fetch (its package
// doc lists ours; check.go the DevTools Network.CorsError names), each
// reaching that reason by the rule the reason's doc names.
var reasonCases = []struct {
	desc, reason, scenario string
	// where the first fix must be: "client" for reasons only the page
	// can fix (fetch() throws, or its own mode refuses), else "server".
	where string
}{
	{desc: "method not a token (Fetch §5.3 step 25.2)", reason: fetch.ReasonInvalidMethod, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"GE T"},` + okResponse + `}`},
	{desc: "TRACE is a forbidden method (Fetch §2.2.1)", reason: fetch.ReasonForbiddenMethod, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"TRACE"},` + okResponse + `}`},
	{desc: "no-cors allows GET, HEAD, POST only (Fetch §5.3 step 30.1)", reason: fetch.ReasonNoCorsMethod, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT","mode":"no-cors"},` + okPreflight + `,` + okResponse + `}`},
	{desc: "userinfo in the URL (Fetch §5.3 step 5.4)", reason: fetch.ReasonURLCredentials, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://u:p@api.test/x"},` + okResponse + `}`},
	{desc: "mode navigate (Fetch §5.3 step 23)", reason: fetch.ReasonModeNavigate, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","mode":"navigate"},` + okResponse + `}`},
	{desc: "GET with a body (Fetch §5.3 step 36)", reason: fetch.ReasonBodyWithGetHead, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","body":"x"},` + okResponse + `}`},
	{desc: "stream body in no-cors (Fetch §5.3 step 37.4)", reason: fetch.ReasonStreamNoCors, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"https://api.test/x","method":"POST","body_type":"stream","mode":"no-cors"},` + okPreflight + `,` + okResponse + `}`},
	{desc: "header name not a token (Fetch §2.2 headers append)", reason: fetch.ReasonInvalidHeader, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","headers":[["X A","1"]]},` + okResponse + `}`},
	{desc: "header value with a newline (Fetch header value)", reason: fetch.ReasonInvalidHeaderValue, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","headers":[["X-A","1\n2"]]},` + okResponse + `}`},
	{desc: "redirect error and a redirect (Fetch §4.4 step 4)", reason: fetch.ReasonRedirectModeError, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","redirect":"error"},"response":{"status":302,"headers":[["Location","/y"],["Access-Control-Allow-Origin","http://app.test"]]}}`},
	{desc: "Location does not parse (Fetch §4.4 step 3)", reason: fetch.ReasonInvalidRedirectLocation, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":302,"headers":[["Location","http://[::1"],["Access-Control-Allow-Origin","http://app.test"]]}}`},
	{desc: "redirect to ftp (Fetch §4.4 step 5)", reason: fetch.ReasonRedirectSchemeNotHTTP, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":302,"headers":[["Location","ftp://api.test/y"],["Access-Control-Allow-Origin","http://app.test"]]}}`},
	{desc: "redirect loop over 20 (Fetch §4.4 step 6)", reason: fetch.ReasonTooManyRedirects, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":302,"headers":[["Location","/x"],["Access-Control-Allow-Origin","http://app.test"]]}}`},
	{desc: "no reply to the actual request", reason: fetch.ReasonNetworkError, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":0,"headers":[]}}`},
	{desc: "Chromium streams only over HTTP/2 (recording req-stream-cors)", reason: fetch.ReasonStreamNeedsHTTP2, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"POST","body_type":"stream"},` + okPreflight + `,` + okResponse + `}`},
	{desc: "Safari has no streaming uploads (WebKit: NotSupportedError; e2e/webkit recording)", reason: fetch.ReasonStreamUnsupported, where: "client",
		scenario: `{"browser":"safari","request":{"origin":"http://app.test","url":"https://api.test/x","method":"POST","body_type":"stream"},` + okPreflight + `,` + okResponse + `}`},
	{desc: "mode same-origin to another origin (Fetch §4.1 main fetch step 12)", reason: fetch.ReasonDisallowedByMode, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","mode":"same-origin"},` + okResponse + `}`},
	{desc: "CORS to a non-HTTP scheme (Fetch §4.1 main fetch)", reason: fetch.ReasonCorsDisabledScheme, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"ftp://api.test/x"},` + okResponse + `}`},
	{desc: "no-cors with redirect manual (Fetch §4.1 main fetch)", reason: fetch.ReasonNoCorsRedirectModeNotFollow, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","mode":"no-cors","redirect":"manual"},` + okResponse + `}`},
	{desc: "* with credentials (Fetch §4.9 CORS check step 3)", reason: fetch.ReasonWildcardOriginNotAllowed, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","credentials":"include"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Credentials","true"]]}}`},
	{desc: "no ACAO (Fetch §4.9 step 2)", reason: fetch.ReasonMissingAllowOriginHeader, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":200,"headers":[]}}`},
	{desc: "two ACAO lines (Fetch §4.9 step 2, combined value)", reason: fetch.ReasonMultipleAllowOriginValues, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Origin","http://b.test"]]}}`},
	{desc: "ACAO not an origin (Chromium kInvalidAllowOriginValue)", reason: fetch.ReasonInvalidAllowOriginValue, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","app.test"]]}}`},
	{desc: "ACAO another origin (Fetch §4.9 step 4)", reason: fetch.ReasonAllowOriginMismatch, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://b.test"]]}}`},
	{desc: "credentials without ACAC true (Fetch §4.9 step 6)", reason: fetch.ReasonInvalidAllowCredentials, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","credentials":"include"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"]]}}`},
	{desc: "preflight 403 (Fetch §4.8 step 7, ok status)", reason: fetch.ReasonPreflightInvalidStatus, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT"},"preflight":{"status":403,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"]]},` + okResponse + `}`},
	{desc: "preflight redirected (Fetch §4.8, redirect mode error)", reason: fetch.ReasonPreflightDisallowedRedirect, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT"},"preflight":{"status":301,"headers":[["Location","/y"],["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"]]},` + okResponse + `}`},
	{desc: "ACAM not a list of tokens (Fetch §4.8 step 9)", reason: fetch.ReasonInvalidAllowMethods, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT GET"]]},` + okResponse + `}`},
	{desc: "ACAH not a list of tokens (Fetch §4.8 step 9)", reason: fetch.ReasonInvalidAllowHeaders, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","headers":[["X-A","1"]]},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Headers","x-a x-b"]]},` + okResponse + `}`},
	{desc: "method not in ACAM (Fetch §4.8 step 10)", reason: fetch.ReasonMethodDisallowed, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"DELETE"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"]]},` + okResponse + `}`},
	// Found as a new user would: no fix was offered.
	{desc: "a lowercase method fetch() does not normalize, listed uppercase in ACAM (Fetch, normalize a method; §4.8 step 10)", reason: fetch.ReasonMethodDisallowed, where: "client",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"patch"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","GET, POST, PATCH"]]},` + okResponse + `}`},
	{desc: "header not in ACAH (Fetch §4.8 step 11)", reason: fetch.ReasonHeaderDisallowed, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","headers":[["X-A","1"],["X-B","2"]]},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Headers","x-a"]]},` + okResponse + `}`},
	{desc: "redirect with userinfo (Fetch §4.4 step 8)", reason: fetch.ReasonRedirectContainsCredentials, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":302,"headers":[["Location","http://u:p@other.test/y"],["Access-Control-Allow-Origin","http://app.test"]]}}`},
	{desc: "no reply to the preflight (DevTools InvalidResponse)", reason: fetch.ReasonInvalidResponse, where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT"},"preflight":{"status":0,"headers":[]},` + okResponse + `}`},
	{desc: "preflight without ACAO (Fetch §4.8 step 7, CORS check)", reason: "PreflightMissingAllowOriginHeader", where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Methods","PUT"]]},` + okResponse + `}`},
	{desc: "preflight * with credentials", reason: "PreflightWildcardOriginNotAllowed", where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT","credentials":"include"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods","PUT"]]},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Credentials","true"]]}}`},
	{desc: "preflight ACAO another origin", reason: "PreflightAllowOriginMismatch", where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://b.test"],["Access-Control-Allow-Methods","PUT"]]},` + okResponse + `}`},
	{desc: "preflight two ACAO lines", reason: "PreflightMultipleAllowOriginValues", where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"]]},` + okResponse + `}`},
	{desc: "preflight ACAO not an origin", reason: "PreflightInvalidAllowOriginValue", where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","app.test"],["Access-Control-Allow-Methods","PUT"]]},` + okResponse + `}`},
	{desc: "preflight credentials without ACAC", reason: "PreflightInvalidAllowCredentials", where: "server",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT","credentials":"include"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"]]},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Credentials","true"]]}}`},
}

// applyFix returns the scenario with a fix applied, as a user would.
func applyFix(s explain.Scenario, f explain.Fix) explain.Scenario {
	switch {
	case f.Where == "client":
		s.Request = *f.Request
	case f.Format == "headers":
		if f.Preflight != nil {
			s.Preflight = f.Preflight
		}
		if f.Response != nil {
			s.Response = f.Response
		}
		s.Policy = nil
	default:
		s.Policy = &explain.Policy{Format: f.Format, Text: f.Text}
	}
	return s
}

// failingStep is the step that blocked: the last one with status fail.
func failingStep(v explain.Verdict) (explain.Step, bool) {
	for i := len(v.Steps) - 1; i >= 0; i-- {
		if v.Steps[i].Status == fetch.Fail {
			return v.Steps[i], true
		}
	}
	return explain.Step{}, false
}

func TestEveryReasonHasAVerifiedFix(t *testing.T) {
	for _, tc := range reasonCases {
		s, err := explain.Decode([]byte(tc.scenario))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		v, err := explain.Explain(s, opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if v.Allowed || v.Reason != tc.reason {
			t.Errorf("%s: allowed=%v reason %q, want %s", tc.desc, v.Allowed, v.Reason, tc.reason)
			continue
		}
		st, ok := failingStep(v)
		if !ok {
			t.Errorf("%s: no failing step in %+v", tc.desc, v.Steps)
			continue
		}
		// The explanation names what it read: the header line for a
		// reply's fault, else the request's offending value in words.
		// A missing header has no line to show; the detail names it.
		if tc.where == "server" && st.Header == "" && !strings.Contains(st.Detail, "Access-Control-") && !strings.Contains(st.Detail, "no response") {
			t.Errorf("%s: failing step %q names no header line: %+v", tc.desc, st.ID, st)
		}
		if len(v.Fixes) == 0 {
			t.Errorf("%s: no fix", tc.desc)
			continue
		}
		f := v.Fixes[0]
		if f.Where != tc.where {
			t.Errorf("%s: first fix on the %s, want %s: %+v", tc.desc, f.Where, tc.where, f)
		}
		if f.Summary == "" || f.Text == "" || f.Diff == "" {
			t.Errorf("%s: fix without summary, text or diff: %+v", tc.desc, f)
		}
		w, err := explain.Explain(applyFix(s, f), opts)
		if err != nil || !w.Allowed {
			t.Errorf("%s: after the fix %q: allowed=%v reason=%q err=%v", tc.desc, f.Summary, w.Allowed, w.Reason, err)
		}
		if !contains(f.AllowedIn, "chrome") {
			t.Errorf("%s: allowed_in %v lacks the chosen browser", tc.desc, f.AllowedIn)
		}
	}
}

// lintErrors counts engine/lint's error findings by code.
func lintErrors(t *testing.T, text, format string) map[string]int {
	t.Helper()
	fs, err := lint.Lint(reg, text, format)
	if err != nil {
		t.Fatalf("lint %s: %v", format, err)
	}
	out := map[string]int{}
	for _, f := range fs {
		if f.Severity == lint.Error {
			out[f.Code]++
		}
	}
	return out
}

// policyFixCases: a blocked PUT with two request headers against one
// config per format; the fix must be an edit of the user's own text that
// adds exactly what the request needs (the origin, the method or the
// header name), found from that platform's matching rule.
var policyFixCases = []struct {
	desc, format, text, extra string
	// adds are the lines the diff must add (trimmed), in order.
	adds []string
}{
	{desc: "S3 XML: origin missing from the only rule (§1.3 origin match)", format: "s3-xml",
		text: "<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>https://www.example.com</AllowedOrigin>\n    <AllowedMethod>PUT</AllowedMethod>\n    <AllowedHeader>*</AllowedHeader>\n  </CORSRule>\n</CORSConfiguration>\n",
		adds: []string{"<AllowedOrigin>https://app.example.com</AllowedOrigin>"}},
	{desc: "Azure XML: header missing, no fall-through (§4)", format: "azure-xml",
		text: "<Cors>\n  <CorsRule>\n    <AllowedOrigins>https://app.example.com</AllowedOrigins>\n    <AllowedMethods>GET,PUT</AllowedMethods>\n    <AllowedHeaders>content-type</AllowedHeaders>\n    <ExposedHeaders></ExposedHeaders>\n    <MaxAgeInSeconds>60</MaxAgeInSeconds>\n  </CorsRule>\n</Cors>\n",
		adds: []string{"<AllowedHeaders>content-type,x-trace</AllowedHeaders>"}},
	{desc: "GCS JSON: method missing, then the header (§3)", format: "gcs-json",
		text: "[\n  {\n    \"origin\": [\"https://app.example.com\"],\n    \"method\": [\"GET\"],\n    \"responseHeader\": [\"Content-Type\"]\n  }\n]\n",
		adds: []string{`"method": ["GET", "PUT"],`, `"responseHeader": ["Content-Type", "x-trace"]`}},
	{desc: "R2 API: no headers field at all (§2)", format: "r2-api",
		text: "{\n  \"rules\": [\n    {\n      \"allowed\": {\n        \"origins\": [\"https://app.example.com\"],\n        \"methods\": [\"GET\", \"PUT\"]\n      }\n    }\n  ]\n}\n",
		adds: []string{`"headers": ["content-type", "x-trace"],`}},
	{desc: "API Gateway HTTP: origin missing, credentials on (§5.1)", format: "apigw-http", extra: `,"credentials":"include"`,
		text: "{\n  \"AllowOrigins\": [\"https://www.example.com\"],\n  \"AllowMethods\": [\"PUT\"],\n  \"AllowHeaders\": [\"content-type\", \"x-trace\"],\n  \"AllowCredentials\": true\n}\n",
		adds: []string{`"AllowOrigins": ["https://www.example.com", "https://app.example.com"],`}},
	{desc: "API Gateway REST: header missing from the comma list (§5.2)", format: "apigw-rest",
		text: `{"RestApiCors": {"AllowMethods": ["GET", "PUT", "OPTIONS"], "AllowHeaders": "Content-Type,X-Amz-Date", "AllowOrigin": "https://app.example.com", "Integration": "mock", "GatewayResponses": ["DEFAULT_4XX", "DEFAULT_5XX"]}}`,
		adds: []string{`{"RestApiCors": {"AllowMethods": ["GET", "PUT", "OPTIONS"], "AllowHeaders": "Content-Type,X-Amz-Date,x-trace", "AllowOrigin": "https://app.example.com", "Integration": "mock", "GatewayResponses": ["DEFAULT_4XX", "DEFAULT_5XX"]}}`}},
	{desc: "native: credentials requested, not allowed (native doc: credentials)", format: "native", extra: `,"credentials":"include"`,
		text: "{\n  \"origins\": [\"https://app.example.com\"],\n  \"methods\": [\"PUT\"],\n  \"request_headers\": [\"Content-Type\", \"X-Trace\"]\n}\n",
		adds: []string{`"credentials": true,`}},
	{desc: "Express: origin '*' with credentials becomes the exact origin (§6.3)", format: "express", extra: `,"credentials":"include"`,
		text: "const corsOptions = {\n  origin: '*',\n  credentials: true,\n};\napp.use(cors(corsOptions));\n",
		adds: []string{"origin: 'https://app.example.com',"}},
	{desc: "Express: origin array and comma list of headers (§6.3)", format: "express",
		text: "app.use(cors({\n  origin: ['https://www.example.com'],\n  allowedHeaders: 'Content-Type',\n}));\n",
		adds: []string{"origin: ['https://www.example.com', 'https://app.example.com'],", "allowedHeaders: 'Content-Type,x-trace',"}},
	{desc: "nginx: the application answers OPTIONS 403, nginx must answer it (§6.1)", format: "nginx",
		text: "server {\n    location /v1/ {\n        add_header Access-Control-Allow-Origin \"https://app.example.com\";\n        add_header Access-Control-Allow-Methods \"GET, PUT\";\n        add_header Access-Control-Allow-Headers \"Content-Type, X-Trace\";\n        proxy_pass http://backend;\n    }\n}\n",
		adds: []string{"if ($request_method = OPTIONS) {", "return 204;", "}"}},
	{desc: "nginx: a map of origins gets the page's origin (§6.1)", format: "nginx",
		text: "map $http_origin $cors_origin {\n    default \"\";\n    \"https://www.example.com\" $http_origin;\n}\nserver {\n    location /v1/ {\n        if ($request_method = OPTIONS) {\n            return 204;\n        }\n        add_header Access-Control-Allow-Origin $cors_origin always;\n        add_header Access-Control-Allow-Methods \"GET, PUT\" always;\n        add_header Access-Control-Allow-Headers \"Content-Type, X-Trace\" always;\n    }\n}\n",
		adds: []string{`"https://app.example.com" $http_origin;`}},
}

func TestPolicyFixesEditTheUsersText(t *testing.T) {
	for _, tc := range policyFixCases {
		pol, _ := json.Marshal(explain.Policy{Format: tc.format, Text: tc.text})
		js := `{"request":{"origin":"https://app.example.com","url":"https://api.example.com/v1/items","method":"PUT","headers":[["Content-Type","application/json"],["X-Trace","1"]]` +
			tc.extra + `},"policy":` + string(pol) + `,"preflight":{"status":403,"headers":[]}}`
		s, err := explain.Decode([]byte(js))
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		v, err := explain.Explain(s, opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if v.Allowed || len(v.Fixes) == 0 {
			t.Errorf("%s: allowed=%v fixes=%d, want blocked with a fix", tc.desc, v.Allowed, len(v.Fixes))
			continue
		}
		f := v.Fixes[0]
		if f.Where != "server" || f.Format != tc.format {
			t.Errorf("%s: fix %s/%s, want a server fix in %s", tc.desc, f.Where, f.Format, tc.format)
			continue
		}
		var adds []string
		for _, l := range strings.Split(f.Diff, "\n") {
			if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") {
				adds = append(adds, strings.TrimSpace(l[1:]))
			}
		}
		if strings.Join(adds, "\n") != strings.Join(tc.adds, "\n") {
			t.Errorf("%s: diff adds\n%s\nwant\n%s\nfull diff:\n%s", tc.desc, strings.Join(adds, "\n"), strings.Join(tc.adds, "\n"), f.Diff)
		}
		w, err := explain.Explain(applyFix(s, f), opts)
		if err != nil || !w.Allowed {
			t.Errorf("%s: after the fix: allowed=%v %s %v", tc.desc, w.Allowed, w.Reason, err)
		}
		before, after := lintErrors(t, tc.text, tc.format), lintErrors(t, f.Text, tc.format)
		for code, n := range after {
			if n > before[code] {
				t.Errorf("%s: the fix adds lint error %s", tc.desc, code)
			}
		}
	}
}

// TestFixesOfLaterFetch: Fixes (what the page asks for after a verdict
// with "fixes": false) gives the fixes of a session's blocked later
// fetch too, equal to Explain's then[i].fixes and saying which fetch,
// when the first fetch passes (examples/cloudfront-img-then-cors.json: a
// CDN keyed by URL alone answers a CORS fetch with the reply it stored
// for an <img>; fixes in f89bb6d); and none when every fetch passes.
func TestFixesOfLaterFetch(t *testing.T) {
	s := exampleScenario(t, "cloudfront-img-then-cors.json")
	v, err := explain.Explain(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Allowed || len(v.Then) != 1 || v.Then[0].Allowed || len(v.Then[0].Fixes) == 0 {
		t.Fatalf("the example is no longer a passing fetch then a blocked one with fixes: allowed %v, then %+v", v.Allowed, v.Then)
	}
	fs, err := explain.Fixes(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != len(v.Then[0].Fixes) {
		t.Fatalf("Fixes gives %d, Explain's then[0].fixes %d", len(fs), len(v.Then[0].Fixes))
	}
	for i, f := range fs {
		want := v.Then[0].Fixes[i]
		if f.Summary != "For fetch 2 of the session (then[0]): "+want.Summary || f.Diff != want.Diff {
			t.Errorf("fix %d: %q\n%s\nwant then[0]'s %q\n%s", i, f.Summary, f.Diff, want.Summary, want.Diff)
		}
	}
	s.Then = nil
	if fs, err := explain.Fixes(s, opts); err != nil || len(fs) != 0 {
		t.Errorf("the first fetch alone passes: Fixes = %+v, %v; want none", fs, err)
	}
}

// TestHeadersFixKeepsThePolicysReplies: a "headers" fix of a policy
// replaces the policy with the replies it lists (Fix.Preflight and
// Fix.Response; the page's "Use this fix" writes Fix.Text as the raw
// replies), so it lists every reply the policy gave, changed or not, with
// each line the policy sent, and changes only what fails. When the
// preflight fails, the actual request was never asked, and the fix
// starts from what the policy answers it once the preflight passes.
// Each case's fix is applied as the raw replies of its Text, and must
// pass. (The first case is the simulator's own first scenario,
// site/first-scenario.json, whose fix lost its Content-Type line and
// added an Access-Control-Allow-Origin the reply already had.)
func TestHeadersFixKeepsThePolicysReplies(t *testing.T) {
	// preflightOf is a preflight reply, as raw reply text, allowing the
	// request headers allowed. Each case's request is a POST with
	// Content-Type and Authorization.
	preflightOf := func(allowed string) string {
		return "HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Methods: GET, POST, PUT\n" +
			"Access-Control-Allow-Headers: " + allowed + "\nAccess-Control-Max-Age: 600\n\n"
	}
	for _, tc := range []struct {
		desc, raw string
		steps     int      // the fix's steps
		keep      []string // lines the fixed replies keep
	}{
		{
			desc: "preflight lacks the requested header (Fetch §4.8 step 7.6): the reply's lines stay",
			raw: preflightOf("Content-Type") +
				"HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.example\nContent-Type: application/json\n",
			steps: 1,
			keep:  []string{"Content-Type: application/json", "Access-Control-Max-Age: 600"},
		},
		{
			desc: "the reply lacks Access-Control-Allow-Origin (Fetch §4.9 step 2): the preflight's reply stays",
			raw: preflightOf("Content-Type, Authorization") +
				"HTTP/1.1 200 OK\nContent-Type: application/json\n",
			steps: 1,
			keep:  []string{"Content-Type: application/json", "Access-Control-Max-Age: 600", "Access-Control-Allow-Headers: Content-Type, Authorization"},
		},
		{
			desc: "both fail in turn (Fetch §4.8, then §4.9): two steps, every other line stays",
			raw: preflightOf("Content-Type") +
				"HTTP/1.1 200 OK\nContent-Type: application/json\nX-Request-Id: 7\n",
			steps: 2,
			keep:  []string{"Content-Type: application/json", "X-Request-Id: 7", "Access-Control-Max-Age: 600"},
		},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			text, _ := json.Marshal(tc.raw)
			s, err := explain.Decode([]byte(`{"browser":"chrome","request":{"origin":"https://app.example","url":"https://api.example/v1/orders","method":"POST",` +
				`"headers":[["Content-Type","application/json"],["Authorization","Bearer t"]]},"policy":{"format":"raw","text":` + string(text) + `}}`))
			if err != nil {
				t.Fatal(err)
			}
			v, err := explain.Explain(s, opts)
			if err != nil || v.Allowed || len(v.Fixes) == 0 {
				t.Fatalf("allowed=%v fixes=%d err=%v, want blocked with a fix", v.Allowed, len(v.Fixes), err)
			}
			f := v.Fixes[0]
			if f.Format != "headers" || f.Preflight == nil || f.Response == nil {
				t.Fatalf("fix %s with preflight %v and response %v, want a headers fix naming both replies", f.Format, f.Preflight, f.Response)
			}
			if len(f.Steps) != tc.steps {
				t.Errorf("steps %q, want %d", f.Steps, tc.steps)
			}
			for _, l := range tc.keep {
				if !strings.Contains(f.Text, l+"\n") {
					t.Errorf("the fixed replies lost %q:\n%s", l, f.Text)
				}
			}
			if n := strings.Count(f.Text, "Access-Control-Allow-Origin:"); n != 2 {
				t.Errorf("%d Access-Control-Allow-Origin lines, want one per reply:\n%s", n, f.Text)
			}
			// The diff is from the pasted replies, so that it applies
			// to them (found as a new user would: its context lines
			// were notes the pasted text did not have).
			var before []string
			for _, l := range strings.Split(f.Diff, "\n") {
				if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---") {
					before = append(before, l[1:])
				}
			}
			if got := strings.Join(before, "\n"); !strings.Contains(tc.raw, got) {
				t.Errorf("the diff's old side is not the pasted replies:\n%s\npasted:\n%s", got, tc.raw)
			}
			applied := s
			applied.Policy = &explain.Policy{Format: "raw", Text: f.Text}
			if w, err := explain.Explain(applied, opts); err != nil || !w.Allowed {
				t.Errorf("the fix's text as the raw replies: allowed=%v %s %v\n%s", w.Allowed, w.Reason, err, f.Text)
			}
		})
	}
}

// TestRedirectTargetFix: a fetch a redirect to another origin left with
// Origin: null, which the target refuses though it allows the page's
// origin, gets the client fix of fetching the target directly, checked
// in every browser (Fetch, HTTP-redirect fetch: the tainted origin).
// Found as a new user would: "No fix found".
func TestRedirectTargetFix(t *testing.T) {
	s, err := explain.Decode([]byte(`{"request":{"origin":"https://app.example","url":"https://api.example/a"},
 "response":{"status":302,"headers":[["Location","https://cdn.example/b"],["Access-Control-Allow-Origin","https://app.example"]]},
 "routes":[{"url":"https://cdn.example/b","response":{"status":200,"headers":[["Access-Control-Allow-Origin","https://app.example"]]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range v.Fixes {
		if f.Where == "client" && f.Request != nil && f.Request.URL == "https://cdn.example/b" && len(f.AllowedIn) == 3 {
			return
		}
	}
	t.Errorf("no client fix fetching the redirect's target, passing in every browser: %+v", v.Fixes)
}
