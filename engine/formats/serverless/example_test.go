package serverless_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/serverless"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// cors: true on an http event: the framework's OPTIONS method answers the
// preflight with its default headers, and the verdict names the event.
func ExampleService_Respond() {
	s, err := serverless.Parse("service: shop\nfunctions:\n  hello:\n    handler: h.hello\n    events:\n      - http:\n          path: hello\n          method: post\n          cors: true\n")
	if err != nil {
		panic(err)
	}
	out := s.Respond(policy.Request{Method: "OPTIONS", URL: "https://abc.execute-api.eu-west-1.amazonaws.com/dev/hello",
		Header: headers.List{{Name: "Origin", Value: "https://app.example"}, {Name: "Access-Control-Request-Method", Value: "POST"}}}, policy.Reply{})
	fmt.Println(out.Reply.Status)
	for _, name := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
		v, _ := out.Reply.Header.Get(name)
		fmt.Println(name+":", v)
	}
	fmt.Println(out.DecidedBy.Resource, "line", out.DecidedBy.Line)
	// Output:
	// 200
	// Access-Control-Allow-Origin: *
	// Access-Control-Allow-Methods: OPTIONS,POST
	// Access-Control-Allow-Headers: Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent
	// functions.hello.events[0].http line 9
}
