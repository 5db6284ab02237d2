package main

import (
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/middleware"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

// explainPath is the debug endpoint: a request to explainPath+"/items/1"
// is explained as if it had been sent to "/items/1", with the same method
// and headers. It exists only when WHYCORS_DEBUG is on; otherwise such a
// path is forwarded like any other.
const explainPath = "/.whycors/explain"

// errUpstreamTimeout is what an upstream transport returns (wrapped) when
// the upstream did not answer within WHYCORS_UPSTREAM_TIMEOUT_MS.
var errUpstreamTimeout = errors.New("upstream timed out")

type timeoutError struct{ err error }

func (e *timeoutError) Error() string { return errUpstreamTimeout.Error() + ": " + e.err.Error() }
func (e *timeoutError) Unwrap() error { return errUpstreamTimeout }

// NewHandler returns the worker's handler. With configuration errors it
// answers every request with a 500 listing them, and no CORS headers: a
// broken policy must never turn into an allowing one.
func NewHandler(cfg *Config, errs policy.Errors, up http.RoundTripper) http.Handler {
	if len(errs) > 0 || cfg == nil {
		return newRefusal(errs)
	}
	s := &server{cfg: cfg, up: up}
	var layer corsWrapper
	if p, ok := cfg.Policy.(*native.Policy); ok {
		layer = &nativeLayer{mw: middleware.New(p).Debug(cfg.Debug), refuse: cfg.Refuse}
	} else {
		// Other formats keep their platform's semantics through their
		// Evaluator until the engine can convert them to native.
		layer = newCORSLayer(cfg)
	}
	s.layer = layer
	s.cors = layer.Wrap(http.HandlerFunc(s.forward))
	return s
}

// corsWrapper is what the worker needs from a CORS layer.
type corsWrapper interface {
	Wrap(next http.Handler) http.Handler
	// ServePreflight answers r if it is a preflight the layer answers
	// itself, and reports whether it did.
	ServePreflight(w http.ResponseWriter, r *http.Request) bool
}

// FastHandler is a handler that can also answer, synchronously and without
// the request body, the requests that need neither the body nor the
// upstream. worker.mjs calls it for OPTIONS requests before going through
// syumai's request conversion, which costs far more than the answer
// (a goroutine, a pipe and a promise per request).
type FastHandler interface {
	http.Handler
	// ServeFast answers r and returns true, or writes nothing and
	// returns false.
	ServeFast(w http.ResponseWriter, r *http.Request) bool
}

var _ FastHandler = (*server)(nil)
var _ FastHandler = (*refusal)(nil)

func (s *server) ServeFast(w http.ResponseWriter, r *http.Request) (done bool) {
	if s.cfg.Debug && strings.HasPrefix(r.URL.Path, explainPath) {
		return false
	}
	defer func() {
		if recover() != nil {
			done = false
		}
	}()
	return s.layer.ServePreflight(w, r)
}

// refusal answers everything with a 500 saying what is wrong and where.
type refusal struct{ body string }

func (f *refusal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	io.WriteString(w, f.body)
}

func (f *refusal) ServeFast(w http.ResponseWriter, r *http.Request) bool {
	f.ServeHTTP(w, r)
	return true
}

func newRefusal(errs policy.Errors) *refusal {
	var b strings.Builder
	b.WriteString("whycors worker: not serving: the configuration is invalid; no CORS headers are sent until it is fixed\n")
	for _, e := range errs {
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	return &refusal{body: b.String()}
}

type server struct {
	cfg   *Config
	up    http.RoundTripper
	layer corsWrapper
	cors  http.Handler
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// A panic in a resident Go instance would end it and every request in
	// flight with it (the JS side then starts a new one), so each request
	// contains its own.
	defer func() {
		if v := recover(); v != nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "whycors worker: internal error\n")
		}
	}()
	if s.cfg.Debug && (r.URL.Path == explainPath || strings.HasPrefix(r.URL.Path, explainPath+"/")) {
		s.explain(w, r)
		return
	}
	s.cors.ServeHTTP(w, r)
}

