package caddy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/formats/internal/servertest"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Sources of the expected values: "hdr" is Caddy v2.6.2's
// modules/caddyhttp/headers (headers.go ApplyTo: add, set, delete,
// replace; the response writer wrapper applying deferred operations at
// WriteHeader; caddyfile.go: -field and ?field defer), "order" its
// caddyconfig/httpcaddyfile/directives.go (directive order, sortRoutes),
// "match" modules/caddyhttp/matchers.go, "proxy" reverseproxy.go
// (copyHeader adds each upstream line; header_down first), "respond"
// staticresp.go; "e2e" means e2e/caddy saw Debian's caddy 2.6.2 answer
// so.

func get(t *testing.T, text string) *caddy.Config {
	t.Helper()
	c, err := caddy.Parse(text)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

var req = servertest.Req

func TestRespond(t *testing.T) {
	const site = `:8080 {
	@cors header Origin https://a.test
	@preflight method OPTIONS
	reverse_proxy app:80
	respond @preflight 204
	header @cors Access-Control-Allow-Origin {header.Origin}
	header @preflight Access-Control-Allow-Methods "GET, POST"
}`
	upStar := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}}
	tests := []struct {
		desc   string
		text   string
		req    policy.Request
		app    policy.Reply
		status int
		want   map[string][]string // nil entry: absent
		source string
	}{
		{desc: "header_regexp and path_regexp (with a capture name): Go regexps, the path cleaned and compared case-sensitively",
			text: ":80 {\n\t@o {\n\t\theader_regexp o Origin ^https://.+\\.a\\.test$\n\t\tpath_regexp ^/api(/.*)?$\n\t}\n\theader @o Access-Control-Allow-Origin *\n}",
			req:  req("GET", "http://x//api/./v", "Origin", "https://b.a.test"), app: policy.Reply{Status: 200},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "caddyhttp MatchPathRE cleans the path (matchers.go)"},
		{desc: "header_regexp's capture echoed: {re.NAME.0} is the Origin it matched (found as a new user would: the placeholder was sent as written and an allowed fetch BLOCKED)",
			text: ":80 {\n\t@allowed header_regexp origin Origin ^https://(app|admin)\\.example\\.com$\n\theader @allowed Access-Control-Allow-Origin {re.origin.0}\n\theader X-Who {http.regexp.origin.1}\n}",
			req:  req("GET", "http://x/", "Origin", "https://admin.example.com"), app: policy.Reply{Status: 200},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"https://admin.example.com"}, "X-Who": {"admin"}}, source: "caddyhttp MatchRegexp.Match sets {http.regexp.NAME.N}; Debian caddy 2.6.2 sends the origin (e2e/caddy)"},
		{desc: "header_regexp's capture unset (the matcher let another origin by): the placeholder is sent in its long form",
			text: ":80 {\n\t@allowed header_regexp origin Origin ^https://app\\.example\\.com$\n\theader Access-Control-Allow-Origin {re.origin.0}\n}",
			req:  req("GET", "http://x/", "Origin", "https://evil.example"), app: policy.Reply{Status: 200},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"{http.regexp.origin.0}"}}, source: "Debian caddy 2.6.2 (e2e/caddy): the Caddyfile adapter writes the long form, ReplaceKnown leaves an unset one"},
		{desc: "a snippet imported with an origin: {args.0} is the argument (found as a new user would: \"import is not modelled\", exit 2)",
			text: "(cors) {\n\t@o header Origin {args.0}\n\theader @o Access-Control-Allow-Origin \"{args.0}\"\n}\n:80 {\n\timport cors https://a.test\n\trespond 200\n}\n",
			req:  req("GET", "http://x/", "Origin", "https://a.test"), app: policy.Reply{Status: 200},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"https://a.test"}}, source: "caddyconfig/caddyfile (snippets, {args.N}); Debian caddy 2.6.2 (e2e/caddy's corners)"},
		{desc: "handle_path: its routes see the path without the prefix, stripped ignoring case (found as a new user would: \"not modelled\", exit 2)",
			text: ":80 {\n\thandle_path /api/* {\n\t\t@x path /items\n\t\theader @x Access-Control-Allow-Origin *\n\t\treverse_proxy app:80\n\t}\n\thandle {\n\t\trespond 404\n\t}\n}",
			req:  req("GET", "http://x/API/items", "Origin", "https://a.test"), app: policy.Reply{Status: 200},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "caddy adapt (2.6.2): a rewrite with strip_path_prefix heads handle_path's subroute; Debian caddy 2.6.2 (e2e/caddy's handle_path corners)"},
		{desc: "handle_path /api*: /apix is proxied as \"x\", which the upstream refuses with 400",
			text: ":80 {\n\thandle_path /api* {\n\t\theader Access-Control-Allow-Origin *\n\t}\n\treverse_proxy app:80\n}",
			req:  req("GET", "http://x/apix", "Origin", "https://a.test"), app: policy.Reply{Status: 200},
			status: 400, want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "RFC 9112 §3.2.1; Debian caddy 2.6.2 with a Go upstream (e2e/caddy)"},
		{desc: "path_regexp is case-sensitive, unlike path", text: ":80 {\n\t@o path_regexp ^/api(/.*)?$\n\theader @o Access-Control-Allow-Origin *\n}",
			req: req("GET", "http://x/API/v", "Origin", "https://b.a.test"), app: policy.Reply{Status: 200},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": nil}, source: "Go regexp; e2e/caddy written sites (/API/items)"},
		{desc: "preflight answered by respond after header, whatever the written order", text: site,
			req: req("OPTIONS", "http://x/", "Origin", "https://a.test", "Access-Control-Request-Method", "PUT"), app: policy.Reply{Status: 404},
			status: 204, want: map[string][]string{"Access-Control-Allow-Origin": {"https://a.test"}, "Access-Control-Allow-Methods": {"GET, POST"}}, source: "order, respond, e2e"},
		{desc: "lower-case options is not the method matcher's OPTIONS", text: site,
			req: req("options", "http://x/", "Origin", "https://a.test"), app: policy.Reply{Status: 405},
			status: 405, want: map[string][]string{"Access-Control-Allow-Origin": {"https://a.test"}, "Access-Control-Allow-Methods": nil}, source: "match (MatchMethod compares exactly), e2e"},
		{desc: "another origin: no header", text: site,
			req: req("GET", "http://x/", "Origin", "https://b.test"), app: policy.Reply{Status: 200},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": nil}, source: "match"},
		{desc: "upstream ACAO added to the immediate one: two lines", text: site,
			req: req("GET", "http://x/", "Origin", "https://a.test"), app: upStar,
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"https://a.test", "*"}}, source: "proxy, hdr, e2e"},
		{desc: "deferred set replaces the upstream's line", text: ":80 {\n\theader {\n\t\tAccess-Control-Allow-Origin https://a.test\n\t\tdefer\n\t}\n\treverse_proxy app:80\n}",
			req: req("GET", "http://x/", "Origin", "https://a.test"), app: upStar,
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"https://a.test"}}, source: "hdr, e2e"},
		{desc: "error statuses keep the headers (no always in Caddy)", text: site,
			req: req("GET", "http://x/", "Origin", "https://a.test"), app: policy.Reply{Status: 500},
			status: 500, want: map[string][]string{"Access-Control-Allow-Origin": {"https://a.test"}}, source: "hdr, e2e"},
		{desc: "deferred handlers apply innermost first: the earlier directive wins", text: ":80 {\n\theader @o {\n\t\tAccess-Control-Allow-Origin https://a.test\n\t\tdefer\n\t}\n\t@o header Origin *\n\theader {\n\t\tAccess-Control-Allow-Origin https://z.test\n\t\tdefer\n\t}\n\treverse_proxy app:80\n}",
			req: req("GET", "http://x/", "Origin", "https://q.test"), app: policy.Reply{Status: 200},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"https://a.test"}}, source: "hdr (wrappers), order (matcher first), e2e"},
		{desc: "?field sets only when the reply has none", text: ":80 {\n\theader ?Access-Control-Allow-Origin *\n\treverse_proxy app:80\n}",
			req: req("GET", "http://x/"), app: policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://u.test"}}},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"https://u.test"}}, source: "hdr (Require of an absent field), e2e"},
		{desc: "header_down deletes the upstream's before the copy", text: ":80 {\n\theader Access-Control-Allow-Origin https://a.test\n\treverse_proxy app:80 {\n\t\theader_down -Access-Control-Allow-Origin\n\t}\n}",
			req: req("GET", "http://x/"), app: upStar,
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"https://a.test"}}, source: "proxy, e2e"},
		{desc: "no handler writes: empty 200 without the deferred headers", text: ":80 {\n\theader -Server\n\theader {\n\t\tAccess-Control-Allow-Origin *\n\t\tdefer\n\t}\n\theader Vary Origin\n}",
			req: req("GET", "http://x/"), app: policy.Reply{Status: 404},
			status: 200, want: map[string][]string{"Access-Control-Allow-Origin": nil, "Vary": {"Origin"}}, source: "hdr (WriteHeader never called), e2e"},
		{desc: "handle blocks exclusive: the first matching runs", text: ":80 {\n\t@p method OPTIONS\n\thandle @p {\n\t\theader Access-Control-Allow-Methods GET\n\t\trespond 204\n\t}\n\thandle {\n\t\treverse_proxy app:80\n\t}\n}",
			req: req("OPTIONS", "http://x/"), app: policy.Reply{Status: 404},
			status: 204, want: map[string][]string{"Access-Control-Allow-Methods": {"GET"}}, source: "order (handle group), e2e"},
		{desc: "site chosen by host", text: "http://a.localhost {\n\trespond 201\n}\nhttp://b.localhost {\n\trespond 202\n}",
			req: req("GET", "http://b.localhost/"), status: 202, want: map[string][]string{}, source: "e2e (one site per Host)"},
		{desc: "path matcher lower-cases the path", text: ":80 {\n\theader /api/* Access-Control-Allow-Origin *\n\trespond 200\n}",
			req: req("GET", "http://x/API/v"), status: 200, want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "match (MatchPath), e2e"},
	}
	for _, tc := range tests {
		servertest.Reply(t, tc.desc, tc.source, get(t, tc.text).Respond(tc.req, tc.app), tc.status, tc.want)
	}
}

