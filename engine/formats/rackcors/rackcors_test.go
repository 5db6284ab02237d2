package rackcors_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/pylit/pylittest"
	"github.com/whycors/whycors/engine/formats/internal/servertest"
	"github.com/whycors/whycors/engine/formats/rackcors"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

func golden(t testing.TB) string { return postest.Golden(t, "cors.rb") }

// TestRespond: each row's expected reply is what rack-cors 2.0.2 and
// 3.0.0 (Debian 13's and sid's ruby-rack-cors, on Rack 2.2.22) answer;
// e2e/ruby holds the model to the real middleware behind Puma, and to
// 1.1.1's.
func TestRespond(t *testing.T) {
	c, err := rackcors.Parse(golden(t))
	if err != nil {
		t.Fatal(err)
	}
	ok := policy.Reply{Status: 200}
	const creds = "Access-Control-Allow-Credentials"
	tests := []struct {
		desc, source string
		req          policy.Request
		app          policy.Reply
		status       int
		want         map[string][]string
	}{
		{desc: "an allowed preflight is answered by the middleware, the requested headers echoed, no Vary", source: "Rack::Cors#call, Resource#to_preflight_headers",
			req: servertest.Req("OPTIONS", "/api/items/1", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "authorization,content-type"), status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example"}, "Access-Control-Allow-Methods": {"GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD"},
				"Access-Control-Allow-Headers": {"authorization,content-type"}, "Access-Control-Max-Age": {"600"}, creds: {"true"}, "Access-Control-Expose-Headers": {"X-Total-Count"}, "Vary": nil}},
		{desc: "a header the resource does not list: 200 and no CORS header", source: "Resource#process_preflight (MISS_DENY_HEADER)",
			req: servertest.Req("OPTIONS", "/api/items/1", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-api-key"), status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": nil, creds: nil}},
		{desc: "a refused origin's preflight: 200 and no CORS header", source: "Rack::Cors#process_preflight (no resource)",
			req: servertest.Req("OPTIONS", "/api/items/1", "Origin", "https://evil.example", "Access-Control-Request-Method", "PUT"), status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": nil}},
		{desc: "a regex origin, searched", source: "Resources#allow_origin? (Regexp#===)",
			req: servertest.Req("GET", "/api/items", "Origin", "https://pr-12.preview.example"), app: ok, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://pr-12.preview.example"}, "Vary": {"Origin"}}},
		{desc: "\"/api/*\" covers /apiary", source: "Resource#compile (\"/*\" is \\/?(.*?))",
			req: servertest.Req("GET", "/apiary", "Origin", "https://app.example"), app: ok, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example"}}},
		{desc: "the path is decoded and cleaned before it is matched", source: "Rack::Cors#evaluate_path (unescape_path, clean_path_info)",
			req: servertest.Req("GET", "/public/..%2Fapi/x", "Origin", "https://app.example"), app: ok, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example"}, creds: {"true"}}},
		{desc: "origins \"*\": Access-Control-Allow-Origin: *, methods: :get alone, and an empty expose line", source: "Resources#origins, Resource#to_headers",
			req: servertest.Req("GET", "/public/a.css", "Origin", "https://any.example"), app: ok, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"*"}, "Access-Control-Allow-Methods": {"GET"}, "Access-Control-Expose-Headers": {""}, "Access-Control-Max-Age": {"7200"}, creds: nil}},
		{desc: "no Origin: no CORS header, but Vary where a resource covers the path, a line after the application's Vary (read as \"vary\")", source: "Rack::Cors#call (vary_resource, headers['vary'])",
			req: servertest.Req("GET", "/api/items"), app: policy.Reply{Status: 200, Header: headers.List{{Name: "Vary", Value: "Accept-Encoding"}}}, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": nil, "Vary": {"Accept-Encoding", "Origin"}}},
		{desc: "no Origin, the application's vary in lower case: one line", source: "Rack::Cors#call (headers['vary'])",
			req: servertest.Req("GET", "/api/items"), app: policy.Reply{Status: 200, Header: headers.List{{Name: "vary", Value: "Accept-Encoding"}}}, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": nil, "Vary": {"Accept-Encoding, Origin"}}},
		{desc: "a path that holds \"://\" is still a path", source: "Rack::Cors#evaluate_path (PATH_INFO; e2e/ruby sent /api/https://x.example/1)",
			req: servertest.Req("GET", "/api/https://x.example/1", "Origin", "https://app.example"), app: ok, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://app.example"}, "Vary": {"Origin"}}},
		{desc: "X-Origin stands for a missing Origin", source: "Rack::Cors#call (HTTP_X_ORIGIN)",
			req: servertest.Req("GET", "/api/items", "X-Origin", "https://admin.example"), app: ok, status: 200,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://admin.example"}}},
		{desc: "a path with a NUL: the preflight is 400", source: "Rack::Cors#call (Rack::Utils.valid_path?)",
			req: servertest.Req("OPTIONS", "/api/%00", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT"), status: 400,
			want: map[string][]string{"Access-Control-Allow-Origin": nil}},
		{desc: "the application's own header stays: rack-cors' is merged under it", source: "Rack::Cors#call (add_headers.merge(headers))",
			req: servertest.Req("GET", "/api/items", "Origin", "https://app.example"), app: policy.Reply{Status: 500, Header: headers.List{{Name: "Access-Control-Allow-Origin", Value: "https://other.example"}}}, status: 500,
			want: map[string][]string{"Access-Control-Allow-Origin": {"https://other.example"}}},
	}
	for _, tt := range tests {
		servertest.Reply(t, tt.desc, tt.source, c.Respond(tt.req, tt.app), tt.status, tt.want)
	}
	// methods: false is [false] to rack-cors, not its default [:get]
	// (ensure_enum): a GET preflight gets no CORS header.
	never, err := rackcors.Parse("use Rack::Cors do\n  allow do\n    origins '*'\n    resource '*', methods: false\n  end\nend\n")
	if err != nil {
		t.Fatal(err)
	}
	servertest.Reply(t, "methods: false", "Resource#initialize (ensure_enum(false) is [false])",
		never.Respond(servertest.Req("OPTIONS", "/x", "Origin", "https://a.example", "Access-Control-Request-Method", "GET"), ok), 200, map[string][]string{"Access-Control-Allow-Origin": nil})
	// "*" stays once written: a later origins call replaces the list,
	// not @public_resources (an adversarial review ran it in rack-cors).
	sticky, err := rackcors.Parse("use Rack::Cors do\n  allow do\n    origins '*'\n    origins 'https://app.example'\n    resource '*'\n  end\nend\n")
	if err != nil {
		t.Fatal(err)
	}
	servertest.Reply(t, "origins \"*\" then another origins", "Resources#origins (@public_resources is never reset)",
		sticky.Respond(servertest.Req("GET", "/x", "Origin", "https://evil.example"), ok), 200, map[string][]string{"Access-Control-Allow-Origin": {"*"}})
}

// TestParseErrors: what rack-cors refuses when the application starts,
// and what whycors cannot read, each at its line and column.
func TestParseErrors(t *testing.T) {
	const head = "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n"
	tests := []struct {
		desc, source, text string
		line, col          int
		msg                string
	}{
		{desc: "credentials with origins \"*\"", source: "Resource#initialize (CorsMisconfigurationError)",
			text: head + "    origins \"*\"\n    resource \"*\", credentials: true\n  end\nend\n", line: 4, col: 19, msg: "CorsMisconfigurationError"},
		{desc: "ENV.fetch without a default or --param", source: "Ruby's ENV.fetch raises KeyError",
			text: head + "    origins ENV.fetch(\"CORS_ORIGINS\").split(\",\")\n    resource \"*\"\n  end\nend\n", line: 3, col: 13, msg: "--param CORS_ORIGINS"},
		{desc: "ENV[] not set: origins nil", source: "Resources#origins (Regexp.quote(nil) raises TypeError)",
			text: head + "    origins ENV[\"FRONT\"]\n    resource \"*\"\n  end\nend\n", line: 3, col: 13, msg: "TypeError"},
		{desc: "an origins block is code", source: "Resources#origins (blk)",
			text: head + "    origins { |source, env| true }\n    resource \"*\"\n  end\nend\n", line: 3, col: 5, msg: "block"},
		{desc: "a condition on the value", source: "whycors reads literals",
			text: head + "    origins Rails.env.production? ? \"https://a.example\" : \"http://localhost:3000\"\n    resource \"*\"\n  end\nend\n", line: 3, col: 13, msg: "code"},
		{desc: "a look-ahead RE2 lacks", source: "Go's regexp/syntax",
			text: head + "    origins /\\Ahttps:\\/\\/(?!evil).*\\z/\n    resource \"*\"\n  end\nend\n", line: 3, col: 13, msg: "look-around"},
		{desc: "an if: condition", source: "Resource#match? (if_proc)",
			text: head + "    origins \"https://a.example\"\n    resource \"*\", if: proc { |env| env[\"HTTP_HOST\"] == \"api.example\" }\n  end\nend\n", line: 4, col: 19, msg: "if:"},
		{desc: "something else in allow", source: "Rack::Cors::Resources (origins, resource)",
			text: head + "    origins \"https://a.example\"\n    puts \"hi\"\n  end\nend\n", line: 4, col: 5, msg: "origins and resource"},
		{desc: "no middleware", source: "the reader's input",
			text: "# Rails.application.config.middleware.insert_before 0, Rack::Cors do\n", line: 1, col: 1, msg: "no Rack::Cors"},
		{desc: "credentials after origins \"*\" and another origins call", source: "Resources#origins (@public_resources stays), Resource#initialize",
			text: head + "    origins \"*\"\n    origins \"https://a.example\"\n    resource \"*\", credentials: true\n  end\nend\n", line: 5, col: 19, msg: "CorsMisconfigurationError"},
		{desc: "a missing end", source: "the reader's input",
			text: head + "    origins \"https://a.example\"\n    resource \"*\"\nend\n", line: 1, col: 54, msg: "cannot be read"},
		{desc: "inside config.ru's map", source: "Rack::Builder#map (PATH_INFO without the mount point)",
			text: "map \"/api\" do\n  use Rack::Cors do\n    allow do\n      origins \"*\"\n      resource \"/v1/*\"\n    end\n  end\n  run App\nend\n", line: 1, col: 1, msg: "map"},
		{desc: "a string with interpolation", source: "Ruby's double-quoted strings",
			text: head + "    origins \"https://#{ENV['HOST']}\"\n    resource \"*\"\n  end\nend\n", line: 3, col: 13, msg: "#{"},
	}
	for _, tt := range tests {
		_, err := rackcors.Parse(tt.text)
		postest.Positions(t, tt.desc+" ("+tt.source+")", err, []policy.Error{{Line: tt.line, Column: tt.col}})
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want it to say %q", tt.desc, err, tt.msg)
		}
	}
}

func TestDetect(t *testing.T) {
	reg := all.Registry()
	if d := reg.Detect(golden(t)); len(d) != 1 || d[0].Format != "rack-cors" {
		t.Errorf("Detect = %v, want rack-cors alone", d)
	}
}

func TestCapabilities(t *testing.T) {
	pylittest.Capabilities(t, postest.Lookup(t, rackcors.Formats(), "rack-cors"), "rack-cors", "cors.rb", rackcors.Latest)
}

// TestEditText: each fix, made in the initializer and read back, lets
// the request that failed pass (the model's answer; e2e/ruby runs the
// middleware the model is held to).
func TestEditText(t *testing.T) {
	f := postest.Lookup(t, rackcors.Formats(), "rack-cors")
	const gen = "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins \"https://app.example\"\n\n    resource \"*\",\n      headers: :any,\n      methods: [:get, :post]\n  end\nend\n"
	pre := func(origin, method, acrh string) policy.Request {
		return servertest.Req("OPTIONS", "/api/x", "Origin", origin, "Access-Control-Request-Method", method, "Access-Control-Request-Headers", acrh)
	}
	ok := policy.Reply{Status: 200}
	tests := []struct {
		desc, text string
		e          fix.Edit
		req        policy.Request
		want       map[string]string
	}{
		{desc: "a method into the list", text: gen, e: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
			req: pre("https://app.example", "PUT", "x-a"), want: map[string]string{"Access-Control-Allow-Origin": "https://app.example"}},
		{desc: "an origin after the others", text: gen, e: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}},
			req: pre("https://b.example", "POST", "x-a"), want: map[string]string{"Access-Control-Allow-Origin": "https://b.example"}},
		{desc: "methods left out are [:get]: kept, with the new one", text: strings.Replace(gen, ",\n      methods: [:get, :post]", "", 1), e: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"DELETE"}},
			req: pre("https://app.example", "DELETE", ""), want: map[string]string{"Access-Control-Allow-Methods": "GET, DELETE"}},
		{desc: "headers left out: the one name", text: strings.Replace(gen, "      headers: :any,\n", "", 1), e: fix.Edit{Op: fix.Add, Field: fix.AllowHeaders, Values: []string{"X-Api-Key"}},
			req: pre("https://app.example", "POST", "x-api-key"), want: map[string]string{"Access-Control-Allow-Headers": "x-api-key"}},
		{desc: "a symbol method becomes a list", text: strings.Replace(gen, "[:get, :post]", ":get", 1), e: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PATCH"}},
			req: pre("https://app.example", "PATCH", ""), want: map[string]string{"Access-Control-Allow-Methods": "GET, PATCH"}},
		{desc: "credentials", text: gen, e: fix.Edit{Op: fix.Enable, Field: fix.Credentials},
			req: servertest.Req("GET", "/api/x", "Origin", "https://app.example"), want: map[string]string{"Access-Control-Allow-Credentials": "true"}},
		{desc: "a %i list", text: strings.Replace(gen, "[:get, :post]", "%i[get post]", 1), e: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
			req: pre("https://app.example", "PUT", ""), want: map[string]string{"Access-Control-Allow-Methods": "GET, POST, PUT"}},
	}
	braced := "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins \"https://app.example\"\n    resource \"*\", { headers: :any, credentials: true }\n  end\nend\n"
	trailing := "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins(\n      \"https://app.example\",\n    )\n    resource \"*\", headers: :any, methods: %i[get post]\n  end\nend\n"
	star := "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins \"*\"\n    resource \"*\", headers: :any, methods: %i[get post]\n  end\nend\n"
	tests = append(tests, []struct {
		desc, text string
		e          fix.Edit
		req        policy.Request
		want       map[string]string
	}{
		{desc: "methods into a braced options hash", text: braced, e: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"PUT"}},
			req: pre("https://app.example", "PUT", "x-a"), want: map[string]string{"Access-Control-Allow-Methods": "GET, PUT"}},
		{desc: "an origin after a trailing comma", text: trailing, e: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}},
			req: pre("https://b.example", "POST", ""), want: map[string]string{"Access-Control-Allow-Origin": "https://b.example"}},
		{desc: "a method that is no identifier, as a quoted symbol", text: gen, e: fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"M-SEARCH"}},
			req: pre("https://app.example", "M-SEARCH", ""), want: map[string]string{"Access-Control-Allow-Origin": "https://app.example"}},
		{desc: "the first origin of an empty origins()", text: strings.Replace(gen, `origins "https://app.example"`, `origins()`, 1), e: fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}},
			req: pre("https://b.example", "POST", ""), want: map[string]string{"Access-Control-Allow-Origin": "https://b.example"}},
		{desc: "\"*\" by the page's origin, so credentials can be allowed", text: star, e: fix.Edit{Op: fix.Replace, Field: fix.Origins, Old: "*", Values: []string{"https://app.example"}},
			req: pre("https://app.example", "POST", ""), want: map[string]string{"Access-Control-Allow-Origin": "https://app.example"}},
	}...)
	for _, tt := range tests {
		servertest.Edited(t, tt.desc, f, tt.text, tt.e, tt.req, ok, tt.want)
	}
	// An origin added to the constant the origins read, the one place
	// that names it (an adversarial review: the fix was reply lines).
	for _, form := range []string{"origins *FRONTENDS", "origins FRONTENDS", "origins(*FRONTENDS)"} {
		text := "FRONTENDS = %w[https://app.example].freeze\n" + strings.Replace(gen, `origins "https://app.example"`, form, 1)
		servertest.Edited(t, "an origin into a constant ("+form+")", f, text, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}},
			pre("https://b.example", "POST", ""), ok, map[string]string{"Access-Control-Allow-Origin": "https://b.example"})
	}
	shared := "FRONTENDS = [\"https://app.example\"]\nOTHER = FRONTENDS\n" + strings.Replace(gen, `origins "https://app.example"`, "origins *FRONTENDS", 1)
	if _, err := fix.Apply(f, shared, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}}); err == nil {
		t.Errorf("an origin added to a constant other code reads too: want no edit")
	}
	// credentials read from ENV or a constant: the variable's or the
	// constant's to change (a last look: both were rewritten).
	for _, text := range []string{
		strings.Replace(gen, "headers: :any,", "headers: :any, credentials: ENV[\"C\"],", 1),
		"CREDS = false\n" + strings.Replace(gen, "headers: :any,", "headers: :any, credentials: CREDS,", 1),
	} {
		if _, err := fix.Apply(f, text, fix.Edit{Op: fix.Enable, Field: fix.Credentials}); err == nil {
			t.Errorf("credentials from ENV or a constant edited:\n%s", text)
		}
	}
	// A value from the environment is the variable's to change.
	env := strings.Replace(gen, `origins "https://app.example"`, `origins ENV.fetch("CORS_ORIGINS", "https://app.example").split(",")`, 1)
	if _, err := fix.Apply(f, env, fix.Edit{Op: fix.Add, Field: fix.Origins, Values: []string{"https://b.example"}}); err == nil {
		t.Errorf("an origin added to ENV.fetch's default: want no edit")
	}
}

