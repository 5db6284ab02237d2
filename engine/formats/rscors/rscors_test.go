package rscors_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/gomwtest"
	"github.com/whycors/whycors/engine/formats/rscors"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

const imp = "package main\nimport \"github.com/rs/cors\"\nvar c = "

// cors.go is github.com/rs/cors v1.11.1's cors.go; each expectation was
// also seen from the module itself (e2e/gomw).
func TestRespond(t *testing.T) {
	gomwtest.Run(t, &rscors.Format{}, []gomwtest.Case{
		{
			Desc: "allowed preflight echoes origin, method and headers", Source: "cors.go handlePreflight",
			Text:   imp + `cors.New(cors.Options{AllowedOrigins: []string{"https://a.example"}, AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"X-A"}, MaxAge: 60})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-a"},
			Status: 204,
			Want: map[string]string{"Access-Control-Allow-Origin": "https://a.example", "Access-Control-Allow-Methods": "PUT", "Access-Control-Allow-Headers": "x-a",
				"Access-Control-Max-Age": "60", "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"},
		},
		{
			Desc: "requested headers must be lower-case (SortedSet.Accepts)", Source: "internal/sortedset.go Accepts",
			Text:   imp + `cors.New(cors.Options{AllowedHeaders: []string{"X-A"}})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "X-A"},
			Status: 204, Want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Headers": ""},
		},
		{
			Desc: "wildcard origin, lower-cased, with OptionsSuccessStatus", Source: "cors.go New (wildcard, OptionsSuccessStatus)",
			Text:   imp + `cors.New(cors.Options{AllowedOrigins: []string{"https://*.Example.com"}, OptionsSuccessStatus: 200})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://A.example.com", "Access-Control-Request-Method", "GET"},
			Status: 200, Want: map[string]string{"Access-Control-Allow-Origin": "https://A.example.com", "Access-Control-Allow-Methods": "GET"},
		},
		{
			Desc: "OPTIONS without Access-Control-Request-Method is an actual request", Source: "cors.go Handler",
			Text:   imp + `cors.Default()`,
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example"}, App: 404,
			Status: 404, Want: map[string]string{"Access-Control-Allow-Origin": "*", "Vary": "Origin"},
		},
		{
			Desc: "the app's 500 passes with the CORS headers; credentials with * still send *", Source: "cors.go handleActualRequest",
			Text:   imp + `cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true, ExposedHeaders: []string{"x-total"}})`,
			Method: "GET", Header: []string{"Origin", "https://a.example"}, App: 500,
			Status: 500, Want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true", "Access-Control-Expose-Headers": "X-Total"},
		},
		{
			Desc: "methods are compared case-sensitively", Source: "cors.go isMethodAllowed",
			Text:   imp + `cors.New(cors.Options{AllowedMethods: []string{"put"}})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example", "Access-Control-Request-Method", "PUT"},
			Status: 204, Want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": ""},
		},
		{
			Desc: "no Origin: Vary only", Source: "cors.go handleActualRequest",
			Text:   imp + `cors.AllowAll()`,
			Method: "GET", Status: 200, Want: map[string]string{"Vary": "Origin", "Access-Control-Allow-Origin": ""},
		},
		{
			Desc: "passthrough hands the preflight to the application", Source: "cors.go Handler (optionPassthrough)",
			Text:   imp + `cors.New(cors.Options{OptionsPassthrough: true, AllowPrivateNetwork: true})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example", "Access-Control-Request-Method", "GET", "Access-Control-Request-Private-Network", "true"}, App: 405,
			Status: 405, Want: map[string]string{"Access-Control-Allow-Private-Network": "true", "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"},
		},
		{
			Desc: "an origin function returning true decides, and the origin is echoed", Source: "cors.go New (AllowOriginFunc), isOriginAllowed",
			Text:   imp + `cors.New(cors.Options{AllowedOrigins: []string{"*"}, AllowOriginFunc: func(o string) bool { return true }})`,
			Method: "GET", Header: []string{"Origin", "https://x.example"}, Status: 200,
			Want: map[string]string{"Access-Control-Allow-Origin": "https://x.example"},
		},
	})
}

// An origin function the reader cannot evaluate is reported with its
// position and what the verdict assumes.
func TestUnresolved(t *testing.T) {
	c, err := rscors.Parse(imp + "cors.New(cors.Options{\n\tAllowOriginFunc: allowed,\n})\nfunc allowed(o string) bool { return strings.HasSuffix(o, \".example\") }")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Unresolved) != 1 || c.Unresolved[0].Line != 4 || c.Unresolved[0].Column != 19 || !strings.Contains(c.Unresolved[0].Assumes, "refuses every origin") {
		t.Fatalf("unresolved %+v, want AllowOriginFunc at 4:19 assumed to refuse", c.Unresolved)
	}
	req := policy.Request{Method: "GET", URL: "http://api.test/"}
	req.Header.Add("Origin", "https://a.example")
	out := c.Respond(req, policy.Reply{Status: 200})
	if !strings.Contains(out.Text(), "line 4: AllowOriginFunc cannot be evaluated offline") {
		t.Errorf("decision %q does not say the assumption", out.Text())
	}
}

func TestParseFaults(t *testing.T) {
	for _, c := range []struct {
		desc string
		text string
		want []policy.Error
	}{
		{desc: "a value known only at run time", text: imp + "cors.New(cors.Options{AllowedOrigins: []string{os.Getenv(\"O\")}})",
			want: []policy.Error{{Line: 3, Column: 56, Path: "AllowedOrigins"}}},
		{desc: "a field cors.Options does not have (the compiler refuses it)", text: imp + "cors.New(cors.Options{\n\tAllowOrigins: []string{\"x\"},\n\tMaxAge: \"1\",\n})",
			want: []policy.Error{{Line: 4, Column: 2, Path: "AllowOrigins"}, {Line: 5, Column: 10, Path: "MaxAge"}}},
		{desc: "not Go", text: "cors.New(cors.Options{", want: []policy.Error{{Line: 1, Column: 23}}},
		{desc: "no rs/cors", text: "package main\nfunc main() {}", want: []policy.Error{{Line: 1, Column: 1}}},
		{desc: "a status net/http refuses", text: imp + "cors.New(cors.Options{OptionsSuccessStatus: 42})", want: []policy.Error{{Line: 3, Column: 53, Path: "OptionsSuccessStatus"}}},
	} {
		_, err := rscors.Parse(c.text)
		postest.Positions(t, c.desc, err, c.want)
	}
}

func TestEditText(t *testing.T) {
	f := &rscors.Format{}
	for _, c := range []struct {
		desc string
		text string
		edit fix.Edit
		want string
	}{
		{desc: "one origin a line: a new line, the trailing comma kept",
			text: imp + "cors.New(cors.Options{\n\tAllowedOrigins: []string{\n\t\t\"https://a.example\",\n\t},\n})",
			edit: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}},
			want: imp + "cors.New(cors.Options{\n\tAllowedOrigins: []string{\n\t\t\"https://a.example\",\n\t\t\"https://b.example\",\n\t},\n})"},
		{desc: "a one-line list grows on its line",
			text: imp + `cors.New(cors.Options{AllowedMethods: []string{http.MethodGet}})`,
			edit: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
			want: imp + `cors.New(cors.Options{AllowedMethods: []string{http.MethodGet, "PUT"}})`},
		{desc: "absent headers: the defaults, then the header",
			text: imp + "cors.New(cors.Options{\n\tMaxAge: 5,\n})",
			edit: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-Api-Key"}},
			want: imp + "cors.New(cors.Options{\n\tMaxAge: 5,\n\tAllowedHeaders: []string{\"Accept\", \"Content-Type\", \"X-Requested-With\", \"X-Api-Key\"},\n})"},
		{desc: "credentials false becomes true",
			text: imp + `cors.New(cors.Options{AllowCredentials: false})`,
			edit: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			want: imp + `cors.New(cors.Options{AllowCredentials: true})`},
		{desc: "a list bound to a variable is edited where it is written",
			text: "package main\nimport \"github.com/rs/cors\"\nvar o = []string{\"https://a.example\"}\nvar c = cors.New(cors.Options{AllowedOrigins: o})",
			edit: fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "https://a.example", Values: []string{"https://b.example"}},
			want: "package main\nimport \"github.com/rs/cors\"\nvar o = []string{\"https://b.example\"}\nvar c = cors.New(cors.Options{AllowedOrigins: o})"},
	} {
		got, err := f.EditText(c.text, c.edit)
		if err != nil || got != c.want {
			t.Errorf("%s: got %v\n%s\nwant\n%s", c.desc, err, got, c.want)
			continue
		}
		if _, err := rscors.Parse(got); err != nil {
			t.Errorf("%s: the edit does not read back: %v", c.desc, err)
		}
	}
}

// The traps lint finds through the rule model (server-peers.md §1.2).
func TestLintTraps(t *testing.T) {
	reg := policy.NewRegistry(gomwtest.Formats()...)
	for _, c := range []struct {
		desc, text, code string
		line             int
	}{
		{desc: "* with credentials", text: imp + "cors.New(cors.Options{\n\tAllowedOrigins: []string{\"*\"},\n\tAllowCredentials: true,\n})", code: "wildcard-credentials", line: 5},
		{desc: "an origin function that returns true", text: imp + "cors.New(cors.Options{\n\tAllowOriginFunc: func(string) bool { return true },\n\tAllowCredentials: true,\n})", code: "reflect-any-origin", line: 3},
	} {
		fs, err := lint.Lint(reg, c.text, "rs-cors")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range fs {
			found = found || x.Code == c.code && x.Line == c.line
		}
		if !found {
			t.Errorf("%s: no %s at line %d in %+v", c.desc, c.code, c.line, fs)
		}
	}
}

func TestDetect(t *testing.T) { gomwtest.Detect(t, "rs-cors") }

func FuzzParse(f *testing.F) {
	b, _ := testdataMain()
	f.Add(b)
	f.Add(imp + "cors.New(cors.Options{AllowedOrigins: []string{\"https://*\"}, MaxAge: -1, OptionsSuccessStatus: 200})")
	f.Add("cors.New(cors.Options{AllowOriginFunc: f, AllowedHeaders: []string{\"*\"}})")
	f.Fuzz(func(t *testing.T, s string) { gomwtest.Fuzz(t, &rscors.Format{}, s) })
}

// A user's file, a blocked fetch in Chrome: the verdict, and the fix in
// their own source (internal/sortedset.go Accepts: authorization is not in the set, no CORS header).
func TestExplain(t *testing.T) {
	b, _ := testdataMain()
	reason, _, fixed := gomwtest.Explain(t, "rs-cors", b, "https://eu.partners.example.com", "PUT", "authorization")
	if reason != "PreflightMissingAllowOriginHeader" || !strings.Contains(fixed, "AllowedHeaders:   []string{\"Content-Type\", \"X-Api-Key\", \"authorization\"},") {
		t.Errorf("reason %s, fix\n%s", reason, fixed)
	}
}
