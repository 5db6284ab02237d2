//go:build !whycors_bare

package main

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/whycors/whycors/engine/headers"
)

// The worker as a net/http handler serving the same decisions
// (Server.Decide). In the Workers runtime syumai serves it (main_js.go) for
// the requests off the hot path (the explain endpoint, requests too long
// for the exported call), forwarding through syumai's fetch client; the
// non-js build (main_other.go) serves it as a plain local proxy and for
// unit tests. worker.mjs does the same I/O for the hot path with fetch()
// and streams.

// errUpstreamTimeout is what the upstream transport returns (wrapped) when
// the upstream did not answer within WHYCORS_UPSTREAM_TIMEOUT_MS.
var errUpstreamTimeout = errors.New("upstream timed out")

type timeoutError struct{ err error }

func (e *timeoutError) Error() string { return errUpstreamTimeout.Error() + ": " + e.err.Error() }
func (e *timeoutError) Unwrap() error { return errUpstreamTimeout }

// NewHandler returns the worker as a net/http handler deciding with s and
// forwarding through up. With configuration errors s answers every
// request with a 500 and no CORS headers.
func NewHandler(s *Server, up http.RoundTripper) http.Handler {
	return &handler{s: s, cfg: s.cfg, up: up}
}

type handler struct {
	s   *Server
	cfg *Config
	up  http.RoundTripper
}

func first(h http.Header, name string) (string, bool) {
	if v := h[name]; len(v) > 0 {
		return v[0], true
	}
	return "", false
}

// requestOf reads r as worker.mjs reads a runtime Request: the path and
// query as sent, the first Origin and Access-Control-Request-Method
// lines, every Access-Control-Request-Headers line joined with ", " (as
// the Headers class's get combines them, Fetch §2.2.2).
func requestOf(r *http.Request) Request {
	q := Request{Method: r.Method, Target: r.URL.RequestURI()}
	if !strings.HasPrefix(q.Target, "/") {
		q.Target = "/"
	}
	q.Origin, q.HasOrigin = first(r.Header, "Origin")
	q.ACRM, q.HasACRM = first(r.Header, "Access-Control-Request-Method")
	if v := r.Header["Access-Control-Request-Headers"]; len(v) > 0 {
		q.ACRH, q.HasACRH = strings.Join(v, ", "), true
	}
	return q
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := requestOf(r)
	if canPlatform && h.cfg != nil && h.cfg.Eval != nil {
		// The platform's evaluator may read any header and the URL.
		u := requestURL(r)
		if i := strings.Index(u, "://"); i >= 0 {
			if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
				u = u[:i+3+j]
			}
		}
		q.URL, q.Header = u, headerList(r.Header)
	}
	d := h.s.Decide(&q)
	switch d.Action {
	case Explain:
		d = h.s.Explain(r.Method, requestURL(r), headerList(r.Header))
	case Forward, AskAgain:
		h.forward(w, r, &q, &d)
		return
	}
	writeReply(w, &d)
}

// writeHeader applies a decision's header lines to dst, as worker.mjs's
// apply does: Vary is appended to, other names replace.
func writeHeader(dst http.Header, d *Decision) {
	if d.StripOwned {
		for _, n := range ownedHeaders {
			dst.Del(n)
		}
	}
	for _, f := range d.Header {
		if f.Name == "Vary" {
			dst.Add(f.Name, f.Value)
		} else {
			dst.Set(f.Name, f.Value)
		}
	}
}

// upstreamURL is the upstream's URL for target (a path and query), built
// as a URL rather than by joining strings, and checked to stay at the
// upstream's origin and under its path prefix (target.go).
func upstreamURL(upstream, target string) (*url.URL, bool) {
	base, err := url.Parse(upstream)
	if err != nil {
		return nil, false
	}
	t, err := url.ParseRequestURI(target)
	if err != nil || t.Scheme != "" || t.Host != "" {
		return nil, false
	}
	u := *base
	u.Path = base.Path + t.Path
	u.RawPath = base.EscapedPath() + t.EscapedPath()
	u.RawQuery = t.RawQuery
	prefix := strings.TrimSuffix(base.Path, "/")
	if u.Scheme != base.Scheme || u.Host != base.Host || prefix != "" && u.Path != prefix && !strings.HasPrefix(u.Path, prefix+"/") {
		return nil, false
	}
	return &u, true
}

