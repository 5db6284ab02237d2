package explain_test

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// designExample is the scenario of shared/design.md "The scenario contract"
// without the policy.
const designExample = `{
  "browser": "chrome",
  "request": {
    "origin": "http://app.test",
    "url": "http://api.test/items/1",
    "method": "PUT",
    "headers": [["Content-Type", "application/json"], ["X-Api-Key", "k"]],
    "credentials": "include",
    "mode": "cors",
    "body": "{}"
  }
}`

func mustExplain(t testing.TB, js string) explain.Verdict {
	t.Helper()
	s, err := explain.Decode([]byte(js))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	v, err := explain.Explain(s, opts)
	if err != nil {
		t.Fatalf("Explain: %v", err)
	}
	return v
}

func TestDesignExample(t *testing.T) {
	v := mustExplain(t, designExample)
	// Every expected value below is the verdict printed in shared/design.md.
	want := map[string]string{"access-control-request-method": "PUT", "access-control-request-headers": "content-type,x-api-key"}
	if !v.Preflight.Sent || !reflect.DeepEqual(v.Preflight.Headers, want) {
		t.Errorf("preflight = %+v, want sent with %v", v.Preflight, want)
	}
	if v.Allowed || v.ActualSent || v.Status != 0 || len(v.ReadableHeaders) != 0 {
		t.Errorf("allowed=%v actual_sent=%v status=%d readable=%v, want blocked before the actual request", v.Allowed, v.ActualSent, v.Status, v.ReadableHeaders)
	}
	if v.Reason != "PreflightMissingAllowOriginHeader" {
		t.Errorf("reason %q", v.Reason)
	}
	wantConsole := "Access to fetch at 'http://api.test/items/1' from origin 'http://app.test' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."
	if len(v.Console) == 0 || v.Console[0] != wantConsole {
		t.Errorf("console %q, want first line %q", v.Console, wantConsole)
	}
	// Chromium 156 adds this line after each CORS block (browser-cors.md side by side).
	if len(v.Console) != 2 || v.Console[1] != "Failed to load resource: net::ERR_FAILED" {
		t.Errorf("console %q, want the ERR_FAILED line second", v.Console)
	}
	// Raw replies get a "headers" fix: the lines the server must send.
	// Each expected line is what the Fetch standard requires of a
	// credentialed, preflighted PUT: a 2xx preflight (§4.8 step 7) with
	// the exact origin and ACAC true (CORS check §4.9), the method and the
	// requested names (§4.8 steps 9-10), and the same origin checks on the
	// actual reply.
	if len(v.Fixes) != 1 || v.Fixes[0].Where != "server" || v.Fixes[0].Format != "headers" {
		t.Fatalf("fixes %+v, want one headers fix", v.Fixes)
	}
	for _, line := range []string{"HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: http://app.test", "Access-Control-Allow-Credentials: true",
		"Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Headers: content-type, x-api-key"} {
		if !strings.Contains(v.Fixes[0].Text, line+"\n") {
			t.Errorf("fix text lacks %q:\n%s", line, v.Fixes[0].Text)
		}
	}
	if !reflect.DeepEqual(v.Fixes[0].AllowedIn, []string{"chrome", "firefox", "safari"}) {
		t.Errorf("allowed_in %v", v.Fixes[0].AllowedIn)
	}
	if len(v.Browsers) != 3 {
		t.Fatalf("browsers %v, want chrome, firefox, safari", v.Browsers)
	}
	// WebKit checks the preflight status before ACAO (browser-cors.md §3.1).
	if v.Browsers[2].Reason != "PreflightInvalidStatus" {
		t.Errorf("safari reason %q, want PreflightInvalidStatus", v.Browsers[2].Reason)
	}
	b, _ := json.Marshal(v)
	for _, field := range []string{`"allowed":false`, `"actual_sent":false`, `"readable_headers":[]`, `"fixes":[{`, `"steps":[`} {
		if !strings.Contains(string(b), field) {
			t.Errorf("verdict JSON lacks %s: %s", field, b)
		}
	}
}

