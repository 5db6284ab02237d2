package fetch_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/wire"
)

// fixedServer is a fetch.Server that answers every preflight (OPTIONS) with
// one reply and every other request with another, whatever the URL and hop.
type fixedServer struct{ preflight, actual wire.Reply }

// Answer implements fetch.Server.
func (s fixedServer) Answer(req wire.Request, preflight bool, hop int) wire.Outcome {
	if preflight {
		return wire.Outcome{Reply: s.preflight}
	}
	return wire.Outcome{Reply: s.actual}
}

// Lookup gives a profile by the scenario's browser name; "" is chrome. The
// profile is the caller's own copy.
func ExampleLookup() {
	for _, name := range fetch.Names() {
		p, _ := fetch.Lookup(name)
		fmt.Printf("%s: %s, preflight cache capped at %d s\n", p.Name, p.Engine, p.MaxAgeCap)
	}
	_, ok := fetch.Lookup("opera")
	fmt.Println("opera:", ok)

	mine, _ := fetch.Lookup("chrome")
	mine.MaxAgeCap = 60 // changes this copy only
	fresh, _ := fetch.Lookup("chrome")
	fmt.Println(mine.MaxAgeCap, fresh.MaxAgeCap)
	// Output:
	// chrome: Chromium 156, preflight cache capped at 7200 s
	// firefox: Firefox ESR 153, preflight cache capped at 86400 s
	// safari: WebKit (WebKitGTK 2.50), preflight cache capped at 600 s
	// spec: Fetch Living Standard, preflight cache capped at 0 s
	// opera: false
	// 60 7200
}

// NewRequest runs what the Request constructor does to fetch(url, init)
// before anything is sent: the method normalized ("put" becomes "PUT", but
// "patch" would stay as is), forbidden request-headers dropped silently,
// and the body's Content-Type added. NeedsPreflight then says whether the
// browser must ask first, and why.
func ExampleProfile_NewRequest() {
	p, _ := fetch.Lookup("chrome")
	body := `{"name":"avatar.png"}`
	r, pre, err := p.NewRequest("https://app.example", "https://api.example/items/1", fetch.Init{
		Method:      "put",
		Headers:     headers.List{{Name: "X-Api-Key", Value: "k1"}, {Name: "Cookie", Value: "a=1"}},
		Credentials: "include",
		Body:        &body,
	})
	if err != nil || pre != nil {
		fmt.Println("fetch() would throw:", err, pre)
		return
	}
	fmt.Println(r.Method, r.URL, "from", r.Origin)
	for _, f := range r.Header {
		fmt.Printf("sent %s: %s\n", f.Name, f.Value)
	}
	for _, d := range r.Dropped {
		fmt.Printf("dropped %s: %s\n", d.Name, d.Why)
	}
	need, why := p.NeedsPreflight(r)
	fmt.Println("preflight:", need)
	for _, w := range why {
		fmt.Println("  because", w)
	}
	// Output:
	// PUT https://api.example/items/1 from https://app.example
	// sent X-Api-Key: k1
	// sent Content-Type: text/plain;charset=UTF-8
	// dropped Cookie: a forbidden request-header name
	// preflight: true
	//   because the method PUT is not GET, HEAD or POST
	//   because these headers are not CORS-safelisted: x-api-key
}

// A fetch() that fetch() itself rejects gives no error but a Failure, here
// a forbidden method; Run reports it as the browser would.
func ExampleProfile_NewRequest_typeError() {
	p, _ := fetch.Lookup("chrome")
	r, pre, err := p.NewRequest("https://app.example", "https://api.example/", fetch.Init{Method: "TRACE"})
	if err != nil {
		fmt.Println("bad input:", err)
		return
	}
	fmt.Println("throws:", pre.TypeError(), pre.Reason)
	res := p.Run(r, pre, nil)
	fmt.Println(res.Exception)
	// Output:
	// throws: true ForbiddenMethod
	// TypeError: Failed to execute 'fetch' on 'Window': 'TRACE' HTTP method is unsupported.
}

