package honocors_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/honocors"
	"github.com/whycors/whycors/engine/formats/internal/jsmw/jsmwtest"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// Expected values come from hono's dist/middleware/cors/index.js and
// context.js v4.13.19 as installed from npm, each also checked against a
// running Hono app by e2e/node's differential test.

const app = "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\n\nconst app = new Hono()\napp.use('/api/*', cors(%s))\n"

func parse(t *testing.T, opts string) *honocors.Config {
	t.Helper()
	c, err := honocors.Parse(strings.Replace(app, "%s", opts, 1))
	if err != nil {
		t.Fatalf("%s: %v", opts, err)
	}
	return c
}

func TestRespond(t *testing.T) {
	appReply := policy.Reply{Status: 200, Header: headers.List{{Name: "X-App", Value: "1"}, {Name: "Access-Control-Allow-Origin", Value: "https://app-set.test"}}}
	const api = "http://api.test/api/x"
	tests := []struct {
		desc   string
		opts   string
		req    policy.Request
		thrown bool
		status int
		want   map[string]string // header -> value; "" means absent
	}{
		{
			desc: "defaults: every OPTIONS under the mount is answered 204, methods include QUERY, ACRH trimmed and reflected with Vary",
			opts: "", req: jsmwtest.Req("OPTIONS", api, "https://a.test", "Access-Control-Request-Headers", "x-a, x-b"), status: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,HEAD,PUT,POST,DELETE,PATCH,QUERY", "Access-Control-Allow-Headers": "x-a,x-b", "Vary": "Access-Control-Request-Headers"},
		},
		{
			desc: "'/api/*' also covers '/api' (the differential test's recording)",
			opts: "", req: jsmwtest.Req("OPTIONS", "http://api.test/api", ""), status: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "*"},
		},
		{
			desc: "outside the mount the application answers alone",
			opts: "", req: jsmwtest.Req("OPTIONS", "http://api.test/other", "https://a.test"), status: 200,
			want: map[string]string{"X-App": "1", "Access-Control-Allow-Methods": ""},
		},
		{
			desc: "a string origin other than '*' is sent only to that Origin, Vary: Origin on the preflight",
			opts: "{ origin: 'https://a.test' }", req: jsmwtest.Req("OPTIONS", api, "https://b.test"), status: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin"},
		},
		{
			desc: "an array origin echoes a listed Origin; Vary: Origin is appended after the handler; the middleware's ACAO replaces the handler's",
			opts: "{ origin: ['https://a.test'], credentials: true }", req: jsmwtest.Req("GET", api, "https://a.test"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.test", "Access-Control-Allow-Credentials": "true", "Vary": "Origin"},
		},
		{
			desc: "allowMethods as a string sends no Access-Control-Allow-Methods (findAllowMethods)",
			opts: "{ allowMethods: 'GET,PUT' }", req: jsmwtest.Req("OPTIONS", api, "https://a.test"), status: 204,
			want: map[string]string{"Access-Control-Allow-Methods": ""},
		},
		{
			desc: "the handler throws: Hono's 500 keeps the middleware's headers",
			opts: "{ origin: ['https://a.test'], exposeHeaders: ['etag'] }", req: jsmwtest.Req("GET", api, "https://a.test"), thrown: true, status: 500,
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.test", "Access-Control-Expose-Headers": "etag", "Vary": "Origin"},
		},
	}
	for _, tc := range tests {
		c := parse(t, tc.opts)
		jsmwtest.Check(t, tc.desc, c, tc.req, tc.thrown, appReply, tc.status, tc.want)
	}
}

