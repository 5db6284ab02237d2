// Package middleware applies a native policy (engine/native) to a
// net/http server, and to responses an edge worker relays.
//
// It is the one engine package that imports net/http: the decision itself
// is native.Policy.Decide, the same code the simulator runs, so what the
// simulator predicts is what the server does.
//
//	p, err := native.Parse(policyJSON)
//	if err != nil { ... }
//	http.ListenAndServe(":8080", middleware.New(p).Wrap(mux))
//
// Wrap must see every request, OPTIONS included: register it around the
// whole mux (or on method-less patterns), not on "GET /path" patterns,
// which never receive preflights (rs/cors#185, jub0bs/cors#4).
//
// # Handlers that set CORS headers themselves
//
// Wrap sets the policy's headers on the ResponseWriter before it calls the
// wrapped handler, and by default does not wrap the ResponseWriter
// (wrapping costs an allocation per request). A handler that then sets an
// Access-Control-* header itself, or replaces Vary, overrides the policy:
// a handler's "Access-Control-Allow-Origin: *" lets every site read.
// Enforce(true) holds the handler to the policy instead: Wrap then hands
// the handler a ResponseWriter that, before the header is written,
// removes the CORS headers the handler set and puts the policy's back, as
// the edge worker and ApplyActual do with an upstream's, so the response
// is the one explain predicts. A proxy that copies an upstream's headers
// may call ApplyActual on them instead.
//
// # Sharing
//
// No header value is shared between requests, so a handler or an outer
// middleware may modify them freely (rs/cors#198, jub0bs/cors#14). Each
// value is a one-element slice with no spare capacity, so appending to one
// never overwrites another. Values are allocated once per response (one
// backing array), except Access-Control-Allow-Origin and
// Access-Control-Allow-Headers when they echo the request's Origin or
// Access-Control-Request-Headers line unchanged: those reuse the request's
// own slice, as jub0bs/cors does, so writing into them in place writes
// into the request's header.
package middleware

import (
	"net/http"

	"github.com/whycors/whycors/engine/native"
)

// DebugHeader is the response header that names the decision and the rule
// when debugging is on, for example "preflight-rejected rule=0 name=api
// failed=headers" (native.Policy.Summary).
const DebugHeader = "Whycors-Decision"

// Header names, in the canonical form net/http keys maps with, so the
// middleware can index http.Header directly without canonicalizing.
const (
	hOrigin = "Origin"
	hACRM   = "Access-Control-Request-Method"
	hACRH   = "Access-Control-Request-Headers"
	hACAO   = "Access-Control-Allow-Origin"
	hACAC   = "Access-Control-Allow-Credentials"
	hACAM   = "Access-Control-Allow-Methods"
	hACAH   = "Access-Control-Allow-Headers"
	hACMA   = "Access-Control-Max-Age"
	hACEH   = "Access-Control-Expose-Headers"
	hVary   = "Vary"
)

// Middleware applies one native policy. It is safe for concurrent use.
type Middleware struct {
	p        *native.Policy
	debug    bool
	enforce  bool // Wrap removes the handler's own CORS headers
	needPath bool // the policy has per-path rules
}

// New returns a middleware for p. p must not be nil.
func New(p *native.Policy) *Middleware {
	return &Middleware{p: p, needPath: !p.PathIndependent()}
}

// Debug returns a copy of m that adds DebugHeader to every response it
// decides on, naming the decision and the rule. Debugging changes nothing
// else: statuses and CORS headers stay those the simulator predicts.
// (jub0bs/cors's debug mode instead answers some failed preflights with
// 204 and partial headers, server-peers.md §1.5; we keep the prediction
// exact and name the reason in the header.)
func (m *Middleware) Debug(on bool) *Middleware {
	c := *m
	c.debug = on
	return &c
}

// Enforce returns a copy of m whose Wrap holds the wrapped handler to the
// policy on every request it hands on (the package doc, "Handlers that
// set CORS headers themselves"): the handler's Access-Control-Allow-*,
// -Expose-Headers and -Max-Age headers are removed and the policy's set
// when the handler writes its header (or returns without writing), and
// the policy's Vary entry is put back if the handler dropped it. A
// preflight the rule hands on (unmatched_preflight: pass) stays the
// handler's to answer. It costs one allocation per request handed on.
func (m *Middleware) Enforce(on bool) *Middleware {
	c := *m
	c.enforce = on
	return &c
}

