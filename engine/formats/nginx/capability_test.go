package nginx_test

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// format is the "nginx" value the registry holds (engine/all lists
// Formats()), as convert, fix and lint find it.
func format(t *testing.T) policy.Format { return postest.Lookup(t, nginx.Formats(), "nginx") }

// reflecting echoes $http_origin with credentials and no always: both
// traps of cloud-policies.md §6.1.
const reflecting = "location / {\n" +
	"    add_header Access-Control-Allow-Origin $http_origin;\n" +
	"    add_header Access-Control-Allow-Credentials true always;\n" +
	"}\n"

// An nginx configuration is evaluated, not read into rules: conversion
// says so.
func TestNoRules(t *testing.T) {
	n, ok := format(t).(convert.NoRules)
	if !ok {
		t.Fatal("nginx is not a convert.NoRules")
	}
	if !strings.Contains(n.NoRulesWhy(), "exposes no rule model") {
		t.Errorf("NoRulesWhy = %q", n.NoRulesWhy())
	}
	if _, ok := format(t).(convert.Reader); ok {
		t.Error("nginx is a convert.Reader: NoRules would never be asked")
	}
}

// WriteRules writes the allowed headers "*" as the requested ones echoed
// ($http_access_control_request_headers, with Vary), which a credentialed
// request with Authorization passes; add_header sends a "*" as written,
// which it does not (Fetch §4.8 CORS-preflight fetch; browser-cors.md
// §1.7). Tried as a new user would, Express's cors() without
// allowedHeaders converted to nginx wrote "*".
func TestWriteRules(t *testing.T) {
	w, ok := format(t).(convert.Writer)
	if !ok {
		t.Fatal("nginx is not a convert.Writer")
	}
	n := &portable.Notes{}
	out, err := w.WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://app.example"}, Methods: []string{"PUT"}, AllowHeaders: []string{"*"}, Credentials: true}}}, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "add_header Access-Control-Allow-Headers $http_access_control_request_headers always;") || !strings.Contains(out, `add_header Vary "Origin, Access-Control-Request-Headers" always;`) {
		t.Errorf("output:\n%s", out)
	}
	if notes := n.List(); len(notes) != 0 {
		t.Errorf("notes %+v, want none", notes)
	}
	postest.EchoesRequestedHeaders(t, format(t), out)
}

// EditText adds always to the Access-Control-* add_header lines only
// (ngx_http_headers_module add_header); FileName names the diff's file.
func TestEditText(t *testing.T) {
	ed, ok := format(t).(fix.Editor)
	if !ok {
		t.Fatal("nginx is not a fix.Editor")
	}
	got, err := ed.EditText(reflecting, fix.Edit{Op: fix.Always})
	want := strings.Replace(reflecting, "$http_origin;", "$http_origin always;", 1)
	if err != nil || got != want {
		t.Errorf("EditText = %q, %v; want %q", got, err, want)
	}
	if _, err := ed.EditText(got, fix.Edit{Op: fix.Always}); err != fix.ErrNotFound {
		t.Errorf("nothing left to change: err %v, want ErrNotFound", err)
	}
	if ed.FileName() != "nginx.conf" {
		t.Errorf("FileName = %q", ed.FileName())
	}
}

