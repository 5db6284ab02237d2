package koacors_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/jsmw/jsmwtest"
	"github.com/whycors/whycors/engine/formats/koacors"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// Expected values come from @koa/cors index.js v5.0.0 as installed from
// npm (cited by the step of the middleware), each also checked against
// the running middleware by e2e/node's differential test.

const url = "http://api.test/items"

const app = "const Koa = require('koa');\nconst cors = require('@koa/cors');\n\nconst app = new Koa();\napp.use(cors(%s));\n"

func parse(t *testing.T, opts string) *koacors.Config {
	t.Helper()
	c, err := koacors.Parse(strings.Replace(app, "%s", opts, 1))
	if err != nil {
		t.Fatalf("%s: %v", opts, err)
	}
	return c
}

func TestRespond(t *testing.T) {
	appReply := policy.Reply{Status: 200, Header: headers.List{{Name: "X-App", Value: "1"}}}
	pre := func(origin string, kv ...string) policy.Request {
		return jsmwtest.Req("OPTIONS", url, origin, append([]string{"Access-Control-Request-Method", "PUT"}, kv...)...)
	}
	tests := []struct {
		desc   string
		opts   string
		req    policy.Request
		thrown bool
		status int
		want   map[string]string // header -> value; "" means absent
	}{
		{
			desc: "defaults: '*', allowMethods GET,HEAD,PUT,POST,DELETE,PATCH, ACRH reflected, 204, Vary: Origin always",
			opts: "", req: pre("https://a.test", "Access-Control-Request-Headers", "x-a"), status: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,HEAD,PUT,POST,DELETE,PATCH", "Access-Control-Allow-Headers": "x-a", "Vary": "Origin"},
		},
		{
			desc: "an OPTIONS without Access-Control-Request-Method goes to the application ('this not preflight request, ignore it')",
			opts: "", req: jsmwtest.Req("OPTIONS", url, "https://a.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin", "X-App": "1"},
		},
		{
			desc: "a string origin is sent whatever the request's Origin (no list check)",
			opts: "{ origin: 'https://a.test' }", req: jsmwtest.Req("GET", url, "https://evil.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.test"},
		},
		{
			desc: "origin false is '*' (options.origin || '*')",
			opts: "{ origin: false }", req: jsmwtest.Req("GET", url, "https://evil.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*"},
		},
		{
			desc: "credentials with '*' echoes any Origin with ACAC",
			opts: "{ credentials: true }", req: jsmwtest.Req("GET", url, "https://evil.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://evil.test", "Access-Control-Allow-Credentials": "true"},
		},
		{
			desc: "privateNetworkAccess answers Access-Control-Request-Private-Network",
			opts: "{ privateNetworkAccess: true, maxAge: 600 }", req: pre("https://a.test", "Access-Control-Request-Private-Network", "true"), status: 204,
			want: map[string]string{"Access-Control-Allow-Private-Network": "true", "Access-Control-Max-Age": "600"},
		},
		{
			desc: "maxAge 0 is falsy: no Max-Age; an empty allowHeaders reflects",
			opts: "{ maxAge: 0, allowHeaders: [] }", req: pre("https://a.test", "Access-Control-Request-Headers", "x-b"), status: 204,
			want: map[string]string{"Access-Control-Max-Age": "", "Access-Control-Allow-Headers": "x-b"},
		},
		{
			desc: "secureContext adds COOP and COEP",
			opts: "{ secureContext: true }", req: jsmwtest.Req("GET", url, "https://a.test"), status: 200,
			want: map[string]string{"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"},
		},
		{
			desc: "the application throws: keepHeadersOnError (default) keeps the headers on koa's 500",
			opts: "{ exposeHeaders: ['etag'] }", req: jsmwtest.Req("GET", url, "https://a.test"), thrown: true, status: 500,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "etag", "Vary": "Origin"},
		},
		{
			desc: "the application throws without keepHeadersOnError: koa removes every header",
			opts: "{ keepHeadersOnError: false }", req: jsmwtest.Req("GET", url, "https://a.test"), thrown: true, status: 500,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": ""},
		},
	}
	for _, tc := range tests {
		c := parse(t, tc.opts)
		jsmwtest.Check(t, tc.desc, c, tc.req, tc.thrown, appReply, tc.status, tc.want)
	}
}

