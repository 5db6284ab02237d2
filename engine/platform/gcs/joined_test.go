package gcs_test

import (
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/policy"
)

// TestHeaderValuesFollowTheEntry: Parse joins an entry's methods and
// response headers and writes its max age once; an entry changed after
// parsing, or built by hand, still answers with its own lists
// (cloud-policies.md §3: the preflight "responds with the values of the
// allowed HTTP methods and headers", responseHeader also exposed).
func TestHeaderValuesFollowTheEntry(t *testing.T) {
	parsed, err := gcs.Parse(gcs.FormJSON, `[{"origin":["https://app.test"],"method":["GET","PUT"],"responseHeader":["content-type","x-a"],"maxAgeSeconds":600}]`)
	if err != nil {
		t.Fatal(err)
	}
	sixty := 60
	changed := *parsed
	changed.Entries = []gcs.Entry{parsed.Entries[0]}
	changed.Entries[0].Method = []string{"GET", "DELETE"}
	changed.Entries[0].ResponseHeader = []string{"etag"}
	changed.Entries[0].MaxAgeSeconds = &sixty
	byHand := &gcs.Configuration{Entries: []gcs.Entry{{Origin: []string{"https://app.test"}, Method: []string{"POST"},
		ResponseHeader: []string{"x-b", "x-c"}, MaxAgeSeconds: &sixty}}}
	tests := []struct {
		desc                  string
		cors                  *gcs.Configuration
		method                string
		acam, headers, maxAge string // headers: Allow-Headers on the preflight, Expose-Headers on the actual request
	}{
		{desc: "as parsed", cors: parsed, method: "PUT", acam: "GET, PUT", headers: "content-type, x-a", maxAge: "600"},
		{desc: "changed after parsing", cors: &changed, method: "DELETE", acam: "GET, DELETE", headers: "etag", maxAge: "60"},
		{desc: "built by hand", cors: byHand, method: "POST", acam: "POST", headers: "x-b, x-c", maxAge: "60"},
	}
	for _, tc := range tests {
		for _, noTrace := range []bool{false, true} {
			pre := policy.Request{Method: "OPTIONS", URL: "https://storage.googleapis.com/b/k", NoTrace: noTrace, Header: headers.List{
				{Name: "Origin", Value: "https://app.test"}, {Name: "Access-Control-Request-Method", Value: tc.method}}}
			h := gcs.Bucket{CORS: tc.cors}.Respond(pre, policy.Reply{}).Reply.Header
			for name, want := range map[string]string{"Access-Control-Allow-Methods": tc.acam, "Access-Control-Allow-Headers": tc.headers, "Access-Control-Max-Age": tc.maxAge} {
				if v, _ := h.Get(name); v != want {
					t.Errorf("%s: %s %q, want %q", tc.desc, name, v, want)
				}
			}
			get := policy.Request{Method: tc.method, URL: "https://storage.googleapis.com/b/k", NoTrace: noTrace, Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
			h = gcs.Bucket{CORS: tc.cors}.Respond(get, policy.Reply{Status: 200}).Reply.Header
			if v, _ := h.Get("Access-Control-Expose-Headers"); v != tc.headers {
				t.Errorf("%s: Access-Control-Expose-Headers %q, want %q", tc.desc, v, tc.headers)
			}
		}
	}
}
