package lambdaurl_test

import (
	"slices"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/policy"
)

// TestHeaderValuesFollowTheCors: Parse joins the lists and writes the max
// age once; a Cors changed after parsing, or built by hand, still answers
// with its own lists, each joined with "," as lambdaurl.go's
// preflightHeaders documents, and in the same order of fields.
func TestHeaderValuesFollowTheCors(t *testing.T) {
	parsed, err := lambdaurl.Parse(`{"AllowOrigins":["https://app.test"],"AllowMethods":["GET","PUT"],"AllowHeaders":["content-type","x-a"],"ExposeHeaders":["etag","x-b"],"MaxAge":600}`)
	if err != nil {
		t.Fatal(err)
	}
	sixty := 60
	changed := *parsed
	changed.AllowMethods = []string{"GET", "DELETE"}
	changed.AllowHeaders = []string{"x-c"}
	changed.ExposeHeaders = []string{"etag"}
	changed.MaxAge = &sixty
	byHand := &lambdaurl.Cors{AllowOrigins: []string{"https://app.test"}, AllowMethods: []string{"POST"}, AllowHeaders: []string{"x-d", "x-e"},
		ExposeHeaders: []string{"x-f", "x-g"}, MaxAge: &sixty, AllowCredentials: true}
	pre := policy.Request{Method: "OPTIONS", URL: "https://x.lambda-url.eu-west-1.on.aws/", Header: headers.List{
		{Name: "Origin", Value: "https://app.test"}, {Name: "Access-Control-Request-Method", Value: "GET"}}}
	get := policy.Request{Method: "GET", URL: "https://x.lambda-url.eu-west-1.on.aws/", Header: headers.List{{Name: "Origin", Value: "https://app.test"}}}
	tests := []struct {
		desc      string
		cors      *lambdaurl.Cors
		preflight headers.List
		actual    headers.List
	}{
		{desc: "as parsed", cors: parsed,
			preflight: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.test"}, {Name: "Vary", Value: "Origin"},
				{Name: "Access-Control-Allow-Methods", Value: "GET,PUT"}, {Name: "Access-Control-Allow-Headers", Value: "content-type,x-a"},
				{Name: "Access-Control-Expose-Headers", Value: "etag,x-b"}, {Name: "Access-Control-Max-Age", Value: "600"}},
			actual: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.test"}, {Name: "Vary", Value: "Origin"},
				{Name: "Access-Control-Expose-Headers", Value: "etag,x-b"}}},
		{desc: "changed after parsing", cors: &changed,
			preflight: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.test"}, {Name: "Vary", Value: "Origin"},
				{Name: "Access-Control-Allow-Methods", Value: "GET,DELETE"}, {Name: "Access-Control-Allow-Headers", Value: "x-c"},
				{Name: "Access-Control-Expose-Headers", Value: "etag"}, {Name: "Access-Control-Max-Age", Value: "60"}},
			actual: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.test"}, {Name: "Vary", Value: "Origin"},
				{Name: "Access-Control-Expose-Headers", Value: "etag"}}},
		{desc: "built by hand", cors: byHand,
			preflight: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.test"}, {Name: "Vary", Value: "Origin"},
				{Name: "Access-Control-Allow-Credentials", Value: "true"}, {Name: "Access-Control-Allow-Methods", Value: "POST"},
				{Name: "Access-Control-Allow-Headers", Value: "x-d,x-e"}, {Name: "Access-Control-Expose-Headers", Value: "x-f,x-g"},
				{Name: "Access-Control-Max-Age", Value: "60"}},
			actual: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://app.test"}, {Name: "Vary", Value: "Origin"},
				{Name: "Access-Control-Allow-Credentials", Value: "true"}, {Name: "Access-Control-Expose-Headers", Value: "x-f,x-g"}}},
	}
	for _, tc := range tests {
		fn := lambdaurl.Function{CORS: tc.cors}
		if got := fn.Respond(pre, policy.Reply{}).Reply.Header; !slices.Equal(got, tc.preflight) {
			t.Errorf("%s: preflight headers %v, want %v", tc.desc, got, tc.preflight)
		}
		if got := fn.Respond(get, policy.Reply{Status: 200}).Reply.Header; !slices.Equal(got, tc.actual) {
			t.Errorf("%s: actual headers %v, want %v", tc.desc, got, tc.actual)
		}
	}
}
