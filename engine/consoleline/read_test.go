package consoleline_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/consoleline"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/policy"
)

// The recordings named in source are e2e/<browser>/testdata/observed-*.json
// records by id; the texts are engine/fetch/messages.go's.
var readCases = []struct {
	desc, source string
	in           string
	want         consoleline.Line
}{
	{
		desc:   "Chrome's preflight line, pasted with DevTools' source location",
		source: "chromeDetail (messages.go); engine/explain ExampleExplain, the S3 upload",
		in:     "index.html:1 Access to fetch at 'https://uploads.s3.amazonaws.com/a.jpg' from origin 'https://app.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		want: consoleline.Line{Browser: "chrome", API: "fetch", Origin: "https://app.example", URL: "https://uploads.s3.amazonaws.com/a.jpg",
			Reason: "Preflight" + fetch.ReasonMissingAllowOriginHeader, Preflight: true},
	},
	{
		desc:   "Chrome's line as most pages quote it, with the suggestion of an opaque response, which goes",
		source: "ASP.NET Core Blazor documentation, Cross-Origin Resource Sharing (the exception it quotes); Chromium before the recorded release",
		in:     "Access to fetch at 'https://api.example.com/items' from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
		want: consoleline.Line{Browser: "chrome", API: "fetch", Origin: "http://localhost:3000", URL: "https://api.example.com/items",
			Reason: fetch.ReasonMissingAllowOriginHeader},
	},
	{
		desc:   "the same after a preflight",
		source: "as above",
		in:     "Access to fetch at 'http://localhost:8888/api' from origin 'http://localhost:9999' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
		want: consoleline.Line{Browser: "chrome", API: "fetch", Origin: "http://localhost:9999", URL: "http://localhost:8888/api",
			Reason: "Preflight" + fetch.ReasonMissingAllowOriginHeader, Preflight: true},
	},
	{
		desc:   "Chrome names the Access-Control-Allow-Origin value; the hint and the source location on the right go",
		source: "e2e/chromium recording acao-mismatch-get (chromeHint)",
		in:     "Access to fetch at 'http://api.test/t/x/items' from origin 'http://app.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://other.test' that is not equal to the supplied origin. Have the server send the header with a valid value.   (index):12  ",
		want: consoleline.Line{Browser: "chrome", API: "fetch", Origin: "http://app.test", URL: "http://api.test/t/x/items",
			Reason: fetch.ReasonAllowOriginMismatch, Value: "http://other.test"},
	},
	{
		desc:   "Chrome's console-insights button, copied with the line, goes",
		source: "chromeDetail ReasonMethodDisallowed; e2e/chromium recording pf-acam-missing-put",
		in:     "Access to fetch at 'http://api.test/items' from origin 'http://app.test' has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.Understand this error",
		want: consoleline.Line{Browser: "chrome", API: "fetch", Origin: "http://app.test", URL: "http://api.test/items",
			Reason: fetch.ReasonMethodDisallowed, Value: "PUT", Preflight: true},
	},
	{
		desc:   "a value that looks like a source location stays when the message cannot end there",
		source: "webkitReason ReasonInvalidAllowMethods: the whole header (e2e/webkit recording pf-acam-invalid-paren)",
		in:     "Header Access-Control-Allow-Methods has an invalid value: PUT, x.y:1",
		want:   consoleline.Line{Browser: "safari", API: "fetch", Reason: fetch.ReasonInvalidAllowMethods, Value: "PUT, x.y:1", Preflight: true},
	},
	{
		desc:   "Chrome's XMLHttpRequest line carries the withCredentials note instead of the hint",
		source: "e2e/chromium recording xhr-credentials-star (chromeXHRCredentials)",
		in:     "Access to XMLHttpRequest at 'http://api.test/t/x/items' from origin 'http://app.test' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.",
		want: consoleline.Line{Browser: "chrome", API: "xhr", Origin: "http://app.test", URL: "http://api.test/t/x/items",
			Reason: fetch.ReasonWildcardOriginNotAllowed, Value: "*"},
	},
	{
		desc:   "Chrome's redirected fetch names both URLs",
		source: "e2e/chromium recording redir-301-other-host",
		in:     "Access to fetch at 'http://other.test/moved' (redirected from 'http://api.test/items') from origin 'http://app.test' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		want: consoleline.Line{Browser: "chrome", API: "fetch", Origin: "http://app.test", URL: "http://other.test/moved", RedirectedFrom: "http://api.test/items",
			Reason: fetch.ReasonMissingAllowOriginHeader},
	},
	{
		desc:   "Chrome's header check names the header, lowercase",
		source: "e2e/chromium recording pf-acah-missing (chromeDetail ReasonHeaderDisallowed)",
		in:     "Access to fetch at 'http://api.test/items' from origin 'http://app.test' has been blocked by CORS policy: Request header field x-test is not allowed by Access-Control-Allow-Headers in preflight response.",
		want: consoleline.Line{Browser: "chrome", API: "fetch", Origin: "http://app.test", URL: "http://api.test/items",
			Reason: fetch.ReasonHeaderDisallowed, Value: "x-test", Preflight: true},
	},
	{
		desc:   "Firefox's line names the status, not the origin; [Learn More] goes",
		source: "e2e/firefox recording acao-missing-404 (firefoxMessages)",
		in:     "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404. [Learn More]",
		want:   consoleline.Line{Browser: "firefox", API: "fetch", URL: "http://api.test/items", Reason: fetch.ReasonMissingAllowOriginHeader, Status: 404},
	},
	{
		desc:   "Firefox quotes the URL of a credentials line",
		source: "e2e/firefox recording acao-star-creds",
		in:     "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘http://api.test/items’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
		want:   consoleline.Line{Browser: "firefox", API: "fetch", URL: "http://api.test/items", Reason: fetch.ReasonWildcardOriginNotAllowed, Value: "*"},
	},
	{
		desc:   "Firefox's \"does not match\" is a mismatch, a value that is no origin, or a list",
		source: "e2e/firefox recordings acao-invalid-dash, acao-multiple-comma",
		in:     "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘-’).",
		want: consoleline.Line{Browser: "firefox", API: "fetch", URL: "http://api.test/items", Reason: fetch.ReasonAllowOriginMismatch, Value: "-",
			Also: []string{fetch.ReasonInvalidAllowOriginValue, fetch.ReasonMultipleAllowOriginValues}},
	},
	{
		desc:   "Firefox's invalid token is the token alone",
		source: "e2e/firefox recording pf-acam-invalid-paren",
		in:     "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/items. (Reason: invalid token ‘(bad)’ in CORS header ‘Access-Control-Allow-Methods’).",
		want:   consoleline.Line{Browser: "firefox", API: "fetch", URL: "http://api.test/items", Reason: fetch.ReasonInvalidAllowMethods, Value: "(bad)", Preflight: true},
	},
	{
		desc:   "Firefox's \"did not succeed\" is a network failure or follows a failed preflight",
		source: "e2e/firefox recording net-fail-actual (ffDidNotSucceed)",
		in:     "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/items. (Reason: CORS request did not succeed). Status code: (null).",
		want: consoleline.Line{Browser: "firefox", API: "fetch", URL: "http://api.test/items", Reason: fetch.ReasonNetworkError,
			Also: []string{fetch.ReasonInvalidResponse, "Preflight" + fetch.ReasonMissingAllowOriginHeader}},
	},
	{
		desc:   "Safari's origin line, with the console's [Error] prefix: missing or mismatched, preflight or not",
		source: "e2e/webkit recording acao-missing-get (webkitReason)",
		in:     "[Error] Origin http://app.test is not allowed by Access-Control-Allow-Origin. Status code: 403",
		want: consoleline.Line{Browser: "safari", API: "fetch", Origin: "http://app.test", Reason: fetch.ReasonMissingAllowOriginHeader, Status: 403,
			Also: []string{fetch.ReasonAllowOriginMismatch, fetch.ReasonInvalidAllowOriginValue, "Preflight" + fetch.ReasonMissingAllowOriginHeader, "Preflight" + fetch.ReasonAllowOriginMismatch}},
	},
	{
		desc:   "Safari repeats its reason after \"Failed to load resource: \"",
		source: "e2e/webkit recording pf-status-403 (webkitMessages.console)",
		in:     "Failed to load resource: Preflight response is not successful. Status code: 403",
		want:   consoleline.Line{Browser: "safari", API: "fetch", Reason: fetch.ReasonPreflightInvalidStatus, Status: 403, Preflight: true},
	},
	{
		desc:   "Safari names the header as the page wrote it",
		source: "e2e/webkit recording pf-acah-missing",
		in:     "Request header field X-Test is not allowed by Access-Control-Allow-Headers.",
		want:   consoleline.Line{Browser: "safari", API: "fetch", Reason: fetch.ReasonHeaderDisallowed, Value: "X-Test", Preflight: true},
	},
	{
		desc:   "Safari's method line",
		source: "e2e/webkit recording pf-acam-missing-put",
		in:     "Method PUT is not allowed by Access-Control-Allow-Methods.",
		want:   consoleline.Line{Browser: "safari", API: "fetch", Reason: fetch.ReasonMethodDisallowed, Value: "PUT", Preflight: true},
	},
	{
		desc:   "Safari's closing line names the URL and no check",
		source: "webkitMessages.console (\"due to access control checks\")",
		in:     "Fetch API cannot load http://api.test/items due to access control checks.",
		want:   consoleline.Line{Browser: "safari", API: "fetch", URL: "http://api.test/items"},
	},
	{
		desc:   "a pasted block of Safari's three lines: the one that names the check wins",
		source: "webkitMessages.console order: reason, closing line, reason again",
		in:     "Fetch API cannot load http://api.test/items due to access control checks.\nOrigin http://app.test is not allowed by Access-Control-Allow-Origin. Status code: 200\n",
		want: consoleline.Line{Browser: "safari", API: "fetch", Origin: "http://app.test", Reason: fetch.ReasonMissingAllowOriginHeader, Status: 200,
			Also: []string{fetch.ReasonAllowOriginMismatch, fetch.ReasonInvalidAllowOriginValue, "Preflight" + fetch.ReasonMissingAllowOriginHeader, "Preflight" + fetch.ReasonAllowOriginMismatch}},
	},
	{
		desc:   "Safari's redirection line names the target; the redirect's own reply failed",
		source: "e2e/webkit recording redir-302-no-acao (webkitRedirection)",
		in:     "Cross-origin redirection to http://api.test/moved denied by Cross-Origin Resource Sharing policy: Origin http://app.test is not allowed by Access-Control-Allow-Origin. Status code: 302",
		want: consoleline.Line{Browser: "safari", API: "fetch", Origin: "http://app.test", RedirectTo: "http://api.test/moved", Reason: fetch.ReasonMissingAllowOriginHeader, Status: 302,
			Also: []string{fetch.ReasonAllowOriginMismatch, fetch.ReasonInvalidAllowOriginValue}},
	},
}

