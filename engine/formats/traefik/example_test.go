package traefik_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/traefik"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Traefik answers a preflight itself, with 200 whatever the origin; on
// an actual request it sets Access-Control-Allow-Origin only for an
// allowed origin and leaves the service's own for the others.
func Example() {
	text := `http:
  middlewares:
    api-cors:
      headers:
        accessControlAllowOriginList: ["https://shop.example"]
        accessControlAllowMethods: ["GET", "PUT"]
        addVaryHeader: true
`
	ev, err := (&traefik.Format{}).Parse(text)
	if err != nil {
		fmt.Println(err)
		return
	}
	pre := ev.Respond(policy.Request{Method: "OPTIONS", URL: "https://api.example/", Header: headers.List{
		{Name: "Origin", Value: "https://evil.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}}}, policy.Reply{Status: 404})
	fmt.Println(pre.Reply.Status, pre.Reply.Header.Values("Access-Control-Allow-Origin"), pre.Reply.Header.Values("Access-Control-Max-Age"))

	own := policy.Reply{Status: 200, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "*"}}}
	for _, origin := range []string{"https://shop.example", "https://evil.example"} {
		out := ev.Respond(policy.Request{Method: "GET", URL: "https://api.example/", Header: headers.List{{Name: "Origin", Value: origin}}}, own)
		fmt.Println(origin, out.Reply.Header.Values("Access-Control-Allow-Origin"), out.Reply.Header.Values("Vary"))
	}
	// Output:
	// 200 [] [0]
	// https://shop.example [https://shop.example] [Origin]
	// https://evil.example [*] [Origin]
}