// Run walks the request through the browser, asking the Server (here
// fixedServer, defined in this file) for each reply: the preflight first, then the actual request. The Result is what
// the page sees: whether the promise resolves, the status, the response
// headers it can read and how long the preflight is cached; Exchanges are
// the requests as the browser sent them.
func ExampleProfile_Run() {
	p, _ := fetch.Lookup("chrome")
	r, pre, err := p.NewRequest("https://app.example", "https://api.example/items/1", fetch.Init{
		Method:  "DELETE",
		Headers: headers.List{{Name: "Authorization", Value: "Bearer t"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := fixedServer{
		preflight: wire.Reply{Status: 204, Header: headers.List{
			{Name: "Access-Control-Allow-Origin", Value: "https://app.example"},
			{Name: "Access-Control-Allow-Methods", Value: "GET, DELETE"},
			{Name: "Access-Control-Allow-Headers", Value: "Authorization"},
			{Name: "Access-Control-Max-Age", Value: "86400"},
		}},
		actual: wire.Reply{Status: 200, Header: headers.List{
			{Name: "Access-Control-Allow-Origin", Value: "https://app.example"},
			{Name: "Content-Type", Value: "application/json"},
			{Name: "X-Request-Id", Value: "42"},
		}},
	}
	res := p.Run(r, pre, srv)
	for _, x := range res.Exchanges {
		fmt.Println(x.Request.Method, x.Request.URL, "->", x.Reply.Status)
		if x.Preflight {
			for _, f := range x.Request.Header {
				fmt.Printf("  %s: %s\n", f.Name, f.Value)
			}
		}
	}
	fmt.Println("allowed:", res.Allowed, res.Type, res.Status)
	fmt.Println("readable:", res.Readable)
	fmt.Println("preflight cached for", res.MaxAge, "s")
	// Output:
	// OPTIONS https://api.example/items/1 -> 204
	//   Accept: */*
	//   Access-Control-Request-Method: DELETE
	//   Access-Control-Request-Headers: authorization
	//   Origin: https://app.example
	// DELETE https://api.example/items/1 -> 200
	// allowed: true cors 200
	// readable: [content-type]
	// preflight cached for 7200 s
}

// A blocked fetch: the Failure's Reason is DevTools' CorsError name, the
// same in every profile, while the console lines and the exception are
// each browser's own. Checks say, step by step, what passed and what did
// not.
func ExampleProfile_Run_blocked() {
	srv := fixedServer{actual: wire.Reply{Status: 200, Header: headers.List{
		{Name: "Access-Control-Allow-Origin", Value: "*"},
	}}}
	in := fetch.Init{Credentials: "include"}
	for _, name := range []string{"chrome", "firefox"} {
		p, _ := fetch.Lookup(name)
		r, pre, _ := p.NewRequest("https://app.example", "https://api.example/me", in)
		res := p.Run(r, pre, srv)
		fmt.Println(name, res.Allowed, res.Failure.Reason)
		for _, line := range res.Console {
			fmt.Println("  console:", line)
		}
		fmt.Println("  rejects with:", res.Exception)
	}
	p, _ := fetch.Lookup("spec")
	r, pre, _ := p.NewRequest("https://app.example", "https://api.example/me", in)
	for _, c := range p.Run(r, pre, srv).Checks {
		fmt.Printf("%s %s: %s\n", c.Status, c.ID, c.Detail)
	}
	// Output:
	// chrome false WildcardOriginNotAllowed
	//   console: Access to fetch at 'https://api.example/me' from origin 'https://app.example' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.
	//   console: Failed to load resource: net::ERR_FAILED
	//   rejects with: TypeError: Failed to fetch
	// firefox false WildcardOriginNotAllowed
	//   console: Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘https://api.example/me’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).
	//   rejects with: TypeError: NetworkError when attempting to fetch resource.
	// info fetch.cross-origin: The page's origin https://app.example differs from https://api.example: the browser applies CORS.
	// pass preflight.needed: The method is GET and every header is CORS-safelisted, so the browser sends the request without asking first.
	// info actual.sent: GET https://api.example/me answered 200.
	// fail response.allow-origin: Access-Control-Allow-Origin is "*", which does not cover a request with credentials mode "include"; the server must echo the origin https://app.example and send Access-Control-Allow-Credentials: true.
}
