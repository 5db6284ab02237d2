package starlette_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/starlette"
	"github.com/whycors/whycors/engine/policy"
)

// A failed preflight is answered by CORSMiddleware itself with 400 and a
// text naming what failed.
func Example() {
	c, err := starlette.Parse(`app.add_middleware(CORSMiddleware, allow_origins=["https://app.example"])`)
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "OPTIONS", URL: "/items"}
	req.Header.Add("Origin", "https://app.example")
	req.Header.Add("Access-Control-Request-Method", "DELETE")
	out := c.Respond(req, policy.Reply{Status: 200})
	fmt.Println(out.Reply.Status, out.Reply.Body)
	// Output: 400 Disallowed CORS method
}
