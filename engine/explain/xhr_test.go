package explain_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
)

// xhrCases are XMLHttpRequest scenarios (request.api "xhr"). Each want is
// what the e2e recordings xhr-* of Chromium 156 and Firefox ESR 153 show
// (e2e/chromium testdata/corpus.json), or what the XMLHttpRequest
// standard says (https://xhr.spec.whatwg.org/).
var xhrCases = []struct {
	desc      string
	scenario  string
	allowed   bool
	preflight bool
	console   []string
}{
	{desc: "blocked GET in Chromium: Access to XMLHttpRequest, no hint (recording xhr-get-acao-mismatch)",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a","api":"xhr"},
			"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://other.test"]]}}`,
		console: []string{"Access to XMLHttpRequest at 'http://api.test/a' from origin 'http://app.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://other.test' that is not equal to the supplied origin.",
			"Failed to load resource: net::ERR_FAILED"}},
	{desc: "withCredentials true (credentials include) and ACAO *: the withCredentials sentence (recording xhr-credentials-star)",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a","api":"xhr","credentials":"include"},
			"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Credentials","true"]]}}`,
		console: []string{"Access to XMLHttpRequest at 'http://api.test/a' from origin 'http://app.test' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.",
			"Failed to load resource: net::ERR_FAILED"}},
	{desc: "credentials omit is withCredentials false, credentials mode same-origin: ACAO * passes (https://xhr.spec.whatwg.org/#the-send()-method; recording xhr-no-credentials-star)",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a","api":"xhr","credentials":"omit"},
			"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Content-Type","text/plain"]]}}`,
		allowed: true, console: []string{}},
	{desc: "send() ignores a body for GET: no TypeError, no Content-Type, no preflight (https://xhr.spec.whatwg.org/#the-send()-method)",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a","api":"xhr","body":"{}"},
			"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Content-Type","text/plain"]]}}`,
		allowed: true, console: []string{}},
	{desc: "PUT with a custom header is preflighted as fetch() is (recording xhr-put-preflight-header-blocked)",
		scenario: `{"request":{"origin":"http://app.test","url":"http://api.test/a","api":"xhr","method":"PUT","headers":[["X-Api-Key","k"]],"body":"{}"},
			"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Methods","PUT"]]}}`,
		preflight: true,
		console: []string{"Access to XMLHttpRequest at 'http://api.test/a' from origin 'http://app.test' has been blocked by CORS policy: Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.",
			"Failed to load resource: net::ERR_FAILED"}},
	{desc: "Firefox: an allowed response without Content-Type and body is parsed as XML (recording xhr-get-404-allowed)",
		scenario: `{"browser":"firefox","request":{"origin":"http://app.test","url":"http://api.test/a","api":"xhr"},
			"response":{"status":404,"headers":[["Access-Control-Allow-Origin","http://app.test"]]}}`,
		allowed: true,
		console: []string{"XML Parsing Error: no root element found\nLocation: http://api.test/a\nLine Number 1, Column 1:"}},
	{desc: "Firefox: blocked XMLHttpRequest, the same line as for fetch() (recording xhr-get-no-acao)",
		scenario: `{"browser":"firefox","request":{"origin":"http://app.test","url":"http://api.test/a","api":"xhr"},
			"response":{"status":200,"headers":[["Content-Type","text/plain"]]}}`,
		console: []string{"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/a. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200."}},
}

func TestXHR(t *testing.T) {
	for _, tc := range xhrCases {
		v := mustExplain(t, tc.scenario)
		if v.Allowed != tc.allowed || v.Preflight.Sent != tc.preflight {
			t.Errorf("%s: allowed %v, preflight %v; want %v, %v", tc.desc, v.Allowed, v.Preflight.Sent, tc.allowed, tc.preflight)
		}
		if !slices.Equal(v.Console, tc.console) {
			t.Errorf("%s: console\n got %q\nwant %q", tc.desc, v.Console, tc.console)
		}
		// No promise: a failure is an error event with status 0 and
		// readyState DONE (https://xhr.spec.whatwg.org/#request-error-steps);
		// the page reads no response type.
		want := ""
		if !tc.allowed {
			want = fetch.XHRError
		}
		if v.Exception != want || v.Type != "" {
			t.Errorf("%s: exception %q, type %q; want %q, \"\"", tc.desc, v.Exception, v.Type, want)
		}
	}
}