func TestAllowedWithReadableHeaders(t *testing.T) {
	v := mustExplain(t, `{"request":{"origin":"http://app.test","url":"http://api.test/data"},
		"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Expose-Headers","X-A, Set-Cookie"],["X-A","1"],["X-B","1"],["Content-Type","text/plain"],["Content-Length","4"],["Set-Cookie","a=b"]]}}`)
	// Observed Chromium 156 for the same response: status 200, type cors,
	// headers content-length, content-type, x-a.
	if !v.Allowed || v.Status != 200 || v.Type != "cors" || !reflect.DeepEqual(v.ReadableHeaders, []string{"content-length", "content-type", "x-a"}) {
		t.Errorf("got allowed=%v status=%d type=%q readable=%v", v.Allowed, v.Status, v.Type, v.ReadableHeaders)
	}
	if v.Preflight.Sent || !v.ActualSent || v.Reply == nil || v.Reply.Status != 200 {
		t.Errorf("preflight=%v actual=%v reply=%v", v.Preflight.Sent, v.ActualSent, v.Reply)
	}
	if o, _ := v.ActualRequest.Header.Get("Origin"); o != "http://app.test" {
		t.Errorf("Origin %q (Fetch: cors requests carry Origin)", o)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		desc, in string
		paths    []string
	}{
		{desc: "unknown fields at every level", in: `{"request":{"origin":"http://a.test","url":"http://b.test","foo":1},"bar":2,"response":{"status":200,"baz":1}}`,
			paths: []string{"$.bar", "$.request.foo", "$.response.baz"}},
		{desc: "wrong types", in: `{"request":{"origin":1,"url":"http://b.test","headers":[["a"]]},"preflight":{"status":"x"}}`,
			paths: []string{"$.request.origin", "$.request.headers[0]", "$.preflight.status"}},
		{desc: "missing required", in: `{"request":{}}`, paths: []string{"$.request.origin", "$.request.url"}},
		{desc: "missing request", in: `{}`, paths: []string{"$.request"}},
		{desc: "not an object", in: `[]`, paths: []string{"$"}},
	}
	for _, tc := range tests {
		got, ok := errorPaths(explain.Decode([]byte(tc.in)))
		if !ok {
			t.Errorf("%s: want policy.Errors", tc.desc)
			continue
		}
		for _, p := range tc.paths {
			if !contains(got, p) {
				t.Errorf("%s: paths %q lack %q", tc.desc, got, p)
			}
		}
	}
	_, err := explain.Decode([]byte("{\n  \"request\": {,}\n}"))
	var es policy.Errors
	if !errors.As(err, &es) || es[0].Line != 2 {
		t.Errorf("syntax error %v, want line 2", err)
	}
}

// errorPaths lists the JSON paths of a policy.Errors, and whether err is
// one.
func errorPaths(_ explain.Scenario, err error) ([]string, bool) {
	var es policy.Errors
	if !errors.As(err, &es) {
		return nil, false
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Path)
	}
	return got, true
}

func TestExplainInputErrors(t *testing.T) {
	s := explain.Scenario{Browser: "netscape", Request: explain.Request{Origin: "http://a.test", URL: "http://b.test"}}
	if _, err := explain.Explain(s, opts); err == nil || !strings.Contains(err.Error(), "$.browser") {
		t.Errorf("err %v, want $.browser", err)
	}
	s = explain.Scenario{Request: explain.Request{Origin: "http://a.test", URL: "http://b.test", Init: fetch.Init{Mode: "cros"}}}
	if _, err := explain.Explain(s, opts); err == nil || !strings.Contains(err.Error(), "$.request.mode") {
		t.Errorf("err %v, want $.request.mode", err)
	}
}

// fake is a format for tests: it answers every request with
// Access-Control-Allow-Origin echoed and the methods in its text.
type fake struct{ name, prefix string }

