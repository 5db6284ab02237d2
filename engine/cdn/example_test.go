package cdn_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/cdn"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/wire"
)

// An <img> (no Origin) fills a CDN that keys by URL alone; the CORS fetch
// of the same URL that follows gets that reply, without
// Access-Control-Allow-Origin.
func Example() {
	c := cdn.New(cdn.Config{})
	img := wire.Request{Method: "GET", URL: "https://cdn.example.com/logo.png"}
	if e, _ := c.Lookup(img); e == nil {
		c.Store(img, wire.Outcome{Reply: wire.Reply{Status: 200}}, "the <img>")
	}
	c.Advance(30)
	cors := wire.Request{Method: "GET", URL: img.URL, Header: headers.List{{Name: "Origin", Value: "https://app.example.com"}}}
	e, _ := c.Lookup(cors)
	_, acao := e.Outcome.Reply.Header.Get("Access-Control-Allow-Origin")
	fmt.Println("answered from the reply stored for", e.Tag+"; has ACAO:", acao)

	keyed := cdn.New(cdn.Config{KeyHeaders: []string{"Origin"}})
	keyed.Store(img, wire.Outcome{Reply: wire.Reply{Status: 200}}, "the <img>")
	_, why := keyed.Lookup(cors)
	fmt.Println("with Origin in the key:", why)
	// Output:
	// answered from the reply stored for the <img>; has ACAO: false
	// with Origin in the key: nothing is stored for GET https://cdn.example.com/logo.png, Origin: https://app.example.com
}
