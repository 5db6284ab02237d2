package azure_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/policy"
)

// The worked example of the Azure CORS documentation (cloud-policies.md §4).
const workedExample = `<Cors>
  <CorsRule>
    <AllowedOrigins>http://www.contoso.com</AllowedOrigins>
    <AllowedMethods>PUT,HEAD</AllowedMethods>
    <MaxAgeInSeconds>5</MaxAgeInSeconds>
    <ExposedHeaders>x-ms-*</ExposedHeaders>
    <AllowedHeaders>x-ms-blob-content-type,x-ms-blob-content-disposition</AllowedHeaders>
  </CorsRule>
  <CorsRule>
    <AllowedOrigins>*</AllowedOrigins>
    <AllowedMethods>PUT,GET</AllowedMethods>
    <MaxAgeInSeconds>5</MaxAgeInSeconds>
    <ExposedHeaders>x-ms-*</ExposedHeaders>
    <AllowedHeaders>x-ms-blob-content-type,x-ms-blob-content-disposition</AllowedHeaders>
  </CorsRule>
  <CorsRule>
    <AllowedOrigins>http://www.contoso.com</AllowedOrigins>
    <AllowedMethods>GET</AllowedMethods>
    <MaxAgeInSeconds>5</MaxAgeInSeconds>
    <ExposedHeaders>x-ms-*</ExposedHeaders>
    <AllowedHeaders>x-ms-client-request-id</AllowedHeaders>
  </CorsRule>
</Cors>`

func preflight(origin, method, hdrs string) policy.Request {
	h := headers.List{{Name: "Origin", Value: origin}, {Name: "Access-Control-Request-Method", Value: method}}
	if hdrs != "" {
		h.Add("Access-Control-Request-Headers", hdrs)
	}
	return policy.Request{Method: "OPTIONS", URL: "https://acct.blob.core.windows.net/c/b", Header: h}
}

// TestWorkedExample: the documentation's three requests; the third fails
// on rule 2 although rule 3 would allow it (no fall-through).
func TestWorkedExample(t *testing.T) {
	c, err := azure.Parse(azure.FormXML, workedExample)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, method, hdrs string
		status             int
		trace              []string // Failed per rule, "" = matched
	}{
		{desc: "PUT with x-ms-blob-content-type matches rule 1", method: "PUT", hdrs: "x-ms-blob-content-type", status: 200, trace: []string{""}},
		{desc: "GET fails rule 1 on method, matches rule 2", method: "GET", hdrs: "x-ms-blob-content-type", status: 200, trace: []string{"method", ""}},
		{desc: "GET with x-ms-client-request-id: rule 2 selected, fails on headers, rule 3 never tried", method: "GET", hdrs: "x-ms-client-request-id", status: 403, trace: []string{"method", "headers"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			out := azure.Service{CORS: c}.Respond(preflight("http://www.contoso.com", tc.method, tc.hdrs), policy.Reply{})
			if out.Reply.Status != tc.status {
				t.Errorf("status %d, want %d (Azure CORS doc, worked example)", out.Reply.Status, tc.status)
			}
			if len(out.Rules) != len(tc.trace) {
				t.Fatalf("trace %+v, want %v", out.Rules, tc.trace)
			}
			for i, f := range tc.trace {
				if out.Rules[i].Failed != f || out.Rules[i].Matched != (f == "") {
					t.Errorf("rule %d = %+v, want failed %q", i, out.Rules[i], f)
				}
			}
		})
	}
}

// TestPreflightStatus: missing Origin or ACRM -> 400; CORS disabled or no
// match -> 403 (cloud-policies.md §4, preflight outcomes [DOC]).
func TestPreflightStatus(t *testing.T) {
	c, _ := azure.Parse(azure.FormXML, workedExample)
	tests := []struct {
		desc   string
		svc    azure.Service
		req    policy.Request
		status int
	}{
		{desc: "no ACRM", svc: azure.Service{CORS: c}, req: policy.Request{Method: "OPTIONS", Header: headers.List{{Name: "Origin", Value: "http://www.contoso.com"}}}, status: 400},
		{desc: "no Origin", svc: azure.Service{CORS: c}, req: policy.Request{Method: "OPTIONS", Header: headers.List{{Name: "Access-Control-Request-Method", Value: "GET"}}}, status: 400},
		{desc: "CORS disabled", svc: azure.Service{}, req: preflight("http://www.contoso.com", "GET", ""), status: 403},
		{desc: "no rule matches the method", svc: azure.Service{CORS: c}, req: preflight("http://www.contoso.com", "DELETE", ""), status: 403},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			if got := tc.svc.Respond(tc.req, policy.Reply{}).Reply.Status; got != tc.status {
				t.Errorf("status %d, want %d", got, tc.status)
			}
		})
	}
}