func (f fake) Name() string { return f.name }
func (f fake) Detect(text string) (bool, string) {
	return strings.HasPrefix(text, f.prefix), "starts with " + f.prefix
}
func (f fake) Parse(text string) (policy.Evaluator, error) {
	if strings.Contains(text, "BAD") {
		return nil, policy.Errors{{Line: 1, Column: strings.Index(text, "BAD") + 1, Msg: "bad token"}}
	}
	return fakeEval(strings.TrimSpace(strings.TrimPrefix(text, f.prefix))), nil
}

type fakeEval string

func (e fakeEval) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	o, _ := req.Header.Get("Origin")
	h := app.Header.Clone()
	h = append(h, headers.Field{Name: "Access-Control-Allow-Origin", Value: o})
	status := app.Status
	if req.Method == "OPTIONS" {
		status = 204
		h = append(h, headers.Field{Name: "Access-Control-Allow-Methods", Value: string(e)})
	}
	return policy.Outcome{Reply: policy.Reply{Status: status, Header: h}, Rules: []policy.Rule{{Index: 0, Matched: true, Note: policy.Note{Case: "fake rule for " + req.Method}}}}
}

func TestPolicy(t *testing.T) {
	req := `"request":{"origin":"http://app.test","url":"http://api.test/x","method":"PUT"}`
	v := mustExplain(t, `{`+req+`,"policy":{"format":"fake-test","text":"FAKE PUT"}}`)
	if !v.Allowed || v.Preflight.Reply == nil || v.Preflight.Reply.Status != 204 || v.Reply == nil || v.Reply.Status != 200 {
		t.Fatalf("verdict %+v", v)
	}
	if len(v.Rules) != 1 || v.Rules[0].Detail != "fake rule for PUT" {
		t.Errorf("rules %+v, want the actual request's rule trace", v.Rules)
	}
	v = mustExplain(t, `{`+req+`,"policy":{"format":"fake-test","text":"FAKE GET"}}`)
	if v.Allowed || v.Reason != "MethodDisallowedByPreflightResponse" || len(v.Rules) != 1 || v.Rules[0].Detail != "fake rule for OPTIONS" {
		t.Errorf("blocked at preflight: allowed=%v reason=%q rules=%+v; want the preflight's rules", v.Allowed, v.Reason, v.Rules)
	}
	v = mustExplain(t, `{`+req+`,"policy":{"format":"auto","text":"FAKE PUT"}}`)
	if v.Detected == nil || v.Detected.Format != "fake-test" {
		t.Errorf("detected %+v", v.Detected)
	}
	for _, tc := range []struct{ desc, policy, path string }{
		{desc: "ambiguous", policy: `{"format":"auto","text":"FAKEB PUT"}`, path: "$.policy.format"},
		{desc: "nobody claims it", policy: `{"format":"auto","text":"zzz"}`, path: "$.policy.text"},
		{desc: "unknown format", policy: `{"format":"nope","text":"FAKE"}`, path: "$.policy.format"},
	} {
		s, err := explain.Decode([]byte(`{` + req + `,"policy":` + tc.policy + `}`))
		if err != nil {
			t.Fatal(err)
		}
		_, err = explain.Explain(s, opts)
		var es policy.Errors
		if !errors.As(err, &es) || es[0].Path != tc.path {
			t.Errorf("%s: err %v, want path %s", tc.desc, err, tc.path)
		}
	}
	s, _ := explain.Decode([]byte(`{` + req + `,"policy":{"format":"fake-test","text":"FAKE BAD"}}`))
	if _, err := explain.Explain(s, opts); err == nil || !strings.Contains(err.Error(), "line 1, column 6") {
		t.Errorf("parse error %v, want the reader's position", err)
	}
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// BenchmarkExplain runs a typical preflighted fetch that passes.
func BenchmarkExplain(b *testing.B) {
	s, err := explain.Decode([]byte(`{"browser":"chrome","request":{"origin":"http://app.test","url":"http://api.test/items/1","method":"PUT",
		"headers":[["Content-Type","application/json"],["X-Api-Key","k"]],"credentials":"include","body":"{}"},
		"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Credentials","true"],["Access-Control-Allow-Methods","GET, PUT"],["Access-Control-Allow-Headers","content-type, x-api-key"],["Access-Control-Max-Age","600"]]},
		"response":{"status":200,"headers":[["Access-Control-Allow-Origin","http://app.test"],["Access-Control-Allow-Credentials","true"],["Content-Type","application/json"]]}}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		v, err := explain.Explain(s, opts)
		if err != nil || !v.Allowed {
			b.Fatal(err, v.Reason)
		}
	}
}

func FuzzExplain(f *testing.F) {
	f.Add([]byte(designExample))
	f.Add([]byte(`{"request":{"origin":"null","url":"http://api.test/","mode":"no-cors"}}`))
	f.Add([]byte(`{"request":{"origin":"http://a.test","url":"http://b.test/"},"response":{"status":302,"headers":[["Location","//c.test/x"],["Access-Control-Allow-Origin","*"]]}}`))
	f.Add([]byte(`{"browser":"firefox","request":{"origin":"http://a.test","url":"http://b.test/","headers":{"Authorization":"x"}},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Headers","*"]]}}`))
	// The examples/ scenarios run the fix search over S3, Express and nginx.
	for _, name := range []string{"s3-upload-missing-header.json", "api-credentials-wildcard.json", "nginx-preflight-403.json"} {
		if b, err := os.ReadFile("../../examples/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := explain.Decode(data)
		if err != nil {
			return
		}
		v, err := explain.Explain(s, opts)
		if err != nil {
			return
		}
		if v.Allowed == (v.Reason != "") {
			t.Fatalf("allowed=%v with reason %q", v.Allowed, v.Reason)
		}
		if v.Fixes == nil || v.ReadableHeaders == nil || v.Console == nil {
			t.Fatal("fixes, readable_headers and console must be non-nil lists")
		}
	})
}

// A redirect back to the scenario's own URL gets the same reply, so a
// self-redirect loops until the limit (e2e/chromium recording redir-loop:
// Chromium logs net::ERR_TOO_MANY_REDIRECTS and nothing else).
func TestRedirectLoop(t *testing.T) {
	v := mustExplain(t, `{"request":{"origin":"http://app.test","url":"http://api.test/t/items"},
		"response":{"status":302,"headers":[["Access-Control-Allow-Origin","*"],["Location","/t/items"]]}}`)
	if v.Allowed || v.Reason != "TooManyRedirects" || !reflect.DeepEqual(v.Console, []string{"Failed to load resource: net::ERR_TOO_MANY_REDIRECTS"}) {
		t.Errorf("allowed=%v reason=%q console=%q", v.Allowed, v.Reason, v.Console)
	}
}

// BenchmarkExplainBlocked is the S3 upload of examples/ blocked by a
// missing AllowedHeader: fixes=on includes the fix search (what the CLI
// does), fixes=off is what the page runs per keystroke before it asks for
// fixes lazily.
func BenchmarkExplainBlocked(b *testing.B) {
	data := `{"request":{"origin":"https://app.example.com","url":"https://b.s3.amazonaws.com/u/a.jpg","method":"PUT",
		"headers":[["Content-Type","image/jpeg"],["x-amz-acl","private"],["x-amz-meta-by","42"]],"body":"x"},
		"policy":{"format":"s3-json","text":"[{\"AllowedOrigins\":[\"https://www.example.com\"],\"AllowedMethods\":[\"GET\"]},{\"AllowedOrigins\":[\"https://app.example.com\"],\"AllowedMethods\":[\"PUT\"],\"AllowedHeaders\":[\"Content-Type\",\"x-amz-acl\"]}]"}`
	for _, mode := range []string{"on", "off"} {
		b.Run("fixes="+mode, func(b *testing.B) {
			js := data + `}`
			if mode == "off" {
				js = data + `,"fixes":false}`
			}
			s, err := explain.Decode([]byte(js))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			defer cpuClock(b)()
			for b.Loop() {
				v, err := explain.Explain(s, opts)
				if err != nil || v.Allowed || (mode == "on") != (len(v.Fixes) > 0) {
					b.Fatal(err, v.Allowed, len(v.Fixes))
				}
			}
		})
	}
}
