package lambdaurl_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// The sources the expected values rest on.
const (
	docCORS  = "urls-configuration.html#urls-cors: CORS headers added to all responses; the configured ones take precedence"
	docAPI   = "API_Cors.html: field limits"
	docCFN   = "aws-properties-lambda-url-cors.html: AllowMethods allowed values"
	unverify = "[UNVERIFIED] choice of this package (package doc)"
)

func intp(n int) *int { return &n }

func TestRespond(t *testing.T) {
	cors := &lambdaurl.Cors{AllowOrigins: []string{"https://shop.example"}, AllowMethods: []string{"GET", "POST"},
		AllowHeaders: []string{"content-type"}, ExposeHeaders: []string{"x-request-id"}, AllowCredentials: true, MaxAge: intp(600)}
	star := &lambdaurl.Cors{AllowOrigins: []string{"*"}, AllowMethods: []string{"*"}}
	fnReply := policy.Reply{Status: 201, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://evil.example"}, {Name: "Vary", Value: "Accept"}}}
	tests := []struct {
		desc          string
		cors          *lambdaurl.Cors
		method        string
		origin, acrm  string
		app           policy.Reply
		wantStatus    int
		want          map[string]string // header -> value; "" means absent
		cites         string
		wantFnInvoked bool
	}{
		{desc: "allowed preflight answered by the URL", cors: cors, method: "OPTIONS", origin: "https://shop.example", acrm: "POST", app: policy.Reply{Status: 500},
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example", "Access-Control-Allow-Methods": "GET,POST",
				"Access-Control-Allow-Headers": "content-type", "Access-Control-Allow-Credentials": "true", "Access-Control-Max-Age": "600", "Vary": "Origin"},
			cites: docCORS + "; not invoking the function and 200: " + unverify},
		{desc: "preflight from an origin not allowed", cors: cors, method: "OPTIONS", origin: "https://other.example", acrm: "GET", app: policy.Reply{Status: 500},
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": ""}, cites: unverify},
		{desc: "origin compared exactly, case included", cors: cors, method: "OPTIONS", origin: "https://SHOP.example", acrm: "GET",
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": ""}, cites: unverify},
		{desc: "actual request: the URL's headers take precedence over the function's", cors: cors, method: "GET", origin: "https://shop.example", app: fnReply,
			wantStatus: 201, wantFnInvoked: true, want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example", "Access-Control-Allow-Credentials": "true",
				"Access-Control-Expose-Headers": "x-request-id", "Vary": "Accept, Origin"}, cites: docCORS},
		{desc: "actual request from an origin not allowed keeps the function's own headers", cors: cors, method: "GET", origin: "https://other.example", app: fnReply,
			wantStatus: 201, wantFnInvoked: true, want: map[string]string{"Access-Control-Allow-Origin": "https://evil.example"}, cites: docCORS + " (precedence only where the URL sends the header)"},
		{desc: "wildcard origin sent as *", cors: star, method: "GET", origin: "https://any.example", app: policy.Reply{Status: 200},
			wantStatus: 200, wantFnInvoked: true, want: map[string]string{"Access-Control-Allow-Origin": "*", "Vary": ""}, cites: "API_Cors.html AllowOrigins \"*\"; no Vary: " + unverify},
		{desc: "no CORS configuration: OPTIONS reaches the function", cors: nil, method: "OPTIONS", origin: "https://shop.example", acrm: "GET", app: policy.Reply{Status: 403},
			wantStatus: 403, wantFnInvoked: true, want: map[string]string{"Access-Control-Allow-Origin": ""}, cites: docCORS + " (CORS is the URL's only when configured)"},
		{desc: "OPTIONS without Access-Control-Request-Method is no preflight", cors: cors, method: "OPTIONS", origin: "https://shop.example", app: policy.Reply{Status: 404},
			wantStatus: 404, wantFnInvoked: true, want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example", "Access-Control-Allow-Methods": ""}, cites: "Fetch: a preflight carries Access-Control-Request-Method; " + unverify},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			h := headers.List{}
			if tc.origin != "" {
				h.Add("Origin", tc.origin)
			}
			if tc.acrm != "" {
				h.Add("Access-Control-Request-Method", tc.acrm)
			}
			app := tc.app
			app.Body = "from the function"
			out := lambdaurl.Function{CORS: tc.cors}.Respond(policy.Request{Method: tc.method, URL: "https://x.lambda-url.eu-west-1.on.aws/orders", Header: h}, app)
			if out.Reply.Status != tc.wantStatus {
				t.Errorf("status %d, want %d (%s)", out.Reply.Status, tc.wantStatus, tc.cites)
			}
			if invoked := out.Reply.Body == app.Body; invoked != tc.wantFnInvoked {
				t.Errorf("function's reply used: %v, want %v (%s)", invoked, tc.wantFnInvoked, tc.cites)
			}
			for name, want := range tc.want {
				if got, _ := out.Reply.Header.Get(name); got != want {
					t.Errorf("%s = %q, want %q (%s)", name, got, want, tc.cites)
				}
			}
			if out.Text() == "" {
				t.Error("no decision text")
			}
		})
	}
	// The function's reply is not modified.
	if v, _ := fnReply.Header.Get("Vary"); v != "Accept" {
		t.Errorf("the app reply was modified: Vary %q", v)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		desc  string
		text  string
		want  []policy.Error // line and column of each fault, in order
		cites string
	}{
		{desc: "get-function-url-config output", text: postest.Golden(t, "function-url-config.json"), cites: "API_GetFunctionUrlConfig.html response shape"},
		{desc: "the --cors object alone", text: `{"AllowOrigins": ["*"], "AllowMethods": ["GET"]}`, cites: "API_Cors.html"},
		{desc: "a URL configuration without Cors has no CORS", text: `{"FunctionUrl": "https://x.lambda-url.eu-west-1.on.aws/", "AuthType": "NONE"}`, cites: "API_GetFunctionUrlConfig.html: Cors is optional"},
		{desc: "every fault listed", text: "{\"Cors\": {\n \"AllowOrigins\": \"*\",\n \"AllowMethods\": [\"GET\", \"OPTIONS\", \"CONNECT\"],\n \"MaxAge\": 86401,\n \"allowHeaders\": []\n}}",
			want:  []policy.Error{{Line: 2, Column: 18}, {Line: 5, Column: 18}, {Line: 3, Column: 26}, {Line: 3, Column: 37}, {Line: 4, Column: 12}},
			cites: "AllowOrigins is an array (" + docAPI + "); field names are case-sensitive; OPTIONS and CONNECT are 7 characters > 6 and MaxAge <= 86400 (" + docAPI + ")"},
		{desc: "too many origins", text: `{"AllowOrigins": [` + strings.TrimSuffix(strings.Repeat(`"https://a.example",`, 101), ",") + `]}`,
			want: []policy.Error{{Line: 1, Column: 1 + len(`{"AllowOrigins": [`) + 100*len(`"https://a.example",`)}}, cites: docAPI + ": at most 100 items"},
		{desc: "empty origin", text: `{"AllowOrigins": [""]}`, want: []policy.Error{{Line: 1, Column: 19}}, cites: docAPI + ": minimum length 1"},
		{desc: "MaxAge not a whole number", text: `{"AllowOrigins": ["*"], "MaxAge": 1.5}`, want: []policy.Error{{Line: 1, Column: 35}}, cites: docAPI + ": MaxAge is an integer"},
		{desc: "not JSON", text: `{"Cors": `, want: []policy.Error{{Line: 1, Column: 10}}, cites: "unreadable"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := lambdaurl.Parse(tc.text)
			postest.Read(t, tc.desc+" ("+tc.cites+")", err, tc.want)
		})
	}
}