// TestCheckText: rack-cors' traps, each at its place (lib/rack/cors.rb
// 1.1.1).
func TestCheckText(t *testing.T) {
	f := postest.Lookup(t, rackcors.Formats(), "rack-cors").(lint.TextChecker)
	const head = "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n"
	tests := []struct {
		desc, source, text string
		want               []string // code@line:column
	}{
		{desc: "a method with capitals, a header as a symbol", source: "Resource#process_preflight, Resource#allow_headers?",
			text: head + "    origins \"https://a.example\"\n    resource \"/*\", methods: [\"GET\", :put], headers: [:authorization]\n  end\nend\n",
			want: []string{"method-never-matches@4:30", "header-symbol@4:54"}},
		{desc: "no methods; a host without a scheme; a prefix resource", source: "Resource#initialize, Resources#origins, Resource#compile",
			text: head + "    origins \"app.example\"\n    resource \"/api/*\"\n  end\nend\n",
			want: []string{"origin-any-scheme@3:13", "default-methods@4:5", "resource-prefix@4:14"}},
		{desc: "a scheme with a capital is no scheme to rack-cors: a host", source: "Resources#origins (%r{^[a-z][a-z0-9.+-]*://})",
			text: head + "    origins \"Capacitor://localhost\"\n    resource \"*\", methods: :any\n  end\nend\n",
			want: []string{"origin-custom-scheme@3:13"}},
		{desc: "a custom scheme is compared exactly from 2.0.0 (read unless a Gemfile.lock says 1.x)", source: "Resources#origins; 2.0.0's CHANGELOG",
			text: head + "    origins \"capacitor://localhost\"\n    resource \"*\", methods: :any\n  end\nend\n"},
		{desc: "a wildcard in a string, \"*\" as a header, a trailing slash", source: "Resources#allow_origin?, Resource#allow_headers?, Rack::Utils.clean_path_info",
			text: head + "    origins \"https://*.example.com\"\n    resource \"/file/list_all/\", headers: \"*\", methods: :any\n  end\nend\n",
			want: []string{"origin-pattern-literal@3:13", "header-star@4:42", "resource-trailing-slash@4:14"}},
		{desc: "\"null\" is a host", source: "Resources#origins",
			text: head + "    origins \"null\"\n    resource \"*\", methods: :any\n  end\nend\n",
			want: []string{"null-as-host@3:13"}},
		{desc: "the generated initializer with its origin written out", source: "rails new --api's config/initializers/cors.rb",
			text: head + "    origins \"https://example.com\"\n\n    resource \"*\",\n      headers: :any,\n      methods: [:get, :post, :put, :patch, :delete, :options, :head]\n  end\nend\n"},
	}
	for _, tt := range tests {
		var got []string
		for _, fd := range f.CheckText(tt.text) {
			got = append(got, fd.Code+"@"+strconv.Itoa(fd.Pos.Line)+":"+strconv.Itoa(fd.Pos.Column))
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s (%s): %v, want %v", tt.desc, tt.source, got, tt.want)
		}
	}
}

