package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/middleware"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

const testPolicy = `{
  "rules": [
    {
      "name": "api",
      "path": "/api/*",
      "origins": ["https://app.test", "https://*.app.test"],
      "methods": ["GET", "POST", "PUT", "DELETE"],
      "request_headers": ["X-Custom"],
      "exposed_headers": ["X-Request-Id"],
      "credentials": true,
      "max_age": 600
    },
    {
      "name": "hooks",
      "path": "/hooks/*",
      "origins": ["https://app.test"],
      "unmatched_preflight": "pass"
    }
  ]
}`

func mustPolicy(t testing.TB, text string) *native.Policy {
	t.Helper()
	p, err := native.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// spy is the wrapped application: it records whether it ran, sets Vary
// and a header of its own, and answers 200.
type spy struct{ called bool }

func (s *spy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.called = true
	w.Header().Add("Vary", "Accept-Encoding")
	w.Header().Set("X-Request-Id", "42")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("app"))
}

func req(method, target string, hdr ...string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	return r
}

func TestWrap(t *testing.T) {
	m := middleware.New(mustPolicy(t, testPolicy))
	cases := []struct {
		desc       string
		req        *http.Request
		wantCalled bool
		wantStatus int
		want       http.Header // every header of the response
		source     string
	}{
		{
			desc:       "allowed preflight is answered without the app",
			req:        req("OPTIONS", "/api/x", "Origin", "https://app.test", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom"),
			wantStatus: 204,
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://app.test"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods":     {"GET,POST,PUT,DELETE"},
				"Access-Control-Allow-Headers":     {"x-custom"},
				"Access-Control-Max-Age":           {"600"},
				"Vary":                             {"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
			},
			source: "Fetch CORS-preflight fetch step 7; native package doc",
		},
		{
			desc:       "rejected preflight: 403, no CORS headers, no app; Vary for a cache that stores OPTIONS",
			req:        req("OPTIONS", "/api/x", "Origin", "https://evil.test", "Access-Control-Request-Method", "PUT"),
			wantStatus: 403,
			want:       http.Header{"Vary": {"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}},
			source:     "jub0bs/cors and rs/cors send Vary on refused preflights (server-peers.md §1.5); issue: the edge enforces the user's own config",
		},
		{
			desc:       "unmatched preflight passed through to the app",
			req:        req("OPTIONS", "/hooks/x", "Origin", "https://app.test", "Access-Control-Request-Method", "PUT"),
			wantCalled: true,
			wantStatus: 200,
			want:       http.Header{"Vary": {"Accept-Encoding"}, "X-Request-Id": {"42"}},
			source:     "unmatched_preflight: pass (rs/cors OptionsPassthrough, server-peers.md §2)",
		},
		{
			desc:       "allowed actual request: headers set, app runs, Vary appended",
			req:        req("GET", "/api/x", "Origin", "https://a.app.test"),
			wantCalled: true,
			wantStatus: 200,
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://a.app.test"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Expose-Headers":    {"x-request-id"},
				"Vary":                             {"Origin", "Accept-Encoding"},
				"X-Request-Id":                     {"42"},
			},
			source: "Fetch CORS check; Vary appended, not replaced (server-peers.md §4 item 8)",
		},
		{
			desc:       "disallowed actual request: app runs, only Vary: Origin",
			req:        req("POST", "/api/x", "Origin", "https://evil.test"),
			wantCalled: true,
			wantStatus: 200,
			want:       http.Header{"Vary": {"Origin", "Accept-Encoding"}, "X-Request-Id": {"42"}},
			source:     "server-peers.md §4 item 7: Vary: Origin for disallowed origins too",
		},
		{
			desc:       "path under no rule: untouched",
			req:        req("GET", "/other", "Origin", "https://app.test"),
			wantCalled: true,
			wantStatus: 200,
			want:       http.Header{"Vary": {"Accept-Encoding"}, "X-Request-Id": {"42"}},
			source:     "native package doc: no rule, no CORS headers",
		},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			app := &spy{}
			rec := httptest.NewRecorder()
			m.Wrap(app).ServeHTTP(rec, tc.req)
			if app.called != tc.wantCalled {
				t.Errorf("app called = %v, want %v (%s)", app.called, tc.wantCalled, tc.source)
			}
			if rec.Code != tc.wantStatus {
				t.Errorf("status %d, want %d (%s)", rec.Code, tc.wantStatus, tc.source)
			}
			got := rec.Result().Header
			got.Del("Content-Type") // the recorder sniffs the app's body
			if !equalHeader(got, tc.want) {
				t.Errorf("headers\n got %v\nwant %v\n(%s)", got, tc.want, tc.source)
			}
		})
	}
}

func equalHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestWrapAgreesWithRespond: the middleware and the simulator's evaluator
// must give the same status and CORS headers, since the simulator predicts
// what the middleware does (design.md, quality bars).
func TestWrapAgreesWithRespond(t *testing.T) {
	p := mustPolicy(t, testPolicy)
	m := middleware.New(p)
	reqs := []struct {
		method, path string
		hdr          []string
	}{
		{"OPTIONS", "/api/x", []string{"Origin", "https://app.test", "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "x-custom"}},
		{"OPTIONS", "/api/x", []string{"Origin", "https://b.app.test", "Access-Control-Request-Method", "PATCH"}},
		{"OPTIONS", "/api/x", []string{"Origin", "https://app.test", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "X-Custom, X-Other"}},
		{"GET", "/api/x", []string{"Origin", "https://app.test"}},
		{"GET", "/api/x", []string{"Origin", "https://evil.test"}},
		{"GET", "/api/x", nil},
		{"OPTIONS", "/hooks/x", []string{"Origin", "https://evil.test", "Access-Control-Request-Method", "PUT"}},
	}
	for _, rq := range reqs {
		r := req(rq.method, rq.path, rq.hdr...)
		rec := httptest.NewRecorder()
		m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })).ServeHTTP(rec, r)

		var hl headers.List
		for i := 0; i+1 < len(rq.hdr); i += 2 {
			hl.Add(rq.hdr[i], rq.hdr[i+1])
		}
		out := p.Respond(policy.Request{Method: rq.method, URL: "http://api.test" + rq.path, Header: hl}, policy.Reply{Status: 200})
		if out.Reply.Status != rec.Code {
			t.Errorf("%s %s %v: middleware %d, Respond %d", rq.method, rq.path, rq.hdr, rec.Code, out.Reply.Status)
		}
		want := http.Header{}
		for _, f := range out.Reply.Header {
			want.Add(f.Name, f.Value)
		}
		if got := rec.Result().Header; !equalHeader(got, want) {
			t.Errorf("%s %s %v:\nmiddleware %v\nRespond    %v", rq.method, rq.path, rq.hdr, got, want)
		}
	}
}

// TestNoSharedHeaderSlices is the rs/cors#198 regression: a handler that
// writes into a header value's backing array must not change what another
// response (or another header of the same response) carries.
func TestNoSharedHeaderSlices(t *testing.T) {
	m := middleware.New(mustPolicy(t, testPolicy))
	vandal := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range h {
			for i := range v {
				v[i] = "vandalized"
			}
			// Appending into spare capacity must not reach a neighbour.
			h[k] = append(v[:len(v):len(v)], "more")[:len(v)]
			_ = append(v, "spill")
		}
	})
	first := httptest.NewRecorder()
	m.Wrap(vandal).ServeHTTP(first, req("GET", "/api/x", "Origin", "https://app.test"))
	second := httptest.NewRecorder()
	m.Wrap(&spy{}).ServeHTTP(second, req("GET", "/api/x", "Origin", "https://app.test"))
	if got := second.Header().Get("Access-Control-Allow-Origin"); got != "https://app.test" {
		t.Errorf("second response ACAO = %q: a value was shared with the first", got)
	}
	if got := second.Header().Get("Access-Control-Allow-Credentials"); got != "true" {
		t.Errorf("second response ACAC = %q: a value was shared with the first", got)
	}

	// Within one response: appending to one header's slice must not
	// overwrite the next header's value.
	appender := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		_ = append(h["Access-Control-Allow-Origin"], "spill")
	})
	rec := httptest.NewRecorder()
	m.Wrap(appender).ServeHTTP(rec, req("GET", "/api/x", "Origin", "https://app.test"))
	if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != "true" {
		t.Errorf("ACAC = %q after a handler appended to ACAO: the values share capacity", got)
	}
}

