package gincors_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/gincors"
	"github.com/whycors/whycors/engine/formats/internal/gomwtest"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

const imp = "package main\nimport \"github.com/gin-contrib/cors\"\nvar h = "

// config.go, cors.go and utils.go are github.com/gin-contrib/cors
// v1.7.7's; each expectation was also seen from the module itself on gin
// v1.12.0 (e2e/gomw).
func TestRespond(t *testing.T) {
	gomwtest.Run(t, &gincors.Format{}, []gomwtest.Case{
		{
			Desc: "every OPTIONS is a preflight answered with the configured lists", Source: "cors.go applyCors, utils.go generatePreflightHeaders",
			Text:   imp + `cors.New(cors.Config{AllowOrigins: []string{"https://a.example"}, AllowMethods: []string{"put", " Get", "PUT"}, AllowHeaders: []string{"x-api-key"}, MaxAge: 90 * time.Second})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example"},
			Status: 204,
			Want: map[string]string{"Access-Control-Allow-Origin": "https://a.example", "Access-Control-Allow-Methods": "PUT,GET", "Access-Control-Allow-Headers": "X-Api-Key",
				"Access-Control-Max-Age": "90", "Vary": "Origin | Access-Control-Request-Method | Access-Control-Request-Headers"},
		},
		{
			Desc: "an origin not allowed: 403, the application does not run", Source: "cors.go applyCors (AbortWithStatus)",
			Text:   imp + `cors.New(cors.Config{AllowOrigins: []string{"https://a.example"}})`,
			Method: "GET", Header: []string{"Origin", "https://A.example"},
			Status: 403, Want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": ""},
		},
		{
			Desc: "the request's own host passes untouched", Source: "cors.go applyCors (origin == http://+host)",
			Text:   imp + `cors.New(cors.Config{AllowOrigins: []string{"https://a.example"}})`,
			Method: "GET", Header: []string{"Origin", "http://api.test"}, App: 500,
			Status: 500, Want: map[string]string{"Access-Control-Allow-Origin": "", "Vary": ""},
		},
		{
			Desc: "AllowAllOrigins with credentials sends * and true", Source: "utils.go generateNormalHeaders",
			Text:   imp + `cors.New(cors.Config{AllowAllOrigins: true, AllowCredentials: true, ExposeHeaders: []string{"x-total"}})`,
			Method: "GET", Header: []string{"Origin", "https://b.example"},
			Status: 200, Want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true", "Access-Control-Expose-Headers": "X-Total", "Vary": ""},
		},
		{
			Desc: "a /regex/ entry, unanchored, and AllowWildcard", Source: "cors.go validateOrigin, validateWildcardOrigin",
			Text:   imp + `cors.New(cors.Config{AllowOrigins: []string{"/https://b\\.example/", "https://*.c.example"}, AllowWildcard: true})`,
			Method: "GET", Header: []string{"Origin", "https://b.example.evil.com"},
			Status: 200, Want: map[string]string{"Access-Control-Allow-Origin": "https://b.example.evil.com", "Vary": "Origin"},
		},
		{
			Desc: "DefaultConfig() then assignments (the README's way): the defaults with the assigned fields", Source: "config.go DefaultConfig; README.md (Using DefaultConfig as start point)",
			Text:   "package main\nimport \"github.com/gin-contrib/cors\"\nfunc main() {\n\tconfig := cors.DefaultConfig()\n\tconfig.AllowOrigins = []string{\"https://a.example\"}\n\tconfig.MaxAge = 0\n\trouter.Use(cors.New(config))\n}",
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example"},
			Status: 204, Want: map[string]string{"Access-Control-Allow-Origin": "https://a.example", "Access-Control-Allow-Methods": "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS", "Access-Control-Allow-Headers": "Origin,Content-Length,Content-Type", "Access-Control-Max-Age": ""},
		},
		{
			Desc: "AddAllowHeaders appends to DefaultConfig's headers", Source: "config.go AddAllowHeaders; README.md",
			Text:   "package main\nimport \"github.com/gin-contrib/cors\"\nfunc main() {\n\tconfig := cors.DefaultConfig()\n\tconfig.AllowAllOrigins = true\n\tconfig.AddAllowHeaders(\"Authorization\")\n\trouter.Use(cors.New(config))\n}",
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example"},
			Status: 204, Want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Origin,Content-Length,Content-Type,Authorization"},
		},
		{
			Desc: "cors.Default(): every origin, the default lists, 12 hours", Source: "config.go DefaultConfig, Default",
			Text:   imp + `cors.Default()`,
			Method: "OPTIONS", Header: []string{"Origin", "https://b.example"},
			Status: 204, Want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,POST,PUT,PATCH,DELETE,HEAD,OPTIONS", "Access-Control-Max-Age": "43200"},
		},
	})
}

// Validate's conflicts make cors.New panic when the application starts.
func TestParseFaults(t *testing.T) {
	for _, c := range []struct {
		desc string
		text string
		want []policy.Error
	}{
		{desc: "no origin at all", text: imp + "cors.New(cors.Config{AllowMethods: []string{\"GET\"}})", want: []policy.Error{{Line: 3, Column: 9, Path: "AllowOrigins"}}},
		{desc: "AllowAllOrigins beside AllowOrigins", text: imp + "cors.New(cors.Config{\n\tAllowAllOrigins: true,\n\tAllowOrigins: []string{\"https://a.example\"},\n})",
			want: []policy.Error{{Line: 4, Column: 19, Path: "AllowAllOrigins"}}},
		{desc: "a scheme the defaults do not allow", text: imp + "cors.New(cors.Config{AllowOrigins: []string{\"ftp://a\"}})", want: []policy.Error{{Line: 3, Column: 53, Path: "AllowOrigins"}}},
		{desc: "two * with AllowWildcard", text: imp + "cors.New(cors.Config{AllowWildcard: true, AllowOrigins: []string{\"https://*.*\"}})", want: []policy.Error{{Line: 3, Column: 74, Path: "AllowOrigins"}}},
	} {
		_, err := gincors.Parse(c.text)
		postest.Positions(t, c.desc, err, c.want)
	}
}

func TestEditText(t *testing.T) {
	f := &gincors.Format{}
	text := imp + "cors.New(cors.Config{AllowOrigins: []string{\"https://a.example\"}, AllowCredentials: false})"
	got, err := f.EditText(text, fix.Edit{Op: fix.Enable, Field: fix.Credentials})
	if want := imp + "cors.New(cors.Config{AllowOrigins: []string{\"https://a.example\"}, AllowCredentials: true})"; err != nil || got != want {
		t.Errorf("enable credentials: %v %s", err, got)
	}
	if _, err := f.EditText(imp+"cors.New(cors.Config{AllowAllOrigins: true})", fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b"}}); err != fix.ErrUnsupported {
		t.Errorf("an origin beside AllowAllOrigins: %v, want ErrUnsupported (Validate refuses it)", err)
	}
}

// An edit of options built from DefaultConfig() goes to the assignment
// of the list; a list never assigned has no literal to write in.
func TestEditAssigned(t *testing.T) {
	text := "package main\nimport \"github.com/gin-contrib/cors\"\nfunc main() {\n\tconfig := cors.DefaultConfig()\n\tconfig.AllowOrigins = []string{\"https://a.example\"}\n\trouter.Use(cors.New(config))\n}"
	got, err := (&gincors.Format{}).EditText(text, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}})
	if want := strings.Replace(text, `"https://a.example"}`, `"https://a.example", "https://b.example"}`, 1); err != nil || got != want {
		t.Errorf("got %v\n%s", err, got)
	}
	if _, err := (&gincors.Format{}).EditText(text, fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-A"}}); err != fix.ErrUnsupported {
		t.Errorf("headers never assigned: %v, want ErrUnsupported", err)
	}
}

func TestLintTraps(t *testing.T) {
	reg := policy.NewRegistry(gomwtest.Formats()...)
	fs, err := lint.Lint(reg, imp+"cors.New(cors.Config{\n\tAllowOrigins: []string{\"*\"},\n\tAllowCredentials: true,\n})", "gin-contrib-cors")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == "wildcard-credentials" && f.Line == 5 {
			return
		}
	}
	t.Errorf("no wildcard-credentials at line 5 in %+v", fs)
}

func TestDetect(t *testing.T) { gomwtest.Detect(t, "gin-contrib-cors") }

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/main.go")
	f.Add(string(b))
	f.Add(imp + "cors.New(cors.Config{AllowOrigins: []string{\"/a(/\"}, AllowOriginFunc: func(string) bool { return true }})")
	f.Fuzz(func(t *testing.T, s string) { gomwtest.Fuzz(t, &gincors.Format{}, s) })
}

// gin-contrib/cors refuses an origin it does not list with 403, so the
// browser sees no CORS header and the application never runs.
func Example() {
	b, _ := os.ReadFile("testdata/main.go")
	c, err := gincors.Parse(string(b))
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "PUT", URL: "https://api.example.com/items/1"}
	req.Header.Add("Origin", "https://staging.example.com")
	out := c.Respond(req, policy.Reply{Status: 200})
	fmt.Println(out.Reply.Status, len(out.Reply.Header))
	fmt.Println(out.Detail(out.Rules[0]))
	fmt.Println(out.Text())
	// Output:
	// 403 0
	// "https://staging.example.com" is not an allowed origin (compared exactly with the entries lower-cased; /.../ a regular expression; '*' a wildcard only with AllowWildcard: 403)
	// gin-contrib/cors (line 12) refused the origin with 403; the application did not run
}

// A user's file, a blocked fetch in Chrome: the verdict, and the fix in
// their own source (utils.go generatePreflightHeaders: the configured methods are sent, the browser compares).
func TestExplain(t *testing.T) {
	b, _ := os.ReadFile("testdata/main.go")
	reason, _, fixed := gomwtest.Explain(t, "gin-contrib-cors", string(b), "https://app.example.com", "DELETE", "")
	if reason != "MethodDisallowedByPreflightResponse" || !strings.Contains(fixed, "AllowMethods:     []string{\"PUT\", \"PATCH\", \"DELETE\"},") {
		t.Errorf("reason %s, fix\n%s", reason, fixed)
	}
}