// FuzzParse: no input panics, every refusal has a position, and an
// accepted configuration answers a preflight and a request.
func FuzzParse(f *testing.F) {
	f.Add(postest.Golden(f, "cors.rb"))
	f.Add("use Rack::Cors do\n  allow do\n    origins '*'\n    resource '/public/*', headers: :any, methods: :get\n  end\nend\n")
	f.Add("Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins /a(?=b)/, ENV['X']\n    resource %r{\\A/x}, credentials: true, if: proc { true }\n  end\nend\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := rackcors.Parse(text)
		postest.Rejected(t, err)
		if err != nil {
			return
		}
		for _, req := range []policy.Request{
			servertest.Req("OPTIONS", "/api/x", "Origin", "https://app.example", "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-a"),
			servertest.Req("GET", "/%2e%2e/x", "Origin", "https://app.example"),
		} {
			c.Respond(req, policy.Reply{Status: 200})
		}
	})
}

// TestRegexes: Ruby's regex syntax as rack-cors' Regexp#=== reads it,
// against the Go syntax whycors compiles it to (e2e/ruby ran each).
func TestRegexes(t *testing.T) {
	tests := []struct {
		desc, regex, origin string
		allowed             bool
	}{
		{"\\h in a class is a hex digit", `%r{\Ahttps://[\h]+\.hex\.example\z}`, "https://0af.hex.example", true},
		{"\\h alone", `/\Ahttps:\/\/\h+\.hex\.example\z/`, "https://0ag.hex.example", false},
		{"unanchored: searched anywhere", `/good\.example/`, "https://good.example.evil.test", true},
		{"^ and $ are a line's, the same for an Origin", `/^https:\/\/a\.example$/`, "https://a.example", true},
		{"the i option", `/\Ahttps:\/\/A\.EXAMPLE\z/i`, "https://a.example", true},
	}
	for _, tt := range tests {
		c, err := rackcors.Parse("Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins " + tt.regex + "\n    resource \"*\"\n  end\nend\n")
		if err != nil {
			t.Errorf("%s: %v", tt.desc, err)
			continue
		}
		out := c.Respond(servertest.Req("GET", "/x", "Origin", tt.origin), policy.Reply{Status: 200})
		if _, got := out.Reply.Header.Get("Access-Control-Allow-Origin"); got != tt.allowed {
			t.Errorf("%s: %s allows %s: %v, want %v", tt.desc, tt.regex, tt.origin, got, tt.allowed)
		}
	}
}