func TestApplyActual(t *testing.T) {
	m := middleware.New(mustPolicy(t, testPolicy))
	cases := []struct {
		desc   string
		req    *http.Request
		want   http.Header
		source string
	}{
		{
			desc: "upstream's own CORS headers are replaced, Vary appended",
			req:  req("GET", "/api/x", "Origin", "https://app.test"),
			want: http.Header{
				"Access-Control-Allow-Origin":      {"https://app.test"},
				"Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Expose-Headers":    {"x-request-id"},
				"Vary":                             {"Accept-Encoding", "Origin"},
				"Content-Type":                     {"text/plain"},
			},
			source: "task brief: the worker replaces upstream CORS headers and appends Vary",
		},
		{
			desc:   "disallowed origin: upstream's wildcard removed",
			req:    req("GET", "/api/x", "Origin", "https://evil.test"),
			want:   http.Header{"Vary": {"Accept-Encoding", "Origin"}, "Content-Type": {"text/plain"}},
			source: "task brief: never emit CORS headers for an origin the policy does not allow",
		},
		{
			// The policy allows no origin on a path no rule covers:
			// the upstream's own CORS headers go, as the worker does
			// (native package doc). Found as a new adversary would:
			// explain said they were removed while ApplyActual kept a
			// permissive upstream's.
			desc: "no rule: upstream's CORS headers removed, its others kept",
			req:  req("GET", "/other", "Origin", "https://evil.test"),
			want: http.Header{
				"Vary":         {"Accept-Encoding"},
				"Content-Type": {"text/plain"},
			},
			source: "native package doc: a path no rule covers gets no CORS headers; the edge worker removes the application's",
		},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			upstream := http.Header{
				"Access-Control-Allow-Origin":  {"*"},
				"Access-Control-Allow-Methods": {"*"},
				"Vary":                         {"Accept-Encoding"},
				"Content-Type":                 {"text/plain"},
			}
			m.ApplyActual(tc.req, upstream)
			if !equalHeader(upstream, tc.want) {
				t.Errorf("got %v\nwant %v (%s)", upstream, tc.want, tc.source)
			}
		})
	}
}

func TestServePreflight(t *testing.T) {
	m := middleware.New(mustPolicy(t, testPolicy))
	cases := []struct {
		desc    string
		req     *http.Request
		handled bool
		status  int
	}{
		{desc: "allowed", req: req("OPTIONS", "/api/x", "Origin", "https://app.test", "Access-Control-Request-Method", "PUT"), handled: true, status: 204},
		{desc: "rejected", req: req("OPTIONS", "/api/x", "Origin", "https://x.test", "Access-Control-Request-Method", "PUT"), handled: true, status: 403},
		{desc: "passed", req: req("OPTIONS", "/hooks/x", "Origin", "https://x.test", "Access-Control-Request-Method", "PUT"), handled: false},
		{desc: "actual", req: req("GET", "/api/x", "Origin", "https://app.test"), handled: false},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			rec := httptest.NewRecorder()
			if got := m.ServePreflight(rec, tc.req); got != tc.handled {
				t.Fatalf("handled = %v, want %v (ServePreflight doc)", got, tc.handled)
			}
			if tc.handled && rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			if !tc.handled && len(rec.Header()) != 0 {
				t.Errorf("wrote headers for a request it did not handle: %v", rec.Header())
			}
		})
	}
}

func TestDebugHeader(t *testing.T) {
	m := middleware.New(mustPolicy(t, testPolicy)).Debug(true)
	cases := []struct {
		desc   string
		req    *http.Request
		want   string
		status int
	}{
		{desc: "rejected preflight names the rule and the failed check", req: req("OPTIONS", "/api/x", "Origin", "https://app.test", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-other"), want: "preflight-rejected rule=0 name=api failed=headers", status: 403},
		{desc: "allowed actual", req: req("GET", "/api/x", "Origin", "https://app.test"), want: "actual rule=0 name=api", status: 200},
		{desc: "no rule", req: req("GET", "/nothing"), want: "no-rule", status: 200},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			rec := httptest.NewRecorder()
			m.Wrap(&spy{}).ServeHTTP(rec, tc.req)
			if got := rec.Header().Get(middleware.DebugHeader); got != tc.want {
				t.Errorf("%s = %q, want %q (native.Policy.Summary doc)", middleware.DebugHeader, got, tc.want)
			}
			if rec.Code != tc.status {
				t.Errorf("debug changed the status: %d, want %d (Debug doc: nothing else changes)", rec.Code, tc.status)
			}
		})
	}
	// Debug off: no header.
	rec := httptest.NewRecorder()
	middleware.New(mustPolicy(t, testPolicy)).Wrap(&spy{}).ServeHTTP(rec, req("GET", "/api/x"))
	if rec.Header().Get(middleware.DebugHeader) != "" {
		t.Error("debug header sent with debugging off")
	}
}

