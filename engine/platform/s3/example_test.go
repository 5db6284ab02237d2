package s3_test

import (
	"fmt"
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
)

// A bucket configured in the S3 console answers a preflight from an origin
// it lists with the rule's whole method list and credentials allowed.
func ExampleBucket_Respond() {
	c, err := s3.Parse(s3.FormJSON, `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET","PUT"],"MaxAgeSeconds":3000}]`)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := s3.Bucket{CORS: c}.Respond(policy.Request{Method: "OPTIONS", URL: "https://b.s3.amazonaws.com/key", Header: headers.List{
		{Name: "Origin", Value: "https://app.test"},
		{Name: "Access-Control-Request-Method", Value: "PUT"},
	}}, policy.Reply{})
	fmt.Println(out.Reply.Status, out.Text())
	for _, f := range out.Reply.Header {
		fmt.Printf("%s: %s\n", f.Name, f.Value)
	}
	// Output:
	// 200 preflight answered by rule 1
	// Access-Control-Allow-Origin: https://app.test
	// Access-Control-Allow-Credentials: true
	// Access-Control-Allow-Methods: GET, PUT
	// Access-Control-Max-Age: 3000
	// Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method
	// Content-Length: 0
}

// BenchmarkRespond: name filterable by benchstat (type=…/rules=…/trace=…).
// The last of n rules matches, so the cost grows with n; trace=off is a
// caller that reads no trace (policy.Request.NoTrace: the middleware, the
// worker, a verdict's summary browsers).
func BenchmarkRespond(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		rules := `[`
		for i := 0; i < n-1; i++ {
			rules += `{"AllowedOrigins":["https://o` + fmt.Sprint(i) + `.test"],"AllowedMethods":["GET"]},`
		}
		rules += `{"AllowedOrigins":["https://*.app.test"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["*"]}]`
		c, err := s3.Parse(s3.FormJSON, rules)
		if err != nil {
			b.Fatal(err)
		}
		bucket := s3.Bucket{CORS: c}
		for _, trace := range []bool{true, false} {
			pre := policy.Request{Method: "OPTIONS", URL: "/k", NoTrace: !trace, Header: headers.List{{Name: "Origin", Value: "https://x.app.test"},
				{Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "content-type,x-api-key"}}}
			act := policy.Request{Method: "GET", URL: "/k", NoTrace: !trace, Header: headers.List{{Name: "Origin", Value: "https://x.app.test"}}}
			rej := policy.Request{Method: "OPTIONS", URL: "/k", NoTrace: !trace, Header: headers.List{{Name: "Origin", Value: "https://evil.test"},
				{Name: "Access-Control-Request-Method", Value: "PUT"}}}
			suffix := fmt.Sprintf("/rules=%d/trace=%s", n, map[bool]string{true: "on", false: "off"}[trace])
			b.Run("type=preflight"+suffix, func(b *testing.B) {
				for b.Loop() {
					bucket.Respond(pre, policy.Reply{})
				}
			})
			b.Run("type=actual"+suffix, func(b *testing.B) {
				for b.Loop() {
					bucket.Respond(act, policy.Reply{Status: 200})
				}
			})
			b.Run("type=rejected"+suffix, func(b *testing.B) {
				for b.Loop() {
					bucket.Respond(rej, policy.Reply{})
				}
			})
		}
		if n == 100 {
			b.Run("type=parse/rules=100", func(b *testing.B) {
				for b.Loop() {
					s3.Parse(s3.FormJSON, rules)
				}
			})
		}
	}
}
