package nginx_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Expected values follow the nginx documentation: ngx_http_headers_module
// (add_header statuses, always, inheritance), ngx_http_rewrite_module (if,
// return, set), ngx_http_map_module (strings ignore case; regexes in
// order; default "") and ngx_http_core_module location (selection order),
// as summarised in shared/reference/cloud-policies.md §6.1.

// classic is the widely copied "wide open CORS for nginx" location.
const classic = `
location / {
    if ($request_method = 'OPTIONS') {
        add_header 'Access-Control-Allow-Origin' '*';
        add_header 'Access-Control-Allow-Methods' 'GET, POST, OPTIONS';
        add_header 'Access-Control-Allow-Headers' 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range';
        add_header 'Access-Control-Max-Age' 1728000;
        add_header 'Content-Type' 'text/plain; charset=utf-8';
        add_header 'Content-Length' 0;
        return 204;
    }
    add_header 'Access-Control-Allow-Origin' '*';
    add_header 'Access-Control-Expose-Headers' 'Content-Length,Content-Range';
    proxy_pass http://backend;
}
`

const mapped = `
map $http_origin $cors_origin {
    default "";
    "~^https?://(www\.)?example\.com$" $http_origin;
    https://partner.test $http_origin;
}
server {
    listen 80;
    location /api/ {
        add_header Access-Control-Allow-Origin $cors_origin always;
        add_header Vary Origin always;
        proxy_pass http://app;
    }
    location = /api/health {
        return 200 'ok';
    }
    location ~* \.json$ {
        add_header X-Json 1;
    }
}
`

// lowerConf is a server with a proxy_pass location ending in "/", a
// regex that also matches its path without the slash, and files served
// at the server level.
const lowerConf = `server {
    root /srv/www;
    add_header Access-Control-Allow-Origin * always;
    location ~ ^/api$ { return 418; }
    location /api/ {
        add_header X-Loc api always;
        if ($request_method = OPTIONS) { return 204; }
        proxy_pass http://app;
    }
}
`