// TestReadRules: a Ruby regex anchored with \A and \z is stated with ^
// and $, the anchors lint reads (an adversarial review: lint called the
// rack-cors README's own regex a suffix trap), and a heredoc elsewhere in
// the file is passed over.
func TestReadRules(t *testing.T) {
	text := "ALLOWED = <<~TXT\n  https://a.example\nTXT\n\nRails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins /\\Ahttps:\\/\\/(www|app)\\.example\\.com\\z/, /\\Ahttp:\\/\\/localhost:\\d+\\z/i\n    resource \"*\", methods: :any\n  end\nend\n"
	cfg, err := postest.Lookup(t, rackcors.Formats(), "rack-cors").(interface {
		ReadRules(string) (*portable.Config, error)
	}).ReadRules(text)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range cfg.Rules[0].Origins {
		got = append(got, o.Text)
	}
	want := []string{`^https:\/\/(www|app)\.example\.com$`, `^(?i)http:\/\/localhost:\d+$`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("origins %q, want %q", got, want)
	}
}

// TestReadSourceRules: lint and convert read ENV as --param gives it
// (an adversarial review: lint --param was refused), and methods: :any
// is the library's list, OPTIONS not one the user wrote.
func TestReadSourceRules(t *testing.T) {
	text := "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins ENV[\"CORS_ORIGINS\"].split(\",\")\n    resource \"*\", headers: :any, methods: :any\n  end\nend\n"
	f := postest.Lookup(t, rackcors.Formats(), "rack-cors").(interface {
		ReadSourceRules(policy.Source) (*portable.Config, error)
	})
	cfg, err := f.ReadSourceRules(policy.Source{Text: text, Params: map[string]string{"CORS_ORIGINS": "https://a.example,https://b.example"}})
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Rules[0]
	if len(r.Origins) != 2 || r.Origins[1].Text != "https://b.example" {
		t.Errorf("origins %+v, want the two of CORS_ORIGINS", r.Origins)
	}
	for _, m := range r.Methods {
		if !m.Default {
			t.Errorf("method %s of methods: :any is not the library's", m.Text)
		}
	}
}

