package middleware_test

import (
	"io"
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

// TestEnforceAgreesWithRespond: under Enforce the response's CORS headers
// are those native.Policy.Respond predicts for the handler's reply (the
// model explain uses, which removes the application's own CORS headers as
// the edge worker does), whatever CORS headers the handler sets and
// however it writes. Without Enforce the handler's own win (the package
// doc says so), which the first case checks too, so that the test shows
// what Enforce changes.
func TestEnforceAgreesWithRespond(t *testing.T) {
	p := mustPolicy(t, testPolicy)
	plain := middleware.New(p)
	m := plain.Enforce(true)
	type write func(w http.ResponseWriter)
	writes := map[string]write{
		"WriteHeader": func(w http.ResponseWriter) { w.WriteHeader(201) },
		"Write":       func(w http.ResponseWriter) { w.Write([]byte("body")) },
		"nothing":     func(w http.ResponseWriter) {},
		// io.Copy calls the writer's ReadFrom when it has one, and a
		// LimitedReader has no WriteTo to take its place.
		"ReadFrom": func(w http.ResponseWriter) { io.Copy(w, io.LimitReader(strings.NewReader("body"), 4)) },
		"Flush":    func(w http.ResponseWriter) { w.(http.Flusher).Flush() },
	}
	cases := []struct {
		desc   string
		set    func(h http.Header)
		source string
	}{
		{
			desc:   "the handler allows every origin",
			set:    func(h http.Header) { h.Set("Access-Control-Allow-Origin", "*") },
			source: "found as a new user would: a handler's \"*\" under Wrap let every origin read where explain predicted BLOCKED",
		},
		{
			desc: "the handler adds credentials and exposes a header",
			set: func(h http.Header) {
				h.Set("Access-Control-Allow-Credentials", "true")
				h.Add("Access-Control-Expose-Headers", "X-Secret")
				h.Set("Access-Control-Max-Age", "86400")
			},
			source: "native.OwnedHeaders: the policy alone writes them",
		},
		{
			desc: "the handler writes into the policy's value in place",
			set: func(h http.Header) {
				if v := h["Access-Control-Allow-Origin"]; len(v) > 0 {
					v[0] = "https://evil.test"
				}
			},
			source: "rs/cors#198: a value may be written in place",
		},
		{
			desc:   "the handler replaces Vary",
			set:    func(h http.Header) { h.Set("Vary", "Accept-Encoding") },
			source: "RFC 9110 §12.5.5: a cache must know the answer varies by Origin",
		},
		{
			desc:   "the handler removes Vary",
			set:    func(h http.Header) { h.Del("Vary") },
			source: "RFC 9110 §12.5.5",
		},
		{
			desc:   "the handler adds to Vary, keeping the policy's entry",
			set:    func(h http.Header) { h.Add("Vary", "Accept-Encoding") },
			source: "RFC 9110 §12.5.5: Vary is appended to",
		},
		{
			desc:   "the handler sets no CORS header",
			set:    func(h http.Header) { h.Set("Content-Type", "text/plain") },
			source: "nothing to restore: the policy's headers stay as Wrap set them",
		},
	}
	reqs := [][]string{
		{"GET", "/api/x", "Origin", "https://app.test"},
		{"GET", "/api/x", "Origin", "https://b.app.test"},
		{"GET", "/api/x", "Origin", "https://evil.test"},
		{"POST", "/api/x"},
		{"GET", "/other", "Origin", "https://evil.test"},
	}
	for _, tc := range cases {
		for wname, wr := range writes {
			for _, rq := range reqs {
				name := tc.desc + "/" + wname + "/" + strings.Join(rq, " ")
				handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					tc.set(w.Header())
					wr(w)
				})
				// What the handler's reply is alone, as Respond takes it.
				app := httptest.NewRecorder()
				handler.ServeHTTP(app, req(rq[0], rq[1], rq[2:]...))
				var appHeader headers.List
				for k, vs := range app.Result().Header {
					for _, v := range vs {
						appHeader.Add(k, v)
					}
				}
				var reqHeader headers.List
				for i := 2; i+1 < len(rq); i += 2 {
					reqHeader.Add(rq[i], rq[i+1])
				}
				out := p.Respond(policy.Request{Method: rq[0], URL: "http://api.test" + rq[1], Header: reqHeader},
					policy.Reply{Status: app.Code, Header: appHeader})
				want := http.Header{}
				for _, f := range out.Reply.Header {
					want.Add(f.Name, f.Value)
				}

				rec := httptest.NewRecorder()
				m.Wrap(handler).ServeHTTP(rec, req(rq[0], rq[1], rq[2:]...))
				if got := rec.Result().Header; !sameCORS(got, want) {
					t.Errorf("%s:\nEnforce  %v\nRespond  %v\n(%s)", name, got, want, tc.source)
				}
				if fs := varyFields(rec.Result().Header); varyCount(rec.Result().Header) != len(fs) {
					t.Errorf("%s: Vary %q names a field twice", name, rec.Result().Header["Vary"])
				}
				if rec.Code != app.Code {
					t.Errorf("%s: status %d, the handler's %d", name, rec.Code, app.Code)
				}
			}
		}
	}

	// Without Enforce the handler's "*" reaches a refused origin.
	rec := httptest.NewRecorder()
	plain.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
	})).ServeHTTP(rec, req("GET", "/api/x", "Origin", "https://evil.test"))
	if rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("plain Wrap: %v; the package doc says the handler's own header wins", rec.Header())
	}
}

