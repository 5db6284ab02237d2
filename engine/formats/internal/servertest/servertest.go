// Package servertest holds the checks the server formats' tests share
// (Caddy, Apache): a reply against a table row's expected status and
// header lines, and an edit re-read and answered. Only test files import
// it.
package servertest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/policy"
)

// Req is a request with header name, value pairs.
func Req(method, url string, h ...string) policy.Request {
	r := policy.Request{Method: method, URL: url}
	for i := 0; i+1 < len(h); i += 2 {
		r.Header.Add(h[i], h[i+1])
	}
	return r
}

// Reply checks out: its status, each wanted header's lines (nil: none),
// a decision in words, and words and a line for every rule.
func Reply(t testing.TB, desc, source string, out policy.Outcome, status int, want map[string][]string) {
	t.Helper()
	if out.Reply.Status != status {
		t.Errorf("%s: status %d, want %d (%s); %s", desc, out.Reply.Status, status, source, out.Text())
	}
	for k, v := range want {
		got := out.Reply.Header.Values(k)
		if strings.Join(got, "|") != strings.Join(v, "|") || (v == nil) != (len(got) == 0) {
			t.Errorf("%s: %s = %q, want %q (%s); %s", desc, k, got, v, source, out.Text())
		}
	}
	if out.Text() == "" {
		t.Errorf("%s: no decision in words", desc)
	}
	for _, r := range out.Rules {
		if out.Detail(r) == "" || !strings.HasPrefix(r.Path, "line ") {
			t.Errorf("%s: rule %+v has no words or line", desc, r)
		}
	}
}

// Edited makes e in text, reads the result with f and checks its answer
// to req (app the application's reply): each wanted header's first line
// (":status" the status).
func Edited(t testing.TB, desc string, f policy.Format, text string, e fix.Edit, req policy.Request, app policy.Reply, want map[string]string) {
	t.Helper()
	out, err := fix.Apply(f, text, e)
	if err != nil {
		t.Errorf("%s: %v", desc, err)
		return
	}
	ev, err := f.Parse(out)
	if err != nil {
		t.Errorf("%s: the edit does not read: %v\n%s", desc, err, out)
		return
	}
	rep := ev.Respond(req, app).Reply
	for k, v := range want {
		got, _ := rep.Header.Get(k)
		if k == ":status" {
			got = strconv.Itoa(rep.Status)
		}
		if got != v {
			t.Errorf("%s: after the edit %s = %q, want %q\n%s", desc, k, got, v, out)
		}
	}
}
