package diff_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/diff"
	"github.com/whycors/whycors/engine/policy"
)

func s3Cfg(rules string) diff.Config { return diff.Config{Format: "s3-json", Text: rules} }

func nativeCfg(text string) diff.Config { return diff.Config{Format: "native", Text: text} }

// TestGroupsInWords: the report's lines for small, known changes. Each
// expected line follows from the platform's semantics (source).
func TestGroupsInWords(t *testing.T) {
	tests := []struct {
		desc, source string
		old, new     diff.Config
		want         []string // the groups' summaries, in order
	}{
		{
			desc:   "an origin added to an S3 rule: every method of the rule, with and without credentials",
			source: "S3 sends Access-Control-Allow-Credentials: true to any origin but \"*\" (shared/reference/cloud-policies.md §0 item 4)",
			old:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"]}]`),
			new:    s3Cfg(`[{"AllowedOrigins": ["https://app.example", "https://evil.example"], "AllowedMethods": ["GET", "PUT"]}]`),
			want:   []string{"newly allows https://evil.example on GET, PUT"},
		},
		{
			desc:   "native credentials turned on for one path",
			source: "a credentialed fetch needs Access-Control-Allow-Credentials: true (browser-cors.md §1.7, the CORS check); native's \"/uploads/*\" covers the paths under /uploads/, not /uploads itself (engine/native doc)",
			old:    nativeCfg(`{"rules": [{"path": "/uploads/*", "origins": ["https://evil.example"], "methods": ["PUT"]}]}`),
			new:    nativeCfg(`{"rules": [{"path": "/uploads/*", "origins": ["https://evil.example"], "methods": ["PUT"], "credentials": true}]}`),
			want:   []string{"newly allows https://evil.example with credentials on GET, PUT /uploads/*"},
		},
		{
			desc:   "an exposed header dropped",
			source: "response.headers shows a non-safelisted header only when Access-Control-Expose-Headers names it (browser-cors.md §1.9)",
			old:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"], "ExposeHeaders": ["ETag"]}]`),
			new:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}]`),
			want:   []string{"no longer exposes etag to https://app.example on GET"},
		},
		{
			desc:   "a request header allowed: only requests that send it change",
			source: "a non-safelisted header needs a preflight whose Access-Control-Allow-Headers names it (browser-cors.md §1.8); S3 matches every requested header against AllowedHeaders (cloud-policies.md §0 item 1)",
			old:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"]}]`),
			new:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["X-Api-Key"]}]`),
			want:   []string{"newly allows the header x-api-key from https://app.example on GET, PUT"},
		},
		{
			desc:   "a method removed",
			source: "S3 picks a rule by origin and method, so a DELETE preflight finds no rule and gets 403 (cloud-policies.md §0 items 1 and 6)",
			old:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "DELETE"]}]`),
			new:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}]`),
			want:   []string{"no longer allows https://app.example on DELETE"},
		},
		{
			desc:   "a wildcard without its dot lets the prefix trap in",
			source: "S3's \"*\" matches any run of characters (cloud-policies.md §0 item 7), so https://*app.example matches https://evilapp.example and a subdomain; issue 22's attacker list (a prefix added, a subdomain)",
			old:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}]`),
			new:    s3Cfg(`[{"AllowedOrigins": ["https://*app.example"], "AllowedMethods": ["GET"]}]`),
			want:   []string{"newly allows https://evilapp.example, https://whycors-probe.app.example, https://whycors-probeapp.example on GET"},
		},
		{
			desc:   "three origins replaced by their wildcard: the traps it lets in are named with it",
			source: "S3's \"*\" matches any run of characters (cloud-policies.md §0 item 7): https://*.example.com matches https://evila.example.com and every subdomain, not https://a.example.com.evil.test nor http://",
			old:    s3Cfg(`[{"AllowedOrigins": ["https://a.example.com", "https://b.example.com", "https://c.example.com"], "AllowedMethods": ["GET"]}]`),
			new:    s3Cfg(`[{"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"]}]`),
			want: []string{"newly allows https://a.example.com, https://b.example.com, https://c.example.com on PUT",
				"newly allows https://evila.example.com, https://whycors-probe.a.example.com, https://evilb.example.com and 4 more origins on GET, PUT (all matched by https://*.example.com)"},
		},
		{
			desc:   "the same rules in S3's JSON and XML",
			source: "one platform, one model: the two forms are read into the same rules (engine/convert)",
			old:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["*"]}]`),
			new: diff.Config{Format: "auto", Text: `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin>` +
				`<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>`},
			want: nil,
		},
		{
			desc:   "S3 to native, same meaning but credentials",
			source: "native sends Access-Control-Allow-Credentials only with \"credentials\": true (engine/native doc); S3 always does for a named origin (cloud-policies.md §0 item 4)",
			old:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"]}]`),
			new:    nativeCfg(`{"origins": ["https://app.example"], "methods": ["PUT"]}`),
			want:   []string{"no longer allows https://app.example with credentials on GET, PUT"},
		},
		{
			desc:   "nginx, which has no rules: the origins its text names are asked",
			source: "nginx's if compares $http_origin with the string; add_header ... always sends the header on every status (cloud-policies.md §6.1); without Access-Control-Allow-Credentials a credentialed fetch fails (browser-cors.md §1.7)",
			old:    diff.Config{Format: "nginx", Text: nginxIf("https://app.example")},
			new:    diff.Config{Format: "nginx", Text: nginxIf("https://admin.example")},
			want: []string{"newly allows https://admin.example without credentials on GET",
				"no longer allows https://app.example without credentials on GET"},
		},
		{
			desc:   "an Ingress with a host: its rules answer only requests that name the host",
			source: "ingress-nginx writes one nginx server per host (its createServers); a request for another host reaches the default server, so a diff asked only there saw no change (tried as a new user would: \"*\" for a listed origin was 'the same decisions')",
			old:    diff.Config{Format: "ingress-nginx", Text: ingressWithHost(`"https://shop.example"`)},
			new:    diff.Config{Format: "ingress-nginx", Text: ingressWithHost(`"*"`)},
			want: []string{"newly allows https://evilshop.example, https://shop.example.evil.test, https://whycors-probe.shop.example and 3 more origins without credentials on GET api.shop.example/, api.shop.example/v1, api.shop.example/v1/*",
				"no longer allows https://shop.example with credentials on GET api.shop.example/, api.shop.example/v1, api.shop.example/v1/*"},
		},
		{
			desc:   "S3 replaced by nginx reflecting every origin",
			source: "an Access-Control-Allow-Origin of $http_origin echoes whatever page asks (cloud-policies.md §6.1; issue 22's arbitrary reflection); S3's ETag exposure is not carried over",
			old:    s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"], "ExposeHeaders": ["ETag"]}]`),
			new:    diff.Config{Format: "auto", Text: "server {\n  location / {\n    add_header Access-Control-Allow-Origin $http_origin always;\n  }\n}\n"},
			want: []string{"newly allows https://evilapp.example, https://app.example.evil.test, https://whycors-probe.app.example and 3 more origins without credentials on GET",
				"no longer allows https://app.example with credentials on GET",
				"no longer exposes etag to https://app.example without credentials on GET"},
		},
		{
			desc:   "a flask-cors resource regex limits the paths: the path asked is named",
			source: "flask-cors matches a resource regex from the path's start (flask_cors/core.py, re.match), which no rule path holds; tried as a new user would, the narrowing named no path",
			old:    diff.Config{Format: "flask-cors", Text: "CORS(app, origins=['https://app.example'])\n"},
			new:    diff.Config{Format: "flask-cors", Text: "CORS(app, resources={r'/api/*': {'origins': ['https://app.example']}})\n"},
			want:   []string{"no longer allows https://app.example without credentials on DELETE, GET, HEAD, PATCH, POST, PUT /"},
		},
	}
	for _, tc := range tests {
		rep, err := diff.Diff(tc.old, tc.new, diff.Options{Formats: reg})
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if got := summaries(rep); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s (%s):\ngot  %q\nwant %q", tc.desc, tc.source, got, tc.want)
		}
		if rep.Widens() != slicesAny(tc.want, "newly") || rep.Narrows() != slicesAny(tc.want, "no longer") {
			t.Errorf("%s: Widens %v, Narrows %v for %q", tc.desc, rep.Widens(), rep.Narrows(), tc.want)
		}
	}
}

