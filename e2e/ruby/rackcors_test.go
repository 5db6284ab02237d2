package ruby_test

import (
	"fmt"
	"math/rand"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/e2e/internal/mwtest"
	"github.com/whycors/whycors/engine/formats/rackcors"
	"github.com/whycors/whycors/engine/policy"
)

// pick returns one of xs.
func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.Intn(len(xs))] }

// originSpecs are arguments of origins as users write them: strings
// without a scheme (rack-cors makes them a pattern of any scheme), with
// one (compared as they are), "*", and regular expressions.
var originSpecs = []string{
	`"app.example"`,
	`"localhost:3000"`,
	`"https://app.example"`,
	`"http://app.example"`,
	`"https://app.example/"`,
	`"HTTPS://APP.EXAMPLE"`,
	`"App.Example"`,
	`"*"`,
	`"null"`,
	`"file://"`,
	`"https://*.good.example"`,
	`/\Ahttps:\/\/.*\.good\.example\z/`,
	`/good\.example/`,
	`/\Ahttps:\/\/app\.example\z/i`,
	`/^https?:\/\/localhost:\d+$/`,
	`%r{\Ahttps://[a-z0-9-]+\.preview\.example\z}`,
	`["https://a.example", "https://b.example"]`,
	`ENV.fetch("WHYCORS_ORIGINS", "https://d.example").split(",")`,
	`ENV.fetch("WHYCORS_UNSET", "https://e.example,localhost:3000").split(",")`,
	`''`,
}

// resourcePaths are resource patterns: rack-cors compiles a string (*,
// /*, :name) into an anchored regular expression and uses a Regexp as
// it is; each with a path it covers.
var resourcePaths = []struct{ pattern, sample string }{
	{`"*"`, "/api/x"},
	{`"/api/*"`, "/api/x"},
	{`"/api/*"`, "/api/x"},
	{`"/api"`, "/api"},
	{`"/public/*.json"`, "/public/a.json"},
	{`"/users/:id"`, "/users/42"},
	{`"/api/v1/*"`, "/api/v1/items"},
	{`%r{\A/api/v\d+/}`, "/api/v1/items"},
	{`"/"`, "/"},
	{`'/users/:id/edit'`, "/users/42/edit"},
}

// genOptions writes a resource's options.
func genOptions(r *rand.Rand) string {
	var kw []string
	if r.Intn(4) != 0 {
		kw = append(kw, "headers: "+pick(r, ":any", ":any", `["X-A", "x-b"]`, `"x-a"`, `["Authorization"]`, `%w[x-a content-type]`, `[:authorization, "X-A"]`))
	}
	if r.Intn(4) != 0 {
		kw = append(kw, "methods: "+pick(r, ":any", "[:get, :post]", "[:get, :post, :put, :patch, :delete, :options, :head]", `["GET", "POST"]`, ":put", `"post"`, `[:get, "PUT"]`, "%i[get post put]"))
	}
	if r.Intn(3) == 0 {
		kw = append(kw, "expose: "+pick(r, `"X-Total"`, `["X-Total", "X-Page"]`, `%w[ETag]`, `[:etag, "X-Total"]`))
	}
	if r.Intn(3) == 0 {
		kw = append(kw, "max_age: "+pick(r, "600", "0", "86_400"))
	}
	if r.Intn(3) == 0 {
		kw = append(kw, "credentials: "+pick(r, "true", "false", "true"))
	}
	if r.Intn(6) == 0 {
		kw = append(kw, "vary: "+pick(r, `"Accept"`, `["Accept", "Authorization"]`))
	}
	if len(kw) == 0 {
		return ""
	}
	if r.Intn(5) == 0 {
		// hash braces, as some write
		return ", {" + strings.Join(kw, ", ") + "}"
	}
	return ", " + strings.Join(kw, ", ")
}

// friendly are origins specs with origins they admit, so that the
// requests sent to a configuration often pass its origin check.
var friendly = []struct {
	spec    string
	origins []string
}{
	{`"app.example"`, []string{"https://app.example", "http://app.example"}},
	{`"https://app.example"`, []string{"https://app.example"}},
	{`/\Ahttps:\/\/.*\.good\.example\z/`, []string{"https://x.good.example"}},
	{`ENV.fetch("WHYCORS_ORIGINS", "https://d.example").split(",")`, []string{"https://b.example", "http://localhost:3000"}},
	{`"localhost:3000"`, []string{"http://localhost:3000"}},
	{`"*"`, []string{"https://anyone.example"}},
}

// hints are origins some allow block admits and paths its resources
// cover, which the requests to it use often.
type hints struct{ origins, paths []string }

