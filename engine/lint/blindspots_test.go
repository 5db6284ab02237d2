package lint_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/lint"
)

// TestBlindSpots: the configurations issue 21's review fed lint, which it
// passed silently; each is found now, at its line.
func TestBlindSpots(t *testing.T) {
	tests := []struct {
		desc, source, format, text, code string
		sev                              lint.Severity
		line                             int
	}{
		{desc: "an nginx location other than / with * and credentials: every location is probed", source: "Fetch §3.2.5 CORS check; server-peers.md §1.2",
			format: "nginx", text: "server {\n  location / { }\n  location /api/ { add_header Access-Control-Allow-Origin '*'; add_header Access-Control-Allow-Credentials 'true'; }\n}\n",
			code: "wildcard-credentials", sev: lint.Error, line: 3},
		{desc: "a nested regex location", source: "ngx_http_core_module location",
			format: "nginx", text: "location /v1/ {\n  location ~ ^/v1/admin/ {\n    add_header Access-Control-Allow-Origin * always;\n    add_header Access-Control-Allow-Credentials true always;\n  }\n}\n",
			code: "wildcard-credentials", sev: lint.Error, line: 3},
		{desc: "nginx answering only OPTIONS with * and credentials: every method is probed", source: "Fetch §4.8 CORS-preflight fetch",
			format: "nginx", text: "location / {\n  if ($request_method = OPTIONS) {\n    add_header Access-Control-Allow-Origin * always;\n    add_header Access-Control-Allow-Credentials true always;\n    return 204;\n  }\n}\n",
			code: "wildcard-credentials", sev: lint.Error, line: 3},
		{desc: "a raw 204 preflight reply with * and credentials: OPTIONS is probed", source: "Fetch §4.8 CORS-preflight fetch, §3.2.5 CORS check",
			format: "raw", text: "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\nAccess-Control-Allow-Methods: PUT\r\n\r\n",
			code: "wildcard-credentials", sev: lint.Error, line: 2},
		{desc: "nginx Access-Control-Allow-Origin: null with credentials", source: "server-peers.md §1.2, §4 item 18",
			format: "nginx", text: "location / {\n  add_header Access-Control-Allow-Origin null always;\n  add_header Access-Control-Allow-Credentials true always;\n}\n",
			code: "null-origin", sev: lint.Warning, line: 2},
		{desc: "a raw reply with null and credentials, after a preflight reply", source: "server-peers.md §1.2, §4 item 18",
			format: "raw", text: "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: https://app.test\r\nAccess-Control-Allow-Methods: PUT\r\n\r\nHTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: null\r\nAccess-Control-Allow-Credentials: true\r\n\r\n",
			code: "null-origin", sev: lint.Warning, line: 6},
		{desc: "a HAR whose reply allows null with credentials", source: "server-peers.md §1.2, §4 item 18",
			format: "har", text: `{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": [
 {"_resourceType": "fetch", "request": {"method": "GET", "url": "https://api.test/x", "headers": [{"name": "Origin", "value": "null"}]},
  "response": {"status": 200, "statusText": "OK", "headers": [{"name": "Access-Control-Allow-Origin", "value": "null"}, {"name": "Access-Control-Allow-Credentials", "value": "true"}]}}]}}`,
			code: "null-origin", sev: lint.Warning, line: 3},
		{desc: "an nginx origin check whose regular expression lacks ^ and its dot: the probe from whycors-probe-example.com is echoed", source: "server-peers.md §4 item 2",
			format: "nginx", text: "location / {\n  if ($http_origin ~* (example\\.com)$) {\n    add_header Access-Control-Allow-Origin $http_origin always;\n    add_header Access-Control-Allow-Credentials true always;\n  }\n}\n",
			code: "suffix-trap", sev: lint.Error, line: 3},
		{desc: "an Express RegExp without ^ that starts with a name: a domain that merely ends like it", source: "server-peers.md §4 item 2",
			format: "express", text: "app.use(cors({ origin: [/example\\.com$/], credentials: true }))", code: "suffix-trap", sev: lint.Error, line: 1},
		// expressjs/cors's README: an Origin is scheme://host[:port]
		// (RFC 6454 §6.2), so the pattern matches subdomains alone, but
		// over http too. Tried as a new user would, it was an error
		// naming https://evil.test?x=..., which no Origin can be.
		{desc: "an Express RegExp /\\.example\\.com$/ with credentials: subdomains over any scheme, a warning", source: "expressjs/cors README; RFC 6454 §6.2; portswigger.net/web-security/cors (trusting insecure protocols)",
			format: "express", text: "app.use(cors({ origin: [/\\.example\\.com$/], credentials: true }))", code: "suffix-trap", sev: lint.Warning, line: 1},
		// The SetEnvIf of a common answer for Apache: dots unescaped and
		// http allowed, with credentials; tried as a new user would,
		// lint said nothing.
		{desc: "an Apache SetEnvIf whose dot is unescaped: appxexample.org is echoed", source: "server-peers.md §4 item 2",
			format: "apache", text: apacheSetEnvIf, code: "suffix-trap", sev: lint.Error, line: 2},
		{desc: "an Apache SetEnvIf that lets http:// in, with credentials", source: "server-peers.md §1.2 (insecure); w3c.github.io/webappsec-secure-contexts",
			format: "apache", text: apacheSetEnvIf, code: "insecure-origin", sev: lint.Error, line: 2},
		// Its alternation and optional group: the domains the group makes
		// are asked too (a second review found these linting clean).
		{desc: "an Apache SetEnvIf alternation (www|app).example.com with its dot unescaped", source: "server-peers.md §4 item 2",
			format: "apache", text: strings.Replace(apacheSetEnvIf, `(www\\.)?(app.example.org)`, `(www|app).example.org`, 1), code: "suffix-trap", sev: lint.Error, line: 2},
		{desc: "an optional group (www.)?example.org", source: "server-peers.md §4 item 2",
			format: "apache", text: strings.Replace(apacheSetEnvIf, `(www\\.)?(app.example.org)`, `(www.)?example.org`, 1), code: "suffix-trap", sev: lint.Error, line: 2},
		// A site with a host: lint's probe asked a host no site serves,
		// so an unanchored header_regexp linted clean (tried as a new
		// user would); Targets asks each site's own host.
		{desc: "a Caddy site's header_regexp Origin without ^ and $", source: "server-peers.md §4 item 2; caddyserver.com/docs/caddyfile/matchers#header-regexp",
			format: "caddy", text: "api.example.com {\n\t@o header_regexp Origin https://.*example.com\n\theader @o Access-Control-Allow-Origin {header.Origin}\n\theader @o Access-Control-Allow-Credentials true\n\trespond 200\n}\n",
			code: "suffix-trap", sev: lint.Error, line: 3},
		// The allowed origins echoed, without Vary: Origin (tried as a
		// new user would, each linted clean of it).
		{desc: "an nginx map that echoes the allowed origins without Vary", source: "fetch.spec.whatwg.org/#cors-protocol-and-http-caches",
			format: "nginx", text: "map $http_origin $cors {\n  default \"\";\n  \"~^https://(www\\.)?example\\.com$\" $http_origin;\n}\nserver {\n  location / {\n    add_header Access-Control-Allow-Origin $cors always;\n  }\n}\n",
			code: "vary-origin", sev: lint.Warning, line: 7},
		{desc: "an Apache SetEnvIf $0 echo without Vary", source: "fetch.spec.whatwg.org/#cors-protocol-and-http-caches",
			format: "apache", text: "SetEnvIf Origin \"^https://(app|admin)\\.example\\.com$\" CORS=$0\nHeader always set Access-Control-Allow-Origin \"%{CORS}e\" env=CORS\n",
			code: "vary-origin", sev: lint.Warning, line: 2},
		{desc: "a Caddy header_regexp echo without Vary", source: "fetch.spec.whatwg.org/#cors-protocol-and-http-caches",
			format: "caddy", text: "api.example.com {\n\t@o header_regexp Origin ^https://[a-z]+\\.example\\.com$\n\theader @o Access-Control-Allow-Origin {header.Origin}\n\trespond 200\n}\n",
			code: "vary-origin", sev: lint.Warning, line: 3},
		// A preflight answered without the CORS lines its GET has
		// (tried as a new user would, it linted clean).
		{desc: "an nginx server-level if that answers every OPTIONS with 204 and no Access-Control-Allow-Origin", source: "fetch.spec.whatwg.org/#cors-preflight-fetch; nginx.org/en/docs/http/ngx_http_headers_module.html (add_header is not inherited by a server-level return)",
			format: "nginx", text: "server {\n  if ($request_method = OPTIONS) {\n    return 204;\n  }\n  location /api/ {\n    add_header Access-Control-Allow-Origin \"https://app.example.com\" always;\n    proxy_pass http://app;\n  }\n}\n",
			code: "preflight-refused", sev: lint.Warning, line: 6},
		{desc: "an nginx map that lets a name through without $", source: "server-peers.md §4 item 2",
			format: "nginx", text: "map $http_origin $cors {\n  default \"\";\n  ~^https://app\\.example\\.com $http_origin;\n}\nserver {\n  add_header Access-Control-Allow-Origin $cors always;\n}\n",
			code: "suffix-trap", sev: lint.Error, line: 6},
		{desc: "two Access-Control-Allow-Origin lines in one nginx location", source: "cloud-policies.md §6.5 (MultipleAllowOriginValues)",
			format: "nginx", text: "location / {\n  add_header Access-Control-Allow-Origin https://a.test always;\n  add_header Access-Control-Allow-Origin https://b.test always;\n}\n",
			code: "origin-never-matches", sev: lint.Warning, line: 2},
		{desc: "two Access-Control-Allow-Origin lines in a raw reply", source: "cloud-policies.md §6.5",
			format: "raw", text: "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: https://a.test\r\nAccess-Control-Allow-Origin: https://b.test\r\n\r\n",
			code: "origin-never-matches", sev: lint.Warning, line: 2},
		{desc: "an S3 origin with a trailing space", source: "RFC 6454 §7: one serialized origin",
			format: "s3-json", text: `[{"AllowedOrigins": ["https://app.test "], "AllowedMethods": ["GET"]}]`, code: "origin-never-matches", sev: lint.Warning, line: 1},
		{desc: "two origins in one GCS entry", source: "RFC 6454 §7",
			format: "gcs-json", text: `[{"origin": ["https://a.test https://b.test"], "method": ["GET"]}]`, code: "origin-never-matches", sev: lint.Warning, line: 1},
		{desc: "two origins in one nginx value", source: "Fetch §3.2.5: the value is compared whole",
			format: "nginx", text: "location / {\n  add_header Access-Control-Allow-Origin 'https://a.test https://b.test' always;\n}\n", code: "origin-never-matches", sev: lint.Warning, line: 2},
		{desc: "two native rules alike", source: "native doc: the first rule whose path and origins match decides",
			format: "native", text: "{\"rules\": [\n {\"path\": \"/api/*\", \"origins\": [\"https://app.test\"]},\n {\"path\": \"/api/*\", \"origins\": [\"https://app.test\"]}\n]}", code: "duplicate-rule", sev: lint.Warning, line: 3},
		{desc: "a native rule after one for every path that allows its origins", source: "native doc: the first rule whose path and origins match decides (issue 19)",
			format: "native", text: "{\"rules\": [\n {\"origins\": [\"https://app.test\", \"https://admin.test\"]},\n {\"path\": \"/admin/*\", \"origins\": [\"https://admin.test\"]}\n]}", code: "unreachable-rule", sev: lint.Warning, line: 3},
		{desc: "a native rule after one with the same path that allows its origins", source: "native doc (issue 19)",
			format: "native", text: "{\"rules\": [\n {\"path\": \"/api/*\", \"origins\": [\"*\"]},\n {\"path\": \"/api/*\", \"origins\": [\"https://other.test\"]}\n]}", code: "unreachable-rule", sev: lint.Warning, line: 3},
		{desc: "a module's bucket whose second rule its first covers, beside a bucket with the same rule", source: "cloud-policies.md §1.3: the first matching rule",
			format: "terraform", text: twoBuckets + "resource \"aws_s3_bucket_cors_configuration\" \"more\" {\n  bucket = \"more\"\n  cors_rule {\n    allowed_origins = [\"*\"]\n    allowed_methods = [\"GET\"]\n  }\n  cors_rule {\n    allowed_origins = [\"https://app.test\"]\n    allowed_methods = [\"GET\"]\n  }\n}\n", code: "unreachable-rule", sev: lint.Warning, line: 24},
		{desc: "a module's S3 rule written first that the provider sends after one covering it", source: "cloud-policies.md §1.3: the first matching rule; terraform-provider-aws keeps cors_rule as a set (schema.TypeSet), sent in its hash order (e2e/tfsdk)",
			format: "terraform", text: "resource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"acme\"\n  cors_rule {\n    allowed_origins = [\"https://app.example.com\"]\n    allowed_methods = [\"PUT\"]\n    expose_headers  = [\"ETag\"]\n  }\n  cors_rule {\n    allowed_origins = [\"https://app.example.com\", \"https://www.example.com\"]\n    allowed_methods = [\"GET\", \"PUT\"]\n  }\n}\n", code: "unreachable-rule", sev: lint.Warning, line: 3},
		{desc: "an S3 rule whose origins and methods an earlier rule lists", source: "cloud-policies.md §1.3: the first matching rule",
			format: "s3-json", text: "[{\"AllowedOrigins\": [\"*\"], \"AllowedMethods\": [\"GET\", \"PUT\"], \"AllowedHeaders\": [\"*\"]},\n {\"AllowedOrigins\": [\"https://app.test\"], \"AllowedMethods\": [\"PUT\"]}]", code: "unreachable-rule", sev: lint.Warning, line: 2},
	}
	for _, tc := range tests {
		fs, err := lint.Lint(reg, tc.text, tc.format)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		ok := false
		for _, f := range fs {
			ok = ok || (f.Code == tc.code && f.Severity == tc.sev && f.Line == tc.line)
		}
		if !ok {
			t.Errorf("%s (%s): no %s %s at line %d; findings:\n%s", tc.desc, tc.source, tc.sev, tc.code, tc.line, dump(fs))
		}
	}
	// Not reported: rules an earlier one does not cover; an origin check
	// anchored at both ends with its dots escaped.
	for _, tc := range []struct{ format, text string }{
		{"nginx", "location / {\n    if ($http_origin ~* ^https://(app|www)\\.example\\.com$) {\n        add_header Access-Control-Allow-Origin $http_origin always;\n        add_header Access-Control-Allow-Credentials true always;\n    }\n}\n"},
		{"native", "{\"rules\": [{\"path\": \"/api/*\", \"origins\": [\"https://a.test\"]}, {\"path\": \"/admin/*\", \"origins\": [\"https://a.test\"]}]}"},
		// A later native rule answers the origins an earlier one for the same paths does not allow (issue 19).
		{"native", "{\"rules\": [{\"origins\": [\"https://app.test\"]}, {\"path\": \"/admin/*\", \"origins\": [\"https://admin.test\"]}]}"},
		{"s3-json", "[{\"AllowedOrigins\": [\"https://app.test\"], \"AllowedMethods\": [\"GET\"]}, {\"AllowedOrigins\": [\"https://app.test\"], \"AllowedMethods\": [\"PUT\"]}]"},
		// Two buckets of one module, each with its own rules: one
		// bucket's rule never answers for the other's (tried as a new
		// user would, the Cloud Storage bucket's one rule was "never
		// used" for the S3 bucket's first).
		{"terraform", twoBuckets},
		// The second block, a rule the first covers, is the one the
		// AWS provider sends first (its set's hash order): S3 takes
		// it first, and the first then answers GET and
		// https://b.example.com, so neither is idle. Read as written,
		// the second was "never used".
		{"terraform", "resource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"acme\"\n  cors_rule {\n    allowed_origins = [\"https://app.example.com\", \"https://b.example.com\"]\n    allowed_methods = [\"GET\", \"PUT\"]\n  }\n  cors_rule {\n    allowed_origins = [\"https://app.example.com\"]\n    allowed_methods = [\"PUT\"]\n  }\n}\n"},
		// Every subdomain of example.com, anchored and escaped, on a
		// server named api.example.com: the probe whycors-probe-api.example.com
		// is one of those subdomains, not a name that merely ends in
		// api.example.com (tried as a new user would, it was an error).
		{"nginx", "map $http_origin $cors_origin { default \"\"; \"~^https://[a-z0-9-]+\\.example\\.com$\" $http_origin; }\nserver { server_name api.example.com;\n  location / { add_header Access-Control-Allow-Origin $cors_origin always; add_header Vary Origin always; } }\n"},
		// No ^, but the scheme first: it can match only from an
		// Origin's start (RFC 6454 §6.2).
		{"express", "app.use(cors({ origin: [/https:\\/\\/app\\.example\\.com$/], credentials: true }))"},
	} {
		fs, _ := lint.Lint(reg, tc.text, tc.format)
		for _, f := range fs {
			if f.Code == "unreachable-rule" || f.Code == "duplicate-rule" || f.Code == "suffix-trap" || f.Code == "reflect-any-origin" || f.Code == "vary-origin" && strings.Contains(tc.text, "Vary Origin") {
				t.Errorf("%s %s: %+v", tc.format, tc.text, f)
			}
		}
	}
}

