package native_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

func mustParse(t testing.TB, text string) *native.Policy {
	t.Helper()
	p, err := native.Parse(text)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func TestOriginPatterns(t *testing.T) {
	cases := []struct {
		desc    string
		pattern string
		origin  string
		want    bool
		source  string
	}{
		{desc: "exact", pattern: "https://example.com", origin: "https://example.com", want: true, source: "Fetch CORS check step 4: byte equality"},
		{desc: "exact differs by scheme", pattern: "https://example.com", origin: "http://example.com", source: "Fetch CORS check step 4"},
		{desc: "exact differs by port", pattern: "https://example.com", origin: "https://example.com:8443", source: "Fetch CORS check step 4"},
		{desc: "case matters", pattern: "https://example.com", origin: "https://EXAMPLE.com", source: "server-peers.md §1.3: matching is byte-exact (rs/cors lower-cases against the spec)"},
		{desc: "subdomain, one label", pattern: "https://*.example.com", origin: "https://a.example.com", want: true, source: "server-peers.md §1.3: one or more labels"},
		{desc: "subdomain, two labels", pattern: "https://*.example.com", origin: "https://a.b.example.com", want: true, source: "server-peers.md §1.3: one or more labels"},
		{desc: "apex excluded", pattern: "https://*.example.com", origin: "https://example.com", source: "server-peers.md §1.3: the apex is not included"},
		{desc: "empty label", pattern: "https://*.example.com", origin: "https://.example.com", source: "server-peers.md §1.3: rs/cors and chi match it, jub0bs does not"},
		{desc: "fragment trick", pattern: "https://*.example.com", origin: "https://evil.com#.example.com", source: "server-peers.md §1.3: matches in jub0bs, rs and chi; a browser never sends it"},
		{desc: "suffix without dot", pattern: "https://*.example.com", origin: "https://evilexample.com", source: "subdomain means a label boundary"},
		{desc: "subdomain with wrong port", pattern: "https://*.example.com", origin: "https://a.example.com:8443", source: "no port in the pattern means the default port"},
		{desc: "any port", pattern: "http://localhost:*", origin: "http://localhost:3000", want: true, source: "server-peers.md §1.3"},
		{desc: "any port includes none", pattern: "http://localhost:*", origin: "http://localhost", want: true, source: "server-peers.md §1.3: implicit port matches in jub0bs"},
		{desc: "any port, empty port", pattern: "http://localhost:*", origin: "http://localhost:", source: "server-peers.md §2: rs/cors matches http://localhost:, a browser never sends it"},
		{desc: "any port, other host", pattern: "http://localhost:*", origin: "http://localhost.evil.com:80", source: "host must be equal"},
		{desc: "subdomain and port", pattern: "https://*.example.com:*", origin: "https://a.example.com:9000", want: true, source: "server-peers.md §1.3"},
		{desc: "null never matches", pattern: "https://*.example.com", origin: "null", source: "Fetch: opaque origins serialize to null"},
		{desc: "IPv6 any port", pattern: "http://[::1]:*", origin: "http://[::1]:8080", want: true, source: "URL IPv6 serializer, browser-cors.md §1.12"},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			p := mustParse(t, `{"origins": ["`+tc.pattern+`"]}`)
			var a native.Answer
			p.Decide(&native.Input{Method: "GET", Path: "/", Origin: tc.origin, HasOrigin: true}, &a)
			if got := a.AllowOrigin != ""; got != tc.want {
				t.Errorf("%q allows %q = %v, want %v (%s)", tc.pattern, tc.origin, got, tc.want, tc.source)
			}
		})
	}
}

const testPolicy = `{
  "rules": [
    {
      "name": "api",
      "path": "/api/*",
      "origins": ["https://app.test", "https://*.app.test", "http://localhost:*"],
      "methods": ["GET", "POST", "PUT", "DELETE"],
      "request_headers": ["X-Custom", "Content-Type"],
      "exposed_headers": ["X-Request-Id"],
      "credentials": true,
      "max_age": 600
    },
    {
      "name": "hooks",
      "path": "/hooks/*",
      "origins": ["https://app.test"],
      "methods": ["PATCH"],
      "preflight_status": 200,
      "unmatched_preflight": "pass"
    },
    {
      "name": "public",
      "path": "/public/*",
      "origins": ["*"],
      "methods": ["*"],
      "request_headers": ["*"],
      "exposed_headers": ["*"]
    }
  ]
}`

