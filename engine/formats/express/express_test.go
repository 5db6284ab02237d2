package express_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Expected values come from expressjs/cors test/test.js at 5317ebe6
// (v2.8.6), named by their it(...) title, or from lib/index.js where the
// test suite has no case (cited as "lib/index.js <function>").

func req(method, origin string, kv ...string) policy.Request {
	r := policy.Request{Method: method, URL: "http://api.test/items"}
	if origin != "" {
		r.Header.Add("Origin", origin)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Header.Add(kv[i], kv[i+1])
	}
	return r
}

func TestRespond(t *testing.T) {
	app := policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "application/json"}}}
	tests := []struct {
		desc       string
		text       string
		req        policy.Request
		wantStatus int
		want       map[string]string // header -> value; "" means absent
	}{
		{
			desc: "OPTION call with no options enables default CORS to all origins and methods",
			text: "app.use(cors())", req: req("OPTIONS", "http://example.com"),
			wantStatus: 204,
			want:       map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE", "Content-Length": "0"},
		},
		{
			desc: "no options enables default CORS to all origins (no ACAM on an actual request)",
			text: "{}", req: req("GET", "http://example.com"),
			wantStatus: 200,
			want:       map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "", "Content-Type": "application/json"},
		},
		{
			desc: "overrides defaults",
			text: `{ origin: 'http://example.com', methods: ['FOO', 'bar'], headers: ['FIZZ', 'buzz'], credentials: true, maxAge: 123 }`,
			req:  req("OPTIONS", "http://example.com"), wantStatus: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "http://example.com", "Access-Control-Allow-Methods": "FOO,bar", "Access-Control-Allow-Headers": "FIZZ,buzz", "Access-Control-Allow-Credentials": "true", "Access-Control-Max-Age": "123"},
		},
		{
			desc: "can configure preflight success response status code",
			text: `{ optionsSuccessStatus: 200 }`, req: req("OPTIONS", "http://example.com"), wantStatus: 200,
		},
		{
			desc: "matches request origin against regexp",
			text: `{ origin: /:\/\/(.+\.)?example.com$/ }`, req: req("GET", "http://example.com"), wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "http://example.com", "Vary": "Origin"},
		},
		{
			desc: "matches request origin against array of origin checks",
			text: `{ origin: [ /foo\.com$/, 'http://example.com' ] }`, req: req("GET", "http://example.com"), wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "http://example.com", "Vary": "Origin"},
		},
		{
			desc: "doesn't match request origin against array of invalid origin checks",
			text: `{ origin: [ /foo\.com$/, 'bar.com' ] }`, req: req("GET", "http://example.com"), wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin"},
		},
		{
			desc: "origin of false disables cors",
			text: `{ origin: false, methods: ['FOO', 'bar'], allowedHeaders: ['FIZZ', 'buzz'], credentials: true, maxAge: 123 }`,
			req:  req("OPTIONS", "http://example.com"), wantStatus: 200, // the application answers
			want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": "", "Access-Control-Allow-Headers": "", "Access-Control-Allow-Credentials": "", "Access-Control-Max-Age": ""},
		},
		{
			desc: "can override origin / includes Vary header for specific origins (sent whatever the request's Origin: §6.3)",
			text: `{ origin: 'http://example.com' }`, req: req("GET", "http://evil.test"), wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "http://example.com", "Vary": "Origin"},
		},
		{
			desc: "specifying true for origin reflects requesting origin",
			text: `{ origin: true }`, req: req("GET", "http://example.com"), wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "http://example.com"},
		},
		{
			desc: "can specify allowed headers as array (no Vary)",
			text: `{ allowedHeaders: ['header1', 'header2'] }`, req: req("OPTIONS", "http://example.com"), wantStatus: 204,
			want: map[string]string{"Access-Control-Allow-Headers": "header1,header2", "Vary": ""},
		},
		{
			desc: "specifying an empty list or string of allowed headers will result in no response header for allowed headers",
			text: `{ allowedHeaders: [] }`, req: req("OPTIONS", "http://example.com", "Access-Control-Request-Headers", "x-a"), wantStatus: 204,
			want: map[string]string{"Access-Control-Allow-Headers": "", "Vary": ""},
		},
		{
			desc: "if no allowed headers are specified, defaults to requested allowed headers",
			text: `{}`, req: req("OPTIONS", "http://example.com", "Access-Control-Request-Headers", "x-header-1, x-header-2"), wantStatus: 204,
			want: map[string]string{"Access-Control-Allow-Headers": "x-header-1, x-header-2", "Vary": "Access-Control-Request-Headers"},
		},
		{
			desc: "can specify exposed headers as array (actual request)",
			text: `{ exposedHeaders: ['custom-header1', 'custom-header2'] }`, req: req("GET", "http://example.com"), wantStatus: 200,
			want: map[string]string{"Access-Control-Expose-Headers": "custom-header1,custom-header2"},
		},
		{
			desc: "includes maxAge when specified and equals to zero",
			text: `{ maxAge: 0 }`, req: req("OPTIONS", "http://example.com"), wantStatus: 204,
			want: map[string]string{"Access-Control-Max-Age": "0"},
		},
		{
			desc: "credentials with '*' is accepted by the library (§6.3: the browser then fails)",
			text: `{ origin: '*', credentials: true }`, req: req("GET", "http://example.com"), wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"},
		},
		{
			desc: "every OPTIONS is a preflight, even without ACRM (§6.3)",
			text: `{ methods: 'GET' }`, req: req("OPTIONS", ""), wantStatus: 204,
			want: map[string]string{"Access-Control-Allow-Methods": "GET"},
		},
		{
			desc: "doesn't shortcircuit preflight requests with preflightContinue option",
			text: `{ preflightContinue: true }`, req: req("OPTIONS", "http://example.com"), wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Content-Length": ""},
		},
		{
			desc: "JSON options",
			text: `{"origin": ["https://a.test"], "credentials": true}`, req: req("GET", "https://a.test"), wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.test", "Access-Control-Allow-Credentials": "true"},
		},
		{
			desc: "code with a declared options object mounted on a path: outside the path nothing is set",
			text: "const cors = require('cors');\nconst corsOptions = {\n  origin: 'https://a.test', // the app\n};\napp.use('/api', cors(corsOptions));\n",
			req:  policy.Request{Method: "GET", URL: "http://api.test/other", Header: headers.List{{Name: "Origin", Value: "https://a.test"}}}, wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": ""},
		},
		{
			desc: "code with a declared options object mounted on a path: below the path it applies",
			text: "const corsOptions = { origin: 'https://a.test' };\napp.use('/api', cors(corsOptions));\n",
			req:  policy.Request{Method: "GET", URL: "http://api.test/API/x?q=1", Header: headers.List{{Name: "Origin", Value: "https://a.test"}}}, wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.test"},
		},
		{
			desc: "app.options route answers OPTIONS only (lib/index.js cors: method === 'OPTIONS')",
			text: "app.options('*', cors({ origin: 'https://a.test' }))\napp.get('/x', handler)",
			req:  req("GET", "https://a.test"), wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": ""},
		},
		// The expressjs/cors README's per-route pattern: a named
		// parameter takes one non-empty segment (path-to-regexp); tried
		// as a new user would, it was an input error.
		{
			desc: "a route with a named parameter answers a path with that segment",
			text: "app.options('/products/:id', cors({ origin: 'https://a.test' }))\n",
			req:  policy.Request{Method: "OPTIONS", URL: "http://api.test/products/42", Header: headers.List{{Name: "Origin", Value: "https://a.test"}, {Name: "Access-Control-Request-Method", Value: "DELETE"}}}, wantStatus: 204,
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.test"},
		},
		{
			desc: "a route with a named parameter: a path below it is another route",
			text: "app.options('/products/:id', cors({ origin: 'https://a.test' }))\n",
			req:  policy.Request{Method: "OPTIONS", URL: "http://api.test/products/42/reviews", Header: headers.List{{Name: "Origin", Value: "https://a.test"}, {Name: "Access-Control-Request-Method", Value: "DELETE"}}}, wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": ""},
		},
		{
			desc: "app.use with a named parameter covers the paths below it",
			text: "app.use('/shops/:shop', cors({ origin: 'https://a.test' }))\n",
			req:  policy.Request{Method: "GET", URL: "http://api.test/shops/acme/items", Header: headers.List{{Name: "Origin", Value: "https://a.test"}}}, wantStatus: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.test"},
		},
	}
	for _, tc := range tests {
		ev, err := (&express.Format{}).Parse(tc.text)
		if err != nil {
			t.Errorf("%s: Parse: %v", tc.desc, err)
			continue
		}
		out := ev.Respond(tc.req, app)
		if out.Reply.Status != tc.wantStatus {
			t.Errorf("%s: status %d, want %d (%s)", tc.desc, out.Reply.Status, tc.wantStatus, out.Text())
		}
		for name, want := range tc.want {
			got, ok := out.Reply.Header.Get(name)
			if want == "" && ok {
				t.Errorf("%s: %s = %q, want absent", tc.desc, name, got)
			} else if want != "" && got != want {
				t.Errorf("%s: %s = %q, want %q (all %v)", tc.desc, name, got, want, out.Reply.Header)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want []policy.Error // Line, Column
	}{
		{desc: "a methods function cannot be evaluated offline", text: "{\n  methods: function () { return 'GET' },\n}", want: []policy.Error{{Line: 2, Column: 12}}},
		{desc: "process.env in maxAge", text: "{ origin: 'https://a.test', maxAge: process.env.MAX_AGE }", want: []policy.Error{{Line: 1, Column: 37}}},
		{desc: "every fault listed", text: "{ maxAge: x, methods: y }", want: []policy.Error{{Line: 1, Column: 11}, {Line: 1, Column: 23}}},
		{desc: "lookbehind in a RegExp origin: column of the construct", text: "{ origin: /^https:\\/\\/(?<=a)/ }", want: []policy.Error{{Line: 1, Column: 23}}},
		{desc: "global flag makes test() stateful", text: "{ origin: /a/g }", want: []policy.Error{{Line: 1, Column: 11}}},
		{desc: "unknown variable", text: "app.use(cors(opts))", want: []policy.Error{{Line: 1, Column: 14}}},
		{desc: "unclosed object", text: "{ origin: 'a'", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "nothing", text: "// nothing\n", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "an optional parameter is not followed", text: "app.options('/products/:id?', cors())", want: []policy.Error{{Line: 1, Column: 13}}},
	}
	for _, tc := range tests {
		_, err := express.Parse(tc.text)
		postest.Positions(t, tc.desc, err, tc.want)
	}
}

func TestNotes(t *testing.T) {
	c, err := express.Parse(`{ origin: 'https://a.test', allowHeaders: ['x-a'] }`)
	if err != nil {
		t.Fatal(err)
	}
	// lib/index.js reads only allowedHeaders or headers: a misspelt key is
	// ignored and ACRH reflected.
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "allowedHeaders") {
		t.Errorf("notes = %q", c.Notes)
	}
	out := c.Respond(req("OPTIONS", "https://a.test", "Access-Control-Request-Headers", "x-evil"), policy.Reply{})
	if v, _ := out.Reply.Header.Get("Access-Control-Allow-Headers"); v != "x-evil" {
		t.Errorf("ACAH = %q, want the reflected x-evil", v)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		desc string
		text string
		want bool
	}{
		{desc: "code", text: "const cors = require('cors')\napp.use(cors())", want: true},
		{desc: "object literal", text: "{ origin: 'https://a.com', credentials: true }", want: true},
		{desc: "JSON with allowedHeaders", text: `{"origin": "*", "allowedHeaders": ["x"]}`, want: true},
		{desc: "GCS JSON", text: `[{"origin": ["*"], "method": ["GET"], "responseHeader": ["x"], "maxAgeSeconds": 3600}]`, want: false},
		{desc: "S3 JSON", text: `{"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]}`, want: false},
		{desc: "API Gateway JSON", text: `{"AllowOrigins": ["*"], "AllowMethods": ["GET"], "AllowCredentials": false}`, want: false},
		{desc: "raw", text: "HTTP/1.1 200 OK\n", want: false},
	}
	for _, tc := range tests {
		if got, why := (&express.Format{}).Detect(tc.text); got != tc.want {
			t.Errorf("%s: Detect = %v (%s), want %v", tc.desc, got, why, tc.want)
		}
	}
}

