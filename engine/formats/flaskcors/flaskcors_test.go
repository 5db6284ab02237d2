package flaskcors_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/flaskcors"
	"github.com/whycors/whycors/engine/formats/internal/pylit/pylittest"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// Expected values are from flask_cors/core.py, extension.py and
// decorator.py at 3.0.10 (Debian 12 python3-flask-cors), and agree with
// the real library in e2e/python.
func TestRespond(t *testing.T) {
	c, err := flaskcors.Parse(pylittest.Golden(t, "app.py"))
	if err != nil {
		t.Fatal(err)
	}
	ok := policy.Reply{Status: 200}
	tests := []struct {
		desc, source string
		req          policy.Request
		status       int
		want         map[string]string
	}{
		{desc: "allowed preflight on the resource", source: "core.py get_cors_headers (OPTIONS branch, ACRM in methods)",
			req: pylittest.Req("OPTIONS", "/api/x", "https://app.example", "Access-Control-Request-Method", "put", "Access-Control-Request-Headers", "X-B, x-a"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Access-Control-Allow-Methods": "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT", "Access-Control-Allow-Headers": "X-B, x-a", "Access-Control-Allow-Credentials": "true", "Vary": ""}},
		{desc: "r\"/api/*\" covers /apiary (re.match from the start)", source: "core.py try_match_pattern, probably_regex",
			req: pylittest.Req("GET", "/apiary", "https://app.example"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example"}},
		{desc: "origins compared ignoring case", source: "core.py try_match_pattern (casefold)",
			req: pylittest.Req("GET", "/api/x", "HTTPS://APP.EXAMPLE"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "HTTPS://APP.EXAMPLE"}},
		{desc: "a refused origin gets no header at all", source: "core.py get_cors_headers (not origins_to_set)",
			req: pylittest.Req("GET", "/api/x", "https://evil.example"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Credentials": ""}},
		{desc: "@cross_origin() echoes any origin with Vary", source: "core.py get_cors_origins (origins '*' -> '.*', a regex), decorator.py",
			req: pylittest.Req("GET", "/public", "https://any.example"), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://any.example", "Vary": "Origin"}},
		{desc: "no Origin: always_send sends the first literal origin", source: "core.py get_cors_origins (always_send)",
			req: pylittest.Req("GET", "/api/x", ""), status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example"}},
	}
	for _, tt := range tests {
		pylittest.Check(t, tt.desc, tt.source, c, tt.req, ok, tt.status, tt.want)
	}
}

func TestDetect(t *testing.T) {
	reg := all.Registry()
	if d := reg.Detect(pylittest.Golden(t, "app.py")); len(d) != 1 || d[0].Format != "flask-cors" {
		t.Errorf("Detect = %v, want flask-cors alone", d)
	}
}

func TestEditText(t *testing.T) {
	f := postest.Lookup(t, flaskcors.Formats(), "flask-cors").(fix.Editor)
	src := pylittest.Golden(t, "app.py")
	got, err := f.EditText(src, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.example"}})
	want := strings.Replace(src, `["https://app.example"]`, `["https://app.example", "https://new.example"]`, 1)
	if err != nil || got != want {
		t.Errorf("resource origin: err %v\n%s", err, got)
	}
	// The route allows every origin already: a list would narrow it.
	if got, err := f.EditText(src, fix.Edit{Op: fix.Add, Rule: 1, Field: fix.Origins, Values: []string{"https://x.example"}}); err != nil || got != src {
		t.Errorf("route origin: err %v, text changed: %v", err, got != src)
	}
	got, err = f.EditText(src, fix.Edit{Op: fix.Enable, Rule: 1, Field: fix.Credentials})
	if want := strings.Replace(src, "@cross_origin()", "@cross_origin(supports_credentials=True)", 1); err != nil || got != want {
		t.Errorf("route credentials: err %v\n%s", err, got)
	}
}

func TestCheckText(t *testing.T) {
	f := postest.Lookup(t, flaskcors.Formats(), "flask-cors")
	src := "from flask_cors import CORS\nCORS(app,\n     origins=[\"https://.*example.com\"],\n     supports_credentials=True)\n@app.route('/x')\n@cross_origin(supports_credentials=True)\ndef x(): pass\n"
	codes := map[string]int{}
	for _, x := range f.(lint.TextChecker).CheckText(src) {
		codes[x.Code] = x.Pos.Line
	}
	if codes["regex-without-end-anchor"] != 3 || codes["reflect-any-origin"] != 6 {
		t.Errorf("findings %v, want regex-without-end-anchor at 3 and reflect-any-origin at 6", codes)
	}
}

func TestParseErrors(t *testing.T) {
	_, err := flaskcors.Parse("CORS(app, origins=get_origins())\n@cross_origin()\ndef f(): pass\n")
	postest.Positions(t, "computed value and a decorator without a route", err, []policy.Error{{Line: 1, Column: 19}, {Line: 2, Column: 2}})
}

func FuzzParse(f *testing.F) {
	f.Add(pylittest.Golden(f, "app.py"))
	f.Add("CORS(app, resources={r'/a/(': {}}, origins=[re.compile('x')])")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := flaskcors.Parse(s)
		postest.Rejected(t, err)
		if err == nil {
			c.Respond(pylittest.Req("OPTIONS", "/api/x", "https://a", "Access-Control-Request-Method", "GET"), policy.Reply{Status: 200})
		}
	})
}

// A whole Flask module: CORS() inside an app factory, a blueprint route
// with a variable part (not decorated, so not read), and a decorated
// view; resource options and CORS() keywords merged.
func TestFullApp(t *testing.T) {
	c, err := flaskcors.Parse(pylittest.Golden(t, "app_full.py"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Resources) != 2 || len(c.Routes) != 1 || c.Routes[0].Path != "/status" {
		t.Fatalf("resources %d routes %+v", len(c.Resources), c.Routes)
	}
	tests := []struct {
		desc, source, url, origin string
		want                      map[string]string
	}{
		{desc: "compiled regex matches case-sensitively from the start", source: "core.py try_match_pattern (RegexObject: re.match)", url: "/partners/x", origin: "https://a.partner.example",
			want: map[string]string{"Access-Control-Allow-Origin": "https://a.partner.example", "Access-Control-Expose-Headers": "X-Total-Count", "Vary": "Origin"}},
		{desc: "resource options over the keywords", source: "extension.py init_app (get_cors_options(app, options, opts))", url: "/api/orders/1", origin: "https://shop.example",
			want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example", "Access-Control-Allow-Credentials": "true"}},
		{desc: "send_wildcard on the decorated view", source: "core.py get_cors_origins (wildcard and send_wildcard)", url: "/status", origin: "https://any.example",
			want: map[string]string{"Access-Control-Allow-Origin": "*", "Vary": ""}},
	}
	for _, tt := range tests {
		pylittest.Check(t, tt.desc, tt.source, c, pylittest.Req("GET", tt.url, tt.origin), policy.Reply{Status: 200}, 200, tt.want)
	}
}

// The format names its library and the source its model rests on, and
// offers the capabilities the engine looks for.
func TestCapabilities(t *testing.T) {
	pylittest.Capabilities(t, postest.Lookup(t, flaskcors.Formats(), "flask-cors"), "flask-cors", "app.py", "3.0.10")
}

// TestPreflightDecisionNamesFlasksStatus: Flask answers an OPTIONS
// request itself, 200 (provide_automatic_options), whatever the view
// would answer, and the decision says that status, the one its reply
// has; tried as a new user would, it said "the app answered 404" above
// a 200.
func TestPreflightDecisionNamesFlasksStatus(t *testing.T) {
	ev, err := (&flaskcors.Format{}).Parse("from flask_cors import CORS\nCORS(app, origins=['https://a.test'])\n")
	if err != nil {
		t.Fatal(err)
	}
	out := ev.Respond(policy.Request{Method: "OPTIONS", URL: "https://api.test/x", Header: headers.List{{Name: "Origin", Value: "https://a.test"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}},
		policy.Reply{Status: 404})
	if out.Reply.Status != 200 || !strings.Contains(out.Text(), "the app answered 200") {
		t.Errorf("status %d, decision %q: want 200 said as such", out.Reply.Status, out.Text())
	}
}
