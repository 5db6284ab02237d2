package djangocors_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/djangocors"
	"github.com/whycors/whycors/engine/policy"
)

// A regex without $ allows more than it seems: re.match anchors only
// the start.
func Example() {
	c, err := djangocors.Parse(`CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://app\.example"]`)
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "GET", URL: "/api/me"}
	req.Header.Add("Origin", "https://app.example.attacker.test")
	out := c.Respond(req, policy.Reply{Status: 200})
	v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
	fmt.Println(v)
	// Output: https://app.example.attacker.test
}
