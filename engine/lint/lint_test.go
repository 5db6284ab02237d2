package lint_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/lint"
)

// TestLint has one case per code (at least), each naming the reference the
// expected finding rests on. at is "line:column" of the finding, or "".
// samCors is a SAM REST API with Cors and nothing else.
const samCors = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors:
        AllowOrigin: "'https://shop.example.com'"
        AllowMethods: "'GET,PUT'"
`

func TestLint(t *testing.T) {
	tests := []struct {
		desc   string
		format string
		text   string
		code   string
		sev    lint.Severity
		at     string
		path   string
	}{
		{desc: "S3 refuses two wildcards in an AllowedOrigin (cloud-policies.md §1.2, versitygw#1870)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://*.*.test"],"AllowedMethods":["GET"]}]`, code: "rejected", sev: lint.Error, at: "1:21", path: "$[0].AllowedOrigins[0]"},
		// A template names a probed header by a key of its own (SAM's
		// Cors AllowMethods): the finding is at that key, and the
		// template's REST API without gateway responses is said
		// (supported-gateway-response-types.html).
		{desc: "SAM's Cors: a finding of the probed reply at its key", format: "cloudformation",
			text: samCors, code: "safelisted-method", sev: lint.Info, at: "10:9"},
		{desc: "SAM's REST API without DEFAULT_4XX and DEFAULT_5XX gateway responses", format: "cloudformation",
			text: samCors, code: "apigw-rest-gateway-errors", sev: lint.Warning, at: "8:7"},
		{desc: "S3 refuses OPTIONS (cloud-policies.md §1.2, aws-sdk-js#3667)", format: "s3-json",
			text: "[{\"AllowedOrigins\":[\"https://app.test\"],\n  \"AllowedMethods\":[\"GET\",\"OPTIONS\"]}]", code: "options-method", sev: lint.Error, at: "2:27"},
		{desc: "R2 refuses OPTIONS as S3 does (cloud-policies.md §2, workerd#4280)", format: "r2-api",
			text: `{"rules":[{"allowed":{"origins":["https://app.test"],"methods":["GET","OPTIONS"]}}]}`, code: "options-method", sev: lint.Error},
		{desc: "a Unicode host never matches: browsers send punycode (server-peers.md §1.2 invalid)", format: "gcs-json",
			text: `[{"origin":["https://résumé.test"],"method":["GET"]}]`, code: "origin-never-matches", sev: lint.Warning},
		{desc: "a method with a space is not a token (server-peers.md §1.2 invalid method)", format: "gcs-json",
			text: `[{"origin":["https://app.test"],"method":["bad method"]}]`, code: "invalid-name", sev: lint.Warning},
		{desc: "OPTIONS never needs listing where the platform takes it (browser-cors.md §1.3 preflight)", format: "native",
			text: `{"origins":["https://app.test"],"methods":["PUT","OPTIONS"]}`, code: "options-method", sev: lint.Info, path: "$.methods[1]"},
		{desc: "Express sends ACAC true with origin * (cloud-policies.md §6.3): browsers refuse it (server-peers.md §1.2 wildcard)", format: "express",
			text: `app.use(cors({credentials: true}))`, code: "wildcard-credentials", sev: lint.Error},
		{desc: "origin: true with credentials reflects any origin (server-peers.md §4 item 1)", format: "express",
			text: `app.use(cors({origin: true, credentials: true}))`, code: "reflect-any-origin", sev: lint.Error, at: "1:9"},
		{desc: "nginx ACAO $http_origin reflects any origin (cloud-policies.md §6.1)", format: "nginx",
			text: "location / {\n    add_header Access-Control-Allow-Origin $http_origin always;\n    add_header Access-Control-Allow-Credentials true always;\n}\n", code: "reflect-any-origin", sev: lint.Error, at: "2:5"},
		{desc: "API Gateway https://* allows every https origin (cloud-policies.md §5.1), with credentials", format: "apigw-http",
			text: `{"AllowOrigins":["https://*"],"AllowCredentials":true}`, code: "reflect-any-origin", sev: lint.Error, path: "$.AllowOrigins[0]"},
		{desc: "null is refused by jub0bs/cors (server-peers.md §1.2, §4 item 18)", format: "s3-json",
			text: `[{"AllowedOrigins":["null"],"AllowedMethods":["GET"]}]`, code: "null-origin", sev: lint.Warning, path: "$[0].AllowedOrigins[0]"},
		{desc: "https://*example.com matches evilexample.com (server-peers.md §1.2 invalid pattern)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]`, code: "suffix-trap", sev: lint.Error, at: "1:21"},
		{desc: "S3 https://app.* matches https://app.attacker.example (cloud-policies.md §1.3: * spans anything)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://app.*"],"AllowedMethods":["GET"]}]`, code: "suffix-trap", sev: lint.Error},
		{desc: "an unanchored RegExp matches attackers' domains (server-peers.md §4 item 2)", format: "express",
			text: `app.use(cors({origin: [/example\.com$/]}))`, code: "suffix-trap", sev: lint.Error, at: "1:24"},
		{desc: "a RegExp wildcard running into a name matches evilexample.com (server-peers.md §4 item 2)", format: "express",
			text: `app.use(cors({origin: [/^https:\/\/.*example\.com$/]}))`, code: "suffix-trap", sev: lint.Error},
		{desc: "https://*.github.io covers a public suffix; S3 adds credentials (server-peers.md §1.2 psl)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://*.github.io"],"AllowedMethods":["GET"]}]`, code: "public-suffix-wildcard", sev: lint.Error},
		{desc: "https://*.com without credentials (server-peers.md §1.2 psl)", format: "rs-cors",
			text: "package main\n\nimport \"github.com/rs/cors\"\n\nvar c = cors.New(cors.Options{AllowedOrigins: []string{\"https://*.com\"}})\n", code: "public-suffix-wildcard", sev: lint.Warning},
		// Found as a new user would: GCS and Azure compare such an entry
		// as written, which explain failed and lint did not say.
		{desc: "a partial wildcard where GCS compares origins as written (cloud-policies.md §3)", format: "gcs-json",
			text: `[{"origin":["https://*.example.com"],"method":["GET"]}]`, code: "origin-never-matches", sev: lint.Warning},
		{desc: "a partial wildcard where Azure compares origins as written (cloud-policies.md §4)", format: "azure-json",
			text: `{"corsRules":[{"allowedOrigins":["https://*.example.com"],"allowedMethods":["GET"],"allowedHeaders":[],"exposedHeaders":[],"maxAgeInSeconds":0}]}`, code: "origin-never-matches", sev: lint.Warning},
		{desc: "http:// origin with credentials the user enabled (server-peers.md §1.2 insecure)", format: "apigw-http",
			text: `{"AllowOrigins":["http://app.test"],"AllowCredentials":true}`, code: "insecure-origin", sev: lint.Error},
		{desc: "http:// origin where S3 adds credentials itself (cloud-policies.md §0 item 4)", format: "s3-json",
			text: `[{"AllowedOrigins":["http://app.test"],"AllowedMethods":["GET"]}]`, code: "insecure-origin", sev: lint.Warning},
		{desc: "S3 compares origins as strings: a regex never matches (cloud-policies.md §1.3)", format: "s3-json",
			text: `[{"AllowedOrigins":["^https://app\\.test$"],"AllowedMethods":["GET"]}]`, code: "regex-literal", sev: lint.Warning},
		{desc: "a trailing slash never matches (cloud-policies.md §1.3, options_fails_partial_origin)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://app.test/"],"AllowedMethods":["GET"]}]`, code: "origin-never-matches", sev: lint.Warning},
		{desc: "a default port never matches (server-peers.md §1.2 prohibited)", format: "gcs-json",
			text: `[{"origin":["https://app.test:443"],"method":["GET"]}]`, code: "origin-never-matches", sev: lint.Warning},
		{desc: "an empty origin array allows nothing (server-peers.md §1.2 missing)", format: "express",
			text: `app.use(cors({origin: []}))`, code: "no-origins", sev: lint.Error},
		{desc: "ACAH * does not cover Authorization (browser-cors.md §1.4 item 4)", format: "apigw-http",
			text: `{"AllowOrigins":["https://app.test"],"AllowHeaders":["*"]}`, code: "authorization-wildcard", sev: lint.Warning, path: "$.AllowHeaders[0]"},
		{desc: "ACAH * is a literal name with credentials (browser-cors.md §1.4)", format: "apigw-http",
			text: `{"AllowOrigins":["https://app.test"],"AllowHeaders":["*"],"AllowCredentials":true}`, code: "wildcard-headers-credentials", sev: lint.Error},
		{desc: "ACEH * with credentials (server-peers.md §1.2)", format: "apigw-http",
			text: `{"AllowOrigins":["https://app.test"],"ExposeHeaders":["*"],"AllowCredentials":true}`, code: "wildcard-expose-credentials", sev: lint.Error},
		{desc: "GET never needs listing in a native policy (browser-cors.md §1.1)", format: "native",
			text: `{"origins":["https://app.test"],"methods":["GET","PUT"]}`, code: "safelisted-method", sev: lint.Info, path: "$.methods[0]"},
		{desc: "TRACE is a forbidden method (server-peers.md §1.2)", format: "gcs-json",
			text: `[{"origin":["https://app.test"],"method":["TRACE"]}]`, code: "forbidden-method", sev: lint.Warning},
		{desc: "Accept is safelisted (browser-cors.md §1.2)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"],"AllowedHeaders":["Accept"]}]`, code: "safelisted-header", sev: lint.Info},
		{desc: "Cookie is a forbidden request header (server-peers.md §1.2)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"],"AllowedHeaders":["Cookie"]}]`, code: "forbidden-header", sev: lint.Warning},
		{desc: "ACAO as a request header (server-peers.md §1.2 prohibited)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"],"AllowedHeaders":["Access-Control-Allow-Origin"]}]`, code: "response-header-requested", sev: lint.Warning},
		{desc: "Set-Cookie is never exposed (server-peers.md §1.2)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"],"ExposeHeaders":["Set-Cookie"]}]`, code: "forbidden-exposed", sev: lint.Warning},
		{desc: "Chrome caps max-age at 7200 (browser-cors.md §1.8)", format: "native",
			text: `{"origins":["https://app.test"],"max_age":7300}`, code: "max-age-cap", sev: lint.Info, path: "$.max_age"},
		{desc: "above Firefox's 86400 (browser-cors.md §1.8; server-peers.md §1.2)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"],"MaxAgeSeconds":90000}]`, code: "max-age-cap", sev: lint.Warning},
		{desc: "S3 sends Vary only on a match (cloud-policies.md §0 item 5)", format: "s3-json",
			text: `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"]}]`, code: "s3-vary", sev: lint.Info},
		{desc: "add_header without always (cloud-policies.md §6.1)", format: "nginx",
			text: "location / {\n    add_header Access-Control-Allow-Origin https://app.test;\n}\n", code: "missing-always", sev: lint.Warning, at: "2:5"},
		{desc: "a captured reply with ACAO * and ACAC true (Fetch CORS check; server-peers.md §1.2)", format: "raw",
			text: "HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Allow-Credentials: true\r\n\r\n", code: "wildcard-credentials", sev: lint.Error, at: "2:1"},
		{desc: "native refuses * with credentials at read time: surfaced as rejected with its position (native doc)", format: "native",
			text: "{\"origins\": [\"*\"],\n \"credentials\": true}", code: "rejected", sev: lint.Error, at: "1:14"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			fs, err := lint.Lint(reg, tc.text, tc.format)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.Code != tc.code {
					continue
				}
				at := ""
				if f.Line > 0 {
					at = itoa(f.Line) + ":" + itoa(f.Column)
				}
				if f.Severity == tc.sev && (tc.at == "" || at == tc.at) && (tc.path == "" || f.Path == tc.path) {
					if f.Message == "" {
						t.Errorf("empty message")
					}
					return
				}
			}
			t.Errorf("no %s %s at %q %q; findings:\n%s", tc.sev, tc.code, tc.at, tc.path, dump(fs))
		})
	}
}

