package vercel_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/vercel"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// Sources cited below.
const (
	docs      = "vercel.com/docs/project-configuration#headers"
	routing   = "@vercel/routing-utils 6.6.0 dist/superstatic.js convertHeaders (continue: true; :name becomes $n), checked in e2e/hosting"
	p2r       = "path-to-regexp 6.1.0 README: strict, sensitive, anchored; checked in e2e/hosting"
	override  = "vercel.com/docs/concepts/functions/serverless-functions/edge-caching: a Function's headers override the route's"
	nextHas   = "nextjs.org/docs/app/api-reference/config/next-config-js/headers: has/missing, the last key overrides the first"
	preflight = "vercel.com/kb/guide/how-to-enable-cors: Functions answer the preflight; Vercel adds no CORS of its own"
)

func get(t *testing.T, text, method, url string, reqH, appH headers.List) policy.Outcome {
	t.Helper()
	c, err := vercel.Parse(text)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c.Respond(policy.Request{Method: method, URL: url, Header: reqH}, policy.Reply{Status: 200, Header: appH, Body: "ok"})
}

func TestRespond(t *testing.T) {
	api := postest.Golden(t, "api.json")
	byOrigin := postest.Golden(t, "by-origin.json")
	tests := []struct {
		desc, text, method, url string
		req, app                headers.List
		status                  int               // the reply's, when not the application's 200
		want                    map[string]string // "" for absent
	}{
		{desc: "trailingSlash false redirects /api/items/ with 308 before any header entry: a preflight there fails (" + routing + " convertTrailingSlash)", method: "OPTIONS", url: "https://site.test/api/items/", status: 308,
			text: `{"trailingSlash": false, "headers": [{"source": "/api/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}`,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Location": "/api/items"}},
		{desc: "trailingSlash true passes /.well-known through, which ends the routes: no header entry (" + routing + " convertTrailingSlash)", method: "GET", url: "https://site.test/.well-known/x",
			text: `{"trailingSlash": true, "headers": [{"source": "/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}`,
			want: map[string]string{"Access-Control-Allow-Origin": ""}},
		{desc: "a redirect answers first, permanent false being 307, its :path filled (" + docs + "; " + routing + " convertRedirects)", method: "GET", url: "https://site.test/v1/a/b", status: 307,
			text: `{"redirects": [{"source": "/v1/:path*", "destination": "/api/:path*", "permanent": false}], "headers": [{"source": "/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}`,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Location": "/api/a/b"}},
		{desc: "a path under /api/(.*) gets the entry's headers (" + docs + ")", text: api, method: "GET", url: "https://site.test/api/items",
			want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example", "Access-Control-Allow-Methods": "GET, POST"}},
		{desc: "/api itself does not match /api/(.*): strict, no optional trailing part (" + p2r + ")", text: api, method: "GET", url: "https://site.test/api",
			want: map[string]string{"Access-Control-Allow-Origin": ""}},
		{desc: "sources are case sensitive (" + p2r + ")", text: api, method: "GET", url: "https://site.test/API/items",
			want: map[string]string{"Access-Control-Allow-Origin": ""}},
		{desc: "/fonts/:file* matches /fonts too: the parameter and its slash are optional (" + p2r + ")", text: api, method: "GET", url: "https://site.test/fonts",
			want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "OPTIONS gets the same headers and the application's status: Vercel answers no preflight (" + preflight + ")", text: api, method: "OPTIONS", url: "https://site.test/api/items",
			req:  headers.List{{Name: "Origin", Value: "https://shop.example"}, {Name: "Access-Control-Request-Method", Value: "POST"}},
			want: map[string]string{"Access-Control-Allow-Methods": "GET, POST"}},
		{desc: "the application's own Access-Control-Allow-Origin overrides the file's (" + override + ")", text: api, method: "GET", url: "https://site.test/api/items",
			app:  headers.List{{Name: "access-control-allow-origin", Value: "https://other.example"}},
			want: map[string]string{"Access-Control-Allow-Origin": "https://other.example", "Access-Control-Allow-Headers": "Content-Type"}},
		{desc: "a has condition's named group fills :tenant (" + routing + "; " + nextHas + ")", text: byOrigin, method: "GET", url: "https://site.test/api/cart",
			req:  headers.List{{Name: "Origin", Value: "https://blue.shop.example"}},
			want: map[string]string{"Access-Control-Allow-Origin": "https://blue.shop.example", "Access-Control-Allow-Credentials": "true", "X-Served-By": ""}},
		{desc: "a has value must match the whole header: a longer origin fails (" + nextHas + ")", text: byOrigin, method: "GET", url: "https://site.test/api/cart",
			req:  headers.List{{Name: "Origin", Value: "https://blue.shop.example.evil.test"}},
			want: map[string]string{"Access-Control-Allow-Origin": "", "X-Served-By": ""}},
		{desc: "missing holds when the request has no Origin (" + nextHas + ")", text: byOrigin, method: "GET", url: "https://site.test/api/cart",
			want: map[string]string{"Access-Control-Allow-Origin": "", "X-Served-By": "edge"}},
		{desc: "a later entry's key replaces an earlier one's (" + nextHas + "; " + routing + ")", method: "GET", url: "https://site.test/a",
			text: `{"headers": [{"source": "/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}, {"source": "/a", "headers": [{"key": "access-control-allow-origin", "value": "https://x.test"}]}]}`,
			want: map[string]string{"Access-Control-Allow-Origin": "https://x.test"}},
		{desc: "a source's :path fills the value with the matched segments (" + routing + ")", method: "GET", url: "https://site.test/t/a/b",
			text: `{"headers": [{"source": "/t/:path*", "headers": [{"key": "X-Path", "value": "p=:path"}]}]}`,
			want: map[string]string{"X-Path": "p=a/b"}},
	}
	for _, tc := range tests {
		out := get(t, tc.text, tc.method, tc.url, tc.req, tc.app)
		want := 200
		if tc.status != 0 {
			want = tc.status
		}
		if out.Reply.Status != want {
			t.Errorf("%s: status %d, want %d", tc.desc, out.Reply.Status, want)
		}
		for k, v := range tc.want {
			got, _ := out.Reply.Header.Get(k)
			if got != v || out.Reply.Header.Count(k) > 1 {
				t.Errorf("%s: %s = %q (%d lines), want %q", tc.desc, k, got, out.Reply.Header.Count(k), v)
			}
		}
		if out.Text() == "" {
			t.Errorf("%s: no decision text", tc.desc)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc, text string
		want       []policy.Error
	}{
		{desc: "the golden files read (" + docs + ")", text: postest.Golden(t, "api.json")},
		{desc: "not JSON: the byte at fault", text: "{\n  \"headers\": [,]\n}", want: []policy.Error{{Line: 2, Column: 15}}},
		{desc: "no headers list", text: `{"cleanUrls": true}`, want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "every fault listed: a source that is no regular expression (" + routing + " checkRegexSyntax), a header without value, an unknown condition type (" + docs + ")",
			text: "{\"headers\": [\n  {\"source\": \"/api/**\", \"headers\": []},\n  {\"source\": \"/a\", \"headers\": [{\"key\": \"X\"}]},\n  {\"source\": \"/b\", \"has\": [{\"type\": \"ip\", \"value\": \"1\"}], \"headers\": []}\n]}",
			want: []policy.Error{{Line: 2, Column: 14}, {Line: 3, Column: 32}, {Line: 4, Column: 37}}},
		{desc: "a modifier with nothing to modify is no path-to-regexp pattern (" + p2r + ")", text: `{"headers": [{"source": "/api/*", "headers": []}]}`, want: []policy.Error{{Line: 1, Column: 25}}},
		{desc: "a capturing group inside a pattern is refused (" + p2r + ")", text: `{"headers": [{"source": "/a/((b))", "headers": []}]}`, want: []policy.Error{{Line: 1, Column: 25}}},
		{desc: "a header name with a space", text: `{"headers": [{"source": "/a", "headers": [{"key": "X Y", "value": "1"}]}]}`, want: []policy.Error{{Line: 1, Column: 51}}},
		{desc: "a redirect's destination names a segment its source lacks (" + routing + " checkPatternSyntax)", text: `{"redirects": [{"source": "/a", "destination": "/b/:id"}], "headers": []}`, want: []policy.Error{{Line: 1, Column: 48}}},
		{desc: "routes cannot be used with headers (" + docs + ")", text: `{"routes": [], "headers": []}`, want: []policy.Error{{Line: 1, Column: 12}}},
		{desc: "a condition value as an object is reported, not guessed (" + docs + ")", text: `{"headers": [{"source": "/a", "has": [{"type": "query", "key": "v", "value": {"eq": "1"}}], "headers": []}]}`, want: []policy.Error{{Line: 1, Column: 78}}},
	}
	for _, tc := range tests {
		_, err := vercel.Parse(tc.text)
		postest.Read(t, tc.desc, err, tc.want)
	}
}

func TestCheckText(t *testing.T) {
	f := &vercel.Format{}
	tests := []struct {
		desc, text string
		want       []string // codes, in order
	}{
		{desc: "a credentialed wildcard, a source without its slash, two origins in one value, preflight headers nothing answers (fetch.spec.whatwg.org#cors-protocol-and-credentials; " + p2r + "; " + preflight + ")",
			text: postest.Golden(t, "traps.json"), want: []string{"never-matches", "several-origins", "wildcard-credentials", "no-preflight"}},
		{desc: "trailingSlash redirects before the headers (" + routing + " convertTrailingSlash)", want: []string{"trailing-slash-redirect"},
			text: `{"trailingSlash": true, "headers": [{"source": "/api/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}`},
		{desc: "an origin chosen by a has condition with Vary: Origin is fine", text: postest.Golden(t, "by-origin.json")},
		{desc: "an origin chosen by a has condition without Vary: Origin (" + nextHas + ")", want: []string{"vary-origin"},
			text: `{"headers": [{"source": "/a", "has": [{"type": "header", "key": "origin", "value": "https://a\\.test"}], "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://a.test"}]}]}`},
	}
	for _, tc := range tests {
		var got []string
		for _, fd := range f.CheckText(tc.text) {
			got = append(got, fd.Code)
			if fd.Pos.Line == 0 {
				t.Errorf("%s: %s has no line", tc.desc, fd.Code)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: codes %v, want %v", tc.desc, got, tc.want)
		}
	}
	if _, ok := any(f).(lint.TextChecker); !ok {
		t.Error("Format is not a lint.TextChecker")
	}
}

// TestTraps: an application that sends its own CORS header overrides the
// file's.
func TestTraps(t *testing.T) {
	f := &vercel.Format{}
	api := postest.Golden(t, "api.json")
	tests := []struct {
		desc string
		app  headers.List
		want []string
	}{
		{desc: "the application sends Access-Control-Allow-Origin, which the file sets too (" + override + ")",
			app: headers.List{{Name: "access-control-allow-origin", Value: "*"}, {Name: "X-App", Value: "1"}}, want: []string{"app-overrides"}},
		{desc: "the application sends no CORS header", app: headers.List{{Name: "Content-Type", Value: "text/plain"}}},
	}
	for _, tc := range tests {
		var got []string
		for _, fd := range f.Traps(api, tc.app) {
			got = append(got, fd.Code)
			if fd.Pos.Line != 7 {
				t.Errorf("%s: at line %d, want 7", tc.desc, fd.Pos.Line)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.desc, got, tc.want)
		}
	}
}

func TestEditText(t *testing.T) {
	api := postest.Golden(t, "api.json")
	tests := []struct {
		desc, text string
		edit       fix.Edit
		want       string // the text after, or "" with wantErr
		wantErr    error
	}{
		{desc: "a method joins the value as written", text: api, edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
			want: strings.Replace(api, `"GET, POST"`, `"GET, POST, PUT"`, 1)},
		{desc: "credentials: a new header object after the last, in its style", text: api, edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			want: strings.Replace(api, `{ "key": "Access-Control-Allow-Headers", "value": "Content-Type" }`, `{ "key": "Access-Control-Allow-Headers", "value": "Content-Type" },
        { "key": "Access-Control-Allow-Credentials", "value": "true" }`, 1)},
		{desc: "the entry at a line: the fonts entry's wildcard becomes the page's origin", text: api, edit: fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{"https://app.test"}, Line: 15},
			want: strings.Replace(api, `"value": "*"`, `"value": "https://app.test"`, 1)},
		{desc: "a second origin: a new entry with a has condition on it (" + docs + ")", text: `{"headers": [{"source": "/a", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://a.test"}]}]}`,
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}},
			want: `{"headers": [{"source": "/a", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://a.test"}]}, { "source": "/a", "has": [{ "type": "header", "key": "origin", "value": "https://b\\.test" }], "headers": [ { "key": "Access-Control-Allow-Origin", "value": "https://b.test" }, { "key": "Vary", "value": "Origin" } ] }]}`},
		// Found as a new user would: the rule's entry, /data/, not the
		// /fonts/ entry before it that sets the header too.
		{desc: "the rule's own entry when no line is given", text: `{"headers": [{"source": "/fonts/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://www.test"}]}, {"source": "/data/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}`,
			edit: fix.Edit{Op: fix.Replace, Rule: 1, Field: fix.Origins, Old: "*", Values: []string{"https://app.test"}},
			want: `{"headers": [{"source": "/fonts/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://www.test"}]}, {"source": "/data/(.*)", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://app.test"}]}]}`},
		{desc: "answering OPTIONS is no edit of vercel.json (" + preflight + ")", text: api, edit: fix.Edit{Op: fix.AnswerOptions}, wantErr: fix.ErrUnsupported},
	}
	f := &vercel.Format{}
	for _, tc := range tests {
		got, err := f.EditText(tc.text, tc.edit)
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("%s: err %v, want %v", tc.desc, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: err %v, got\n%s\nwant\n%s", tc.desc, err, got, tc.want)
			continue
		}
		if _, err := vercel.Parse(got); err != nil {
			t.Errorf("%s: the edited text does not read: %v", tc.desc, err)
		}
	}
}

// TestDetect: vercel.json is told apart from firebase.json and every
// golden file of the registered formats.
func TestDetect(t *testing.T) {
	reg := registry()
	for _, name := range []string{"api.json", "by-origin.json", "traps.json"} {
		got := reg.Detect(postest.Golden(t, name))
		if len(got) != 1 || got[0].Format != "vercel" {
			t.Errorf("%s: Detect = %+v, want only vercel", name, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"headers": [{"source": "/api/(.*)", "headers": [{"key": "A", "value": "b"}]}]}`)
	f.Add(`{"headers": [{"source": "/:a{-:b}?", "has": [{"type": "host", "value": "x"}], "headers": []}]}`)
	f.Add(`{"headers": [{"source": "/a(", "headers": [{}]}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		c, err := vercel.Parse(text)
		postest.Rejected(t, err)
		if err == nil {
			c.Respond(policy.Request{Method: "GET", URL: "https://a.test/api/x?q=1", Header: headers.List{{Name: "Cookie", Value: "a=b"}}}, policy.Reply{Status: 200})
		}
	})
}

// TestHasCaptureOrigin: a has on the Origin header whose named capture
// Access-Control-Allow-Origin sends back (":allowed", Vercel's has
// capture) states a rule whose origin is that regular expression,
// anchored as Vercel matches a has value, so lint checks the regex (its
// unescaped dot) rather than ":allowed" as an origin without a scheme.
// Tried as a new user would, it was the latter.
func TestHasCaptureOrigin(t *testing.T) {
	const text = `{"headers": [{"source": "/api/:path*",
  "has": [{"type": "header", "key": "origin", "value": "(?<allowed>https://(app|admin).example.com)"}],
  "headers": [{"key": "Access-Control-Allow-Origin", "value": ":allowed"}, {"key": "Access-Control-Allow-Credentials", "value": "true"}]}]}`
	cfg, err := (&vercel.Format{}).ReadRules(text)
	if err != nil {
		t.Fatal(err)
	}
	if r := cfg.Rules[0]; len(r.Origins) != 1 || !r.Regex[0] || r.Origins[0].Text != "^(?:(?<allowed>https://(app|admin).example.com))$" {
		t.Errorf("origins %+v regex %v, want the has regex, anchored", r.Origins, r.Regex)
	}
	fs, err := lint.Lint(registry(), text, "vercel")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, f := range fs {
		codes = append(codes, f.Code)
	}
	if all := strings.Join(codes, " "); !strings.Contains(all, "suffix-trap") || strings.Contains(all, "origin-never-matches") {
		t.Errorf("findings %q, want suffix-trap and no origin-never-matches", all)
	}
}