func TestRead(t *testing.T) {
	for _, c := range readCases {
		t.Run(c.desc, func(t *testing.T) {
			l, err := consoleline.Read(c.in)
			if err != nil {
				t.Fatalf("Read: %v (source: %s)", err, c.source)
			}
			want := c.want
			want.Text = l.Text
			if !reflect.DeepEqual(*l, want) {
				t.Errorf("Read =\n %+v\nwant (source: %s)\n %+v", *l, c.source, want)
			}
			if l.Text == "" || !strings.Contains(c.in, l.Text) || l.Text != strings.TrimSpace(l.Text) {
				t.Errorf("Text %q is not the message inside %q", l.Text, c.in)
			}
		})
	}
}

var rejectCases = []struct {
	desc, source string
	in           string
	line         int
	want         string
}{
	{desc: "nothing pasted", source: "the brief: a line it cannot read is an error saying so",
		in: "  \n ", line: 1, want: "empty line"},
	{desc: "Chrome's summary after every block names no check", source: "chromeFailed (messages.go)",
		in: "Failed to load resource: net::ERR_FAILED", line: 1, want: "paste the line above it"},
	{desc: "an error status the page may read is no block", source: "chromeMessages.allowed",
		in: "Failed to load resource: the server responded with a status of 404 (Not Found)", line: 1, want: "not a CORS block"},
	{desc: "XHR's getResponseHeader of a header not exposed: no block, the header to expose (tried as a new user would: the AWS SDK's ETag line was \"not a CORS console message\")", source: "Chromium xml_http_request.cc (\"Refused to get unsafe header\"); Fetch: CORS-exposed header-name list",
		in: `Refused to get unsafe header "ETag"`, line: 1, want: `the response header "ETag", which the response does not expose`},
	{desc: "a line of no browser's", source: "none of chromeMessages, firefoxMessages, webkitMessages",
		in: "Uncaught (in promise) TypeError: Failed to fetch", line: 1, want: "not a CORS console message"},
	{desc: "Chrome's line cut before the origin", source: "chromeMessages.console: \"from origin '...' has been blocked by CORS policy: \"",
		in: "Access to fetch at 'https://api.example/x'", line: 1, want: "Chrome's line is cut"},
	{desc: "a Chrome reason whycors does not know", source: "chromeDetail lists the known ones",
		in: "Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been blocked by CORS policy: Something new.", line: 1, want: "Chrome's reason is not one whycors knows"},
	{desc: "Firefox's status that is not a number", source: "firefoxMessages.console: \" Status code: N.\"",
		in: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://api.test/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: abc.", line: 1, want: "status code is not a number"},
	{desc: "Safari's origin line without a status", source: "webkitReason: \"Status code: \" + status",
		in: "Origin http://app.test is not allowed by Access-Control-Allow-Origin. Status code: ", line: 1, want: "Safari's line should read"},
	{desc: "a method that is no token", source: "https://fetch.spec.whatwg.org/#concept-method (a method is a token)",
		in: "Method P T is not allowed by Access-Control-Allow-Methods.", line: 1, want: "is not a method or header name"},
	{desc: "an origin that does not parse", source: "engine/origin.Parse",
		in: "Origin app.test is not allowed by Access-Control-Allow-Origin. Status code: 200", line: 1, want: "is not an origin"},
	{desc: "the fault's line in a pasted block", source: "policy.Error's Line",
		in: "\nhello\nFailed to load resource: net::ERR_FAILED", line: 2, want: "not a CORS console message"},
}

func TestReadRejects(t *testing.T) {
	for _, c := range rejectCases {
		t.Run(c.desc, func(t *testing.T) {
			l, err := consoleline.Read(c.in)
			if err == nil {
				t.Fatalf("Read = %+v, want an error containing %q (source: %s)", l, c.want, c.source)
			}
			var errs policy.Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("error %T %v, want one policy.Error", err, err)
			}
			if errs[0].Line != c.line || errs[0].Column != 1 || !errs[0].Unreadable {
				t.Errorf("error at line %d column %d unreadable %v, want line %d column 1 unreadable", errs[0].Line, errs[0].Column, errs[0].Unreadable, c.line)
			}
			if !strings.Contains(errs[0].Msg, c.want) {
				t.Errorf("error %q, want it to contain %q (source: %s)", errs[0].Msg, c.want, c.source)
			}
		})
	}
}

