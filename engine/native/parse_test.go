package native_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

// wantErr is one expected fault: where it is and its reason code.
type wantErr struct {
	path string
	code string
	line int
	col  int
}

func faults(t *testing.T, err error) policy.Errors {
	t.Helper()
	var es policy.Errors
	if !errors.As(err, &es) {
		t.Fatalf("error %v (%T) is not a policy.Errors", err, err)
	}
	return es
}

func TestParseRejects(t *testing.T) {
	cases := []struct {
		desc   string
		text   string
		want   []wantErr
		source string
	}{
		{
			desc:   "no origins",
			text:   `{"methods": ["PUT"]}`,
			want:   []wantErr{{path: "$.origins", code: "missing"}},
			source: `server-peers.md §1.2: "cors: at least one origin must be allowed"`,
		},
		{
			desc:   "wildcard origin with credentials",
			text:   `{"origins": ["*"], "credentials": true}`,
			want:   []wantErr{{path: "$.origins[0]", code: "wildcard", line: 1, col: 14}},
			source: "server-peers.md §1.2 (jub0bs wildcard); Fetch CORS check step 3 fails * with credentials",
		},
		{
			desc:   "null origin",
			text:   `{"origins": ["null"]}`,
			want:   []wantErr{{path: "$.origins[0]", code: "prohibited", line: 1, col: 14}},
			source: `server-peers.md §1.2: prohibited origin pattern "null"`,
		},
		{
			desc: "invalid origins, one fault each, all reported",
			text: "{\"origins\": [\n  \"https://example.com/\",\n  \"https://*example.com\",\n  \"*.example.com\",\n  \"h*\",\n  \"https://résumé.com\",\n  \"https://example.com:0\",\n  \"https://Example.com\"\n]}",
			want: []wantErr{
				{path: "$.origins[0]", code: "invalid", line: 2, col: 3},
				{path: "$.origins[1]", code: "invalid", line: 3, col: 3},
				{path: "$.origins[2]", code: "invalid", line: 4, col: 3},
				{path: "$.origins[3]", code: "invalid", line: 5, col: 3},
				{path: "$.origins[4]", code: "invalid", line: 6, col: 3},
				{path: "$.origins[5]", code: "invalid", line: 7, col: 3},
				{path: "$.origins[6]", code: "invalid", line: 8, col: 3},
			},
			source: "server-peers.md §1.2 invalid-pattern list; uppercase: URL host serialization is lowercase (browser-cors.md §1.12)",
		},
		{
			desc:   "default port and file scheme",
			text:   `{"origins": ["https://example.com:443", "file:///x"]}`,
			want:   []wantErr{{path: "$.origins[0]", code: "prohibited"}, {path: "$.origins[1]", code: "prohibited"}},
			source: "server-peers.md §1.2 prohibited list (default port, file:)",
		},
		{
			desc:   "insecure origin with credentials",
			text:   `{"origins": ["http://example.com", "http://localhost:3000", "http://127.0.0.1:*"], "credentials": true}`,
			want:   []wantErr{{path: "$.origins[0]", code: "insecure"}},
			source: "server-peers.md §1.2: insecure origins refused with credentials, loopback counts as secure",
		},
		{
			desc:   "subdomains of a top-level domain",
			text:   `{"origins": ["https://*.com"]}`,
			want:   []wantErr{{path: "$.origins[0]", code: "psl"}},
			source: `server-peers.md §1.2: "https://*.com" encompasses subdomains of a public suffix`,
		},
		{
			desc: "forbidden and invalid methods",
			text: `{"origins": ["https://a.test"], "methods": ["CONNECT", "trace", "TRACK", "bad method", ""]}`,
			want: []wantErr{
				{path: "$.methods[0]", code: "forbidden"}, {path: "$.methods[1]", code: "forbidden"},
				{path: "$.methods[2]", code: "forbidden"}, {path: "$.methods[3]", code: "invalid"},
				{path: "$.methods[4]", code: "invalid"},
			},
			source: "Fetch forbidden method (browser-cors.md §1.1); server-peers.md §1.2",
		},
		{
			desc: "request and exposed header names",
			text: `{"origins": ["https://a.test"], "request_headers": ["Cookie", "Sec-Fetch-Mode", "Access-Control-Allow-Origin", "x y"], "exposed_headers": ["Set-Cookie", "Origin", "x(y)"]}`,
			want: []wantErr{
				{path: "$.request_headers[0]", code: "forbidden"}, {path: "$.request_headers[1]", code: "forbidden"},
				{path: "$.request_headers[2]", code: "prohibited"}, {path: "$.request_headers[3]", code: "invalid"},
				{path: "$.exposed_headers[0]", code: "forbidden"}, {path: "$.exposed_headers[1]", code: "prohibited"},
				{path: "$.exposed_headers[2]", code: "invalid"},
			},
			source: "Fetch forbidden request-header and response-header names (browser-cors.md §1.3); server-peers.md §1.2",
		},
		{
			desc:   "expose all with credentials",
			text:   `{"origins": ["https://a.test"], "exposed_headers": ["*"], "credentials": true}`,
			want:   []wantErr{{path: "$.exposed_headers[0]", code: "wildcard"}},
			source: "server-peers.md §1.2: cannot both expose all response headers and enable credentialed access",
		},
		{
			desc:   "max-age out of range, both sides",
			text:   `{"rules": [{"origins": ["https://a.test"], "max_age": 86401}, {"origins": ["https://a.test"], "max_age": -1}]}`,
			want:   []wantErr{{path: "$.rules[0].max_age", code: "range", line: 1, col: 55}, {path: "$.rules[1].max_age", code: "range"}},
			source: "server-peers.md §1.2: out-of-bounds max-age value 86401 (max: 86400)",
		},
		{
			desc:   "preflight status outside 2xx",
			text:   `{"origins": ["https://a.test"], "preflight_status": 301}`,
			want:   []wantErr{{path: "$.preflight_status", code: "range"}},
			source: "Fetch CORS-preflight fetch: success needs an ok status, 200-299 (browser-cors.md §1.8)",
		},
		{
			desc: "unknown fields, with and without a hint",
			text: `{"AllowedOrigins": ["https://a.test"], "origins": ["https://a.test"], "colour": 1}`,
			want: []wantErr{
				{path: "$.AllowedOrigins", code: "unknown-field", line: 1, col: 2},
				{path: "$.colour", code: "unknown-field", line: 1, col: 71},
			},
			source: "strict decoding (task brief); S3 writes AllowedOrigins (cloud-policies.md §1)",
		},
		{
			desc: "wrong types do not also report the field as missing",
			text: `{"origins": "https://a.test", "credentials": "yes", "max_age": 1.5, "methods": [1]}`,
			want: []wantErr{
				{path: "$.origins", code: "type", line: 1, col: 13},
				{path: "$.credentials", code: "type"},
				{path: "$.max_age", code: "type"},
				{path: "$.methods[0]", code: "type"},
			},
			source: "strict decoding: every fault once, with its position (style.md errors row)",
		},
		{
			desc:   "syntax error has a line and column",
			text:   "{\n  \"origins\": [\"https://a.test\",]\n}",
			want:   []wantErr{{code: "syntax", line: 2, col: 32}},
			source: "RFC 8259 §5: no trailing comma in an array",
		},
		{
			desc:   "duplicate field",
			text:   `{"origins": ["https://a.test"], "origins": ["https://b.test"]}`,
			want:   []wantErr{{code: "syntax", line: 1, col: 33}},
			source: "RFC 8259 §4: names SHOULD be unique; a hand-written duplicate is a mistake",
		},
		{
			desc: "fields next to rules, bad path, bad name, bad unmatched_preflight",
			text: `{"origins": [], "rules": [{"path": "api/*", "name": "a b", "origins": ["https://a.test"], "unmatched_preflight": "allow"}, {"path": "/a*b", "origins": ["https://a.test"]}]}`,
			want: []wantErr{
				{path: "$.origins", code: "unknown-field"},
				{path: "$.rules[0].path", code: "invalid"},
				{path: "$.rules[0].name", code: "invalid"},
				{path: "$.rules[0].unmatched_preflight", code: "invalid"},
				{path: "$.rules[1].path", code: "invalid"},
			},
			source: "format rules in the package doc",
		},
		{
			desc:   "empty rules",
			text:   `{"rules": []}`,
			want:   []wantErr{{path: "$.rules", code: "missing"}},
			source: "a policy with no rule allows nothing; say so",
		},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			p, err := native.Parse(tc.text)
			if err == nil {
				t.Fatalf("Parse accepted it: %s (want %d faults; %s)", native.Write(p), len(tc.want), tc.source)
			}
			es := faults(t, err)
			if len(es) != len(tc.want) {
				t.Fatalf("got %d faults, want %d (%s):\n%v", len(es), len(tc.want), tc.source, err)
			}
			for i, w := range tc.want {
				e := es[i]
				if e.Path != w.path || e.Code != w.code || (w.line != 0 && (e.Line != w.line || e.Column != w.col)) {
					t.Errorf("fault %d = {%s %s %d:%d} %q, want {%s %s %d:%d} (%s)", i, e.Path, e.Code, e.Line, e.Column, e.Msg, w.path, w.code, w.line, w.col, tc.source)
				}
				if e.Line == 0 {
					t.Errorf("fault %d has no line: %v", i, e)
				}
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	cases := []struct {
		desc   string
		text   string
		source string
	}{
		{desc: "short form", text: `{"origins": ["https://app.example.com"]}`, source: "package doc"},
		{desc: "patterns", text: `{"origins": ["https://*.example.com", "http://localhost:*", "https://*.example.com:*", "http://[::1]:8080", "http://127.0.0.1:3000", "https://xn--rsum-bpad.example"]}`, source: "server-peers.md §1.3 pattern syntax"},
		{desc: "any origin without credentials, any method and header", text: `{"origins": ["*"], "methods": ["*"], "request_headers": ["*"], "exposed_headers": ["*"]}`, source: "Fetch: * is a wildcard without credentials"},
		{desc: "insecure origin with the opt-in", text: `{"origins": ["http://example.com"], "credentials": true, "dangerously_allow_insecure_origins": true}`, source: "server-peers.md §1.2 DangerouslyTolerateInsecureOrigins"},
		{desc: "max-age bounds", text: `{"rules": [{"origins": ["https://a.test"], "max_age": 0}, {"origins": ["https://a.test"], "max_age": 86400}]}`, source: "server-peers.md §1.2 max 86400"},
		{desc: "every option", text: `{"rules": [{"name": "api.v1", "path": "/api/*", "origins": ["https://a.test"], "methods": ["PATCH", "put"], "request_headers": ["X-Custom"], "exposed_headers": ["X-Id"], "credentials": true, "max_age": 600, "preflight_status": 200, "unmatched_preflight": "pass"}]}`, source: "package doc"},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			if _, err := native.Parse(tc.text); err != nil {
				t.Fatalf("Parse: %v (%s)", err, tc.source)
			}
		})
	}
}

