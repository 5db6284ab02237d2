package proxytest

import (
	"math/rand"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// This file checks the writers (convert --to caddy, --to apache) in the
// real servers: seeded random neutral policies, each written as a site
// the server runs, and seeded fetches whose every request (preflight,
// then the actual request) goes to the real server; the page's verdict
// must be the one it reaches against native's answers to the same
// policy, the neutral reference (engine/native, FromPortable).

// Portable is a seeded random neutral policy of one to three rules that
// native takes (no "*" with credentials).
func Portable(r *rand.Rand) portable.Policy {
	some := func(pool []string) []string {
		var out []string
		for i := 1 + r.Intn(2); i > 0; i-- {
			if s := Pick(r, pool...); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
		return out
	}
	var p portable.Policy
	for i := 1 + r.Intn(3); i > 0; i-- {
		ru := portable.Rule{Origins: some([]string{"https://app.test", "https://admin.test", "http://localhost:3000", "https://*.sub.test", "*"}), Credentials: r.Intn(2) == 0}
		if ru.AnyOrigin() {
			ru.Credentials = false
		}
		if r.Intn(4) != 0 {
			ru.Methods = some([]string{"PUT", "DELETE", "patch", "PATCH", "*"})
		}
		if r.Intn(2) == 0 {
			ru.AllowHeaders = some([]string{"x-api-key", "content-type", "authorization", "*"})
		}
		if r.Intn(3) == 0 {
			ru.ExposeHeaders = []string{"X-Request-Id"}
		}
		if r.Intn(3) == 0 {
			v := 600
			ru.MaxAge = &v
		}
		if r.Intn(2) == 0 {
			ru.Paths = some([]string{"/api", "/v1/", "/"})
		}
		p.Rules = append(p.Rules, ru)
	}
	return p
}

// Fetch is one fetch() of a page: its origin, method, path, the names
// of its headers (none CORS-safelisted) and whether it includes
// credentials.
type Fetch struct {
	Origin, Method, Path string
	Headers              []string
	Include              bool
}

// RandomFetch is a seeded random Fetch.
func RandomFetch(r *rand.Rand) Fetch {
	f := Fetch{Origin: Pick(r, "https://app.test", "https://app.test", "https://admin.test", "http://localhost:3000", "https://a.sub.test", "https://evil.test"),
		Method: Pick(r, "GET", "GET", "POST", "PUT", "DELETE", "patch", "PATCH"), Path: Pick(r, "/api", "/api/items", "/api/items", "/apix", "/API/items", "/v1/x", "/v1/x", "/other"),
		Include: r.Intn(3) == 0}
	switch r.Intn(5) {
	case 1:
		f.Headers = []string{"X-Api-Key"}
	case 2:
		f.Headers = []string{"Authorization", "Content-Type"}
	}
	return f
}

var chrome, _ = fetch.Lookup("chrome")

// Page is the page's verdict on f when send answers each request the
// browser sends (Chrome's checks, engine/fetch): "blocked" (at the
// preflight or the actual request: the page cannot tell), or "allowed"
// with the headers it reads.
func Page(f Fetch, send func(policy.Request) (int, headers.List)) string {
	origin := headers.List{{Name: "Origin", Value: f.Origin}}
	var author headers.List
	for _, h := range f.Headers {
		author.Add(h, "v")
	}
	creds := map[bool]string{true: "include", false: "same-origin"}[f.Include]
	if !fetch.SafelistedMethod(f.Method) || len(f.Headers) > 0 {
		pre := policy.Request{Method: "OPTIONS", URL: f.Path, Header: origin.Clone()}
		pre.Header.Add("Access-Control-Request-Method", f.Method)
		if len(f.Headers) > 0 {
			names := make([]string, len(f.Headers))
			for i, h := range f.Headers {
				names[i] = strings.ToLower(h)
			}
			sort.Strings(names)
			pre.Header.Add("Access-Control-Request-Headers", strings.Join(names, ","))
		}
		status, h := send(pre)
		out := chrome.CheckPreflight(&fetch.Request{Method: f.Method, Header: author, Credentials: creds, Mode: "cors"}, f.Method, author, status, h, f.Origin, false)
		if out.Failure != nil {
			return "blocked"
		}
	}
	req := policy.Request{Method: f.Method, URL: f.Path, Header: append(origin.Clone(), author...)}
	_, h := send(req)
	if fail, _ := chrome.CORSCheck(h, f.Origin, f.Include); fail != nil {
		return "blocked"
	}
	readable, _ := fetch.Readable(h, true, f.Include)
	// Content-Length is the server's own framing, not the policy's.
	readable = slices.DeleteFunc(readable, func(s string) bool { return s == "content-length" })
	return "allowed, reads " + strings.Join(readable, ",")
}

// List is h as a headers.List.
func List(h http.Header) headers.List {
	var l headers.List
	for name, vs := range h {
		for _, v := range vs {
			l.Add(name, v)
		}
	}
	return l
}

// WrittenSite is one written policy the server runs on Host.
type WrittenSite struct {
	Host    string
	Policy  portable.Policy
	Text    string
	Fetches []Fetch
}

// RunWritten makes every fetch of every site against the server on port
// (the upstream answering "200 none") and against native's answers to
// the site's policy, and requires the same verdict; it fails below 200
// fetches.
func RunWritten(t *testing.T, port int, sites []WrittenSite) {
	t.Helper()
	nat, _ := policy.NewRegistry(native.Formats()...).Lookup("native")
	fails, n := 0, 0
	seen := map[string]int{}
	for _, s := range sites {
		text, err := native.FromPortable(s.Policy, nil, &portable.Notes{})
		if err != nil {
			t.Fatalf("native refuses %+v: %v", s.Policy, err)
		}
		ev, err := nat.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range s.Fetches {
			n++
			real := Page(f, func(req policy.Request) (int, headers.List) {
				st, h := Send(t, port, s.Host, req, "200 none")
				return st, List(h)
			})
			want := Page(f, func(req policy.Request) (int, headers.List) {
				req.URL = "http://" + s.Host + req.URL
				out := ev.Respond(req, Reply("200 none", ""))
				return out.Reply.Status, out.Reply.Header
			})
			seen[strings.SplitN(real, ",", 2)[0]]++
			if real != want {
				fails++
				if fails <= 8 {
					t.Errorf("site %s, policy %+v:\n%s\nfetch %+v\nserver: %s\nnative: %s", s.Host, s.Policy.Rules, s.Text, f, real, want)
				}
			}
		}
	}
	t.Logf("%d written sites, %d fetches, %d differ; the server's verdicts: %v", len(sites), n, fails, seen)
	if n < 200 {
		t.Fatalf("only %d fetches", n)
	}
}
