package native_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/native"
)

// refAllowed restates the origin rules of the package doc for the policy
// of FuzzDecide, independently of the implementation: the exact origin,
// https subdomains of app.test at any depth (labels of [a-z0-9-_], not
// empty), and http://localhost on any port or none.
func refAllowed(o string) bool {
	if o == "https://app.test" {
		return true
	}
	if host, ok := strings.CutPrefix(o, "https://"); ok {
		sub, ok := strings.CutSuffix(host, ".app.test")
		if !ok || sub == "" {
			return false
		}
		for _, label := range strings.Split(sub, ".") {
			if label == "" || strings.Trim(label, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
				return false
			}
		}
		return true
	}
	if rest, ok := strings.CutPrefix(o, "http://localhost"); ok {
		if rest == "" {
			return true
		}
		port, ok := strings.CutPrefix(rest, ":")
		return ok && port != "" && len(port) <= 5 && strings.Trim(port, "0123456789") == ""
	}
	return false
}

// FuzzDecide checks, for any request, that the policy never allows an
// origin the doc does not (task brief: never emit CORS headers for an
// origin the policy does not allow), that ACAO is the request's origin
// when set, and that Vary: Origin is on every actual response.
func FuzzDecide(f *testing.F) {
	p := mustParse(f, `{"origins": ["https://app.test", "https://*.app.test", "http://localhost:*"], "methods": ["PUT"], "request_headers": ["x-custom"], "credentials": true}`)
	for _, o := range []string{"https://app.test", "https://a.app.test", "https://.app.test", "https://evil.test#.app.test", "http://localhost", "http://localhost:", "http://localhost:3000", "https://APP.test", "null", ""} {
		f.Add("GET", o, "", "")
		f.Add("OPTIONS", o, "PUT", "x-custom")
	}
	f.Fuzz(func(t *testing.T, method, origin, acrm, acrh string) {
		in := native.Input{Method: method, Path: "/", Origin: origin, HasOrigin: true, ACRM: acrm, HasACRM: acrm != "", ACRH: []string{acrh}}
		var a native.Answer
		p.Decide(&in, &a)
		if a.AllowOrigin != "" {
			if a.AllowOrigin != origin {
				t.Fatalf("ACAO %q for origin %q", a.AllowOrigin, origin)
			}
			if !refAllowed(origin) {
				t.Fatalf("origin %q allowed; the doc's rules refuse it", origin)
			}
		} else if a.Kind == native.PreflightOK {
			t.Fatalf("successful preflight without ACAO")
		}
		if (a.AllowCredentials || a.AllowMethods != "" || a.AllowHeaders != "" || a.MaxAge != "" || a.ExposeHeaders != "") && a.AllowOrigin == "" {
			t.Fatalf("CORS headers without ACAO: %+v", a)
		}
		if a.Kind == native.Actual && a.Vary != "Origin" {
			t.Fatalf("actual response Vary %q, want Origin", a.Vary)
		}
		if a.Kind == native.PreflightOK && !in.IsPreflight() {
			t.Fatalf("preflight answer to a non-preflight")
		}
	})
}
