package fetch_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/wire"
)

// TestHeaderValueNotByteString: a header value with a character above
// U+00FF is not a ByteString (https://webidl.spec.whatwg.org/#es-ByteString),
// so fetch() throws before any request, each engine in its own words, and
// so does XMLHttpRequest's setRequestHeader() (the e2e recordings
// hdr-value-non-latin1 and xhr-header-non-latin1: Chromium 156, Firefox
// ESR 153, WebKitGTK 2.50.6).
func TestHeaderValueNotByteString(t *testing.T) {
	tests := []struct {
		desc, browser, api, value, want string
	}{
		{desc: "xhr-header-non-latin1", browser: "chrome", api: "xhr", value: "中",
			want: "TypeError: Failed to execute 'setRequestHeader' on 'XMLHttpRequest': String contains non ISO-8859-1 code point."},
		{desc: "xhr-header-non-latin1", browser: "firefox", api: "xhr", value: "中",
			want: "TypeError: XMLHttpRequest.setRequestHeader: Cannot convert argument 2 to ByteString because the character at index 0 has value 20013 which is greater than 255."},
		{desc: "xhr-header-non-latin1", browser: "safari", api: "xhr", value: "中", want: "TypeError: Type error"},
		{desc: "hdr-value-non-latin1", browser: "chrome", value: "中",
			want: "TypeError: Failed to execute 'fetch' on 'Window': Failed to read the 'headers' property from 'RequestInit': String contains non ISO-8859-1 code point."},
		{desc: "hdr-value-non-latin1", browser: "firefox", value: "中",
			want: "TypeError: Window.fetch: Cannot convert element of element of sequence<sequence<ByteString>> branch of (sequence<sequence<ByteString>> or record<ByteString, ByteString>) to ByteString because the character at index 0 has value 20013 which is greater than 255."},
		{desc: "Firefox names the character's index in the JavaScript string (UTF-16 code units: é is one, so 中 is at 2)", browser: "firefox", value: "é;中",
			want: "TypeError: Window.fetch: Cannot convert element of element of sequence<sequence<ByteString>> branch of (sequence<sequence<ByteString>> or record<ByteString, ByteString>) to ByteString because the character at index 2 has value 20013 which is greater than 255."},
		{desc: "hdr-value-non-latin1", browser: "safari", value: "中", want: "TypeError: Type error"},
	}
	for _, tc := range tests {
		p := profile(t, tc.browser)
		r, f, err := p.NewRequest(app, api, fetch.Init{API: tc.api, Headers: hl("Accept", tc.value)})
		if err != nil {
			t.Fatal(err)
		}
		if f == nil || f.Reason != fetch.ReasonInvalidHeaderValue {
			t.Errorf("%s [%s]: failure %+v, want %s", tc.desc, tc.browser, f, fetch.ReasonInvalidHeaderValue)
			continue
		}
		if got := p.Run(r, f, raw{}).Exception; got != tc.want {
			t.Errorf("%s [%s]: exception\n got %q\nwant %q", tc.desc, tc.browser, got, tc.want)
		}
	}
	// é (U+00E9) is a ByteString character: no exception.
	if _, f, _ := profile(t, "chrome").NewRequest(app, api, fetch.Init{Headers: hl("Accept", "é")}); f != nil {
		t.Errorf("Accept: é failed with %s, want no failure (U+00E9 is a byte)", f.Reason)
	}
}

// TestNonASCIISafelisted: a byte of 0x80 or above is not a CORS-unsafe
// request-header byte (https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte),
// so Accept and Content-Type keep their safelisting in the standard,
// Chromium and WebKit; Firefox ESR 153 preflights them (the e2e
// recordings hdr-accept-non-ascii and hdr-content-type-non-ascii-param).
// Content-Language never allows it (the standard's byte range).
func TestNonASCIISafelisted(t *testing.T) {
	tests := []struct {
		desc, name, value string
		safe              map[string]bool
	}{
		{desc: "hdr-accept-non-ascii", name: "Accept", value: "text/café",
			safe: map[string]bool{"chrome": true, "safari": true, "spec": true, "firefox": false}},
		{desc: "hdr-content-type-non-ascii-param", name: "Content-Type", value: "text/plain;charset=é",
			safe: map[string]bool{"chrome": true, "safari": true, "spec": true, "firefox": false}},
		{desc: "hdr-accept-non-ascii-100: 100 bytes on the wire (a ByteString), 200 as UTF-8", name: "Accept", value: strings.Repeat("é", 100),
			safe: map[string]bool{"chrome": true, "safari": true, "spec": true, "firefox": false}},
		{desc: "129 é are over the 128-byte bound (https://fetch.spec.whatwg.org/#cors-safelisted-request-header)", name: "Accept", value: strings.Repeat("é", 129),
			safe: map[string]bool{"chrome": false, "safari": false, "spec": false, "firefox": false}},
		{desc: "hdr-content-language-non-ascii", name: "Content-Language", value: "é",
			safe: map[string]bool{"chrome": false, "safari": false, "spec": false, "firefox": false}},
	}
	for _, tc := range tests {
		for b, want := range tc.safe {
			if got := profile(t, b).SafelistedRequestHeader(tc.name, tc.value); got != want {
				t.Errorf("%s [%s]: %s: %s safelisted %v, want %v", tc.desc, b, tc.name, tc.value, got, want)
			}
		}
	}
}