// Policy returns the policy m applies.
func (m *Middleware) Policy() *native.Policy { return m.p }

// Decide fills a with the policy's decision for r. It allocates nothing
// for the requests browsers send.
func (m *Middleware) Decide(r *http.Request, a *native.Answer) {
	var l lines
	m.decide(r, a, &l)
}

// lines are the request header lines an answer may echo.
type lines struct {
	origin, acrh []string
}

// decide fills a and l. It writes l through a pointer rather than
// returning it: returning the two slices by value cost a tenth of the
// rejected-preflight path, measured (issue #4 budgets that path at 60 ns).
func (m *Middleware) decide(r *http.Request, a *native.Answer, l *lines) {
	var in native.Input
	in.Method = r.Method
	if m.needPath {
		// As sent, before percent-decoding, as native.Policy.Respond
		// compares the path of a URL.
		in.Path = r.URL.EscapedPath()
	}
	// Browsers send one Origin and one ACRM line
	// (https://fetch.spec.whatwg.org/#http-network-or-cache-fetch,
	// https://fetch.spec.whatwg.org/#cors-preflight-fetch); read the first.
	if l.origin = r.Header[hOrigin]; len(l.origin) > 0 {
		in.Origin, in.HasOrigin = l.origin[0], true
	}
	if r.Method == http.MethodOptions {
		if v := r.Header[hACRM]; len(v) > 0 {
			in.ACRM, in.HasACRM = v[0], true
		}
		in.Header = r.Header
	}
	m.p.Decide(&in, a)
	if a.AllowHeaders != "" {
		l.acrh = r.Header[hACRH]
	}
}

// Wrap returns a handler that applies the policy, then calls next:
//   - a preflight the policy allows is answered (preflight_status and the
//     CORS headers) without calling next;
//   - a preflight it does not allow is answered 403 with no CORS headers,
//     or handed to next when the rule says unmatched_preflight: pass;
//   - any other request goes to next, with the policy's headers already
//     set on the ResponseWriter.
func (m *Middleware) Wrap(next http.Handler) http.Handler {
	return &handler{m: m, next: next}
}

type handler struct {
	m    *Middleware
	next http.Handler
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var a native.Answer
	var l lines
	h.m.decide(r, &a, &l)
	switch a.Kind {
	case native.Actual:
		setActual(w.Header(), &a, l.origin)
	case native.PreflightOK, native.PreflightRejected:
		h.m.answerPreflight(w, l, &a)
		return
	}
	if h.m.debug {
		h.m.addDebug(w.Header(), &a)
	}
	if h.m.enforce && (a.Kind == native.Actual || a.Kind == native.NoRule) {
		e := &enforcer{ResponseWriter: w, a: a, origin: l.origin}
		// Deferred: net/http writes the header of a handler that wrote
		// nothing after it returns, past this wrapper, and a handler
		// that panics may be answered by a recovering middleware
		// outside it (http.Error on the writer beneath).
		defer e.restore()
		h.next.ServeHTTP(e, r)
		return
	}
	h.next.ServeHTTP(w, r)
}

// ServePreflight answers r if it is a preflight the policy answers itself
// (allowed, or rejected with 403) and reports whether it did. For any other
// request it writes nothing and returns false; the caller then serves the
// request (an edge worker forwards it upstream) and calls ApplyActual on
// the response's header.
func (m *Middleware) ServePreflight(w http.ResponseWriter, r *http.Request) bool {
	var a native.Answer
	var l lines
	m.decide(r, &a, &l)
	return m.answerPreflight(w, l, &a)
}

func (m *Middleware) answerPreflight(w http.ResponseWriter, l lines, a *native.Answer) bool {
	switch a.Kind {
	case native.PreflightRejected:
		// No CORS headers at all: the browser reports the missing
		// Access-Control-Allow-Origin, and nothing about the policy leaks.
		// Vary still names what decided, for a cache that stores OPTIONS
		// (native package doc): the one allocation of this path.
		if a.Vary != "" {
			h := w.Header()
			putVary(h, nil, 0, lookVary(h), a.Vary)
		}
		if m.debug {
			m.addDebug(w.Header(), a)
		}
		w.WriteHeader(a.Status)
		return true
	case native.PreflightOK:
		setHeaders(w.Header(), a, l)
		if m.debug {
			m.addDebug(w.Header(), a)
		}
		w.WriteHeader(a.Status)
		return true
	}
	return false
}