// genRackCors writes one configuration: a Rails initializer (mostly) or
// a config.ru, of one to three allow blocks.
func genRackCors(r *rand.Rand) (src string, h hints) {
	var b strings.Builder
	blocks := 1 + r.Intn(3)
	for i := 0; i < blocks; i++ {
		var origins []string
		if r.Intn(5) < 3 {
			// one origin that the hints meet
			f := pick(r, friendly...)
			origins = append(origins, f.spec)
			h.origins = append(h.origins, f.origins...)
		}
		for n := 1 + r.Intn(3); n > 0; n-- {
			o := pick(r, originSpecs...)
			if o == `"*"` && r.Intn(2) == 0 {
				// "*" alone is common; less so among others
				origins = []string{o}
				break
			}
			origins = append(origins, o)
		}
		b.WriteString("  allow do\n    origins " + strings.Join(origins, ", ") + "\n")
		for n := 1 + r.Intn(3); n > 0; n-- {
			opts := genOptions(r)
			if slices.Contains(origins, `"*"`) && r.Intn(4) != 0 {
				// rack-cors refuses credentials with "*": seldom generated
				// (a hand-written case holds it)
				opts = strings.ReplaceAll(opts, "credentials: true", "credentials: false")
			}
			rp := pick(r, resourcePaths...)
			h.paths = append(h.paths, rp.sample)
			b.WriteString("    resource " + rp.pattern + opts + "\n")
		}
		b.WriteString("  end\n")
	}
	body := b.String()
	switch r.Intn(6) {
	case 0:
		return "# config.ru\nrequire 'rack/cors'\n\nuse Rack::Cors do\n" + body + "end\n\nrun Rails.application\n", h
	case 1:
		return "# Be sure to restart your server when you modify this file.\n\n# Handle Cross-Origin Resource Sharing (CORS) in order to accept cross-origin AJAX requests.\n\n# Read more: https://github.com/cyu/rack-cors\n\nRails.application.config.middleware.insert_before 0, Rack::Cors do\n" + body + "end\n", h
	default:
		return "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n" + body + "end\n", h
	}
}

