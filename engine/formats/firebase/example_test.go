package firebase_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/firebase"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// A firebase.json sets its headers on every reply whose path a source
// matches, a preflight included: Hosting answers OPTIONS as any request,
// so a path with no file gets its 404, which fails the preflight.
func Example() {
	c, err := firebase.Parse(`{
  "hosting": {
    "public": "dist",
    "headers": [
      {
        "source": "/api/**",
        "headers": [
          { "key": "Access-Control-Allow-Origin", "value": "https://shop.example" },
          { "key": "Access-Control-Allow-Methods", "value": "GET, PUT" }
        ]
      }
    ]
  }
}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	pre := policy.Request{Method: "OPTIONS", URL: "https://shop-api.web.app/api/cart", Header: headers.List{
		{Name: "Origin", Value: "https://shop.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}
	out := c.Respond(pre, policy.Reply{Status: 404})
	fmt.Println(out.Reply.Status, out.Reply.Header.Values("Access-Control-Allow-Origin"))
	// Output:
	// 404 [https://shop.example]
}
