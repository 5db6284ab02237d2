package explain_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
)

// Two sites fetch the same file through a CDN keyed by URL alone: the
// second gets the reply stored for the first, with the first site's
// Access-Control-Allow-Origin. RunSession explains each fetch of the
// session for one browser; Explain adds the later fetch's fixes, each
// checked on the whole session.
func ExampleRunSession() {
	s, err := explain.Decode([]byte(`{
	  "cdn": {},
	  "request": {"origin": "https://a.example", "url": "https://cdn.example/logo.png"},
	  "then": [{"request": {"origin": "https://b.example", "url": "https://cdn.example/logo.png"}, "after_seconds": 1}],
	  "policy": {"format": "s3-json", "text": "[{\"AllowedOrigins\": [\"https://a.example\", \"https://b.example\"], \"AllowedMethods\": [\"GET\"]}]"}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	o := advise.Options(all.Registry())
	vs, err := explain.RunSession(s, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range vs {
		fmt.Println(v.Allowed, v.Reason, v.Requests[0].FromCDN)
	}
	v, err := explain.Explain(s, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range v.Then[0].Fixes {
		fmt.Println(f.Format, f.CDN.KeyHeaders, f.CDN.HonoursVary)
	}
	// Output:
	// true  false
	// false AllowOriginMismatch true
	// cdn [Origin] false
	// cdn [] true
}
