package vercel_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/vercel"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// A vercel.json adds its headers to the paths its sources match; an
// OPTIONS request reaches the application like any other, whose status
// the reply keeps, and the application's own header of a name wins.
func Example() {
	c, err := vercel.Parse(`{
  "headers": [
    {
      "source": "/api/(.*)",
      "headers": [
        { "key": "Access-Control-Allow-Origin", "value": "https://shop.example" },
        { "key": "Access-Control-Allow-Methods", "value": "GET, POST, PUT" }
      ]
    }
  ]
}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	pre := policy.Request{Method: "OPTIONS", URL: "https://api.example/api/cart", Header: headers.List{
		{Name: "Origin", Value: "https://shop.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}
	out := c.Respond(pre, policy.Reply{Status: 405})
	fmt.Println(out.Reply.Status, out.Reply.Header.Values("Access-Control-Allow-Methods"))
	out = c.Respond(policy.Request{Method: "GET", URL: "https://api.example/api/cart"},
		policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}})
	fmt.Println(out.Reply.Header.Values("Access-Control-Allow-Origin"))
	// Output:
	// 405 [GET, POST, PUT]
	// [*]
}
