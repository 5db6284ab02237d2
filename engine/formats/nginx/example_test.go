package nginx_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/policy"
)

// add_header without always does not reach error replies: the browser
// then reports a CORS error instead of the 502.
func Example() {
	c, err := nginx.Parse(`location /api/ {
    add_header Access-Control-Allow-Origin https://app.test;
    proxy_pass http://backend;
}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, status := range []int{200, 502} {
		out := c.Respond(policy.Request{Method: "GET", URL: "https://api.test/api/items"}, policy.Reply{Status: status})
		fmt.Println(status, out.Reply.Header.Has("Access-Control-Allow-Origin"), out.Rules[0].Failed != "")
	}
	// Output:
	// 200 true false
	// 502 false true
}
