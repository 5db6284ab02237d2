//go:build !(js && wasm)

package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestHandlerNative runs the worker's handler as the non-js build does
// (net/http server, timeoutTransport), against a local upstream. Expected
// values follow engine/native's documentation ("What the policy answers")
// and the worker's own contract (worker/README.md).
func TestHandlerNative(t *testing.T) {
	var hits atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/v1/slow" {
			time.Sleep(300 * time.Millisecond)
		}
		w.Header().Set("Access-Control-Allow-Origin", "*") // the upstream's own: replaced
		w.Header().Set("Vary", "Accept-Encoding")
		io.WriteString(w, r.Method+" "+r.URL.RequestURI())
	}))
	defer up.Close()
	cfg, errs := LoadConfig(envOf(map[string]string{
		envPolicy:    `{"origins": ["https://app.example.com"], "methods": ["PUT"]}`,
		envUpstream:  up.URL + "/v1",
		envTimeoutMs: "100",
	}))
	if errs != nil {
		t.Fatal(errs)
	}
	h := NewHandler(NewServer(cfg, nil, false), &timeoutTransport{rt: http.DefaultTransport, d: 100 * time.Millisecond})

	tests := []struct {
		desc   string
		method string
		path   string
		hdr    map[string]string
		status int
		acao   string
		body   string
		hits   int64 // upstream requests this one causes
	}{
		{desc: "allowed preflight answered at the edge", method: "OPTIONS", path: "/x", hdr: map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT"}, status: 204, acao: "https://app.example.com"},
		{desc: "rejected preflight: 403, nothing forwarded", method: "OPTIONS", path: "/x", hdr: map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"}, status: 403},
		{desc: "actual request forwarded under the prefix, upstream ACAO replaced", method: "GET", path: "/items?a=1", hdr: map[string]string{"Origin": "https://app.example.com"}, status: 200, acao: "https://app.example.com", body: "GET /v1/items?a=1", hits: 1},
		{desc: "disallowed origin: forwarded, upstream's '*' removed", method: "GET", path: "/items", hdr: map[string]string{"Origin": "https://evil.example"}, status: 200, body: "GET /v1/items", hits: 1},
		{desc: "upstream slower than the deadline: 504 with the policy's headers", method: "GET", path: "/slow", hdr: map[string]string{"Origin": "https://app.example.com"}, status: 504, acao: "https://app.example.com", body: "timed out", hits: 1},
	}
	for _, tc := range tests {
		before := hits.Load()
		w := serve(h, tc.method, tc.path, tc.hdr)
		if w.Code != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.desc, w.Code, tc.status, w.Body)
		}
		if got := w.Header().Get("Access-Control-Allow-Origin"); got != tc.acao {
			t.Errorf("%s: ACAO %q, want %q", tc.desc, got, tc.acao)
		}
		if !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s: body %q lacks %q", tc.desc, w.Body, tc.body)
		}
		if tc.path == "/slow" {
			time.Sleep(350 * time.Millisecond) // the upstream counts on arrival; let it finish
		}
		if n := hits.Load() - before; n != tc.hits {
			t.Errorf("%s: %d upstream requests, want %d", tc.desc, n, tc.hits)
		}
	}
}

// TestRefusal: with any configuration fault, every request, preflights
// included, gets a 500 and no CORS headers, through the net/http handler
// and through the wire form worker.mjs uses. The body lists the faults
// only in debug mode: it would show the configuration to every caller
// (issue 19, "Deployment is checked before it runs").
func TestRefusal(t *testing.T) {
	env := map[string]string{envPolicy: `{"origins": ["*"], "credentials": true}`, envUpstream: "https://a.example"}
	_, errs := LoadConfig(envOf(env))
	if errs == nil {
		t.Fatal("want a fault: wildcard origin with credentials (native doc: credentials)")
	}
	if DebugRequested(envOf(env)) {
		t.Fatal("debug is off")
	}
	quiet := NewServer(nil, errs, false).DecideWire("OPTIONS\n/x\nO\thttps://app.example.com\nM\tPUT")
	if !strings.HasPrefix(quiet, "R500\n") || strings.Contains(quiet, "line 1") || strings.Contains(quiet, "credentials") || !strings.Contains(quiet, "configuration is invalid") {
		t.Errorf("without debug: %q; want a 500 saying only that the configuration is invalid", quiet)
	}
	env[envDebug] = "true"
	if !DebugRequested(envOf(env)) {
		t.Fatal("debug is on")
	}
	h := NewHandler(NewServer(nil, errs, true), nil)
	r := httptest.NewRequest("OPTIONS", "http://worker.test/x", nil)
	r.Header.Set("Origin", "https://app.example.com")
	r.Header.Set("Access-Control-Request-Method", "PUT")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 500 || !strings.Contains(w.Body.String(), "line 1") || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("net/http: status %d, ACAO %q, body %q; want 500 with the fault's position and no CORS headers", w.Code, w.Header().Get("Access-Control-Allow-Origin"), w.Body)
	}
	a := NewServer(nil, errs, true).DecideWire("OPTIONS\n/x\nO\thttps://app.example.com\nM\tPUT")
	head, _, _ := strings.Cut(a, "\n\n")
	if !strings.HasPrefix(a, "R500\n") || !strings.Contains(a, "line 1") || strings.Contains(head, "Access-Control-") {
		t.Errorf("wire: %q; want a 500 reply with the fault's position and no CORS headers", a)
	}
}

// serve sends one request to h as a client of the worker would.
func serve(h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "http://worker.test"+path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
