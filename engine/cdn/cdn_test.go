package cdn_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/cdn"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/wire"
)

const url = "http://cdn.test/a.png"

func get(origin string) wire.Request {
	r := wire.Request{Method: "GET", URL: url, Header: headers.List{{Name: "Accept", Value: "*/*"}}}
	if origin != "" {
		r.Header.Add("Origin", origin)
	}
	return r
}

func reply(status int, h ...string) wire.Outcome {
	r := wire.Reply{Status: status}
	for i := 0; i+1 < len(h); i += 2 {
		r.Header.Add(h[i], h[i+1])
	}
	return wire.Outcome{Reply: r}
}

// step is one request of a sequence: wait, then send req; the server
// answers out when the cache does not.
type step struct {
	wait float64
	req  wire.Request
	out  wire.Outcome
	hit  bool // the cache answers
}

func TestSequences(t *testing.T) {
	acaoA := reply(200, "Access-Control-Allow-Origin", "http://a.test")
	tests := []struct {
		desc, source string
		cfg          cdn.Config
		steps        []step
	}{
		{desc: "a reply without CORS headers stored for a request without Origin answers the CORS request after it (the commonest CloudFront failure)",
			source: "CloudFront header-caching: by default no header is in the cache key; RFC 9111 §4",
			steps:  []step{{req: get(""), out: reply(200)}, {req: get("http://a.test"), hit: true}}},
		{desc: "with Origin in the key, the CORS request misses",
			source: "CloudFront header-caching (Configure CloudFront to respect CORS settings)",
			cfg:    cdn.Config{KeyHeaders: []string{"Origin"}},
			steps:  []step{{req: get(""), out: reply(200)}, {req: get("http://a.test"), out: acaoA}, {req: get("http://a.test"), hit: true}}},
		{desc: "origin A's answer is served to origin B when Origin is not in the key",
			source: "RFC 9111 §4: a stored response is reused for any request with the same key",
			steps:  []step{{req: get("http://a.test"), out: acaoA}, {req: get("http://b.test"), hit: true}}},
		{desc: "Vary: Origin is ignored when Vary is not honoured",
			source: "CloudFront ignores Vary except Accept-Encoding (header-caching); nginx proxy_ignore_headers Vary (e2e/cdn)",
			steps:  []step{{req: get("http://a.test"), out: reply(200, "Access-Control-Allow-Origin", "http://a.test", "Vary", "Origin")}, {req: get("http://b.test"), hit: true}}},
		{desc: "Vary: Origin honoured: another Origin misses, the same hits",
			source: "RFC 9111 §4.1",
			cfg:    cdn.Config{HonoursVary: true},
			steps: []step{{req: get("http://a.test"), out: reply(200, "Access-Control-Allow-Origin", "http://a.test", "Vary", "Origin")},
				{req: get("http://b.test"), out: reply(200, "Vary", "Origin")}, {req: get("http://a.test"), hit: true}, {req: get("http://b.test"), hit: true}}},
		{desc: "Vary honoured but the no-Origin reply has no Vary (S3 sends Vary only on a match): it answers everyone",
			source: "RFC 9111 §4.1: a stored response without Vary matches any request",
			cfg:    cdn.Config{HonoursVary: true},
			steps:  []step{{req: get(""), out: reply(200)}, {req: get("http://a.test"), hit: true}}},
		{desc: "an absent header matches only an absent one",
			source: "RFC 9111 §4.1",
			cfg:    cdn.Config{HonoursVary: true},
			steps:  []step{{req: get(""), out: reply(200, "Vary", "Origin")}, {req: get("http://a.test"), out: acaoA}, {req: get(""), hit: true}}},
		{desc: "Vary: * is not stored",
			source: "RFC 9111 §4.1: Vary * always fails to match",
			cfg:    cdn.Config{HonoursVary: true},
			steps:  []step{{req: get(""), out: reply(200, "Vary", "*")}, {req: get(""), out: reply(200)}}},
		{desc: "no-store, private and no-cache replies are not stored",
			source: "RFC 9111 §5.2.2.5, §5.2.2.7, §5.2.2.4",
			steps: []step{{req: get(""), out: reply(200, "Cache-Control", "no-store")}, {req: get(""), out: reply(200, "Cache-Control", "private, max-age=60")},
				{req: get(""), out: reply(200, "Cache-Control", "No-Cache")}, {req: get(""), out: reply(200, "Cache-Control", "max-age=60")}, {req: get(""), hit: true}}},
		{desc: "max-age runs out on the session's clock",
			source: "RFC 9111 §4.2: fresh while the age is below the lifetime",
			steps:  []step{{req: get(""), out: reply(200, "Cache-Control", "max-age=2")}, {wait: 1.5, req: get(""), hit: true}, {wait: 0.5, req: get(""), out: reply(200)}}},
		{desc: "s-maxage wins over max-age in a shared cache",
			source: "RFC 9111 §5.2.2.10",
			steps:  []step{{req: get(""), out: reply(200, "Cache-Control", "max-age=1, s-maxage=10")}, {wait: 5, req: get(""), hit: true}}},
		{desc: "max-age=0 and a value that is not delta-seconds are stale at once",
			source: "RFC 9111 §1.2.2, §4.2.1",
			steps:  []step{{req: get(""), out: reply(200, "Cache-Control", "max-age=0")}, {req: get(""), out: reply(200, "Cache-Control", "max-age=ten")}, {req: get(""), out: reply(200)}}},
		{desc: "no freshness information: a 200 is kept for the default TTL, a 500 not at all",
			source: "RFC 9110 §15.1 heuristically cacheable codes; CloudFront default TTL one day",
			steps: []step{{req: get(""), out: reply(500)}, {req: get(""), out: reply(200)}, {wait: cdn.DefaultLifetime - 1, req: get(""), hit: true},
				{wait: 1, req: get(""), out: reply(200)}}},
		{desc: "a 500 with max-age is stored",
			source: "RFC 9111 §3: explicit freshness makes any final status storable",
			steps:  []step{{req: get(""), out: reply(500, "Cache-Control", "max-age=60")}, {req: get(""), hit: true}}},
		{desc: "OPTIONS is forwarded every time",
			source: "the contract: GET and HEAD replies are stored",
			steps: []step{{req: wire.Request{Method: "OPTIONS", URL: url}, out: reply(204, "Cache-Control", "max-age=60")},
				{req: wire.Request{Method: "OPTIONS", URL: url}, out: reply(204)}}},
		{desc: "HEAD and GET are stored apart",
			source: "nginx with proxy_cache_convert_head off and $request_method in the key (e2e/cdn)",
			steps: []step{{req: wire.Request{Method: "HEAD", URL: url}, out: reply(200)}, {req: get(""), out: reply(200)},
				{req: wire.Request{Method: "HEAD", URL: url}, hit: true}}},
		{desc: "a request with Authorization is not stored unless the reply says public",
			source: "RFC 9111 §3.5",
			steps: []step{{req: wire.Request{Method: "GET", URL: url, Header: headers.List{{Name: "Authorization", Value: "Bearer x"}}}, out: reply(200)},
				{req: get(""), out: reply(200, "Cache-Control", "max-age=60")}, {req: wire.Request{Method: "GET", URL: url, Header: headers.List{{Name: "Authorization", Value: "Bearer x"}}}, hit: true}}},
		{desc: "a key header's name is case-insensitive, its value is not",
			source: "CloudFront header-caching: how the case of headers and header values affects caching",
			cfg:    cdn.Config{KeyHeaders: []string{"x-variant"}},
			steps: []step{{req: wire.Request{Method: "GET", URL: url, Header: headers.List{{Name: "X-Variant", Value: "A"}}}, out: reply(200)},
				{req: wire.Request{Method: "GET", URL: url, Header: headers.List{{Name: "x-variant", Value: "A"}}}, hit: true},
				{req: wire.Request{Method: "GET", URL: url, Header: headers.List{{Name: "X-Variant", Value: "a"}}}, out: reply(200)}}},
		{desc: "another URL is another key",
			source: "RFC 9111 §4: the target URI",
			steps:  []step{{req: get(""), out: reply(200)}, {req: wire.Request{Method: "GET", URL: url + "?v=2"}, out: reply(200)}}},
	}
	for _, tc := range tests {
		c := cdn.New(tc.cfg)
		for i, s := range tc.steps {
			c.Advance(s.wait)
			e, why := c.Lookup(s.req)
			if (e != nil) != s.hit {
				t.Errorf("%s (%s): step %d: hit %v, want %v (%s)", tc.desc, tc.source, i, e != nil, s.hit, why)
			}
			if e == nil && why == "" {
				t.Errorf("%s: step %d: a miss without a reason", tc.desc, i)
			}
			if e == nil {
				if st, why := c.Store(s.req, s.out, "step "+string(rune('0'+i))); st == nil && why == "" {
					t.Errorf("%s: step %d: not stored, no reason", tc.desc, i)
				}
			}
		}
	}
}