// hopByHop are the connection-level headers a proxy must not forward
// (RFC 9110 §7.6.1), plus Host and Content-Length, which the runtime's
// fetch() sets from the URL and the body.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true,
	"Proxy-Authenticate": true, "Proxy-Authorization": true, "Te": true,
	"Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
	"Host": true, "Content-Length": true,
}

// dropHopByHop copies h without the hop-by-hop fields, including those the
// Connection header names.
func dropHopByHop(dst, h http.Header) {
	named := map[string]bool{}
	for _, v := range h.Values("Connection") {
		for _, t := range strings.Split(v, ",") {
			named[http.CanonicalHeaderKey(strings.TrimSpace(t))] = true
		}
	}
	for k, v := range h {
		ck := http.CanonicalHeaderKey(k)
		if hopByHop[ck] || named[ck] {
			continue
		}
		dst[ck] = append([]string(nil), v...)
	}
}

// upstreamURL maps the incoming path and query onto the configured
// upstream. The host is always the configured one.
func (s *server) upstreamURL(r *http.Request) string {
	u := *s.cfg.Upstream
	u.Path = s.cfg.Upstream.Path + r.URL.Path
	u.RawPath = s.cfg.Upstream.EscapedPath() + r.URL.EscapedPath()
	u.RawQuery = r.URL.RawQuery
	u.ForceQuery = false
	u.Fragment = ""
	return u.String()
}

// forward sends the request to the upstream and streams its answer back.
// Upstream failures become a 502 (504 on timeout) written through the same
// ResponseWriter, so the CORS layer sets the policy's headers on them too
// and the page can read the error.
func (s *server) forward(w http.ResponseWriter, r *http.Request) {
	var body io.Reader
	if r.Body != nil && r.Body != http.NoBody && r.Method != http.MethodGet && r.Method != http.MethodHead {
		body = r.Body
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, s.upstreamURL(r), body)
	if err != nil {
		upstreamError(w, http.StatusBadGateway, err)
		return
	}
	if body != nil {
		out.ContentLength = r.ContentLength
	}
	dropHopByHop(out.Header, r.Header)
	res, err := s.up.RoundTrip(out)
	if err != nil {
		code := http.StatusBadGateway
		if errors.Is(err, errUpstreamTimeout) {
			code = http.StatusGatewayTimeout
		}
		upstreamError(w, code, err)
		return
	}
	h := w.Header()
	dropHopByHop(h, res.Header)
	w.WriteHeader(res.StatusCode)
	copyBody(w, res.Body)
}

func upstreamError(w http.ResponseWriter, code int, err error) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	io.WriteString(w, "whycors worker: upstream: "+err.Error()+"\n")
}

// passBody, when set (js build), hands the upstream's body stream to the
// runtime without copying it through Go. It reports whether it did.
var passBody func(w http.ResponseWriter, body io.ReadCloser) bool

func copyBody(w http.ResponseWriter, body io.ReadCloser) {
	if body == nil {
		return
	}
	if d, ok := w.(interface{ bodyDropped() bool }); ok && d.bodyDropped() {
		body.Close()
		return
	}
	if passBody != nil && passBody(w, body) {
		return
	}
	defer body.Close()
	io.Copy(w, body)
}

// headerList turns a net/http header map into the engine's ordered list.
// Go's map has no order, so names are sorted; the lines of one name keep
// their order.
func headerList(h http.Header) headers.List {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var l headers.List
	for _, k := range keys {
		for _, v := range h[k] {
			l.Add(k, v)
		}
	}
	return l
}

// requestURL is the URL as the client addressed the worker.
func requestURL(r *http.Request) string {
	if r.URL.IsAbs() {
		return r.URL.String()
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.RequestURI()
}
