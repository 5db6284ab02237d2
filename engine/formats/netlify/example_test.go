package netlify_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/netlify"
	"github.com/whycors/whycors/engine/policy"
)

// Two rules match /api/users: Netlify's own implementation sends the
// later rule's Access-Control-Allow-Origin, and lint says that the two
// overlap.
func Example() {
	text := "/*\n  Access-Control-Allow-Origin: *\n/api/*\n  Access-Control-Allow-Origin: https://app.example\n  Vary: Origin\n"
	c, err := netlify.Parse(text)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := c.Respond(policy.Request{Method: "GET", URL: "https://site.example/api/users"}, policy.Reply{Status: 200})
	fmt.Println(out.Reply.Header.Values("Access-Control-Allow-Origin"))
	fmt.Println(out.Text())
	for _, f := range (&netlify.Format{}).CheckText(text) {
		fmt.Println(f.Pos.Line, f.Code)
	}
	// Output:
	// [https://app.example]
	// Netlify serves the file at /api/users (200) with the headers of every rule whose path matches
	// 4 origin-overlap
}

// A netlify.toml rule read with its faults, each positioned.
func ExampleParseTOML() {
	_, err := netlify.ParseTOML("[[headers]]\n  for = \"/api/*\"\n  [headers.values]\n    Access-Control-Max-Age = 600\n")
	fmt.Println(err)
	// Output:
	// line 4, column 30: headers.0.values.Access-Control-Max-Age: the header "Access-Control-Max-Age" must have a string value (or an array of strings), not the number 600
}
