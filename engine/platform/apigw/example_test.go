package apigw_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
)

// A Lambda proxy integration passes the function's reply on as it is:
// the function's own headers are the CORS answer, and the verdict names
// the integration when they do not admit the page.
func ExampleRESTConfig_Integrate() {
	c, err := apigw.ParseREST(`{"RestApiCors": {"AllowOrigin": "'https://app.example'", "AllowMethods": ["GET", "OPTIONS"], "Integration": "lambda-proxy"}}`)
	if err != nil {
		panic(err)
	}
	req := policy.Request{Method: "GET", URL: "https://x1.execute-api.us-east-1.amazonaws.com/prod/items",
		Header: headers.List{{Name: "Origin", Value: "https://app.example"}}}
	o := c.Integrate(req, policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "application/json"}}})
	fmt.Println(o.Reply.Status, o.DecidedBy.Layer, o.Rules[0].Failed)
	fmt.Println(o.Text())
	// Output:
	// 200 integration integration
	// With a Lambda proxy integration the function's own headers are the CORS answer: API Gateway returns its reply as it is, and the function returned no Access-Control-Allow-Origin. Its code is not in this configuration: the fix is the reply it must return
}