// encode only adds Vary: Accept-Encoding to compressed replies: a note,
// not a fault (caddyserver.com/docs/caddyfile/directives/encode).
func TestNotes(t *testing.T) {
	c := get(t, ":80 {\n\tencode gzip\n\theader Access-Control-Allow-Origin *\n\trespond 200\n}")
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "line 2: encode") {
		t.Errorf("Notes = %q, want the encode line", c.Notes)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want []policy.Error
	}{
		{desc: "every fault, each at its token", text: ":80 {\n\timport cors\n\theader @nope X 1\n\tredir /a /b\n}",
			want: []policy.Error{{Line: 2, Column: 2}, {Line: 3, Column: 9}, {Line: 4, Column: 2}}},
		{desc: "unterminated quote", text: ":80 {\n\theader X \"a\n}", want: []policy.Error{{Line: 2, Column: 11}}},
		{desc: "block never closed", text: ":80 {\n\theader X 1\n", want: []policy.Error{{Line: 1, Column: 5}}},
		{desc: "inline field and block fields", text: ":80 {\n\theader X 1 {\n\t\tY 2\n\t}\n}", want: []policy.Error{{Line: 3, Column: 3}}},
		{desc: "header matcher without value", text: ":80 {\n\t@m header Origin\n\theader @m X 1\n}", want: []policy.Error{{Line: 2, Column: 12}}},
		{desc: "? in header_down", text: ":80 {\n\treverse_proxy a {\n\t\theader_down ?X 1\n\t}\n}", want: []policy.Error{{Line: 3, Column: 15}}},
		// caddyhttp MatchHeaderRE / MatchPathRE: Go's regexp syntax
		{desc: "header_regexp: a regexp Go does not compile, at its token", text: ":80 {\n\t@m header_regexp Origin ^(a$\n\theader @m X 1\n}", want: []policy.Error{{Line: 2, Column: 26}}},
		{desc: "path_regexp without a regexp", text: ":80 {\n\t@m path_regexp\n\theader @m X 1\n}", want: []policy.Error{{Line: 2, Column: 5}}},
		// caddy adapt: "path matcher must begin with '/', got *"
		{desc: "handle_path without a path", text: ":80 {\n\t@m method GET\n\thandle_path @m {\n\t\trespond 204\n\t}\n}", want: []policy.Error{{Line: 3, Column: 2}}},
		{desc: "handle_path *", text: ":80 {\n\thandle_path * {\n\t\trespond 204\n\t}\n}", want: []policy.Error{{Line: 2, Column: 2}}},
		// An adversarial review: 2,000 lines imported 100 times took 1.4 GB.
		{desc: "snippet imports past 20,000 directives in all, at the import that passes it", text: "(a) {\n" + strings.Repeat("\theader X-A b\n", 2000) + "}\n:80 {\n" + strings.Repeat("\timport a\n", 11) + "}",
			want: []policy.Error{{Line: 2014, Column: 2}}},
		{desc: "snippet imports whose arguments put in more than 1 MiB in all, at the import that passes it", text: "(a) {\n\theader X " + strings.Repeat("{args.0}", 64) + "\n}\n:80 {\n\timport a " + strings.Repeat("x", 20000) + "\n}",
			want: []policy.Error{{Line: 5, Column: 2}}},
	}
	for _, tc := range tests {
		_, err := caddy.Parse(tc.text)
		postest.Positions(t, tc.desc, err, tc.want)
	}
	// What Caddy runs and the reader does not model is the reader's
	// limit, an input error, never Caddy's refusal (tried as a new user
	// would: lint said basicauth was "rejected", which caddy validate
	// accepts).
	for _, d := range []string{"basicauth {\n\t\tbob x\n\t}", "forward_auth a:9091 {\n\t\turi /auth\n\t}", "redir /a /b", "import cors"} {
		_, err := caddy.Parse(":80 {\n\t" + d + "\n\theader X 1\n}")
		var errs policy.Errors
		if !errors.As(err, &errs) || len(errs) != 1 || !errs[0].Unreadable {
			t.Errorf("%s: %v, want one error the reader cannot read (Unreadable)", d, err)
		}
	}
}

