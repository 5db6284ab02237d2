// Package jsmwtest holds what the Node middleware formats' tests share:
// building a request and checking a reply against a keyed table's
// expected headers. Only test files import it.
package jsmwtest

import (
	"testing"

	"github.com/whycors/whycors/engine/policy"
)

// Req is a request with an Origin (none when origin is "") and the
// header name/value pairs kv.
func Req(method, url, origin string, kv ...string) policy.Request {
	r := policy.Request{Method: method, URL: url}
	if origin != "" {
		r.Header.Add("Origin", origin)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Header.Add(kv[i], kv[i+1])
	}
	return r
}

// Thrower is an evaluator that also answers for a handler that throws.
type Thrower interface {
	policy.Evaluator
	Throw(req policy.Request) policy.Outcome
}

// Check answers req with ev (Throw when thrown, else Respond with app)
// and checks the status and each header of want ("" for absent).
func Check(t *testing.T, desc string, ev Thrower, req policy.Request, thrown bool, app policy.Reply, status int, want map[string]string) {
	t.Helper()
	var out policy.Outcome
	if thrown {
		out = ev.Throw(req)
	} else {
		out = ev.Respond(req, app)
	}
	if out.Reply.Status != status {
		t.Errorf("%s: status %d, want %d", desc, out.Reply.Status, status)
	}
	for h, v := range want {
		got, ok := out.Reply.Header.Get(h)
		if v == "" && ok || v != "" && got != v {
			t.Errorf("%s: %s = %q (present %v), want %q", desc, h, got, ok, v)
		}
	}
	if out.Text() == "" {
		t.Errorf("%s: no decision text", desc)
	}
}
