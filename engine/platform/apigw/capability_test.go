package apigw_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

func lookup(t *testing.T, name string) policy.Format {
	t.Helper()
	return postest.Lookup(t, apigw.Formats(), name)
}

// sharedCapabilities checks what both formats have: a fix edits the
// user's JSON file, lint names the platform "API Gateway", and traps
// depend on the exchange. It returns the Editor and the Trapper.
func sharedCapabilities(t *testing.T, f policy.Format) (fix.Editor, advise.Trapper) {
	t.Helper()
	ed, ok := f.(fix.Editor)
	if !ok {
		t.Fatal("not a fix.Editor")
	}
	if got := ed.FileName(); got != "cors.json" {
		t.Errorf("FileName = %q", got)
	}
	if p, ok := f.(lint.Platformer); !ok || p.Platform() != "API Gateway" {
		t.Errorf("Platformer: %v", ok)
	}
	tr, ok := f.(advise.Trapper)
	if !ok {
		t.Fatal("not an advise.Trapper")
	}
	return ed, tr
}

// httpText is the CLI's --cors-configuration with values of the
// examples in http-api-cors.html (cloud-policies.md §5.1), one per line.
const httpText = `{
  "AllowOrigins": ["https://www.example.com", "https://*"],
  "AllowMethods": ["GET", "POST"],
  "AllowHeaders": ["authorization"],
  "ExposeHeaders": ["date"],
  "MaxAge": 300,
  "AllowCredentials": true
}`

// restText is Enable CORS for a GET resource (cloud-policies.md §5.2),
// the origin single-quoted as the console's mapping shows it, the header
// list bare.
const restText = `{"RestApiCors": {"AllowMethods": "'GET,OPTIONS'", "AllowOrigin": "'https://app.test'", "AllowHeaders": "Content-Type,X-Api-Key"}}`