// ChooseEdit reads the add_header trace of the block that answered
// (cloud-policies.md §6.1): a preflight the application refuses needs
// nginx to answer OPTIONS itself; a method the browser missed goes into
// Access-Control-Allow-Methods.
func TestChooseEdit(t *testing.T) {
	c, ok := format(t).(fix.EditChooser)
	if !ok {
		t.Fatal("nginx is not a fix.EditChooser")
	}
	conf, err := nginx.Parse("location / {\n    add_header Access-Control-Allow-Origin https://app.test always;\n    add_header Access-Control-Allow-Methods GET always;\n}\n")
	if err != nil {
		t.Fatal(err)
	}
	req := policy.Request{Method: "OPTIONS", URL: "https://api.test/x", Header: headers.List{{Name: "Origin", Value: "https://app.test"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}
	rules := conf.Respond(req, policy.Reply{Status: 403}).Rules
	tests := []struct {
		desc    string
		blocked fix.Blocked
		want    fix.Edit
		why     string
	}{
		{desc: "the application answers the preflight 403",
			blocked: fix.Blocked{PreflightFailed: true, PreflightStatus: 403, Rules: rules, Origin: "https://app.test", Method: "PUT"},
			want:    fix.Edit{Op: fix.AnswerOptions, Line: 2}, why: "answer OPTIONS in nginx itself with 204, before its access checks and the application (it is answered 403 now)"},
		{desc: "the method is not listed",
			blocked: fix.Blocked{Needs: "method", Rules: rules, Origin: "https://app.test", Method: "PUT"},
			want:    fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}, Line: 2}, why: "add PUT to Access-Control-Allow-Methods"},
	}
	for _, tc := range tests {
		e, why, ok := c.ChooseEdit(tc.blocked)
		if !ok || !reflect.DeepEqual(e, tc.want) || why != tc.why {
			t.Errorf("%s: %+v %q %v, want %+v %q", tc.desc, e, why, ok, tc.want, tc.why)
		}
	}
	if _, _, ok := c.ChooseEdit(fix.Blocked{Needs: "method"}); ok {
		t.Error("no add_header trace: an edit was chosen")
	}
}