// handWritten are configurations written to hold what the generator
// reaches seldom.
var handWritten = []string{
	// Conditions on Rails.env around allow blocks and calls, with else.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  if Rails.env.production?
    allow do
      origins "https://app.example"
      resource "/api/*", headers: :any, methods: %i[get post put delete]
    end
  else
    allow do
      origins "*"
      resource "*", headers: :any, methods: :any
    end
  end
  allow do
    if Rails.env.development?
      origins "localhost:3000"
    else
      origins "https://admin.example"
    end
    resource "*", methods: [:get]
  end
end
`,
	// A choice on Rails.env, which RAILS_ENV (production, the server's
	// and the model's environ) decides.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins Rails.env.production? ? "https://app.example" : "http://localhost:3000"
    resource "*", headers: :any, methods: Rails.env.development? ? :any : %i[get post]
  end
end
`,
	// methods: false is [false] to rack-cors, not its default (a last
	// look found the model taking [:get]); an origins "*" followed by
	// another origins call, whose "*" stays.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "*"
    origins "https://app.example"
    resource "/public/*", methods: false
    resource "*", { headers: :any, methods: [:get, :post, :put] }
  end
end
`,
	// The brief's example.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "app.example", /\Ahttps:\/\/.*\.good\.example\z/
    resource "/api/*", headers: :any, methods: [:get, :post, :put], credentials: true, max_age: 600, expose: ["X-Total"]
  end
end
`,
	// Origins without a scheme; every method and header.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "app.example", "localhost:3000"
    resource "*", headers: :any, methods: :any
  end
end
`,
	// Origins with a trailing slash, in capitals, "null" and "file://";
	// methods as capital strings (never equal to a lowercased request
	// method); expose as one string.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "https://app.example/", "HTTPS://APP.EXAMPLE", "null", "file://", "http://app.example"
    resource "/api/*", methods: ["GET", "POST"], expose: "X-Total, X-Page"
  end
end
`,
	// A config.ru: "*" with path patterns.
	`require 'rack/cors'

use Rack::Cors do
  allow do
    origins '*'
    resource '/public/*.json', headers: :any, methods: [:get, :options]
    resource '/users/:id', methods: :any, max_age: 0
  end
end

run ->(env) { [200, {}, ["app"]] }
`,
	// Several allow blocks: the first whose origin and resource match
	// answers; Vary comes from the first resource whose path matches.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins /\Ahttps:\/\/.*\.good\.example\z/
    resource "/api/*", credentials: true, methods: %i[get post put delete], headers: %w[x-a x-b]
  end

  allow do
    origins /good\.example/
    resource "*", vary: ["Accept"], methods: [:get, :put]
  end

  allow do
    origins "*"
    resource "/api", methods: [:post]
  end
end
`,
	// A case-insensitive regular expression, a Regexp path, headers as a
	// list and missing.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins /\Ahttps:\/\/app\.example\z/i
    resource %r{\A/api/v\d+/}, headers: ["X-A", "x-b"], vary: "Accept", methods: [:get, :put]
    resource "/users/:id", methods: [:get, :delete]
  end
end
`,
	// The environment: one variable set, one never.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins ENV.fetch("WHYCORS_ORIGINS", "https://d.example").split(",")
    resource "/api/*", headers: "x-a", methods: [:get, :post]
  end

  allow do
    origins ENV.fetch("WHYCORS_UNSET", "https://e.example,app.example").split(",")
    resource "*", expose: ["X-Total"], max_age: 600
  end
end
`,
	// A resource declared before origins "*": it is not public (the
	// origin is echoed and credentials kept).
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    resource "/api/*", credentials: true, methods: [:get, :post]
    origins "*"
    resource "/public/*.json"
  end
end
`,
	// Credentials with "*": rack-cors raises, so the app does not boot.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "*"
    resource "*", headers: :any, methods: [:get, :post], credentials: true
  end
end
`,
	// config/application.rb, as rack-cors' README writes it.
	`require_relative "boot"

require "rails/all"

module YourApp
  class Application < Rails::Application
    config.load_defaults 7.0

    config.middleware.insert_before 0, Rack::Cors do
      allow do
        origins 'localhost:3000', '127.0.0.1:3000', /\Ahttp:\/\/192\.168\.0\.\d{1,3}(:\d+)?\z/
        resource '*', headers: :any, methods: [:get, :post, :patch, :put]
      end
    end
  end
end
`,
	// Blocks taking their object, and an empty origin string (dropped).
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do |config|
  config.allow do |allow|
    allow.origins ["https://a.example", ""], "https://b.example"
    allow.resource "/api", methods: :post, headers: :any, expose: %w[X-Total X-Page]
    allow.resource "/api/*", methods: [:get]
  end
end
`,
	// A config.ru whose middleware is used with keyword options, with
	// its default methods (get) and headers.
	`use Rack::Cors, debug: false do
  allow do
    origins 'https://app.example', 'http://localhost:3000'
    resource '/api/*'
    resource '/users/:id', headers: ['X-A'], methods: :delete
  end
end
`,
	// ENV[] (set), and origins called twice: the second list replaces
	// the first; credentials given as a string is not true.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "https://a.example"
    origins ENV["WHYCORS_ORIGINS"].split(",")
    resource "/api/*", methods: [:get, :post, :options], credentials: "true", max_age: "600"
  end
end
`,
	// config.middleware.use, and a path pattern with dots and a name.
	`Rails.application.config.middleware.use Rack::Cors do
  allow do
    origins "app.example"
    resource "/api/v1.0/*", methods: :any, headers: :any
    resource "/users/:id.json", methods: %i[get head]
  end
end
`,
	// rack-cors' README: debug and a logger (debug adds X-Rack-CORS,
	// which is not compared), without its resource with if: (a proc,
	// run for each request, which the model refuses to guess).
	`Rails.application.config.middleware.insert_before 0, Rack::Cors, debug: true, logger: (-> { Rails.logger }) do
  allow do
    origins 'localhost:3000', '127.0.0.1:3000',
            /\Ahttp:\/\/192\.168\.0\.\d{1,3}(:\d+)?\z/
            # regular expressions can be used here

    resource '/file/list_all/', :headers => 'x-domain-token'
    resource '/file/at/*',
        methods: [:get, :post, :delete, :put, :patch, :options, :head],
        headers: 'x-domain-token',
        expose: ['Some-Custom-Response-Header'],
        max_age: 600
        # headers to expose
  end

  allow do
    origins '*'
    resource '/public/*', headers: :any, methods: :get
  end
end
`,
	// Ruby's \h (a hex digit) and a group; the model refuses the x
	// flag (free spacing), so it is not here.
	`Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins %r{\Ahttps://(app|[\h]+\.hex)\.example\z}
    resource "*", methods: %i[get post], headers: :any
  end
end
`,
	// config/environments/production.rb's configure block.
	`Rails.application.configure do
  config.middleware.insert_before 0, Rack::Cors do
    allow do
      origins "https://app.example"
      resource "/api/*", methods: :any, headers: %w[Authorization X-A]
    end
  end
end
`,
}

// versionsApart is a configuration rack-cors 1.1.1 and 2.0.2 answer
// apart: origins with custom schemes (hosts to 1.1.1, exact from 2.0.0)
// and resource paths with "$" (an anchor to 1.1.1, a "$" from 2.0.0).
const versionsApart = `Rails.application.config.middleware.insert_before 0, Rack::Cors do
  allow do
    origins "capacitor://localhost", "ionic://localhost", "Capacitor://app", "app+x.y-z://host", "https://app.example"
    resource "/price$/*", headers: :any, methods: [:get, :put]
    resource "/cost$", methods: :any
    resource "/api/*", methods: [:get]
  end
end
`

// handOrigins are origins the hand-written configurations admit, which
// their requests use often.
var handOrigins = []string{"https://app.example", "http://localhost:3000", "http://192.168.0.7:3000", "https://0af.hex.example", "https://x.good.example", "https://b.example"}

// reqOrigins are the Origin values sent.
var reqOrigins = []string{
	"https://app.example", "https://app.example", "http://app.example", "HTTPS://APP.EXAMPLE", "https://App.Example",
	"https://app.example/", "ftp://app.example", "https://app.example:8443", "https://app.example.evil",
	"https://x.good.example", "https://good.example", "https://notgood.example", "https://good.example.evil",
	"http://localhost:3000", "https://localhost:3000", "http://localhost:8080", "http://192.168.0.7:3000",
	"null", "file://", "https://*.good.example", "https://pr-1.preview.example",
	"https://a.example", "https://b.example", "https://d.example", "https://e.example", "",
	"chrome-extension://app.example", "HTTP://app.example", "https://appxexample", "https://0af.hex.example", "https://xyz.hex.example",
}

// likelyOrigins are origins most configurations allow, sent half the
// time so that many requests reach the resources' checks.
var likelyOrigins = []string{"https://app.example", "http://app.example", "http://localhost:3000", "https://x.good.example", "https://b.example", "https://a.example"}

// paths are the raw request targets sent (percent-encoding, dot
// segments and double slashes kept).
var paths = []string{
	"/api/x", "/api/x", "/api", "/api/", "/apiary", "/API/x", "/api/../public/x.json", "/api%2Fx", "//api/x",
	"/public/a.json", "/public/sub/a.json", "/public/a.jsonx", "/users/42", "/users/42/edit", "/users/", "/",
	"/other", "/api/x?y=1", "/api/v1/items", "/api/v2/", "/api/./x", "/api/%FF", "/api/x%00", "/%61pi/x",
	"/api/v1.0/x", "/api/v1x0/x", "/users/42.json", "/api/https://x.example/1", "/users/4%2F2", "/api/x%3Fy", "/users/4%3F2",
	"/users/42/", "/../api/x", "/api//x", "/public/%2e%2e/api/x", "/api/x/",
}

var acrms = []string{"GET", "get", "Get", "POST", "post", "PUT", "put", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO"}

var acrhs = []string{"x-a", "X-A", "x-a, x-b", "x-a,x-b", "x-a,  x-b", "x-a ,x-b", "content-type", "Content-Type, Accept", "authorization", "x-c", "", "accept-language,content-language", "x-a, content-type", "x-a,", ",x-a", "x-a,,x-b", "x-a,\tx-b"}

// genProbes writes n requests, their origins often among hints.
func genProbes(r *rand.Rand, n int, h hints) []probe {
	out := make([]probe, 0, n)
	for i := 0; i < n; i++ {
		var p probe
		switch k := r.Intn(5); {
		case k < 2 && len(h.paths) > 0:
			p.req.URL = pick(r, h.paths...)
		case k < 3:
			p.req.URL = pick(r, "/api/x", "/api/v1/items", "/public/a.json", "/users/42", "/")
		default:
			p.req.URL = pick(r, paths...)
		}
		o := func() string {
			switch r.Intn(10) {
			case 0, 1, 2, 3, 4:
				if len(h.origins) > 0 {
					return pick(r, h.origins...)
				}
				fallthrough
			case 5, 6:
				return pick(r, likelyOrigins...)
			}
			return pick(r, reqOrigins...)
		}
		origin := func() {
			switch r.Intn(12) {
			case 0: // none
			case 1: // X-Origin, which rack-cors reads when Origin is missing
				p.req.Header.Add("X-Origin", o())
			case 2: // both
				p.req.Header.Add("Origin", o())
				p.req.Header.Add("X-Origin", o())
			default:
				p.req.Header.Add("Origin", o())
			}
		}
		switch r.Intn(2) {
		case 0: // preflight
			p.req.Method = "OPTIONS"
			origin()
			if r.Intn(8) != 0 {
				if r.Intn(2) == 0 {
					p.req.Header.Add("Access-Control-Request-Method", pick(r, "GET", "get", "POST"))
				} else {
					p.req.Header.Add("Access-Control-Request-Method", pick(r, acrms...))
				}
			}
			if r.Intn(5) < 2 {
				p.req.Header.Add("Access-Control-Request-Headers", pick(r, acrhs...))
				if r.Intn(8) == 0 {
					// a second line, which puma joins with ", "
					p.req.Header.Add("Access-Control-Request-Headers", pick(r, "x-b", "x-c"))
				}
			}
		default:
			p.req.Method = pick(r, "GET", "GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD")
			origin()
		}
		// What the application answers (a preflight rack-cors answers
		// itself never reaches it).
		if r.Intn(6) == 0 {
			p.upStatus = pick(r, 404, 500, 201)
		}
		if r.Intn(5) == 0 {
			p.upVary = pick(r, "Accept-Encoding", "Accept-Encoding, Origin", "Origin", "accept-encoding,origin", "Accept-Encoding ,Accept", "origin", "*")
		}
		out = append(out, p)
	}
	return out
}

// TestRackCors compares rackcors' model with rack-cors itself, in puma,
// on the hand-written configurations and 40 generated ones, 15 to 25
// requests each.
func TestRackCors(t *testing.T) {
	r := rand.New(rand.NewSource(1_1_1))
	var cases []testCase
	add := func(id, src string, h hints) {
		cases = append(cases, testCase{id: id, source: src, probes: genProbes(r, 15+r.Intn(11), h)})
	}
	for i, src := range handWritten {
		add(fmt.Sprintf("h%d", i), src, hints{origins: handOrigins, paths: []string{"/api/x", "/file/at/x", "/public/a.json", "/users/42"}})
	}
	for i := 0; i < 40; i++ {
		src, h := genRackCors(r)
		add(fmt.Sprintf("g%d", i), src, h)
	}
	// Where the versions answer apart (Resources#origins' scheme test,
	// Resource#compile's "$"), twice, after the generated ones so that
	// they keep their draws.
	for i := 0; i < 2; i++ {
		add(fmt.Sprintf("v%d", i), versionsApart, hints{
			origins: []string{"capacitor://localhost", "ionic://localhost", "capacitor://app", "Capacitor://app", "app+x.y-z://host", "https://app.example", "http://capacitor://localhost"},
			paths:   []string{"/price$/x", "/price", "/price$", "/cost$", "/cost", "/price%24/x", "/pricex/y"}})
	}
	reads := map[string]bool{}
	rackup := false
	for _, c := range cases {
		for _, v := range []string{"WHYCORS_ORIGINS", "WHYCORS_UNSET"} {
			reads[v] = reads[v] || strings.Contains(c.source, v)
		}
		rackup = rackup || strings.Contains(c.source, "\nuse Rack::Cors") || strings.HasPrefix(c.source, "use Rack::Cors")
	}
	if !reads["WHYCORS_ORIGINS"] || !reads["WHYCORS_UNSET"] || !rackup {
		t.Fatalf("the configurations miss a case: environment read %v, config.ru %v", reads, rackup)
	}
	configs := make([]config, len(cases))
	for i, c := range cases {
		configs[i] = config{ID: c.id, Source: c.source}
	}
	// Debian 12's rack-cors, then each unpacked from a later release; the
	// model answers as the version each server reports.
	ran := map[string]bool{}
	for _, lib := range append([]string{""}, mwtest.Unpacked(t, rubyLib, "ruby-rack-cors")...) {
		srv := start(t, configs, lib)
		version := rackCorsVersion(srv.versions)
		ran[srv.versions] = true
		t.Run("rack-cors "+version, func(t *testing.T) {
			run(t, srv, cases, func(src string) (model, error) {
				c, err := rackcors.ParseVersion(src, environ, version)
				if err != nil {
					return nil, err
				}
				return c, nil
			})
		})
	}
	for _, v := range mwtest.Recorded(t, "rack-cors") {
		if !ran[v] && os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Errorf("testdata/versions.txt records %s, which no server ran: scripts/test's setup unpacks Debian trixie's and sid's ruby-rack-cors into ~/.cache/whycors/deb (deb_unpack)", v)
		}
	}
}

var _ policy.Evaluator = (*rackcors.Config)(nil)