// twoBuckets is a module of an S3 bucket and a Cloud Storage bucket with
// the same origin and method.
const twoBuckets = `resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = "uploads"
  cors_rule {
    allowed_origins = ["https://app.test"]
    allowed_methods = ["GET", "PUT"]
  }
}

resource "google_storage_bucket" "assets" {
  name     = "assets"
  location = "EU"
  cors {
    origin = ["https://app.test"]
    method = ["GET"]
  }
}

`

// apacheSetEnvIf echoes the origins a pattern lets in, with credentials.
const apacheSetEnvIf = `SetEnvIf Origin "http(s)?://(www\\.)?(app.example.org)$" ACAO=$0
Header set Access-Control-Allow-Origin %{ACAO}e env=ACAO
Header set Access-Control-Allow-Credentials "true"
`

// TestRegexExample: a pattern's finding names an origin the pattern
// matches, made from the pattern: tried as a new user would, Traefik's
// "https://.*\.example\.com" was told to add ^ (it lacks $), with the
// pattern's own text as the attacker's origin, and every pattern
// without $ was said to match https://example.com.attacker.example.
func TestRegexExample(t *testing.T) {
	for _, tc := range []struct{ desc, re, want string }{
		{desc: "a scheme first, no anchors: $ is what it lacks", re: `https://.*\\.example\\.com`,
			want: "is not anchored with $, so it also matches an origin that goes on past it, such as https://x.example.com.attacker.example; add $"},
		{desc: "^ without $", re: `^https://(www\\.)?example\\.com`,
			want: "such as https://example.com.attacker.example; add $"},
		{desc: "a class run", re: `^https://[a-z]+\\.example\\.com`,
			want: "such as https://x.example.com.attacker.example; add $"},
		{desc: "a name first, without ^", re: `app\\.example\\.com$`,
			want: "is not anchored with ^, so it also matches a domain that merely ends like it, such as https://evilapp.example.com; write /^https:\\/\\/app\\.example\\.com$/ for that host"},
		// expressjs/cors's users write /example\.com$/; ^ alone would
		// never match, as an Origin starts with its scheme (RFC 6454
		// §6.2): tried as a new user would, the advice was "add ^".
		{desc: "a name first, no dot before it, without ^", re: `example\\.com$`,
			want: "or /^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/ for its subdomains too (^ alone before a host never matches"},
	} {
		text := "http:\n  middlewares:\n    c:\n      headers:\n        accessControlAllowMethods: [\"GET\"]\n        accessControlAllowOriginListRegex:\n          - \"" + tc.re + "\"\n        accessControlAllowCredentials: true\n"
		fs, err := lint.Lint(reg, text, "traefik")
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		got := ""
		for _, f := range fs {
			if f.Code == "suffix-trap" {
				got = f.Message
			}
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: suffix-trap %q, want %q in it", tc.desc, got, tc.want)
		}
	}
}

// TestOnceALine: a trap the format's own check finds at a directive is
// not found again by the probe at the same line's value (tried as a new
// user would, Apache's "*" with credentials was two errors, 1:1 and 1:19).
func TestOnceALine(t *testing.T) {
	text := "Header always set Access-Control-Allow-Origin \"*\"\nHeader always set Access-Control-Allow-Credentials \"true\"\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^(.*)$ $1 [R=204,L]\n"
	fs, err := lint.Lint(reg, text, "apache")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fs {
		if f.Code == "wildcard-credentials" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d wildcard-credentials, want 1:\n%s", n, dump(fs))
	}
}