// TestHitServesStored: a hit answers with the stored reply and says who
// stored it.
func TestHitServesStored(t *testing.T) {
	c := cdn.New(cdn.Config{})
	out := reply(200, "Access-Control-Allow-Origin", "http://a.test")
	if e, _ := c.Store(get("http://a.test"), out, "first"); e == nil {
		t.Fatal("not stored")
	}
	e, _ := c.Lookup(get("http://b.test"))
	if e == nil || e.Tag != "first" {
		t.Fatalf("lookup = %+v", e)
	}
	if v, _ := e.Outcome.Reply.Header.Get("Access-Control-Allow-Origin"); v != "http://a.test" {
		t.Errorf("stored reply has ACAO %q", v)
	}
	if got, _ := e.Request.Header.Get("Origin"); got != "http://a.test" {
		t.Errorf("stored request Origin %q", got)
	}
}

func TestParseCacheControl(t *testing.T) {
	tests := []struct {
		desc, in string
		want     string // name=value|name ... as parsed
	}{
		{desc: "tokens and arguments, names lowercased", in: "Public, MAX-AGE=60", want: "public max-age=60"},
		{desc: "a quoted argument with a comma and a quoted-pair", in: `private="a, b", x="q\"r", s-maxage=5`, want: `private=a, b x=q"r s-maxage=5`},
		{desc: "empty members and spaces", in: " , no-store ,, max-age = 3 ", want: "no-store max-age=3"},
		{desc: "a member that is not a token is skipped", in: "no store, max-age=1", want: "max-age=1"},
		{desc: "an empty argument", in: "max-age=", want: "max-age="},
	}
	for _, tc := range tests {
		cc := cdn.ParseCacheControl(headers.List{{Name: "Cache-Control", Value: tc.in}})
		var parts []string
		for _, d := range cc {
			if d.HasValue {
				parts = append(parts, d.Name+"="+d.Value)
			} else {
				parts = append(parts, d.Name)
			}
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("%s: ParseCacheControl(%q) = %q, want %q (RFC 9111 §5.2)", tc.desc, tc.in, got, tc.want)
		}
	}
}

// FuzzParseCacheControl: any field value parses without panicking, every
// directive name is a lowercase token, and a re-parse of the directives
// written back gives the same names.
func FuzzParseCacheControl(f *testing.F) {
	for _, s := range []string{"max-age=60", `private="Set-Cookie, X"`, "no-store,,", `a="\`, "s-maxage=1, max-age=2", "=x", `x="unterminated`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		cc := cdn.ParseCacheControl(headers.List{{Name: "Cache-Control", Value: v}})
		var names []string
		for _, d := range cc {
			if !headers.IsToken(d.Name) || d.Name != strings.ToLower(d.Name) {
				t.Fatalf("%q: directive name %q", v, d.Name)
			}
			names = append(names, d.Name)
		}
		again := cdn.ParseCacheControl(headers.List{{Name: "Cache-Control", Value: strings.Join(names, ", ")}})
		if len(again) != len(names) {
			t.Fatalf("%q: names %q parse to %d directives", v, names, len(again))
		}
	})
}
