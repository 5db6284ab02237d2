//go:build js && wasm

// Command worker is the whycors edge worker for Cloudflare Workers, on
// github.com/syumai/workers. Unlike syumai's own JS glue, which starts a
// new Go instance for every request (build-chain.md §1.2, §3.4), its entry
// module (worker.mjs) keeps one resident instance per isolate; each request
// is a goroutine, and requests waiting on the upstream do not block others.
package main

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall/js"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/fetch"
)

func main() {
	cfg, errs := LoadConfig(getenv)
	if len(errs) > 0 {
		// Logged once per isolate (console.log through wasm_exec.js);
		// every request also gets the list in its 500 body.
		println("whycors worker: configuration invalid; answering 500 to every request:\n" + errs.Error())
	}
	// The entry module's upstream fetcher: fetch() with the deadline and the
	// Set-Cookie encoding below (worker.mjs).
	ns := js.Global().Get("context").Get("upstream")
	if cfg != nil {
		ns.Set("timeoutMs", cfg.TimeoutMs)
	}
	passBody = passJSBody
	h := NewHandler(cfg, errs, &jsUpstream{cli: fetch.NewClient(fetch.WithBinding(ns)), bodies: ns.Get("bodies")})
	fast := h.(FastHandler)
	js.Global().Get("context").Get("binding").Set("whycorsFast", js.FuncOf(func(_ js.Value, args []js.Value) any {
		return serveFast(fast, args)
	}))
	workers.ServeNonBlock(joinSplitHeaders(h))
	workers.Ready()
	// Stay resident: syumai's Serve would return after the first response
	// (its Done channel closes when one body is closed).
	select {}
}

// serveFast is binding.whycorsFast(request): it runs synchronously in the
// caller's event. Both directions are one string, because every value
// crossing between Go and JS costs a call: the request is
// "METHOD\nURL" followed by "\nName\tvalue" for each of Origin,
// Access-Control-Request-Method and -Headers that is present; the answer
// is "" (take the full path) or "STATUS" followed by "\nName\tvalue" per
// header line, "\n\n" and the body. Header values never hold a newline
// (the Headers class rejects them, Fetch §5.2).
func serveFast(h FastHandler, args []js.Value) any {
	if len(args) != 1 || args[0].Type() != js.TypeString {
		return ""
	}
	lines := strings.Split(args[0].String(), "\n")
	if len(lines) < 2 || len(lines) > 5 {
		return ""
	}
	u, err := url.Parse(lines[1])
	if err != nil {
		return ""
	}
	r := &http.Request{Method: lines[0], URL: u, Host: u.Host, Header: http.Header{}, Body: http.NoBody, RequestURI: u.RequestURI()}
	for _, l := range lines[2:] {
		name, value, ok := strings.Cut(l, "\t")
		if !ok {
			return ""
		}
		r.Header[name] = []string{value}
	}
	w := &fastWriter{header: http.Header{}, status: http.StatusOK}
	if !h.ServeFast(w, r) {
		return ""
	}
	var b strings.Builder
	b.WriteString(strconv.Itoa(w.status))
	for k, vs := range w.header {
		for _, v := range vs {
			b.WriteByte('\n')
			b.WriteString(k)
			b.WriteByte('\t')
			b.WriteString(v)
		}
	}
	b.WriteString("\n\n")
	b.Write(w.body)
	return b.String()
}

// fastWriter records a synchronous answer.
type fastWriter struct {
	header http.Header
	status int
	wrote  bool
	body   []byte
}

func (w *fastWriter) Header() http.Header { return w.header }
func (w *fastWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
}
func (w *fastWriter) Write(b []byte) (int, error) {
	w.wrote = true
	w.body = append(w.body, b...)
	return len(b), nil
}

// getenv reads a variable from env. Unlike cloudflare.Getenv, it reads an
// unset or null binding (workerd's fromEnvironment of an unset variable)
// as empty rather than "<null>", and a JSON var (wrangler.toml [vars] may
// hold a table) as its JSON text.
func getenv(name string) string {
	v := cloudflare.GetBinding(name)
	switch v.Type() {
	case js.TypeString:
		return v.String()
	case js.TypeObject:
		return js.Global().Get("JSON").Call("stringify", v).String()
	}
	return ""
}

// joinSplitHeaders undoes syumai's header conversion, which splits every
// value at each comma (internal/jshttp.ToHeader): joining the parts with
// "," gives back the value as the runtime's Headers object combined it.
func joinSplitHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range r.Header {
			if len(v) > 1 {
				r.Header[k] = []string{strings.Join(v, ",")}
			}
		}
		next.ServeHTTP(w, r)
	})
}

type jsUpstream struct {
	cli    *fetch.Client
	bodies js.Value // worker.mjs upstream.bodies: id -> ReadableStream
	next   atomic.Uint64
}

// bodyHeader carries the id of a parked request body from Go to worker.mjs.
// A client's own header of that name is removed first, so a caller cannot
// name another request's body.
const bodyHeader = "Whycors-Body"

func (u *jsUpstream) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Del(bodyHeader)
	if src, ok := r.Body.(interface{ GetRawJSBody() js.Value }); ok {
		raw := src.GetRawJSBody()
		if raw.Truthy() {
			id := strconv.FormatUint(u.next.Add(1), 10)
			u.bodies.Call("set", id, raw)
			r.Header.Set(bodyHeader, id)
		}
		r.Body, r.ContentLength = nil, 0
	}
	// Redirects go back to the client as they are: the upstream's
	// Location is for the client to follow, not the edge.
	res, err := u.cli.Do(&fetch.Request{Request: r}, &fetch.RequestInit{Redirect: fetch.RedirectModeManual})
	if err != nil {
		if strings.Contains(err.Error(), "TimeoutError") {
			return nil, &timeoutError{err}
		}
		return nil, err
	}
	for k, v := range res.Header {
		if k == "Set-Cookie" {
			// One line per cookie, with "," and "%" escaped by worker.mjs
			// so that the comma split above leaves each whole.
			for i := range v {
				v[i] = unescapeCookie(v[i])
			}
			continue
		}
		if len(v) > 1 {
			res.Header[k] = []string{strings.Join(v, ",")}
		}
	}
	return res, nil
}

func unescapeCookie(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	return strings.NewReplacer("%2C", ",", "%25", "%").Replace(s)
}

// passJSBody gives the upstream's ReadableStream to the runtime's Response
// as it is, so a large body never crosses into Go (syumai's ResponseWriter
// implements WriteRawJSBody; the upstream body exposes GetRawJSBody).
func passJSBody(w http.ResponseWriter, body io.ReadCloser) bool {
	src, ok := body.(interface{ GetRawJSBody() js.Value })
	if !ok {
		return false
	}
	for {
		if dst, ok := w.(interface{ WriteRawJSBody(js.Value) }); ok {
			dst.WriteRawJSBody(src.GetRawJSBody())
			return true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
}