// A policy that follows every rule produces nothing: the checks do not
// fire on what is fine.
func TestClean(t *testing.T) {
	for _, c := range []struct{ desc, format, text string }{
		{"native with a non-safelisted method and header", "native", `{"origins":["https://app.test","https://*.app.test"],"methods":["PUT"],"request_headers":["X-Api-Key"],"credentials":true,"max_age":600}`},
		{"API Gateway with a listed Authorization", "apigw-http", `{"AllowOrigins":["https://app.test"],"AllowMethods":["PUT"],"AllowHeaders":["authorization"],"MaxAge":300}`},
		{"Express with an anchored, escaped RegExp", "express", `app.use(cors({origin: [/^https:\/\/([a-z0-9-]+\.)*app\.test$/], methods: 'PUT', allowedHeaders: ['x-api-key']}))`},
		{"nginx with always and a fixed origin", "nginx", "location / {\n    add_header Access-Control-Allow-Origin https://app.test always;\n}\n"},
	} {
		t.Run(c.desc, func(t *testing.T) {
			fs, err := lint.Lint(reg, c.text, c.format)
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) > 0 {
				t.Errorf("findings on a clean policy:\n%s", dump(fs))
			}
		})
	}
}

func TestLintErrors(t *testing.T) {
	if _, err := lint.Lint(reg, `{}`, "lighttpd"); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := lint.Lint(reg, `hello`, "auto"); err == nil {
		t.Errorf("undetectable text: no error")
	}
	if _, err := lint.Lint(reg, strings.Repeat(" ", 2<<20), "native"); err == nil {
		t.Errorf("oversized text: no error")
	}
}

