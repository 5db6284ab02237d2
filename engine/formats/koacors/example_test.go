package koacors_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/koacors"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// @koa/cors sends its origin option whatever the request's Origin, and
// with credentials turns '*' into the request's Origin.
func Example() {
	c, err := koacors.Parse("const cors = require('@koa/cors');\napp.use(cors({ credentials: true }));\n")
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "GET", URL: "https://api.test/x", Header: headers.List{{Name: "Origin", Value: "https://evil.test"}}}
	out := c.Respond(req, policy.Reply{Status: 200})
	for _, f := range out.Reply.Header {
		fmt.Printf("%s: %s\n", f.Name, f.Value)
	}
	// Output:
	// Vary: Origin
	// Access-Control-Allow-Origin: https://evil.test
	// Access-Control-Allow-Credentials: true
}