func TestValidateCodes(t *testing.T) {
	errs := lambdaurl.Validate(&lambdaurl.Cors{AllowMethods: []string{"get"}, MaxAge: intp(-1)})
	if len(errs) != 2 || errs[0].Code != "ValidationException" || !strings.Contains(errs[1].Msg, "between 0 and 86400") {
		t.Errorf("Validate = %v, want 2 ValidationExceptions (%s; %s; method case as written: %s)", errs, docCFN, docAPI, unverify)
	}
	if errs := lambdaurl.Validate(nil); errs != nil {
		t.Errorf("Validate(nil) = %v", errs)
	}
}

func TestCapabilities(t *testing.T) {
	f := postest.Lookup(t, lambdaurl.Formats(), "lambda-url")
	text := postest.Golden(t, "function-url-config.json")

	// convert.Reader and convert.Stater: one rule, every value placed.
	cfg, err := f.(convert.Reader).ReadRules(text)
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Rules[0]
	if len(cfg.Rules) != 1 || cfg.Semantics != (portable.Semantics{}) || !r.Credentials || *r.MaxAge != 600 {
		t.Fatalf("ReadRules = %+v", cfg)
	}
	if o := r.Origins[0]; o.Text != "https://shop.example" || o.Pos.Line != 9 || o.Pos.Column != 22 || o.Pos.Path != "$.Cors.AllowOrigins[0]" {
		t.Errorf("origin %+v, want line 9 column 22", o)
	}
	if r.MaxAgePos.Line != 11 || r.CredentialsPos.Line != 6 || r.Methods[1].Pos.Line != 8 {
		t.Errorf("positions: max age %+v, credentials %+v, method %+v", r.MaxAgePos, r.CredentialsPos, r.Methods[1].Pos)
	}
	ev, _ := f.Parse(text)
	st, ok := f.(convert.Stater).StateRules(ev, text)
	if !ok || st.Rules[0].Origins[0].Pos != r.Origins[0].Pos {
		t.Errorf("StateRules = %+v, %v", st, ok)
	}

	// convert.Writer: the golden output, read back the same.
	out, err := f.(convert.Writer).WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://shop.example"}, Methods: []string{"GET", "POST"},
		AllowHeaders: []string{"content-type", "x-api-key"}, ExposeHeaders: []string{"x-request-id"}, Credentials: true, MaxAge: intp(600)}}}, nil, &portable.Notes{From: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	if want := postest.Golden(t, "written.golden.json"); out != strings.TrimSpace(want) {
		t.Errorf("WriteRules =\n%s\nwant testdata/written.golden.json\n%s", out, want)
	}
	back, err := lambdaurl.Parse(out)
	if err != nil || back.AllowOrigins[0] != "https://shop.example" || *back.MaxAge != 600 {
		t.Errorf("the written text reads as %+v, %v", back, err)
	}

	// fix.Editor: one more origin, only bytes added.
	ed := f.(fix.Editor)
	edited, err := ed.EditText(text, fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://admin.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := postest.Golden(t, "edited.golden.json"); edited != want {
		t.Errorf("EditText =\n%s\nwant testdata/edited.golden.json", edited)
	}
	if removed := strings.Replace(edited, `, "https://admin.example"`, "", 1); removed != text {
		t.Error("the edit changed more than the added origin")
	}
	if ed.FileName() == "" {
		t.Error("no file name")
	}

	// lint.Platformer, explain.Documented, advise.Trapper.
	if p, ok := f.(lint.Platformer); !ok || p.Platform() != "Lambda function URL" {
		t.Error("Platformer")
	}
	if d, ok := f.(explain.Documented); !ok || !strings.Contains(d.Doc(), "urls-configuration.html") {
		t.Error("Documented")
	}
	traps := f.(advise.Trapper).Traps(text, headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}})
	if len(traps) != 1 || traps[0].Pos.Line != 5 {
		t.Errorf("Traps = %+v, want the function's own header named at the Cors object, line 5 (%s)", traps, docCORS)
	}
	if traps := f.(advise.Trapper).Traps(text, headers.List{{Name: "Content-Type", Value: "text/plain"}}); len(traps) != 0 {
		t.Errorf("Traps without CORS headers from the function = %+v", traps)
	}
}