// TestVaryTable: the documentation's table for GET/HEAD actual requests
// (cloud-policies.md §4, "Vary (documented table, GET/HEAD only)").
func TestVaryTable(t *testing.T) {
	c, _ := azure.Parse(azure.FormXML, workedExample)
	tests := []struct {
		desc, method, origin string
		svc                  azure.Service
		acao, vary           string
	}{
		{desc: "exact origin match (rule 1, HEAD): echo and Vary Origin", method: "HEAD", origin: "http://www.contoso.com", svc: azure.Service{CORS: c}, acao: "http://www.contoso.com", vary: "Origin"},
		{desc: "* rule: ACAO * and no Vary", method: "GET", origin: "http://other.test", svc: azure.Service{CORS: c}, acao: "*"},
		{desc: "CORS on, no rule matches: Vary Origin only", method: "HEAD", origin: "http://other.test", svc: azure.Service{CORS: c}, vary: "Origin"},
		{desc: "no Origin, rules exist: Vary Origin", method: "GET", svc: azure.Service{CORS: c}, vary: "Origin"},
		{desc: "no CORS rules: nothing", method: "GET", origin: "http://www.contoso.com", svc: azure.Service{}},
		{desc: "non-GET/HEAD never gets Vary", method: "PUT", origin: "http://www.contoso.com", svc: azure.Service{CORS: c}, acao: "http://www.contoso.com"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var h headers.List
			if tc.origin != "" {
				h.Add("Origin", tc.origin)
			}
			out := tc.svc.Respond(policy.Request{Method: tc.method, URL: "/c/b", Header: h}, policy.Reply{Status: 200, Header: headers.List{{Name: "x-ms-request-id", Value: "1"}}})
			acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
			vary, _ := out.Reply.Header.Get("Vary")
			if acao != tc.acao || vary != tc.vary {
				t.Errorf("ACAO %q Vary %q, want %q %q", acao, vary, tc.acao, tc.vary)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	rule := `{"allowedOrigins":["*"],"allowedMethods":["GET"],"allowedHeaders":[],"exposedHeaders":[],"maxAgeInSeconds":0}`
	tests := []struct {
		desc, text, path, msg string
	}{
		{desc: "six rules", text: `{"corsRules":[` + strings.Repeat(rule+",", 5) + rule + `]}`, path: "$.corsRules[5]", msg: "at most 5"},
		{desc: "three prefixed headers", text: `{"corsRules":[{"allowedOrigins":["*"],"allowedMethods":["GET"],"allowedHeaders":["x-ms-meta-a*","x-ms-meta-b*","x-ms-meta-c*"],"exposedHeaders":[],"maxAgeInSeconds":0}]}`, path: "$.corsRules[0].allowedHeaders", msg: "at most 2"},
		{desc: "unknown method", text: `{"corsRules":[{"allowedOrigins":["*"],"allowedMethods":["CONNECT"],"allowedHeaders":[],"exposedHeaders":[],"maxAgeInSeconds":0}]}`, path: "$.corsRules[0].allowedMethods", msg: "CONNECT"},
		{desc: "missing maxAgeInSeconds", text: `{"corsRules":[{"allowedOrigins":["*"],"allowedMethods":["GET"],"allowedHeaders":[],"exposedHeaders":[]}]}`, path: "$.corsRules[0]", msg: "maxAgeInSeconds"},
		{desc: "origin over 256 characters", text: `{"cors":{"corsRules":[{"allowedOrigins":["https://` + strings.Repeat("a", 250) + `.test"],"allowedMethods":["GET"],"allowedHeaders":[],"exposedHeaders":[],"maxAgeInSeconds":0}]}}`, path: "$.cors.corsRules[0].allowedOrigins", msg: "256"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			_, err := azure.Parse(azure.FormJSON, tc.text)
			var es policy.Errors
			if !errors.As(err, &es) || es[0].Path != tc.path || !strings.Contains(es[0].Msg, tc.msg) {
				t.Errorf("got %v, want an error at %s mentioning %q (Azure CORS doc limits)", err, tc.path, tc.msg)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	c, err := azure.Parse(azure.FormXML, workedExample)
	if err != nil {
		t.Fatal(err)
	}
	text, err := azure.Write(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := azure.Parse(azure.FormXML, text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	again, _ := azure.Write(back)
	if again != text || len(back.Rules) != 3 || strings.Join(back.Rules[0].AllowedHeaders, ",") != "x-ms-blob-content-type,x-ms-blob-content-disposition" {
		t.Errorf("round trip changed the rules:\n%s\n%s", text, again)
	}
	c.Rules[0].AllowedOrigins = []string{"http://a.test,http://b.test"}
	if _, err := azure.Write(c); err == nil {
		t.Error("an origin holding a comma was written")
	}
}

// FuzzParse: no input panics either reader, a rejected input carries the
// position of each fault (a line or a path: the user must be able to find
// it), and whatever is accepted reads into the neutral model rule for
// rule and can be evaluated.
func FuzzParse(f *testing.F) {
	f.Add(false, workedExample)
	f.Add(true, `{"corsRules":[{"allowedOrigins":["*"],"allowedMethods":["GET"],"allowedHeaders":["x-ms-meta-*"],"exposedHeaders":[],"maxAgeInSeconds":0}]}`)
	f.Add(false, `<StorageServiceProperties><Cors><CorsRule><AllowedOrigins>*</AllowedOrigins><MaxAgeInSeconds>x</MaxAgeInSeconds></CorsRule></Cors></StorageServiceProperties>`)
	f.Add(true, `{"properties":{"cors":{"corsRules":[{"allowedOrigins":"*","allowedMethods":["CONNECT"]}]}}}`)
	f.Fuzz(func(t *testing.T, js bool, text string) {
		form := azure.FormXML
		if js {
			form = azure.FormJSON
		}
		c, err := azure.Parse(form, text)
		if err != nil {
			postest.Rejected(t, err)
			return
		}
		var rd convert.Reader
		for _, f := range azure.Formats() {
			if f.Name() == string(form) {
				rd = f.(convert.Reader)
			}
		}
		if src, err := rd.ReadRules(text); err != nil || len(src.Rules) != len(c.Rules) {
			t.Fatalf("Parse read %d rules, ReadRules %+v, %v", len(c.Rules), src, err)
		}
		azure.Service{CORS: c}.Respond(preflight("http://a", "GET", "x-ms-meta-a"), policy.Reply{})
		azure.Service{CORS: c}.Respond(policy.Request{Method: "GET", Header: headers.List{{Name: "Origin", Value: "http://a"}}}, policy.Reply{Status: 200})
	})
}