// TestLocationReading: the URL each engine follows for a Location value
// (the e2e recordings route-location-utf8 and route-location-tab).
func TestLocationReading(t *testing.T) {
	tests := []struct {
		desc, location string
		want           map[string]string
	}{
		{desc: "route-location-utf8: WebKit reads the UTF-8 bytes as Latin-1", location: "http://api.test/café",
			want: map[string]string{"chrome": "http://api.test/caf%C3%A9", "firefox": "http://api.test/caf%C3%A9", "spec": "http://api.test/caf%C3%A9",
				"safari": "http://api.test/caf%C3%83%C2%A9"}},
		{desc: "route-location-tab: Firefox percent-encodes a tab the URL parser removes", location: "http://api.test/b\tc",
			want: map[string]string{"chrome": "http://api.test/bc", "safari": "http://api.test/bc", "spec": "http://api.test/bc",
				"firefox": "http://api.test/b%09c"}},
	}
	for _, tc := range tests {
		for b, want := range tc.want {
			p := profile(t, b)
			r, pre, err := p.NewRequest(app, api, fetch.Init{})
			if err != nil || pre != nil {
				t.Fatal(err, pre)
			}
			res := p.Run(r, nil, raw{resp: reply(302, acao, "*", "Location", tc.location), next: reply(200, acao, "*")})
			if n := len(res.Exchanges); n != 2 {
				t.Errorf("%s [%s]: %d requests, want 2", tc.desc, b, n)
				continue
			}
			if got := res.Exchanges[1].Request.URL; got != want {
				t.Errorf("%s [%s]: followed to %s, want %s", tc.desc, b, got, want)
			}
		}
	}
}

// TestSafariPreflightAfterRedirect: after a cross-origin redirect WebKit
// preflights with the page's own header names, Authorization included
// though the redirect removed it from the request, and keeps preflighting
// a fetch that needed a preflight (NetworkLoadChecker.cpp, see
// Profile.PreflightOriginalHeaders; the e2e/webkit recordings named in
// desc). Chromium follows the standard: Authorization is gone, and a GET
// without other headers needs no preflight.
func TestSafariPreflightAfterRedirect(t *testing.T) {
	// route-authorization-cross-not-allowed: the second origin's preflight
	// allows no request header; route-303-put-cross: a preflighted PUT
	// answered 303 to another origin.
	authCross := raw{pre: reply(204, acao, app, acah, "authorization"), resp: reply(307, acao, app, "Location", "http://api2.test/b"), next: reply(204, acao, "*")}
	putCross := raw{pre: reply(204, acao, "*", acam, "PUT"), resp: reply(303, acao, "*", "Location", "http://api2.test/b"), next: reply(204, acao, "*")}
	tests := []struct {
		desc     string
		init     fetch.Init
		srv      raw
		browser  string
		allowed  bool
		acrh     []string // each preflight's Access-Control-Request-Headers, in order
		headerIn string   // the header the failure names
	}{
		{desc: "route-authorization-cross-not-allowed", browser: "safari",
			init:    fetch.Init{Headers: hl("Authorization", "Bearer t")},
			srv:     authCross,
			allowed: false, acrh: []string{"authorization", "authorization"}, headerIn: "Authorization"},
		{desc: "route-authorization-cross-not-allowed", browser: "chrome",
			init:    fetch.Init{Headers: hl("Authorization", "Bearer t")},
			srv:     authCross,
			allowed: true, acrh: []string{"authorization"}},
		{desc: "route-303-put-cross", browser: "safari",
			init:    fetch.Init{Method: "PUT", Body: ptr("x")},
			srv:     putCross,
			allowed: true, acrh: []string{"", ""}},
		{desc: "route-303-put-cross", browser: "chrome",
			init:    fetch.Init{Method: "PUT", Body: ptr("x")},
			srv:     putCross,
			allowed: true, acrh: []string{""}},
	}
	for _, tc := range tests {
		p := profile(t, tc.browser)
		r, pre, err := p.NewRequest(app, "http://api.test/a", tc.init)
		if err != nil || pre != nil {
			t.Fatal(err, pre)
		}
		res := p.Run(r, nil, tc.srv)
		var acrh []string
		for _, x := range res.Exchanges {
			if x.Preflight {
				v, _ := x.Request.Header.Get("Access-Control-Request-Headers")
				acrh = append(acrh, v)
			}
		}
		if res.Allowed != tc.allowed || !slices.Equal(acrh, tc.acrh) {
			t.Errorf("%s [%s]: allowed %v, preflights asking for %q; want %v, %q", tc.desc, tc.browser, res.Allowed, acrh, tc.allowed, tc.acrh)
		}
		if tc.headerIn != "" && (res.Failure == nil || res.Failure.Reason != fetch.ReasonHeaderDisallowed || res.Failure.Value != tc.headerIn) {
			t.Errorf("%s [%s]: failure %+v, want %s naming %s", tc.desc, tc.browser, res.Failure, fetch.ReasonHeaderDisallowed, tc.headerIn)
		}
	}
}

