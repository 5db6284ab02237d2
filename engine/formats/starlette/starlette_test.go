package starlette_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/pylit/pylittest"
	"github.com/whycors/whycors/engine/formats/starlette"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/policy"
)

// Expected values are from starlette/middleware/cors.py at 0.26.1 (line
// numbers of the Debian 12 python3-starlette file), and agree with the
// real middleware in e2e/python.
func TestRespond(t *testing.T) {
	c, err := starlette.Parse(pylittest.Golden(t, "main.py"))
	if err != nil {
		t.Fatal(err)
	}
	ok := policy.Reply{Status: 200}
	tests := []struct {
		desc, source string
		req          policy.Request
		app          policy.Reply
		status       int
		want         map[string]string // "" = absent
	}{
		{desc: "allowed preflight echoes the origin with Vary", source: "cors.py:39-50, 108-112 (preflight_explicit_allow_origin)",
			req: pylittest.Req("OPTIONS", "/items", "https://app.example", "Access-Control-Request-Method", "POST"), app: ok, status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Vary": "Origin", "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Language, Content-Type, X-Request-Id", "Access-Control-Max-Age": "600", "Access-Control-Allow-Credentials": "true"}},
		{desc: "a regex matches only in full: evil suffix refused with 400", source: "cors.py:94-96 (fullmatch), 131-133",
			req: pylittest.Req("OPTIONS", "/items", "https://a.preview.example.evil", "Access-Control-Request-Method", "GET"), app: ok, status: 400,
			want: map[string]string{"Access-Control-Allow-Origin": ""}},
		{desc: "method compared case-sensitively", source: "cors.py:115 (requested_method not in allow_methods)",
			req: pylittest.Req("OPTIONS", "/items", "https://app.example", "Access-Control-Request-Method", "post"), app: ok, status: 400},
		{desc: "unlisted header refused", source: "cors.py:122-126",
			req: pylittest.Req("OPTIONS", "/items", "https://app.example", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-other"), app: ok, status: 400},
		{desc: "credentials and expose headers even for a refused origin", source: "cors.py:43-46, 140-143 (simple_headers)",
			req: pylittest.Req("GET", "/items", "https://evil.example"), app: ok, status: 200,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Credentials": "true", "Access-Control-Expose-Headers": "X-Total"}},
		{desc: "an exception's 500 has no CORS header", source: "starlette/applications.py build_middleware_stack (ServerErrorMiddleware outermost)",
			req: pylittest.Req("GET", "/items", "https://app.example"), app: policy.Reply{Status: 500}, status: 500,
			want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Credentials": ""}},
		{desc: "no Origin: untouched", source: "cors.py:80-82",
			req: pylittest.Req("GET", "/items", ""), app: ok, status: 200, want: map[string]string{"Vary": "", "Access-Control-Allow-Credentials": ""}},
	}
	for _, tt := range tests {
		pylittest.Check(t, tt.desc, tt.source, c, tt.req, tt.app, tt.status, tt.want)
	}
}

// Detection tells a FastAPI app from every other format's text.
func TestDetect(t *testing.T) {
	reg := all.Registry()
	d := reg.Detect(pylittest.Golden(t, "main.py"))
	if len(d) != 1 || d[0].Format != "starlette" {
		t.Errorf("Detect = %v, want starlette alone", d)
	}
}

// EditText adds an origin to the list ORIGINS is bound to.
func TestEditText(t *testing.T) {
	f := postest.Lookup(t, starlette.Formats(), "starlette").(fix.Editor)
	src := pylittest.Golden(t, "main.py")
	got, err := f.EditText(src, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://new.example"}})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(src, "    \"https://admin.example\",\n", "    \"https://admin.example\",\n    \"https://new.example\",\n", 1)
	if got != want {
		t.Errorf("EditText:\n%s\nwant:\n%s", got, want)
	}
}

// Rejected text is positioned: an unknown keyword, a computed value.
func TestParseErrors(t *testing.T) {
	_, err := starlette.Parse("app.add_middleware(CORSMiddleware,\n    allow_origin=['x'],\n    allow_methods=os.environ['M'],\n)\n")
	postest.Positions(t, "two faults", err, []policy.Error{{Line: 2, Column: 5}, {Line: 3, Column: 19}})
}

func FuzzParse(f *testing.F) {
	f.Add(pylittest.Golden(f, "main.py"))
	f.Add("app.add_middleware(CORSMiddleware, allow_origins=[*X, 'a'], allow_origin_regex='(')")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := starlette.Parse(s)
		postest.Rejected(t, err)
		if err == nil {
			c.Respond(pylittest.Req("OPTIONS", "/items", "https://a", "Access-Control-Request-Method", "GET"), policy.Reply{Status: 200, Header: headers.List{}})
		}
	})
}

// A whole FastAPI module: routes, models, f-strings and dependencies
// around the one add_middleware call.
func TestFullApp(t *testing.T) {
	c, err := starlette.Parse(pylittest.Golden(t, "app_full.py"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Middlewares) != 1 || !c.Middlewares[0].Credentials || c.Middlewares[0].AllowOrigins.Join(" ") != "https://shop.example https://admin.shop.example" {
		t.Fatalf("middlewares %+v", c.Middlewares)
	}
	out := c.Respond(pylittest.Req("OPTIONS", "/api/orders", "https://pr-7.preview.shop.example", "Access-Control-Request-Method", "PATCH", "Access-Control-Request-Headers", "authorization,x-request-id"), policy.Reply{Status: 200})
	if out.Reply.Status != 200 {
		t.Errorf("preflight %d %s", out.Reply.Status, out.Reply.Body)
	}
}

// The format names its library and the source its model rests on, and
// offers the capabilities the engine looks for.
func TestCapabilities(t *testing.T) {
	pylittest.Capabilities(t, postest.Lookup(t, starlette.Formats(), "starlette"), "Starlette CORSMiddleware", "main.py", "0.26.1")
}
