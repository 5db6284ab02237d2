//go:build !(js && wasm) && !whycors_nativeonly

package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// s3TwoRules is issue 19's bucket: one rule per origin, the most common S3
// shape, which native's path-first model could not express.
const s3TwoRules = `[
  {"AllowedOrigins": ["https://www.example.com"], "AllowedMethods": ["GET"]},
  {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT", "POST", "HEAD"], "AllowedHeaders": ["*"]}
]`

// expressPolicy: the cors package with an origin list (expressjs/cors
// README: an array of allowed origins; preflights end with
// optionsSuccessStatus, 204 by default, unless preflightContinue).
const expressPolicy = `app.use(cors({origin: ['https://app.example', /^https:\/\/.+\.app\.test$/], methods: ['GET', 'PUT']}))`

// nginxPolicy: a map of allowed origins, preflights answered by nginx
// with `always` headers, actual replies with add_header without always
// (nginx docs, ngx_http_headers_module: add_header without always applies
// to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308 only).
const nginxPolicy = `map $http_origin $cors_origin {
    default "";
    https://app.example $http_origin;
}
server {
    location /api/ {
        if ($request_method = OPTIONS) {
            add_header Access-Control-Allow-Origin $cors_origin always;
            add_header Access-Control-Allow-Methods "PUT, POST" always;
            add_header Access-Control-Allow-Headers "content-type" always;
            return 204;
        }
        add_header Access-Control-Allow-Origin $cors_origin;
        add_header Vary Origin;
        proxy_pass http://app;
    }
}
`