// TestRailsEnv: an if, unless or else on Rails.env, around the
// middleware, an allow block or a call, runs as --param RAILS_ENV says
// (Rails' ActiveSupport::EnvironmentInquirer); without it the reader asks
// for it at the condition's place. e2e/ruby runs one such initializer.
func TestRailsEnv(t *testing.T) {
	text := "if Rails.env.production?\n  Rails.application.config.middleware.insert_before 0, Rack::Cors do\n    allow do\n      if Rails.env.production?\n        origins \"https://app.example\"\n      else\n        origins \"*\"\n      end\n      resource \"*\"\n    end\n  end\nend\n"
	tests := []struct {
		desc, env, origin, want string
	}{
		{"production: the if's origin", "production", "https://app.example", "https://app.example"},
		{"production: not the else's", "production", "https://other.example", ""},
		{"staging: the middleware is not added", "staging", "https://app.example", ""},
	}
	for _, tt := range tests {
		c, err := rackcors.ParseEnviron(text, map[string]string{"RAILS_ENV": tt.env})
		if err != nil {
			t.Fatalf("%s: %v", tt.desc, err)
		}
		got, _ := c.Respond(servertest.Req("GET", "/x", "Origin", tt.origin), policy.Reply{Status: 200}).Reply.Header.Get("Access-Control-Allow-Origin")
		if got != tt.want {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", tt.desc, got, tt.want)
		}
	}
	_, err := rackcors.Parse(text)
	postest.Positions(t, "no RAILS_ENV", err, []policy.Error{{Line: 5, Column: 9}, {Line: 7, Column: 9}})
	if err == nil || !strings.Contains(err.Error(), "--param RAILS_ENV") {
		t.Errorf("no RAILS_ENV: %v, want it to ask for it", err)
	}
}

