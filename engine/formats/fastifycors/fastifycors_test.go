package fastifycors_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/fastifycors"
	"github.com/whycors/whycors/engine/formats/internal/jsmw/jsmwtest"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
)

// Expected values come from @fastify/cors index.js v11.4.3 (named by its
// function) as installed from npm, each also checked against the running
// plugin by e2e/node's differential test.

const url = "http://api.test/items"

const app = "import Fastify from 'fastify'\nimport cors from '@fastify/cors'\n\nconst fastify = Fastify()\nawait fastify.register(cors, %s)\n"

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
			desc: "defaults: '*' and methods GET,HEAD,POST, 204 with Content-Length 0 (defaultOptions, addPreflightHeaders)",
			opts: "{}", req: pre("https://a.test"), status: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,HEAD,POST", "Content-Length": "0", "Vary": "Access-Control-Request-Headers"},
		},
		{
			desc: "strictPreflight: an OPTIONS without Access-Control-Request-Method gets 400, after the origin header (addCorsHeadersHandler)",
			opts: "{}", req: jsmwtest.Req("OPTIONS", url, "https://a.test"), status: 400,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": ""},
		},
		{
			desc: "strictPreflight false: the same OPTIONS is a preflight",
			opts: "{ strictPreflight: false }", req: jsmwtest.Req("OPTIONS", url, ""), status: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,HEAD,POST"},
		},
		{
			desc: "preflightContinue: the plugin's OPTIONS * route answers 200 (fastifyCors: reply.send())",
			opts: "{ preflightContinue: true }", req: pre("https://a.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Content-Length": ""},
		},
		{
			desc: "origin false: no header, and OPTIONS reaches the OPTIONS * route, which calls callNotFound (404)",
			opts: "{ origin: false }", req: pre("https://a.test"), status: 404,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": ""},
		},
		{
			desc: "origin null: falsy but not false, next(new Error('Invalid CORS origin option')): 500, Vary kept",
			opts: "{ origin: null }", req: jsmwtest.Req("GET", url, "https://a.test"), status: 500,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin"},
		},
		{
			desc: "a fixed string is sent whatever the request's Origin, without Vary (getAccessControlAllowOriginHeader)",
			opts: "{ origin: 'https://a.test' }", req: jsmwtest.Req("GET", url, "https://evil.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.test", "Vary": "", "X-App": "1"},
		},
		{
			desc: "an array with '*' is '*' (normalizeCorsOptions), no Vary",
			opts: "{ origin: ['*', 'https://x.test'] }", req: jsmwtest.Req("GET", url, "https://evil.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Vary": ""},
		},
		{
			desc: "a RegExp without anchors echoes an attacker's origin, with Vary: Origin (isRequestOriginAllowed)",
			opts: `{ origin: /app\.test/ }`, req: jsmwtest.Req("GET", url, "https://app.test.evil.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.test.evil.test", "Vary": "Origin"},
		},
		{
			desc: "a global RegExp matches every time: lastIndex is reset before each test (isRequestOriginAllowed)",
			opts: `{ origin: /app/g }`, req: jsmwtest.Req("GET", url, "https://app.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.test"},
		},
		{
			desc: "an array that does not list the Origin: no ACAO, Vary: Origin",
			opts: "{ origin: ['https://a.test'] }", req: jsmwtest.Req("GET", url, "https://b.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin"},
		},
		{
			desc: "origin true with credentials reflects any origin with ACAC (addCorsHeaders)",
			opts: "{ origin: true, credentials: true }", req: jsmwtest.Req("GET", url, "https://evil.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://evil.test", "Access-Control-Allow-Credentials": "true"},
		},
		{
			desc: "lists are joined with ', '; ACRH is not reflected once allowedHeaders is set (addPreflightHeaders)",
			opts: "{ methods: ['GET', 'PUT'], allowedHeaders: ['x-a', 'x-b'], exposedHeaders: ['etag'], maxAge: 600, cacheControl: 300 }",
			req:  pre("https://a.test", "Access-Control-Request-Headers", "x-c"), status: 204,
			want: map[string]string{"Access-Control-Allow-Methods": "GET, PUT", "Access-Control-Allow-Headers": "x-a, x-b", "Access-Control-Expose-Headers": "etag", "Access-Control-Max-Age": "600", "Cache-Control": "max-age=300", "Vary": ""},
		},
		{
			desc: "the handler throws: fastify's 500 keeps the plugin's headers (e2e/node)",
			opts: "{ origin: ['https://a.test'], exposedHeaders: 'X-Total' }", req: jsmwtest.Req("GET", url, "https://a.test"), thrown: true, status: 500,
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.test", "Access-Control-Expose-Headers": "X-Total", "Vary": "Origin"},
		},
		{
			desc: "hook preSerialization: fastify runs it for an object payload only, so a text reply gets no CORS header (e2e/node)",
			opts: "{ hook: 'preSerialization' }", req: jsmwtest.Req("GET", url, "https://a.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "", "X-App": "1"},
		},
		{
			desc: "an origin function is unresolved: the verdict assumes it allows the Origin",
			opts: "{ origin: (origin, cb) => cb(null, origin === 'https://a.test') }", req: jsmwtest.Req("GET", url, "https://b.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://b.test", "Vary": "Origin"},
		},
	}
	for _, tc := range tests {
		c, err := fastifycors.Parse(strings.Replace(app, "%s", tc.opts, 1))
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		jsmwtest.Check(t, tc.desc, c, tc.req, tc.thrown, appReply, tc.status, tc.want)
	}
}