// evaluator reads text as `whycors respond` does: the engine's format
// registry, the format's own Parse.
func evaluator(t *testing.T, format, text string) policy.Evaluator {
	t.Helper()
	f, ok := policy.NewRegistry(all.Edge()...).Lookup(format)
	if !ok {
		t.Fatalf("no format %s", format)
	}
	ev, err := f.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func platformServer(t testing.TB, text, format string) *Server {
	t.Helper()
	cfg, errs := LoadConfig(envOf(map[string]string{envPolicy: text, envUpstream: "https://bucket.example", envFormat: format}))
	if errs != nil {
		t.Fatal(errs)
	}
	if cfg.Format != format || cfg.Eval == nil {
		t.Fatalf("format %q (evaluator %v), want %s read by its own reader", cfg.Format, cfg.Eval != nil, format)
	}
	return NewServer(cfg, nil, false)
}

// TestPlatformPreflight: a preflight is answered at the edge exactly as
// the platform's evaluator answers it (what `whycors respond --policy`
// prints: Respond with an application reply of status 200), when the
// platform answers preflights itself; else it goes to the upstream.
func TestPlatformPreflight(t *testing.T) {
	const app, www, evil = "https://app.example", "https://www.example.com", "https://evil.example"
	tests := []struct {
		desc, format, text string
		path               string
		hdr                headers.List
		status             int    // the reply's status; 0: forwarded (AskAgain)
		acao               string // its Access-Control-Allow-Origin; "" absent
	}{
		{desc: "S3, issue 19: PUT from the second rule's origin: 200 with that origin (cloud-policies.md §1: the first rule matching origin, method and headers answers)", format: "s3-json", text: s3TwoRules,
			path: "/photos/1.jpg", hdr: headers.List{{Name: "origin", Value: app}, {Name: "access-control-request-method", Value: "PUT"}, {Name: "access-control-request-headers", Value: "content-type,x-amz-meta-a"}},
			status: 200, acao: app},
		{desc: "S3: GET from the first rule's origin", format: "s3-json", text: s3TwoRules,
			path: "/k", hdr: headers.List{{Name: "origin", Value: www}, {Name: "access-control-request-method", Value: "GET"}},
			status: 200, acao: www},
		{desc: "S3: PUT from the first rule's origin matches no rule: S3's 403 AccessForbidden, no CORS header", format: "s3-json", text: s3TwoRules,
			path: "/k", hdr: headers.List{{Name: "origin", Value: www}, {Name: "access-control-request-method", Value: "PUT"}},
			status: 403},
		{desc: "S3: an origin no rule lists: 403", format: "s3-json", text: s3TwoRules,
			path: "/k", hdr: headers.List{{Name: "origin", Value: evil}, {Name: "access-control-request-method", Value: "GET"}},
			status: 403},
		{desc: "S3 XML, the same bucket's second rule", format: "s3-xml", text: `<CORSConfiguration><CORSRule><AllowedOrigin>https://www.example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>`,
			path: "/k", hdr: headers.List{{Name: "origin", Value: app}, {Name: "access-control-request-method", Value: "PUT"}},
			status: 200, acao: app},
		{desc: "Express: a listed origin gets 204 with itself reflected (expressjs/cors README)", format: "express", text: expressPolicy,
			path: "/items", hdr: headers.List{{Name: "origin", Value: app}, {Name: "access-control-request-method", Value: "PUT"}},
			status: 204, acao: app},
		{desc: "Express: an origin matching the regular expression is reflected", format: "express", text: expressPolicy,
			path: "/items", hdr: headers.List{{Name: "origin", Value: "https://a.app.test"}, {Name: "access-control-request-method", Value: "PUT"}},
			status: 204, acao: "https://a.app.test"},
		{desc: "Express: an unlisted origin still ends the preflight with 204, without Access-Control-Allow-Origin (cors sets none when the origin is not allowed)", format: "express", text: expressPolicy,
			path: "/items", hdr: headers.List{{Name: "origin", Value: evil}, {Name: "access-control-request-method", Value: "PUT"}},
			status: 204},
		{desc: "nginx: OPTIONS in /api/ answered by `return 204` with the map's origin", format: "nginx", text: nginxPolicy,
			path: "/api/items", hdr: headers.List{{Name: "origin", Value: app}, {Name: "access-control-request-method", Value: "PUT"}},
			status: 204, acao: app},
		{desc: "nginx: an origin the map does not list: 204, add_header with an empty value sends nothing (nginx docs)", format: "nginx", text: nginxPolicy,
			path: "/api/items", hdr: headers.List{{Name: "origin", Value: evil}, {Name: "access-control-request-method", Value: "PUT"}},
			status: 204},
		{desc: "nginx: outside any location the server level serves files, and ngx_http_static_module answers OPTIONS with 405 (engine/formats/nginx, checked against nginx 1.22.1 in e2e/probe): from the edge", format: "nginx", text: nginxPolicy,
			path: "/other", hdr: headers.List{{Name: "origin", Value: app}, {Name: "access-control-request-method", Value: "PUT"}},
			status: 405},
	}
	for _, tc := range tests {
		s := platformServer(t, tc.text, tc.format)
		q := Request{Method: "OPTIONS", Target: tc.path, URL: "https://bucket.example", Header: tc.hdr}
		d := s.Decide(&q)
		if tc.status == 0 {
			if d.Action != AskAgain {
				t.Errorf("%s: action %d status %d, want forwarded", tc.desc, d.Action, d.Status)
			}
			continue
		}
		if d.Action != Reply || d.Status != tc.status {
			t.Errorf("%s: action %d status %d, want a reply with %d", tc.desc, d.Action, d.Status, tc.status)
			continue
		}
		if got, _ := d.Header.Get("Access-Control-Allow-Origin"); got != tc.acao || d.Header.Count("Access-Control-Allow-Origin") > 1 {
			t.Errorf("%s: ACAO %q, want %q", tc.desc, got, tc.acao)
		}
		// The same reply as the evaluator's own, as whycors respond
		// computes it.
		out := evaluator(t, tc.format, tc.text).Respond(policy.Request{Method: "OPTIONS", URL: "https://bucket.example" + tc.path, Header: tc.hdr}, policy.Reply{Status: 200})
		if out.Reply.Status != d.Status || !reflect.DeepEqual(out.Reply.Header, d.Header) || out.Reply.Body != d.Body {
			t.Errorf("%s: worker %d %v %q, evaluator %d %v %q", tc.desc, d.Status, d.Header, d.Body, out.Reply.Status, out.Reply.Header, out.Reply.Body)
		}
		// And through the wire form the entry module uses.
		if a := s.DecideWire(q.Wire()); a != d.Wire() {
			t.Errorf("%s: wire answer %q, want %q", tc.desc, a, d.Wire())
		}
	}
}

// TestPlatformHandler runs the three policies through the net/http
// handler in front of a local upstream that sends its own permissive CORS
// headers: each reply is the evaluator's answer given the upstream's reply
// (without the upstream's CORS headers, which the edge never passes on),
// and preflights the platform answers never reach the upstream.
func TestPlatformHandler(t *testing.T) {
	var hits atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Access-Control-Allow-Origin", "*") // the upstream's own: never passed on
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		w.Header().Set("Vary", "Accept-Encoding")
		w.Header().Add("Set-Cookie", "a=1")
		w.Header().Add("Set-Cookie", "b=2")
		if strings.HasSuffix(r.URL.Path, "/fail") {
			w.WriteHeader(500)
		}
		io.WriteString(w, r.Method+" "+r.URL.RequestURI())
	}))
	defer up.Close()
	const app, www, evil = "https://app.example", "https://www.example.com", "https://evil.example"
	tests := []struct {
		desc, format, text string
		method, path       string
		hdr                map[string]string
		status             int
		acao               string // "" absent
		hits               int64
		body               string // substring
	}{
		{desc: "S3 PUT preflight answered at the edge", format: "s3-json", text: s3TwoRules, method: "OPTIONS", path: "/k",
			hdr: map[string]string{"Origin": app, "Access-Control-Request-Method": "PUT"}, status: 200, acao: app},
		{desc: "S3 unmatched preflight: 403 at the edge", format: "s3-json", text: s3TwoRules, method: "OPTIONS", path: "/k",
			hdr: map[string]string{"Origin": app, "Access-Control-Request-Method": "DELETE"}, status: 403},
		{desc: "S3 GET from the first rule's origin: the object with S3's headers, the upstream's '*' replaced", format: "s3-json", text: s3TwoRules, method: "GET", path: "/k",
			hdr: map[string]string{"Origin": www}, status: 200, acao: www, hits: 1, body: "GET /k"},
		{desc: "S3 GET from an origin no rule lists: the object, no CORS header at all", format: "s3-json", text: s3TwoRules, method: "GET", path: "/k",
			hdr: map[string]string{"Origin": evil}, status: 200, hits: 1, body: "GET /k"},
		{desc: "Express actual request: reflected origin on the upstream's reply", format: "express", text: expressPolicy, method: "GET", path: "/items",
			hdr: map[string]string{"Origin": app}, status: 200, acao: app, hits: 1, body: "GET /items"},
		{desc: "nginx preflight: return 204 at the edge", format: "nginx", text: nginxPolicy, method: "OPTIONS", path: "/api/x",
			hdr: map[string]string{"Origin": app, "Access-Control-Request-Method": "PUT"}, status: 204, acao: app},
		{desc: "nginx actual request, upstream 200: add_header applies", format: "nginx", text: nginxPolicy, method: "GET", path: "/api/ok",
			hdr: map[string]string{"Origin": app}, status: 200, acao: app, hits: 1, body: "GET /api/ok"},
		{desc: "nginx actual request, upstream 500: add_header without always adds nothing (decided on the upstream's reply)", format: "nginx", text: nginxPolicy, method: "GET", path: "/api/fail",
			hdr: map[string]string{"Origin": app}, status: 500, hits: 1, body: "GET /api/fail"},
	}
	for _, tc := range tests {
		cfg, errs := LoadConfig(envOf(map[string]string{envPolicy: tc.text, envUpstream: up.URL, envFormat: tc.format}))
		if errs != nil {
			t.Fatal(errs)
		}
		h := NewHandler(NewServer(cfg, nil, false), &timeoutTransport{rt: http.DefaultTransport, d: time.Second})
		before := hits.Load()
		w := serve(h, tc.method, tc.path, tc.hdr)
		if w.Code != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.desc, w.Code, tc.status, w.Body)
		}
		if got := w.Header().Values("Access-Control-Allow-Origin"); tc.acao == "" && len(got) > 0 || tc.acao != "" && (len(got) != 1 || got[0] != tc.acao) {
			t.Errorf("%s: ACAO %q, want %q", tc.desc, got, tc.acao)
		}
		if n := hits.Load() - before; n != tc.hits {
			t.Errorf("%s: %d upstream requests, want %d", tc.desc, n, tc.hits)
		}
		if !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s: body %q, want it to contain %q", tc.desc, w.Body, tc.body)
		}
		if tc.hits == 0 {
			continue
		}
		if got := w.Header().Values("Set-Cookie"); len(got) != 2 {
			t.Errorf("%s: Set-Cookie %q, want the upstream's two lines", tc.desc, got)
		}
		// Every CORS header is the evaluator's, given the upstream's
		// reply without its own (so the upstream's "*" and credentials
		// never pass).
		hl := headers.List{}
		for k, v := range tc.hdr {
			hl.Add(k, v)
		}
		app := policy.Reply{Status: tc.status, Header: headers.List{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}, {Name: "Set-Cookie", Value: "a=1"}, {Name: "Set-Cookie", Value: "b=2"}, {Name: "Vary", Value: "Accept-Encoding"}}}
		out := evaluator(t, tc.format, tc.text).Respond(policy.Request{Method: tc.method, URL: "http://worker.test" + tc.path, Header: hl}, app)
		for _, n := range append(ownedHeaders, "Vary") {
			if got, want := w.Header().Values(n), out.Reply.Header.Values(n); strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s: %s %q, evaluator %q", tc.desc, n, got, want)
			}
		}
	}
}