func intp(n int) *int { return &n }

func TestWrite(t *testing.T) {
	p := portable.Policy{Rules: []portable.Rule{{
		Origins:       []string{"https://app.test", "https://*.example.com"},
		Methods:       []string{"GET", "PUT"},
		AllowHeaders:  []string{"Content-Type"},
		ExposeHeaders: []string{"ETag"},
		Credentials:   true,
		MaxAge:        intp(600),
	}}}
	text, err := express.Write(p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := express.Parse(text)
	if err != nil {
		t.Fatalf("written code does not read back: %v\n%s", err, text)
	}
	// Round trip: the reader, with expressjs/cors semantics, must answer
	// what the portable rule means (portable.Rule docs).
	tests := []struct {
		desc, origin string
		allowed      bool
	}{
		{desc: "exact origin", origin: "https://app.test", allowed: true},
		{desc: "subdomain pattern", origin: "https://a.b.example.com", allowed: true},
		{desc: "pattern needs a label", origin: "https://example.com", allowed: false},
		{desc: "other origin", origin: "https://evil.test", allowed: false},
	}
	for _, tc := range tests {
		out := c.Respond(req("OPTIONS", tc.origin, "Access-Control-Request-Method", "PUT"), policy.Reply{})
		acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
		if (acao == tc.origin) != tc.allowed || tc.allowed != p.Rules[0].MatchOrigin(tc.origin) {
			t.Errorf("%s: ACAO %q for %q, want allowed=%v", tc.desc, acao, tc.origin, tc.allowed)
		}
		if v, _ := out.Reply.Header.Get("Access-Control-Allow-Methods"); v != "GET,PUT" {
			t.Errorf("%s: ACAM %q", tc.desc, v)
		}
		if v, _ := out.Reply.Header.Get("Access-Control-Max-Age"); v != "600" {
			t.Errorf("%s: max-age %q", tc.desc, v)
		}
	}

	refuse := []struct {
		desc  string
		p     portable.Policy
		field string
	}{
		{desc: "two rules on every path", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a"}}, {Origins: []string{"https://b"}}}}, field: "rules[0].paths"},
		{desc: "overlapping paths", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://a"}, Paths: []string{"/api"}}, {Origins: []string{"https://b"}, Paths: []string{"/api/v2"}}}}, field: "rules[1].paths"},
		{desc: "two wildcards", p: portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://*.*.a"}}}}, field: "rules[0].origins[0]"},
	}
	for _, tc := range refuse {
		_, err := express.Write(tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: err = %v, want one naming %s", tc.desc, err, tc.field)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{ origin: [/^https:\/\/(www\.)?a\.com$/i, 'http://b'], methods: ['GET'], maxAge: 0x10, credentials: true }`)
	f.Add("const o = { origin: true };\napp.use('/api', express.json(), cors(o));\napp.options('*', cors())")
	f.Add(`{"origin": "*", "allowedHeaders": "a,b", "optionsSuccessStatus": 200}`)
	f.Add("{ origin: `x${y}`, /* c */ a: new RegExp('^a$', 'i') }")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := express.Parse(s)
		// ReadRules reads through Parse: it refuses exactly what Parse
		// refuses.
		if _, rerr := (&express.Format{}).ReadRules(s); (rerr == nil) != (err == nil) {
			t.Fatalf("Parse err %v, ReadRules err %v", err, rerr)
		}
		if err != nil {
			postest.Rejected(t, err) // a refusal says where the fault is
			return
		}
		c.Respond(req("OPTIONS", "https://a.com", "Access-Control-Request-Headers", "x"), policy.Reply{Status: 200})
		c.Respond(policy.Request{Method: "get", URL: "/api/x"}, policy.Reply{Status: 200})
		(&express.Format{}).Detect(s)
	})
}

// TestNamesAndCode: the shapes of expressjs/cors's README and of most
// applications, which the reader refused (tried as a new user would): a
// list declared before cors() is read as its value, where it is written;
// an origin callback or an environment value is code, which the verdict
// assumes allows the request's Origin and says so, and lint reports it
// as assumed, not as origin: true.
func TestNamesAndCode(t *testing.T) {
	for _, tc := range []struct {
		desc, text string
		allowed    []string // Allowed's exact origins, with their lines
		lines      []int
		assumed    string // a note that holds it, when the origin is code
	}{
		{desc: "a list declared with const", text: "const allowedOrigins = ['https://a.test',\n  'https://b.test'];\napp.use(cors({ origin: allowedOrigins, credentials: true }));",
			allowed: []string{"https://a.test", "https://b.test"}, lines: []int{1, 2}},
		{desc: "a string declared with let, in TypeScript", text: "let ORIGIN: string = 'https://a.test';\napp.use(cors({ origin: ORIGIN }));",
			allowed: nil, lines: nil},
		// The README's whitelist callback reads as its list (jslit.Allowlist;
		// held to expressjs/cors by e2e/node's TestAttackExpressCors).
		{desc: "the README's whitelist callback", text: "const whitelist = ['https://a.test'];\nconst corsOptions = {\n  origin: function (origin, callback) {\n    if (whitelist.indexOf(origin) !== -1) callback(null, true); else callback(new Error('no'));\n  },\n};\napp.use(cors(corsOptions));",
			allowed: []string{"https://a.test"}, lines: []int{1}},
		{desc: "an arrow callback with includes and !origin first", text: "const allowed = ['https://a.test', 'https://b.test'];\napp.use(cors({ origin: (origin, cb) => { if (!origin || allowed.includes(origin)) return cb(null, true); cb(new Error('CORS')) }, credentials: true }));",
			allowed: []string{"https://a.test", "https://b.test"}, lines: []int{1, 1}},
		{desc: "a callback that also reads the origin otherwise is code", text: "const allowed = ['https://a.test'];\napp.use(cors({ origin: (origin, cb) => cb(null, allowed.includes(origin) || origin.endsWith('.a.test')) }));",
			assumed: "origin is a function"},
		{desc: "a callback that also allows by another condition is code", text: "const allowed = ['https://a.test'];\napp.use(cors({ origin: (origin, cb) => { if (process.env.NODE_ENV === 'development' || allowed.includes(origin)) cb(null, true); else cb(new Error('x')) } }));",
			assumed: "origin is a function"},
		// Read as the README's shape and nothing looser: tried as a new
		// adversary would, a blocklist (the test's branches the other
		// way round), a negated test, an || true, a second argument
		// that is no boolean, and a test whose result is unused were
		// each read as the allow-list.
		{desc: "a blocklist is code", text: "const list = ['https://a.test'];\napp.use(cors({ origin: function (origin, callback) { if (list.includes(origin)) { callback(new Error('blocked')) } else { callback(null, true) } } }));",
			assumed: "origin is a function"},
		{desc: "a negated test is code", text: "const list = ['https://a.test'];\napp.use(cors({ origin: function (origin, callback) { if (!list.includes(origin)) { callback(null, true) } else { callback(new Error('no')) } } }));",
			assumed: "origin is a function"},
		{desc: "false then true is code", text: "const list = ['https://a.test'];\napp.use(cors({ origin: function (origin, callback) { if (list.includes(origin)) return callback(null, false); return callback(null, true) } }));",
			assumed: "origin is a function"},
		{desc: "|| true is code", text: "const list = ['https://a.test'];\napp.use(cors({ origin: function (origin, callback) { if (list.indexOf(origin) !== -1 || true) { callback(null, true) } else { callback(new Error('x')) } } }));",
			assumed: "origin is a function"},
		{desc: "a refusal that sends '*' is code", text: "const list = ['https://a.test'];\napp.use(cors({ origin: function (origin, callback) { if (list.includes(origin)) { callback(null, true) } else { callback(null, '*') } } }));",
			assumed: "origin is a function"},
		{desc: "a test whose result is unused is code", text: "const list = ['https://a.test'];\napp.use(cors({ origin: function (origin, callback) { list.includes(origin); callback(null, true) } }));",
			assumed: "origin is a function"},
		{desc: "a callback that tests indexOf the wrong way is code", text: "const allowed = ['https://a.test'];\napp.use(cors({ origin: (origin, cb) => { if (allowed.indexOf(origin) === -1) cb(null, true); else cb(new Error('x')) } }));",
			assumed: "origin is a function"},
		{desc: "an arrow callback", text: "app.use(cors({ origin: (origin, cb) => cb(null, true), credentials: true }));",
			assumed: "origin is a function"},
		{desc: "an environment value", text: "app.use(cors({ origin: process.env.CORS_ORIGIN }));",
			assumed: "line 1: origin is process.env.CORS_ORIGIN, which is not known offline; the verdict assumes it holds the request's Origin"},
		{desc: "a name assigned twice is not taken for either value", text: "let o = 'https://a.test';\no = 'https://b.test';\napp.use(cors({ origin: o }));",
			assumed: "origin is o, which is not known offline"},
	} {
		c, err := express.Parse(tc.text)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		m := c.Middlewares[0]
		var got []string
		var lines []int
		for _, o := range m.Allowed {
			got, lines = append(got, o.Exact), append(lines, o.Line)
		}
		if !slices.Equal(got, tc.allowed) || !slices.Equal(lines, tc.lines) {
			t.Errorf("%s: allowed %q at lines %v, want %q at %v", tc.desc, got, lines, tc.allowed, tc.lines)
		}
		notes := strings.Join(c.Notes, "\n")
		if tc.assumed != "" && (!m.ReflectAll || !m.Assumed || !strings.Contains(notes, tc.assumed)) {
			t.Errorf("%s: reflect %v assumed %v, notes %q, want the assumption %q", tc.desc, m.ReflectAll, m.Assumed, notes, tc.assumed)
		}
		if tc.assumed == "" && m.Assumed {
			t.Errorf("%s: assumed, notes %q", tc.desc, notes)
		}
	}
	// The string bound with let: a fixed origin.
	if c, err := express.Parse("let ORIGIN: string = 'https://a.test';\napp.use(cors({ origin: ORIGIN }));"); err != nil || c.Middlewares[0].Fixed != "https://a.test" {
		t.Errorf("a bound string: %+v, %v", c, err)
	}
}

// TestPreflightOptionsAndStarRoute: the expressjs/cors README's
// app.options('*', cors()) beside app.use(cors(opts)) with credentials
// answers every preflight with "*" and no credentials, which a
// credentialed fetch the second allows fails at (explain blocks it;
// lint said nothing, tried as a new user would); the same options on
// both are fine. The path '*' is an info note about Express 5.
func TestPreflightOptionsAndStarRoute(t *testing.T) {
	for _, tc := range []struct {
		desc, text string
		want       map[string]int // code: line
	}{
		{"cors() with defaults for preflights, credentials for requests",
			"app.options('*', cors())\napp.use(cors({ origin: ['https://app.example.com'], credentials: true }))\n",
			map[string]int{"express-preflight-options": 1, "express5-star-route": 1}},
		{"the same options on both", "const o = { origin: ['https://app.example.com'], credentials: true }\napp.options('/{*splat}', cors(o))\napp.use(cors(o))\n",
			map[string]int{}},
	} {
		got := map[string]int{}
		for _, f := range (&express.Format{}).CheckText(tc.text) {
			got[f.Code] = f.Pos.Line
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: findings %v, want %v", tc.desc, got, tc.want)
			continue
		}
		for code, line := range tc.want {
			if got[code] != line {
				t.Errorf("%s: %s at line %d, want %d", tc.desc, code, got[code], line)
			}
		}
	}
}