// An array origin is sent as one line per entry (koa's ctx.set of an
// array): no browser accepts it, and the format's check says so, at the
// option (koa-array-origin). It is no refusal of @koa/cors's, and the
// rule lets no origin through (Disabled): tried as a new user would,
// lint said "@koa/cors refuses this" and "allows no origin at all, so it
// never adds CORS headers".
func TestArrayOrigin(t *testing.T) {
	c := parse(t, "{ origin: ['https://a.test', 'https://b.test'] }")
	out := c.Respond(jsmwtest.Req("GET", url, "https://a.test"), policy.Reply{Status: 200})
	if n := out.Reply.Header.Count("Access-Control-Allow-Origin"); n != 2 {
		t.Errorf("%d ACAO lines, want 2", n)
	}
	text := strings.Replace(app, "%s", "{ origin: ['https://a.test', 'https://b.test'] }", 1)
	rc, err := (&koacors.Format{}).ReadRules(text)
	if err != nil || len(rc.Rejects) != 0 || len(rc.Rules) != 1 || !rc.Rules[0].Disabled {
		t.Errorf("rules %+v, %v: want one rule that lets nothing through, no reject", rc, err)
	}
	fs := (&koacors.Format{}).CheckText(text)
	if len(fs) != 1 || fs[0].Code != "koa-array-origin" || fs[0].Pos.Line != 5 {
		t.Errorf("findings %+v: want koa-array-origin at line 5", fs)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want []policy.Error
	}{
		{desc: "nothing to read", text: "app.listen(3000)", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "a router path (koa's app.use takes none)", text: "const cors = require('@koa/cors');\nrouter.use('/api', cors())", want: []policy.Error{{Line: 2, Column: 12}}},
		{desc: "two arguments", text: "import cors from '@koa/cors'\napp.use(cors({}, 1))", want: []policy.Error{{Line: 2, Column: 16}}},
	}
	for _, tc := range tests {
		_, err := koacors.Parse(tc.text)
		postest.Positions(t, tc.desc, err, tc.want)
	}
}

func TestCapabilities(t *testing.T) {
	f := postest.Lookup(t, koacors.Formats(), "koa-cors")
	if _, ok := f.(convert.Reader); !ok {
		t.Error("not a convert.Reader")
	}
	ed := f.(fix.Editor)
	got, err := ed.EditText(strings.Replace(app, "%s", "{ allowMethods: ['GET'] }", 1), fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}})
	if want := strings.Replace(app, "%s", "{ allowMethods: ['GET', 'PUT'] }", 1); err != nil || got != want {
		t.Errorf("EditText = %q, %v", got, err)
	}
	if _, err := ed.EditText(strings.Replace(app, "%s", "{ origin: 'https://a.test' }", 1), fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}}); err != fix.ErrUnsupported {
		t.Errorf("adding an origin: %v, want ErrUnsupported (@koa/cors sends the option as written)", err)
	}
	reg := all.Registry()
	if d := reg.Detect(strings.Replace(app, "%s", "", 1)); len(d) != 1 || d[0].Format != "koa-cors" {
		t.Errorf("detected %+v, want only koa-cors", d)
	}
	fs, err := lint.Lint(reg, strings.Replace(app, "%s", "{ credentials: true }", 1), "koa-cors")
	if err != nil || len(fs) == 0 || fs[0].Code != "reflect-any-origin" {
		t.Errorf("lint %+v %v: credentials with '*' echoes any origin", fs, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("const cors = require('@koa/cors');\napp.use(cors({ origin: ctx => ctx.get('Origin'), credentials: true }))")
	f.Add("{ allowMethods: ['GET'], exposeHeaders: 'a', maxAge: '10', keepHeadersOnError: false }")
	f.Add("import cors from '@koa/cors'\nconst o = { origin: true }\napp.use(cors(o))")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := koacors.Parse(s)
		if _, rerr := (&koacors.Format{}).ReadRules(s); (rerr == nil) != (err == nil) {
			t.Fatalf("Parse err %v, ReadRules err %v", err, rerr)
		}
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		c.Respond(jsmwtest.Req("OPTIONS", url, "https://a.test", "Access-Control-Request-Method", "PUT"), policy.Reply{Status: 200})
		c.Throw(jsmwtest.Req("GET", url, ""))
	})
}
