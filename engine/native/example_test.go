package native_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/policy"
)

// A policy for an API used by one front end and its preview deployments,
// asked for a preflight by a preview.
func Example() {
	p, err := native.Parse(`{
  "rules": [
    {
      "name": "api",
      "path": "/api/*",
      "origins": ["https://app.example.com", "https://*.preview.example.com"],
      "methods": ["PUT", "DELETE"],
      "request_headers": ["Content-Type"],
      "credentials": true,
      "max_age": 600
    }
  ]
}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := p.Respond(policy.Request{
		Method: "OPTIONS",
		URL:    "https://api.example.com/api/items/1",
		Header: headers.List{
			{Name: "Origin", Value: "https://pr-42.preview.example.com"},
			{Name: "Access-Control-Request-Method", Value: "PUT"},
			{Name: "Access-Control-Request-Headers", Value: "content-type"},
		},
	}, policy.Reply{})
	fmt.Println(out.Text())
	fmt.Println(out.Reply.Status)
	for _, h := range out.Reply.Header {
		fmt.Printf("%s: %s\n", h.Name, h.Value)
	}
	// Output:
	// preflight answered 204 by rule 1 (api)
	// 204
	// Access-Control-Allow-Origin: https://pr-42.preview.example.com
	// Access-Control-Allow-Credentials: true
	// Access-Control-Allow-Methods: PUT,DELETE
	// Access-Control-Allow-Headers: content-type
	// Access-Control-Max-Age: 600
	// Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers
}

// Every fault is reported at once, with its JSON path, line and column.
func ExampleParse_errors() {
	_, err := native.Parse(`{
  "origins": ["*", "https://example.com/"],
  "credentials": true,
  "methods": ["TRACE"],
  "maxAge": 600
}`)
	fmt.Println(err)
	// Output:
	// line 2, column 15: $.origins[0]: wildcard: for security reasons, you cannot both allow all origins ("*") and enable credentials: browsers refuse Access-Control-Allow-Origin: * with credentials, and reflecting the origin instead would let every site read your users' data
	// line 2, column 20: $.origins[1]: invalid: invalid origin pattern "https://example.com/": an origin has no path; drop the trailing slash (browsers send "https://example.com")
	// line 4, column 15: $.methods[0]: forbidden: forbidden method "TRACE": fetch() refuses to send it (https://fetch.spec.whatwg.org/#forbidden-method)
	// line 5, column 3: $.maxAge: unknown-field: unknown field "maxAge"; did you mean "max_age"?
}

// Write gives the canonical form, which Parse reads back.
func ExampleWrite() {
	p, _ := native.Parse(`{"origins": ["http://localhost:*"], "methods": ["patch", "put"]}`)
	fmt.Print(native.Write(p))
	// Output:
	// {
	//   "rules": [
	//     {
	//       "origins": ["http://localhost:*"],
	//       "methods": ["patch", "PUT"]
	//     }
	//   ]
	// }
}
