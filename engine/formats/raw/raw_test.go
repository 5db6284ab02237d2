package raw_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
)

// The inputs are shaped as curl prints them (curl(1): -i "include the HTTP
// response headers in the output", -v "lines starting with '>' are header
// data sent by curl, '<' header data received, '*' additional info") and
// the expectations follow shared/reference/cloud-policies.md §6.5.

const curlVPreflight = `*   Trying 127.0.0.1:443...
* Connected to api.test (127.0.0.1) port 443
* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384
> OPTIONS /items/1 HTTP/1.1
> Host: api.test
> User-Agent: curl/8.5.0
> Accept: */*
> Origin: http://app.test
> Access-Control-Request-Method: PUT
> Access-Control-Request-Headers: content-type,x-api-key
>
< HTTP/1.1 204 No Content
< Access-Control-Allow-Origin: http://app.test
< Access-Control-Allow-Methods: GET, PUT
< Vary: Origin
<
* Connection #0 to host api.test left intact
`

func TestRead(t *testing.T) {
	tests := []struct {
		desc          string
		text          string
		wantPreflight int // status, 0 for none
		wantActual    int
		check         func(t *testing.T, c *raw.Capture)
	}{
		{
			desc:       "curl -i of a GET: one reply without preflight-only headers is the actual reply (§6.5)",
			text:       "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nAccess-Control-Allow-Origin: *\r\n\r\n{\"ok\":true}\r\n",
			wantActual: 200,
			check: func(t *testing.T, c *raw.Capture) {
				if c.Actual.Body != `{"ok":true}` {
					t.Errorf("body = %q", c.Actual.Body)
				}
				if v, _ := c.Actual.Header.Get("access-control-allow-origin"); v != "*" {
					t.Errorf("ACAO = %q", v)
				}
			},
		},
		{
			// Found as a new user would: the page's console-line
			// candidate for "Redirect is not allowed for a preflight
			// request" wrote a 301 then a 200, read as a redirect curl
			// followed, and the verdict said no preflight reply was
			// pasted.
			desc:          "the notes a fix and the page write above each reply say which request it answers: a 301 to the preflight is its reply, not a redirect curl followed",
			text:          "# reply to the preflight (OPTIONS)\nHTTP/1.1 301 Moved Permanently\nLocation: https://api.test/y\n\n# reply to the PUT request\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.test\n",
			wantPreflight: 301, wantActual: 200,
		},
		{
			// Found by a review: the exemption of a preflight's 3xx
			// made this an input error ("two replies to OPTIONS").
			desc:          "curl -v -L of an OPTIONS request that is redirected: the 3xx is still a redirect curl followed, before the preflight reply",
			text:          "> OPTIONS /x HTTP/1.1\n> Host: api.test\n> Origin: https://app.test\n> Access-Control-Request-Method: PUT\n>\n< HTTP/1.1 301 Moved Permanently\n< Location: /y\n<\n> OPTIONS /y HTTP/1.1\n> Host: api.test\n>\n< HTTP/1.1 204 No Content\n< Access-Control-Allow-Origin: https://app.test\n< Access-Control-Allow-Methods: PUT\n<\n",
			wantPreflight: 204,
		},
		{
			desc:       "without the notes, a 3xx then a reply is still a redirect curl -L followed (§6.5)",
			text:       "HTTP/1.1 301 Moved Permanently\nLocation: https://api.test/y\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: https://app.test\n",
			wantActual: 200,
		},
		{
			desc:          "curl -v of an OPTIONS request: the request line makes it the preflight reply",
			text:          curlVPreflight,
			wantPreflight: 204,
			check: func(t *testing.T, c *raw.Capture) {
				if c.Preflight.Request == nil || c.Preflight.Request.URL != "https://api.test/items/1" {
					t.Errorf("request = %+v", c.Preflight.Request)
				}
				if got := len(c.Preflight.Header); got != 3 {
					t.Errorf("%d header lines, want 3", got)
				}
			},
		},
		{
			desc:          "curl -i -X OPTIONS without request lines: Access-Control-Allow-Methods marks a preflight reply",
			text:          "HTTP/2 204\naccess-control-allow-origin: http://app.test\naccess-control-allow-methods: PUT\n",
			wantPreflight: 204,
		},
		{
			desc:       "100 Continue is skipped: the final block is the reply (§6.5)",
			text:       "HTTP/1.1 100 Continue\n\nHTTP/1.1 201 Created\nAccess-Control-Allow-Origin: http://app.test\n\n",
			wantActual: 201,
		},
		{
			desc:       "proxy CONNECT 200 is skipped (§6.5)",
			text:       "HTTP/1.1 200 Connection established\n\nHTTP/2 200\naccess-control-allow-origin: *\n\nbody",
			wantActual: 200,
		},
		{
			desc:       "curl -L: the last block is evaluated and the redirect reported (§6.5)",
			text:       "HTTP/1.1 301 Moved Permanently\nLocation: https://api.test/v2/items\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\n\n",
			wantActual: 200,
			check: func(t *testing.T, c *raw.Capture) {
				if len(c.Actual.Redirects) != 1 || c.Actual.Redirects[0].Status != 301 || c.Actual.Redirects[0].Location != "https://api.test/v2/items" || c.Actual.Redirects[0].Line != 1 {
					t.Errorf("redirects = %+v", c.Actual.Redirects)
				}
			},
		},
		{
			desc:          "two replies without request lines: preflight then actual (task brief)",
			text:          "HTTP/1.1 204 No Content\nAccess-Control-Allow-Origin: *\n\nHTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\n\n",
			wantPreflight: 204,
			wantActual:    200,
		},
		{
			desc:          "two curl -v exchanges in reverse order: request lines decide",
			text:          "> GET /a HTTP/1.1\n> Host: h\n>\n< HTTP/1.1 200 OK\n<\n> OPTIONS /a HTTP/1.1\n> Host: h\n>\n< HTTP/1.1 204 No Content\n<\n",
			wantPreflight: 204,
			wantActual:    200,
		},
		{
			desc:          "an unlabelled reply then a curl -v OPTIONS exchange: the request line decides",
			text:          "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\n\n> OPTIONS /a HTTP/1.1\n>\n< HTTP/1.1 204 No Content\n<\n",
			wantPreflight: 204,
			wantActual:    200,
		},
		{
			desc:       "repeated ACAO lines stay two lines with exact bytes (§6.5: the browser combines them and fails)",
			text:       "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: http://app.test\nAccess-Control-Allow-Origin:  *  \nAccess-Control-Allow-Credentials: True\n",
			wantActual: 200,
			check: func(t *testing.T, c *raw.Capture) {
				if n := c.Actual.Header.Count("Access-Control-Allow-Origin"); n != 2 {
					t.Errorf("ACAO lines = %d, want 2", n)
				}
				if v, _ := c.Actual.Header.Get("Access-Control-Allow-Origin"); v != "http://app.test, *" {
					t.Errorf("combined ACAO = %q, want %q (Fetch header list get)", v, "http://app.test, *")
				}
				if v, _ := c.Actual.Header.Get("Access-Control-Allow-Credentials"); v != "True" {
					t.Errorf("ACAC = %q: the case must survive", v)
				}
			},
		},
		{
			desc:       "DevTools copy: name: value lines, no status line (200 assumed)",
			text:       "access-control-allow-origin: *\ncontent-type: text/plain\n",
			wantActual: 200,
			check: func(t *testing.T, c *raw.Capture) {
				if !c.Actual.Assumed {
					t.Error("Assumed = false, want true")
				}
			},
		},
		{
			desc:          "DevTools copy: alternating name and value lines with :status",
			text:          ":status\n204\naccess-control-allow-origin\nhttp://app.test\naccess-control-allow-headers\nx-api-key\ndate\nSat, 21 Nov 2026 07:42:24 GMT\n",
			wantPreflight: 204,
			check: func(t *testing.T, c *raw.Capture) {
				if v, _ := c.Preflight.Header.Get("date"); v != "Sat, 21 Nov 2026 07:42:24 GMT" {
					t.Errorf("date = %q", v)
				}
			},
		},
	}
	for _, tc := range tests {
		c, err := raw.Read(tc.text)
		if err != nil {
			t.Errorf("%s: Read: %v", tc.desc, err)
			continue
		}
		gotP, gotA := 0, 0
		if c.Preflight != nil {
			gotP = c.Preflight.Status
		}
		if c.Actual != nil {
			gotA = c.Actual.Status
		}
		if gotP != tc.wantPreflight || gotA != tc.wantActual {
			t.Errorf("%s: preflight %d actual %d, want %d and %d (notes %q)", tc.desc, gotP, gotA, tc.wantPreflight, tc.wantActual, c.Notes)
			continue
		}
		if tc.check != nil {
			tc.check(t, c)
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want []policy.Error // Line, Column
	}{
		{desc: "header name with a space, position of the bad byte", text: "HTTP/1.1 200 OK\nAccess Control: x\n", want: []policy.Error{{Line: 2, Column: 7}}},
		{desc: "every fault is listed", text: "HTTP/1.1 200 OK\nno colon here\nok: 1\nbad name: 2\n", want: []policy.Error{{Line: 2, Column: 1}, {Line: 4, Column: 4}}},
		{desc: "status that is not three digits", text: "HTTP/1.1 2000 OK\n", want: []policy.Error{{Line: 1, Column: 10}}},
		{desc: "curl -v prefix shifts the column", text: "< HTTP/1.1 200 OK\n< b@d: 1\n", want: []policy.Error{{Line: 2, Column: 4}}},
		{desc: "three replies", text: "HTTP/1.1 204 x\n\nHTTP/1.1 200 x\n\nHTTP/1.1 200 x\n", want: []policy.Error{{Line: 5, Column: 1}}},
		{desc: "nothing", text: "\n\n", want: []policy.Error{{Line: 1, Column: 1}}},
	}
	for _, tc := range tests {
		_, err := raw.Read(tc.text)
		postest.Positions(t, tc.desc, err, tc.want)
	}
}

func TestRespond(t *testing.T) {
	app := policy.Reply{Status: 200, Header: headers.List{{Name: "X-App", Value: "1"}}}
	tests := []struct {
		desc       string
		text       string
		method     string
		wantStatus int
		wantHeader string // a header that must be present
	}{
		{desc: "OPTIONS without a pasted preflight: 404, no headers (design.md scenario contract)", text: "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\n", method: "OPTIONS", wantStatus: 404},
		{desc: "GET gets the pasted actual reply", text: "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\n", method: "GET", wantStatus: 200, wantHeader: "Access-Control-Allow-Origin"},
		{desc: "GET without a pasted actual reply gets the app's reply (design.md)", text: curlVPreflight, method: "GET", wantStatus: 200, wantHeader: "X-App"},
		{desc: "OPTIONS gets the pasted preflight", text: curlVPreflight, method: "OPTIONS", wantStatus: 204, wantHeader: "Access-Control-Allow-Methods"},
		{desc: "a redirected preflight is answered with the redirect (§6.5: preflights must not redirect)", text: "> OPTIONS /a HTTP/1.1\n>\n< HTTP/1.1 308 Permanent Redirect\n< Location: /b\n<\n< HTTP/1.1 204 No Content\n< Access-Control-Allow-Origin: *\n<\n", method: "OPTIONS", wantStatus: 308, wantHeader: "Location"},
	}
	for _, tc := range tests {
		ev, err := (&raw.Format{}).Parse(tc.text)
		if err != nil {
			t.Errorf("%s: Parse: %v", tc.desc, err)
			continue
		}
		out := ev.Respond(policy.Request{Method: tc.method, URL: "http://api.test/a"}, app)
		if out.Reply.Status != tc.wantStatus {
			t.Errorf("%s: status %d, want %d (%s)", tc.desc, out.Reply.Status, tc.wantStatus, out.Text())
		}
		if tc.wantHeader != "" && !out.Reply.Header.Has(tc.wantHeader) {
			t.Errorf("%s: no %s in %v", tc.desc, tc.wantHeader, out.Reply.Header)
		}
		if tc.wantHeader == "" && len(out.Reply.Header) != 0 {
			t.Errorf("%s: headers %v, want none", tc.desc, out.Reply.Header)
		}
		out.Reply.Header.Add("X-Mutate", "1") // must not leak into the evaluator
		again := ev.Respond(policy.Request{Method: tc.method}, app)
		if again.Reply.Header.Has("X-Mutate") || app.Header.Has("X-Mutate") {
			t.Errorf("%s: evaluator shares its header list with callers", tc.desc)
		}
	}
}

func TestParseRequest(t *testing.T) {
	f, err := raw.ParseRequest(curlVPreflight)
	if err != nil {
		t.Fatal(err)
	}
	// Values as curl printed them in curlVPreflight.
	want := raw.Fetch{Method: "PUT", URL: "https://api.test/items/1", Path: "/items/1", Origin: "http://app.test", ACRM: "PUT", ACRH: "content-type,x-api-key", Preflight: true, Line: 4}
	if f.Method != want.Method || f.URL != want.URL || f.Path != want.Path || f.Origin != want.Origin || f.ACRM != want.ACRM || f.ACRH != want.ACRH || f.Preflight != want.Preflight || f.Line != want.Line {
		t.Errorf("ParseRequest = %+v, want %+v", f, want)
	}
	if len(f.Headers) != 2 || f.Headers[0].Name != "content-type" || f.Headers[1].Name != "x-api-key" {
		t.Errorf("headers = %v", f.Headers)
	}
	if _, err := raw.ParseRequest("HTTP/1.1 200 OK\n"); err == nil {
		t.Error("ParseRequest without request lines: no error")
	}
}

func TestParseReply(t *testing.T) {
	r, err := raw.ParseReply("HTTP/1.1 100 Continue\n\nHTTP/1.1 403 Forbidden\nContent-Type: text/plain\n\nAccessForbidden")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != 403 || r.Body != "AccessForbidden" || len(r.Header) != 1 {
		t.Errorf("ParseReply = %+v", r)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want bool
	}{
		{desc: "curl -i", text: "HTTP/1.1 204 No Content\r\n", want: true},
		{desc: "curl -v", text: curlVPreflight, want: true},
		{desc: "DevTools copy", text: "content-type: text/plain\naccess-control-allow-origin: *\n", want: true},
		{desc: "S3 JSON", text: `[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]`, want: false},
		{desc: "S3 XML", text: `<CORSConfiguration><CORSRule></CORSRule></CORSConfiguration>`, want: false},
		{desc: "nginx", text: "add_header Access-Control-Allow-Origin *;\n", want: false},
		{desc: "Express", text: "{ origin: 'https://a.com', credentials: true }", want: false},
		{desc: "plain header without CORS", text: "content-type: text/plain\n", want: false},
	}
	for _, tc := range tests {
		if got, why := (&raw.Format{}).Detect(tc.text); got != tc.want {
			t.Errorf("%s: Detect = %v (%s), want %v", tc.desc, got, why, tc.want)
		}
	}
	if f, ok := reg.Lookup("raw"); !ok || f.Name() != "raw" {
		t.Error("raw is not registered")
	}
}

func FuzzRead(f *testing.F) {
	f.Add(curlVPreflight)
	f.Add("HTTP/1.1 100 Continue\n\nHTTP/1.1 301 x\nLocation: /b\n\nHTTP/2 200\na: b\n c\n\nbody")
	f.Add(":status\n204\nx\ny\n")
	f.Add("a: b\nc: d\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := raw.Read(s)
		if err == nil && c.Preflight == nil && c.Actual == nil {
			t.Fatal("no error and no reply")
		}
		// A refusal says where the fault is.
		postest.Rejected(t, err)
		_, rerr := raw.ParseRequest(s)
		postest.Rejected(t, rerr)
		_, herr := raw.ParseHTTPRequest(s)
		postest.Rejected(t, herr)
		if err == nil {
			c.Respond(policy.Request{Method: "OPTIONS"}, policy.Reply{})
			c.Respond(policy.Request{Method: "GET"}, policy.Reply{})
		}
		(&raw.Format{}).Detect(s)
		_ = strings.ToLower(s)
	})
}

// reg holds this package's formats.
var reg = policy.NewRegistry(raw.Formats()...)
