package cloudfront_test

import (
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/policy"
)

// TestHeaderValuesFollowTheConfig: Parse joins the lists and writes the
// max age once; a CorsConfig changed after parsing, or built by hand,
// still adds its own values (cloud-policies.md §5.4, CloudFront's response
// headers policy: lists joined with ", ", ALL standing for every method).
func TestHeaderValuesFollowTheConfig(t *testing.T) {
	parsed, err := cloudfront.Parse(`{"AccessControlAllowOrigins": {"Items": ["https://app.test"]}, "AccessControlAllowHeaders": {"Items": ["x-a", "x-b"]},
		"AccessControlAllowMethods": {"Items": ["GET", "PUT"]}, "AccessControlExposeHeaders": {"Items": ["etag", "x-c"]}, "AccessControlMaxAgeSec": 600,
		"AccessControlAllowCredentials": false, "OriginOverride": true}`)
	if err != nil {
		t.Fatal(err)
	}
	sixty := 60
	changed := *parsed
	changed.AccessControlAllowMethods = []string{"ALL"}
	changed.AccessControlAllowHeaders = []string{"x-d"}
	changed.AccessControlExposeHeaders = nil
	changed.AccessControlMaxAgeSec = &sixty
	byHand := &cloudfront.CorsConfig{AccessControlAllowOrigins: []string{"https://app.test"}, AccessControlAllowMethods: []string{"POST", "DELETE"},
		AccessControlExposeHeaders: []string{"x-e"}, AccessControlMaxAgeSec: &sixty, OriginOverride: true}
	tests := []struct {
		desc                     string
		cors                     *cloudfront.CorsConfig
		acam, acah, aceh, maxAge string
	}{
		{desc: "as parsed", cors: parsed, acam: "GET, PUT", acah: "x-a, x-b", aceh: "etag, x-c", maxAge: "600"},
		{desc: "changed after parsing", cors: &changed, acam: "GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT", acah: "x-d", maxAge: "60"},
		{desc: "built by hand", cors: byHand, acam: "POST, DELETE", aceh: "x-e", maxAge: "60"},
	}
	for _, tc := range tests {
		pre := policy.Request{Method: "OPTIONS", URL: "https://d.cloudfront.net/", NoTrace: true, Header: headers.List{
			{Name: "Origin", Value: "https://app.test"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}
		h := cloudfront.Distribution{CORS: tc.cors}.Respond(pre, policy.Reply{Status: 200}).Reply.Header
		for name, want := range map[string]string{"Access-Control-Allow-Methods": tc.acam, "Access-Control-Allow-Headers": tc.acah,
			"Access-Control-Expose-Headers": tc.aceh, "Access-Control-Max-Age": tc.maxAge} {
			if v, _ := h.Get(name); v != want {
				t.Errorf("%s: %s %q, want %q", tc.desc, name, v, want)
			}
		}
	}
}
