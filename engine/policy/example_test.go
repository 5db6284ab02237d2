package policy_test

import (
	"errors"
	"fmt"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// A registry resolves a configuration's format (here by detection), and
// the format's evaluator answers requests as that platform would, with the
// trace of the rule that decided.
func ExampleRegistry_Resolve() {
	reg := all.Registry()
	text := `<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`
	f, err := reg.Resolve("auto", policy.Source{Text: text})
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, err := f.Parse(text)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := ev.Respond(policy.Request{Method: "GET", URL: "https://b.s3.amazonaws.com/k",
		Header: headers.List{{Name: "Origin", Value: "https://app.example"}}}, policy.Reply{Status: 200})
	acao, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
	fmt.Println(f.Name(), acao, out.Rules[0].Matched)
	// Output:
	// s3-xml https://app.example true
}

// A reader's faults are a policy.Errors, each with its position; errors.As
// finds each one.
func ExampleErrors() {
	f, _ := all.Registry().Lookup("s3-json")
	_, err := f.Parse(`[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["FETCH"]}]`)
	var one *policy.Error
	if errors.As(err, &one) {
		fmt.Println(one.Path, "|", one.Msg)
	}
	// Output:
	// $[0].AllowedMethods[0] | Found unsupported HTTP method in CORS config. Unsupported method is FETCH
}
