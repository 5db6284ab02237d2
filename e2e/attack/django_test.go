package attack_test

import (
	"testing"

	"github.com/whycors/whycors/e2e/attack/attacktest"
	"github.com/whycors/whycors/engine/formats/djangocors"
	"github.com/whycors/whycors/internal/attack"
)

// djangoSource cites django-cors-headers 3.14.0's corsheaders/middleware.py
// (Debian 12's python3-django-cors-headers): process_response sends
// Access-Control-Allow-Origin "*" when CORS_ALLOW_ALL_ORIGINS is set
// without CORS_ALLOW_CREDENTIALS, and the request's Origin otherwise;
// origin_found_in_white_lists accepts "null" when it is in
// CORS_ALLOWED_ORIGINS, an origin whose scheme and netloc equal an
// entry's (_url_in_whitelist, so "http://" entries are their own
// origins), or one a regex of CORS_ALLOWED_ORIGIN_REGEXES matches with
// re.match (regex_domain_match: anchored at the start only).
const djangoSource = "django-cors-headers 3.14.0 corsheaders/middleware.py (process_response, origin_found_in_white_lists, regex_domain_match, _url_in_whitelist)"

// TestAttackDjangoCors runs the battery against Debian 12's Django with
// django-cors-headers, every settings module under its own path of one
// server (e2e/python/testdata/server.py).
func TestAttackDjangoCors(t *testing.T) {
	settings := func(lines string) string {
		return "MIDDLEWARE = [\"corsheaders.middleware.CorsMiddleware\"]\n" + lines
	}
	// No row is fixable: djangocors' editor (pylit.EditOptions) adds
	// items but has no fix.Replace, so every fix is advice in words. Each
	// row is Modeled: djangocors reading the settings allows every origin
	// the server accepted.
	configs := []pyConfig{
		{id: "all-creds", desc: "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS: every origin echoed with credentials",
			src:  settings("CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n"),
			want: attacktest.All(true, "all origins with credentials echo the Origin, with Access-Control-Allow-Credentials: true ("+djangoSource+")")},
		{id: "all", desc: `CORS_ALLOW_ALL_ORIGINS alone: "*", read without cookies`,
			src:  settings("CORS_ALLOW_ALL_ORIGINS = True\n"),
			want: attacktest.All(false, `all origins without credentials send "*": any page reads what an anonymous request gets (`+djangoSource+")")},
		{id: "unanchored", desc: `CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://app\.example\.com"]: no $`,
			src: settings("CORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://app\\.example\\.com\"]\nCORS_ALLOW_CREDENTIALS = True\n"),
			want: map[string]attacktest.Weakness{
				attack.KindSuffix:     attacktest.W(attack.High, "re.match anchors the start only: .evil.test may follow ("+djangoSource+")"),
				attack.KindUnderscore: attacktest.W(attack.High, "likewise: _.evil.test may follow"),
				attack.KindBacktick:   attacktest.W(attack.High, "likewise: `.evil.test may follow"),
			}},
		{id: "dot", desc: `CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://app.example.com$"]: dots unescaped`,
			src: settings("CORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://app.example.com$\"]\nCORS_ALLOW_CREDENTIALS = True\n"),
			want: map[string]attacktest.Weakness{
				attack.KindUnescapedDot: attacktest.W(attack.High, `anchored, but "." matches the x of appxexample.com (re.match, `+djangoSource+")"),
			}},
		{id: "wildcard", desc: `CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://.*\.example\.com$"]: any host under example.com`,
			src: settings("CORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://.*\\.example\\.com$\"]\nCORS_ALLOW_CREDENTIALS = True\n"),
			want: map[string]attacktest.Weakness{
				attack.KindPrefixHost: attacktest.W(attack.Medium, ".* matches evilapp ("+djangoSource+")"),
				attack.KindSubdomain:  attacktest.W(attack.Medium, ".* matches evil.app"),
			}},
		{id: "http", desc: "CORS_ALLOWED_ORIGINS lists http://app.example.com beside https",
			src: settings("CORS_ALLOWED_ORIGINS = [\"https://app.example.com\", \"http://app.example.com\"]\nCORS_ALLOW_CREDENTIALS = True\n"),
			want: map[string]attacktest.Weakness{
				attack.KindHTTP: attacktest.W(attack.Medium, "the http entry's scheme and netloc equal the candidate's (_url_in_whitelist, "+djangoSource+")"),
			}},
		{id: "null", desc: `CORS_ALLOWED_ORIGINS lists "null"`,
			src: settings("CORS_ALLOWED_ORIGINS = [\"https://app.example.com\", \"null\"]\nCORS_ALLOW_CREDENTIALS = True\n"),
			want: map[string]attacktest.Weakness{
				attack.KindNull: attacktest.W(attack.High, `origin == "null" and "null" in CORS_ALLOWED_ORIGINS (origin_found_in_white_lists, `+djangoSource+")"),
			}},
		{id: "strict", desc: "the exact origin, and an anchored regex with escaped dots",
			src:  settings("CORS_ALLOWED_ORIGINS = [\"https://app.example.com\"]\nCORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://app\\.example\\.com$\"]\nCORS_ALLOW_CREDENTIALS = True\n"),
			want: map[string]attacktest.Weakness{}},
	}
	base := servePython(t, "django", "corsheaders, django", "python3-django python3-django-cors-headers", configs)
	for _, c := range configs {
		t.Run(c.id, func(t *testing.T) {
			attacktest.Check(t, attacktest.Case{Desc: c.desc, URL: base + "/" + c.id + "/data", Want: c.want, Policy: c.src,
				Modeled: true, Formats: djangocors.Formats()})
		})
	}
}