// FuzzRead: Read never panics; a line it reads has a browser, a Text
// found in the input and at most MaxCandidates candidates; a line it
// rejects is one policy.Error at a line of the input, saying why.
func FuzzRead(f *testing.F) {
	for _, c := range readCases {
		f.Add(c.in)
	}
	for _, c := range rejectCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		l, err := consoleline.Read(in)
		if err != nil {
			var errs policy.Errors
			if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Msg == "" {
				t.Fatalf("Read(%q): error %v, want one policy.Error with a message", in, err)
			}
			if n := strings.Count(in, "\n") + 1; errs[0].Line < 1 || errs[0].Line > n || errs[0].Column != 1 {
				t.Fatalf("Read(%q): error at line %d column %d, input has %d lines", in, errs[0].Line, errs[0].Column, n)
			}
			return
		}
		switch l.Browser {
		case "chrome", "firefox", "safari":
		default:
			t.Fatalf("Read(%q): browser %q", in, l.Browser)
		}
		if l.Text == "" || !strings.Contains(in, l.Text) {
			t.Fatalf("Read(%q): Text %q not in the input", in, l.Text)
		}
		cs := consoleline.Candidates(l)
		if len(cs) > consoleline.MaxCandidates {
			t.Fatalf("Read(%q): %d candidates", in, len(cs))
		}
		for _, c := range cs {
			if _, err := explain.Explain(c.Scenario, explain.Options{}); err != nil {
				t.Fatalf("Read(%q): candidate %q: %v", in, c.Desc, err)
			}
		}
	})
}
