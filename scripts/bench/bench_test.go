// Package bench compares engine/middleware with rs/cors and jub0bs/cors
// on the same requests, in the same run. (jub0bs/cors v1.0.2, which
// issue 23 names, is refused by the Go module proxy this project
// reaches: 403, "This module version is not available", 2026-12-03 and
// 2026-12-05. v1.0.1 is served on 2026-12-05, and is the one measured.)
// It is its own module so that the peers stay out of the main module's
// dependencies.
//
// Run it with ./run.sh (go test -bench, then benchstat with one column per
// library).
package bench

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	jcors "github.com/jub0bs/cors"
	"github.com/rs/cors"
	"github.com/whycors/whycors/engine/middleware"
	"github.com/whycors/whycors/engine/native"
)

// The config of server-peers.md §5: one allowed origin, credentials,
// max-age, methods GET/POST/PUT/DELETE, request header X-Custom; and the
// cases issue 23 adds, each configured alike in every library.
const (
	origin = "https://example.com"
	evil   = "https://evil.example"
)

// A config is one policy, said in each library's own terms.
type config struct {
	name     string
	origins  []string // exact origins or one "https://*.example.com"
	headers  []string // allowed request headers
	creds    bool
	originFn func(string) bool // rs/cors's AllowOriginFunc, when the shape is one
}

// hundred is 100 exact origins; the allowed request uses the last.
var hundred = func() []string {
	var o []string
	for i := 0; i < 99; i++ {
		o = append(o, "https://app"+strconv.Itoa(i)+".example.net")
	}
	return append(o, origin)
}()

// tenHeaders are ten allowed request headers; the preflight asks for all.
var tenHeaders = []string{"X-Custom", "Content-Type", "Authorization", "X-Api-Key", "X-Request-Id",
	"X-Trace-Id", "X-Client", "X-Version", "If-Match", "X-Tenant"}

// The configs. AllowOriginFunc users' common shapes (a suffix test for
// subdomains, a lookup in a set of origins) are rs/cors's func; whycors
// says them as a wildcard origin and an origin list.
var configs = []config{
	{name: "cfg=basic", origins: []string{origin}, headers: []string{"X-Custom"}, creds: true},
	{name: "cfg=nocreds", origins: []string{origin}, headers: []string{"X-Custom"}},
	{name: "cfg=100origins", origins: hundred, headers: []string{"X-Custom"}, creds: true},
	{name: "cfg=wildcard", origins: []string{"https://*.example.com"}, headers: []string{"X-Custom"}, creds: true},
	{name: "cfg=10headers", origins: []string{origin}, headers: tenHeaders, creds: true},
	{name: "cfg=func-suffix", origins: []string{"https://*.example.com"}, headers: []string{"X-Custom"}, creds: true,
		originFn: func(o string) bool { return strings.HasPrefix(o, "https://") && strings.HasSuffix(o, ".example.com") }},
	{name: "cfg=func-set", origins: hundred, headers: []string{"X-Custom"}, creds: true,
		originFn: func(o string) bool { return hundredSet[o] }},
}

var hundredSet = func() map[string]bool {
	m := map[string]bool{}
	for _, o := range hundred {
		m[o] = true
	}
	return m
}()