// TestHostileACRH is the rs/cors#170 regression through the middleware.
func TestHostileACRH(t *testing.T) {
	m := middleware.New(mustPolicy(t, testPolicy))
	for _, v := range []string{strings.Repeat(",", 1<<20), strings.Repeat("x-custom,", 1<<16), strings.Repeat(" ", 1<<20)} {
		r := req("OPTIONS", "/api/x", "Origin", "https://app.test", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", v)
		start := time.Now()
		rec := httptest.NewRecorder()
		m.Wrap(&spy{}).ServeHTTP(rec, r)
		if d := time.Since(start); d > 10*time.Millisecond {
			t.Errorf("%d hostile bytes took %v (rs/cors#170: 127 ms)", len(v), d)
		}
		if rec.Code != 403 {
			t.Errorf("%d hostile bytes: status %d, want 403", len(v), rec.Code)
		}
	}
}

// nopWriter is a ResponseWriter that allocates nothing, to measure the
// middleware alone.
type nopWriter struct {
	h      http.Header
	status int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(s int)           { w.status = s }

// A refused preflight costs one allocation: its Vary line (a slice of
// its own, never shared between requests).
func TestRejectedPreflightAllocatesOnlyVary(t *testing.T) {
	h := middleware.New(mustPolicy(t, testPolicy)).Wrap(&spy{})
	r := req("OPTIONS", "/api/x", "Origin", "https://evil.test", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom")
	w := &nopWriter{h: http.Header{}}
	if n := testing.AllocsPerRun(200, func() { clear(w.h); h.ServeHTTP(w, r) }); n != 1 {
		t.Errorf("rejected preflight allocates %v times, want 1 (its Vary line)", n)
	}
	if w.status != 403 {
		t.Errorf("status %d, want 403", w.status)
	}
}

// TestConcurrentRequestsShareNothing: run with -race. Handlers on many
// goroutines write into every header value in place; any value shared
// between requests (rs/cors#198) is a data race the detector reports.
func TestConcurrentRequestsShareNothing(t *testing.T) {
	h := middleware.New(mustPolicy(t, testPolicy)).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, v := range w.Header() {
			for i := range v {
				v[i] = "x"
			}
		}
	}))
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			for i := 0; i < 200; i++ {
				r := req("GET", "/api/x", "Origin", "https://app.test")
				if i%2 == 1 {
					r = req("OPTIONS", "/hooks/x", "Origin", "https://app.test", "Access-Control-Request-Method", "PUT")
				}
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
			done <- true
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	// Without -race: had any value been shared, later responses would
	// carry the vandals' "x".
	rec := httptest.NewRecorder()
	middleware.New(mustPolicy(t, testPolicy)).Wrap(&spy{}).ServeHTTP(rec, req("GET", "/api/x", "Origin", "https://app.test"))
	if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != "true" {
		t.Errorf("ACAC = %q after vandal handlers ran", got)
	}
}

// An allowed request costs one allocation: one array holding every
// header value it sets that does not echo a request line, each value a
// window of its own on it (setHeaders). Fewer is not possible without
// sharing a value between requests (rs/cors#198), and each value is one
// string header (16 bytes): bytes per request are 16 per value set.
func TestAllowedAllocatesOneArray(t *testing.T) {
	h := middleware.New(mustPolicy(t, testPolicy)).Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, c := range []struct {
		desc string
		r    *http.Request
	}{
		{"allowed preflight", req("OPTIONS", "/api/x", "Origin", "https://app.test", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom")},
		{"allowed actual request", req("GET", "/api/x", "Origin", "https://a.app.test")},
	} {
		w := &nopWriter{h: make(http.Header, 8)} // room for every header: the map never grows
		if n := testing.AllocsPerRun(200, func() { clear(w.h); h.ServeHTTP(w, c.r) }); n != 1 {
			t.Errorf("%s allocates %v times, want 1", c.desc, n)
		}
		if w.h.Get("Access-Control-Allow-Origin") == "" {
			t.Errorf("%s: not allowed, so this measures a refusal", c.desc)
		}
	}
}

// TestCommonAnswers holds the answers most allowed requests get (the
// request's Origin and Access-Control-Request-Headers echoed,
// credentials, nothing exposed, an empty response header), which
// setActual and setHeaders write on a path of their own, to what
// Respond predicts and to the guarantees of TestNoSharedHeaderSlices.
func TestCommonAnswers(t *testing.T) {
	p := mustPolicy(t, `{"origins": ["https://app.test", "https://*.app.test"], "methods": ["GET", "PUT"], "request_headers": ["X-Custom"], "credentials": true, "max_age": 600}`)
	m := middleware.New(p)
	for _, c := range []struct {
		desc string
		hdr  []string
		want http.Header
	}{
		{
			desc: "allowed actual request",
			hdr:  []string{"Origin", "https://a.app.test"},
			want: http.Header{"Access-Control-Allow-Origin": {"https://a.app.test"}, "Access-Control-Allow-Credentials": {"true"}, "Vary": {"Origin"}},
		},
		{
			desc: "allowed preflight",
			hdr:  []string{"Origin", "https://app.test", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom"},
			want: http.Header{"Access-Control-Allow-Origin": {"https://app.test"}, "Access-Control-Allow-Credentials": {"true"},
				"Access-Control-Allow-Methods": {"GET,PUT"}, "Access-Control-Allow-Headers": {"x-custom"}, "Access-Control-Max-Age": {"600"},
				"Vary": {"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}},
		},
	} {
		method := "GET"
		if len(c.hdr) > 2 {
			method = "OPTIONS"
		}
		// What the simulator predicts (native package doc).
		var hl headers.List
		for i := 0; i+1 < len(c.hdr); i += 2 {
			hl.Add(c.hdr[i], c.hdr[i+1])
		}
		out := p.Respond(policy.Request{Method: method, URL: "http://api.test/x", Header: hl}, policy.Reply{Status: 200})
		predicted := http.Header{}
		for _, f := range out.Reply.Header {
			predicted.Add(f.Name, f.Value)
		}
		if !equalHeader(predicted, c.want) {
			t.Fatalf("%s: Respond %v, want %v", c.desc, predicted, c.want)
		}
		// The first response's handler writes into every value in place,
		// then the second's appends to every value: neither may reach
		// the second response's other values.
		m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, v := range w.Header() {
				clear(v)
			}
		})).ServeHTTP(httptest.NewRecorder(), req(method, "/x", c.hdr...))
		rec := httptest.NewRecorder()
		m.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, v := range w.Header() {
				_ = append(v, "spill")
			}
		})).ServeHTTP(rec, req(method, "/x", c.hdr...))
		if got := rec.Result().Header; !equalHeader(got, c.want) {
			t.Errorf("%s after a vandal and an appender:\ngot  %v\nwant %v", c.desc, got, c.want)
		}
		h := m.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		r := req(method, "/x", c.hdr...)
		w := &nopWriter{h: make(http.Header, 8)}
		if n := testing.AllocsPerRun(100, func() { clear(w.h); h.ServeHTTP(w, r) }); n != 1 {
			t.Errorf("%s allocates %v times, want 1", c.desc, n)
		}
	}
}