// lockOf is a Gemfile.lock as Bundler writes it, naming rack-cors
// version.
func lockOf(version string) string {
	return "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.22)\n    rack-cors (" + version + ")\n      rack (>= 2.0.0)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rack-cors\n"
}

// TestVersions: where rack-cors 1.1.1 and 2.0.2/3.0.0 answer apart, the
// model answers as the Gemfile.lock after the Ruby says, and as 2.0.2
// and 3.0.0 without one, with a note (Debian's ruby-rack-cors 1.1.1-1,
// 2.0.2-1 and 3.0.0-1, lib/rack/cors.rb and lib/rack/cors/; e2e/ruby
// runs each).
func TestVersions(t *testing.T) {
	const ruby = "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins \"capacitor://localhost\", \"https://app.example\"\n    resource \"/price$/*\", methods: [:get, :put]\n  end\nend\n"
	f := postest.Lookup(t, rackcors.Formats(), "rack-cors").(*rackcors.Format)
	tests := []struct {
		desc, source, lock string
		allowApp           bool // capacitor://localhost's GET of /price$/x gets its CORS headers
		anchor             bool // "$" is the path's end: /price$/x is not covered, /price is
		notes              []string
		codes              []string // lint's findings of the source
	}{
		{desc: "no Gemfile.lock: 2.0.2 and 3.0.0's code, with a note at each place 1.x differs", source: "Resources#origins (%r{^[a-z][a-z0-9.+-]*://}), Resource#compile (special_chars %w[. + ( ) $])",
			allowApp: true, notes: []string{"line 3: rack-cors 2.0 and 3.0", "line 4: rack-cors 2.0 and 3.0"}},
		{desc: "Gemfile.lock's 2.0.2", source: "as above", lock: lockOf("2.0.2"), allowApp: true},
		{desc: "Gemfile.lock's 3.0.0", source: "as above", lock: lockOf("3.0.0"), allowApp: true},
		{desc: "Gemfile.lock's 1.1.1: the custom scheme is a host name, \"$\" an anchor", source: "1.1.1's Resources#origins (/^https?:\\/\\//), Resource#compile (special_chars %w{. + ( )})",
			lock: lockOf("1.1.1"), anchor: true, codes: []string{"origin-custom-scheme"}},
		{desc: "Gemfile.lock's 1.0.3: answered as 1.1.1's code, said so", source: "as above", lock: lockOf("1.0.3"), anchor: true,
			notes: []string{"rack-cors 1.0.3 (Gemfile.lock) is answered as 1.1.1's code"}, codes: []string{"origin-custom-scheme"}},
		{desc: "Gemfile.lock's 2.0.1: 2.0.2's code, said so", source: "2.0.0's CHANGELOG", lock: lockOf("2.0.1"), allowApp: true,
			notes: []string{"rack-cors 2.0.1 (Gemfile.lock) is answered as 2.0.2's and 3.0.0's code"}},
		{desc: "Gemfile.lock's 4.1.0: newer than the model, said so", source: "as above", lock: lockOf("4.1.0"), allowApp: true,
			notes: []string{"rack-cors 4.1.0 (Gemfile.lock) is newer than whycors knows: answered as 3.0.0's code"}},
	}
	get := func(c *rackcors.Config, path string) bool {
		out := c.Respond(servertest.Req("GET", path, "Origin", "capacitor://localhost"), policy.Reply{Status: 200})
		v, _ := out.Reply.Header.Get("Access-Control-Allow-Origin")
		return v == "capacitor://localhost"
	}
	for _, tt := range tests {
		src := policy.Source{Files: []policy.File{{Name: "config/initializers/cors.rb", Text: ruby}}}
		if tt.lock != "" {
			src.Files = append(src.Files, policy.File{Name: "Gemfile.lock", Text: tt.lock})
		}
		ev, err := f.ParseSource(src)
		if err != nil {
			t.Errorf("%s: %v", tt.desc, err)
			continue
		}
		c := ev.(*rackcors.Config)
		if got := get(c, "/price$/x"); got != tt.allowApp {
			t.Errorf("%s (%s): capacitor://localhost's GET of /price$/x allowed = %v, want %v", tt.desc, tt.source, got, tt.allowApp)
		}
		// https://app.example is exact in every version: "$" alone decides.
		app := func(path string) bool {
			out := c.Respond(servertest.Req("GET", path, "Origin", "https://app.example"), policy.Reply{Status: 200})
			_, ok := out.Reply.Header.Get("Access-Control-Allow-Origin")
			return ok
		}
		if app("/price$/x") == tt.anchor || app("/price") != tt.anchor {
			t.Errorf("%s (%s): /price$/x covered %v, /price %v; want \"$\" read as an anchor: %v", tt.desc, tt.source, app("/price$/x"), app("/price"), tt.anchor)
		}
		if len(c.Notes) != len(tt.notes) {
			t.Errorf("%s: notes %q, want %d", tt.desc, c.Notes, len(tt.notes))
		} else {
			for i, n := range tt.notes {
				if !strings.HasPrefix(c.Notes[i], n) {
					t.Errorf("%s: note %q, want it to start %q", tt.desc, c.Notes[i], n)
				}
			}
		}
		var codes []string
		for _, x := range f.CheckSource(src) {
			if x.Code != "resource-prefix" { // "/*", in every version
				codes = append(codes, x.Code)
			}
		}
		if strings.Join(codes, " ") != strings.Join(tt.codes, " ") {
			t.Errorf("%s: lint %q, want %q", tt.desc, codes, tt.codes)
		}
	}
}

