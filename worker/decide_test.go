//go:build !(js && wasm)

package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
)

// decidePolicy: expected values below follow engine/native's package
// documentation ("What the policy answers") unless a case says otherwise.
const decidePolicy = `{"rules": [
  {"name": "api", "path": "/api/*", "origins": ["https://app.example.com"], "methods": ["PUT"], "request_headers": ["X-Custom"], "exposed_headers": ["X-Request-Id"], "credentials": true, "max_age": 600},
  {"name": "pub", "path": "/public/*", "origins": ["*"]},
  {"name": "pass", "path": "/legacy/*", "origins": ["https://app.example.com"], "unmatched_preflight": "pass"}
]}`

func mustServer(t *testing.T, env map[string]string) *Server {
	t.Helper()
	cfg, errs := LoadConfig(envOf(env))
	if errs != nil {
		t.Fatal(errs)
	}
	return NewServer(cfg, nil, false)
}

func TestDecide(t *testing.T) {
	const app, evil = "https://app.example.com", "https://evil.example"
	base := map[string]string{envPolicy: decidePolicy, envUpstream: "https://api.example.com"}
	refuse := map[string]string{envPolicy: decidePolicy, envUpstream: "https://api.example.com", envRefuse: "refuse"}
	debug := map[string]string{envPolicy: decidePolicy, envUpstream: "https://api.example.com", envDebug: "true"}
	tests := []struct {
		desc   string
		env    map[string]string
		req    Request
		action Action
		status int          // Reply only
		strip  bool         // Forward only
		want   headers.List // exactly these lines, in this order
	}{
		{desc: "allowed preflight answered at the edge with 204 and the rule's headers (native doc: preflight_status default 204, AddTo order)", env: base,
			req:    Request{Method: "OPTIONS", Target: "/api/items", Origin: app, HasOrigin: true, ACRM: "PUT", HasACRM: true, ACRH: "x-custom", HasACRH: true},
			action: Reply, status: 204,
			want: headers.List{{Name: "Access-Control-Allow-Origin", Value: app}, {Name: "Access-Control-Allow-Credentials", Value: "true"}, {Name: "Access-Control-Allow-Methods", Value: "PUT"}, {Name: "Access-Control-Allow-Headers", Value: "x-custom"}, {Name: "Access-Control-Max-Age", Value: "600"}, {Name: "Vary", Value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}}},
		{desc: "rejected preflight: 403, no CORS header, and Vary, which a cache that stores OPTIONS needs (native doc)", env: base,
			req:    Request{Method: "OPTIONS", Target: "/api/items", Origin: evil, HasOrigin: true, ACRM: "PUT", HasACRM: true},
			action: Reply, status: 403, want: headers.List{{Name: "Vary", Value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}}},
		{desc: "actual request, allowed origin: forwarded, owned headers stripped, policy's set, Vary appended (native doc: actual)", env: base,
			req:    Request{Method: "GET", Target: "/api/items?x=1", Origin: app, HasOrigin: true},
			action: Forward, strip: true,
			want: headers.List{{Name: "Access-Control-Allow-Origin", Value: app}, {Name: "Access-Control-Allow-Credentials", Value: "true"}, {Name: "Access-Control-Expose-Headers", Value: "X-Request-Id"}, {Name: "Vary", Value: "Origin"}}},
		{desc: "actual request, disallowed origin: forwarded with the upstream's CORS headers stripped and Vary: Origin (native doc: actual)", env: base,
			req:    Request{Method: "GET", Target: "/api/items", Origin: evil, HasOrigin: true},
			action: Forward, strip: true, want: headers.List{{Name: "Vary", Value: "Origin"}}},
		{desc: "the query is not part of the path a rule matches (native doc: path)", env: base,
			req:    Request{Method: "GET", Target: "/public/x?/api/y", Origin: evil, HasOrigin: true},
			action: Forward, strip: true, want: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}},
		{desc: "no rule covers the path: forwarded, the upstream's own CORS headers stripped (native doc: a request no rule covers gets no CORS headers; the edge owns CORS on every path)", env: base,
			req:    Request{Method: "GET", Target: "/other", Origin: app, HasOrigin: true},
			action: Forward, strip: true},
		{desc: "a covered path spelt with an escaped unreserved letter is that path, as the upstream decodes it (RFC 3986 §6.2.2.2): the rule decides", env: base,
			req:    Request{Method: "GET", Target: "/%61pi/items", Origin: evil, HasOrigin: true},
			action: Forward, strip: true, want: headers.List{{Name: "Vary", Value: "Origin"}}},
		{desc: "unmatched_preflight pass: the preflight goes to the upstream, its answer untouched (native doc: unmatched_preflight)", env: base,
			req:    Request{Method: "OPTIONS", Target: "/legacy/x", Origin: app, HasOrigin: true, ACRM: "DELETE", HasACRM: true},
			action: Forward},
		{desc: "WHYCORS_DISALLOWED=refuse: disallowed origin answered 403 at the edge with Vary: Origin (worker/README.md)", env: refuse,
			req:    Request{Method: "POST", Target: "/api/items", Origin: evil, HasOrigin: true},
			action: Reply, status: 403,
			want: headers.List{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}, {Name: "Cache-Control", Value: "no-store"}, {Name: "Vary", Value: "Origin"}}},
		{desc: "WHYCORS_DISALLOWED=refuse: a request without Origin is not a CORS request and is forwarded", env: refuse,
			req:    Request{Method: "POST", Target: "/api/items"},
			action: Forward, strip: true, want: headers.List{{Name: "Vary", Value: "Origin"}}},
		{desc: "debug: the decision header names the decision and the rule (middleware.DebugHeader, native.Policy.Summary)", env: debug,
			req:    Request{Method: "OPTIONS", Target: "/api/items", Origin: evil, HasOrigin: true, ACRM: "PUT", HasACRM: true},
			action: Reply, status: 403, want: headers.List{{Name: "Vary", Value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}, {Name: DebugHeader, Value: "preflight-rejected rule=0 name=api failed=origin"}}},
		{desc: "debug: the explain endpoint is its own action, whatever the method", env: debug,
			req:    Request{Method: "GET", Target: "/.whycors/explain/api/items"},
			action: Explain},
		{desc: "without debug the explain path is an ordinary one (worker/README.md)", env: base,
			req:    Request{Method: "GET", Target: "/.whycors/explain/api/items", Origin: app, HasOrigin: true},
			action: Forward, strip: true},
	}
	for _, tc := range tests {
		s := mustServer(t, tc.env)
		if tc.action == Explain && !canExplain {
			tc.action, tc.status, tc.want = Reply, 404, plainText()
		}
		d := s.Decide(&tc.req)
		if d.Action != tc.action {
			t.Errorf("%s: action %d, want %d", tc.desc, d.Action, tc.action)
			continue
		}
		if tc.action == Reply && d.Status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.desc, d.Status, tc.status)
		}
		if d.StripOwned != tc.strip {
			t.Errorf("%s: StripOwned %v, want %v", tc.desc, d.StripOwned, tc.strip)
		}
		if tc.action != Explain && !equalList(d.Header, tc.want) {
			t.Errorf("%s: headers\n  %v\nwant\n  %v", tc.desc, d.Header, tc.want)
		}
	}
}

