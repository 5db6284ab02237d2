package fastifycors_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/fastifycors"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// The plugin answers a preflight in its onRequest hook, reflecting the
// requested headers when allowedHeaders is not set.
func Example() {
	c, err := fastifycors.Parse("import cors from '@fastify/cors'\n" +
		"await fastify.register(cors, { origin: ['https://app.test'], credentials: true })\n")
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "OPTIONS", URL: "https://api.test/x", Header: headers.List{
		{Name: "Origin", Value: "https://app.test"},
		{Name: "Access-Control-Request-Method", Value: "PUT"},
		{Name: "Access-Control-Request-Headers", Value: "x-api-key"},
	}}
	out := c.Respond(req, policy.Reply{})
	fmt.Println(out.Reply.Status)
	for _, f := range out.Reply.Header {
		fmt.Printf("%s: %s\n", f.Name, f.Value)
	}
	// Output:
	// 204
	// Vary: Origin, Access-Control-Request-Headers
	// Access-Control-Allow-Origin: https://app.test
	// Access-Control-Allow-Credentials: true
	// Access-Control-Allow-Methods: GET,HEAD,POST
	// Access-Control-Allow-Headers: x-api-key
	// Content-Length: 0
}
