// Package attack_test runs the attacker's battery (whycors probe --attack,
// internal/attack) against real servers with deliberately weak CORS
// configurations: nginx and the Python libraries here, rs/cors in
// e2e/gomw, expressjs/cors in e2e/node. Each configuration states the
// weaknesses it has, with why; the battery must find every one and no
// other, and a strict configuration must give none.
package attack_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/attack/attacktest"
	"github.com/whycors/whycors/e2e/internal/nginxtest"
	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/internal/attack"
)

// nginxDocs cites how the configurations below behave in nginx: "~" is a
// case-sensitive PCRE match anywhere in the value unless anchored
// (https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#if),
// "=" a comparison of the whole value, and add_header sends nothing when
// its value is empty and, with "always", is sent with every status
// (https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header).
const nginxDocs = "nginx docs: ngx_http_rewrite_module#if, ngx_http_headers_module#add_header"

// nginxLocation is a location that sets $cors from the Origin header with
// test (an nginx if condition on $http_origin, or "" to echo it always),
// sends it with credentials, and answers preflights itself.
func nginxLocation(path, test string) string {
	set := "    set $cors $http_origin;\n"
	if test != "" {
		set = "    set $cors \"\";\n    if ($http_origin " + test + ") { set $cors $http_origin; }\n"
	}
	return "  location = " + path + " {\n" + set +
		"    add_header Access-Control-Allow-Origin $cors always;\n" +
		"    add_header Access-Control-Allow-Credentials true always;\n" +
		"    add_header Access-Control-Allow-Methods \"GET, PUT\" always;\n" +
		"    add_header Access-Control-Allow-Headers \"Content-Type\" always;\n" +
		"    if ($request_method = OPTIONS) { return 204; }\n" +
		"    return 200 '{\"me\": \"alice\"}';\n  }\n"
}

// TestAttackNginx runs the battery against Debian's nginx, every
// configuration a location of one server.
func TestAttackNginx(t *testing.T) {
	configs := []struct {
		path, desc string
		conf       string
		want       map[string]attacktest.Weakness
	}{
		{path: "/reflect", desc: "$http_origin echoed with credentials",
			conf: nginxLocation("/reflect", ""),
			want: attacktest.All(true, "every Origin is sent back with Access-Control-Allow-Credentials: true ("+nginxDocs+")")},
		{path: "/unanchored", desc: `if ($http_origin ~ "https://app.example.com"): no ^ or $, dots unescaped`,
			conf: nginxLocation("/unanchored", `~ "https://app.example.com"`),
			want: map[string]attacktest.Weakness{
				attack.KindSuffix:       attacktest.W(attack.High, "the regex matches anywhere in the value, so more may follow ("+nginxDocs+")"),
				attack.KindUnderscore:   attacktest.W(attack.High, "likewise, _.evil.test follows"),
				attack.KindBacktick:     attacktest.W(attack.High, "likewise, `.evil.test follows"),
				attack.KindUnescapedDot: attacktest.W(attack.High, `"." matches the x of appxexample.com (PCRE)`),
			}},
		{path: "/subdomains", desc: `~ "^https://([a-z0-9-]+\.)*app\.example\.com$": app and every host below it`,
			conf: nginxLocation("/subdomains", `~ "^https://([a-z0-9-]+\.)*app\.example\.com$"`),
			want: map[string]attacktest.Weakness{attack.KindSubdomain: attacktest.W(attack.Medium, "evil.app.example.com matches the repeated label group")}},
		{path: "/anyscheme", desc: `~ "^https?://app\.example\.com$": http too`,
			conf: nginxLocation("/anyscheme", `~ "^https?://app\.example\.com$"`),
			want: map[string]attacktest.Weakness{attack.KindHTTP: attacktest.W(attack.Medium, "s? makes the scheme's s optional")}},
		{path: "/endswith", desc: `~ "example\.com$": anchored at the end only`,
			conf: nginxLocation("/endswith", `~ "example\.com$"`),
			want: map[string]attacktest.Weakness{
				attack.KindPrefixDomain: attacktest.W(attack.High, "evil-example.com ends with example.com"),
				attack.KindPrefixHost:   attacktest.W(attack.Medium, "evilapp.example.com ends with example.com"),
				attack.KindUnescapedDot: attacktest.W(attack.High, "appxexample.com ends with example.com"),
				attack.KindHTTP:         attacktest.W(attack.Medium, "no scheme in the pattern"),
				attack.KindSubdomain:    attacktest.W(attack.Medium, "evil.app.example.com ends with example.com"),
			}},
		{path: "/star", desc: `Access-Control-Allow-Origin "*" with credentials: browsers read it without cookies only`,
			conf: strings.Replace(nginxLocation("/star", ""), "$cors always", "* always", 1),
			want: attacktest.All(false, `"*" answers every origin; the Fetch CORS check refuses it with credentials (https://fetch.spec.whatwg.org/#cors-check)`)},
		{path: "/strict", desc: `if ($http_origin = "https://app.example.com")`,
			conf: nginxLocation("/strict", `= "https://app.example.com"`),
			want: map[string]attacktest.Weakness{}},
	}
	var b strings.Builder
	b.WriteString("server {\n  listen 127.0.0.1:{{port}};\n  default_type application/json;\n")
	for _, c := range configs {
		b.WriteString(c.conf)
	}
	b.WriteString("}\n")
	port := nginxtest.Start(t, nginxtest.Head+b.String()+"}\n", nil)
	for _, c := range configs {
		t.Run(strings.TrimPrefix(c.path, "/"), func(t *testing.T) {
			// The fix is asked of the nginx reader for the whole server:
			// the battery's findings are "if" tests, which no edit of a
			// list can narrow, so a fix in words is expected, not verified.
			attacktest.Check(t, attacktest.Case{Desc: c.desc, URL: "http://127.0.0.1:" + strconv.Itoa(port) + c.path, Want: c.want,
				Policy: b.String(), Formats: nginx.Formats()})
		})
	}
}
