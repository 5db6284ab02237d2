package flaskcors_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/flaskcors"
	"github.com/whycors/whycors/engine/policy"
)

// flask-cors treats an origin with a "*" as a regex matched from the
// start, ignoring case: "https://*.example.com" is not a wildcard.
func Example() {
	c, err := flaskcors.Parse(`CORS(app, origins=["https://.*example.com"])`)
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "GET", URL: "/"}
	req.Header.Add("Origin", "https://evilexample.com.attacker.test")
	out := c.Respond(req, policy.Reply{Status: 200})
	v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
	fmt.Println(v)
	// Output: https://evilexample.com.attacker.test
}