func FuzzLint(f *testing.F) {
	f.Add(`[{"AllowedOrigins":["https://*example.com","null"],"AllowedMethods":["GET","OPTIONS"],"MaxAgeSeconds":90000}]`, 0)
	f.Add(`{"origins":["https://app.test"],"methods":["GET"],"max_age":7300}`, 1)
	f.Add(`app.use(cors({origin: [/example.com/], credentials: true}))`, 2)
	f.Add("location / {\n add_header Access-Control-Allow-Origin $http_origin;\n}\n", 3)
	f.Add("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n", 4)
	// Inline suppressions (suppress.go): a JSON member in both forms, a
	// comment before and after a directive.
	f.Add(`[{"whycors:ignore": {"null-origin": "widget"}, "AllowedOrigins":["null"],"AllowedMethods":["GET"],"whycors:ignore":"s3-vary no CDN"}]`, 0)
	f.Add("# whycors:ignore missing-always reason\nlocation / { add_header Access-Control-Allow-Origin * ; # whycors:ignore x\n}\n", 3)
	f.Add(`{"AllowOrigins":["https://*"],"AllowHeaders":["*"]}`, 5)
	// Patterns without $ or ^, whose examples are made from the pattern
	// (sampleOrigin).
	f.Add("app.use(cors({origin: [/^https:\\/\\/(www\\.)?[a-z]+\\.(a|b)\\.com/, /x\\.test$/], credentials: true}))", 2)
	f.Add("app.use(cors({origin: [/^https:\\/\\/((a)|[b-/, /(?:x)?.+\\/], credentials: true}))", 2)
	formats := []string{"s3-json", "native", "express", "nginx", "raw", "apigw-http", "auto", "gcs-json", "azure-xml", "r2-api", "har", "s3-xml"}
	f.Fuzz(func(t *testing.T, text string, fi int) {
		if fi < 0 {
			return
		}
		fs, err := lint.Lint(reg, text, formats[fi%len(formats)])
		if err != nil {
			return
		}
		for _, x := range fs {
			if x.Code == "" || x.Message == "" || x.Severity.Rank() == 0 {
				t.Errorf("incomplete finding %+v", x)
			}
		}
		if len(fs) > lint.MaxFindings {
			t.Errorf("%d findings, bound %d", len(fs), lint.MaxFindings)
		}
	})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func dump(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + string(f.Severity) + " " + f.Code + " " + itoa(f.Line) + ":" + itoa(f.Column) + " " + f.Path + ": " + f.Message + "\n")
	}
	return b.String()
}