// CheckText finds both traps of §6.1 at their lines: $http_origin echoed
// with credentials (an error: any site reads the users' replies), and an
// add_header without always (a warning).
func TestCheckText(t *testing.T) {
	c, ok := format(t).(lint.TextChecker)
	if !ok {
		t.Fatal("nginx is not a lint.TextChecker")
	}
	var got []string
	for _, f := range c.CheckText(reflecting) {
		got = append(got, f.Severity+" "+f.Code+" "+strconv.Itoa(f.Pos.Line)+":"+strconv.Itoa(f.Pos.Column))
	}
	want := []string{"error reflect-any-origin 2:5", "warning missing-always 2:5"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

// TestMissingAlwaysByStatus: add_header without always is reported where
// a reply of another status can go without it, and not in a block that
// answers with return and a status add_header applies to
// (ngx_http_headers_module add_header: 200, 201, 204, 206, 301, 302, 303,
// 304, 307, 308), as enable-cors.org's preflight block does; tried as a
// new user would, its four lines were warnings.
func TestMissingAlwaysByStatus(t *testing.T) {
	c := format(t).(lint.TextChecker)
	for _, tc := range []struct {
		desc, text string
		want       []string // missing-always positions
	}{
		{desc: "a preflight block that returns 204: none", want: nil,
			text: "location / {\n  if ($request_method = OPTIONS) {\n    add_header Access-Control-Allow-Origin https://a.test;\n    return 204;\n  }\n  proxy_pass http://b;\n}\n"},
		{desc: "a block that returns 403: its replies drop the header", want: []string{"3:5"},
			text: "location / {\n  if ($request_method = OPTIONS) {\n    add_header Access-Control-Allow-Origin https://a.test;\n    return 403;\n  }\n}\n"},
		{desc: "beside proxy_pass, whose replies may be 4xx or 5xx", want: []string{"2:3"},
			text: "location / {\n  add_header Access-Control-Allow-Origin https://a.test;\n  proxy_pass http://b;\n}\n"},
		{desc: "two on one line, one with always", want: []string{"1:14"},
			text: "location / { add_header Access-Control-Allow-Origin https://a.test; add_header Access-Control-Allow-Credentials true always; }\n"},
	} {
		if got := positionsOf(c, tc.text, "missing-always"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: missing-always at %q, want %q", tc.desc, got, tc.want)
		}
	}
}

// TestInheritFix: a location whose own add_header (a Cache-Control) makes
// nginx drop the server's CORS lines (ngx_http_headers_module: add_header
// is inherited only by a level with none; cloud-policies.md §6.1) gets
// those lines repeated in it, as written, after its own, and the fetch
// then passes. Tried as a new user would, the fix was replies to write.
func TestInheritFix(t *testing.T) {
	const conf = "server {\n" +
		"    add_header Access-Control-Allow-Origin https://app.test always;\n" +
		"    add_header Access-Control-Allow-Credentials true always;\n" +
		"    add_header Vary Origin always;\n" +
		"    location /uploads/ {\n" +
		"        add_header Cache-Control \"public, max-age=3600\";\n" +
		"        add_header Vary Accept-Encoding;\n" +
		"        root /var/www;\n" +
		"    }\n" +
		"}\n"
	c := format(t).(fix.EditChooser)
	ev, err := nginx.Parse(conf)
	if err != nil {
		t.Fatal(err)
	}
	rules := ev.Respond(policy.Request{Method: "GET", URL: "https://api.test/uploads/a.png", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}, policy.Reply{Status: 200}).Rules
	e, _, ok := c.ChooseEdit(fix.Blocked{Needs: "origin", Rules: rules, Origin: "https://app.test"})
	if !ok || e.Op != fix.Inherit || e.Line != 6 {
		t.Fatalf("edit %+v %v, want Inherit at line 6", e, ok)
	}
	got, err := format(t).(fix.Editor).EditText(conf, e)
	want := strings.Replace(conf, "        add_header Vary Accept-Encoding;\n", "        add_header Vary Accept-Encoding;\n"+
		"        add_header Access-Control-Allow-Origin https://app.test always;\n"+
		"        add_header Access-Control-Allow-Credentials true always;\n"+
		"        add_header Vary Origin always;\n", 1)
	if err != nil || got != want {
		t.Errorf("edited (%v):\n%s\nwant (the block's own Vary kept, the server's Origin added to it):\n%s", err, got, want)
	}
}

// TestDuplicateOrigin: Access-Control-Allow-Origin added where proxy_pass
// passes on is reported unless proxy_hide_header hides the upstream's
// (ngx_http_proxy_module; inherited by a nested location with no
// proxy_hide_header of its own); the same header before a return is not.
func TestDuplicateOrigin(t *testing.T) {
	c := format(t).(lint.TextChecker)
	for _, tc := range []struct {
		desc, text string
		want       []string
	}{
		{desc: "beside proxy_pass", want: []string{"2:3"},
			text: "location / {\n  add_header Access-Control-Allow-Origin https://a.test always;\n  proxy_pass http://b;\n}\n"},
		{desc: "the upstream's hidden", want: nil,
			text: "location / {\n  proxy_hide_header Access-Control-Allow-Origin;\n  add_header Access-Control-Allow-Origin https://a.test always;\n  proxy_pass http://b;\n}\n"},
		{desc: "hidden at the server, inherited", want: nil,
			text: "server {\n  proxy_hide_header access-control-allow-origin;\n  location / {\n    add_header Access-Control-Allow-Origin https://a.test always;\n    proxy_pass http://b;\n  }\n}\n"},
		{desc: "the preflight's if block answers with return, the location passes on", want: []string{"6:3"},
			text: "location / {\n  if ($request_method = OPTIONS) {\n    add_header Access-Control-Allow-Origin https://a.test always;\n    return 204;\n  }\n  add_header Access-Control-Allow-Origin https://a.test always;\n  proxy_pass http://b;\n}\n"},
		{desc: "answered by nginx itself", want: nil,
			text: "location / {\n  add_header Access-Control-Allow-Origin https://a.test always;\n  return 204;\n}\n"},
	} {
		if got := positionsOf(c, tc.text, "duplicate-origin"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: duplicate-origin at %q, want %q", tc.desc, got, tc.want)
		}
	}
}

// TestAddHeaderNotInherited: a block whose own add_header lines hold no
// Access-Control-Allow-Origin drops the one of the block around it
// (ngx_http_headers_module add_header: inherited "if and only if there
// are no add_header directives defined on the current level"); a block
// that repeats it, or has no add_header, is not reported. The same
// inheritance is held to real nginx by e2e/probe's TestNginxModel.
func TestAddHeaderNotInherited(t *testing.T) {
	c := format(t).(lint.TextChecker)
	for _, tc := range []struct {
		desc, text string
		want       []string
	}{
		{desc: "a location's Cache-Control under the server's CORS lines", want: []string{"4:5"},
			text: "server {\n  add_header Access-Control-Allow-Origin https://a.test always;\n  location /static/ {\n    add_header Cache-Control public;\n  }\n}\n"},
		{desc: "a location with no add_header inherits", want: nil,
			text: "server {\n  add_header Access-Control-Allow-Origin https://a.test always;\n  location /static/ {\n    root /srv;\n  }\n}\n"},
		{desc: "a location that repeats the origin", want: nil,
			text: "server {\n  add_header Access-Control-Allow-Origin https://a.test always;\n  location /static/ {\n    add_header Cache-Control public;\n    add_header Access-Control-Allow-Origin https://a.test always;\n  }\n}\n"},
		{desc: "an if block's Max-Age alone under the location's origin", want: []string{"4:5"},
			text: "location / {\n  add_header Access-Control-Allow-Origin https://a.test always;\n  if ($request_method = OPTIONS) {\n    add_header Access-Control-Max-Age 600;\n    return 204;\n  }\n}\n"},
		{desc: "the http level's origin, a server's own Vary", want: []string{"4:3"},
			text: "http {\n add_header Access-Control-Allow-Origin https://a.test always;\n server {\n  add_header Vary Origin;\n }\n}\n"},
		{desc: "an if block's own origin drops the server's credentials line", want: []string{"6:7"},
			text: "server {\n  add_header Access-Control-Allow-Origin https://a.test always;\n  add_header Access-Control-Allow-Credentials true always;\n  location / {\n    if ($http_origin ~ '^https://b\\.test$') {\n      add_header Access-Control-Allow-Origin $http_origin always;\n    }\n  }\n}\n"},
		{desc: "no CORS line anywhere", want: nil,
			text: "server {\n  add_header X-Frame-Options DENY;\n  location / {\n    add_header Cache-Control public;\n  }\n}\n"},
	} {
		if got := positionsOf(c, tc.text, "add-header-not-inherited"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: add-header-not-inherited at %q, want %q", tc.desc, got, tc.want)
		}
	}
}

// positionsOf lists the line:column of each finding of code in text.
func positionsOf(c lint.TextChecker, text, code string) []string {
	var out []string
	for _, f := range c.CheckText(text) {
		if f.Code == code {
			out = append(out, strconv.Itoa(f.Pos.Line)+":"+strconv.Itoa(f.Pos.Column))
		}
	}
	return out
}

// TestHideUpstreamFix: nginx's Access-Control-Allow-Origin beside an
// upstream's own makes two lines (MultipleAllowOriginValues), fixed by
// hiding the upstream's (proxy_hide_header, ngx_http_proxy_module) in
// the block that adds nginx's, after which the fetch passes. Tried as a
// new user would, the fix was replies to write.
func TestHideUpstreamFix(t *testing.T) {
	const conf = "location / {\n    add_header Access-Control-Allow-Origin https://app.test always;\n    proxy_pass http://b;\n}\n"
	ev, err := nginx.Parse(conf)
	if err != nil {
		t.Fatal(err)
	}
	get := policy.Request{Method: "GET", URL: "https://api.test/x", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
	up := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}}
	rules := ev.Respond(get, up).Rules
	e, _, ok := format(t).(fix.EditChooser).ChooseEdit(fix.Blocked{Needs: "one-origin", Rules: rules, Origin: "https://app.test"})
	if !ok || e.Op != fix.HideUpstream || e.Line != 2 {
		t.Fatalf("edit %+v %v, want HideUpstream at line 2", e, ok)
	}
	got, err := format(t).(fix.Editor).EditText(conf, e)
	if want := strings.Replace(conf, "    add_header", "    proxy_hide_header Access-Control-Allow-Origin;\n    add_header", 1); err != nil || got != want {
		t.Fatalf("edited (%v):\n%s\nwant:\n%s", err, got, want)
	}
	fixed, err := nginx.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if vs := fixed.Respond(get, up).Reply.Header.Values("Access-Control-Allow-Origin"); len(vs) != 1 || vs[0] != "https://app.test" {
		t.Errorf("after the fix: Access-Control-Allow-Origin %q, want nginx's alone", vs)
	}
}

// TestHideUpstreamInIf: an if block's Access-Control-Allow-Origin in a
// location that passes on is a duplicate too, and proxy_hide_header,
// which nginx does not allow in an if block (its context is http,
// server and location: ngx_http_proxy_module), goes before the if, in
// the location, whose configuration the if block takes. Tried as a new
// user would, it linted clean and got replies to write.
func TestHideUpstreamInIf(t *testing.T) {
	const conf = "location /api/ {\n    if ($http_origin ~* \"^https://a\\.test$\") {\n        add_header Access-Control-Allow-Origin $http_origin always;\n    }\n    proxy_pass http://b;\n}\n"
	if got := positionsOf(format(t).(lint.TextChecker), conf, "duplicate-origin"); !reflect.DeepEqual(got, []string{"3:9"}) {
		t.Errorf("duplicate-origin at %q, want 3:9", got)
	}
	got, err := format(t).(fix.Editor).EditText(conf, fix.Edit{Op: fix.HideUpstream, Values: []string{"Access-Control-Allow-Origin"}, Line: 3})
	if want := strings.Replace(conf, "    if (", "    proxy_hide_header Access-Control-Allow-Origin;\n    if (", 1); err != nil || got != want {
		t.Fatalf("edited (%v):\n%s\nwant:\n%s", err, got, want)
	}
	fixed, err := nginx.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	get := policy.Request{Method: "GET", URL: "https://api.test/api/x", Header: headers.List{{Name: "Origin", Value: "https://a.test"}}}
	up := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://a.test"}}}
	if vs := fixed.Respond(get, up).Reply.Header.Values("Access-Control-Allow-Origin"); len(vs) != 1 {
		t.Errorf("after the fix: Access-Control-Allow-Origin %q, want one line", vs)
	}
}

// TestFixedOriginBecomesAMap: a second origin where Access-Control-Allow-
// Origin is one fixed origin makes a map of both, echoed, in http
// context (at the top of a file of server blocks, or inside its http
// block), the add_header sending the map's variable with Vary: Origin;
// the model then answers each origin with itself and another with
// nothing. e2e/probe's TestNginxFixes runs it in Debian's nginx.
func TestFixedOriginBecomesAMap(t *testing.T) {
	ed := format(t).(fix.Editor)
	const server = "server {\n    listen 80;\n    add_header Access-Control-Allow-Origin \"https://a.test\" always;\n    location / { proxy_pass http://b; }\n}\n"
	for _, tc := range []struct{ desc, text, mapAt string }{
		{desc: "a file of server blocks", text: server, mapAt: "map $http_origin $cors_origin {"},
		{desc: "a whole nginx.conf", text: "events {}\nhttp {\n" + server + "}\n", mapAt: "http {\n    map $http_origin $cors_origin {"},
	} {
		got, err := ed.EditText(tc.text, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}, Line: 3})
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		if !strings.Contains(got, tc.mapAt) || !strings.Contains(got, "add_header Access-Control-Allow-Origin $cors_origin always;\n    add_header Vary Origin always;") {
			t.Errorf("%s:\n%s", tc.desc, got)
		}
		c, err := nginx.Parse(got)
		if err != nil {
			t.Fatalf("%s: the edited text does not read: %v\n%s", tc.desc, err, got)
		}
		for origin, want := range map[string]string{"https://a.test": "https://a.test", "https://b.test": "https://b.test", "https://evil.test": ""} {
			out := c.Respond(policy.Request{Method: "GET", URL: "https://api.test/x", Header: headers.List{{Name: "Origin", Value: origin}}}, policy.Reply{Status: 200})
			if got, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); got != want {
				t.Errorf("%s: %s gets %q, want %q", tc.desc, origin, got, want)
			}
		}
	}
}

