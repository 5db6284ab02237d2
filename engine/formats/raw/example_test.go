package raw_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/raw"
	"github.com/whycors/whycors/engine/policy"
)

// A curl -v capture of a preflight: the "> OPTIONS" line makes it the
// preflight reply, and the request side can prefill the simulator.
func Example() {
	capture := `> OPTIONS /items/1 HTTP/1.1
> Host: api.test
> Origin: http://app.test
> Access-Control-Request-Method: PUT
>
< HTTP/1.1 204 No Content
< Access-Control-Allow-Origin: http://app.test
< Access-Control-Allow-Methods: GET, PUT
<
`
	ev, err := (&raw.Format{}).Parse(capture)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := ev.Respond(policy.Request{Method: "OPTIONS", URL: "http://api.test/items/1"}, policy.Reply{Status: 200})
	fmt.Println(out.Reply.Status, out.Reply.Header.Count("Access-Control-Allow-Methods"))

	f, _ := raw.ParseRequest(capture)
	fmt.Println(f.Method, f.URL, f.Origin)
	// Output:
	// 204 1
	// PUT http://api.test/items/1 http://app.test
}