func TestRespond(t *testing.T) {
	p := mustParse(t, testPolicy)
	app := policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "text/plain"}, {Name: "Vary", Value: "Accept-Encoding"}}, Body: "ok"}
	preflight := func(url, origin, method, acrh string) policy.Request {
		h := headers.List{{Name: "Origin", Value: origin}, {Name: "Access-Control-Request-Method", Value: method}}
		if acrh != "" {
			h.Add("Access-Control-Request-Headers", acrh)
		}
		return policy.Request{Method: "OPTIONS", URL: url, Header: h}
	}
	get := func(url, origin string) policy.Request {
		r := policy.Request{Method: "GET", URL: url}
		if origin != "" {
			r.Header = headers.List{{Name: "Origin", Value: origin}}
		}
		return r
	}
	cases := []struct {
		desc     string
		req      policy.Request
		status   int
		headers  headers.List // the whole header list, in order
		rule     int          // index of the deciding rule, -1 for none
		failed   string
		decision string // a substring of Outcome.Decision
		source   string
	}{
		{
			desc:   "allowed preflight",
			req:    preflight("http://api.test/api/items/1", "https://app.test", "PUT", "content-type,x-custom"),
			status: 204,
			headers: headers.List{
				{Name: "Access-Control-Allow-Origin", Value: "https://app.test"},
				{Name: "Access-Control-Allow-Credentials", Value: "true"},
				{Name: "Access-Control-Allow-Methods", Value: "GET,POST,PUT,DELETE"},
				{Name: "Access-Control-Allow-Headers", Value: "content-type,x-custom"},
				{Name: "Access-Control-Max-Age", Value: "600"},
				{Name: "Vary", Value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
			},
			rule:     0,
			decision: "preflight answered 204",
			source:   "Fetch CORS-preflight fetch step 7 needs ACAO = origin, ACAC true with credentials, method and headers listed; 204 is the format's default (package doc)",
		},
		{
			desc:   "preflight from a subdomain, headers in another case and with spaces",
			req:    preflight("/api/x", "https://a.b.app.test", "DELETE", "X-Custom, Content-Type"),
			status: 204,
			headers: headers.List{
				{Name: "Access-Control-Allow-Origin", Value: "https://a.b.app.test"},
				{Name: "Access-Control-Allow-Credentials", Value: "true"},
				{Name: "Access-Control-Allow-Methods", Value: "GET,POST,PUT,DELETE"},
				{Name: "Access-Control-Allow-Headers", Value: "x-custom,content-type"},
				{Name: "Access-Control-Max-Age", Value: "600"},
				{Name: "Vary", Value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
			},
			rule:   0,
			source: "header names compare case-insensitively (RFC 9110 §5.1); ACAH echo lowercased (task brief)",
		},
		{
			desc:     "preflight from a disallowed origin",
			req:      preflight("/api/x", "https://evil.test", "PUT", ""),
			status:   403,
			headers:  refusedVary,
			rule:     0,
			failed:   "origin",
			decision: "refused with 403",
			source:   "jub0bs/cors answers 403 without CORS headers, with Vary (server-peers.md §1.5)",
		},
		{
			desc:    "preflight for a method not listed",
			req:     preflight("/api/x", "https://app.test", "PATCH", ""),
			status:  403,
			headers: refusedVary,
			rule:    0,
			failed:  "method",
			source:  "server-peers.md §1.5 check order: origin, ACRM, ACRH",
		},
		{
			desc:    "preflight for a lowercase put is not PUT",
			req:     preflight("/api/x", "https://app.test", "put", ""),
			status:  403,
			headers: refusedVary,
			rule:    0,
			failed:  "method",
			source:  "fetch() upper-cases put before sending (browser-cors.md §1.1), so a raw 'put' is no browser's and methods compare byte-exact",
		},
		{
			desc:    "preflight for a header not listed",
			req:     preflight("/api/x", "https://app.test", "PUT", "authorization,x-custom"),
			status:  403,
			headers: refusedVary,
			rule:    0,
			failed:  "headers",
			source:  "server-peers.md §1.5",
		},
		{
			desc:   "preflight needed only for a header (safelisted method) gets the method list too",
			req:    preflight("/api/x", "http://localhost:5173", "POST", "content-type"),
			status: 204,
			headers: headers.List{
				{Name: "Access-Control-Allow-Origin", Value: "http://localhost:5173"},
				{Name: "Access-Control-Allow-Credentials", Value: "true"},
				{Name: "Access-Control-Allow-Methods", Value: "GET,POST,PUT,DELETE"},
				{Name: "Access-Control-Allow-Headers", Value: "content-type"},
				{Name: "Access-Control-Max-Age", Value: "600"},
				{Name: "Vary", Value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
			},
			rule:   0,
			source: "loopback http origins are allowed with credentials (server-peers.md §1.2); POST is safelisted (Fetch)",
		},
		{
			desc:   "allowed actual request: app's CORS-free reply plus ours, Vary appended",
			req:    get("http://api.test/api/items?x=1", "https://app.test"),
			status: 200,
			headers: headers.List{
				{Name: "Content-Type", Value: "text/plain"},
				{Name: "Vary", Value: "Accept-Encoding"},
				{Name: "Access-Control-Allow-Origin", Value: "https://app.test"},
				{Name: "Access-Control-Allow-Credentials", Value: "true"},
				{Name: "Access-Control-Expose-Headers", Value: "x-request-id"},
				{Name: "Vary", Value: "Origin"},
			},
			rule:     0,
			decision: "actual response with the CORS headers",
			source:   "Fetch CORS check steps 4-6; Vary appended, never replaced (server-peers.md §4 item 8)",
		},
		{
			desc:   "disallowed actual request: no CORS headers, still Vary: Origin",
			req:    get("/api/items", "https://evil.test"),
			status: 200,
			headers: headers.List{
				{Name: "Content-Type", Value: "text/plain"},
				{Name: "Vary", Value: "Accept-Encoding"},
				{Name: "Vary", Value: "Origin"},
			},
			rule:   0,
			failed: "origin",
			source: "server-peers.md §1.5 and §4 item 7: Vary: Origin on every response, allowed or not",
		},
		{
			desc:   "request without Origin: Vary: Origin only",
			req:    get("/api/items", ""),
			status: 200,
			headers: headers.List{
				{Name: "Content-Type", Value: "text/plain"},
				{Name: "Vary", Value: "Accept-Encoding"},
				{Name: "Vary", Value: "Origin"},
			},
			rule:   0,
			failed: "origin",
			source: "rs/cors#10: Vary must not depend on the presence of Origin",
		},
		{
			desc:     "path under no rule: the app's reply unchanged",
			req:      get("/other", "https://app.test"),
			status:   200,
			headers:  app.Header,
			rule:     -1,
			decision: "no rule covers path",
			source:   "package doc: a request no rule covers gets no CORS headers",
		},
		{
			desc:   "/api itself is not under /api/*",
			req:    get("/api", "https://app.test"),
			status: 200, headers: app.Header, rule: -1,
			source: "package doc: /api/* covers /api/ and below",
		},
		{
			desc:   "unmatched preflight passed to the app",
			req:    preflight("/hooks/1", "https://app.test", "DELETE", ""),
			status: 200, headers: app.Header, rule: 1, failed: "method",
			decision: "passed to the application",
			source:   "unmatched_preflight: pass (package doc; rs/cors OptionsPassthrough, server-peers.md §2)",
		},
		{
			desc:   "custom preflight status",
			req:    preflight("/hooks/1", "https://app.test", "PATCH", ""),
			status: 200,
			headers: headers.List{
				{Name: "Access-Control-Allow-Origin", Value: "https://app.test"},
				{Name: "Access-Control-Allow-Methods", Value: "PATCH"},
				{Name: "Vary", Value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
			},
			rule:   1,
			source: "preflight_status 200 (server-peers.md §4 item 11: old clients want 200); no ACAC without credentials",
		},
		{
			desc:   "public rule: * for every origin, echoed method, no Vary: Origin",
			req:    preflight("/public/x", "https://anyone.test", "PURGE", "authorization"),
			status: 204,
			headers: headers.List{
				{Name: "Access-Control-Allow-Origin", Value: "*"},
				{Name: "Access-Control-Allow-Methods", Value: "PURGE"},
				{Name: "Access-Control-Allow-Headers", Value: "authorization"},
				{Name: "Vary", Value: "Access-Control-Request-Method, Access-Control-Request-Headers"},
			},
			rule:   2,
			source: "Fetch: * in ACAH does not cover Authorization (browser-cors.md §1.8 step 4), so names are echoed; server-peers.md §4 item 10 (no Vary: Origin with *); the echoed method varies with Access-Control-Request-Method (RFC 9110 §12.5.5)",
		},
		{
			desc:   "public rule actual: * and expose all, app's own ACAO replaced",
			req:    policy.Request{Method: "GET", URL: "/public/x", Header: headers.List{{Name: "Origin", Value: "https://anyone.test"}}},
			status: 200,
			headers: headers.List{
				{Name: "Content-Type", Value: "text/plain"},
				{Name: "Vary", Value: "Accept-Encoding"},
				{Name: "Access-Control-Allow-Origin", Value: "*"},
				{Name: "Access-Control-Expose-Headers", Value: "*"},
			},
			rule:   2,
			source: "Fetch: * without credentials (browser-cors.md §1.7 step 3, §1.9)",
		},
		{
			desc:   "OPTIONS without ACRM is an actual request",
			req:    policy.Request{Method: "OPTIONS", URL: "/api/x", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}},
			status: 200,
			headers: headers.List{
				{Name: "Content-Type", Value: "text/plain"},
				{Name: "Vary", Value: "Accept-Encoding"},
				{Name: "Access-Control-Allow-Origin", Value: "https://app.test"},
				{Name: "Access-Control-Allow-Credentials", Value: "true"},
				{Name: "Access-Control-Expose-Headers", Value: "x-request-id"},
				{Name: "Vary", Value: "Origin"},
			},
			rule:   0,
			source: "every preflight carries ACRM (Fetch CORS-preflight fetch); jub0bs classifies the same way (server-peers.md §1.5)",
		},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			appIn := policy.Reply{Status: app.Status, Header: app.Header.Clone(), Body: app.Body}
			if tc.rule == 2 {
				appIn.Header.Add("Access-Control-Allow-Origin", "https://upstream.test")
			}
			before := appIn.Header.Clone()
			out := p.Respond(tc.req, appIn)
			if out.Reply.Status != tc.status {
				t.Errorf("status %d, want %d (%s)", out.Reply.Status, tc.status, tc.source)
			}
			if !equalLists(out.Reply.Header, tc.headers) {
				t.Errorf("headers\n got %v\nwant %v\n(%s)", out.Reply.Header, tc.headers, tc.source)
			}
			if !equalLists(appIn.Header, before) {
				t.Errorf("Respond modified app.Header")
			}
			if tc.decision != "" && !strings.Contains(out.Text(), tc.decision) {
				t.Errorf("decision %q, want it to contain %q", out.Text(), tc.decision)
			}
			wantRules := tc.rule + 1
			if tc.rule < 0 {
				wantRules = 3
			}
			if len(out.Rules) != wantRules {
				t.Fatalf("trace has %d rules, want %d: %+v", len(out.Rules), wantRules, out.Rules)
			}
			for i, r := range out.Rules {
				if i != tc.rule && r.Failed != "path" {
					t.Errorf("rule %d: failed %q, want path", i, r.Failed)
				}
			}
			if tc.rule >= 0 {
				last := out.Rules[tc.rule]
				if last.Failed != tc.failed || last.Matched != (tc.failed == "") {
					t.Errorf("deciding rule: failed %q matched %v, want failed %q (%s)", last.Failed, last.Matched, tc.failed, out.Detail(last))
				}
			}
		})
	}
}