// TestLockErrors: a Gemfile.lock out of place, or without rack-cors, is
// refused at its file and line.
func TestLockErrors(t *testing.T) {
	const ruby = "use Rack::Cors do\n  allow do\n    origins \"https://app.example\"\n    resource \"*\"\n  end\nend\n"
	f := postest.Lookup(t, rackcors.Formats(), "rack-cors").(*rackcors.Format)
	rb := policy.File{Name: "config.ru", Text: ruby}
	lock := policy.File{Name: "Gemfile.lock", Text: lockOf("2.0.2")}
	tests := []struct {
		desc  string
		files []policy.File
		want  string // file:line:column and the message's start
	}{
		{desc: "the lock before the Ruby", files: []policy.File{lock, rb}, want: "Gemfile.lock:1:1 rack-cors reads the Ruby that adds the middleware first"},
		{desc: "two Ruby files", files: []policy.File{rb, {Name: "other.rb", Text: ruby}}, want: "other.rb:1:1 rack-cors reads one Ruby file"},
		{desc: "a third file after the lock", files: []policy.File{rb, lock, {Name: "x.rb", Text: ruby}}, want: "x.rb:1:1 rack-cors reads one Ruby file"},
		{desc: "a lock without rack-cors", files: []policy.File{rb, {Name: "Gemfile.lock", Text: "GEM\n  specs:\n    rack (2.2.22)\n"}}, want: "Gemfile.lock:1:1 this Gemfile.lock names no rack-cors gem"},
		{desc: "a version that is no version", files: []policy.File{rb, {Name: "Gemfile.lock", Text: "GEM\n  specs:\n    rack-cors (x)\n"}}, want: "Gemfile.lock:3:16 rack-cors (x): not a version"},
	}
	for _, tt := range tests {
		_, err := f.ParseSource(policy.Source{Files: tt.files})
		var errs policy.Errors
		if e, ok := err.(policy.Errors); ok {
			errs = e
		}
		if len(errs) != 1 {
			t.Errorf("%s: %v, want one fault", tt.desc, err)
			continue
		}
		e := errs[0]
		if got := e.File + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column) + " " + e.Msg; !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: %q, want it to start %q", tt.desc, got, tt.want)
		}
	}
}