func equalList(a, b headers.List) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			return false
		}
		// Lists of header names compare without case (names are
		// case-insensitive, RFC 9110 §5.1).
		if strings.HasSuffix(a[i].Name, "-Headers") && strings.EqualFold(a[i].Value, b[i].Value) {
			continue
		}
		if a[i].Value != b[i].Value {
			return false
		}
	}
	return true
}

// parseAnswer reads an answer as worker.mjs's parse does.
func parseAnswer(a string) (first string, h headers.List, body string, hasBody bool) {
	head := a
	if i := strings.Index(a, "\n\n"); i >= 0 {
		head, body, hasBody = a[:i], a[i+2:], true
	}
	lines := strings.Split(head, "\n")
	for _, l := range lines[1:] {
		k, v, _ := strings.Cut(l, "\t")
		h.Add(k, v)
	}
	return lines[0], h, body, hasBody
}

// TestWire: what worker.mjs sends parses back to the request, and answers
// read back to the decision (the format is documented in decide.go).
func TestWire(t *testing.T) {
	tests := []struct {
		desc string
		wire string
		want Request
		ok   bool
	}{
		{desc: "preflight with every field", wire: "OPTIONS\n/a?b\nO\thttps://a.test\nM\tPUT\nH\tx-a, x-b",
			want: Request{Method: "OPTIONS", Target: "/a?b", Origin: "https://a.test", HasOrigin: true, ACRM: "PUT", HasACRM: true, ACRH: "x-a, x-b", HasACRH: true}, ok: true},
		{desc: "empty Origin is present, not absent (native.Input: HasOrigin)", wire: "GET\n/\nO\t",
			want: Request{Method: "GET", Target: "/", HasOrigin: true}, ok: true},
		{desc: "a tab inside a value is part of it (field values may hold HTAB, RFC 9110 §5.5)", wire: "GET\n/\nO\ta\tb",
			want: Request{Method: "GET", Target: "/", Origin: "a\tb", HasOrigin: true}, ok: true},
		{desc: "no target", wire: "GET", ok: false},
		{desc: "target not a path", wire: "GET\nhttp://x/", ok: false},
		{desc: "unknown field letter", wire: "GET\n/\nZ\tx", ok: false},
		{desc: "field without a tab", wire: "GET\n/\nO", ok: false},
		{desc: "longer than the bound", wire: "GET\n/" + strings.Repeat("a", maxWireBytes), ok: false},
	}
	for _, tc := range tests {
		got, ok := ParseWire(tc.wire)
		if ok != tc.ok {
			t.Errorf("%s: ok %v, want %v", tc.desc, ok, tc.ok)
			continue
		}
		if ok && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.desc, got, tc.want)
		}
		if ok && got.Wire() != tc.wire {
			t.Errorf("%s: Wire() %q, want %q back", tc.desc, got.Wire(), tc.wire)
		}
	}

	d := Decision{Action: Reply, Status: 500, Header: headers.List{{Name: "A", Value: ""}, {Name: "B", Value: "x\ty"}}, Body: "line 1\n\nline 3\n"}
	first, h, body, hasBody := parseAnswer(d.Wire())
	if first != "R500" || !equalList(h, d.Header) || body != d.Body || !hasBody {
		t.Errorf("reply read back as %q %v %q", first, h, body)
	}
	d = Decision{Action: Forward, StripOwned: true, Header: headers.List{{Name: "Vary", Value: "Origin"}}}
	first, h, _, hasBody = parseAnswer(d.Wire())
	if first != "FS" || !equalList(h, d.Header) || hasBody {
		t.Errorf("forward read back as %q %v (body %v)", first, h, hasBody)
	}
}

