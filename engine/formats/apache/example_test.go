package apache_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/apache"
	"github.com/whycors/whycors/engine/policy"
)

// Header set (onsuccess) does not reach the 204 a RewriteRule answers
// for a preflight; the fix adds always.
func Example() {
	conf := `<VirtualHost *:80>
    Header set Access-Control-Allow-Origin "https://app.test"
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]
    ProxyPass / http://127.0.0.1:3000/
</VirtualHost>
`
	preflight := policy.Request{Method: "OPTIONS", URL: "http://api.test/"}
	c, _ := apache.Parse(conf)
	out := c.Respond(preflight, policy.Reply{Status: 404})
	fmt.Println(out.Reply.Status, out.Reply.Header.Has("Access-Control-Allow-Origin"))

	fixed, _ := fix.Apply(&apache.Format{}, conf, fix.Edit{Op: fix.Always})
	c, _ = apache.Parse(fixed)
	out = c.Respond(preflight, policy.Reply{Status: 404})
	fmt.Println(out.Reply.Status, out.Reply.Header.Has("Access-Control-Allow-Origin"))
	// Output:
	// 204 false
	// 204 true
}