// TestFirstCORSLinesWhereTheRequestIsAnswered: the first CORS lines of a
// configuration with none go into the block that answers the blocked
// request, in the server block nginx picks, past a comment that says
// "server {": found by an adversarial review, the first version put them
// at the first server's level (opening every location of it, /admin/
// with credentials) or, after such a comment, at http level (every
// server).
func TestFirstCORSLinesWhereTheRequestIsAnswered(t *testing.T) {
	ed := format(t).(fix.Editor)
	const conf = `http {
    # Each site gets its own server { block below.
    server {
        listen 80;
        server_name api.example.com;
        return 301 https://$host$request_uri;
    }
    server {
        listen 443 ssl;
        server_name api.example.com;
        location /api/ {
            proxy_pass http://127.0.0.1:9000;
        }
        location /admin/ {
            proxy_pass http://127.0.0.1:9001;
        }
    }
}
`
	got, err := ed.EditText(conf, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://app.example.com"}, URL: "https://api.example.com/api/x"})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(conf, "        location /api/ {\n", "        location /api/ {\n            add_header Access-Control-Allow-Origin \"https://app.example.com\" always;\n            add_header Vary Origin always;\n", 1)
	if got != want {
		t.Errorf("edited:\n%s\nwant:\n%s", got, want)
	}
	c, err := nginx.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	for url, acao := range map[string]string{"https://api.example.com/api/x": "https://app.example.com", "https://api.example.com/admin/x": "", "http://api.example.com/api/x": ""} {
		out := c.Respond(policy.Request{Method: "GET", URL: url, Header: headers.List{{Name: "Origin", Value: "https://app.example.com"}}}, policy.Reply{Status: 200})
		if v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin"); v != acao {
			t.Errorf("%s: %q, want %q", url, v, acao)
		}
	}
}

