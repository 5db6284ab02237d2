package cloudfront_test

import (
	"errors"
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
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// The sources the expected values rest on.
const (
	guide    = "understanding-response-headers-policies.html#understanding-response-headers-policies-cors"
	apiRef   = "API_ResponseHeadersPolicyCorsConfig.html: headers added for CORS requests"
	modify   = "modifying-response-headers.html: responses from the cache and the origin are modified"
	unverify = "[UNVERIFIED] choice of this package (package doc)"
)

func intp(n int) *int { return &n }

func TestRespond(t *testing.T) {
	base := cloudfront.CorsConfig{AccessControlAllowOrigins: []string{"https://shop.example", "https://*.shop.example"},
		AccessControlAllowMethods: []string{"GET", "POST"}, AccessControlAllowHeaders: []string{"content-type"},
		AccessControlExposeHeaders: []string{"x-request-id"}, AccessControlMaxAgeSec: intp(600)}
	with := func(f func(c *cloudfront.CorsConfig)) *cloudfront.CorsConfig { c := base; f(&c); return &c }
	originACAO := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://other.example"}}}
	tests := []struct {
		desc         string
		cors         *cloudfront.CorsConfig
		method       string
		origin, acrm string
		app          policy.Reply
		wantStatus   int
		want         map[string]string // "" means absent
		cites        string
	}{
		{desc: "preflight: the policy's preflight headers on the origin's reply", cors: &base, method: "OPTIONS", origin: "https://shop.example", acrm: "POST", app: policy.Reply{Status: 204},
			wantStatus: 204, want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example", "Access-Control-Allow-Methods": "GET, POST",
				"Access-Control-Allow-Headers": "content-type", "Access-Control-Max-Age": "600", "Access-Control-Expose-Headers": "x-request-id"},
			cites: guide + "; the origin answers the OPTIONS: " + unverify},
		{desc: "preflight refused by the origin keeps its status", cors: &base, method: "OPTIONS", origin: "https://shop.example", acrm: "POST", app: policy.Reply{Status: 403},
			wantStatus: 403, want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example"}, cites: modify + "; " + unverify},
		{desc: "subdomain wildcard echoes the origin", cors: &base, method: "GET", origin: "https://api.shop.example", app: policy.Reply{Status: 200},
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "https://api.shop.example", "Access-Control-Allow-Methods": ""}, cites: guide + " (*.example.org); preflight-only headers: " + guide},
		{desc: "the wildcard covers no other domain", cors: &base, method: "GET", origin: "https://shop.example.evil", app: policy.Reply{Status: 200},
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": ""}, cites: guide + "; none for an origin not listed: " + unverify},
		{desc: "no Origin: not a CORS request", cors: &base, method: "GET", app: policy.Reply{Status: 200},
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Expose-Headers": ""}, cites: apiRef},
		{desc: "OriginOverride false: the origin's header wins", cors: &base, method: "GET", origin: "https://shop.example", app: originACAO,
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "https://other.example", "Access-Control-Expose-Headers": "x-request-id"}, cites: guide + " (Origin override false)"},
		{desc: "OriginOverride true: the policy's header wins", cors: with(func(c *cloudfront.CorsConfig) { c.OriginOverride = true }), method: "GET", origin: "https://shop.example", app: originACAO,
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "https://shop.example"}, cites: guide + " (Origin override true)"},
		{desc: "ALL stands for every listed method", cors: with(func(c *cloudfront.CorsConfig) { c.AccessControlAllowMethods = []string{"ALL"} }), method: "OPTIONS", origin: "https://shop.example", acrm: "PATCH", app: policy.Reply{Status: 200},
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Methods": "GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT"}, cites: guide + "; the spelling on the wire: " + unverify},
		{desc: "* origin and credentials", cors: with(func(c *cloudfront.CorsConfig) {
			c.AccessControlAllowOrigins = []string{"*"}
			c.AccessControlAllowCredentials = true
		}), method: "GET", origin: "https://any.example", app: policy.Reply{Status: 200},
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true"}, cites: guide + " (* and Access-Control-Allow-Credentials)"},
		{desc: "no CORS settings", cors: nil, method: "GET", origin: "https://shop.example", app: originACAO,
			wantStatus: 200, want: map[string]string{"Access-Control-Allow-Origin": "https://other.example"}, cites: modify},
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
			out := cloudfront.Distribution{CORS: tc.cors}.Respond(policy.Request{Method: tc.method, URL: "https://d111111abcdef8.cloudfront.net/api", Header: h}, tc.app)
			if out.Reply.Status != tc.wantStatus {
				t.Errorf("status %d, want %d (%s)", out.Reply.Status, tc.wantStatus, tc.cites)
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
	if v, _ := originACAO.Header.Get("Access-Control-Allow-Origin"); v != "https://other.example" || len(originACAO.Header) != 1 {
		t.Error("the origin's reply was modified")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		desc  string
		text  string
		want  []policy.Error
		cites string
	}{
		{desc: "get-response-headers-policy-config output", text: postest.Golden(t, "response-headers-policy-config.json"), cites: "API_GetResponseHeadersPolicyConfig.html"},
		{desc: "CloudFormation's lists without Quantity", cites: "aws-properties-cloudfront-responseheaderspolicy-corsconfig.html",
			text: `{"AccessControlAllowOrigins": {"Items": ["*"]}, "AccessControlAllowHeaders": {"Items": []}, "AccessControlAllowMethods": {"Items": ["GET"]}, "AccessControlAllowCredentials": false, "OriginOverride": true}`},
		{desc: "a policy without CorsConfig has no CORS", text: `{"ResponseHeadersPolicyConfig": {"Name": "security"}}`, cites: "CorsConfig is optional in ResponseHeadersPolicyConfig"},
		{desc: "every fault listed", cites: "InconsistentQuantities (CreateResponseHeadersPolicy errors); required members and ALL/GET... (" + apiRef + ", " + guide + "); wildcard positions (" + guide + ")",
			text: "{\"CorsConfig\": {\n \"AccessControlAllowOrigins\": {\"Quantity\": 2, \"Items\": [\"https://exa*mple.org\"]},\n \"AccessControlAllowMethods\": {\"Items\": [\"GET\", \"TRACE\"]},\n \"AccessControlAllowHeaders\": {\"Items\": [\"x-a\"], \"Count\": 1},\n \"OriginOverride\": \"yes\"\n}}",
			want: []policy.Error{{Line: 2, Column: 44}, {Line: 4, Column: 59}, {Line: 5, Column: 20}, {Line: 1, Column: 16}, {Line: 3, Column: 49}, {Line: 2, Column: 57}}},
		{desc: "origins wildcard in the top-level domain and right of a sub-domain", cites: guide,
			text: `{"AccessControlAllowOrigins": {"Items": ["https://example.*", "https://a.*.example.org", "*.org"]}, "AccessControlAllowHeaders": {"Items": []}, "AccessControlAllowMethods": {"Items": ["GET"]}, "AccessControlAllowCredentials": false, "OriginOverride": true}`,
			want: []policy.Error{{Line: 1, Column: 42}, {Line: 1, Column: 63}, {Line: 1, Column: 90}}},
		{desc: "not JSON", text: `{"CorsConfig": [`, want: []policy.Error{{Line: 1, Column: 17}}, cites: "unreadable"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := cloudfront.Parse(tc.text)
			postest.Read(t, tc.desc+" ("+tc.cites+")", err, tc.want)
		})
	}
}

func TestCapabilities(t *testing.T) {
	f := postest.Lookup(t, cloudfront.Formats(), "cloudfront-rhp")
	text := postest.Golden(t, "response-headers-policy-config.json")

	cfg, err := f.(convert.Reader).ReadRules(text)
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Rules[0]
	if len(cfg.Rules) != 1 || cfg.Semantics.Origins != portable.OriginsSubdomain || r.Credentials || *r.MaxAge != 600 || !r.PreflightPass {
		t.Fatalf("ReadRules = %+v", cfg)
	}
	if o := r.Origins[1]; o.Text != "https://*.shop.example" || o.Pos.Line != 10 || o.Pos.Column != 21 || o.Pos.Path != "$.ResponseHeadersPolicyConfig.CorsConfig.AccessControlAllowOrigins.Items[1]" {
		t.Errorf("origin %+v, want line 10 column 21", o)
	}
	if r.MaxAgePos.Line != 34 || r.CredentialsPos.Line != 27 || r.Methods[2].Text != "OPTIONS" || r.Methods[2].Pos.Line != 24 {
		t.Errorf("positions: max age %+v, credentials %+v, methods %+v", r.MaxAgePos, r.CredentialsPos, r.Methods)
	}
	ev, _ := f.Parse(text)
	if st, ok := f.(convert.Stater).StateRules(ev, text); !ok || st.Rules[0].Origins[0].Pos != r.Origins[0].Pos {
		t.Errorf("StateRules = %+v, %v", st, ok)
	}
	all, _ := cloudfront.Parse(`{"AccessControlAllowOrigins": {"Items": ["*"]}, "AccessControlAllowHeaders": {"Items": []}, "AccessControlAllowMethods": {"Items": ["ALL"]}, "AccessControlAllowCredentials": false, "OriginOverride": true}`)
	if got := cloudfront.Rules(all).Rules[0].Methods; len(got) != 7 || got[6].Text != "PUT" || got[6].Pos.Column != 133 {
		t.Errorf("ALL reads as %+v, want the 7 methods at ALL's position (%s)", got, guide)
	}

	// convert.Writer: the golden output, read back the same.
	n := &portable.Notes{From: []int{0}}
	out, err := f.(convert.Writer).WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://shop.example", "https://*.shop.example"},
		Methods: []string{"GET", "PUT"}, AllowHeaders: []string{"content-type"}, Credentials: true, MaxAge: intp(600)}}}, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(postest.Golden(t, "written.golden.json")); out != want {
		t.Errorf("WriteRules =\n%s\nwant testdata/written.golden.json", out)
	}
	if back, err := cloudfront.Parse(out); err != nil || !back.OriginOverride || back.AccessControlAllowOrigins[1] != "https://*.shop.example" {
		t.Errorf("the written text reads as %+v, %v", back, err)
	}
	if l := n.List(); len(l) != 1 || l[0].Field != "preflight" || l[0].Effect != portable.Differs {
		t.Errorf("notes %+v, want the preflight passed to the origin (%s)", l, unverify)
	}

	// fix.Editor: one more origin and the Quantity raised, nothing else.
	ed := f.(fix.Editor)
	edited, err := ed.EditText(text, fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://admin.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := postest.Golden(t, "edited.golden.json"); edited != want {
		t.Errorf("EditText =\n%s\nwant testdata/edited.golden.json", edited)
	}
	if _, err := cloudfront.Parse(edited); err != nil {
		t.Errorf("the edited text is refused: %v", err)
	}
	creds, err := ed.EditText(text, fix.Edit{Op: fix.Enable, Rule: 0, Field: fix.Credentials})
	if err != nil || creds != strings.Replace(text, `"AccessControlAllowCredentials": false`, `"AccessControlAllowCredentials": true`, 1) {
		t.Errorf("enabling credentials: %v\n%s", err, creds)
	}
	inline := `{"AccessControlAllowOrigins": {"Quantity": 0}, "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["a"]}, "AccessControlAllowMethods": {"Items": ["GET"]}, "AccessControlAllowCredentials": false, "OriginOverride": true}`
	got, err := ed.EditText(inline, fix.Edit{Op: fix.Add, Rule: 0, Field: fix.AllowHeaders, Values: []string{"b"}})
	if err != nil || !strings.Contains(got, `{"Quantity": 2, "Items": ["a", "b"]}`) {
		t.Errorf("inline add = %s, %v", got, err)
	}
	got, err = ed.EditText(inline, fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://a.example"}})
	if err != nil || !strings.Contains(got, `{"Quantity": 1, "Items": ["https://a.example"]}`) {
		t.Errorf("add to a list with no Items = %s, %v", got, err)
	}
	got, err = ed.EditText(strings.Replace(inline, `{"Quantity": 0}`, `{"Quantity": 0, "Items": null}`, 1), fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://a.example"}})
	if err != nil || !strings.Contains(got, `{"Quantity": 1, "Items": ["https://a.example"]}`) {
		t.Errorf("add to a list with null Items = %s, %v", got, err)
	}
	if _, err := ed.EditText(inline, fix.Edit{Op: fix.Replace, Rule: 0, Field: fix.Origins, Values: []string{"x"}}); !errors.Is(err, fix.ErrUnsupported) {
		t.Errorf("replace: %v, want fix.ErrUnsupported", err)
	}

	if p, ok := f.(lint.Platformer); !ok || p.Platform() != "CloudFront" {
		t.Error("Platformer")
	}
	if d, ok := f.(explain.Documented); !ok || !strings.Contains(d.Doc(), "understanding-response-headers-policies") {
		t.Error("Documented")
	}
	// advise.Trapper: OriginOverride false and the origin's own ACAO.
	traps := f.(advise.Trapper).Traps(text, headers.List{{Name: "access-control-allow-origin", Value: "*"}})
	if len(traps) != 1 || traps[0].Code != "cloudfront-origin-cors-wins" || traps[0].Pos.Line != 35 {
		t.Errorf("Traps = %+v, want the trap at OriginOverride, line 35 (%s)", traps, guide)
	}
	if traps := f.(advise.Trapper).Traps(strings.Replace(text, `"OriginOverride": false`, `"OriginOverride": true`, 1), headers.List{{Name: "access-control-allow-origin", Value: "*"}}); len(traps) != 0 {
		t.Errorf("Traps with OriginOverride true = %+v", traps)
	}
}

// TestWriteRefusals: what a response headers policy cannot say is
// refused or noted, never widened.
func TestWriteRefusals(t *testing.T) {
	w := postest.Lookup(t, cloudfront.Formats(), "cloudfront-rhp").(convert.Writer)
	postest.WriteCases(t, w.WriteRules, []postest.WriteCase{
		{Desc: "credentials with *", Rule: portable.Rule{Origins: []string{"*"}, Credentials: true}, Refuse: true, Cites: "Fetch: * is refused with credentials"},
		{Desc: "a path", Rule: portable.Rule{Origins: []string{"*"}, Paths: []string{"/api"}}, Refuse: true, Cites: "a policy covers the cache behaviors it is attached to"},
		{Desc: "a method CloudFront does not list", Rule: portable.Rule{Origins: []string{"*"}, Methods: []string{"PROPFIND"}}, Notes: "methods:narrower preflight:differs", Cites: guide},
		{Desc: "any method", Rule: portable.Rule{Origins: []string{"*"}, Methods: []string{"*"}}, Notes: "methods:narrower preflight:differs", Cites: guide + " (ALL)"},
	})
}

// TestLint: credentials with "*" is the engine's wildcard-credentials
// error.
func TestLint(t *testing.T) {
	reg := all.Registry()
	text := `{"AccessControlAllowOrigins": {"Items": ["*"]}, "AccessControlAllowHeaders": {"Items": []}, "AccessControlAllowMethods": {"Items": ["GET"]}, "AccessControlAllowCredentials": true, "OriginOverride": true}`
	fs, err := lint.Lint(reg, text, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range fs {
		if x.Code == "wildcard-credentials" {
			return
		}
	}
	t.Errorf("findings %+v, want wildcard-credentials (Fetch: * refused with credentials)", fs)
}

// TestDetect: every format's registry resolves the policy to
// cloudfront-rhp, and not a CloudFormation template.
func TestDetect(t *testing.T) {
	reg := all.Registry()
	for _, text := range []string{postest.Golden(t, "response-headers-policy-config.json"), postest.Golden(t, "written.golden.json"),
		`{"CorsConfig": {"AccessControlAllowOrigins": {"Quantity": 1, "Items": ["*"]}}}`} {
		if f, err := reg.Resolve("auto", policy.Source{Text: text}); err != nil || f.Name() != "cloudfront-rhp" {
			t.Errorf("Resolve = %v, %v", f, err)
		}
	}
	if ok, _ := cloudfront.Formats()[0].Detect(`{"Resources": {"P": {"Type": "AWS::CloudFront::ResponseHeadersPolicy", "Properties": {"ResponseHeadersPolicyConfig": {}}}}}`); ok {
		t.Error("cloudfront-rhp claims a CloudFormation template")
	}
}

// FuzzParse: no input panics the reader; a rejected input says where each
// fault is; an accepted one reads into the neutral model, answers a
// preflight, writes back and takes an added origin.
func FuzzParse(f *testing.F) {
	f.Add(`{"AccessControlAllowOrigins": {"Quantity": 1, "Items": ["*"]}, "AccessControlAllowHeaders": {"Items": []}, "AccessControlAllowMethods": {"Items": ["ALL"]}, "AccessControlAllowCredentials": false, "OriginOverride": true}`)
	f.Add(`{"ResponseHeadersPolicyConfig": {"CorsConfig": {"AccessControlAllowOrigins": {"Quantity": 3, "Items": ["x.*"]}}}}`)
	f.Add(`{"ResponseHeadersPolicy": {"ResponseHeadersPolicyConfig": {"Name": "n"}}}`)
	f.Fuzz(func(t *testing.T, text string) {
		c, err := cloudfront.Parse(text)
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		if cfg := cloudfront.Rules(c); c != nil && len(cfg.Rules) != 1 {
			t.Fatalf("rules %+v", cfg)
		}
		cloudfront.Distribution{CORS: c}.Respond(policy.Request{Method: "OPTIONS", URL: "/", Header: headers.List{{Name: "Origin", Value: "https://a"}, {Name: "Access-Control-Request-Method", Value: "GET"}}}, policy.Reply{Status: 200})
		if c == nil {
			return
		}
		if _, err := cloudfront.Write(c); err != nil {
			t.Fatalf("an accepted policy does not write: %v", err)
		}
		ed := cloudfront.Formats()[0].(fix.Editor)
		if out, err := ed.EditText(text, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}}); err == nil {
			if _, err := cloudfront.Parse(out); err != nil {
				t.Fatalf("the edited text is refused: %v\n%s", err, out)
			}
		}
	})
}

// TestExplainFix: with the origin answering the preflight, the
// explainer's fix for a refused Origin is a diff of the user's policy,
// Quantity included.
func TestExplainFix(t *testing.T) {
	reg := all.Registry()
	req := explain.Request{Origin: "https://other.example", URL: "https://d111111abcdef8.cloudfront.net/api", Init: fetch.Init{Method: "GET"}}
	v, err := explain.Explain(explain.Scenario{Request: req, Policy: &explain.Policy{Format: "cloudfront-rhp", Text: postest.Golden(t, "response-headers-policy-config.json")}}, advise.Options(reg))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || len(v.Fixes) == 0 || v.Fixes[0].Format != "cloudfront-rhp" ||
		!strings.Contains(v.Fixes[0].Diff, `+                "Quantity": 3,`) || !strings.Contains(v.Fixes[0].Diff, `+                    "https://other.example"`) {
		t.Errorf("allowed %v, fixes %+v", v.Allowed, v.Fixes)
	}
}
