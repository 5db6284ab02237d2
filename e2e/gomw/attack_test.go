package gomw_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	rs "github.com/rs/cors"
	"github.com/whycors/whycors/e2e/attack/attacktest"
	"github.com/whycors/whycors/engine/formats/rscors"
	"github.com/whycors/whycors/internal/attack"
)

// rsSource cites github.com/rs/cors v1.11.1's cors.go: New and
// isOriginAllowed (an AllowOriginFunc decides alone; "*" in
// AllowedOrigins allows every origin and answers "*"; an entry with one
// "*" is a prefix and a suffix, wildcard.match in utils.go), and
// allowOrigin: the request's Origin is echoed unless every origin is
// allowed, Access-Control-Allow-Credentials: true whenever
// AllowCredentials is set.
const rsSource = "rs/cors v1.11.1 cors.go (New, isOriginAllowed, handleActualRequest) and utils.go (wildcard.match)"

// TestAttackRSCors runs the attacker's battery against the real rs/cors,
// one weak configuration a path on one server, and a strict one that must
// give no finding. The Fetch standard's CORS check refuses "*" to a
// credentialed request (https://fetch.spec.whatwg.org/#cors-check), so a
// "*" answer is read without cookies only (low).
func TestAttackRSCors(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"me": "alice"}`)) })
	unescaped := regexp.MustCompile(`^https://app.example.com`)
	configs := []struct {
		path    string
		opts    rs.Options
		src     string // the same options as Go source, for the rs-cors format; "" when it cannot say them
		fixable bool
		want    map[string]attacktest.Weakness
		desc    string
	}{
		{path: "/reflect", desc: "AllowOriginFunc returning true, with credentials: every origin reads with cookies",
			opts: rs.Options{AllowOriginFunc: func(string) bool { return true }, AllowCredentials: true},
			want: attacktest.All(true, "the function accepts every origin and rs/cors echoes it with credentials ("+rsSource+")")},
		{path: "/star", desc: `AllowedOrigins "*" with credentials: rs/cors answers "*", which browsers read without cookies only`,
			opts: rs.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true},
			src:  `AllowedOrigins: []string{"*"}, AllowCredentials: true`, fixable: true,
			want: attacktest.All(false, `"*" allows every origin and is sent as "*" (`+rsSource+`); the Fetch CORS check refuses it with credentials`)},
		{path: "/subdomains", desc: `"https://*.example.com": every host of example.com, a sibling of app or below it`,
			opts: rs.Options{AllowedOrigins: []string{"https://app.example.com", "https://*.example.com"}, AllowCredentials: true},
			src:  `AllowedOrigins: []string{"https://app.example.com", "https://*.example.com"}, AllowCredentials: true`, fixable: true,
			want: map[string]attacktest.Weakness{
				attack.KindPrefixHost: attacktest.W(attack.Medium, `evilapp.example.com has prefix "https://" and suffix ".example.com" (`+rsSource+`)`),
				attack.KindSubdomain:  attacktest.W(attack.Medium, `evil.app.example.com has the same prefix and suffix (`+rsSource+`)`),
			}},
		{path: "/prefix", desc: `"https://app.example.com*" (meant for ports): anything that starts with the origin`,
			opts: rs.Options{AllowedOrigins: []string{"https://app.example.com*"}, AllowCredentials: true},
			src:  `AllowedOrigins: []string{"https://app.example.com*"}, AllowCredentials: true`, fixable: true,
			want: map[string]attacktest.Weakness{
				attack.KindSuffix:     attacktest.W(attack.High, `a wildcard with an empty suffix is a prefix test (`+rsSource+`)`),
				attack.KindUnderscore: attacktest.W(attack.High, `likewise: "_.evil.test" follows the prefix`),
				attack.KindBacktick:   attacktest.W(attack.High, "likewise: \"`.evil.test\" follows the prefix"),
			}},
		{path: "/endswith", desc: `AllowOriginFunc with strings.HasSuffix(origin, "example.com")`,
			opts: rs.Options{AllowOriginFunc: func(o string) bool { return strings.HasSuffix(o, "example.com") }, AllowCredentials: true},
			want: map[string]attacktest.Weakness{
				attack.KindPrefixDomain: attacktest.W(attack.High, "evil-example.com ends with example.com"),
				attack.KindPrefixHost:   attacktest.W(attack.Medium, "evilapp.example.com ends with example.com"),
				attack.KindUnescapedDot: attacktest.W(attack.High, "appxexample.com ends with example.com"),
				attack.KindHTTP:         attacktest.W(attack.Medium, "the scheme is not looked at"),
				attack.KindSubdomain:    attacktest.W(attack.Medium, "evil.app.example.com ends with example.com"),
			}},
		{path: "/regexp", desc: "AllowOriginFunc with the regexp ^https://app.example.com (dots unescaped, no $)",
			opts: rs.Options{AllowOriginFunc: unescaped.MatchString, AllowCredentials: true},
			want: map[string]attacktest.Weakness{
				attack.KindSuffix:       attacktest.W(attack.High, "no $: anything may follow (https://pkg.go.dev/regexp: MatchString reports a match anywhere)"),
				attack.KindUnderscore:   attacktest.W(attack.High, "no $"),
				attack.KindBacktick:     attacktest.W(attack.High, "no $"),
				attack.KindUnescapedDot: attacktest.W(attack.High, `"." matches "x" (https://pkg.go.dev/regexp/syntax)`),
			}},
		{path: "/null", desc: `"null" listed beside the origin`,
			opts: rs.Options{AllowedOrigins: []string{"https://app.example.com", "null"}, AllowCredentials: true},
			src:  `AllowedOrigins: []string{"https://app.example.com", "null"}, AllowCredentials: true`, fixable: true,
			want: map[string]attacktest.Weakness{attack.KindNull: attacktest.W(attack.High, `"null" is compared as any other origin (`+rsSource+`)`)}},
		{path: "/strict", desc: "the exact origin alone, with credentials",
			opts: rs.Options{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true},
			src:  `AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true`,
			want: map[string]attacktest.Weakness{}},
	}
	mux := http.NewServeMux()
	for _, c := range configs {
		mux.Handle(c.path, rs.New(c.opts).Handler(app))
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, c := range configs {
		t.Run(strings.TrimPrefix(c.path, "/"), func(t *testing.T) {
			pol := ""
			if c.src != "" {
				pol = "package main\n\nimport \"github.com/rs/cors\"\n\nfunc setup() {\n\t_ = cors.New(cors.Options{" + c.src + "})\n}\n"
			}
			attacktest.Check(t, attacktest.Case{Desc: c.desc, URL: srv.URL + c.path, Want: c.want, Policy: pol, Fixable: c.fixable, Formats: rscors.Formats()})
		})
	}
}