// TestXHRRefusals: XMLHttpRequest has no mode or redirect option and
// cannot send a ReadableStream, so a scenario naming them with api xhr is
// refused at their JSON path, as an unknown api is.
func TestXHRRefusals(t *testing.T) {
	for _, tc := range []struct{ desc, request, path string }{
		{"mode", `"api":"xhr","mode":"cors"`, "$.request.mode"},
		{"redirect", `"api":"xhr","redirect":"manual"`, "$.request.redirect"},
		{"stream body", `"api":"xhr","method":"POST","body_type":"stream"`, "$.request.body_type"},
		{"unknown api", `"api":"axios"`, "$.request.api"},
		{"wrong type", `"api":true`, "$.request.api"},
	} {
		s, err := explain.Decode([]byte(`{"request":{"origin":"http://app.test","url":"http://api.test/a",` + tc.request + `}}`))
		if err == nil {
			_, err = explain.Explain(s, opts)
		}
		if err == nil || !strings.HasPrefix(err.Error(), tc.path+":") {
			t.Errorf("%s: got %v, want a fault at %s", tc.desc, err, tc.path)
		}
	}
}

// TestXHRText: the text output says what the page sees of a failed
// XMLHttpRequest, which has no promise to reject.
func TestXHRText(t *testing.T) {
	v := mustExplain(t, `{"request":{"origin":"http://app.test","url":"http://api.test/a","api":"xhr"}}`)
	txt := explain.Text(v, explain.TextOptions{})
	if !strings.Contains(txt, "The page sees: "+fetch.XHRError) || strings.Contains(txt, "fetch() rejects") {
		t.Errorf("text:\n%s", txt)
	}
}

// TestXHROpen: open() throws for a method fetch() rejects with a
// TypeError, and takes a URL with a username and password, which fetch()
// refuses (https://xhr.spec.whatwg.org/#the-open()-method; the e2e
// recordings xhr-method-forbidden, xhr-method-invalid, xhr-url-credentials).
func TestXHROpen(t *testing.T) {
	for _, tc := range []struct{ desc, browser, request, exception string }{
		{"forbidden method, Chromium", "chrome", `"method":"TRACE"`, "SecurityError: Failed to execute 'open' on 'XMLHttpRequest': 'TRACE' HTTP method is unsupported."},
		{"forbidden method, Firefox", "firefox", `"method":"TRACE"`, "SecurityError: The operation is insecure."},
		{"forbidden method, the standard's DOMException", "spec", `"method":"TRACE"`, "SecurityError"},
		{"invalid method, Chromium", "chrome", `"method":"BAD METHOD"`, "SyntaxError: Failed to execute 'open' on 'XMLHttpRequest': 'BAD METHOD' is not a valid HTTP method."},
		{"invalid method, Firefox", "firefox", `"method":"BAD METHOD"`, "SyntaxError: An invalid or illegal string was specified"},
		{"URL credentials, Chromium", "chrome", `"url":"http://u:p@api.test/a"`, ""},
		{"URL credentials, Firefox", "firefox", `"url":"http://u:p@api.test/a"`, ""},
	} {
		v := mustExplain(t, `{"browser":"`+tc.browser+`","request":{"origin":"http://app.test","url":"http://api.test/a","api":"xhr",`+tc.request+`},
			"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}`)
		if v.Exception != tc.exception || v.Allowed != (tc.exception == "") {
			t.Errorf("%s: allowed %v, exception %q; want %q", tc.desc, v.Allowed, v.Exception, tc.exception)
		}
		if tc.exception == "" && (len(v.Requests) != 1 || v.Requests[0].URL != "http://api.test/a") {
			t.Errorf("%s: requests %+v, want one GET of http://api.test/a (no userinfo in the request line)", tc.desc, v.Requests)
		}
	}
}
