package main

import (
	"io"
	"net/http"

	"github.com/whycors/whycors/engine/middleware"
	"github.com/whycors/whycors/engine/native"
)

// nativeLayer applies a native policy with engine/middleware: the same
// native.Policy.Decide the simulator runs, so the worker does what the
// simulator predicts. Preflights the policy answers never reach the
// upstream; actual replies (upstream errors included) get ApplyActual,
// which removes the upstream's own CORS headers, sets the policy's and
// appends to Vary. A path no rule covers is left to the upstream, as
// native.Policy.Respond models it.
type nativeLayer struct {
	mw     *middleware.Middleware
	refuse bool
}

func (l *nativeLayer) ServePreflight(w http.ResponseWriter, r *http.Request) bool {
	return l.mw.ServePreflight(w, r)
}

func (l *nativeLayer) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.mw.ServePreflight(w, r) {
			return
		}
		if l.refuse && len(r.Header.Values("Origin")) > 0 {
			var a native.Answer
			l.mw.Decide(r, &a)
			if a.Kind == native.Actual && a.Failed == native.CheckOrigin {
				// WHYCORS_DISALLOWED=refuse: not forwarded at all.
				h := w.Header()
				h.Set("Content-Type", "text/plain; charset=utf-8")
				h.Set("Cache-Control", "no-store")
				l.mw.ApplyActual(r, h) // Vary: Origin, and the debug header when on
				w.WriteHeader(http.StatusForbidden)
				io.WriteString(w, "whycors worker: origin not allowed by the policy\n")
				return
			}
		}
		next.ServeHTTP(&applyWriter{ResponseWriter: w, mw: l.mw, r: r}, r)
	})
}

// applyWriter calls ApplyActual on the reply's header when the forwarding
// handler writes the status line.
type applyWriter struct {
	http.ResponseWriter
	mw    *middleware.Middleware
	r     *http.Request
	wrote bool
}

// Unwrap lets the js build reach the runtime's ResponseWriter to hand it
// the upstream body stream (http.ResponseController's convention).
func (aw *applyWriter) Unwrap() http.ResponseWriter { return aw.ResponseWriter }

func (aw *applyWriter) WriteHeader(code int) {
	if aw.wrote {
		return
	}
	aw.wrote = true
	aw.mw.ApplyActual(aw.r, aw.ResponseWriter.Header())
	aw.ResponseWriter.WriteHeader(code)
}

func (aw *applyWriter) Write(b []byte) (int, error) {
	if !aw.wrote {
		aw.WriteHeader(http.StatusOK)
	}
	return aw.ResponseWriter.Write(b)
}

func (aw *applyWriter) Flush() {
	if f, ok := aw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
