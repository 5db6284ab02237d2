package express_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// cors() answers every OPTIONS itself and reflects the requested headers
// when allowedHeaders is not set.
func Example() {
	c, err := express.Parse("app.use(cors({ origin: ['https://app.test'], credentials: true }))")
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "OPTIONS", URL: "https://api.test/x", Header: headers.List{
		{Name: "Origin", Value: "https://app.test"},
		{Name: "Access-Control-Request-Headers", Value: "x-api-key"},
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
	// Access-Control-Allow-Credentials: true
	// Access-Control-Allow-Methods: GET,HEAD,PUT,PATCH,POST,DELETE
	// Access-Control-Allow-Headers: x-api-key
	// Content-Length: 0
}
