package nginx_test

import (
	"testing"

	"github.com/whycors/whycors/engine/formats/nginx"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := nginx.Parse(mapped); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRespond(b *testing.B) {
	c, err := nginx.Parse(mapped)
	if err != nil {
		b.Fatal(err)
	}
	req := policy.Request{Method: "GET", URL: "https://h/api/items", Header: headers.List{{Name: "Origin", Value: "https://www.example.com"}}}
	app := policy.Reply{Status: 200}
	b.Run("type=actual/cfg=map-regex", func(b *testing.B) {
		for b.Loop() {
			c.Respond(req, app)
		}
	})
	cl, err := nginx.Parse(classic)
	if err != nil {
		b.Fatal(err)
	}
	pre := policy.Request{Method: "OPTIONS", URL: "https://h/x", Header: headers.List{{Name: "Origin", Value: "https://a"}}}
	b.Run("type=preflight/cfg=classic", func(b *testing.B) {
		for b.Loop() {
			cl.Respond(pre, app)
		}
	})
}