// ownedHeaders are the CORS response headers the policy alone writes on
// an actual request's response (native.OwnedHeaders).
var ownedHeaders = [...]string{hACAO, hACAC, hACAM, hACAH, hACMA, hACEH}

// ApplyActual applies the policy's headers for the actual request r to h,
// the header of a response to it (an upstream's, in an edge worker): it
// removes the CORS response headers the policy owns (so an upstream's own,
// possibly wider, CORS headers never reach the browser, and a disallowed
// origin gets none), sets the policy's, and appends to Vary. On a path
// no rule covers it removes them too (the policy allows no origin there,
// as the edge worker does and native.Policy.Respond models). It does
// nothing when r is a preflight handed to the application
// (unmatched_preflight: pass), whose answer is the application's. It
// returns the decision.
func (m *Middleware) ApplyActual(r *http.Request, h http.Header) native.Answer {
	var a native.Answer
	var l lines
	m.decide(r, &a, &l)
	if a.Kind == native.Actual || a.Kind == native.NoRule {
		for _, k := range ownedHeaders {
			delete(h, k)
		}
	}
	if a.Kind == native.Actual {
		setHeaders(h, &a, l)
	}
	if m.debug {
		m.addDebug(h, &a)
	}
	return a
}

func (m *Middleware) addDebug(h http.Header, a *native.Answer) {
	h[DebugHeader] = []string{m.p.Summary(a)}
}

// setHeaders writes a's headers into h with at most one allocation: every
// value is a one-element, capacity-one window, either on a fresh backing
// array or on the request's own Origin or Access-Control-Request-Headers
// line when the answer echoes it unchanged (jub0bs/cors aliases those
// too, server-peers.md §1.5). Nothing is shared between requests, and
// appending to one value cannot overwrite another. Vary is appended to,
// never replaced (RFC 9110 §12.5.5).
func setHeaders(h http.Header, a *native.Answer, l lines) {
	if a.Kind == native.Actual {
		setActual(h, a, l.origin)
		return
	}
	acao, acah := echo(l.origin, a.AllowOrigin), echo(l.acrh, a.AllowHeaders)
	if acao != nil && acah != nil && a.AllowCredentials && a.AllowMethods != "" && a.MaxAge != "" &&
		a.ExposeHeaders == "" && a.Vary != "" && len(h) == 0 {
		// A browser's credentialed preflight, allowed: the path of
		// setActual's common answer (3,181 to 3,025 instructions).
		v := new([4]string)
		v[0], v[1], v[2], v[3] = "true", a.AllowMethods, a.MaxAge, a.Vary
		h[hACAO], h[hACAC], h[hACAM], h[hACAH], h[hACMA], h[hVary] = acao, v[0:1:1], v[1:2:2], acah, v[2:3:3], v[3:4:4]
		return
	}
	n := 0
	if a.AllowOrigin != "" && acao == nil {
		n++
	}
	if a.AllowOrigin != "" && a.AllowCredentials {
		n++
	}
	if a.AllowOrigin != "" && a.ExposeHeaders != "" {
		n++
	}
	if a.AllowMethods != "" {
		n++
	}
	if a.AllowHeaders != "" && acah == nil {
		n++
	}
	if a.MaxAge != "" {
		n++
	}
	vary, nv := oldVary(h, a.Vary)
	n += nv
	if n == 0 {
		return
	}
	vals := newValues(n)
	i := 0
	if a.AllowOrigin != "" {
		i = putOrigin(h, vals, i, acao, a)
		if a.ExposeHeaders != "" {
			i = put(h, hACEH, vals, i, a.ExposeHeaders)
		}
	}
	if a.AllowMethods != "" {
		i = put(h, hACAM, vals, i, a.AllowMethods)
	}
	if acah != nil {
		h[hACAH] = acah
	} else if a.AllowHeaders != "" {
		i = put(h, hACAH, vals, i, a.AllowHeaders)
	}
	if a.MaxAge != "" {
		i = put(h, hACMA, vals, i, a.MaxAge)
	}
	if a.Vary != "" {
		putVary(h, vals, i, vary, a.Vary)
	}
}

