package apache_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/apache"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
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

// Write says a neutral policy as virtual host directives: an <If> a
// rule, whose condition holds the rule's paths and origins, and a
// RewriteRule that answers its preflights.
func ExampleWrite() {
	fmt.Print(apache.Write(portable.Policy{Rules: []portable.Rule{{
		Origins: []string{"https://app.test"}, Methods: []string{"PUT"}, AllowHeaders: []string{"*"}, Paths: []string{"/api"},
	}}}))
	// Output:
	// # CORS (whycors): the first rule whose path and Origin match answers.
	// # Put these lines in the <VirtualHost>, with mod_headers, mod_setenvif and
	// # mod_rewrite loaded. A backend that sends its own Access-Control-*
	// # headers doubles them.
	// SetEnvIf Origin "^.+$" CORS_ORIGIN=$0
	// SetEnvIf Access-Control-Request-Method "^.+$" CORS_REQUEST_METHOD=$0
	// SetEnvIf Access-Control-Request-Headers "^.+$" CORS_REQUEST_HEADERS=$0
	// RewriteEngine On
	// # rule 1: its preflights answered with 204
	// RewriteCond %{REQUEST_METHOD} ^OPTIONS$
	// RewriteCond %{HTTP:Access-Control-Request-Method} .
	// RewriteCond %{HTTP:Origin} ^(?:https://app\.test)$
	// RewriteRule ^(?:/api(?:/.*)?)$ - [R=204,L]
	// <If "%{REQUEST_URI} =~ m#^(?:/api(?:/.*)?)$# && %{HTTP:Origin} =~ m#^(?:https://app\.test)$#">
	//     Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN
	//     Header always set Access-Control-Allow-Methods "PUT"
	//     Header always set Access-Control-Allow-Headers "%{CORS_REQUEST_HEADERS}e" env=CORS_REQUEST_HEADERS
	// </If>
}
