package fetch_test

import (
	"slices"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/wire"
)

// TestLocalNetworkAccess: Chromium gates a fetch from a public page to a
// less public target (Profile.LocalNetworkAccess); Firefox and Safari do
// not. Expected values: the e2e/chromium recordings named in desc
// (Chromium 156).
func TestLocalNetworkAccess(t *testing.T) {
	const (
		page  = "https://g.pub.test"
		http  = "http://h.pub.test"
		local = "https://dev.lan.test/x"
	)
	ok := raw{resp: reply(200, acao, page), pre: reply(204, acao, page, "Access-Control-Allow-Methods", "PUT")}
	tests := []struct {
		desc, browser, origin, url, method string
		network                            *fetch.Network
		reason                             string // "" when allowed
		console                            []string
		sent                               int // requests that reach the server
	}{
		{desc: "lna-granted-local-get: CORS as usual", browser: "chrome", origin: page, url: local,
			network: &fetch.Network{Page: "public", Target: "local", Permission: "granted"}, sent: 1},
		{desc: "lna-granted-loopback-put: the preflight is sent", browser: "chrome", origin: page, url: local, method: "PUT",
			network: &fetch.Network{Page: "public", Target: "loopback", Permission: "granted"}, sent: 2},
		{desc: "lna-denied-local-get: nothing sent", browser: "chrome", origin: page, url: local,
			network: &fetch.Network{Page: "public", Target: "local", Permission: "denied"}, reason: fetch.ReasonLocalNetworkAccessPermissionDenied,
			console: []string{
				"Access to fetch at 'https://dev.lan.test/x' from origin 'https://g.pub.test' has been blocked by CORS policy: Permission was denied for this request to access the `local` address space.",
				"Failed to load resource: net::ERR_FAILED",
			}},
		{desc: "lna-denied-loopback-put: no preflight either", browser: "chrome", origin: page, url: local, method: "PUT",
			network: &fetch.Network{Page: "public", Target: "loopback", Permission: "denied"}, reason: fetch.ReasonLocalNetworkAccessPermissionDenied},
		{desc: "lna-prompt-local-get: a prompt nobody answers is a denial", browser: "chrome", origin: page, url: local,
			network: &fetch.Network{Page: "public", Target: "local", Permission: "prompt"}, reason: fetch.ReasonLocalNetworkAccessPermissionDenied},
		{desc: "lna-insecure-local: an http page is refused whatever the permission", browser: "chrome", origin: http, url: local,
			network: &fetch.Network{Page: "public", Target: "local", Permission: "granted"}, reason: fetch.ReasonInsecureLocalNetwork,
			console: []string{
				"Access to fetch at 'https://dev.lan.test/x' from origin 'http://h.pub.test' has been blocked by CORS policy: The request client is not a secure context and the resource is in more-private address space `local`.",
				"Failed to load resource: net::ERR_FAILED",
			}},
		{desc: "lna-local-page-to-loopback: only public pages are gated", browser: "chrome", origin: page, url: local,
			network: &fetch.Network{Page: "local", Target: "loopback", Permission: "denied"}, sent: 1},
		{desc: "lna-public-to-public: no gate", browser: "chrome", origin: page, url: local,
			network: &fetch.Network{Page: "public", Target: "public", Permission: "denied"}, sent: 1},
		{desc: "Firefox ESR 153: not gated (its browser/omni.ja firefox.js lists lna among the ETP strict features only; not recorded)", browser: "firefox", origin: page, url: local,
			network: &fetch.Network{Page: "public", Target: "local", Permission: "denied"}, sent: 1},
		{desc: "WebKitGTK 2.50 has no Local Network Access", browser: "safari", origin: page, url: local,
			network: &fetch.Network{Page: "public", Target: "local", Permission: "denied"}, sent: 1},
		{desc: "mixed-content-get: an https page fetching http is blocked before LNA and before sending", browser: "chrome", origin: page, url: "http://api.test/x",
			network: &fetch.Network{Page: "public", Target: "loopback", Permission: "granted"}, reason: fetch.ReasonMixedContent,
			console: []string{"Mixed Content: The page at 'https://g.pub.test/' was loaded over HTTPS, but requested an insecure resource 'http://api.test/x'. This request has been blocked; the content must be served over HTTPS."}},
		{desc: "http://127.0.0.1 is potentially trustworthy: no mixed content (Secure Contexts §3.2)", browser: "chrome", origin: page, url: "http://127.0.0.1:8080/x", sent: 1},
	}
	for _, tc := range tests {
		p := profile(t, tc.browser)
		r, pre, err := p.NewRequest(tc.origin, tc.url, fetch.Init{Method: tc.method})
		if err != nil || pre != nil {
			t.Fatalf("%s: %v %v", tc.desc, err, pre)
		}
		r.Network = tc.network
		srv := &counting{raw: ok}
		res := p.Run(r, nil, srv)
		reason := ""
		if res.Failure != nil {
			reason = res.Failure.Reason
		}
		if reason != tc.reason {
			t.Errorf("%s [%s]: failure %q, want %q", tc.desc, tc.browser, reason, tc.reason)
		}
		if tc.reason == "" && !res.Allowed {
			t.Errorf("%s [%s]: blocked, want allowed", tc.desc, tc.browser)
		}
		if srv.n != tc.sent {
			t.Errorf("%s [%s]: %d requests reached the server, want %d", tc.desc, tc.browser, srv.n, tc.sent)
		}
		if tc.console != nil && !slices.Equal(res.Console, tc.console) {
			t.Errorf("%s [%s]: console\n got %q\nwant %q", tc.desc, tc.browser, res.Console, tc.console)
		}
	}
}

// counting is raw that counts the requests it answers.
type counting struct {
	raw
	n int
}

func (c *counting) Answer(req wire.Request, preflight bool, hop int) wire.Outcome {
	c.n++
	return c.raw.Answer(req, preflight, hop)
}