func equalLists(a, b headers.List) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPathOfAbsoluteAndRelativeURLs(t *testing.T) {
	p := mustParse(t, `{"path": "/a/*", "origins": ["https://x.test"]}`)
	cases := []struct {
		desc string
		url  string
		want bool
	}{
		{desc: "absolute with query", url: "http://h.test/a/b?c=/x", want: true},
		{desc: "origin-form", url: "/a/b", want: true},
		{desc: "query looks like the path", url: "http://h.test/?/a/", want: false},
		{desc: "no path", url: "http://h.test", want: false},
		{desc: "encoded slash is not a slash", url: "/a%2Fb", want: false},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			out := p.Respond(policy.Request{Method: "GET", URL: tc.url}, policy.Reply{Status: 200})
			got := out.Rules[0].Failed != "path"
			if got != tc.want {
				t.Errorf("rule covers %q = %v, want %v (RFC 3986 §3.3: the path ends at ? or #)", tc.url, got, tc.want)
			}
		})
	}
}

// TestFirstMatchWins: a rule whose path matches but whose origins do not
// leaves the request to the next rule (package doc, "Which rule
// answers"); it replaces TestFirstRuleWins, which held the first rule by
// path alone to decide, the loss of issue 19.
func TestFirstMatchWins(t *testing.T) {
	p := mustParse(t, `{"rules": [{"path": "/a/*", "origins": ["https://one.test"]}, {"path": "/a/b", "origins": ["https://two.test"]}]}`)
	var a native.Answer
	p.Decide(&native.Input{Method: "GET", Path: "/a/b", Origin: "https://two.test", HasOrigin: true}, &a)
	if a.Rule != 1 || a.AllowOrigin != "https://two.test" || a.Vary != "Origin" {
		t.Errorf("rule %d, ACAO %q, Vary %q; want rule 1 to answer with Vary: Origin (package doc: first rule whose path and origin match)", a.Rule, a.AllowOrigin, a.Vary)
	}
	p.Decide(&native.Input{Method: "GET", Path: "/a/b", Origin: "https://three.test", HasOrigin: true}, &a)
	if a.Rule != 0 || a.AllowOrigin != "" || a.Failed != native.CheckOrigin {
		t.Errorf("rule %d, ACAO %q, failed %v; want rule 0, the first by path, to refuse (package doc)", a.Rule, a.AllowOrigin, a.Failed)
	}
}

