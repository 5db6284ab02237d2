package middleware

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/whycors/whycors/engine/native"
)

// enforcer is the ResponseWriter Wrap hands the handler under Enforce: at
// the first write of the header, whichever way it comes (WriteHeader,
// Write, ReadFrom, Flush, Hijack, or the handler returning), restore
// makes the CORS headers the policy's again. It keeps the decision, not
// the header values it set, since a handler may have written into those
// in place.
type enforcer struct {
	http.ResponseWriter
	a      native.Answer
	origin []string // the request's Origin lines, echoed when unchanged
	done   bool
}

// restore removes the CORS headers the policy owns, sets the policy's,
// and appends the policy's Vary entry unless the handler's Vary lines
// still name it (or say "*"), once.
func (e *enforcer) restore() {
	if e.done {
		return
	}
	e.done = true
	h := e.ResponseWriter.Header()
	for _, k := range ownedHeaders {
		delete(h, k)
	}
	a := e.a
	if a.Vary != "" && varies(h[hVary], a.Vary) {
		a.Vary = ""
	}
	if a.Kind == native.Actual {
		setActual(h, &a, e.origin)
	} else if a.Vary != "" {
		putVary(h, nil, 0, h[hVary], a.Vary)
	}
}

// varies reports whether the Vary lines name every field of v (a
// comma-separated list) or are "*" (RFC 9110 §12.5.5: field names are
// case-insensitive).
func varies(lines []string, v string) bool {
	for f := range strings.SplitSeq(v, ",") {
		f = strings.TrimSpace(f)
		found := false
		for _, line := range lines {
			for g := range strings.SplitSeq(line, ",") {
				g = strings.TrimSpace(g)
				if g == "*" || strings.EqualFold(g, f) {
					found = true
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (e *enforcer) WriteHeader(code int) {
	e.restore()
	e.ResponseWriter.WriteHeader(code)
}

func (e *enforcer) Write(b []byte) (int, error) {
	e.restore()
	return e.ResponseWriter.Write(b)
}

// ReadFrom keeps net/http's sendfile path (io.Copy finds the underlying
// writer's ReadFrom).
func (e *enforcer) ReadFrom(r io.Reader) (int64, error) {
	e.restore()
	return io.Copy(e.ResponseWriter, r)
}

// Flush and FlushError are http.Flusher and what http.ResponseController
// looks for; they flush the underlying writer, or do nothing when it
// cannot (http.ErrNotSupported from FlushError).
func (e *enforcer) Flush() { _ = e.FlushError() }

func (e *enforcer) FlushError() error {
	e.restore()
	return http.NewResponseController(e.ResponseWriter).Flush()
}

// Hijack is http.Hijacker's: the handler takes the connection, after which
// nothing of the header is written by net/http.
func (e *enforcer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	e.restore()
	return http.NewResponseController(e.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the underlying writer's
// deadlines and full-duplex mode.
func (e *enforcer) Unwrap() http.ResponseWriter { return e.ResponseWriter }