// TestPlatformUpstreamDown: an unreachable upstream gives 502, on which
// the platform decides as on any reply: nginx's add_header without always
// adds nothing, S3's rule still applies (its CORS headers do not depend on
// the status).
func TestPlatformUpstreamDown(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	tests := []struct {
		desc, format, text, path, origin, acao string
	}{
		{desc: "nginx without always: no CORS header on the 502", format: "nginx", text: nginxPolicy, path: "/api/x", origin: "https://app.example"},
		{desc: "S3: the matching rule's headers on the 502", format: "s3-json", text: s3TwoRules, path: "/k", origin: "https://www.example.com", acao: "https://www.example.com"},
	}
	for _, tc := range tests {
		cfg, errs := LoadConfig(envOf(map[string]string{envPolicy: tc.text, envUpstream: dead.URL, envFormat: tc.format}))
		if errs != nil {
			t.Fatal(errs)
		}
		h := NewHandler(NewServer(cfg, nil, false), &timeoutTransport{rt: http.DefaultTransport, d: time.Second})
		w := serve(h, "GET", tc.path, map[string]string{"Origin": tc.origin})
		if w.Code != 502 || w.Header().Get("Access-Control-Allow-Origin") != tc.acao {
			t.Errorf("%s: %d, ACAO %q; want 502 with ACAO %q", tc.desc, w.Code, w.Header().Get("Access-Control-Allow-Origin"), tc.acao)
		}
	}
}

