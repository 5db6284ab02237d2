package attack_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/attack"
	"github.com/whycors/whycors/internal/probe"
)

// TestDerive pins the battery derived from a trusted origin: every kind
// of issue 22's list, each spelled as the misconfigured check it catches
// would accept it.
func TestDerive(t *testing.T) {
	type want struct {
		desc, origin, needs, source string
	}
	tests := map[string]struct {
		trusted string
		want    map[string]want
	}{
		"https host of three labels": {trusted: "https://app.example.com", want: map[string]want{
			attack.KindNull: {"the opaque origin, which sandboxed iframes send", "null", "",
				"https://html.spec.whatwg.org/multipage/browsers.html#sandboxed-origin-browsing-context-flag: a sandboxed document's origin is opaque, serialized as null"},
			attack.KindArbitrary: {"a domain unrelated to the trusted one", "https://attacker.evil.test", "",
				"James Kettle, Exploiting CORS misconfigurations (PortSwigger, 2016): servers that echo any Origin"},
			attack.KindPrefixDomain: {"a registrable domain whose name ends with example.com", "https://evil-example.com", "",
				"Kettle 2016: endsWith checks on the domain"},
			attack.KindPrefixHost: {"a host of example.com whose name ends with app.example.com", "https://evilapp.example.com", "foothold",
				"Kettle 2016: endsWith checks on the host"},
			attack.KindSuffix: {"the trusted host followed by the attacker's domain", "https://app.example.com.evil.test", "",
				"Kettle 2016: startsWith checks and regular expressions without $"},
			attack.KindUnescapedDot: {"the dot before example.com taken as any character", "https://appxexample.com", "",
				"https://pkg.go.dev/regexp/syntax: . matches any character"},
			attack.KindUnderscore: {"an underscore after the trusted host", "https://app.example.com_.evil.test", "",
				"Corben Leo, Advanced CORS Exploitation Techniques (2018): _ in hosts; the URL Standard's forbidden domain code points do not include _"},
			attack.KindBacktick: {"a backtick after the trusted host", "https://app.example.com`.evil.test", "",
				"Corben Leo 2018: Safari accepts ` in hosts"},
			attack.KindHTTP: {"the trusted host over plain http", "http://app.example.com", "network",
				"Kettle 2016: trusting http origins lets a network attacker in"},
			attack.KindSubdomain: {"a subdomain of the trusted host", "https://evil.app.example.com", "foothold",
				"Kettle 2016: subdomain wildcards"},
		}},
		"http host of two labels with a port": {trusted: "http://example.com:8080", want: map[string]want{
			attack.KindNull:         {"null as ever", "null", "", "as above"},
			attack.KindArbitrary:    {"the attacker's own origin", "https://attacker.evil.test", "", "as above"},
			attack.KindPrefixDomain: {"the domain prefixed, port kept", "http://evil-example.com:8080", "", "as above"},
			attack.KindSuffix:       {"the suffix goes on the host, before the port", "http://example.com.evil.test:8080", "", "RFC 3986 authority: host then :port"},
			attack.KindUnderscore:   {"underscore before the port", "http://example.com_.evil.test:8080", "", "as above"},
			attack.KindBacktick:     {"backtick before the port", "http://example.com`.evil.test:8080", "", "as above"},
			attack.KindSubdomain:    {"a subdomain of a two-label host", "http://evil.example.com:8080", "foothold", "as above"},
			// No prefix-host (it would be a domain prefix), no unescaped dot
			// (example.com's only dot makes no registrable domain), no http
			// (already http).
		}},
		"loopback IP address": {trusted: "http://127.0.0.1:3000", want: map[string]want{
			attack.KindNull:       {"null", "null", "", "as above"},
			attack.KindArbitrary:  {"attacker", "https://attacker.evil.test", "", "as above"},
			attack.KindSuffix:     {"more labels after the address", "http://127.0.0.1.evil.test:3000", "", "as above"},
			attack.KindUnderscore: {"underscore", "http://127.0.0.1_.evil.test:3000", "", "as above"},
			attack.KindBacktick:   {"backtick", "http://127.0.0.1`.evil.test:3000", "", "as above"},
			// An address has no domain to prefix and no subdomain.
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := attack.Derive(tc.trusted)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, c := range got {
				w, ok := tc.want[c.Kind]
				if !ok {
					t.Errorf("unexpected candidate %s %q", c.Kind, c.Origin)
					continue
				}
				seen[c.Kind] = true
				if c.Origin != w.origin || c.Needs != w.needs {
					t.Errorf("%s (%s): got %q needs %q, want %q needs %q (%s)", c.Kind, w.desc, c.Origin, c.Needs, w.origin, w.needs, w.source)
				}
				if c.Check == "" {
					t.Errorf("%s: no check described", c.Kind)
				}
			}
			for k := range tc.want {
				if !seen[k] {
					t.Errorf("missing candidate %s", k)
				}
			}
		})
	}
	for _, bad := range []string{"null", "ftp://example.com", "example.com", ""} {
		if _, err := attack.Derive(bad); err == nil {
			t.Errorf("Derive(%q): no error", bad)
		}
	}
}