// hopByHop are the connection-level headers a proxy must not forward
// (RFC 9110 §7.6.1), plus Host and Content-Length, which the transport
// sets from the URL and the body.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true,
	"Proxy-Authenticate": true, "Proxy-Authorization": true, "Te": true,
	"Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
	"Host": true, "Content-Length": true,
}

// dropHopByHop copies h into dst without the hop-by-hop fields, including
// those the Connection header names.
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

// forward sends the request to the upstream and streams its answer back
// with the decision's headers. Upstream failures become a 502 (504 on
// timeout) with the decision's headers too, so the page can read the error.
// With AskAgain the headers are decided on the upstream's reply (again).
func (h *handler) forward(w http.ResponseWriter, r *http.Request, q *Request, d *Decision) {
	target := q.Target
	var body io.Reader
	if r.Body != nil && r.Body != http.NoBody && r.Method != http.MethodGet && r.Method != http.MethodHead {
		body = r.Body
	}
	u, ok := upstreamURL(h.cfg.Upstream, target)
	if !ok {
		// Decide refuses dot segments first; this is the second lock.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "whycors worker: the path leaves the upstream's path; refused\n")
		return
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), body)
	if err != nil {
		h.upstreamError(w, http.StatusBadGateway, err, q, d)
		return
	}
	if body != nil {
		out.ContentLength = r.ContentLength
	}
	dropHopByHop(out.Header, r.Header)
	res, err := h.up.RoundTrip(out)
	if err != nil {
		code := http.StatusBadGateway
		if errors.Is(err, errUpstreamTimeout) {
			code = http.StatusGatewayTimeout
		}
		h.upstreamError(w, code, err, q, d)
		return
	}
	defer res.Body.Close()
	dropHopByHop(w.Header(), res.Header)
	status := res.StatusCode
	if canPlatform && d.Action == AskAgain {
		a := h.again(w.Header(), status, q)
		if a.Action == Reply {
			clear(w.Header())
			writeReply(w, &a)
			return
		}
		status = a.Status
	} else {
		writeHeader(w.Header(), d)
	}
	w.WriteHeader(status)
	io.Copy(w, res.Body)
}

// again decides on the upstream's reply (status, its headers in dst
// without hop-by-hop fields) for AskAgain: the upstream's CORS headers are
// removed, and the evaluator's edit is applied to dst.
func (h *handler) again(dst http.Header, status int, q *Request) Decision {
	for _, n := range ownedHeaders {
		dst.Del(n)
	}
	q.HasReply, q.Status, q.ReplyHeader = true, status, headerList(dst)
	a := h.s.Decide(q)
	if a.Action == Edit {
		for _, f := range a.Header {
			if f.Name == "" {
				dst.Del(f.Value)
			} else {
				dst.Add(f.Name, f.Value)
			}
		}
	}
	return a
}

func writeReply(w http.ResponseWriter, d *Decision) {
	writeHeader(w.Header(), d)
	w.WriteHeader(d.Status)
	io.WriteString(w, d.Body)
}

func (h *handler) upstreamError(w http.ResponseWriter, code int, err error, q *Request, d *Decision) {
	hd := w.Header()
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	if canPlatform && d.Action == AskAgain {
		// The platform's answer on the worker's own error reply, as on
		// an upstream's (nginx without always adds nothing to a 502).
		a := h.again(hd, code, q)
		if a.Action == Reply {
			clear(hd)
			writeReply(w, &a)
			return
		}
		code = a.Status
	} else {
		writeHeader(hd, d)
	}
	w.WriteHeader(code)
	io.WriteString(w, "whycors worker: upstream: "+err.Error()+"\n")
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