func FuzzDecideWire(f *testing.F) {
	f.Add("OPTIONS\n/api/items\nO\thttps://app.example.com\nM\tPUT\nH\tx-custom")
	f.Add("GET\n/api/items?x=1\nO\thttps://evil.example")
	f.Add("OPTIONS\n/legacy/x\nO\thttps://app.example.com\nM\tDELETE")
	f.Add("GET\n/.whycors/explain/x")
	f.Add("\n\n\n")
	cfg, errs := LoadConfig(envOf(map[string]string{envPolicy: decidePolicy, envUpstream: "https://a.example", envDebug: "true"}))
	if errs != nil {
		f.Fatal(errs)
	}
	s := NewServer(cfg, nil, false)
	f.Fuzz(func(t *testing.T, q string) {
		a := s.DecideWire(q)
		first, h, _, hasBody := parseAnswer(a)
		switch {
		case first == "X", first == "F" || first == "FS":
			if hasBody {
				t.Fatalf("%q: a %s answer with a body: %q", q, first, a)
			}
		case strings.HasPrefix(first, "R"):
			if !hasBody {
				t.Fatalf("%q: a reply without the body separator: %q", q, a)
			}
		default:
			t.Fatalf("%q: unreadable answer %q", q, a)
		}
		for _, f := range h {
			if f.Name == "" || strings.ContainsAny(f.Name, "\t\n") || strings.Contains(f.Value, "\n") {
				t.Fatalf("%q: bad header line %q in %q", q, f, a)
			}
		}
	})
}
