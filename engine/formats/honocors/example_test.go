package honocors_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/honocors"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Hono's cors() answers every OPTIONS under its mount path with 204,
// Access-Control-Request-Method or not.
func Example() {
	c, err := honocors.Parse("import { cors } from 'hono/cors'\n" +
		"app.use('/api/*', cors({ origin: ['https://app.test'], allowMethods: ['GET', 'PUT'] }))\n")
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "OPTIONS", URL: "https://api.test/api/items", Header: headers.List{
		{Name: "Origin", Value: "https://app.test"},
		{Name: "Access-Control-Request-Headers", Value: "content-type, x-api-key"},
	}}
	out := c.Respond(req, policy.Reply{})
	fmt.Println(out.Reply.Status)
	for _, f := range out.Reply.Header {
		fmt.Printf("%s: %s\n", f.Name, f.Value)
	}
	// Output:
	// 204
	// Access-Control-Allow-Origin: https://app.test
	// Vary: Origin, Access-Control-Request-Headers
	// Access-Control-Allow-Methods: GET,PUT
	// Access-Control-Allow-Headers: content-type,x-api-key
}
