package explain_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
)

// A browser upload to an S3 bucket whose CORS rule does not list a
// request header: the verdict names the check that failed, Chrome's
// console line, the rule, and a fix in the bucket's own JSON, verified by
// running the engine again.
func ExampleExplain() {
	s, err := explain.Decode([]byte(`{
	  "browser": "chrome",
	  "request": {"origin": "https://app.example", "url": "https://uploads.s3.amazonaws.com/a.jpg",
	              "method": "PUT", "headers": [["Content-Type", "image/jpeg"], ["x-amz-meta-owner", "42"]]},
	  "policy": {"format": "s3-json", "text": "[{\"AllowedOrigins\": [\"https://app.example\"], \"AllowedMethods\": [\"PUT\"], \"AllowedHeaders\": [\"Content-Type\"]}]"}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := explain.Explain(s, advise.Options(all.Registry()))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Allowed, v.Reason)
	fmt.Println(v.Console[0])
	fmt.Println(v.Rules[0].Failed+":", v.Rules[0].Detail)
	fmt.Println(v.Fixes[0].Summary)
	fmt.Println(v.Fixes[0].Text)
	// Output:
	// false PreflightMissingAllowOriginHeader
	// Access to fetch at 'https://uploads.s3.amazonaws.com/a.jpg' from origin 'https://app.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
	// headers: requested header "x-amz-meta-owner" matches no AllowedHeader of ["Content-Type"]
	// Allow the request header x-amz-meta-owner in rule 1.
	// [{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["Content-Type", "x-amz-meta-owner"]}]
}

// Without an advisor (the simulator's first wasm), Explain searches no
// fixes; raw replies need no format at all.
func ExampleExplain_rawReplies() {
	s := explain.Scenario{
		Request: explain.Request{Origin: "http://app.test", URL: "http://api.test/items", Init: fetch.Init{Credentials: "include"}},
		Response: &explain.Reply{Status: 200, Header: headers.List{
			{Name: "Access-Control-Allow-Origin", Value: "*"},
		}},
	}
	v, err := explain.Explain(s, explain.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Allowed, v.Reason, len(v.Fixes))
	fmt.Println(v.Console[0])
	// Output:
	// false WildcardOriginNotAllowed 0
	// Access to fetch at 'http://api.test/items' from origin 'http://app.test' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.
}