// TestMapFixPlacement: an adversarial review's cases for the map fix: a
// comment that says "http {" is no place for it (nginx -t refused the
// map in main context), a paste of locations alone has no place for one
// (unsupported, so the search says so rather than write invalid
// nginx), the map's name is the site's own (map variables are global to
// nginx's http block, across included files), and a Vary: Origin of
// another location does not stand for this one's.
func TestMapFixPlacement(t *testing.T) {
	ed := format(t).(fix.Editor)
	add := fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example.com"}}
	const full = "# Site settings live in the http { block below.\nevents {}\nhttp {\n    server {\n        server_name api.example.com;\n        location / {\n            add_header Access-Control-Allow-Origin \"https://a.example.com\" always;\n            proxy_pass http://app;\n        }\n        location /static/ {\n            add_header Vary \"X-Origin-Token\";\n            root /srv;\n        }\n    }\n}\n"
	got, err := ed.EditText(full, add)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"http {\n    map $http_origin $cors_origin_api_example_com {\n", "add_header Access-Control-Allow-Origin $cors_origin_api_example_com always;\n            add_header Vary Origin always;"} {
		if !strings.Contains(got, want) {
			t.Errorf("edited text lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, "map $http_origin") < strings.Index(got, "http {") {
		t.Errorf("the map is outside the http block:\n%s", got)
	}
	if _, err := ed.EditText("location /api/ {\n    add_header Access-Control-Allow-Origin \"https://a.example.com\" always;\n    proxy_pass http://app;\n}\n", add); !errors.Is(err, fix.ErrUnsupported) {
		t.Errorf("locations alone: err %v, want ErrUnsupported", err)
	}
}
