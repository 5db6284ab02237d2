package apache_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/apache"
	"github.com/whycors/whycors/engine/formats/internal/servertest"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Sources of the expected values: "hdr" is httpd.apache.org/docs/2.4/
// mod/mod_headers.html (always and onsuccess tables, actions, env=,
// %{VAR}e), "env" mod_setenvif.html, "rw" mod_rewrite.html (R=, F, L),
// "sect" sections.html (merging order), "expr" expr.html; "e2e" means
// e2e/apache saw Debian's apache2 2.4.71 answer so (with the facts only
// it showed: "(null)" for an unset variable, a proxied 4xx/5xx keeping
// the onsuccess lines, Vary tokens joined by "," once each, the Vary of
// <If> on a RewriteRule's 204 and not on its 200).

func get(t *testing.T, text string) *apache.Config {
	t.Helper()
	c, err := apache.Parse(text)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

var req = servertest.Req

// respondCase is one request to a configuration and the reply expected,
// with the source that says so.
type respondCase struct {
	desc   string
	text   string
	req    policy.Request
	app    policy.Reply
	status int
	want   map[string][]string // nil: absent
	source string
}

func TestRespond(t *testing.T) {
	golden := postest.Golden(t, "setenvif.conf")
	onsuccess := postest.Golden(t, "onsuccess.conf")
	star := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}, {Name: "Vary", Value: "Origin"}}}
	tests := []respondCase{
		{desc: "matched origin echoed, backend's dropped", text: golden,
			req: req("GET", "http://api.example.com/api/x", "Origin", "https://admin.example.com"), app: star, status: 200,
			want:   map[string][]string{"Access-Control-Allow-Origin": {"https://admin.example.com"}, "Vary": {"Origin"}, "Access-Control-Allow-Methods": {"GET, POST"}},
			source: "env, hdr, e2e (fixup_vary)"},
		{desc: "other origin: env= keeps the header out", text: golden,
			req: req("GET", "http://api.example.com/x", "Origin", "https://evil.test"), app: star, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": nil, "Access-Control-Allow-Credentials": nil}, source: "hdr env=, e2e"},
		{desc: "preflight answered by the RewriteRule with the always lines", text: golden,
			req: req("OPTIONS", "http://api.example.com/api/x", "Origin", "https://app.example.com", "Access-Control-Request-Method", "POST"), app: policy.Reply{Status: 404}, status: 204,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example.com"}, "Access-Control-Allow-Methods": {"GET, POST"}}, source: "rw, hdr always, e2e"},
		{desc: "onsuccess lines vanish on the RewriteRule's 204", text: onsuccess,
			req: req("OPTIONS", "http://shop.example/", "Origin", "https://www.shop.example", "Access-Control-Request-Method", "POST"), status: 204,
			want: map[string][]string{"Access-Control-Allow-Origin": nil, "Access-Control-Allow-Methods": nil}, source: "hdr (onsuccess not on locally generated replies), e2e"},
		{desc: "a proxied 500 keeps the onsuccess lines", text: onsuccess,
			req: req("GET", "http://shop.example/", "Origin", "https://www.shop.example"), app: policy.Reply{Status: 500}, status: 500,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://www.shop.example"}}, source: "e2e"},
		{desc: "unset variable: (null)", text: "SetEnvIf Origin ^https://a\\.test$ OK=$0\nHeader set Access-Control-Allow-Origin %{OK}e\n",
			req: req("GET", "http://h/", "Origin", "https://b.test"), app: policy.Reply{Status: 200}, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"(null)"}}, source: "e2e"},
		{desc: "always set next to the backend's: two lines, always first", text: "Header always set Access-Control-Allow-Origin https://a.test\nProxyPass / http://b/\n",
			req: req("GET", "http://h/"), app: star, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://a.test", "*"}}, source: "hdr (two tables), e2e"},
		{desc: "merge skips a value already there", text: "Header merge Vary Origin\nHeader merge Access-Control-Expose-Headers X-A\nHeader merge Access-Control-Expose-Headers X-A\n",
			req: req("GET", "http://h/"), app: star, status: 200,
			want: map[string][]string{"Vary": {"Origin"}, "Access-Control-Expose-Headers": {"X-A"}}, source: "hdr merge, e2e"},
		{desc: "add makes a second line", text: "Header add Access-Control-Allow-Origin https://a.test\n",
			req: req("GET", "http://h/"), app: star, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"*", "https://a.test"}}, source: "hdr add, e2e"},
		{desc: "If on Origin, Else unsets", text: "<If \"%{HTTP:Origin} in { 'https://a.test', 'https://b.test' }\">\n  Header set Access-Control-Allow-Origin \"https://a.test\"\n</If>\n<Else>\n  Header unset Access-Control-Allow-Origin\n</Else>\nProxyPass / http://b/\n",
			req: req("GET", "http://h/", "Origin", "https://c.test"), app: star, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": nil}, source: "sect, expr, e2e"},
		{desc: "Location /api does not cover /apix", text: "<Location /api>\n  Header set Access-Control-Allow-Methods GET\n</Location>\nProxyPass / http://b/\n",
			req: req("GET", "http://h/apix"), app: policy.Reply{Status: 200}, status: 200,
			want: map[string][]string{"Access-Control-Allow-Methods": nil}, source: "sect (Location), e2e"},
		{desc: "Directory sections for a file: shorter path first", text: "DocumentRoot /srv/www\n<Directory /srv/www/api>\n  Header always set Access-Control-Max-Age 600\n</Directory>\n<Directory /srv/www>\n  Header always set Access-Control-Max-Age 60\n</Directory>\n",
			req: req("GET", "http://h/api/f.txt"), app: policy.Reply{Status: 200}, status: 200,
			want: map[string][]string{"Access-Control-Max-Age": {"600"}}, source: "sect (Directory by path length), e2e"},
		{desc: "a missing file's 404 is Apache's own: only always", text: "DocumentRoot /srv/www\nHeader set Access-Control-Allow-Origin *\nHeader always set Access-Control-Allow-Methods GET\n",
			req: req("GET", "http://h/none.txt"), app: policy.Reply{Status: 404}, status: 404,
			want: map[string][]string{"Access-Control-Allow-Origin": nil, "Access-Control-Allow-Methods": {"GET"}}, source: "hdr, e2e"},
		{desc: "virtual host by ServerName", text: "<VirtualHost *:80>\n ServerName a.test\n Header set X-V a\n</VirtualHost>\n<VirtualHost *:80>\n ServerName b.test\n Header set Access-Control-Max-Age 60\n</VirtualHost>\n",
			req: req("GET", "http://b.test/"), app: policy.Reply{Status: 200}, status: 200,
			want: map[string][]string{"Access-Control-Max-Age": {"60"}}, source: "e2e (one vhost per ServerName)"},
	}
	for _, tc := range tests {
		servertest.Reply(t, tc.desc, tc.source, get(t, tc.text).Respond(tc.req, tc.app), tc.status, tc.want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want []policy.Error
	}{
		{desc: "every fault at its line", text: "<VirtualHost *:80>\n  Include cors.conf\n  Header set Access-Control-Allow-Origin %{Origin}i\n  Header frob X 1\n</VirtualHost>\n",
			want: []policy.Error{{Line: 2, Column: 3}, {Line: 3, Column: 42}, {Line: 4, Column: 10}}},
		{desc: "section never closed", text: "<Location /a>\n Header set X 1\n", want: []policy.Error{{Line: 1, Column: 1}}},
		// apache2 -t: "<Files> cannot occur within <Location> section".
		{desc: "<Files> in <If> in <Location> (a second look's review)", text: "<Location /a>\n  <If \"%{HTTP:Origin} == 'x'\">\n    <Files \"*.woff\">\n      Header set X 1\n    </Files>\n  </If>\n</Location>\n", want: []policy.Error{{Line: 3, Column: 5}}},
		{desc: "<Files> in <Location>", text: "<Location /a>\n  <Files \"*.woff\">\n    Header set X 1\n  </Files>\n</Location>\n", want: []policy.Error{{Line: 2, Column: 3}}},
		{desc: "stray closing", text: "</Location>\n", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "bad If expression", text: "<If \"%{HTTP:Origin} ~~ 'x'\">\n</If>\n", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "unterminated quote", text: "Header set X \"a\n", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "RewriteRule to a path", text: "RewriteRule ^/a /b [L]\n", want: []policy.Error{{Line: 1, Column: 17}}},
	}
	for _, tc := range tests {
		_, err := apache.Parse(tc.text)
		postest.Positions(t, tc.desc, err, tc.want)
	}
	// What the reader does not model is an input error (Unreadable),
	// not Apache's refusal: a RewriteRule in a <Directory> is ordinary
	// Apache (httpd.apache.org/docs/2.4/mod/mod_rewrite.html#rewriterule,
	// Context: directory). Tried as a new user would, lint reported it
	// as "rejected: Apache httpd refuses this". A fault Apache itself
	// refuses (an unknown Header action) stays a refusal.
	_, err := apache.Parse("<Directory /srv>\n  RewriteEngine On\n  RewriteRule ^ - [R=204,L]\n  Header frob X 1\n</Directory>\n")
	var es policy.Errors
	if !errors.As(err, &es) || len(es) != 2 || !es[0].Unreadable || es[1].Unreadable {
		t.Errorf("errors %+v: want the RewriteRule unread (Unreadable), the Header action refused", err)
	}
	// What Apache runs and the reader does not model is the reader's
	// limit, an input error, never Apache's refusal (found as a new user
	// would: lint said an Include was "rejected").
	for _, d := range []string{"Include conf/cors.conf", "Redirect /a /b", "ErrorDocument 404 /e.html", "RequestHeader set X 1"} {
		_, err := apache.Parse("<VirtualHost *:80>\n  " + d + "\n</VirtualHost>\n")
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
		{desc: "golden SetEnvIf vhost", text: postest.Golden(t, "setenvif.conf"), want: "apache"},
		{desc: "golden onsuccess vhost", text: postest.Golden(t, "onsuccess.conf"), want: "apache"},
		{desc: "one lower-case line", text: "header always set access-control-allow-origin *\n", want: "apache"},
		{desc: "Caddyfile", text: ":80 {\n\theader Access-Control-Allow-Origin *\n}\n", want: "caddy"},
		{desc: "nginx", text: "location / { add_header Access-Control-Allow-Origin *; }\n", want: "nginx"},
		// Tried as a new user would: "cannot tell the format".
		{desc: "WordPress's .htaccess before its CORS lines", text: wordpress[strings.Index(wordpress, "<IfModule"):], want: "apache"},
		// A last look: the template was ambiguous.
		{desc: "a virtual host with RewriteEngine and no CORS line yet", text: "<VirtualHost *:443>\n  ServerName api.example.com\n  RewriteEngine On\n  ProxyPass / http://127.0.0.1:8080/\n</VirtualHost>\n", want: "apache"},
		{desc: "a RewriteEngine line in a CloudFormation UserData script", text: "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: ['*']\n            AllowedMethods: [GET]\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      UserData: |\n        cat > /var/www/.htaccess <<EOF\n        RewriteEngine On\n        EOF\n", want: "cloudformation"},
	}
	for _, tc := range tests {
		got := reg.Detect(tc.text)
		if len(got) != 1 || got[0].Format != tc.want {
			t.Errorf("%s: Detect = %+v, want %s alone", tc.desc, got, tc.want)
		}
	}
}

func TestCheckText(t *testing.T) {
	f := &apache.Format{}
	tests := []struct {
		desc, text string
		code, sev  string
		line       int
	}{
		{desc: "onsuccess with a RewriteRule answer", code: "missing-always", sev: "warning", line: 3, text: postest.Golden(t, "onsuccess.conf")},
		{desc: "%{VAR}e without env=", code: "null-origin", sev: "warning", line: 2, text: "SetEnvIf Origin ^https://a\\.test$ OK=$0\nHeader always set Access-Control-Allow-Origin %{OK}e\n"},
		// <If>'s %{HTTP:Origin} written as a Header value: the
		// environment variable "HTTP:Origin", which nothing sets, so
		// every reply says "(null)" (Debian's apache2 2.4.71 answered
		// so; e2e/apache generates it).
		{desc: "%{HTTP:Origin}e, the request header as <If> reads it", code: "null-origin", sev: "error", line: 2,
			text: "<If \"%{HTTP:Origin} =~ m#^https://(app|admin)\\.example\\.com$#\">\n    Header always set Access-Control-Allow-Origin \"%{HTTP:Origin}e\"\n</If>\n"},
		{desc: "add duplicates", code: "duplicate-origin", sev: "warning", line: 1, text: "Header always add Access-Control-Allow-Origin https://a.test\n"},
		{desc: "always set with a backend", code: "duplicate-origin", sev: "warning", line: 1, text: "Header always set Access-Control-Allow-Origin https://a.test\nProxyPass / http://b/\n"},
		{desc: "fixed origin for several with credentials", code: "fixed-origin-several", sev: "error", line: 2,
			text: "SetEnvIf Origin ^https://(a|b)\\.test$ OK=$0\nHeader always set Access-Control-Allow-Origin https://a.test\nHeader always set Access-Control-Allow-Credentials true\n"},
		{desc: "wildcard with credentials", code: "wildcard-credentials", sev: "error", line: 1, text: "Header always set Access-Control-Allow-Origin *\nHeader always set Access-Control-Allow-Credentials true\n"},
	}
	for _, tc := range tests {
		found := false
		for _, x := range f.CheckText(tc.text) {
			if x.Code == tc.code && x.Pos.Line == tc.line {
				found = true
				if x.Severity != tc.sev {
					t.Errorf("%s: %+v, want %s", tc.desc, x, tc.sev)
				}
			}
		}
		if !found {
			t.Errorf("%s: no %s at line %d in %+v", tc.desc, tc.code, tc.line, f.CheckText(tc.text))
		}
	}
	if got := f.CheckText(postest.Golden(t, "setenvif.conf")); len(got) != 0 {
		t.Errorf("the golden SetEnvIf vhost has traps: %+v", got)
	}
}

func TestEditText(t *testing.T) {
	get := func(origin string) policy.Request {
		return req("GET", "http://api.example.com/api/x", "Origin", origin)
	}
	preflight := req("OPTIONS", "http://shop.example/", "Origin", "https://www.shop.example", "Access-Control-Request-Method", "PUT")
	tests := []struct {
		desc string
		text string
		edit fix.Edit
		req  policy.Request
		app  int
		want map[string]string
	}{
		{desc: "origin into the group", text: postest.Golden(t, "setenvif.conf"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.example.com"}}, req: get("https://new.example.com"), app: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://new.example.com"}},
		{desc: "origin of another shape: an alternative of the whole", text: postest.Golden(t, "setenvif.conf"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"http://localhost:3000"}}, req: get("http://localhost:3000"), app: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "http://localhost:3000"}},
		{desc: "fixed origin becomes a SetEnvIf", text: postest.Golden(t, "onsuccess.conf"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://m.shop.example"}}, req: req("GET", "http://shop.example/", "Origin", "https://m.shop.example"), app: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://m.shop.example", "Vary": "Origin"}},
		{desc: "fixed origin becomes a SetEnvIf, and every reply says Vary: Origin, also another origin's (found as a new user would: the fixed file was lint's vary-origin)", text: postest.Golden(t, "onsuccess.conf"),
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://m.shop.example"}}, req: req("GET", "http://shop.example/", "Origin", "https://evil.example"), app: 200,
			want: map[string]string{"Vary": "Origin"}},
		{desc: "another vhost's Vary naming a field with \"Origin\" in it does not stand for this one's (found by an adversarial review)",
			text: "<VirtualHost *:80>\n    ServerName static.example.com\n    Header append Vary \"X-Origin-Region\"\n</VirtualHost>\n<VirtualHost *:80>\n    ServerName shop.example\n    Header set Access-Control-Allow-Origin \"https://www.shop.example\"\n</VirtualHost>\n",
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://m.shop.example"}}, req: req("GET", "http://shop.example/", "Origin", "https://m.shop.example"), app: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://m.shop.example", "Vary": "Origin"}},
		{desc: "always", text: postest.Golden(t, "onsuccess.conf"), edit: fix.Edit{Op: fix.Always}, req: preflight, app: 404,
			want: map[string]string{"Access-Control-Allow-Origin": "https://www.shop.example"}},
		{desc: "method appended", text: postest.Golden(t, "onsuccess.conf"), edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}}, req: req("GET", "http://shop.example/"), app: 200,
			want: map[string]string{"Access-Control-Allow-Methods": "GET, POST, OPTIONS, PUT"}},
		{desc: "credentials added", text: postest.Golden(t, "onsuccess.conf"), edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials}, req: req("GET", "http://shop.example/"), app: 200,
			want: map[string]string{"Access-Control-Allow-Credentials": "true"}},
		{desc: "answer OPTIONS", text: "Header set Access-Control-Allow-Origin *\nProxyPass / http://b/\n", edit: fix.Edit{Op: fix.AnswerOptions, Line: 1}, req: preflight, app: 405,
			want: map[string]string{":status": "204", "Access-Control-Allow-Origin": "*"}},
	}
	f := postest.Lookup(t, apache.Formats(), "apache")
	for _, tc := range tests {
		servertest.Edited(t, tc.desc, f, tc.text, tc.edit, tc.req, policy.Reply{Status: tc.app}, tc.want)
	}
	// always on a set: the backend's own line, in the other table, is
	// dropped by the Header unset the edit adds (mod_headers: two tables).
	fixed, err := fix.Apply(f, postest.Golden(t, "onsuccess.conf"), fix.Edit{Op: fix.Always})
	if err != nil {
		t.Fatal(err)
	}
	backend := policy.Reply{Status: 500, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}}
	c, err := apache.Parse(fixed)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Respond(req("GET", "http://shop.example/"), backend).Reply.Header.Values("Access-Control-Allow-Origin"); len(got) != 1 || got[0] != "https://www.shop.example" {
		t.Errorf("always with a backend's ACAO: %q, want the configured one alone\n%s", got, fixed)
	}
	// No Access-Control-Allow-Origin line: a text whose top level
	// answers gets the first (tried as a new user would, WordPress's
	// .htaccess got replies to write); one of virtual hosts does not.
	if got, err := fix.Apply(f, "Header set X 1\n", fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://x.test"}}); err != nil || !strings.HasPrefix(got, "Header always set Access-Control-Allow-Origin \"https://x.test\"\nHeader unset Access-Control-Allow-Origin\nHeader always merge Vary Origin\n") {
		t.Errorf("no ACAO: %q, %v; want the first lines", got, err)
	}
	if _, err := fix.Apply(f, "<VirtualHost *:80>\n  Header set X 1\n</VirtualHost>\n", fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://x.test"}}); !errors.Is(err, fix.ErrNotFound) {
		t.Errorf("no ACAO in a virtual host: err = %v, want ErrNotFound", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(postest.Golden(f, "setenvif.conf"))
	f.Add(postest.Golden(f, "onsuccess.conf"))
	f.Add(apache.Write(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://*.a.test"}, Methods: []string{"*"}, Paths: []string{"/x"}, Credentials: true}, {Origins: []string{"*"}}}}))
	f.Add("<If \"-n %{HTTP:Origin} && (%{REQUEST_METHOD} == 'GET' || !(%{HTTP:X} =~ m#a#i))\">\nHeader edit* Vary (a) \"$1b\"\n</If>\n<ElseIf \"true\">\n</ElseIf>\\\n")
	f.Add(wordpress)
	f.Add("RewriteEngine On\nRewriteRule ^(.*)$ $1$1$1$1$1$1$1$1 [L]\n")
	f.Fuzz(func(t *testing.T, s string) {
		(&apache.Format{}).CheckText(s)
		(&apache.Format{}).Detect(s)
		c, err := apache.Parse(s)
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		for _, m := range []string{"OPTIONS", "GET"} {
			c.Respond(req(m, "http://a/x?q", "Origin", "https://a.test"), policy.Reply{Status: 200})
		}
	})
}

// wordpress is WordPress's permalinks .htaccess after a REST API
// tutorial's CORS lines, as e2e/apache TestHtaccess runs it in apache2.
const wordpress = `Header set Access-Control-Allow-Origin "https://app.example"
Header always set Access-Control-Allow-Methods "GET, POST, OPTIONS"
<IfModule mod_rewrite.c>
RewriteEngine On
RewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]
RewriteBase /
RewriteRule ^index\.php$ - [L]
RewriteCond %{REQUEST_FILENAME} !-f
RewriteCond %{REQUEST_FILENAME} !-d
RewriteRule . /index.php [L]
</IfModule>
`

// TestHtaccess: a .htaccess's rules run per directory, each rewrite a
// new request (source "rw": mod_rewrite.html, rewrite/tech.html
// "Ruleset Processing"; "e2e": e2e/apache TestHtaccess, where apache2
// 2.4.71 answered so).
func TestHtaccess(t *testing.T) {
	app401 := policy.Reply{Status: 401}
	tests := []respondCase{
		{desc: "a REST route is rewritten to index.php, whose 401 keeps the onsuccess line", text: wordpress,
			req: req("GET", "https://blog.example/wp-json/wp/v2/private", "Origin", "https://app.example"), app: app401, status: 401,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example"}}, source: "rw, e2e"},
		{desc: "a file (an extension) is served by Apache itself, whatever the application would answer", text: wordpress,
			req: req("GET", "https://blog.example/wp-content/a.jpg", "Origin", "https://app.example"), app: policy.Reply{Status: 404}, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example"}}, source: "core.c default_handler, e2e"},
		{desc: "a PUT of a file: Apache's own 405 has only the always lines", text: wordpress,
			req: req("PUT", "https://blog.example/wp-content/a.jpg", "Origin", "https://app.example"), app: policy.Reply{Status: 200}, status: 405,
			want: map[string][]string{"Access-Control-Allow-Origin": nil, "Access-Control-Allow-Methods": {"GET, POST, OPTIONS"}}, source: "core.c default_handler, hdr always, e2e"},
		{desc: "a preflight of an SPA's file: Apache's own OPTIONS 200 (a reviewer's Vue fallback)",
			text: "Header always set Access-Control-Allow-Origin *\nHeader always set Access-Control-Allow-Headers X-Token\nRewriteEngine On\nRewriteBase /\nRewriteRule ^index\\.html$ - [L]\nRewriteCond %{REQUEST_FILENAME} !-f\nRewriteCond %{REQUEST_FILENAME} !-d\nRewriteRule . /index.html [L]\n",
			req:  req("OPTIONS", "https://app.example/config.json", "Origin", "https://x.example", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-token"), app: policy.Reply{Status: 404}, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "core.c default_handler (ap_send_http_options), e2e"},
		{desc: "CodeIgniter's index.php/$1: the file is index.php, the rest PATH_INFO, answered by the application",
			text: "RewriteEngine On\nRewriteCond %{REQUEST_FILENAME} !-f\nRewriteCond %{REQUEST_FILENAME} !-d\nRewriteRule ^(.*)$ index.php/$1 [L]\nHeader set Access-Control-Allow-Origin *\n",
			req:  req("GET", "https://api.example/api/items", "Origin", "https://x.example"), app: policy.Reply{Status: 201}, status: 201,
			want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "core (AcceptPathInfo), e2e"},
		{desc: "Symfony's anti-loop test: REDIRECT_STATUS is set on the rewritten request",
			text: "RewriteEngine On\nRewriteCond %{ENV:REDIRECT_STATUS} ^$\nRewriteRule ^index\\.php(?:/(.*)|$) /$1 [R=301,L]\nRewriteCond %{REQUEST_FILENAME} !-f\nRewriteRule ^ index.php [L]\n",
			req:  req("GET", "https://api.example/api/items"), app: policy.Reply{Status: 200}, status: 200, source: "http_request.c rename_original_env, e2e"},
		{desc: "a variable doubled at each rule stops at 8,190 bytes with 500 (an adversarial review: 40 such lines ran out of memory)",
			text: "RewriteEngine On\nRewriteBase /\n" + strings.Repeat("RewriteRule ^ - [E=A:%{ENV:A}%{ENV:A}x]\n", 40),
			req:  req("GET", "https://api.example/x"), app: policy.Reply{Status: 200}, status: 500, source: "maxPath (LimitRequestLine's default)"},
		{desc: "the rest of an [OR] chain is not tested: %1 is the first condition's",
			text: "RewriteEngine On\nRewriteBase /\nRewriteCond %{REQUEST_URI} ^/(a)/ [OR]\nRewriteCond %{REQUEST_URI} ^/(a/b)\nRewriteRule ^ /to/%1 [R=302,L]\n",
			req:  req("GET", "https://api.example/a/b"), app: policy.Reply{Status: 200}, status: 302,
			want: map[string][]string{"Location": {"https://api.example/to/a"}}, source: "mod_rewrite.c apply_rewrite_rule (an adversarial review)"},
		{desc: "THE_REQUEST is the request line as sent, whatever rewrote the path (a last look: the remove-index.php snippet redirected every rewritten request)",
			text: "RewriteEngine On\nRewriteCond %{THE_REQUEST} ^[A-Z]{3,}\\s/+index\\.php [NC]\nRewriteRule ^index\\.php(.*)$ /$1 [R=301,L]\nRewriteCond %{REQUEST_FILENAME} !-f\nRewriteCond %{REQUEST_FILENAME} !-d\nRewriteRule ^(.*)$ index.php/$1 [L]\n",
			req:  req("OPTIONS", "https://api.example/api/items"), app: policy.Reply{Status: 204}, status: 204, source: "mod_rewrite.html (THE_REQUEST), a last look in apache2"},
		{desc: "the rewritten request's QUERY_STRING is the substitution's",
			text: "RewriteEngine On\nRewriteCond %{QUERY_STRING} ^url=api\nRewriteRule ^index\\.php$ - [F]\nRewriteCond %{REQUEST_FILENAME} !-f\nRewriteRule ^(.*)$ index.php?url=$1 [QSA,L]\n",
			req:  req("GET", "https://api.example/api/items"), app: policy.Reply{Status: 200}, status: 403, source: "mod_rewrite.html (QSA), a last look in apache2"},
		{desc: "a dot in a segment before the last makes no file: WordPress rewrites /wp-json/my/v1.2/items to index.php", text: wordpress,
			req: req("PUT", "https://blog.example/wp-json/my/v1.2/items", "Origin", "https://app.example"), app: policy.Reply{Status: 200}, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example"}}, source: "a last look in apache2"},
		{desc: "OPTIONS of a path that is no file: Apache's own 200, before it looks for the file",
			text: "RewriteBase /\nHeader always set Access-Control-Allow-Origin *\n",
			req:  req("OPTIONS", "https://api.example/nothing"), app: policy.Reply{Status: 404}, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "core.c default_handler, a last look in apache2"},
		{desc: "QSD drops the request's query, not the one the substitution sets (a second look, in apache2)",
			text: "RewriteEngine On\nRewriteBase /\nRewriteCond %{QUERY_STRING} ^p=\nRewriteRule ^index\\.php$ - [F]\nRewriteRule ^page/(.*)$ index.php?p=$1 [QSD,L]\n",
			req:  req("GET", "https://api.example/page/x?z=1"), app: policy.Reply{Status: 200}, status: 403, source: "mod_rewrite.html (QSD), a second look in apache2"},
		{desc: "a method Apache does not know is 501 to its file handler",
			text: "RewriteBase /\nHeader always set Access-Control-Allow-Origin *\n",
			req:  req("PURGE", "https://api.example/a.css"), app: policy.Reply{Status: 200}, status: 501, source: "http_protocol.c (ap_method_registry_init), a second look in apache2"},
		{desc: "the conditions' work is bounded too: 500 (a second look: two minutes)",
			text: "RewriteEngine On\nRewriteBase /\nRewriteRule ^ - [E=A:" + strings.Repeat("b", 8000) + "]\n" + strings.Repeat("RewriteCond %{ENV:A} (b|c)+x [OR]\n", 1500) + "RewriteRule ^ - [F]\n",
			req:  req("GET", "https://api.example/x"), app: policy.Reply{Status: 200}, status: 500, source: "maxWork"},
		{desc: "R=permanent is 301", text: "RewriteEngine On\nRewriteBase /\nRewriteRule ^old$ /new [R=permanent,L]\n",
			req: req("GET", "https://api.example/old"), app: policy.Reply{Status: 200}, status: 301, source: "mod_rewrite.html (R)"},
		{desc: "a trailing slash's redirect keeps the request's query",
			text: "RewriteEngine On\nRewriteCond %{REQUEST_FILENAME} !-d\nRewriteCond %{REQUEST_URI} (.+)/$\nRewriteRule ^ %1 [L,R=301]\nRewriteRule ^ index.php [L]\n",
			req:  req("GET", "https://api.example/items/?page=2"), app: policy.Reply{Status: 200}, status: 301,
			want: map[string][]string{"Location": {"https://api.example/items?page=2"}}, source: "rw (QSA, QSD), e2e"},
		{desc: "a trailing slash redirected, with the always lines and a full Location",
			text: "Header always set Access-Control-Allow-Origin *\nRewriteEngine On\nRewriteCond %{REQUEST_FILENAME} !-d\nRewriteCond %{REQUEST_URI} (.+)/$\nRewriteRule ^ %1 [L,R=301]\nRewriteRule ^ index.php [L]\n",
			req:  req("GET", "https://api.example:8443/items/", "Origin", "https://app.example"), app: policy.Reply{Status: 200}, status: 301,
			want: map[string][]string{"Access-Control-Allow-Origin": {"*"}, "Location": {"https://api.example:8443/items"}}, source: "rw (R, %N), e2e"},
		{desc: "a variable of the first request is REDIRECT_NAME in the rewritten one",
			text: "Header always set X-Was %{REDIRECT_API}e env=REDIRECT_API\nHeader always set X-Is 1 env=API\nRewriteEngine On\nRewriteRule ^api/ - [E=API:yes]\nRewriteRule ^api/(.*)$ index.php?r=$1 [L]\n",
			req:  req("GET", "http://api.example/api/items"), app: policy.Reply{Status: 200}, status: 200,
			want: map[string][]string{"X-Was": {"yes"}, "X-Is": nil}, source: "rw (E=), e2e"},
		{desc: "END: the rewritten request's rules do not run",
			text: "RewriteEngine On\nRewriteRule ^end$ d.php [END]\nRewriteRule ^d\\.php$ - [F]\n",
			req:  req("GET", "http://api.example/end"), app: policy.Reply{Status: 200}, status: 200, source: "rw (END), e2e"},
		{desc: "L: the rewritten request's rules run again",
			text: "RewriteEngine On\nRewriteRule ^end$ d.php [L]\nRewriteRule ^d\\.php$ - [F]\n",
			req:  req("GET", "http://api.example/end"), app: policy.Reply{Status: 200}, status: 403, source: "rw (L), e2e"},
		{desc: "two rules rewriting to each other: 500 after ten redirects",
			text: "RewriteEngine On\nRewriteRule ^a$ b [L]\nRewriteRule ^b$ a [L]\n",
			req:  req("GET", "http://api.example/a"), app: policy.Reply{Status: 200}, status: 500, source: "core (LimitInternalRecursion), e2e"},
		{desc: "a pattern without its / marks a .htaccess: it matches there",
			text: "Header always set Access-Control-Allow-Origin *\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^api/ - [R=204,L]\n",
			req:  req("OPTIONS", "http://api.example/api/x"), app: policy.Reply{Status: 404}, status: 204,
			want: map[string][]string{"Access-Control-Allow-Origin": {"*"}}, source: "rw (per-directory prefix)"},
		{desc: "a vhost's lines without <VirtualHost> are the server's (an adversarial review): ^api/ never matches there",
			text: "ServerName api.example\nProxyPass / http://app:8080/\nHeader always set Access-Control-Allow-Origin *\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^api/ - [R=204,L]\n",
			req:  req("OPTIONS", "http://api.example/api/x"), app: policy.Reply{Status: 404}, status: 404, source: "core.html (ServerName, ProxyPass: server config, virtual host)"},
		{desc: "the same pattern in a <VirtualHost> sees /api/x and never matches",
			text: "<VirtualHost *:80>\nRewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^api/ - [R=204,L]\n</VirtualHost>\n",
			req:  req("OPTIONS", "http://api.example/api/x"), app: policy.Reply{Status: 404}, status: 404, source: "rw (server context)"},
	}
	for _, tc := range tests {
		servertest.Reply(t, tc.desc, tc.source, get(t, tc.text).Respond(tc.req, tc.app), tc.status, tc.want)
	}
	// The trace says what whycors took the disk to hold.
	got := get(t, wordpress).Respond(req("GET", "https://blog.example/wp-json/wp/v2/posts"), policy.Reply{Status: 200}).Text()
	for _, w := range []string{"takes /wp-json/wp/v2/posts as no file", "rewrote the request to /index.php", "cannot see the disk"} {
		if !strings.Contains(got, w) {
			t.Errorf("trace %q: want %q", got, w)
		}
	}
}

// TestHtaccessErrors: what a .htaccess's reading refuses, at its
// position, in the words written.
func TestHtaccessErrors(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want []policy.Error
		msg  string
	}{
		{desc: "a file test in a <VirtualHost>, where REQUEST_FILENAME is the URL path",
			text: "<VirtualHost *:80>\n  RewriteEngine On\n  RewriteCond %{REQUEST_FILENAME} !-f\n  RewriteRule ^ - [F]\n</VirtualHost>\n",
			want: []policy.Error{{Line: 3, Column: 35}}, msg: "in a .htaccess"},
		{desc: "a rewrite in a <VirtualHost>", text: "<VirtualHost *:80>\n  RewriteEngine On\n  RewriteRule ^ index.php [L]\n</VirtualHost>\n",
			want: []policy.Error{{Line: 3, Column: 17}}, msg: "in a .htaccess"},
		{desc: "a symbolic link test", text: "RewriteBase /\nRewriteCond %{REQUEST_FILENAME} -l\nRewriteRule ^ - [F]\n",
			want: []policy.Error{{Line: 2, Column: 33}}, msg: "-l is not modelled"},
		{desc: "a flag quoted as written", text: "RewriteBase /\nRewriteRule ^ - [E=Auth:%{HTTP:Authorization},Frob]\n",
			want: []policy.Error{{Line: 2, Column: 1}}, msg: "flag Frob is"},
		{desc: "a redirect to -", text: "RewriteRule ^a$ - [R=301]\n", want: []policy.Error{{Line: 1, Column: 17}}, msg: "give its target"},
		// A last look: lint called these "rejected: Apache httpd refuses
		// this", which apache2 loads.
		{desc: "a regular expression Apache refuses too is a refusal (a second look)", text: "RewriteBase /\nRewriteRule ^(foo$ index.php [L]\n", want: []policy.Error{{Line: 2, Column: 13}}, msg: "RewriteRule regular expression: "},
		{desc: "a lookahead Go's engine lacks is the reader's limit", text: "RewriteBase /\nRewriteRule ^(?!api/).*$ index.html [L]\n", want: []policy.Error{{Line: 2, Column: 13}}, msg: "is not modelled"},
		{desc: "RewriteBase in a <VirtualHost>", text: "<VirtualHost *:80>\n  RewriteBase /\n</VirtualHost>\n", want: []policy.Error{{Line: 2, Column: 3}}, msg: "in a .htaccess"},
		{desc: "a redirect without L", text: "RewriteBase /\nRewriteRule ^a$ /b [R=301]\n", want: []policy.Error{{Line: 2, Column: 1}}, msg: "without L is not modelled"},
		{desc: "a variable the evaluator cannot know", text: "RewriteBase /\nRewriteCond %{REMOTE_ADDR} ^10\\.\nRewriteRule ^ - [F]\n", want: []policy.Error{{Line: 2, Column: 13}}, msg: "%{REMOTE_ADDR} is not modelled"},
	}
	for _, tc := range tests {
		_, err := apache.Parse(tc.text)
		postest.Positions(t, tc.desc, err, tc.want)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %q", tc.desc, err, tc.msg)
		}
	}
}

// TestAnswerOptionsBeforeTheRules: the OPTIONS rule a fix adds goes
// before the rules already there, which would otherwise rewrite the
// preflight first ([L]) and never reach it (a last look: CORS lines
// after WordPress's block got a fix of replies).
func TestAnswerOptionsBeforeTheRules(t *testing.T) {
	text := wordpress[strings.Index(wordpress, "<IfModule"):] + "Header always set Access-Control-Allow-Origin \"https://app.example\"\n"
	got, err := fix.Apply(&apache.Format{}, text, fix.Edit{Op: fix.AnswerOptions, Line: strings.Count(text, "\n")})
	if err != nil {
		t.Fatal(err)
	}
	if o, wp := strings.Index(got, "RewriteCond %{REQUEST_METHOD} OPTIONS"), strings.Index(got, "RewriteRule .* - [E="); o < 0 || o > wp {
		t.Errorf("the OPTIONS rule is not before WordPress's rules:\n%s", got)
	}
	c := get(t, got)
	if o := c.Respond(req("OPTIONS", "https://blog.example/wp-json/wp/v2/posts", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT"), policy.Reply{Status: 404}); o.Reply.Status != 204 {
		t.Errorf("the preflight after the fix: %d, want 204\n%s", o.Reply.Status, got)
	}
}

// TestFixesKeepWhatTheyDoNotOwn: the OPTIONS rule goes before
// WordPress's "# BEGIN" marker, whose block WordPress writes again, and
// the credentials fix's unset keeps the origin line's condition (a
// second look).
func TestFixesKeepWhatTheyDoNotOwn(t *testing.T) {
	text := "# BEGIN WordPress\n" + wordpress[strings.Index(wordpress, "<IfModule"):] + "# END WordPress\nHeader always set Access-Control-Allow-Origin \"https://app.example\"\n"
	got, err := fix.Apply(&apache.Format{}, text, fix.Edit{Op: fix.AnswerOptions, Line: strings.Count(text, "\n")})
	if err != nil {
		t.Fatal(err)
	}
	if o, m := strings.Index(got, "RewriteCond %{REQUEST_METHOD} OPTIONS"), strings.Index(got, "# BEGIN WordPress"); o < 0 || o > m {
		t.Errorf("the OPTIONS rule is not before WordPress's markers:\n%s", got)
	}
	env := "SetEnvIf Origin \"^https://app\\.example$\" CORS_ORIGIN=$0\nHeader always set Access-Control-Allow-Origin \"%{CORS_ORIGIN}e\" env=CORS_ORIGIN\n"
	got, err = fix.Apply(&apache.Format{}, env, fix.Edit{Op: fix.Enable, Field: fix.Credentials})
	if err != nil || !strings.Contains(got, "Header unset Access-Control-Allow-Credentials env=CORS_ORIGIN\n") {
		t.Errorf("credentials: %v\n%s\nwant the unset under env=CORS_ORIGIN", err, got)
	}
}
