package native_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

// TestCanonicalPath: RFC 3986's normalizations a server applies before
// routing: unreserved escapes decoded (§6.2.2.2), other escapes' hex in
// upper case (§6.2.2.1), dot segments removed (§5.2.4).
func TestCanonicalPath(t *testing.T) {
	for _, tc := range []struct{ desc, in, want string }{
		{"plain path, unchanged", "/api/items/1", "/api/items/1"},
		{"an escaped unreserved letter (§2.3), as net/http's ServeMux decodes it", "/%61dmin/users/1", "/admin/users/1"},
		{"escaped unreserved punctuation", "/a%2Db%5Fc%7Ed%2e", "/a-b_c~d."},
		{"a reserved character stays escaped, its hex in upper case (§6.2.2.1)", "/a%2fb/%c3%a9", "/a%2Fb/%C3%A9"},
		{"an escaped dot segment, removed after decoding (§5.2.4)", "/api/%2e%2e/admin/x", "/admin/x"},
		{"a literal dot segment", "/api/./x/../y", "/api/y"},
		{"above the root", "/../../x", "/x"},
		{"a trailing dot segment keeps the slash", "/a/b/..", "/a/"},
		{"a lone or short escape is kept as written", "/a%2/b%", "/a%2/b%"},
		{"dots inside a segment are no dot segment", "/a..b/.c/d.", "/a..b/.c/d."},
		// Found as a new adversary would: nginx merges slashes
		// (merge_slashes on), Tomcat and Spring cut ";" parameters.
		{"empty segments merged, as nginx's merge_slashes", "//admin//x", "/admin/x"},
		{"a segment's parameters cut, as Tomcat and Spring do", "/admin;a=b/x;c", "/admin/x"},
		{"an escaped ';' is no parameter", "/a%3Bb/x", "/a%3Bb/x"},
	} {
		if got := native.CanonicalPath(tc.in); got != tc.want {
			t.Errorf("%s: CanonicalPath(%q) = %q, want %q", tc.desc, tc.in, got, tc.want)
		}
	}
}

// TestPercentEncodedPathMeetsItsRule: a preflight to "/%61dmin/users/1"
// is "/admin/users/1" to the server behind (ServeMux routes it to the
// admin handler), so the rule for "/admin/*" decides it, not the broader
// "/*" after it. Tried as a new user would, the DELETE the admin rule
// refuses was allowed by the second rule, through the middleware and in
// explain alike. A pattern's own escapes compare the same way.
func TestPercentEncodedPathMeetsItsRule(t *testing.T) {
	p, err := native.Parse(`{"rules": [
 {"name": "admin-read-only", "path": "/admin/*", "origins": ["https://app.example.com"], "credentials": true},
 {"name": "cafe", "path": "/caf%c3%a9/*", "origins": ["*"], "methods": ["DELETE"]},
 {"name": "rest", "path": "/*", "origins": ["https://app.example.com"], "methods": ["PUT", "DELETE"], "credentials": true}]}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		rule int
		kind native.Kind
	}{
		{"/admin/users/1", 0, native.PreflightRejected},
		{"/%61dmin/users/1", 0, native.PreflightRejected},
		{"/api/%2e%2e/admin/users/1", 0, native.PreflightRejected},
		{"/items/1", 2, native.PreflightOK},
		{"/caf%C3%A9/menu", 1, native.PreflightOK},
		{"//admin/users/1", 0, native.PreflightRejected},
		{"/admin;jsessionid=1/users/1", 0, native.PreflightRejected},
	} {
		in := native.Input{Method: "OPTIONS", Path: tc.path, Origin: "https://app.example.com", HasOrigin: true, ACRM: "DELETE", HasACRM: true}
		var a native.Answer
		p.Decide(&in, &a)
		if a.Rule != tc.rule || a.Kind != tc.kind {
			t.Errorf("%s: rule %d, %v; want rule %d, %v", tc.path, a.Rule, a.Kind, tc.rule, tc.kind)
		}
	}
}

// TestRespondSaysTheApplicationsHeadersGo: the verdict models the edge
// worker and middleware.ApplyActual, which remove the application's own
// CORS headers; its decision says so, and that under middleware.Wrap a
// handler's own would override the policy. Found as a new user would: a
// handler's Access-Control-Allow-Origin: * let every origin read through
// Wrap, where the verdict said BLOCKED without a word of it.
func TestRespondSaysTheApplicationsHeadersGo(t *testing.T) {
	p, err := native.Parse(`{"origins": ["https://app.example.com"]}`)
	if err != nil {
		t.Fatal(err)
	}
	out := p.Respond(policy.Request{Method: "GET", URL: "https://api.example.com/x", Header: headers.List{{Name: "Origin", Value: "https://evil.example"}}},
		policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}})
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("Access-Control-Allow-Origin %q, want the application's removed", v)
	}
	if txt := out.Text(); !strings.Contains(txt, "the application's own Access-Control-Allow-Origin removed") || !strings.Contains(txt, "middleware.Wrap") {
		t.Errorf("decision %q: want the removal and Wrap said", txt)
	}
}

// TestPatternKeepsItsDots: a rule's pattern is normalized as requests
// are, but for dot segments, which it means literally: "/.*" covers the
// dotfiles, not every path. Found as a new adversary would: it was "/".
func TestPatternKeepsItsDots(t *testing.T) {
	p, err := native.Parse(`{"rules": [{"path": "/.*", "origins": ["https://a.example"]}]}`)
	if err != nil {
		t.Fatal(err)
	}
	for path, covered := range map[string]bool{"/.well-known/x": true, "/.env": true, "/api/x": false, "/": false} {
		in := native.Input{Method: "GET", Path: path, Origin: "https://a.example", HasOrigin: true}
		var a native.Answer
		p.Decide(&in, &a)
		if got := a.Kind != native.NoRule; got != covered {
			t.Errorf("%s: covered %v, want %v", path, got, covered)
		}
	}
}
