package caddy_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
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

// Write says a neutral policy as a site's directives: a handle block a
// rule, whose matcher holds the rule's paths and origins, so that the
// first rule that matches answers.
func ExampleWrite() {
	age := 600
	fmt.Print(caddy.Write(portable.Policy{Rules: []portable.Rule{{
		Origins: []string{"https://app.test", "https://*.app.test"}, Methods: []string{"PUT", "DELETE"},
		AllowHeaders: []string{"Content-Type"}, Credentials: true, MaxAge: &age, Paths: []string{"/api"},
	}}}))
	// Output:
	// # CORS (whycors): the first rule whose path and Origin match answers.
	// # Put these lines in the site block, next to its reverse_proxy or
	// # file_server. An upstream that sends its own Access-Control-* headers
	// # doubles them: add header_down -Access-Control-* to its reverse_proxy.
	// @cors_preflight {
	// 	method OPTIONS
	// 	header Access-Control-Request-Method *
	// }
	// @cors_rule0 {
	// 	path_regexp ^(?:/api(?:/.*)?)$
	// 	header_regexp Origin ^(?:https://app\.test|https://.+\.app\.test)$
	// }
	// handle @cors_rule0 {
	// 	header {
	// 		Access-Control-Allow-Origin {header.Origin}
	// 		Access-Control-Allow-Credentials true
	// 		Vary Origin
	// 	}
	// 	header @cors_preflight {
	// 		Access-Control-Allow-Methods "PUT, DELETE"
	// 		Access-Control-Allow-Headers "Content-Type"
	// 		Access-Control-Max-Age 600
	// 	}
	// 	respond @cors_preflight 204
	// }
}
