package lambdaurl_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/policy"
)

// A template reader builds a Cors from AWS::Lambda::Url's Cors and asks
// the function URL how it answers a preflight.
func ExampleFunction_Respond() {
	age := 300
	fn := lambdaurl.Function{CORS: &lambdaurl.Cors{AllowOrigins: []string{"https://app.example"}, AllowMethods: []string{"PUT"}, MaxAge: &age}}
	out := fn.Respond(policy.Request{Method: "OPTIONS", URL: "https://abc.lambda-url.eu-west-1.on.aws/", Header: headers.List{
		{Name: "Origin", Value: "https://app.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}, policy.Reply{Status: 500})
	fmt.Println(out.Reply.Status)
	for _, h := range out.Reply.Header {
		fmt.Println(h.Name+":", h.Value)
	}
	// Output:
	// 200
	// Access-Control-Allow-Origin: https://app.example
	// Vary: Origin
	// Access-Control-Allow-Methods: PUT
	// Access-Control-Max-Age: 300
}

// Parse reads the Lambda API's JSON and lists every fault Lambda refuses.
func ExampleParse() {
	_, err := lambdaurl.Parse(`{"Cors": {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "TRACE"], "MaxAge": 90000}}`)
	fmt.Println(err)
	// Output:
	// line 1, column 76: $.Cors.AllowMethods[1]: ValidationException: cors.allowMethods value "TRACE" is not one of GET, PUT, HEAD, POST, PATCH, DELETE, * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-url-cors.html)
	// line 1, column 96: $.Cors.MaxAge: ValidationException: cors.maxAge 90000: Member must have value between 0 and 86400 (https://docs.aws.amazon.com/lambda/latest/api/API_Cors.html)
}