// TestWriteRefusals: what a function URL cannot say is refused or noted,
// never widened.
func TestWriteRefusals(t *testing.T) {
	w := postest.Lookup(t, lambdaurl.Formats(), "lambda-url").(convert.Writer)
	postest.WriteCases(t, w.WriteRules, []postest.WriteCase{
		{Desc: "credentials with *", Rule: portable.Rule{Origins: []string{"*"}, Credentials: true}, Refuse: true, Cites: "Fetch: * is refused with credentials"},
		{Desc: "a subdomain wildcard only", Rule: portable.Rule{Origins: []string{"https://*.example.com"}}, Refuse: true, Cites: docAPI + ": * or exact origins"},
		{Desc: "a path", Rule: portable.Rule{Origins: []string{"*"}, Paths: []string{"/api"}}, Refuse: true, Cites: "a function URL has one configuration for every path"},
		{Desc: "OPTIONS and a method Lambda does not take", Rule: portable.Rule{Origins: []string{"*"}, Methods: []string{"GET", "OPTIONS", "PROPFIND"}},
			Notes: "methods:narrower methods:narrower", Cites: docCFN},
		{Desc: "max age above 86400", Rule: portable.Rule{Origins: []string{"*"}, MaxAge: intp(100000)}, Notes: "max_age:same", Cites: docAPI},
	})
}

