package chicors_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/chicors"
	"github.com/whycors/whycors/engine/formats/internal/gomwtest"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

const imp = "package main\nimport \"github.com/go-chi/cors\"\nvar h = "

// cors.go and utils.go are github.com/go-chi/cors v1.2.2's; each
// expectation was also seen from the module itself (e2e/gomw).
func TestRespond(t *testing.T) {
	gomwtest.Run(t, &chicors.Format{}, []gomwtest.Case{
		{
			Desc: "allowed preflight: 200, headers parsed and canonicalised, three Vary lines", Source: "cors.go Handler, handlePreflight; utils.go parseHeaderList",
			Text:   imp + `cors.Handler(cors.Options{AllowedOrigins: []string{"https://a.example"}, AllowedMethods: []string{"put"}, AllowedHeaders: []string{"x-api-key"}, MaxAge: 60})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example", "Access-Control-Request-Method", "put", "Access-Control-Request-Headers", "X-API-KEY,origin"},
			Status: 200,
			Want: map[string]string{"Access-Control-Allow-Origin": "https://a.example", "Access-Control-Allow-Methods": "PUT", "Access-Control-Allow-Headers": "X-Api-Key, Origin",
				"Access-Control-Max-Age": "60", "Vary": "Origin | Access-Control-Request-Method | Access-Control-Request-Headers"},
		},
		{
			Desc: "a preflight without Origin is an actual request", Source: "cors.go Handler (hasOriginHeader)",
			Text:   imp + `cors.Handler(cors.Options{})`,
			Method: "OPTIONS", Header: []string{"Access-Control-Request-Method", "GET"}, App: 405,
			Status: 405, Want: map[string]string{"Vary": "Origin", "Access-Control-Allow-Origin": ""},
		},
		{
			Desc: `"https://*" allows every https origin`, Source: "cors.go New (wildcard), utils.go wildcard.match",
			Text:   imp + `cors.Handler(cors.Options{AllowedOrigins: []string{"https://*"}, AllowCredentials: true})`,
			Method: "GET", Header: []string{"Origin", "https://evil.example"}, App: 500,
			Status: 500, Want: map[string]string{"Access-Control-Allow-Origin": "https://evil.example", "Access-Control-Allow-Credentials": "true"},
		},
		{
			Desc: "a header outside AllowedHeaders plus Origin fails the preflight", Source: "cors.go areHeadersAllowed",
			Text:   imp + `cors.AllowAll()`,
			Method: "PATCH", Header: []string{"Origin", "https://a.example"},
			Status: 200, Want: map[string]string{"Access-Control-Allow-Origin": "*"},
		},
		{
			Desc: "default headers refuse X-Api-Key", Source: "cors.go New (Origin, Accept, Content-Type)",
			Text:   imp + `cors.Handler(cors.Options{})`,
			Method: "OPTIONS", Header: []string{"Origin", "https://a.example", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-api-key"},
			Status: 200, Want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": ""},
		},
	})
}

func TestParseFaults(t *testing.T) {
	for _, c := range []struct {
		desc string
		text string
		want []policy.Error
	}{
		{desc: "cors.New without options", text: imp + "cors.New()", want: []policy.Error{{Line: 3, Column: 9}}},
		{desc: "an int where a list goes", text: imp + "cors.Handler(cors.Options{AllowedMethods: 3})", want: []policy.Error{{Line: 3, Column: 51, Path: "AllowedMethods"}}},
	} {
		_, err := chicors.Parse(c.text)
		postest.Positions(t, c.desc, err, c.want)
	}
}

func TestEditText(t *testing.T) {
	text := imp + "cors.Handler(cors.Options{\n\tAllowedOrigins: []string{\"https://a.example\"}, // ours\n})"
	got, err := (&chicors.Format{}).EditText(text, fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-Api-Key"}})
	want := imp + "cors.Handler(cors.Options{\n\tAllowedOrigins: []string{\"https://a.example\"}, // ours\n\tAllowedHeaders: []string{\"Origin\", \"Accept\", \"Content-Type\", \"X-Api-Key\"},\n})"
	if err != nil || got != want {
		t.Errorf("absent headers: the defaults then the header, on a line of their own: got %v\n%s\nwant\n%s", err, got, want)
	}
}

// `AllowedOrigins: []string{"https://*"}` with credentials lets every
// https site read the users' replies (server-peers.md §4 item 2).
func TestLintTraps(t *testing.T) {
	reg := policy.NewRegistry(gomwtest.Formats()...)
	fs, err := lint.Lint(reg, imp+"cors.Handler(cors.Options{\n\tAllowedOrigins: []string{\"https://*\"},\n\tAllowCredentials: true,\n})", "go-chi-cors")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Code == "reflect-any-origin" && f.Line == 4 && f.Column == 27 {
			return
		}
	}
	t.Errorf("no reflect-any-origin at 4:27 in %+v", fs)
}

func TestDetect(t *testing.T) { gomwtest.Detect(t, "go-chi-cors") }

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/main.go")
	f.Add(string(b))
	f.Add(imp + "cors.AllowAll()")
	f.Fuzz(func(t *testing.T, s string) { gomwtest.Fuzz(t, &chicors.Format{}, s) })
}

// go-chi/cors answers an allowed preflight with 200 and the request's
// own method and headers, canonicalised.
func Example() {
	b, _ := os.ReadFile("testdata/main.go")
	c, err := chicors.Parse(string(b))
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "OPTIONS", URL: "https://api.example.com/items"}
	req.Header.Add("Origin", "https://pr-7.preview.example.com")
	req.Header.Add("Access-Control-Request-Method", "PUT")
	req.Header.Add("Access-Control-Request-Headers", "authorization,content-type")
	out := c.Respond(req, policy.Reply{Status: 404})
	fmt.Println(out.Reply.Status)
	for _, h := range out.Reply.Header {
		fmt.Println(h.Name + ": " + h.Value)
	}
	fmt.Println(out.Text())
	// Output:
	// 200
	// Vary: Origin
	// Vary: Access-Control-Request-Method
	// Vary: Access-Control-Request-Headers
	// Access-Control-Allow-Origin: https://pr-7.preview.example.com
	// Access-Control-Allow-Methods: PUT
	// Access-Control-Allow-Headers: Authorization, Content-Type
	// Access-Control-Allow-Credentials: true
	// Access-Control-Max-Age: 300
	// preflight answered by go-chi/cors (line 12) with 200
}

// A user's file, a blocked fetch in Chrome: the verdict, and the fix in
// their own source (cors.go handlePreflight: an unlisted method gets no CORS header).
func TestExplain(t *testing.T) {
	b, _ := os.ReadFile("testdata/main.go")
	reason, _, fixed := gomwtest.Explain(t, "go-chi-cors", string(b), "https://app.example.com", "PATCH", "")
	if reason != "PreflightMissingAllowOriginHeader" || !strings.Contains(fixed, "AllowedMethods:   []string{\"GET\", \"POST\", \"PUT\", \"DELETE\", \"OPTIONS\", \"PATCH\"},") {
		t.Errorf("reason %s, fix\n%s", reason, fixed)
	}
}
