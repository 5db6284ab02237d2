package rscors_test

import (
	"fmt"
	"os"

	"github.com/whycors/whycors/engine/formats/rscors"
	"github.com/whycors/whycors/engine/policy"
)

func testdataMain() (string, error) {
	b, err := os.ReadFile("testdata/main.go")
	return string(b), err
}

// A preflight for a header the options do not list: rs/cors answers 204
// without CORS headers, and the rule says why.
func Example() {
	text, _ := testdataMain()
	c, err := rscors.Parse(text)
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "OPTIONS", URL: "https://api.example.com/orders"}
	req.Header.Add("Origin", "https://eu.partners.example.com")
	req.Header.Add("Access-Control-Request-Method", "PUT")
	req.Header.Add("Access-Control-Request-Headers", "authorization")
	out := c.Respond(req, policy.Reply{Status: 200})
	fmt.Println(out.Reply.Status)
	for _, h := range out.Reply.Header {
		fmt.Println(h.Name + ": " + h.Value)
	}
	fmt.Println(out.Detail(out.Rules[0]))
	fmt.Println(out.Text())
	// Output:
	// 204
	// Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers
	// requested headers "authorization" are refused by [content-type, x-api-key] (lower-case, sorted, unique names of AllowedHeaders): no CORS header
	// preflight answered by rs/cors (line 18) with 204
}
