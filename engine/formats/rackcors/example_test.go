package rackcors_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/formats/rackcors"
	"github.com/whycors/whycors/engine/policy"
)

// rack-cors compares the request's method lowercased with the methods as
// written: a preflight for PUT gets no CORS header from "PUT".
func Example() {
	c, err := rackcors.Parse(`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "https://app.example"
    resource "*", headers: :any, methods: ["GET", "PUT"]
  end
end`)
	if err != nil {
		fmt.Println(err)
		return
	}
	req := policy.Request{Method: "OPTIONS", URL: "/items/1"}
	req.Header.Add("Origin", "https://app.example")
	req.Header.Add("Access-Control-Request-Method", "PUT")
	out := c.Respond(req, policy.Reply{Status: 200})
	v, ok := out.Reply.Header.Get("Access-Control-Allow-Origin")
	fmt.Println(out.Reply.Status, v, ok)
	// Output: 200  false
}