// TestHTTPCapabilities calls each capability of apigw-http through the
// format value of apigw.Formats().
func TestHTTPCapabilities(t *testing.T) {
	f := lookup(t, "apigw-http")

	// convert.Reader: one rule (an HTTP API has one CorsConfiguration),
	// origins compared exactly or by scheme for "https://*" (§5.1), each
	// value at its JSON path and line.
	rd, ok := f.(convert.Reader)
	if !ok {
		t.Fatal("not a convert.Reader")
	}
	cfg, err := rd.ReadRules(httpText)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Format != "apigw-http" || cfg.Semantics != (portable.Semantics{Origins: portable.OriginsScheme}) || len(cfg.Rules) != 1 {
		t.Fatalf("ReadRules = %+v", cfg)
	}
	r := cfg.Rules[0]
	if o := r.Origins[1]; o.Text != "https://*" || o.Pos.Path != "$.AllowOrigins[1]" || o.Pos.Line != 2 {
		t.Errorf("origin %+v, want https://* at $.AllowOrigins[1], line 2", o)
	}
	if !r.Credentials || r.CredentialsImplied || r.CredentialsPos.Line != 7 || r.MaxAge == nil || *r.MaxAge != 300 || r.MaxAgePos.Line != 6 {
		t.Errorf("rule %+v: want AllowCredentials true (line 7) as set, MaxAge 300 (line 6)", r)
	}
	_, err = rd.ReadRules(`{"AllowOrigins": ["*"], "AllowCredentials": true}`)
	var faults policy.Errors
	if !errors.As(err, &faults) || faults[0].Code != "BadRequestException" || faults[0].Line != 1 {
		t.Errorf("credentials with origin *: %v, want API Gateway's BadRequestException, positioned (§5.1, aws/aws-cdk#9076)", err)
	}

	// convert.Writer: the neutral rule as the CLI's JSON; a subdomain
	// pattern API Gateway has no form for is left out with a note (§5.1).
	w, ok := f.(convert.Writer)
	if !ok {
		t.Fatal("not a convert.Writer")
	}
	n := &portable.Notes{}
	out, err := w.WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://app.test", "https://*.app.test"}, Methods: []string{"PUT"}}}}, nil, n)
	if err != nil || !strings.Contains(out, `"AllowOrigins": [`) || !strings.Contains(out, `"https://app.test"`) || strings.Contains(out, "*.app.test") {
		t.Errorf("WriteRules = %q, %v", out, err)
	}
	if notes := n.List(); len(notes) != 1 || notes[0].Field != "origins" || notes[0].Effect != portable.Narrower {
		t.Errorf("notes %+v, want one narrower note on origins", notes)
	}
	n = &portable.Notes{}
	if _, err := w.WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"*"}, Credentials: true}}}, nil, n); err == nil {
		t.Error("wrote credentials with origin *, which API Gateway refuses (§5.1)")
	}

	// convert.ModelReader and ModelWriter: the configuration as it is.
	m, err := f.(convert.ModelReader).ReadModel(httpText)
	if err != nil {
		t.Fatal(err)
	}
	out, ok, err = f.(convert.ModelWriter).WriteModel(m)
	if !ok || err != nil || !strings.Contains(out, `"MaxAge": 300`) || !strings.Contains(out, `"https://*"`) {
		t.Errorf("WriteModel = %q, %v, %v", out, ok, err)
	}
	if _, ok, _ := f.(convert.ModelWriter).WriteModel("not a model"); ok {
		t.Error("WriteModel took a value that is not an HTTPConfig")
	}

	ed, tr := sharedCapabilities(t, f)

	// fix.Editor: one more origin, in the key as the user spelled it
	// (the API's camelCase, §5.1).
	edited, err := ed.EditText(`{"corsConfiguration": {"allowOrigins": ["https://a.test"]}}`, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.test"}})
	if err != nil || edited != `{"corsConfiguration": {"allowOrigins": ["https://a.test", "https://b.test"]}}` {
		t.Errorf("EditText = %q, %v", edited, err)
	}

	// advise.Trapper: the backend's own Access-Control-* headers are
	// ignored ("ignores CORS headers returned by the backend", §5.1).
	if got := tr.Traps(httpText, headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}); len(got) != 1 || got[0].Code != "apigw-http-backend-ignored" || got[0].Severity != "warning" {
		t.Errorf("Traps with a backend ACAO = %+v", got)
	}
	if got := tr.Traps(httpText, headers.List{{Name: "Content-Type", Value: "text/plain"}}); len(got) != 0 {
		t.Errorf("Traps without a backend CORS header = %+v", got)
	}
}

// TestRESTCapabilities: apigw-rest is edited and trapped, but neither
// read for nor written by a conversion (its static headers are no rule
// list).
func TestRESTCapabilities(t *testing.T) {
	f := lookup(t, "apigw-rest")
	if _, ok := f.(convert.Reader); ok {
		t.Error("apigw-rest is a convert.Reader")
	}
	if _, ok := f.(convert.Writer); ok {
		t.Error("apigw-rest is a convert.Writer")
	}

	ed, tr := sharedCapabilities(t, f)

	// fix.Editor: the header list is one comma string and the origin one
	// static value, as the console's mapping writes them (§5.2).
	edited, err := ed.EditText(restText, fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-Custom"}})
	if err != nil || !strings.Contains(edited, `"AllowHeaders": "Content-Type,X-Api-Key,X-Custom"`) {
		t.Errorf("EditText = %q, %v", edited, err)
	}
	if _, err := apigw.ParseREST(edited); err != nil {
		t.Errorf("the edited text is refused: %v", err)
	}

	// advise.Trapper: without both Gateway Responses, API Gateway's own
	// 4xx and 5xx carry no CORS headers (§5.2).
	if got := tr.Traps(restText, nil); len(got) != 1 || got[0].Code != "apigw-rest-gateway-errors" || got[0].Severity != "warning" {
		t.Errorf("Traps without Gateway Responses = %+v", got)
	}
	both := strings.Replace(restText, `"AllowMethods"`, `"GatewayResponses": ["DEFAULT_4XX", "DEFAULT_5XX"], "AllowMethods"`, 1)
	if got := tr.Traps(both, nil); len(got) != 0 {
		t.Errorf("Traps with DEFAULT_4XX and DEFAULT_5XX = %+v", got)
	}
}