func ptr(s string) *string { return &s }

// TestOpaqueOriginPreflightCache: a page with an opaque origin and the
// CORS-preflight cache (the e2e recordings sess-null-same-document and
// sess-null-new-document). On one page the second PUT may use the first's
// entry (the same opaque origin); a new page has an opaque origin of its
// own, which the entry does not match though both serialize as "null"
// (https://fetch.spec.whatwg.org/#concept-cache-match); Chromium 156
// never answers an opaque-origin fetch from its cache.
func TestOpaqueOriginPreflightCache(t *testing.T) {
	srv := raw{pre: reply(204, acao, "*", acam, "PUT", "Access-Control-Max-Age", "60"), resp: reply(200, acao, "*")}
	put := fetch.Init{Method: "PUT", Body: ptr("x")}
	tests := []struct {
		desc    string
		origins []string // the page origin of each fetch, in order
		cached  map[string]bool
	}{
		{desc: "sess-null-same-document: the last PUT from the same page", origins: []string{"null", "null"},
			cached: map[string]bool{"chrome": false, "firefox": true, "safari": true, "spec": true}},
		{desc: "sess-null-new-document: the last PUT from a new page, after one from http://app.test", origins: []string{"null", app, "null"},
			cached: map[string]bool{"chrome": false, "firefox": false, "safari": false, "spec": false}},
	}
	for _, tc := range tests {
		for b, want := range tc.cached {
			p := profile(t, b)
			cache := &fetch.PreflightCache{}
			var res *fetch.Result
			for _, o := range tc.origins {
				in := put
				if o != "null" {
					in = fetch.Init{}
				}
				r, pre, err := p.NewRequest(o, api, in)
				if err != nil || pre != nil {
					t.Fatal(err, pre)
				}
				res = p.RunCached(r, nil, srv, cache)
			}
			if res.PreflightCached != want {
				t.Errorf("%s [%s]: answered from the cache %v, want %v", tc.desc, b, res.PreflightCached, want)
			}
		}
	}
}

// TestSafariRedirectRecheckedWithCredentials: a credentials "same-origin"
// fetch that starts on the page's origin has WebKit check each later
// cross-origin redirect again as if it carried credentials, the final
// response not (Profile.RedirectCheckedWithCredentials; the e2e/webkit
// recordings named in desc, WebKitGTK 2.50.6). Chromium follows the
// standard (https://fetch.spec.whatwg.org/#http-network-or-cache-fetch).
func TestSafariRedirectRecheckedWithCredentials(t *testing.T) {
	// hop 0: app.test/a 302 to api.test/b; hop 1 and later: next.
	sameStart := func(next *wire.Reply) raw {
		return raw{resp: reply(302, "Location", "http://api.test/b"), next: next}
	}
	tests := []struct {
		desc    string
		browser string
		srv     raw
		allowed bool
		console []string
	}{
		{desc: "route-same-origin-to-cross-redirect-star (a loop of '*' redirects here; WebKit fails at the first)", browser: "safari",
			srv: sameStart(reply(302, acao, "*", "Location", "http://api2.test/c")), allowed: false,
			console: []string{
				"Cross-origin redirection to http://api2.test/c denied by Cross-Origin Resource Sharing policy: Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
				"Failed to load resource: Cross-origin redirection to http://api2.test/c denied by Cross-Origin Resource Sharing policy: Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
				"Fetch API cannot load http://api.test/b due to access control checks.",
			}},
		{desc: "route-same-origin-to-cross-star: the final response is checked without credentials", browser: "safari",
			srv: sameStart(reply(200, acao, "*")), allowed: true},
		{desc: "route-same-origin-to-cross-no-acac: the final response is checked without credentials", browser: "safari",
			srv: sameStart(reply(200, acao, app)), allowed: true},
		{desc: "route-same-origin-to-cross-redirect-star in Chromium: '*' redirects to the redirect limit", browser: "chrome",
			srv: sameStart(reply(302, acao, "*", "Location", "http://api2.test/c")), allowed: false},
	}
	for _, tc := range tests {
		p := profile(t, tc.browser)
		r, pre, err := p.NewRequest(app, "http://app.test/a", fetch.Init{})
		if err != nil || pre != nil {
			t.Fatal(err, pre)
		}
		res := p.Run(r, nil, tc.srv)
		if res.Allowed != tc.allowed {
			t.Errorf("%s [%s]: allowed %v, want %v (%v)", tc.desc, tc.browser, res.Allowed, tc.allowed, res.Failure)
		}
		if tc.console != nil && !slices.Equal(res.Console, tc.console) {
			t.Errorf("%s [%s]: console\n got %q\nwant %q", tc.desc, tc.browser, res.Console, tc.console)
		}
		if tc.browser == "chrome" && (res.Failure == nil || res.Failure.Reason != fetch.ReasonTooManyRedirects) {
			t.Errorf("%s: failure %+v, want %s", tc.desc, res.Failure, fetch.ReasonTooManyRedirects)
		}
	}
}