// serve answers as the configuration text in format would, through the
// engine's own evaluator, with body as the application's reply.
func serve(t *testing.T, format, text, body string) string {
	t.Helper()
	f, ok := all.Registry().Lookup(format)
	if !ok {
		t.Fatal("no format " + format)
	}
	ev, err := f.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := policy.Request{Method: r.Method, URL: "http://" + r.Host + r.URL.RequestURI()}
		for name, vs := range r.Header {
			for _, v := range vs {
				req.Header = append(req.Header, headers.Field{Name: name, Value: v})
			}
		}
		out := ev.Respond(req, policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "application/json"}}})
		for _, h := range out.Reply.Header {
			w.Header().Add(h.Name, h.Value)
		}
		w.WriteHeader(out.Reply.Status)
		if r.Method != http.MethodOptions {
			w.Write([]byte(body))
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestRunAndFix runs the battery against loopback servers that answer as
// S3 CORS configurations, and asks FixFor for each finding. S3 echoes the
// request's origin with Access-Control-Allow-Credentials: true when a rule
// whose AllowedOrigins entry (one "*" wildcard) matches it, and "*"
// without credentials for the entry "*"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html,
// /work/shared/reference/cloud-policies.md).
func TestRunAndFix(t *testing.T) {
	eng := advise.Options(all.Registry())
	tests := map[string]struct {
		desc, policy string
		want         map[string]string // kind: severity
		verified     bool
	}{
		"wildcard subdomain": {
			desc:     "https://*.example.com beside the exact origin: every host of example.com reads with cookies",
			policy:   `[{"AllowedOrigins": ["https://app.example.com", "https://*.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["content-type"]}]`,
			want:     map[string]string{attack.KindPrefixHost: attack.Medium, attack.KindSubdomain: attack.Medium},
			verified: true,
		},
		"any origin": {
			desc:   `"*": every origin reads, without cookies (S3 sends "*" and no credentials)`,
			policy: `[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]`,
			want: map[string]string{attack.KindNull: attack.Low, attack.KindArbitrary: attack.Low, attack.KindPrefixDomain: attack.Low,
				attack.KindPrefixHost: attack.Low, attack.KindSuffix: attack.Low, attack.KindUnescapedDot: attack.Low,
				attack.KindUnderscore: attack.Low, attack.KindBacktick: attack.Low, attack.KindHTTP: attack.Low, attack.KindSubdomain: attack.Low},
			verified: true,
		},
		"strict": {
			desc:   "the exact origin alone: nothing else is accepted",
			policy: `[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["content-type"]}]`,
			want:   map[string]string{},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			url := serve(t, "s3-json", tc.policy, `{"secret": "s3cr3t"}`) + "/data"
			res := attack.Run(context.Background(), attack.Options{URL: url, Origin: "https://app.example.com", Probe: probe.Options{Engine: eng}})
			if res.Error != "" {
				t.Fatal(res.Error)
			}
			if !res.Trusted {
				t.Errorf("the trusted origin is refused")
			}
			got := map[string]string{}
			for _, f := range res.Findings {
				got[f.Kind] = f.Severity
				if f.Read == nil || !strings.Contains(f.Read.Body, "s3cr3t") {
					t.Errorf("%s: the body read is not reported: %+v", f.Kind, f.Read)
				}
				fx := attack.FixFor(attack.Config{Name: "cors.json", Text: tc.policy, Format: "auto"}, url, "https://app.example.com", f, eng)
				if fx.Verified != tc.verified {
					t.Errorf("%s: fix verified %v, want %v (%+v)", f.Kind, fx.Verified, tc.verified, fx)
				}
				if fx.Verified && !strings.Contains(fx.Diff, `+`) {
					t.Errorf("%s: verified fix without a diff: %+v", f.Kind, fx)
				}
			}
			t.Logf("%v requests=%d", keys(got), res.Requests)
			if !equal(got, tc.want) {
				t.Errorf("%s\nfindings %v\nwant     %v", tc.desc, got, tc.want)
			}
		})
	}
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
