package firebase_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/firebase"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
)

// Sources cited below.
const (
	docs   = "firebase.google.com/docs/hosting/full-config#headers"
	ss     = "superstatic 9.2.0 lib/middleware/headers.js (setHeader when the header is written), checked in e2e/hosting"
	glob   = "minimatch 6.2.3 as superstatic 9.2.0 calls it (lib/utils/patterns.js), checked in e2e/hosting"
	miss   = "superstatic 9.2.0 lib/middleware/missing.js: the 404 page's headers, checked in e2e/hosting"
	sites  = "firebase.google.com/docs/hosting/multisites"
	origin = "fetch.spec.whatwg.org#http-access-control-allow-origin: one origin, *, or null"
	redir  = "superstatic 9.2.0 lib/middleware/redirects.js, before lib/middleware/headers.js; checked in e2e/hosting"
)

func TestRespond(t *testing.T) {
	fonts := postest.Golden(t, "fonts.json")
	multi := postest.Golden(t, "sites.json")
	tests := []struct {
		desc, text, method, url string
		status                  int // the application's (the file's) status
		reply                   int // the reply's, when it differs
		app                     headers.List
		want                    map[string]string // "" for absent
	}{
		{desc: "**/*.@(woff2|...) matches a font at any depth (" + glob + ")", text: fonts, method: "GET", url: "https://app.web.app/static/f/a.woff2", status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "a regex is searched in the path (" + docs + ")", text: fonts, method: "GET", url: "https://app.web.app/data/prices.json", status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Vary": "Origin"}},
		{desc: "every matching entry applies, a later one's key replacing an earlier one's (" + ss + ")", text: fonts, method: "GET", url: "https://app.web.app/data/public.json", status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Vary": "Origin"}},
		{desc: "OPTIONS is served as any method, the same headers and the file's status (" + ss + ")", text: fonts, method: "OPTIONS", url: "https://app.web.app/data/prices.json", status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example"}},
		{desc: "the configured header replaces the file's own (" + ss + ")", text: fonts, method: "GET", url: "https://app.web.app/a.ttf", status: 200,
			app:  headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://file.example"}},
			want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "a 404 gets the headers of entries matching /404.html too (" + miss + ")", method: "GET", url: "https://app.web.app/nothing", status: 404,
			text: `{"hosting": {"headers": [{"source": "**/*.html", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}}`,
			want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "a * does not match a dot file (" + glob + ")", method: "GET", url: "https://app.web.app/.well-known/x", status: 200,
			text: `{"hosting": {"headers": [{"source": "/*/x", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}}`,
			want: map[string]string{"Access-Control-Allow-Origin": ""}},
		{desc: "a leading ! negates the glob (" + glob + ")", method: "GET", url: "https://app.web.app/index.html", status: 200,
			text: `{"hosting": {"headers": [{"source": "!/api/**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}}`,
			want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "a redirect answers before any header applies: a 301 without them, even to OPTIONS (" + redir + ")", method: "OPTIONS", url: "https://app.web.app/v1/items", status: 404, reply: 301,
			text: `{"hosting": {"redirects": [{"source": "/v1/**", "destination": "/api/items", "type": 301}], "headers": [{"source": "**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}}`,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Location": "/api/items"}},
		{desc: "a redirect whose destination captures :parameters is left out, with a note (" + redir + ")", method: "GET", url: "https://app.web.app/v1/items", status: 200,
			text: `{"hosting": {"redirects": [{"source": "/v1/:rest*", "destination": "/api/:rest*", "type": 301}], "headers": [{"source": "**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "*"}]}]}}`,
			want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "the site named by the host serves (" + sites + ")", text: multi, method: "GET", url: "https://cdn-assets.web.app/search-index.json", status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "another host: the first site (" + sites + ")", text: multi, method: "GET", url: "https://docs.example.com/search-index.json", status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://www.example.com"}},
	}
	for _, tc := range tests {
		c, err := firebase.Parse(tc.text)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		out := c.Respond(policy.Request{Method: tc.method, URL: tc.url}, policy.Reply{Status: tc.status, Header: tc.app})
		want := tc.status
		if tc.reply != 0 {
			want = tc.reply
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
		{desc: "the golden files read (" + docs + ")", text: postest.Golden(t, "sites.json")},
		{desc: "not JSON: the byte at fault", text: "{\"hosting\": {\"headers\": [}", want: []policy.Error{{Line: 1, Column: 26}}},
		{desc: "no hosting", text: `{"functions": {}}`, want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "every fault listed: an entry with neither source nor regex, an RE2-refused regex (" + docs + ": RE2), a header that is not an object",
			text: "{\"hosting\": {\"headers\": [\n  {\"headers\": []},\n  {\"regex\": \"^/(?!api)\", \"headers\": []},\n  {\"source\": \"**\", \"headers\": [\"x\"]}\n]}}",
			want: []policy.Error{{Line: 2, Column: 3}, {Line: 3, Column: 13}, {Line: 4, Column: 32}}},
		{desc: "source and regex in one entry (" + docs + ")", text: `{"hosting": {"headers": [{"source": "**", "regex": ".", "headers": []}]}}`, want: []policy.Error{{Line: 1, Column: 26}}},
		{desc: "an extglob this reader cannot model is reported", text: `{"hosting": {"headers": [{"source": "/!(api)/**", "headers": []}]}}`, want: []policy.Error{{Line: 1, Column: 37}}},
		{desc: "a site that is not an object", text: `{"hosting": [1]}`, want: []policy.Error{{Line: 1, Column: 14}}},
	}
	for _, tc := range tests {
		_, err := firebase.Parse(tc.text)
		postest.Read(t, tc.desc, err, tc.want)
	}
}

func TestCheckText(t *testing.T) {
	f := &firebase.Format{}
	tests := []struct {
		desc, text string
		want       []string
	}{
		{desc: "two origins in one value, a glob without its slash, a credentialed wildcard, preflight headers a 404 defeats (" + origin + "; " + glob + "; " + ss + ")",
			text: postest.Golden(t, "traps.json"), want: []string{"several-origins", "never-matches", "wildcard-credentials", "no-preflight"}},
		{desc: "fonts for everyone are fine (its rewrite to /index.html is a file's)", text: postest.Golden(t, "fonts.json")},
		{desc: "a rewrite to a function is not read, and said (found as a new user would: the verdict said nothing of it)", want: []string{"rewrites-unread"},
			text: `{"hosting": {"headers": [{"source": "/api/**", "headers": [{"key": "Access-Control-Allow-Origin", "value": "https://a.test"}]}], "rewrites": [{"source": "/api/**", "function": "api"}]}}`},
		{desc: "a regex anchored on a word never matches a path (" + docs + ")", want: []string{"never-matches"},
			text: `{"hosting": {"headers": [{"regex": "^api/.*", "headers": [{"key": "X", "value": "1"}]}]}}`},
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
}

func TestEditText(t *testing.T) {
	fonts := postest.Golden(t, "fonts.json")
	tests := []struct {
		desc, text string
		edit       fix.Edit
		want       string
		wantErr    error
	}{
		{desc: "a header name: a new header object after the regex entry's last, on its own line", text: fonts,
			edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"Content-Type"}, Line: 14},
			want: strings.Replace(fonts, `{ "key": "Vary", "value": "Origin" }`, `{ "key": "Vary", "value": "Origin" },
          { "key": "Access-Control-Allow-Headers", "value": "Content-Type" }`, 1)},
		{desc: "one header on the entry's line: the new one follows on that line", text: fonts,
			edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			want: strings.Replace(fonts, `"headers": [{ "key": "Access-Control-Allow-Origin", "value": "*" }]
      },
      {
        "regex"`, `"headers": [{ "key": "Access-Control-Allow-Origin", "value": "*" }, { "key": "Access-Control-Allow-Credentials", "value": "true" }]
      },
      {
        "regex"`, 1)},
		{desc: "a second origin cannot be said with static headers (" + origin + ")", text: fonts,
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}, Line: 14}, wantErr: fix.ErrUnsupported},
		{desc: "Replace of a value the entry does not have", text: fonts,
			edit: fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "https://x.test", Values: []string{"https://b.test"}}, wantErr: fix.ErrNotFound},
	}
	f := &firebase.Format{}
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
		if _, err := firebase.Parse(got); err != nil {
			t.Errorf("%s: the edited text does not read: %v", tc.desc, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(postest.Golden(f, "fonts.json"))
	f.Add(`{"hosting": [{"site": "a", "headers": [{"source": "{a,b}/**/[!x]?.@(j|k)", "headers": [{"key": "A", "value": "b"}]}]}]}`)
	f.Add(`{"hosting": {"headers": [{"glob": "!#x/**/**/..", "headers": []}]}}`)
	f.Fuzz(func(t *testing.T, text string) {
		c, err := firebase.Parse(text)
		postest.Rejected(t, err)
		if err == nil {
			for _, p := range []string{"/", "/a/b/", "/.x/y.j", "/a//b"} {
				c.Respond(policy.Request{Method: "GET", URL: "https://a.web.app" + p}, policy.Reply{Status: 404})
			}
		}
	})
}