func slicesAny(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// TestGroupPositionInNew: a group points at NEW's entry for its origin,
// which is where a reviewer looks.
func TestGroupPositionInNew(t *testing.T) {
	rep, err := diff.Diff(s3Cfg(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET"]}]`),
		s3Cfg("[{\"AllowedOrigins\": [\"https://app.example\"], \"AllowedMethods\": [\"GET\"]},\n {\"AllowedOrigins\": [\"https://evil.example\"], \"AllowedMethods\": [\"GET\"]}]"),
		diff.Options{Formats: reg})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Groups) != 1 || rep.Groups[0].Pos.Line != 2 || rep.Groups[0].Pos.Path != "$[1].AllowedOrigins[0]" {
		t.Fatalf("groups %+v: want one at line 2, $[1].AllowedOrigins[0]", rep.Groups)
	}
}

// TestInputErrors: a configuration that cannot be read names its side,
// with the reader's positions.
func TestInputErrors(t *testing.T) {
	ok := s3Cfg(`[{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"]}]`)
	_, err := diff.Diff(ok, s3Cfg(`[{"AllowedOrigins": ["https://a.example"],}]`), diff.Options{Formats: reg})
	var ie *diff.InputError
	var pe policy.Errors
	if !errors.As(err, &ie) || ie.Side != "new" || !errors.As(err, &pe) || pe[0].Line != 1 {
		t.Fatalf("got %v (%T): want the new side's positioned error", err, err)
	}
	if _, err := diff.Diff(ok, ok, diff.Options{Formats: reg, Browser: "lynx"}); err == nil {
		t.Fatal("an unknown browser was accepted")
	}
	// https://a.example alone (no rule matches the probe origins), GET,
	// with no header, x-a or x-b (no rule allows the unlisted one): 3
	// requests a credentials mode, 6 in all.
	three := s3Cfg(`[{"AllowedOrigins": ["https://a.example"], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-a", "x-b"]}]`)
	var se *diff.SpaceError
	if _, err := diff.Diff(three, three, diff.Options{Formats: reg, MaxAsked: 5}); !errors.As(err, &se) || se.Max != 5 {
		t.Fatalf("MaxAsked 5 over 6 requests: got %v", err)
	}
	if _, err := diff.Diff(three, three, diff.Options{Formats: reg, MaxAsked: 6}); err != nil {
		t.Fatalf("MaxAsked 6 over 6 requests: %v", err)
	}
}

// nginxIf is an nginx server that answers origin alone, on every status.
func nginxIf(origin string) string {
	return "server {\n  location / {\n    if ($http_origin = \"" + origin + "\") {\n      add_header Access-Control-Allow-Origin $http_origin always;\n    }\n  }\n}\n"
}

// ingressWithHost is an Ingress for host api.shop.example whose
// cors-allow-origin is origin (a YAML scalar), with credentials.
func ingressWithHost(origin string) string {
	return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/cors-allow-origin: ` + origin + `
    nginx.ingress.kubernetes.io/cors-allow-methods: "GET"
    nginx.ingress.kubernetes.io/cors-allow-credentials: "true"
spec:
  ingressClassName: nginx
  rules:
    - host: api.shop.example
      http:
        paths:
          - path: /v1
            pathType: Prefix
            backend:
              service:
                name: api
                port:
                  number: 8080
`
}

// TestEachResource: two versions of a module with two buckets are
// compared bucket by bucket (each answers its own host,
// docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
// Tried as a new user would, one reading of the whole asked only one of
// them, and every origin list changed to "*" was "the same decisions".
func TestEachResource(t *testing.T) {
	module := func(b string) string {
		return `resource "aws_s3_bucket" "a" {
  bucket = "acme-a"
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["https://a.example"]
  }
}
resource "aws_s3_bucket" "b" {
  bucket = "acme-b"
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = [` + b + `]
  }
}
`
	}
	rep, err := diff.Diff(diff.Config{Format: "terraform", Text: module(`"https://b.example"`)}, diff.Config{Format: "terraform", Text: module(`"*"`)}, diff.Options{Formats: reg})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Widens() || len(rep.Groups) == 0 || !strings.HasPrefix(rep.Groups[0].Summary, "aws_s3_bucket.b: newly allows") || rep.Groups[0].Pos.Line != 12 {
		t.Errorf("groups %+v: want bucket b's widening first, at its origins (line 12)", rep.Groups)
	}
	renamed := strings.Replace(module(`"*"`), `"aws_s3_bucket" "b"`, `"aws_s3_bucket" "c"`, 1)
	if _, err := diff.Diff(diff.Config{Format: "terraform", Text: module(`"https://b.example"`)}, diff.Config{Format: "terraform", Text: renamed}, diff.Options{Formats: reg}); err == nil ||
		!strings.Contains(err.Error(), "only in OLD: aws_s3_bucket.b; only in NEW: aws_s3_bucket.c") {
		t.Errorf("err = %v, want the resources on one side named", err)
	}
}

// TestGroupPositionByPath: a group of one path points at the entry of
// the rule of that path, not at another path's entry for the same
// origins. Tried as a new user would, a Vercel file's /public/* widening
// was placed at the /api rule's origin, and the /api narrowing at
// /public's "*".
func TestGroupPositionByPath(t *testing.T) {
	rule := func(source, origin string) string {
		return `{"source": "` + source + `", "headers": [{"key": "Access-Control-Allow-Origin", "value": "` + origin + `"}]}`
	}
	old := diff.Config{Format: "vercel", Text: `{"headers": [` + rule("/api/(.*)", "*") + `]}`}
	new := diff.Config{Format: "vercel", Text: "{\"headers\": [\n" + rule("/api/(.*)", "https://app.example.com") + ",\n" + rule("/public/(.*)", "*") + "\n]}"}
	rep, err := diff.Diff(old, new, diff.Options{Formats: reg})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range rep.Groups {
		want := 2 // the /api rule's line
		if strings.Join(g.Paths, ",") == "/public/*" {
			want = 3
		}
		if g.Pos.Line != want {
			t.Errorf("%q at line %d, want %d", g.Summary, g.Pos.Line, want)
		}
	}
}

// TestRESTAPIAskedAtItsRoutes: a REST API answers only its resources'
// paths (API Gateway: another path gets 403 Missing Authentication
// Token, which no CORS setting changes), so the requests are asked
// there (policy.Routed), with the methods and headers its template
// spells (SAM's "Method: post", a mapped
// method.response.header.Access-Control-Allow-Headers quoted twice).
// Tried as a new user would, the OPTIONS mock's Access-Control-Allow-Origin
// changed from '*' to one origin was "the same decisions": only "/" was
// asked, 403 on both sides.
func TestRESTAPIAskedAtItsRoutes(t *testing.T) {
	old, err := os.ReadFile("testdata/rest-api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	narrowed := strings.Replace(string(old), `method.response.header.Access-Control-Allow-Origin: "'*'"`, `method.response.header.Access-Control-Allow-Origin: "'https://www.example.com'"`, 1)
	if narrowed == string(old) {
		t.Fatal("the template's OPTIONS mock has no '*' origin to change")
	}
	rep, err := diff.Diff(diff.Config{Format: "cloudformation", Text: string(old)}, diff.Config{Format: "cloudformation", Text: narrowed}, diff.Options{Formats: reg})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Narrows() || len(rep.Groups) == 0 || !strings.Contains(rep.Groups[0].Summary, "POST /pets") {
		t.Errorf("groups %+v: want a narrowing of POST /pets", rep.Groups)
	}
}

// TestNarrowingAtTheRuleThatChanged: an origin the new side no longer
// names is placed where the old side named it, in the rule that stands
// there now; tried as a new user would (the S3 user guide's three-rule
// example, rule 1's origin changed from http to https), the narrowing was
// placed at rule 3's "*", which covers GET only.
func TestNarrowingAtTheRuleThatChanged(t *testing.T) {
	rules := func(o string) string {
		return "[\n {\"AllowedOrigins\": [\"" + o + "\"], \"AllowedMethods\": [\"PUT\", \"POST\", \"DELETE\"]},\n" +
			" {\"AllowedOrigins\": [\"http://www.example2.com\"], \"AllowedMethods\": [\"PUT\", \"POST\", \"DELETE\"]},\n" +
			" {\"AllowedOrigins\": [\"*\"], \"AllowedMethods\": [\"GET\"]}\n]"
	}
	rep, err := diff.Diff(s3Cfg(rules("http://www.example1.com")), s3Cfg(rules("https://www.example1.com")), diff.Options{Formats: reg})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range rep.Groups {
		if g.Direction == diff.Narrow {
			found = true
			if g.Pos.Line != 2 {
				t.Errorf("narrowing %q at line %d, want 2 (rule 1)", g.Summary, g.Pos.Line)
			}
		}
	}
	if !found {
		t.Errorf("no narrowing: %+v", rep.Groups)
	}
}
