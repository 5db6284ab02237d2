package s3_test

import (
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// TestHeaderValuesFollowTheRule: Read joins a rule's methods, expose
// headers and max age once; a rule changed after reading, or built by
// hand, still answers with its own lists (cloud-policies.md §1.3
// matched(rule): Access-Control-Allow-Methods lists AllowedMethods,
// -Expose-Headers ExposeHeaders, -Max-Age MaxAgeSeconds).
func TestHeaderValuesFollowTheRule(t *testing.T) {
	parsed, err := s3.Parse(s3.FormCLI, `{"CORSRules":[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET","PUT"],
		"ExposeHeaders":["etag","x-a"],"MaxAgeSeconds":600}]}`)
	if err != nil {
		t.Fatal(err)
	}
	sixty := 60
	changed := *parsed
	changed.Rules = []s3.Rule{parsed.Rules[0]}
	changed.Rules[0].AllowedMethods = []string{"GET", "DELETE"}
	changed.Rules[0].ExposeHeaders = []string{"etag"}
	changed.Rules[0].MaxAgeSeconds = &sixty
	byHand := &s3.Configuration{Rules: []s3.Rule{{AllowedOrigins: []string{"https://app.test"}, AllowedMethods: []string{"POST"},
		ExposeHeaders: []string{"x-b", "x-c"}, MaxAgeSeconds: &sixty}}}
	tests := []struct {
		desc               string
		cors               *s3.Configuration
		method             string
		acam, aceh, maxAge string // on the preflight, aceh on the GET
	}{
		{desc: "as read", cors: parsed, method: "PUT", acam: "GET, PUT", aceh: "etag, x-a", maxAge: "600"},
		{desc: "changed after reading", cors: &changed, method: "DELETE", acam: "GET, DELETE", aceh: "etag", maxAge: "60"},
		{desc: "built by hand", cors: byHand, method: "POST", acam: "POST", aceh: "x-b, x-c", maxAge: "60"},
	}
	for _, tc := range tests {
		for _, noTrace := range []bool{false, true} {
			pre := policy.Request{Method: "OPTIONS", URL: "https://b.s3.amazonaws.com/k", NoTrace: noTrace, Header: headers.List{
				{Name: "Origin", Value: "https://app.test"}, {Name: "Access-Control-Request-Method", Value: tc.method}}}
			h := s3.Bucket{CORS: tc.cors}.Respond(pre, policy.Reply{}).Reply.Header
			if v, _ := h.Get("Access-Control-Allow-Methods"); v != tc.acam {
				t.Errorf("%s: Access-Control-Allow-Methods %q, want %q", tc.desc, v, tc.acam)
			}
			if v, _ := h.Get("Access-Control-Max-Age"); v != tc.maxAge {
				t.Errorf("%s: Access-Control-Max-Age %q, want %q", tc.desc, v, tc.maxAge)
			}
			get := policy.Request{Method: tc.method, URL: "https://b.s3.amazonaws.com/k", NoTrace: noTrace, Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
			h = s3.Bucket{CORS: tc.cors}.Respond(get, policy.Reply{Status: 200}).Reply.Header
			if v, _ := h.Get("Access-Control-Expose-Headers"); v != tc.aceh {
				t.Errorf("%s: Access-Control-Expose-Headers %q, want %q", tc.desc, v, tc.aceh)
			}
		}
	}
}
