package consoleline_test

import (
	"fmt"
	"slices"

	"github.com/whycors/whycors/engine/consoleline"
	"github.com/whycors/whycors/engine/explain"
)

// A user has only Chrome's console line about an upload to S3. Read says
// which check failed; each candidate is a scenario that prints the same
// line, ready for the explainer.
func ExampleRead() {
	l, err := consoleline.Read("index.html:1 Access to fetch at 'https://uploads.s3.amazonaws.com/a.jpg' from origin 'https://app.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(l.Browser, l.Reason, l.Origin, l.URL)
	for _, c := range consoleline.Candidates(l) {
		v, err := explain.Explain(c.Scenario, explain.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(c.Scenario.Preflight.Status, slices.Contains(v.Console, l.Text), "-", c.Desc)
	}
	// Output:
	// chrome PreflightMissingAllowOriginHeader https://app.example https://uploads.s3.amazonaws.com/a.jpg
	// 403 true - A PUT with a JSON body needs a preflight; the server answers OPTIONS 403 without CORS headers, as S3 does when no CORS rule matches the origin, method or headers
	// 404 true - A PUT with a JSON body needs a preflight; the server has no OPTIONS route and answers 404 without CORS headers
	// 204 true - A PUT with a JSON body needs a preflight; the server answers OPTIONS 204 but sends CORS headers only on other methods
}

// Firefox's line names neither the page's origin nor the request: the
// candidates say what stands for them.
func ExampleCandidates() {
	l, err := consoleline.Read("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://staging.example’).")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range consoleline.Candidates(l) {
		method := c.Scenario.Request.Method
		if method == "" {
			method = "GET"
		}
		fmt.Println(c.Scenario.Request.Origin, method)
		fmt.Println(c.Desc)
	}
	// Output:
	// https://your-site.example GET
	// A GET answered 200 with Access-Control-Allow-Origin the value "https://staging.example", not the page's origin (the line names no origin: https://your-site.example stands for your page's)
	// https://your-site.example PUT
	// A PUT with a JSON body needs a preflight; the OPTIONS reply's Access-Control-Allow-Origin is the value "https://staging.example", not the page's origin (the line names no origin: https://your-site.example stands for your page's)
}