func TestRespond(t *testing.T) {
	ok := policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "application/json"}}}
	tests := []struct {
		desc       string
		conf       string
		method     string
		url        string
		origin     string
		app        policy.Reply
		wantStatus int
		want       map[string]string // "" = absent
		wantCount  map[string]int
	}{
		{desc: "classic: OPTIONS returns 204 with the if block's headers", conf: classic, method: "OPTIONS", url: "http://h/x", origin: "http://a",
			app: ok, wantStatus: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Max-Age": "1728000", "Access-Control-Expose-Headers": ""}},
		{desc: "classic: GET 200 gets the location's headers", conf: classic, method: "GET", url: "http://h/x", origin: "http://a",
			app: ok, wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Content-Length,Content-Range"}},
		{desc: "classic: GET answered 500 by the app loses add_header without always (§6.1)", conf: classic, method: "GET", url: "http://h/x", origin: "http://a",
			app: policy.Reply{Status: 500}, wantStatus: 500,
			want: map[string]string{"Access-Control-Allow-Origin": ""}},
		{desc: "always keeps headers on 404", conf: "add_header Access-Control-Allow-Origin * always;", method: "GET", url: "/", origin: "http://a",
			app: policy.Reply{Status: 404}, wantStatus: 404, want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "upstream ACAO plus add_header ACAO is two lines (§6.1, hackclub/cdn#100)", conf: "add_header Access-Control-Allow-Origin *;", method: "GET", url: "/", origin: "http://a",
			app: policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "http://a"}}}, wantStatus: 200,
			wantCount: map[string]int{"Access-Control-Allow-Origin": 2}},
		{desc: "inheritance: an add_header in the location drops the server's (§6.1)", conf: "add_header Access-Control-Allow-Origin *;\nlocation /x { add_header X-Frame-Options DENY; }", method: "GET", url: "/x/1", origin: "http://a",
			app: ok, wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "", "X-Frame-Options": "DENY"}},
		{desc: "inheritance: a location without add_header inherits the server's", conf: "add_header Access-Control-Allow-Origin *;\nlocation /x { proxy_pass http://b; }", method: "GET", url: "/x/1", origin: "http://a",
			app: ok, wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "map regex echoes an allowed origin", conf: mapped, method: "GET", url: "http://h/api/items", origin: "https://www.example.com",
			app: ok, wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "https://www.example.com", "Vary": "Origin"}},
		{desc: "map plain strings ignore case (ngx_http_map_module)", conf: mapped, method: "GET", url: "http://h/api/items", origin: "HTTPS://PARTNER.TEST",
			app: ok, wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "HTTPS://PARTNER.TEST"}},
		{desc: "map default empty: nginx adds no header with an empty value", conf: mapped, method: "GET", url: "http://h/api/items", origin: "https://evil.test",
			app: ok, wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin"}},
		{desc: "exact location wins over the prefix: its return has no CORS headers", conf: mapped, method: "GET", url: "http://h/api/health", origin: "https://example.com",
			app: ok, wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": ""}},
		{desc: "a regex location wins over a plain prefix", conf: mapped, method: "GET", url: "http://h/api/data.JSON", origin: "https://example.com",
			app: ok, wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "", "X-Json": "1"}},
		{desc: "if with a regex on $http_origin and set", conf: "set $cors '';\nif ($http_origin ~* ^https://(a|b)\\.test$) { set $cors $http_origin; }\nadd_header Access-Control-Allow-Origin $cors always;",
			method: "GET", url: "/", origin: "https://b.test", app: ok, wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "https://b.test"}},
		{desc: "return 403 without always: no headers", conf: "location / { if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin *; return 403; } }",
			method: "OPTIONS", url: "/", origin: "http://a", app: ok, wantStatus: 403, want: map[string]string{"Access-Control-Allow-Origin": ""}},
		// ngx_http_parse_request_line: a method is capital letters, "_"
		// and "-"; checked against nginx 1.22.1 (e2e/probe TestNginxModel).
		{desc: "fetch() sends patch in lower case: nginx answers 400 under the server level", conf: lowerConf, method: "patch", url: "http://h/api/x", origin: "http://a",
			app: ok, wantStatus: 400, want: map[string]string{"Access-Control-Allow-Origin": "*", "X-Loc": ""}},
		// ngx_http_core_module location: "If a location is defined by a
		// prefix string that ends with the slash character, and requests
		// are processed by one of proxy_pass, ..., then ... a permanent
		// redirect with the code 301".
		{desc: "a proxy_pass location ending in / redirects its path without the slash, before its if", conf: lowerConf, method: "OPTIONS", url: "http://h/api?q=1", origin: "http://a",
			app: ok, wantStatus: 301, want: map[string]string{"Location": "http://h/api/?q=1", "X-Loc": "api", "Access-Control-Allow-Origin": ""}},
		{desc: "the redirect wins over a matching regex location", conf: lowerConf, method: "GET", url: "http://h/api", origin: "http://a",
			app: ok, wantStatus: 301, want: map[string]string{"X-Loc": "api"}},
		{desc: "the same location's if answers a preflight with the slash", conf: lowerConf, method: "OPTIONS", url: "http://h/api/", origin: "http://a",
			app: ok, wantStatus: 204, want: map[string]string{"X-Loc": "api"}},
		// ngx_http_static_module answers 405 to other methods than GET,
		// HEAD and POST; a path no location matches is served by the
		// server level (its add_header).
		{desc: "no location matches: the server level serves files, OPTIONS gets 405", conf: lowerConf, method: "OPTIONS", url: "http://h/other", origin: "http://a",
			app: ok, wantStatus: 405, want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "no location matches: GET gets the files' answer", conf: lowerConf, method: "GET", url: "http://h/other", origin: "http://a",
			app: policy.Reply{Status: 404}, wantStatus: 404, want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "a snippet that shows no content handler leaves OPTIONS to the application", conf: "add_header Access-Control-Allow-Origin * always;", method: "OPTIONS", url: "/x", origin: "http://a",
			app: ok, wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "*"}},
		{desc: "the URI is normalised before locations are chosen", conf: lowerConf, method: "GET", url: "http://h/x/../api//%61", origin: "http://a",
			app: ok, wantStatus: 200, want: map[string]string{"X-Loc": "api"}},
	}
	for _, tc := range tests {
		ev, err := (&nginx.Format{}).Parse(tc.conf)
		if err != nil {
			t.Errorf("%s: Parse: %v", tc.desc, err)
			continue
		}
		req := policy.Request{Method: tc.method, URL: tc.url}
		if tc.origin != "" {
			req.Header.Add("Origin", tc.origin)
		}
		out := ev.Respond(req, tc.app)
		if out.Reply.Status != tc.wantStatus {
			t.Errorf("%s: status %d, want %d (%s)", tc.desc, out.Reply.Status, tc.wantStatus, out.Text())
		}
		for name, want := range tc.want {
			got, ok := out.Reply.Header.Get(name)
			if want == "" && ok {
				t.Errorf("%s: %s = %q, want absent (%s)", tc.desc, name, got, out.Text())
			} else if want != "" && got != want {
				t.Errorf("%s: %s = %q, want %q (%s)", tc.desc, name, got, want, out.Text())
			}
		}
		for name, n := range tc.wantCount {
			if got := out.Reply.Header.Count(name); got != n {
				t.Errorf("%s: %d %s lines, want %d", tc.desc, got, name, n)
			}
		}
	}
}

