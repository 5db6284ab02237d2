package origin_test

import (
	"errors"
	"fmt"

	"github.com/whycors/whycors/engine/origin"
)

// Parse takes an origin as a page or a config spells it and gives the form
// a browser sends in the Origin header: scheme and host lowercased, the
// default port dropped, any path left out, an internationalized host in
// Punycode. Access-Control-Allow-Origin must equal that form byte for byte.
func ExampleParse() {
	for _, s := range []string{
		"HTTPS://App.Example:443/login?next=/",
		"http://localhost:8080",
		"https://élève.example",
		"http://[0:0:0:0:0:0:0:1]:3000",
		"null",
	} {
		o, err := origin.Parse(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-38s %s\n", s, o)
	}
	// Output:
	// HTTPS://App.Example:443/login?next=/   https://app.example
	// http://localhost:8080                  http://localhost:8080
	// https://élève.example                  https://xn--lve-6lad.example
	// http://[0:0:0:0:0:0:0:1]:3000          http://[::1]:3000
	// null                                   null
}

// A string that does not parse gives an *origin.Error, which says what is
// wrong and, where the parser can tell, at which byte of the input.
func ExampleParse_error() {
	for _, s := range []string{"app.example", "https://app<1>.example", "http://app.example:80800"} {
		_, err := origin.Parse(s)
		var e *origin.Error
		if errors.As(err, &e) {
			fmt.Printf("%q: %s (byte %d)\n", e.Input, e.Msg, e.Offset)
		}
	}
	// Output:
	// "app.example": not an absolute URL (no scheme) (byte 0)
	// "https://app<1>.example": forbidden character '<' in host (byte 11)
	// "http://app.example:80800": port out of range (byte 0)
}

// String is the ASCII serialization of an origin, the value of the Origin
// request header; an opaque origin (a sandboxed iframe, a file: page, a
// request after a cross-origin redirect) serializes as "null".
func ExampleOrigin_String() {
	o := origin.Origin{Scheme: "https", Host: "api.example", Port: "8443"}
	fmt.Println(o)
	fmt.Println(origin.Origin{}, origin.Origin{}.Opaque())
	// Output:
	// https://api.example:8443
	// null true
}

// SameOrigin compares scheme, host and port; the path never matters. Two
// opaque origins are never the same origin here, as two parsed "null"s are
// distinct opaque origins.
func ExampleSameOrigin() {
	page, _ := origin.Parse("https://app.example")
	for _, s := range []string{
		"https://app.example:443/api",
		"http://app.example",
		"https://api.app.example",
		"https://app.example:8443",
	} {
		u, _ := origin.ParseURL(s)
		fmt.Println(s, origin.SameOrigin(page, u.Origin()))
	}
	a, _ := origin.Parse("null")
	b, _ := origin.Parse("null")
	fmt.Println("null null", origin.SameOrigin(a, b))
	// Output:
	// https://app.example:443/api true
	// http://app.example false
	// https://api.app.example false
	// https://app.example:8443 false
	// null null false
}

// ParseURL parses a request URL as a browser does; String serializes it
// without the fragment, as browsers name request URLs in their console, and
// Origin gives the origin the CORS check compares with.
func ExampleParseURL() {
	u, err := origin.ParseURL("HTTPS://user@API.example:443/a/./b/../items?q=1 2#top")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u)
	fmt.Println(u.Host, u.Path, u.Query, u.Fragment)
	fmt.Println("origin:", u.Origin(), "credentials:", u.HasCredentials())
	// Output:
	// https://user@api.example/a/items?q=1%202
	// api.example /a/items q=1%202 top
	// origin: https://api.example credentials: true
}

// Resolve reads a Location header against the URL that answered with it,
// as a browser follows a redirect.
func ExampleURL_Resolve() {
	u, _ := origin.ParseURL("https://api.example/v1/items?page=2")
	for _, loc := range []string{"/v2/items", "other", "//cdn.example/x", "http://api.example/"} {
		next, err := u.Resolve(loc)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(loc, "->", next, "same origin:", origin.SameOrigin(u.Origin(), next.Origin()))
	}
	// Output:
	// /v2/items -> https://api.example/v2/items same origin: true
	// other -> https://api.example/v1/other same origin: true
	// //cdn.example/x -> https://cdn.example/x same origin: false
	// http://api.example/ -> http://api.example/ same origin: false
}