// TestNewCopies checks that a Policy does not alias the caller's slices.
func TestNewCopies(t *testing.T) {
	origins := []string{"https://a.test"}
	p, err := native.New([]native.Rule{{Origins: origins}})
	if err != nil {
		t.Fatal(err)
	}
	origins[0] = "https://evil.test"
	if got := p.Rules()[0].Origins[0]; got != "https://a.test" {
		t.Errorf("policy changed with the caller's slice: %q", got)
	}
	var a native.Answer
	p.Decide(&native.Input{Method: "GET", Path: "/", Origin: "https://evil.test", HasOrigin: true}, &a)
	if a.AllowOrigin != "" {
		t.Errorf("evil origin allowed after the caller's slice changed")
	}
}

func TestErrorMessagesNameTheValue(t *testing.T) {
	_, err := native.Parse(`{"origins": ["https://example.com/"]}`)
	if err == nil || !strings.Contains(err.Error(), `"https://example.com"`) {
		t.Errorf("error should suggest the origin without the slash: %v", err)
	}
}

// TestFaultMessages: a refused origin pattern's message names the pattern
// and the reason, and every fault's path names the field and item. The
// expected texts are those the messages had when each was written (they
// are built in one place, parsePattern and ruleFaults.add, since both run
// on every start of the edge worker).
func TestFaultMessages(t *testing.T) {
	tests := []struct {
		desc, policy, path, code, msg string
	}{
		{desc: "invalid pattern", policy: `{"origins": ["https://a.example:"]}`, path: "$.origins[0]", code: "invalid",
			msg: `invalid origin pattern "https://a.example:": empty port`},
		{desc: "prohibited pattern", policy: `{"origins": ["null"]}`, path: "$.origins[0]", code: "prohibited",
			msg: `prohibited origin pattern "null": every sandboxed iframe, data: URL and file: page sends Origin: null, so allowing it allows them all`},
		{desc: "a top-level domain's subdomains", policy: `{"origins": ["https://*.com"]}`, path: "$.origins[0]", code: "psl",
			msg: `prohibited origin pattern "https://*.com": it allows every site under the top-level domain "com"`},
		{desc: "a public suffix's subdomains (jub0bs/cors refuses them with the public suffix list; lint's public-suffix-wildcard refused them while native enforced them, found as a new user would)", policy: `{"origins": ["https://*.github.io"], "credentials": true}`, path: "$.origins[0]", code: "psl",
			msg: `prohibited origin pattern "https://*.github.io": anyone can register a site under the public suffix "github.io", so this allows every stranger's site there`},
		{desc: "an item of a list", policy: `{"origins": ["https://a.example"], "methods": ["GET", "TRACE"]}`, path: "$.methods[1]", code: "forbidden",
			msg: `forbidden method "TRACE": fetch() refuses to send it (https://fetch.spec.whatwg.org/#forbidden-method)`},
		{desc: "a field of a second rule", policy: `{"rules": [{"origins": ["https://a.example"]}, {"origins": ["https://b.example"], "max_age": -1}]}`, path: "$.rules[1].max_age", code: "range",
			msg: "out-of-bounds max-age -1: want 0 (no caching) to 86400 seconds; leave it out for the browsers' default of 5"},
	}
	for _, tc := range tests {
		_, err := native.Parse(tc.policy)
		var errs policy.Errors
		if !errors.As(err, &errs) || len(errs) != 1 {
			t.Errorf("%s: want one fault, got %v", tc.desc, err)
			continue
		}
		if e := errs[0]; e.Path != tc.path || e.Code != tc.code || e.Msg != tc.msg {
			t.Errorf("%s: got %s %s %q, want %s %s %q", tc.desc, e.Path, e.Code, e.Msg, tc.path, tc.code, tc.msg)
		}
	}
}