// TestDroppedLineWithItsHeaderIsNoFailure: an outer level's add_header
// that the inner level's own drops fails only when the reply lacks its
// header (ngx_http_headers_module: add_header is inherited only when the
// level has none of its own). An if block that repeats the location's
// CORS lines and answers a preflight with return 204 (the enable-cors.org
// shape) drops the location's lines, but the reply has their headers:
// tried as a new user would, the allowed verdict listed four FAIL
// steps. The location's Access-Control-Max-Age, which the if block does
// not repeat, still fails.
func TestDroppedLineWithItsHeaderIsNoFailure(t *testing.T) {
	c, err := nginx.Parse(`location /api/ {
  if ($request_method = OPTIONS) {
    add_header Access-Control-Allow-Origin https://app.test always;
    add_header Access-Control-Allow-Methods "GET, PUT" always;
    return 204;
  }
  add_header Access-Control-Allow-Origin https://app.test always;
  add_header Access-Control-Max-Age 600 always;
}`)
	if err != nil {
		t.Fatal(err)
	}
	out := c.Respond(policy.Request{Method: "OPTIONS", URL: "https://api.test/api/x", Header: headers.List{{Name: "Origin", Value: "https://app.test"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}, policy.Reply{Status: 200})
	got := map[string]string{}
	for _, r := range out.Rules {
		got[r.Path] = r.Failed + "|" + out.Words.Rule(r)
	}
	if g := got["line 7"]; !strings.HasPrefix(g, "|not inherited") || !strings.Contains(g, "the reply has Access-Control-Allow-Origin all the same") {
		t.Errorf("line 7 (dropped, its header in the reply): %q, want not failed, said", g)
	}
	if g := got["line 8"]; !strings.HasPrefix(g, "inheritance|not inherited") || strings.Contains(g, "all the same") {
		t.Errorf("line 8 (dropped, its header missing): %q, want failed: inheritance", g)
	}
}

func TestInheritanceTrace(t *testing.T) {
	c, err := nginx.Parse("server {\n  add_header Access-Control-Allow-Origin *;\n  location /x {\n    add_header X-A 1;\n  }\n}")
	if err != nil {
		t.Fatal(err)
	}
	out := c.Respond(policy.Request{Method: "GET", URL: "/x"}, policy.Reply{Status: 200})
	found := false
	for _, r := range out.Rules {
		if r.Failed == "inheritance" && r.Path == "line 2" {
			found = true
		}
	}
	if !found {
		t.Errorf("no inheritance trace for line 2: %+v", out.Rules)
	}
}

func TestNotes(t *testing.T) {
	// §6.1: "$http_origin echo (→ "reflects any origin" warning)".
	c, err := nginx.Parse("add_header Access-Control-Allow-Origin $http_origin always;\nadd_header Access-Control-Allow-Credentials true always;")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "line 1") {
		t.Errorf("notes = %q", c.Notes)
	}
	// A limit's note, once for all of them (TestNginxRateLimit checks
	// what it says against Debian's nginx).
	l, err := nginx.Parse("limit_req_zone $binary_remote_addr zone=a:1m rate=1r/s;\nlocation / {\n  limit_req zone=a;\n  limit_conn c 1;\n}")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Notes) != 1 || !strings.HasPrefix(l.Notes[0], "line 3: limit_req") || !strings.Contains(l.Notes[0], "503") {
		t.Errorf("limit notes = %q", l.Notes)
	}
	out := c.Respond(policy.Request{Method: "GET", URL: "/", Header: headers.List{{Name: "Origin", Value: "https://evil.test"}}}, policy.Reply{Status: 200})
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); v != "https://evil.test" {
		t.Errorf("ACAO = %q, want the echoed origin", v)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc string
		conf string
		want []policy.Error
	}{
		{desc: "unknown directive", conf: "location / {\n  frobnicate on;\n}", want: []policy.Error{{Line: 2, Column: 3}}},
		{desc: "proxy_pass_header is reported, not skipped", conf: "proxy_pass_header Server;", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "unsupported variable", conf: "add_header X $remote_addr;", want: []policy.Error{{Line: 1, Column: 14}}},
		{desc: "unsupported regex in map, with the column of the construct", conf: "map $http_origin $o {\n  ~^a(?<=b) 1;\n}", want: []policy.Error{{Line: 2, Column: 6}}},
		{desc: "syntax: missing semicolon and a stray }", conf: "add_header A b\n}\nadd_header C;", want: []policy.Error{{Line: 1, Column: 1}, {Line: 2, Column: 1}}},
		{desc: "every directive fault is listed", conf: "add_header C;\nlocation / {\n  more_set_headers 'A: b';\n  add_header X $binary_remote_addr;\n}", want: []policy.Error{{Line: 1, Column: 1}, {Line: 3, Column: 3}, {Line: 4, Column: 16}}},
		{desc: "unclosed block", conf: "location / {\n add_header A b;", want: []policy.Error{{Line: 1, Column: 12}}},
		{desc: "add_header with a bad third argument", conf: "add_header A b sometimes;", want: []policy.Error{{Line: 1, Column: 1}}},
		// The settings of FastCGI, uwsgi, SCGI and gRPC are read as
		// changing no reply (TestNginxRateLimit), but for hiding a header
		// the browser reads, which only proxy_hide_header is modelled for,
		// and handing errors to error_page (ngx_http_fastcgi_module).
		{desc: "fastcgi_hide_header of a CORS header is reported", conf: "location / {\n  fastcgi_hide_header X-Powered-By;\n  fastcgi_hide_header Access-Control-Allow-Origin;\n}", want: []policy.Error{{Line: 3, Column: 3}}},
		{desc: "uwsgi_intercept_errors is reported", conf: "uwsgi_read_timeout 5s;\nuwsgi_intercept_errors on;", want: []policy.Error{{Line: 2, Column: 1}}},
	}
	for _, tc := range tests {
		_, err := nginx.Parse(tc.conf)
		postest.Positions(t, tc.desc, err, tc.want)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want bool
	}{
		{desc: "classic", text: classic, want: true},
		{desc: "map", text: mapped, want: true},
		{desc: "raw reply", text: "HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\n", want: false},
		{desc: "Express", text: "app.use(cors({ origin: 'https://a' }))", want: false},
		{desc: "S3 XML", text: "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>", want: false},
		// Its CORS lines in an included file: nginx's, so the reader
		// can say to paste them (it was "cannot tell the format").
		{desc: "CORS in an included snippet", text: "server {\n  location / {\n    include snippets/cors.conf;\n    proxy_pass http://b;\n  }\n}\n", want: true},
		// No CORS line yet, where "add CORS to my proxy" starts (found
		// as a new user would: "cannot tell the format").
		{desc: "a server with no CORS line", text: "server {\n    listen 80;\n    location /api/ {\n        proxy_pass http://127.0.0.1:9000;\n    }\n}\n", want: true},
	}
	for _, tc := range tests {
		if got, why := (&nginx.Format{}).Detect(tc.text); got != tc.want {
			t.Errorf("%s: Detect = %v (%s), want %v", tc.desc, got, why, tc.want)
		}
	}
}