// sameCORS compares the CORS headers and the Vary fields of two
// responses: Vary's order is no part of its meaning (RFC 9110 §12.5.5).
func sameCORS(a, b http.Header) bool {
	for _, k := range native.OwnedHeaders() {
		if !slices.Equal(a[k], b[k]) {
			return false
		}
	}
	return slices.Equal(varyFields(a), varyFields(b))
}

// varyCount is how many fields Vary's lines name, repeats counted.
func varyCount(h http.Header) int {
	n := 0
	for _, line := range h["Vary"] {
		n += strings.Count(line, ",") + 1
	}
	return n
}

func varyFields(h http.Header) []string {
	var fs []string
	for _, line := range h["Vary"] {
		for f := range strings.SplitSeq(line, ",") {
			fs = append(fs, strings.ToLower(strings.TrimSpace(f)))
		}
	}
	slices.Sort(fs)
	return slices.Compact(fs)
}

// TestEnforceOverHTTP runs Enforce behind a real net/http server: a
// streamed response that flushes before it ends (http.Flusher and
// http.ResponseController both reach the connection), a write deadline
// set through http.ResponseController (the writer's own SetWriteDeadline), a file served with
// http.ServeContent, and a hijacked connection, each with the policy's
// CORS headers and not the handler's.
func TestEnforceOverHTTP(t *testing.T) {
	m := middleware.New(mustPolicy(t, testPolicy)).Enforce(true)
	mux := http.NewServeMux()
	mux.HandleFunc("/api/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(10 * time.Second)); err != nil {
			t.Errorf("SetWriteDeadline through Enforce: %v", err)
		}
		io.WriteString(w, "first\n")
		if err := rc.Flush(); err != nil {
			t.Errorf("Flush through Enforce: %v", err)
		}
		w.(http.Flusher).Flush()
		io.WriteString(w, "second\n")
	})
	mux.HandleFunc("/api/file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		http.ServeContent(w, r, "f.txt", time.Time{}, strings.NewReader("file body"))
	})
	mux.HandleFunc("/api/hijack", func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Errorf("Hijack through Enforce: %v", err)
			return
		}
		defer conn.Close()
		brw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
		brw.Flush()
	})
	srv := httptest.NewServer(m.Wrap(mux))
	defer srv.Close()

	get := func(path, origin string) (*http.Response, string) {
		t.Helper()
		r, _ := http.NewRequest("GET", srv.URL+path, nil)
		r.Header.Set("Origin", origin)
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, path := range []string{"/api/stream", "/api/file"} {
		resp, body := get(path, "https://evil.test")
		if v := resp.Header.Values("Access-Control-Allow-Origin"); len(v) != 0 {
			t.Errorf("%s from a refused origin: Access-Control-Allow-Origin %q", path, v)
		}
		if body == "" {
			t.Errorf("%s: empty body", path)
		}
		resp, _ = get(path, "https://app.test")
		if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "https://app.test" {
			t.Errorf("%s from an allowed origin: Access-Control-Allow-Origin %q", path, v)
		}
	}
	if _, body := get("/api/hijack", "https://app.test"); body != "ok" {
		t.Errorf("hijacked: body %q", body)
	}
}

// TestEnforceCannotBeBypassed: ways an adversarial review found for a
// handler's own CORS headers to reach a refused origin past Enforce,
// each behind a real net/http server: an informational 103 before the
// final reply (a proxied Early Hints), a header key in lower case (which
// net/http sends as it is), a panic answered by a recovering middleware
// outside Wrap, and no Unwrap to the writer beneath.
func TestEnforceCannotBeBypassed(t *testing.T) {
	m := middleware.New(mustPolicy(t, testPolicy)).Enforce(true)
	handlers := map[string]http.HandlerFunc{
		"after a 103": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.WriteHeader(http.StatusOK)
		},
		"a lower-case key": func(w http.ResponseWriter, r *http.Request) {
			w.Header()["access-control-allow-origin"] = []string{"*"}
			w.WriteHeader(http.StatusOK)
		},
		"a panic answered outside": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			panic("boom")
		},
		"an Unwrap to the writer beneath": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			if u, ok := w.(interface{ Unwrap() http.ResponseWriter }); ok {
				u.Unwrap().WriteHeader(http.StatusOK)
				return
			}
			w.WriteHeader(http.StatusOK)
		},
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			inner := m.Wrap(h)
			recovering := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer func() {
					if recover() != nil {
						http.Error(w, "internal error", http.StatusInternalServerError)
					}
				}()
				inner.ServeHTTP(w, r)
			})
			srv := httptest.NewServer(recovering)
			defer srv.Close()
			r, _ := http.NewRequest("GET", srv.URL+"/api/x", nil)
			r.Header.Set("Origin", "https://evil.test")
			resp, err := srv.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			for k, v := range resp.Header {
				if strings.HasPrefix(strings.ToLower(k), "access-control-") {
					t.Errorf("a refused origin gets %s: %q", k, v)
				}
			}
			if !slices.Contains(varyFields(resp.Header), "origin") {
				t.Errorf("Vary %q lacks Origin", resp.Header.Values("Vary"))
			}
		})
	}
}
