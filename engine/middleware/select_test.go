package middleware_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/whycors/whycors/engine/middleware"
)

// TestWrapSelectsByOriginAndPath: the middleware reads the path whenever
// any rule has one, even when the first covers every path, since a later
// rule answers the origins the first does not allow (native package doc,
// "Which rule answers"); and a preflight whose methods are "*" names
// Access-Control-Request-Method in Vary, refused or not (issue 19).
func TestWrapSelectsByOriginAndPath(t *testing.T) {
	p := mustPolicy(t, `{"rules": [
  {"origins": ["https://a.test"], "credentials": true},
  {"path": "/api/*", "origins": ["https://b.test"], "methods": ["*"]}
]}`)
	h := middleware.New(p).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	cases := []struct {
		desc            string
		r               *http.Request
		status          int
		acao, acam, vry string
	}{
		{desc: "b.test under /api: the second rule answers, echoing the method", r: req("OPTIONS", "/api/x", "Origin", "https://b.test", "Access-Control-Request-Method", "PATCH"),
			status: 204, acao: "https://b.test", acam: "PATCH", vry: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
		{desc: "b.test elsewhere: no rule allows it, the first refuses with Vary", r: req("OPTIONS", "/x", "Origin", "https://b.test", "Access-Control-Request-Method", "PATCH"),
			status: 403, vry: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
		{desc: "a.test: the first rule", r: req("GET", "/api/x", "Origin", "https://a.test"),
			status: 200, acao: "https://a.test", vry: "Origin"},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, tc.r)
			got := w.Result()
			if got.StatusCode != tc.status || got.Header.Get("Access-Control-Allow-Origin") != tc.acao ||
				got.Header.Get("Access-Control-Allow-Methods") != tc.acam || got.Header.Get("Vary") != tc.vry {
				t.Errorf("status %d ACAO %q ACAM %q Vary %q; want %d %q %q %q", got.StatusCode, got.Header.Get("Access-Control-Allow-Origin"),
					got.Header.Get("Access-Control-Allow-Methods"), got.Header.Get("Vary"), tc.status, tc.acao, tc.acam, tc.vry)
			}
		})
	}
}
