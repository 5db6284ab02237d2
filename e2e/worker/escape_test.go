package worker_test

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The upstream's path prefix cannot be escaped (issue "The edge enforces
// the user's own config": with WHYCORS_UPSTREAM ending in /public,
// "/../admin" and its encoded forms reached the upstream as /admin,
// because the entry module fetched the joined string and fetch()
// resolved the dot segments). Each target goes to the worker on the wire
// as written, over a raw connection (Go's client would clean it), from an
// allowed origin so that the policy would forward it; the worker, or
// workerd itself, must refuse it, and nothing may reach the upstream
// outside the prefix.
func TestUpstreamPrefixCannotBeEscaped(t *testing.T) {
	need(t)
	const prefix = "/base" // the "refuse" worker's WHYCORS_UPSTREAM path
	tests := []struct {
		desc, target string
	}{
		{"a plain dot-dot segment", "/../admin"},
		{"dot-dot under an existing path", "/api/../../admin"},
		{"percent-encoded dots", "/%2e%2e/admin"},
		{"upper-case percent-encoded dots", "/%2E%2E/admin"},
		{"one dot encoded", "/.%2e/admin"},
		{"double-encoded dots (an upstream that decodes again)", "/%252e%252e/admin"},
		{"an encoded slash after the dots", "/..%2fadmin"},
		{"an encoded backslash after the dots", "/..%5cadmin"},
		{"backslashes, which URL parsers read as slashes", "/..\\admin"},
		{"a path parameter on the dots (servers that drop ;params)", "/..;/admin"},
		{"the prefix written again, then out", "/base/../../admin"},
		{"a single-dot segment", "/./admin/."},
	}
	before := len(env.upstream.received())
	for _, tc := range tests {
		status, err := rawGet(env.urls["refuse"], tc.target, app)
		if err != nil {
			t.Errorf("%s (%s): %v", tc.desc, tc.target, err)
			continue
		}
		if status != http.StatusBadRequest {
			t.Errorf("%s (%s): status %d, want 400", tc.desc, tc.target, status)
		}
	}
	// A target that stays under the prefix still goes through, so the
	// check above is not a worker that refuses everything.
	if status, err := rawGet(env.urls["refuse"], "/api/items?x=%2e%2e", app); err != nil || status != http.StatusOK {
		t.Errorf("an ordinary target: status %d, %v; want 200", status, err)
	}
	// An absolute-form target names another host: whatever workerd makes
	// of it, the worker may only forward to its upstream, under the
	// prefix (checked below with everything else received).
	if _, err := rawGet(env.urls["refuse"], "http://evil.test/admin", app); err != nil {
		t.Errorf("absolute-form target: %v", err)
	}
	got := env.upstream.received()[before:]
	if len(got) == 0 || got[0] != prefix+"/api/items?x=%2e%2e" {
		t.Errorf("the upstream received %q, want the ordinary target first", got)
	}
	for _, target := range got {
		if !strings.HasPrefix(target, prefix+"/") {
			t.Errorf("the upstream received %q, outside %s", target, prefix)
		}
	}
}

// rawGet sends GET target to the worker at base exactly as written and
// returns the reply's status.
func rawGet(base, target, origin string) (int, error) {
	addr := strings.TrimPrefix(base, "http://")
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("GET " + target + " HTTP/1.1\r\nHost: " + addr + "\r\nOrigin: " + origin + "\r\nConnection: close\r\n\r\n")); err != nil {
		return 0, err
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}
