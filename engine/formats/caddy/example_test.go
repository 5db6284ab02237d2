package caddy_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// A header directive sets Access-Control-Allow-Origin at once, and
// reverse_proxy then adds the upstream's own: two lines, which the
// browser refuses ("contains multiple values"). Deferred, the directive
// replaces the upstream's instead.
func Example() {
	for _, text := range []string{
		":80 {\n\theader Access-Control-Allow-Origin https://app.test\n\treverse_proxy app:3000\n}",
		":80 {\n\theader {\n\t\tAccess-Control-Allow-Origin https://app.test\n\t\tdefer\n\t}\n\treverse_proxy app:3000\n}",
	} {
		c, err := caddy.Parse(text)
		if err != nil {
			fmt.Println(err)
			return
		}
		upstream := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}}
		out := c.Respond(policy.Request{Method: "GET", URL: "http://api.test/"}, upstream)
		fmt.Println(out.Reply.Header.Values("Access-Control-Allow-Origin"))
	}
	// Output:
	// [https://app.test *]
	// [https://app.test]
}