func TestSummary(t *testing.T) {
	p := mustParse(t, testPolicy)
	cases := []struct {
		desc string
		in   native.Input
		want string
	}{
		{desc: "ok", in: native.Input{Method: "OPTIONS", Path: "/api/", Origin: "https://app.test", HasOrigin: true, ACRM: "PUT", HasACRM: true}, want: "preflight-ok rule=0 name=api"},
		{desc: "rejected", in: native.Input{Method: "OPTIONS", Path: "/api/", Origin: "https://app.test", HasOrigin: true, ACRM: "PUT", HasACRM: true, ACRH: []string{"x-nope"}}, want: "preflight-rejected rule=0 name=api failed=headers"},
		{desc: "no rule", in: native.Input{Method: "GET", Path: "/"}, want: "no-rule"},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			var a native.Answer
			p.Decide(&tc.in, &a)
			if got := p.Summary(&a); got != tc.want {
				t.Errorf("Summary = %q, want %q (format documented on Summary)", got, tc.want)
			}
		})
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	p := mustParse(t, testPolicy)
	ins := []native.Input{
		{Method: "OPTIONS", Path: "/api/x", Origin: "https://a.app.test", HasOrigin: true, ACRM: "PUT", HasACRM: true, ACRH: []string{"content-type,x-custom"}},
		{Method: "OPTIONS", Path: "/api/x", Origin: "https://evil.test", HasOrigin: true, ACRM: "PUT", HasACRM: true},
		{Method: "GET", Path: "/api/x", Origin: "https://app.test", HasOrigin: true},
		{Method: "GET", Path: "/api/x", Origin: "https://evil.test", HasOrigin: true},
	}
	for _, in := range ins {
		var a native.Answer
		if n := testing.AllocsPerRun(100, func() { p.Decide(&in, &a) }); n != 0 {
			t.Errorf("Decide(%+v) allocates %v times (task brief: no-alloc fast path)", in, n)
		}
	}
}