// TestEdgeFormats: the worker reads exactly the formats of
// engine/all.Edge (platform_on.go says why it lists them itself).
func TestEdgeFormats(t *testing.T) {
	want := policy.NewRegistry(all.Edge()...).Names()
	if got := formats.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("the worker reads %v; engine/all.Edge lists %v: add the format package to edgeFormats", got, want)
	}
}

// TestEditOf: the edit names only the headers whose lines change, deletes
// each first, then appends its new lines in order.
func TestEditOf(t *testing.T) {
	from := headers.List{{Name: "content-type", Value: "text/plain"}, {Name: "vary", Value: "Accept-Encoding"}, {Name: "set-cookie", Value: "a=1"}, {Name: "x-gone", Value: "1"}}
	to := headers.List{{Name: "Content-Type", Value: "text/plain"}, {Name: "Vary", Value: "Accept-Encoding"}, {Name: "Vary", Value: "Origin"}, {Name: "set-cookie", Value: "a=1"}, {Name: "Access-Control-Allow-Origin", Value: "https://a.test"}}
	want := headers.List{{Value: "Vary"}, {Name: "Vary", Value: "Accept-Encoding"}, {Name: "Vary", Value: "Origin"}, {Value: "Access-Control-Allow-Origin"}, {Name: "Access-Control-Allow-Origin", Value: "https://a.test"}, {Value: "x-gone"}}
	if got := editOf(from, to); !reflect.DeepEqual(got, want) {
		t.Errorf("editOf:\n got %v\nwant %v", got, want)
	}
	d := Decision{Action: Edit, Status: 200, Header: want[:3]}
	if got, w := d.Wire(), "E200\n\tVary\nVary\tAccept-Encoding\nVary\tOrigin"; got != w {
		t.Errorf("wire %q, want %q", got, w)
	}
}

