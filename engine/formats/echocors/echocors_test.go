package echocors_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/echocors"
	"github.com/whycors/whycors/engine/formats/internal/gomwtest"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

const imp = "package main\nimport \"github.com/labstack/echo/v4/middleware\"\nvar h = "

// middleware/cors.go and util.go are github.com/labstack/echo/v4
// v4.16.5's; each expectation was also seen from the module itself
// (e2e/gomw).
func TestRespond(t *testing.T) {
	gomwtest.Run(t, &echocors.Format{}, []gomwtest.Case{
		{
			Desc: "every OPTIONS is a preflight: 204, the lists as written, the requested headers echoed", Source: "middleware/cors.go CORSWithConfig",
			Text:   imp + `middleware.CORSWithConfig(middleware.CORSConfig{AllowOrigins: []string{"https://*.example.com"}, AllowMethods: []string{"get", "PUT"}, MaxAge: -5})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://a.b.example.com", "Access-Control-Request-Headers", "x-a,X-B"},
			Status: 204,
			Want: map[string]string{"Access-Control-Allow-Origin": "https://a.b.example.com", "Access-Control-Allow-Methods": "get,PUT", "Access-Control-Allow-Headers": "x-a,X-B",
				"Access-Control-Max-Age": "0", "Vary": "Origin | Access-Control-Request-Method | Access-Control-Request-Headers"},
		},
		{
			Desc: "an origin not allowed: the preflight still 204, Vary: Origin only", Source: "middleware/cors.go (allowOrigin == \"\")",
			Text:   imp + `middleware.CORSWithConfig(middleware.CORSConfig{AllowOrigins: []string{"https://a.example"}})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://A.example", "Access-Control-Request-Method", "GET"},
			Status: 204, Want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin"},
		},
		{
			Desc: "* with credentials sends *; the app's 500 passes", Source: "middleware/cors.go (o == \"*\")",
			Text:   imp + `middleware.CORSWithConfig(middleware.CORSConfig{AllowCredentials: true, ExposeHeaders: []string{"x-total"}})`,
			Method: "GET", Header: []string{"Origin", "https://b.example"}, App: 500,
			Status: 500, Want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true", "Access-Control-Expose-Headers": "x-total"},
		},
		{
			Desc: "UnsafeWildcardOriginWithAllowCredentials echoes every origin", Source: "middleware/cors.go (UnsafeWildcardOriginWithAllowCredentials)",
			Text:   imp + `middleware.CORSWithConfig(middleware.CORSConfig{AllowCredentials: true, UnsafeWildcardOriginWithAllowCredentials: true})`,
			Method: "GET", Header: []string{"Origin", "https://evil.example"},
			Status: 200, Want: map[string]string{"Access-Control-Allow-Origin": "https://evil.example"},
		},
		{
			Desc: "middleware.CORS(): an OPTIONS without Origin is answered 204 with Vary: Origin only", Source: "middleware/cors.go (origin == \"\")",
			Text:   imp + `middleware.CORS()`,
			Method: "OPTIONS", Status: 204, Want: map[string]string{"Vary": "Origin", "Access-Control-Allow-Methods": ""},
		},
	})
}

func TestUnresolved(t *testing.T) {
	c, err := echocors.Parse(imp + "middleware.CORSWithConfig(middleware.CORSConfig{\n\tAllowOriginFunc: checkOrigin,\n\tSkipper: middleware.DefaultSkipper,\n})")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Unresolved) != 2 || c.Unresolved[0].Line != 4 || c.Unresolved[1].Field != "Skipper" || !strings.Contains(c.Unresolved[1].Assumes, "never skips") {
		t.Errorf("unresolved %+v, want AllowOriginFunc at line 4 and Skipper assumed never to skip", c.Unresolved)
	}
}

func TestParseFaults(t *testing.T) {
	_, err := echocors.Parse(imp + "middleware.CORSWithConfig(middleware.CORSConfig{AllowOrigins: origins()})")
	postest.Positions(t, "a call", err, []policy.Error{{Line: 3, Column: 71, Path: "AllowOrigins"}})
}

func TestEditText(t *testing.T) {
	text := imp + "middleware.CORSWithConfig(middleware.CORSConfig{\n\tAllowOrigins: []string{\n\t\t\"https://a.example\", // prod\n\t},\n})"
	got, err := (&echocors.Format{}).EditText(text, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}})
	want := imp + "middleware.CORSWithConfig(middleware.CORSConfig{\n\tAllowOrigins: []string{\n\t\t\"https://a.example\", // prod\n\t\t\"https://b.example\",\n\t},\n})"
	if err != nil || got != want {
		t.Errorf("got %v\n%s\nwant\n%s", err, got, want)
	}
}

func TestLintTraps(t *testing.T) {
	reg := policy.NewRegistry(gomwtest.Formats()...)
	fs, err := lint.Lint(reg, imp+"middleware.CORSWithConfig(middleware.CORSConfig{\n\tAllowCredentials: true,\n\tUnsafeWildcardOriginWithAllowCredentials: true,\n})", "echo-cors")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == "reflect-any-origin" {
			return
		}
	}
	t.Errorf("no reflect-any-origin in %+v", fs)
}

func TestDetect(t *testing.T) { gomwtest.Detect(t, "echo-cors") }

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/main.go")
	f.Add(string(b))
	f.Add(imp + "middleware.CORS()")
	f.Fuzz(func(t *testing.T, s string) { gomwtest.Fuzz(t, &echocors.Format{}, s) })
}

// Echo sends its configured methods and headers to an allowed preflight,
// whatever was asked.
func Example() {
	b, _ := os.ReadFile("testdata/main.go")
	c, err := echocors.Parse(string(b))
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "OPTIONS", URL: "https://api.example.com/items/1"}
	req.Header.Add("Origin", "https://shop.example.org")
	req.Header.Add("Access-Control-Request-Method", "PATCH")
	out := c.Respond(req, policy.Reply{Status: 200})
	fmt.Println(out.Reply.Status)
	for _, h := range out.Reply.Header {
		fmt.Println(h.Name + ": " + h.Value)
	}
	// Output:
	// 204
	// Vary: Origin
	// Vary: Access-Control-Request-Method
	// Vary: Access-Control-Request-Headers
	// Access-Control-Allow-Origin: https://shop.example.org
	// Access-Control-Allow-Methods: GET,PUT,DELETE
	// Access-Control-Allow-Headers: Content-Type,X-Api-Key
	// Access-Control-Max-Age: 3600
}

// A user's file, a blocked fetch in Chrome: the verdict, and the fix in
// their own source (middleware/cors.go: an origin not listed gets no Access-Control-Allow-Origin).
func TestExplain(t *testing.T) {
	b, _ := os.ReadFile("testdata/main.go")
	reason, _, fixed := gomwtest.Explain(t, "echo-cors", string(b), "https://evil.example", "GET", "")
	if reason != "MissingAllowOriginHeader" || !strings.Contains(fixed, "\"https://evil.example\"},") {
		t.Errorf("reason %s, fix\n%s", reason, fixed)
	}
}
