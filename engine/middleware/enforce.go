package middleware

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/whycors/whycors/engine/native"
)

// enforcer is the ResponseWriter Wrap hands the handler under Enforce: at
// the first write of the final header, whichever way it comes
// (WriteHeader of a status from 200 on, Write, ReadFrom, Flush, Hijack,
// the handler returning or panicking), restore makes the CORS headers
// the policy's again. An informational status (1xx) gets them too, and
// does not end the enforcement: a proxied 103 Early Hints is followed by
// the final reply (found by an adversarial review: after a 103, a
// handler's "*" reached a refused origin). It keeps the decision, not
// the header values it set, since a handler may have written into those
// in place. It has no Unwrap, so that a handler cannot reach the writer
// beneath it; http.ResponseController finds its deadlines and
// full-duplex methods on it instead.
type enforcer struct {
	http.ResponseWriter
	a      native.Answer
	origin []string // the request's Origin lines, echoed when unchanged
	done   bool
}

// restore applies the policy's CORS headers once, for the final reply.
func (e *enforcer) restore() {
	if e.done {
		return
	}
	e.done = true
	e.apply()
}

// apply removes the CORS headers the policy owns, in any letter case a
// handler wrote them (net/http sends a key as it is in the map), sets
// the policy's, and appends the policy's Vary entry unless the
// handler's Vary lines still name it (or say "*").
func (e *enforcer) apply() {
	h := e.ResponseWriter.Header()
	for k, v := range h {
		c := http.CanonicalHeaderKey(k)
		if c == k {
			continue
		}
		switch {
		case owned(c):
			delete(h, k)
		case c == hVary:
			// Kept, under the key the policy's entry joins.
			delete(h, k)
			h[hVary] = append(append([]string(nil), h[hVary]...), v...)
		}
	}
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

// owned reports whether the canonical header name c is one the policy
// owns.
func owned(c string) bool {
	for _, k := range ownedHeaders {
		if k == c {
			return true
		}
	}
	return false
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
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		e.apply()
	} else {
		e.restore()
	}
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

// SetReadDeadline, SetWriteDeadline and EnableFullDuplex are what
// http.ResponseController looks for before an Unwrap, passed on.
func (e *enforcer) SetReadDeadline(t time.Time) error {
	return http.NewResponseController(e.ResponseWriter).SetReadDeadline(t)
}

func (e *enforcer) SetWriteDeadline(t time.Time) error {
	return http.NewResponseController(e.ResponseWriter).SetWriteDeadline(t)
}

func (e *enforcer) EnableFullDuplex() error {
	return http.NewResponseController(e.ResponseWriter).EnableFullDuplex()
}