// FuzzPlatformDecideWire: whatever the request, the answer under a
// platform policy is one the entry module reads line by line: a known
// first line, header lines with a name and no line break.
func FuzzPlatformDecideWire(f *testing.F) {
	f.Add("OPTIONS\n/api/x\nU\thttps://w.test\nA\torigin\thttps://app.example\nA\taccess-control-request-method\tPUT")
	f.Add("GET\n/api/x\nU\thttps://w.test\nA\torigin\thttps://app.example\nS\t500\nP\tcontent-type\ttext/plain")
	f.Add("GET\n/k\nA\thost\tx\nS\t200")
	servers := []*Server{platformServer(f, s3TwoRules, "s3-json"), platformServer(f, nginxPolicy, "nginx"), platformServer(f, expressPolicy, "express"),
		platformServer(f, "location / {\n  add_header X-A \"a\nb\" always;\n  return 204;\n}\n", "nginx")}
	f.Fuzz(func(t *testing.T, q string) {
		for _, s := range servers {
			a := s.DecideWire(q)
			first, h, _, hasBody := parseAnswer(a)
			head, _, _ := strings.Cut(a, "\n\n")
			for _, l := range strings.Split(head, "\n")[1:] {
				if !strings.Contains(l, "\t") {
					t.Fatalf("%q: header line %q without a tab in %q", q, l, a)
				}
			}
			switch {
			case first == "A" || strings.HasPrefix(first, "E") && !hasBody:
			case strings.HasPrefix(first, "R") && hasBody:
			case first == "X" || first == "F" || first == "FS":
				t.Fatalf("%q: native's answer %q under a platform policy", q, a)
			default:
				t.Fatalf("%q: unreadable answer %q", q, a)
			}
			for _, l := range h {
				if strings.ContainsAny(l.Name, "\t\n") || strings.Contains(l.Value, "\n") || l.Name == "" && !headers.IsToken(l.Value) {
					t.Fatalf("%q: bad header line %q in %q", q, l, a)
				}
			}
		}
	})
}

// TestUnsendable: a reply the runtime could not send as the evaluator
// gave it (nginx reads a line break inside a quoted string as part of the
// value) is a 500 without CORS headers, not a broken answer.
func TestUnsendable(t *testing.T) {
	s := platformServer(t, "location / {\n  add_header Access-Control-Allow-Origin \"https://a.test\nX: y\" always;\n  return 204;\n}\n", "nginx")
	d := s.Decide(&Request{Method: "OPTIONS", Target: "/", URL: "https://w.test", Header: headers.List{{Name: "origin", Value: "https://a.test"}}})
	if d.Action != Reply || d.Status != 500 || d.Header.Has("Access-Control-Allow-Origin") {
		t.Errorf("action %d status %d headers %v; want a 500 without CORS headers", d.Action, d.Status, d.Header)
	}
}

// TestPlatformWire: the request's platform fields survive the wire form.
func TestPlatformWire(t *testing.T) {
	r := Request{Method: "GET", Target: "/a?b", Origin: "https://o.test", HasOrigin: true, URL: "https://w.test",
		Header:   headers.List{{Name: "origin", Value: "https://o.test"}, {Name: "x-a", Value: "1\t2"}},
		HasReply: true, Status: 502, ReplyHeader: headers.List{{Name: "content-type", Value: "text/plain"}}}
	got, ok := ParseWire(r.Wire())
	if !ok || !reflect.DeepEqual(got, r) {
		t.Errorf("round trip: %v %+v, want %+v", ok, got, r)
	}
	for _, bad := range []string{"GET\n/\nA\tnovalue", "GET\n/\nA\t\tv", "GET\n/\nS\tx", "GET\n/\nS\t42"} {
		if _, ok := ParseWire(bad); ok {
			t.Errorf("%q read as a request", bad)
		}
	}
}