// TypeScript as Workers write it: typed options, a generic Hono.
func TestTypeScript(t *testing.T) {
	c, err := honocors.Parse("import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\nimport type { CORSOptions } from './types'\n\nconst app = new Hono<{ Bindings: Env }>()\nconst opts: CORSOptions = { origin: ['https://a.test'] }\napp.use('/api/*', cors(opts))\nexport default app\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Middlewares) != 1 || len(c.Middlewares[0].Origins) != 1 || c.Middlewares[0].Origins[0].Line != 6 {
		t.Errorf("middlewares %+v", c.Middlewares)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want []policy.Error
	}{
		{desc: "nothing to read", text: "export default app", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "origin true: optsOrigin.includes is not a function on every request", text: "import { cors } from 'hono/cors'\napp.use(cors({ origin: true }))", want: []policy.Error{{Line: 2, Column: 24}}},
		{desc: "a RegExp in the origin list never matches (Array.includes)", text: "import { cors } from 'hono/cors'\napp.use(cors({ origin: ['https://a.test', /b/] }))", want: []policy.Error{{Line: 2, Column: 43}}},
		{desc: "a string allowHeaders (join is not a function)", text: "import { cors } from 'hono/cors'\napp.use(cors({ allowHeaders: 'x-a' }))", want: []policy.Error{{Line: 2, Column: 30}}},
		{desc: "a regex path parameter", text: "import { cors as c } from 'hono/cors'\napp.use('/api/:id{[0-9]+}', c())", want: []policy.Error{{Line: 2, Column: 9}}},
	}
	for _, tc := range tests {
		_, err := honocors.Parse(tc.text)
		postest.Positions(t, tc.desc, err, tc.want)
	}
}

func TestCapabilities(t *testing.T) {
	f := postest.Lookup(t, honocors.Formats(), "hono-cors")
	rc, err := f.(convert.Reader).ReadRules(strings.Replace(app, "%s", "{ origin: ['https://a.test'] }", 1))
	if err != nil || len(rc.Rules) != 1 || len(rc.Rules[0].Paths) != 1 || rc.Rules[0].Paths[0] != "/api" || rc.Rules[0].Origins[0].Pos.Column != 35 {
		t.Errorf("rules %+v, %v", rc, err)
	}
	ed := f.(fix.Editor)
	got, err := ed.EditText(strings.Replace(app, "%s", "{ origin: 'https://a.test' }", 1), fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}})
	if want := strings.Replace(app, "%s", "{ origin: ['https://a.test', 'https://b.test'] }", 1); err != nil || got != want {
		t.Errorf("EditText = %q, %v", got, err)
	}
	got, err = ed.EditText(strings.Replace(app, "%s", "", 1), fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"x-a"}})
	if want := strings.Replace(app, "%s", "{ allowHeaders: ['x-a'] }", 1); err != nil || got != want {
		t.Errorf("EditText = %q, %v", got, err)
	}
	reg := all.Registry()
	if d := reg.Detect(strings.Replace(app, "%s", "", 1)); len(d) != 1 || d[0].Format != "hono-cors" {
		t.Errorf("detected %+v, want only hono-cors", d)
	}
	if _, err := lint.Lint(reg, strings.Replace(app, "%s", "{ origin: 'https://a.test', credentials: true }", 1), "hono-cors"); err != nil {
		t.Errorf("lint: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("import { cors } from 'hono/cors'\napp.use('/api/*', cors({ origin: (o, c) => o, allowMethods: ['GET'] }))")
	f.Add("{ origin: ['https://a.test'], maxAge: 600, exposeHeaders: ['etag'] }")
	f.Add("import { cors } from 'hono/cors'\nconst o = { origin: 'x' }\napp.use('/a/:id', cors(o))")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := honocors.Parse(s)
		if _, rerr := (&honocors.Format{}).ReadRules(s); (rerr == nil) != (err == nil) {
			t.Fatalf("Parse err %v, ReadRules err %v", err, rerr)
		}
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		c.Respond(jsmwtest.Req("OPTIONS", "/api/x", "https://a.test", "Access-Control-Request-Headers", "a, b"), policy.Reply{Status: 200})
		c.Throw(jsmwtest.Req("GET", "/api", ""))
	})
}