func TestDetect(t *testing.T) {
	reg := all.Registry()
	tests := []struct {
		desc, text, want string
	}{
		{desc: "golden matcher site", text: postest.Golden(t, "matcher.Caddyfile"), want: "caddy"},
		{desc: "golden handle site", text: postest.Golden(t, "handle.Caddyfile"), want: "caddy"},
		{desc: "one line", text: "header Access-Control-Allow-Origin *\n", want: "caddy"},
		{desc: "nginx add_header", text: "location / {\n  add_header Access-Control-Allow-Origin *;\n}\n", want: "nginx"},
		{desc: "Apache Header set (mod_headers)", text: "<VirtualHost *:80>\n  Header always set Access-Control-Allow-Origin \"*\"\n</VirtualHost>\n", want: ""},
		{desc: "Apache lower-case header set", text: "header set Access-Control-Allow-Origin \"*\"\n", want: ""},
	}
	for _, tc := range tests {
		got := reg.Detect(tc.text)
		claimed := false
		for _, d := range got {
			claimed = claimed || d.Format == "caddy"
		}
		if want := tc.want == "caddy"; claimed != want || want && len(got) != 1 {
			t.Errorf("%s: Detect = %+v, want caddy alone: %v", tc.desc, got, want)
		}
		if tc.want != "" && tc.want != "caddy" && (len(got) != 1 || got[0].Format != tc.want) {
			t.Errorf("%s: Detect = %+v, want %s alone", tc.desc, got, tc.want)
		}
	}
}

