package main

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/middleware"
	"github.com/whycors/whycors/engine/policy"
)

// decisionHeader names the policy's decision and the rule that made it,
// when WHYCORS_DEBUG is on.
const decisionHeader = middleware.DebugHeader

// corsLayer applies a policy.Evaluator (a format other than native)
// around the forwarding handler:
// preflights are answered here and never reach the upstream; actual
// replies get the policy's headers in place of the upstream's own CORS
// headers.
//
// TODO: convert other formats to a native policy at start (once the engine
// has that conversion) and drop this layer; it only translates between
// net/http and the Evaluator contract.
type corsLayer struct {
	ev     policy.Evaluator
	refuse bool
	debug  bool
}

func newCORSLayer(cfg *Config) *corsLayer {
	return &corsLayer{ev: cfg.Policy, refuse: cfg.Refuse, debug: cfg.Debug}
}

// isPreflight: an OPTIONS request carrying Origin and
// Access-Control-Request-Method (Fetch §4.8 CORS-preflight fetch, steps 1-3).
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && len(r.Header.Values("Access-Control-Request-Method")) > 0
}

// stripCORS removes the upstream's own CORS response headers: the policy
// is the only source of them.
func stripCORS(h http.Header) {
	for k := range h {
		if strings.HasPrefix(strings.ToLower(k), "access-control-") {
			delete(h, k)
		}
	}
}

func (c *corsLayer) decision(out policy.Outcome) string {
	d := out.Decision
	for _, r := range out.Rules {
		if !r.Matched {
			continue
		}
		d += "; rule=" + strconv.Itoa(r.Index)
		if r.ID != "" {
			d += "; id=" + strconv.Quote(r.ID)
		}
		if r.Path != "" {
			d += "; path=" + strconv.Quote(r.Path)
		}
	}
	return d
}

func (c *corsLayer) write(w http.ResponseWriter, out policy.Outcome) {
	h := w.Header()
	for _, f := range out.Reply.Header {
		h.Add(f.Name, f.Value)
	}
	if c.debug {
		h.Set(decisionHeader, c.decision(out))
	}
	w.WriteHeader(out.Reply.Status)
	io.WriteString(w, out.Reply.Body)
}

// ServePreflight answers a preflight from the policy alone: the upstream
// is not asked.
func (c *corsLayer) ServePreflight(w http.ResponseWriter, r *http.Request) bool {
	if !isPreflight(r) {
		return false
	}
	req := policy.Request{Method: r.Method, URL: requestURL(r), Header: headerList(r.Header)}
	c.write(w, c.ev.Respond(req, policy.Reply{Status: http.StatusNoContent}))
	return true
}

func (c *corsLayer) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.ServePreflight(w, r) {
			return
		}
		req := policy.Request{Method: r.Method, URL: requestURL(r), Header: headerList(r.Header)}
		if c.refuse && r.Header.Get("Origin") != "" {
			probe := c.ev.Respond(req, policy.Reply{Status: http.StatusOK})
			if !probe.Reply.Header.Has("Access-Control-Allow-Origin") {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.Header().Set("Vary", "Origin")
				if c.debug {
					w.Header().Set(decisionHeader, c.decision(probe)+"; refused")
				}
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, "whycors worker: origin not allowed by the policy\n")
				return
			}
		}
		next.ServeHTTP(&corsWriter{ResponseWriter: w, c: c, req: req}, r)
	})
}

// corsWriter applies the policy when the forwarding handler writes the
// status line, so that upstream errors get the headers too.
type corsWriter struct {
	http.ResponseWriter
	c        *corsLayer
	req      policy.Request
	wrote    bool
	replaced bool // the evaluator answered by itself; the app's body is dropped
}

// Unwrap lets the js build find the runtime's ResponseWriter to hand it
// the upstream body stream (http.ResponseController's convention).
func (cw *corsWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

func (cw *corsWriter) WriteHeader(code int) {
	if cw.wrote {
		return
	}
	cw.wrote = true
	h := cw.ResponseWriter.Header()
	stripCORS(h)
	app := policy.Reply{Status: code, Header: headerList(h)}
	out := cw.c.ev.Respond(cw.req, app)
	if out.Reply.Status != code || out.Reply.Body != "" {
		cw.replaced = true
		for k := range h {
			delete(h, k)
		}
		cw.c.write(cw.ResponseWriter, out)
		return
	}
	for k := range h {
		delete(h, k)
	}
	for _, f := range out.Reply.Header {
		h.Add(f.Name, f.Value)
	}
	if cw.c.debug {
		h.Set(decisionHeader, cw.c.decision(out))
	}
	cw.ResponseWriter.WriteHeader(code)
}

func (cw *corsWriter) Write(b []byte) (int, error) {
	if !cw.wrote {
		cw.WriteHeader(http.StatusOK)
	}
	if cw.replaced {
		return len(b), nil
	}
	return cw.ResponseWriter.Write(b)
}

func (cw *corsWriter) bodyDropped() bool { return cw.replaced }

// Flush passes through for streamed replies.
func (cw *corsWriter) Flush() {
	if f, ok := cw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
