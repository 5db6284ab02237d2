package cloudfront_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/policy"
)

// A template reader builds a CorsConfig from a response headers policy and
// asks how CloudFront changes the origin's reply: with OriginOverride
// false, the origin's own Access-Control-Allow-Origin stays.
func ExampleDistribution_Respond() {
	d := cloudfront.Distribution{CORS: &cloudfront.CorsConfig{
		AccessControlAllowOrigins: []string{"https://*.shop.example"},
		AccessControlAllowMethods: []string{"GET"},
		OriginOverride:            false,
	}}
	origin := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://old.example"}}}
	out := d.Respond(policy.Request{Method: "GET", URL: "https://d111111abcdef8.cloudfront.net/a", Header: headers.List{{Name: "Origin", Value: "https://app.shop.example"}}}, origin)
	v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
	fmt.Println(v)
	fmt.Println(out.Text())
	// Output:
	// https://old.example
	// CloudFront added the policy's CORS headers to the origin's reply; OriginOverride is false, so 1 CORS header(s) the origin sent were kept in place of the policy's
}

// Parse reads the CloudFront API's JSON and lists every fault CloudFront
// refuses.
func ExampleParse() {
	_, err := cloudfront.Parse(`{"AccessControlAllowOrigins": {"Quantity": 2, "Items": ["https://example.*"]}, "AccessControlAllowHeaders": {"Items": []}, "AccessControlAllowMethods": {"Items": ["GET"]}, "AccessControlAllowCredentials": false, "OriginOverride": true}`)
	fmt.Println(err)
	// Output:
	// line 1, column 44: $.AccessControlAllowOrigins.Quantity: InconsistentQuantities: Quantity is 2 but Items has 1: the value of Quantity and the size of Items don't match
	// line 1, column 57: $.AccessControlAllowOrigins.Items[0]: InvalidArgument: AccessControlAllowOrigins item "https://example.*": "*" as the top-level domain is not allowed (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html#understanding-response-headers-policies-cors)
}
