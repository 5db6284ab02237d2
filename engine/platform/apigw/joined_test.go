package apigw_test

import (
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
)

// TestHTTPHeaderValuesFollowTheConfig: ParseHTTP joins the lists and
// writes the max age once; a configuration changed after parsing still
// answers with its own lists, joined with "," (http.go's
// preflightHeaders; cloud-policies.md §5.1).
func TestHTTPHeaderValuesFollowTheConfig(t *testing.T) {
	const text = `{"AllowOrigins":["https://app.test"],"AllowMethods":["GET","PUT"],"AllowHeaders":["content-type","x-a"],"ExposeHeaders":["etag","x-b"],"MaxAge":600}`
	sixty := 60
	tests := []struct {
		desc   string
		change func(*apigw.HTTPConfig)
		want   map[string]string // preflight header values; "expose" is the actual request's
	}{
		{desc: "as parsed", change: func(*apigw.HTTPConfig) {},
			want: map[string]string{"access-control-allow-methods": "GET,PUT", "access-control-allow-headers": "content-type,x-a", "access-control-max-age": "600", "expose": "etag,x-b"}},
		{desc: "methods and max age changed", change: func(c *apigw.HTTPConfig) { c.AllowMethods, c.MaxAge = []string{"GET", "DELETE"}, &sixty },
			want: map[string]string{"access-control-allow-methods": "GET,DELETE", "access-control-allow-headers": "content-type,x-a", "access-control-max-age": "60", "expose": "etag,x-b"}},
		{desc: "header lists changed in place", change: func(c *apigw.HTTPConfig) { c.AllowHeaders[1], c.ExposeHeaders[0] = "x-c", "x-d" },
			want: map[string]string{"access-control-allow-methods": "GET,PUT", "access-control-allow-headers": "content-type,x-c", "access-control-max-age": "600", "expose": "x-d,x-b"}},
	}
	for _, tc := range tests {
		c, err := apigw.ParseHTTP(text)
		if err != nil {
			t.Fatal(err)
		}
		tc.change(c)
		origin := headers.Field{Name: "Origin", Value: "https://app.test"}
		pre := c.Respond(policy.Request{Method: "OPTIONS", URL: "/", Header: headers.List{origin, {Name: "Access-Control-Request-Method", Value: "GET"}}}, policy.Reply{})
		get := c.Respond(policy.Request{Method: "GET", URL: "/", Header: headers.List{origin}}, policy.Reply{Status: 200})
		for name, want := range tc.want {
			h := pre.Reply.Header
			if name == "expose" {
				h, name = get.Reply.Header, "access-control-expose-headers"
			}
			if v, _ := h.Get(name); v != want {
				t.Errorf("%s: %s %q, want %q", tc.desc, name, v, want)
			}
		}
	}
}