// TestLint: credentials with "*" is the engine's wildcard-credentials
// error, at AllowCredentials in the user's text.
func TestLint(t *testing.T) {
	reg := all.Registry()
	text := "{\"Cors\": {\n  \"AllowOrigins\": [\"*\"],\n  \"AllowCredentials\": true\n}}"
	fs, err := lint.Lint(reg, text, "lambda-url")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range fs {
		if x.Code == "wildcard-credentials" && x.Line == 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("findings %+v, want wildcard-credentials at AllowCredentials, line 3 (Fetch: * refused with credentials)", fs)
	}
}

// TestDetect: the registry with every format resolves a function URL
// configuration to lambda-url, and lambda-url does not claim the Cors
// object alone, which an API Gateway HTTP API's CorsConfiguration shares.
func TestDetect(t *testing.T) {
	reg := all.Registry()
	tests := []struct {
		desc, text string
		want       string // the one format resolved; "" when lambda-url must not claim it
	}{
		{desc: "get-function-url-config output", text: postest.Golden(t, "function-url-config.json"), want: "lambda-url"},
		{desc: "cli-input-json", text: `{"FunctionName": "orders", "Cors": {"AllowOrigins": ["https://a.example"]}}`, want: "lambda-url"},
		{desc: "the bare Cors object", text: `{"AllowOrigins": ["https://a.example"]}`},
		{desc: "a CloudFormation template", text: `{"Resources": {"U": {"Type": "AWS::Lambda::Url", "Properties": {"Cors": {"AllowOrigins": ["*"]}}}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if tc.want == "" {
				if ok, _ := lambdaurl.Formats()[0].Detect(tc.text); ok {
					t.Error("lambda-url claims it")
				}
				return
			}
			f, err := reg.Resolve("auto", policy.Source{Text: tc.text})
			if err != nil || f.Name() != tc.want {
				t.Errorf("Resolve = %v, %v; want %s", f, err, tc.want)
			}
		})
	}
}

// FuzzParse: no input panics the reader; a rejected input says where each
// fault is; an accepted one reads into the neutral model, answers a
// preflight and writes back (when Lambda would take it).
func FuzzParse(f *testing.F) {
	f.Add(`{"Cors": {"AllowOrigins": ["*"], "AllowMethods": ["GET"], "MaxAge": 5}}`)
	f.Add(`{"AllowOrigins": [""], "AllowMethods": ["OPTIONS"], "MaxAge": -1, "X": 1}`)
	f.Add(`{"FunctionUrl": "u"}`)
	f.Add(`{"Cors": null}`)
	f.Add(`AllowOrigins=[https://a,"b"],MaxAge=1,AllowCredentials=maybe,X=1`)
	f.Fuzz(func(t *testing.T, text string) {
		c, err := lambdaurl.Parse(text)
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		cfg := lambdaurl.Rules(c)
		if c != nil && len(cfg.Rules) != 1 {
			t.Fatalf("rules %+v", cfg)
		}
		lambdaurl.Function{CORS: c}.Respond(policy.Request{Method: "OPTIONS", URL: "/", Header: headers.List{{Name: "Origin", Value: "https://a"}, {Name: "Access-Control-Request-Method", Value: "GET"}}}, policy.Reply{})
		if c != nil {
			if _, err := lambdaurl.Write(c); err != nil {
				t.Fatalf("an accepted configuration does not write: %v", err)
			}
		}
	})
}

// TestExplainFix: the explainer's fix for a blocked fetch is a diff of the
// user's function URL configuration.
func TestExplainFix(t *testing.T) {
	reg := all.Registry()
	req := explain.Request{Origin: "https://shop.example", URL: "https://abc.lambda-url.eu-west-1.on.aws/orders",
		Init: fetch.Init{Method: "POST", Headers: headers.List{{Name: "X-Custom", Value: "1"}}}}
	v, err := explain.Explain(explain.Scenario{Request: req, Policy: &explain.Policy{Format: "lambda-url", Text: postest.Golden(t, "function-url-config.json")}}, advise.Options(reg))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Format != "lambda-url" || !strings.Contains(v.Fixes[0].Diff, `+    "AllowHeaders": ["content-type", "x-api-key", "x-custom"],`) {
		t.Errorf("allowed %v, fixes %+v", v.Allowed, v.Fixes)
	}
}

// TestShorthand: the CLI's shorthand for --cors reads as its JSON does,
// each value at its column.
func TestShorthand(t *testing.T) {
	tests := []struct {
		desc    string
		text    string
		origins []string
		methods []string
		want    []policy.Error
		cites   string
	}{
		{desc: "lists by commas", text: "AllowOrigins=https://a.example,https://b.example,AllowMethods=GET,POST,MaxAge=300,AllowCredentials=true",
			origins: []string{"https://a.example", "https://b.example"}, methods: []string{"GET", "POST"}, cites: "cli-usage-shorthand.html"},
		{desc: "the Lambda guide's braces and quotes", text: `{AllowOrigins="https://example.com"}`, origins: []string{"https://example.com"}, cites: "urls-configuration.html: --cors-config {AllowOrigins=\"https://example.com\"}"},
		{desc: "brackets", text: "AllowOrigins=[https://a.example,https://b.example]", origins: []string{"https://a.example", "https://b.example"}, cites: "cli-usage-shorthand.html"},
		{desc: "faults positioned", text: "AllowMethods=GET,TRACE,MaxAge=x", want: []policy.Error{{Line: 1, Column: 31}, {Line: 1, Column: 18}}, cites: docCFN + "; MaxAge is an integer"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			c, err := lambdaurl.Parse(tc.text)
			postest.Read(t, tc.desc+" ("+tc.cites+")", err, tc.want)
			if tc.want != nil || err != nil {
				return
			}
			if strings.Join(c.AllowOrigins, " ") != strings.Join(tc.origins, " ") || strings.Join(c.AllowMethods, " ") != strings.Join(tc.methods, " ") {
				t.Errorf("read %+v (%s)", c, tc.cites)
			}
			if p := c.ValueAt(lambdaurl.FieldAllowOrigins, 0); p.Line != 1 || !strings.HasPrefix(strings.TrimLeft(tc.text[p.Column-1:], `"[`), tc.origins[0]) {
				t.Errorf("origin at %+v", p)
			}
		})
	}
	if ok, _ := lambdaurl.Formats()[0].Detect("AllowOrigins=https://a.example"); ok {
		t.Error("lambda-url claims the shorthand, which an HTTP API's --cors-configuration shares")
	}
}