// TestEscapedPathMeetsItsRule: net/http's ServeMux routes
// "/%61dmin/users/1" to the "/admin/" handler (it decodes the path), so
// the policy's rule for "/admin/*" must decide it too. Found as a new
// user would: the preflight for a DELETE the admin rule refuses got 204
// and the broader rule's headers, then the admin handler ran the DELETE.
func TestEscapedPathMeetsItsRule(t *testing.T) {
	p, err := native.Parse(`{"rules": [
 {"name": "admin-read-only", "path": "/admin/*", "origins": ["https://app.example.com"], "credentials": true},
 {"name": "rest", "path": "/*", "origins": ["https://app.example.com"], "methods": ["PUT", "DELETE"], "credentials": true}]}`)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	var ran string
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) { ran = "admin " + r.URL.Path })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { ran = "rest " + r.URL.Path })
	h := middleware.New(p).Wrap(mux)
	for _, target := range []string{"/admin/users/1", "/%61dmin/users/1"} {
		req := httptest.NewRequest("OPTIONS", target, nil)
		req.Header.Set("Origin", "https://app.example.com")
		req.Header.Set("Access-Control-Request-Method", "DELETE")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 403 || rec.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: preflight %d, Access-Control-Allow-Origin %q; want 403 and none (the admin rule)", target, rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
		}
		ran = ""
		req = httptest.NewRequest("DELETE", target, nil)
		mux.ServeHTTP(httptest.NewRecorder(), req)
		if ran != "admin /admin/users/1" {
			t.Errorf("%s: the mux ran %q; this test needs it to route to the admin handler", target, ran)
		}
	}
}