// setActual is setHeaders for the answer to an actual request, which
// carries no Access-Control-Allow-Methods, -Headers or -Max-Age: the path
// every request but a preflight takes, kept apart so that it tests only
// what it can write.
func setActual(h http.Header, a *native.Answer, origin []string) {
	if a.AllowOrigin == "" {
		if a.Vary != "" {
			putVary(h, nil, 0, lookVary(h), a.Vary)
		}
		return
	}
	acao := echo(origin, a.AllowOrigin)
	if acao != nil && a.AllowCredentials && a.ExposeHeaders == "" && a.Vary != "" && len(h) == 0 {
		// The common credentialed answer, written without the general
		// path's counting and indexing (micro-optimisation: 1,640 to
		// 1,560 instructions per allowed request from a subdomain,
		// scripts/bench/instr.sh); the same headers, on one array of two.
		v := new([2]string)
		v[0], v[1] = "true", a.Vary
		h[hACAO], h[hACAC], h[hVary] = acao, v[0:1:1], v[1:2:2]
		return
	}
	vary, n := oldVary(h, a.Vary)
	n += count(acao == nil) + count(a.AllowCredentials) + count(a.ExposeHeaders != "")
	if n == 0 {
		h[hACAO] = acao
		return
	}
	vals := newValues(n)
	i := putOrigin(h, vals, 0, acao, a)
	if a.ExposeHeaders != "" {
		i = put(h, hACEH, vals, i, a.ExposeHeaders)
	}
	if a.Vary != "" {
		putVary(h, vals, i, vary, a.Vary)
	}
}

// count is 1 for true.
func count(b bool) int {
	if b {
		return 1
	}
	return 0
}

// oldVary returns h's Vary lines when v is to be appended to them, and
// how many values they and v take.
func oldVary(h http.Header, v string) ([]string, int) {
	if v == "" {
		return nil, 0
	}
	old := lookVary(h)
	return old, len(old) + 1
}

// lookVary returns h's Vary lines. An empty h, as a response's header is
// when the middleware runs first, costs no lookup.
func lookVary(h http.Header) []string {
	if len(h) == 0 {
		return nil
	}
	return h[hVary]
}

// echo returns line, the request's own header line, as the value v when
// v repeats it unchanged: a capacity-one window on the request's slice.
func echo(line []string, v string) []string {
	if len(line) == 1 && v != "" && line[0] == v {
		return line[:1:1]
	}
	return nil
}

// putOrigin sets Access-Control-Allow-Origin (acao, or a's value on
// vals[i]) and, with credentials, Access-Control-Allow-Credentials; it
// returns the next free index of vals.
func putOrigin(h http.Header, vals []string, i int, acao []string, a *native.Answer) int {
	if acao == nil {
		vals[i] = a.AllowOrigin
		acao = vals[i : i+1 : i+1]
		i++
	}
	h[hACAO] = acao
	if a.AllowCredentials {
		i = put(h, hACAC, vals, i, "true")
	}
	return i
}

// put sets h[name] to v, on vals[i], and returns i+1.
func put(h http.Header, name string, vals []string, i int, v string) int {
	vals[i] = v
	h[name] = vals[i : i+1 : i+1]
	return i + 1
}

// putVary sets Vary to the lines old and then v, on vals[i:] (a new
// array when vals is nil). It copies old rather than append in place:
// the existing slice may have spare capacity that belongs to someone
// else.
func putVary(h http.Header, vals []string, i int, old []string, v string) {
	if vals == nil {
		vals = newValues(len(old) + 1)
	}
	j := i
	if len(old) > 0 {
		j += copy(vals[i:], old)
	}
	vals[j] = v
	h[hVary] = vals[i : j+1 : j+1]
}

// newValues is make([]string, n), with the sizes answers to browsers'
// requests need allocated as arrays: that skips makeslice's checks, on the
// path every allowed request takes. Four is an allowed preflight with
// credentials (Access-Control-Allow-Credentials, -Methods, -Max-Age and
// Vary beside the echoed Origin and Access-Control-Request-Headers).
func newValues(n int) []string {
	switch n {
	case 1:
		return new([1]string)[:]
	case 2:
		return new([2]string)[:]
	case 3:
		return new([3]string)[:]
	case 4:
		return new([4]string)[:]
	}
	return make([]string, n)
}
