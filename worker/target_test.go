//go:build !(js && wasm)

package main

import "testing"

// Paths that some server between the worker and the application could
// resolve out of the upstream's prefix, and paths that stay (issue "The
// edge enforces the user's own config", security review).
func TestDotSegment(t *testing.T) {
	tests := []struct {
		desc, path string
		want       bool
	}{
		{"a plain dot-dot segment (URL Standard: single-dot and double-dot path segments)", "/../admin", true},
		{"a trailing dot-dot", "/api/..", true},
		{"a single-dot segment", "/./admin", true},
		{"percent-encoded dots, either case (URL Standard: %2e is a dot in a path)", "/%2e%2E/admin", true},
		{"one dot encoded", "/.%2e/admin", true},
		{"double-encoded, for an upstream that decodes again", "/%252e%252e/admin", true},
		{"triple-encoded", "/%25252e%25252e/admin", true},
		{"an encoded slash making a segment", "/..%2fadmin", true},
		{"a backslash, a slash to URL parsers for http(s)", "/..\\admin", true},
		{"an encoded backslash", "/..%5Cadmin", true},
		{"a path parameter that servers drop (Tomcat)", "/..;jsessionid=1/admin", true},
		{"dots inside a name", "/files/a..b/c.d", false},
		{"three dots", "/.../x", false},
		{"a dot-file", "/.well-known/x", false},
		{"an ordinary path", "/api/items", false},
		{"a bad escape stays literal", "/%zz/%2", false},
		{"the root", "/", false},
	}
	for _, tc := range tests {
		if got := dotSegment(tc.path); got != tc.want {
			t.Errorf("%s: dotSegment(%q) = %v, want %v", tc.desc, tc.path, got, tc.want)
		}
	}
}

// The non-js handler builds the upstream URL as a URL and checks the
// prefix: the second lock behind Decide's dotSegment.
func TestForwardURL(t *testing.T) {
	tests := []struct {
		desc, upstream, target, want string
	}{
		{"under the prefix, query kept", "http://127.0.0.1:9/public", "/a/b?x=1&y=%2F", "http://127.0.0.1:9/public/a/b?x=1&y=%2F"},
		{"escapes kept as sent", "http://127.0.0.1:9/public", "/a%2Fb%20c", "http://127.0.0.1:9/public/a%2Fb%20c"},
		{"no prefix", "https://api.example.com", "/x", "https://api.example.com/x"},
		{"the prefix alone", "http://h/public", "/", "http://h/public/"},
		{"absolute-form target refused", "http://h/public", "http://evil.test/x", ""},
		{"scheme-relative target stays on the upstream's host", "http://h/public", "//evil.test/x", "http://h/public//evil.test/x"},
	}
	for _, tc := range tests {
		u, ok := upstreamURL(tc.upstream, tc.target)
		got := ""
		if ok {
			got = u.String()
		}
		if got != tc.want {
			t.Errorf("%s: upstreamURL(%q, %q) = %q, want %q", tc.desc, tc.upstream, tc.target, got, tc.want)
		}
	}
}
