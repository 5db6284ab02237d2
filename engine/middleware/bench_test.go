package middleware_test

import (
	"net/http"
	"testing"

	"github.com/whycors/whycors/engine/middleware"
)

// benchConfig is the comparison config of server-peers.md §5 and of
// scripts/bench: one origin, credentials, max-age, GET/POST/PUT/DELETE,
// header X-Custom.
const benchConfig = `{"origins": ["https://example.com"], "methods": ["GET", "POST", "PUT", "DELETE"], "request_headers": ["X-Custom"], "credentials": true, "max_age": 600}`

// BenchmarkMiddleware measures Wrap with a ResponseWriter that allocates
// nothing, so the numbers are the middleware's own. Filter with benchstat,
// e.g. -bench 'Middleware/type=preflight/'. Target (task brief): a
// rejected preflight in at most 60 ns with 0 allocations.
func BenchmarkMiddleware(b *testing.B) {
	h := middleware.New(mustPolicy(b, benchConfig)).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	cases := []struct {
		name string
		r    *http.Request
	}{
		{"type=preflight/allowed", req("OPTIONS", "/items/1", "Origin", "https://example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom")},
		{"type=preflight/rejected", req("OPTIONS", "/items/1", "Origin", "https://evil.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom")},
		{"type=actual/allowed", req("GET", "/items/1", "Origin", "https://example.com")},
		{"type=actual/rejected", req("GET", "/items/1", "Origin", "https://evil.example")},
	}
	run(b, h, cases)
	// Issue 23's cases: a preflight asking for ten headers, and a
	// preflight from an origin that a wildcard-subdomain rule rejects
	// (its target: at most 1.2x the exact-origin reject above).
	ten := middleware.New(mustPolicy(b, `{"origins": ["https://example.com"], "methods": ["PUT"], "credentials": true, `+
		`"request_headers": ["X-Custom", "Content-Type", "Authorization", "X-Api-Key", "X-Request-Id", "X-Trace-Id", "X-Client", "X-Version", "If-Match", "X-Tenant"]}`)).
		Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	run(b, ten, []struct {
		name string
		r    *http.Request
	}{{"type=preflight/allowed-headers=10", req("OPTIONS", "/items/1", "Origin", "https://example.com", "Access-Control-Request-Method", "PUT",
		"Access-Control-Request-Headers", "authorization,content-type,if-match,x-api-key,x-client,x-custom,x-request-id,x-tenant,x-trace-id,x-version")}})
	wild := middleware.New(mustPolicy(b, `{"origins": ["https://*.example.com"], "methods": ["PUT"], "request_headers": ["X-Custom"], "credentials": true}`)).
		Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	run(b, wild, []struct {
		name string
		r    *http.Request
	}{
		{"type=preflight/rejected-wildcard", req("OPTIONS", "/items/1", "Origin", "https://evil.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom")},
		{"type=preflight/rejected-wildcard-long", req("OPTIONS", "/items/1", "Origin", "https://a-rather-long-subdomain.of.an-unrelated-site.example.org", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom")},
		{"type=preflight/allowed-wildcard", req("OPTIONS", "/items/1", "Origin", "https://a.example.com", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-custom")},
	})
}

func run(b *testing.B, h http.Handler, cases []struct {
	name string
	r    *http.Request
}) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			w := &nopWriter{h: make(http.Header, 8)}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, c.r)
			}
		})
	}
}