func intp(n int) *int { return &n }

func TestWrite(t *testing.T) {
	p := portable.Policy{Rules: []portable.Rule{
		{Origins: []string{"https://app.test", "https://*.example.com"}, Methods: []string{"GET", "PUT"}, AllowHeaders: []string{"Content-Type"}, Credentials: true, MaxAge: intp(600), Paths: []string{"/api"}},
		{Origins: []string{"*"}, Paths: []string{"/public/"}},
	}}
	text, err := nginx.Write(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := nginx.Parse(text)
	if err != nil {
		t.Fatalf("written config does not read back: %v\n%s", err, text)
	}
	// Round trip: nginx semantics on the written text must give what the
	// portable rules mean (portable.Rule docs).
	tests := []struct {
		desc, method, url, origin string
		wantACAO, wantACAC        string
		wantStatus                int
	}{
		{desc: "preflight from an exact origin", method: "OPTIONS", url: "/api/items", origin: "https://app.test", wantACAO: "https://app.test", wantACAC: "true", wantStatus: 204},
		{desc: "preflight at the path itself", method: "OPTIONS", url: "/api", origin: "https://app.test", wantACAO: "https://app.test", wantACAC: "true", wantStatus: 204},
		{desc: "actual from a subdomain, on an error status", method: "GET", url: "/api/x", origin: "https://a.example.com", wantACAO: "https://a.example.com", wantACAC: "true", wantStatus: 500},
		{desc: "other origin gets no ACAO and no ACAC", method: "GET", url: "/api/x", origin: "https://evil.test", wantStatus: 500},
		{desc: "case matters: the browser compares bytes", method: "GET", url: "/api/x", origin: "https://APP.test", wantStatus: 500},
		{desc: "a path outside every rule gets nothing", method: "GET", url: "/apiv2", origin: "https://app.test", wantStatus: 500},
		{desc: "public rule: *", method: "GET", url: "/public/x", origin: "https://evil.test", wantACAO: "*", wantStatus: 500},
	}
	for _, tc := range tests {
		req := policy.Request{Method: tc.method, URL: "https://h" + tc.url, Header: headers.List{{Name: "Origin", Value: tc.origin}}}
		out := c.Respond(req, policy.Reply{Status: 500})
		acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
		acac, _ := out.Reply.Header.Get("Access-Control-Allow-Credentials")
		if out.Reply.Status != tc.wantStatus || acao != tc.wantACAO || acac != tc.wantACAC {
			t.Errorf("%s: %d ACAO %q ACAC %q, want %d %q %q (%s)", tc.desc, out.Reply.Status, acao, acac, tc.wantStatus, tc.wantACAO, tc.wantACAC, out.Text())
		}
	}
	refuse := []struct {
		desc  string
		p     portable.Policy
		field string
	}{
		{desc: "two rules on every path", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a"}}, {Origins: []string{"https://b"}}}}, field: "rules[0].paths"},
		{desc: "a $ in a header name", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a"}, AllowHeaders: []string{"x-$a"}}}}, field: "rules[0].allow_headers[0]"},
	}
	for _, tc := range refuse {
		_, err := nginx.Write(tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: err = %v, want one naming %s", tc.desc, err, tc.field)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(classic)
	f.Add(mapped)
	f.Add("set $c '';\nif ($http_origin ~* \"^https://(a|b)\\.test$\") { set $c $http_origin; }\nadd_header A $c always; return 301 https://x$request_uri;")
	f.Add("http { server { location ^~ /a { location ~ b$ { add_header X 1; } } } }")
	f.Add(lowerConf)
	f.Add(dump) // an nginx -T dump (dump_test.go)
	f.Add("# configuration file /a:\ninclude /a;\n# configuration file /b:\ninclude /a;\ninclude /*;\n")
	f.Fuzz(func(t *testing.T, s string) {
		(&nginx.Format{}).CheckText(s)
		c, err := nginx.Parse(s)
		if err != nil {
			postest.Rejected(t, err) // a refusal says where the fault is
			return
		}
		for _, m := range []string{"OPTIONS", "GET", "patch"} {
			for _, u := range []string{"https://h/a/b?q", "https://h/api", "https://h/a/%2e%2e//b/"} {
				r := policy.Request{Method: m, URL: u, Header: headers.List{{Name: "Origin", Value: "https://a.test"}}}
				c.Respond(r, policy.Reply{Status: 200})
				c.Passes(r)
			}
		}
		(&nginx.Format{}).Detect(s)
	})
}

// TestInclude: an include of one of the parameter files Debian's
// nginx-common ships (proxy_params: proxy_set_header lines) changes no
// reply and is read past (e2e/probe's TestNginxModel holds it to real
// nginx); any other include is a text this reader cannot read, an input
// error that says what to do, not nginx's refusal. Tried as a new user
// would, a Debian location with include proxy_params was unreadable,
// and lint said "nginx refuses this".
func TestInclude(t *testing.T) {
	ok := "location / {\n  include proxy_params;\n  include /etc/nginx/fastcgi_params;\n  add_header Access-Control-Allow-Origin https://a.test always;\n  proxy_pass http://b;\n}\n"
	if _, err := nginx.Parse(ok); err != nil {
		t.Errorf("parameter files: %v", err)
	}
	_, err := nginx.Parse("location / {\n  include snippets/cors.conf;\n}\n")
	var es policy.Errors
	if !errors.As(err, &es) || len(es) != 1 || !es[0].Unreadable || es[0].Line != 2 || !strings.Contains(es[0].Msg, "include snippets/cors.conf is not read") {
		t.Errorf("another include: %v, want one unreadable fault at line 2", err)
	}
}

// TestLastTrueIfTakesOver: of two true if blocks the last one gives the
// request its configuration (nginx.org/en/docs/http/ngx_http_rewrite_module.html#if;
// "If is Evil"), so the first one's add_header lines do not apply, and
// the decision says so where it lists the two; the doubled parenthesis
// of the condition is gone.
func TestLastTrueIfTakesOver(t *testing.T) {
	c, err := nginx.Parse("location / {\n  set $cors '';\n  if ($http_origin = 'https://a.test') { set $cors 'true'; }\n  if ($cors = 'true') { add_header Access-Control-Allow-Origin https://a.test always; }\n  if ($request_method = 'OPTIONS') { return 204; }\n}\n")
	if err != nil {
		t.Fatal(err)
	}
	out := c.Respond(policy.Request{Method: "OPTIONS", URL: "https://api.test/x", Header: headers.List{{Name: "Origin", Value: "https://a.test"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}, policy.Reply{Status: 200})
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("Access-Control-Allow-Origin %q, want none: the last true if's block answers", v)
	}
	want := "if ($request_method = 'OPTIONS') at line 5: true, so its block, not the one of if ($cors = 'true') at line 4, gives the request its configuration"
	if !strings.Contains(out.Text(), want) {
		t.Errorf("decision %q, want it to say %q", out.Text(), want)
	}
}

// TestServerSelection: a paste of several server blocks (a site's https
// server and its port 80 redirect, as certbot writes them; two sites on
// one port) answers each request with the block nginx picks: by the
// listen port, then server_name (exact, then "*." and ".*" names), then
// the port's default_server, then the first (nginx.org/en/docs/http/
// request_processing.html). Found as a new user would: the second
// server block was an input error, exit 2. e2e/probe's
// TestNginxServerSelection holds the choice to Debian's nginx.
func TestServerSelection(t *testing.T) {
	const conf = `server {
    listen 443 ssl;
    server_name api.example.com;
    add_header Access-Control-Allow-Origin "https://app.example.com" always;
    location / { proxy_pass http://app; }
}
server {
    listen 80;
    server_name api.example.com;
    return 301 https://$host$request_uri;
}
server {
    listen 443 ssl;
    server_name *.cdn.example.com;
    add_header Access-Control-Allow-Origin "*" always;
    location / { proxy_pass http://app; }
}
server {
    listen 443 ssl default_server;
    server_name _;
    return 404;
}
`
	c, err := nginx.Parse(conf)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desc, url    string
		status       int
		acao, source string
	}{
		{"https: the first block, by port and name", "https://api.example.com/x", 200, "https://app.example.com", "server_name exact"},
		{"http: the redirect on port 80", "http://api.example.com/x", 301, "", "listen 80"},
		{"a wildcard name on 443", "https://img.cdn.example.com/a.png", 200, "*", "server_name *.cdn.example.com"},
		{"no name matches: the port's default_server", "https://other.example.net/x", 404, "", "listen ... default_server"},
	} {
		out := c.Respond(policy.Request{Method: "GET", URL: tc.url, Header: headers.List{{Name: "Origin", Value: "https://app.example.com"}}}, policy.Reply{Status: 200})
		acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
		if out.Reply.Status != tc.status || acao != tc.acao {
			t.Errorf("%s: %d %q, want %d %q (%s)", tc.desc, out.Reply.Status, acao, tc.status, tc.acao, tc.source)
		}
	}
}