func TestCheckText(t *testing.T) {
	f := &caddy.Format{}
	tests := []struct {
		desc, text string
		code, sev  string
		line       int
	}{
		{desc: "fixed origin for two allowed, with credentials", code: "fixed-origin-several", sev: "error", line: 3,
			text: ":80 {\n\t@c {\n\t\theader Origin https://a.test\n\t\theader Origin https://b.test\n\t}\n\theader @c Access-Control-Allow-Origin https://a.test\n\theader Access-Control-Allow-Credentials true\n\trespond 200\n}"},
		{desc: "+ACAO duplicates", code: "duplicate-origin", sev: "warning", line: 2,
			text: ":80 {\n\theader +Access-Control-Allow-Origin *\n\trespond 200\n}"},
		{desc: "immediate ACAO before reverse_proxy", code: "duplicate-origin", sev: "warning", line: 2,
			text: ":80 {\n\theader Access-Control-Allow-Origin https://a.test\n\treverse_proxy app:80\n}"},
		{desc: "echo with no Origin matcher, credentials", code: "reflect-any-origin", sev: "error", line: 2,
			text: ":80 {\n\theader Access-Control-Allow-Origin {header.Origin}\n\theader Access-Control-Allow-Credentials true\n\trespond 200\n}"},
		{desc: "wildcard with credentials", code: "wildcard-credentials", sev: "error", line: 2,
			text: ":80 {\n\theader Access-Control-Allow-Origin *\n\theader Access-Control-Allow-Credentials true\n\trespond 200\n}"},
	}
	for _, tc := range tests {
		found := false
		for _, x := range f.CheckText(tc.text) {
			if x.Code == tc.code {
				found = true
				if x.Severity != tc.sev || x.Pos.Line == 0 {
					t.Errorf("%s: %+v, want %s at a line", tc.desc, x, tc.sev)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s in %+v", tc.desc, tc.code, f.CheckText(tc.text))
		}
	}
	// An echo under an anchored header_regexp Origin matcher lets in
	// what the regexp matches, not every origin (caddyserver.com/docs/
	// caddyfile/matchers#header-regexp); tried as a new user would, it
	// was reflect-any-origin, an error.
	for _, x := range f.CheckText(":80 {\n\t@o header_regexp Origin ^https://[a-z]+\\.example\\.com$\n\theader @o Access-Control-Allow-Origin {header.Origin}\n\theader @o Access-Control-Allow-Credentials true\n\trespond 200\n}") {
		if x.Code == "reflect-any-origin" {
			t.Errorf("an echo under a header_regexp Origin matcher: %+v", x)
		}
	}
	// Its capture echoed ({re.NAME.0}) is the origin too, not a fixed
	// value (found as a new user would: fixed-origin-several, an error).
	for _, x := range f.CheckText(":80 {\n\t@o header_regexp o Origin ^https://(a|b)\\.example\\.com$\n\theader @o Access-Control-Allow-Origin {re.o.0}\n\theader @o Access-Control-Allow-Credentials true\n\trespond 200\n}") {
		if x.Code == "fixed-origin-several" || x.Code == "reflect-any-origin" {
			t.Errorf("a header_regexp Origin matcher's capture echoed: %+v", x)
		}
	}
	if got := f.CheckText(postest.Golden(t, "matcher.Caddyfile")); len(got) != 0 {
		t.Errorf("the golden matcher site has traps: %+v", got)
	}
	// A handle block that answers the preflight with respond passes
	// nothing on: its header is no duplicate of an upstream's, where the
	// other block's, before reverse_proxy, is (Caddy's handle blocks are
	// exclusive, and respond ends the route: caddyserver.com/docs/caddyfile/directives/handle).
	// Tried as a new user would, both were duplicate-origin.
	var lines []int
	for _, x := range f.CheckText(":80 {\n\t@pre method OPTIONS\n\thandle @pre {\n\t\theader Access-Control-Allow-Origin https://a.test\n\t\trespond \"\" 204\n\t}\n\thandle {\n\t\theader Access-Control-Allow-Origin https://a.test\n\t\treverse_proxy app:80\n\t}\n}") {
		if x.Code == "duplicate-origin" {
			lines = append(lines, x.Pos.Line)
		}
	}
	if len(lines) != 1 || lines[0] != 8 {
		t.Errorf("duplicate-origin at lines %v, want 8 alone", lines)
	}
}

func TestEditText(t *testing.T) {
	preflight := req("OPTIONS", "http://api.example.com/", "Origin", "https://new.test", "Access-Control-Request-Method", "PUT")
	get := req("GET", "http://api.example.com/", "Origin", "https://new.test")
	tests := []struct {
		desc string
		text string
		edit fix.Edit
		req  policy.Request
		want map[string]string
	}{
		{desc: "origin into the block matcher", text: postest.Golden(t, "matcher.Caddyfile"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.test"}}, req: get,
			want: map[string]string{"Access-Control-Allow-Origin": "https://new.test"}},
		{desc: "origin into a one-line matcher; fixed value echoes, and every reply says Vary: Origin (found as a new user would: the fixed file was lint's vary-origin)", text: ":80 {\n\t@c header Origin https://a.test\n\theader @c Access-Control-Allow-Origin https://a.test\n\trespond 200\n}",
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.test"}}, req: get,
			want: map[string]string{"Access-Control-Allow-Origin": "https://new.test", "Vary": "Origin"}},
		{desc: "origin with no matcher: a matcher added, and Vary: Origin", text: ":80 {\n\theader Access-Control-Allow-Origin https://a.test\n\trespond 200\n}",
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.test"}}, req: get,
			want: map[string]string{"Access-Control-Allow-Origin": "https://new.test", "Vary": "Origin"}},
		{desc: "another site's Vary: Origin does not stand for this one's (found by an adversarial review)", text: "static.example.com {\n\theader Vary Origin\n\trespond 200\n}\napi.example.com {\n\theader Access-Control-Allow-Origin https://a.test\n\trespond 200\n}\n",
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.test"}}, req: get,
			want: map[string]string{"Access-Control-Allow-Origin": "https://new.test", "Vary": "Origin"}},
		{desc: "method appended", text: postest.Golden(t, "matcher.Caddyfile"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}}, req: preflight,
			want: map[string]string{"Access-Control-Allow-Methods": "GET, POST, PUT"}},
		{desc: "credentials added inline", text: ":80 {\n\theader Access-Control-Allow-Origin https://new.test\n\trespond 200\n}",
			edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials}, req: get,
			want: map[string]string{"Access-Control-Allow-Credentials": "true"}},
		{desc: "answer OPTIONS", text: ":80 {\n\theader Access-Control-Allow-Origin *\n\treverse_proxy app:80\n}",
			edit: fix.Edit{Op: fix.AnswerOptions, Line: 2}, req: preflight,
			want: map[string]string{":status": "204"}},
	}
	f := postest.Lookup(t, caddy.Formats(), "caddy")
	for _, tc := range tests {
		servertest.Edited(t, tc.desc, f, tc.text, tc.edit, tc.req, policy.Reply{Status: 404}, tc.want)
	}
	if _, err := fix.Apply(f, ":80 {\n\trespond 200\n}", fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://x.test"}}); !errors.Is(err, fix.ErrNotFound) {
		t.Errorf("no ACAO: err = %v, want ErrNotFound", err)
	}
	if _, err := fix.Apply(f, postest.Golden(t, "matcher.Caddyfile"), fix.Edit{Op: fix.Always}); !errors.Is(err, fix.ErrUnsupported) {
		t.Errorf("always: err = %v, want ErrUnsupported (Caddy has none)", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(":80 {\n\t@c header Origin https://a.test\n\theader @c Access-Control-Allow-Origin {header.Origin}\n\trespond @c 204\n}")
	f.Add("{\n\tadmin off\n}\nhttp://a {\n\thandle {\n\t\theader {\n\t\t\t-Server\n\t\t\t+Vary Origin\n\t\t}\n\t\treverse_proxy a {\n\t\t\theader_down X a b\n\t\t}\n\t}\n}")
	f.Add("header \"a\\\"b\" `c`\n# c\nroute /x* {\n respond \"\" 204\n}")
	f.Add(caddy.Write(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://*.a.test"}, Paths: []string{"/x"}}, {Origins: []string{"*"}}}}))
	f.Add(":80 {\n\thandle_path /api* {\n\t\theader X {path}\n\t\thandle_path /v1/* {\n\t\t\treverse_proxy a\n\t\t}\n\t}\n\thandle {\n\t\trespond 404\n\t}\n}")
	f.Fuzz(func(t *testing.T, s string) {
		(&caddy.Format{}).CheckText(s)
		(&caddy.Format{}).Detect(s)
		c, err := caddy.Parse(s)
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		for _, m := range []string{"OPTIONS", "GET"} {
			c.Respond(req(m, "http://a/x?q", "Origin", "https://a.test"), policy.Reply{Status: 200})
		}
	})
}