// TestManyRulesFirstMatch checks the first-match-by-path rule on a policy
// large enough to use the segment index, against the rule as the package
// doc states it.
func TestManyRulesFirstMatch(t *testing.T) {
	patterns := []string{"/a/b", "/a/*", "/ab*", "/*x", "/b/*", "/", "/c", "/c/*", "/d/e/*", "/a*", "/e", "/f/*", "/b/c", ""}
	var rules []native.Rule
	for _, pat := range patterns {
		if strings.Count(pat, "*") == 1 && !strings.HasSuffix(pat, "*") {
			continue // not a valid pattern
		}
		rules = append(rules, native.Rule{Path: pat, Origins: []string{"https://x.test"}})
	}
	p, err := native.New(rules)
	if err != nil {
		t.Fatal(err)
	}
	docMatch := func(pat, path string) bool {
		switch {
		case pat == "" || pat == "/*":
			return true
		case strings.HasSuffix(pat, "*"):
			return strings.HasPrefix(path, pat[:len(pat)-1])
		}
		return path == pat
	}
	paths := []string{"/", "/a", "/a/", "/a/b", "/a/b/c", "/ab", "/abc/d", "/b", "/b/c", "/b/c/d", "/c", "/c/", "/d/e", "/d/e/f", "/e", "/e/", "/f", "/f/g", "/zz", "*", ""}
	for _, path := range paths {
		want := -1
		for i, r := range rules {
			if docMatch(r.Path, path) {
				want = i
				break
			}
		}
		var a native.Answer
		p.Decide(&native.Input{Method: "GET", Path: path}, &a)
		if a.Rule != want {
			t.Errorf("path %q: rule %d, want %d (package doc: first rule whose path matches)", path, a.Rule, want)
		}
	}
}

// refusedVary is all a refused preflight carries: Vary, for a cache that
// stores OPTIONS replies (native package doc).
var refusedVary = headers.List{{Name: "Vary", Value: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}}