func quoted(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func (c config) whycors(tb testing.TB, app http.Handler) http.Handler {
	p, err := native.Parse(`{"origins": [` + quoted(c.origins) + `], "methods": ["GET", "POST", "PUT", "DELETE"], "request_headers": [` +
		quoted(c.headers) + `], "credentials": ` + strconv.FormatBool(c.creds) + `, "max_age": 600}`)
	if err != nil {
		tb.Fatal(err)
	}
	return middleware.New(p).Wrap(app)
}

func (c config) rs(app http.Handler) http.Handler {
	o := cors.Options{
		AllowedOrigins:   c.origins,
		AllowedMethods:   []string{"GET", "POST", "PUT", "DELETE"},
		AllowedHeaders:   c.headers,
		AllowCredentials: c.creds,
		MaxAge:           600,
	}
	if c.originFn != nil {
		o.AllowedOrigins, o.AllowOriginFunc = nil, c.originFn
	}
	return cors.New(o).Handler(app)
}

// jub0bs is c in jub0bs/cors's terms. It has no origin function, by
// design: its own pattern "https://*.example.com" says func-suffix's
// shape, and an origin list func-set's, as for whycors.
func (c config) jub0bs(tb testing.TB, app http.Handler) http.Handler {
	m, err := jcors.NewMiddleware(jcors.Config{
		Origins:         c.origins,
		Credentialed:    c.creds,
		Methods:         []string{"GET", "POST", "PUT", "DELETE"},
		RequestHeaders:  c.headers,
		MaxAgeInSeconds: 600,
	})
	if err != nil {
		tb.Fatalf("%s: jub0bs/cors refuses the config: %v", c.name, err)
	}
	return m.Wrap(app)
}

// allowedOrigin is the origin an allowed request of c sends.
func (c config) allowedOrigin() string {
	if strings.Contains(c.origins[0], "*") {
		return "https://a.example.com"
	}
	return origin
}

// requests are c's requests, the same for every library; a browser sends
// ACRH lowercase and sorted (https://fetch.spec.whatwg.org/#cors-preflight-fetch, step 5).
func (c config) requests() []request {
	acrh := "x-custom"
	if len(c.headers) > 1 {
		l := make([]string, len(c.headers))
		for i, h := range c.headers {
			l[i] = strings.ToLower(h)
		}
		sort.Strings(l)
		acrh = strings.Join(l, ",")
	}
	o := c.allowedOrigin()
	return []request{
		{c.name + "/type=preflight/req=allowed", "OPTIONS", []string{"Origin", o, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", acrh}, o},
		{c.name + "/type=actual/req=allowed", "GET", []string{"Origin", o}, o},
		{c.name + "/type=preflight/req=rejected", "OPTIONS", []string{"Origin", evil, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", acrh}, ""},
		{c.name + "/type=actual/req=rejected", "GET", []string{"Origin", evil}, ""},
	}
}

// app is the application behind the middleware: it does nothing, so the
// measurement is the middleware's.
var app = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})

type request struct {
	name   string
	method string
	hdr    []string
	acao   string // the Access-Control-Allow-Origin expected, "" for none
}

func (rq request) build() *http.Request {
	r := httptest.NewRequest(rq.method, "https://api.example.com/items/1", nil)
	for i := 0; i+1 < len(rq.hdr); i += 2 {
		r.Header.Set(rq.hdr[i], rq.hdr[i+1])
	}
	return r
}

// nopWriter allocates nothing: one header map, cleared between requests,
// so the numbers are the middleware's own (server-peers.md §5 "nop").
type nopWriter struct {
	h      http.Header
	status int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(s int)           { w.status = s }

type lib struct {
	name string
	h    http.Handler
}

func (c config) libs(tb testing.TB) []lib {
	return []lib{{"lib=whycors", c.whycors(tb, app)}, {"lib=rs", c.rs(app)}, {"lib=jub0bs", c.jub0bs(tb, app)}}
}

// TestBothAnswer checks that each library does what the benchmark claims
// for each request of each config, so a benchmark never measures an
// error path.
func TestBothAnswer(t *testing.T) {
	for _, c := range configs {
		for _, l := range c.libs(t) {
			for _, rq := range c.requests() {
				w := &nopWriter{h: http.Header{}}
				l.h.ServeHTTP(w, rq.build())
				if got := w.h.Get("Access-Control-Allow-Origin"); got != rq.acao {
					t.Errorf("%s %s: ACAO %q, want %q", l.name, rq.name, got, rq.acao)
				}
				if rq.acao != "" && rq.method == "OPTIONS" && w.h.Get("Access-Control-Allow-Methods") == "" {
					t.Errorf("%s %s: preflight allowed without Access-Control-Allow-Methods", l.name, rq.name)
				}
			}
		}
	}
}

// BenchmarkCORS: compare libraries with benchstat -col /lib.
//
// Besides wall time it reports cpu-ns/op, the process's CPU time (user and
// system, GC included) per request: on a machine shared with other jobs,
// wall time swings with the load while CPU time mostly does not.
func BenchmarkCORS(b *testing.B) {
	for _, c := range configs {
		for _, rq := range c.requests() {
			r := rq.build()
			for _, l := range c.libs(b) {
				b.Run(rq.name+"/"+l.name, func(b *testing.B) {
					w := &nopWriter{h: make(http.Header, 8)}
					b.ReportAllocs()
					start := cpuTime()
					for i := 0; i < b.N; i++ {
						clear(w.h)
						l.h.ServeHTTP(w, r)
					}
					b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
				})
			}
		}
	}
}

// cpuTime is the process's user plus system CPU time, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkRecorder is the cost of the test's ResponseWriter alone: the
// same loop as BenchmarkCORS (clear the header map, call a handler that
// writes a status), so that a library's own cost is its figure minus this
// one (issue #4 sets the rejected-preflight target "excluding the
// recorder").
func BenchmarkRecorder(b *testing.B) {
	r := configs[0].requests()[0].build()
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusForbidden) })
	w := &nopWriter{h: make(http.Header, 8)}
	b.ReportAllocs()
	start := cpuTime()
	for i := 0; i < b.N; i++ {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}