// BenchmarkLint: go test ./engine/lint -run XXX -bench Lint
func BenchmarkLint(b *testing.B) {
	for _, c := range []struct{ name, format, text string }{
		{"s3-json", "s3-json", `[{"AllowedOrigins":["https://*example.com","null","http://app.test"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["*","Cookie"],"MaxAgeSeconds":90000}]`},
		{"nginx", "nginx", "location / {\n    add_header Access-Control-Allow-Origin $http_origin;\n    add_header Access-Control-Allow-Credentials true always;\n}\n"},
	} {
		b.Run("format="+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := lint.Lint(reg, c.text, c.format); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A finding is said once, though several probes meet the place it is
// about: a location whose rules whycors does not read is linted by asking
// nginx's evaluator (probe), and the preflight and the actual request it
// asks both come back with the add_header line of the methods, whose GET
// each would report (cloud-policies.md §6.1: add_header lines serve every
// request of their location).
func TestFindingsSaidOnce(t *testing.T) {
	text := "location / {\n    add_header Access-Control-Allow-Origin \"https://app.test\";\n" +
		"    add_header Access-Control-Allow-Methods \"GET\";\n    add_header Access-Control-Allow-Headers \"Content-Type, X-Trace\";\n}\n"
	fs, err := lint.Lint(reg, text, "nginx")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, f := range fs {
		if f.Code == "safelisted-method" {
			n++
		}
		for _, g := range fs[:i] {
			if g.Code == f.Code && g.Message == f.Message && g.Path == f.Path && g.Line == f.Line && g.Column == f.Column {
				t.Errorf("said twice: %s %s at %d:%d", f.Code, f.Message, f.Line, f.Column)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d safelisted-method findings, want GET's; findings:\n%s", n, dump(fs))
	}
}

// TestProbeSaysNoMadeUpPath: a configuration that names no path is
// probed at a made-up one, which the findings do not name (tried as a
// new user would: "the answer to GET /whycors-probe").
func TestProbeSaysNoMadeUpPath(t *testing.T) {
	fs, err := lint.Lint(reg, "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: null\nAccess-Control-Allow-Credentials: true\n", "raw")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fs {
		if strings.Contains(f.Message, "whycors-probe") {
			t.Errorf("%s names the probe's path: %s", f.Code, f.Message)
		}
		found = found || f.Code == "null-origin" && strings.Contains(f.Message, "(the answer to a GET)")
	}
	if !found {
		t.Errorf("no null-origin finding naming the answer to a GET:\n%s", dump(fs))
	}
}

// TestProbePathNotShown: a finding of lint's probe names the user's
// location, not the made-up name lint asked under it (found as a new
// user would: "asked GET /api/whycors-probe").
func TestProbePathNotShown(t *testing.T) {
	text := "server {\n  location /api/ {\n    if ($http_origin ~ \"^https://app\\.test$\") { add_header Access-Control-Allow-Origin $http_origin always; }\n    return 200;\n  }\n}\n"
	fs, err := lint.Lint(reg, text, "nginx")
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, f := range fs {
		if strings.Contains(f.Message, "whycors-probe") {
			t.Errorf("%s: %s", f.Code, f.Message)
		}
		seen = seen || f.Code == "vary-origin" && strings.Contains(f.Message, "GET /api/…")
	}
	if !seen {
		t.Errorf("no vary-origin naming the location /api/ in %+v", fs)
	}
}