func TestUnresolvedIsNoted(t *testing.T) {
	c, err := fastifycors.Parse("import cors from '@fastify/cors'\nfastify.register(cors, {\n  origin(origin, cb) { cb(null, true) },\n})\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Unresolved) != 1 || c.Unresolved[0].Line != 3 || c.Unresolved[0].Column != 3 {
		t.Fatalf("unresolved %+v, want origin at 3:3", c.Unresolved)
	}
	if txt := c.Respond(jsmwtest.Req("GET", url, "https://a.test"), policy.Reply{Status: 200}).Text(); !strings.Contains(txt, "line 3: origin is a function") {
		t.Errorf("decision %q does not say what it assumes", txt)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want []policy.Error
	}{
		{desc: "nothing to read", text: "const x = 1", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "an invalid hook (validateHook)", text: "import cors from '@fastify/cors'\nfastify.register(cors, { hook: 'onSend' })", want: []policy.Error{{Line: 2, Column: 32}}},
		{desc: "an options variable not declared here", text: "import cors from '@fastify/cors'\nfastify.register(cors, opts)", want: []policy.Error{{Line: 2, Column: 24}}},
		{desc: "registered twice on one instance (fastify-plugin name clash)", text: "import cors from '@fastify/cors'\nfastify.register(cors)\nfastify.register(cors, {})", want: []policy.Error{{Line: 3, Column: 24}}},
		{desc: "an unsupported RegExp construct, at its offset", text: "{ origin: /(?<=a)b/ }", want: []policy.Error{{Line: 1, Column: 12}}},
		{desc: "a delegator", text: "{ delegator: (req, cb) => cb(null, {}) }", want: []policy.Error{{Line: 1, Column: 14}}},
	}
	for _, tc := range tests {
		_, err := fastifycors.Parse(tc.text)
		postest.Positions(t, tc.desc, err, tc.want)
	}
}

func TestReadRules(t *testing.T) {
	f := postest.Lookup(t, fastifycors.Formats(), "fastify-cors")
	r, ok := f.(convert.Reader)
	if !ok {
		t.Fatal("not a convert.Reader")
	}
	c, err := r.ReadRules("import cors from '@fastify/cors'\nfastify.register(cors, {\n  origin: ['https://a.test', /^https:\\/\\/.+\\.a\\.test$/],\n  credentials: true,\n})\n")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Rules[0]
	if len(got.Origins) != 2 || got.Origins[1].Pos.Line != 3 || got.Origins[1].Pos.Column != 30 || !got.Regex[1] {
		t.Errorf("origins %+v regex %v", got.Origins, got.Regex)
	}
	if !got.EchoAllHeaders || !got.Credentials || got.CredentialsPos.Line != 4 || !c.Semantics.MethodsAsDefaults {
		t.Errorf("rule %+v semantics %+v", got, c.Semantics)
	}
	if len(got.Methods) != 3 || got.Methods[0].Pos.Line != 2 {
		t.Errorf("methods %+v, want the defaults at the register call", got.Methods)
	}
}

func TestEditText(t *testing.T) {
	ed := postest.Lookup(t, fastifycors.Formats(), "fastify-cors").(fix.Editor)
	tests := []struct {
		desc, text string
		e          fix.Edit
		want       string
	}{
		{
			desc: "a string origin becomes an array of two, which the plugin checks (isRequestOriginAllowed)",
			text: "fastify.register(require('@fastify/cors'), { origin: \"https://a.test\" })\n",
			e:    fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}},
			want: "fastify.register(require('@fastify/cors'), { origin: [\"https://a.test\", \"https://b.test\"] })\n",
		},
		{
			desc: "methods left out become the defaults plus the method (defaultOptions)",
			text: "import cors from '@fastify/cors'\nfastify.register(cors, {\n  credentials: true,\n})\n",
			e:    fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
			want: "import cors from '@fastify/cors'\nfastify.register(cors, {\n  methods: 'GET,HEAD,POST,PUT',\n  credentials: true,\n})\n",
		},
		{
			desc: "no options: an object is inserted",
			text: "import cors from '@fastify/cors'\nfastify.register(cors)\n",
			e:    fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			want: "import cors from '@fastify/cors'\nfastify.register(cors, { credentials: true })\n",
		},
	}
	for _, tc := range tests {
		got, err := ed.EditText(tc.text, tc.e)
		if err != nil || got != tc.want {
			t.Errorf("%s:\ngot  %q, %v\nwant %q", tc.desc, got, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("import cors from '@fastify/cors'\nfastify.register(cors, { origin: [/^https:\\/\\/a\\.test$/i, 'http://b'], methods: ['GET'], maxAge: 0x10 })")
	f.Add("const o = { origin: (o, cb) => cb(null, true) };\nfastify.register(require('@fastify/cors'), o)")
	f.Add(`{"origin": "*", "allowedHeaders": "a,b", "optionsSuccessStatus": 200}`)
	f.Add("{ origin: `x${y}`, hook: 'preHandler' }")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := fastifycors.Parse(s)
		if _, rerr := (&fastifycors.Format{}).ReadRules(s); (rerr == nil) != (err == nil) {
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
