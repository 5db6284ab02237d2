// Package bench compares engine/middleware with rs/cors on the same
// requests, in the same run. It is its own module so that rs/cors stays out
// of the main module's dependencies.
//
// Run it with ./run.sh (go test -bench, then benchstat with one column per
// library).
package bench

import (
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"github.com/rs/cors"
	"github.com/whycors/whycors/engine/middleware"
	"github.com/whycors/whycors/engine/native"
)

// The config of server-peers.md §5: one allowed origin, credentials,
// max-age, methods GET/POST/PUT/DELETE, request header X-Custom.
const (
	origin = "https://example.com"
	evil   = "https://evil.example"
)

func whycors(tb testing.TB, app http.Handler) http.Handler {
	p, err := native.Parse(`{"origins": ["` + origin + `"], "methods": ["GET", "POST", "PUT", "DELETE"], "request_headers": ["X-Custom"], "credentials": true, "max_age": 600}`)
	if err != nil {
		tb.Fatal(err)
	}
	return middleware.New(p).Wrap(app)
}

func rsCORS(app http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins:   []string{origin},
		AllowedMethods:   []string{"GET", "POST", "PUT", "DELETE"},
		AllowedHeaders:   []string{"X-Custom"},
		AllowCredentials: true,
		MaxAge:           600,
	}).Handler(app)
}

// app is the application behind the middleware: it does nothing, so the
// measurement is the middleware's.
var app = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})

type request struct {
	name    string
	method  string
	hdr     []string
	allowed bool
}

// The same requests for both libraries; a browser sends ACRH lowercase
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch, step 5).
var requests = []request{
	{"type=preflight/req=allowed", "OPTIONS", []string{"Origin", origin, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom"}, true},
	{"type=actual/req=allowed", "GET", []string{"Origin", origin}, true},
	{"type=preflight/req=rejected", "OPTIONS", []string{"Origin", evil, "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom"}, false},
	{"type=actual/req=rejected", "GET", []string{"Origin", evil}, false},
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

func libs(tb testing.TB) []struct {
	name string
	h    http.Handler
} {
	return []struct {
		name string
		h    http.Handler
	}{
		{"lib=whycors", whycors(tb, app)},
		{"lib=rs", rsCORS(app)},
	}
}

// TestBothAnswer checks that each library does what the benchmark claims
// for each request, so a benchmark never measures an error path.
func TestBothAnswer(t *testing.T) {
	for _, l := range libs(t) {
		for _, rq := range requests {
			w := &nopWriter{h: http.Header{}}
			l.h.ServeHTTP(w, rq.build())
			got := w.h.Get("Access-Control-Allow-Origin") == origin
			if got != rq.allowed {
				t.Errorf("%s %s: ACAO %q, want allowed=%v", l.name, rq.name, w.h.Get("Access-Control-Allow-Origin"), rq.allowed)
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
	for _, rq := range requests {
		r := rq.build()
		for _, l := range libs(b) {
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
	r := requests[0].build()
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
