package express_test

import (
	"testing"

	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/policy"
)

const benchCode = "const cors = require('cors');\nconst opts = {\n  origin: ['https://a.test', /^https:\\/\\/.+\\.example\\.com$/],\n  credentials: true,\n  maxAge: 600,\n};\napp.use('/api', cors(opts));\n"

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := express.Parse(benchCode); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRespond(b *testing.B) {
	c, err := express.Parse(benchCode)
	if err != nil {
		b.Fatal(err)
	}
	app := policy.Reply{Status: 200}
	b.Run("type=preflight/cfg=regex", func(b *testing.B) {
		r := req("OPTIONS", "https://x.example.com", "Access-Control-Request-Headers", "content-type")
		r.URL = "https://api.test/api/items"
		for b.Loop() {
			c.Respond(r, app)
		}
	})
	b.Run("type=actual/cfg=regex", func(b *testing.B) {
		r := req("GET", "https://a.test")
		r.URL = "https://api.test/api/items"
		for b.Loop() {
			c.Respond(r, app)
		}
	})
}
