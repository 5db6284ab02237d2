package worker_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/caddy"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Random policies for every family the worker enforces with its own
// evaluator (worker/platform_on.go's edgeFormats, issue 19's fixed list):
// the cloud platforms through each format's own writer (so the text is
// what the platform takes), the middlewares and proxies written here in
// their users' words. TestFamiliesCovered keeps this list equal to the
// worker's.

// family is one format family: its package (as worker/platform_on.go
// lists it), the worker-name prefix, and its generator, which returns a
// policy's text, its format name and the methods its rules list.
type family struct {
	pkg, prefix string
	gen         func(g *gen) (text, format string, methods []string)
}

// gen is the seeded randomness and the page's origin the generators draw
// from.
type gen struct {
	pick   func(int) int
	subset func([]string) []string
	page   string
}

// families are the families beyond native (chromium_test.go's own 50
// cases), each with platformWorkers policies of platformFetches fetches.
var families = []family{
	{"s3", "s3r", func(g *gen) (string, string, []string) {
		t, m := genS3(g.pick, g.subset, g.page)
		return t, "s3-json", m
	}},
	{"express", "exr", func(g *gen) (string, string, []string) {
		t, m := genExpress(g.pick, g.subset, g.page)
		return t, "express", m
	}},
	{"nginx", "ngr", func(g *gen) (string, string, []string) {
		t, m := genNginx(g.pick, g.subset, g.page)
		return t, "nginx", m
	}},
	// Each writer's form of the platform, picked at random.
	{"r2", "r2r", writerFamily("r2-json", "r2-api", "r2-cli", "r2-xml")},
	{"gcs", "gcs", writerFamily("gcs-json")},
	{"azure", "azr", writerFamily("azure-xml")},
	{"apigw", "agw", writerFamily("apigw-http")},
	{"cloudfront", "cfr", writerFamily("cloudfront-rhp")},
	{"lambdaurl", "lmb", writerFamily("lambda-url")},
	{"ec2", "ec2", func(*gen) (string, string, []string) {
		// A preset: the EC2 API's fixed policy (engine/platform/ec2).
		return "ec2\n", "ec2", []string{"GET", "POST", "DELETE", "PUT"}
	}},
	{"caddy", "cdy", func(g *gen) (string, string, []string) {
		p := randomPortable(g)
		// The directives alone, as Write's comment says to paste them: a
		// site block's address is matched against the request's URL,
		// which is the worker's own (":80" would match no request to
		// workerd's port).
		return caddy.Write(p) + "reverse_proxy app:3000\n", "caddy", methodsOf(p)
	}},
	{"apache", "apa", genApache},
	{"fastifycors", "fst", genFastify},
	{"honocors", "hno", genHono},
	{"koacors", "koa", genKoa},
}

// edgeRegistry reads every format the worker reads.
var edgeRegistry = policy.NewRegistry(all.Edge()...)

// writerFamily writes a random portable policy with the writer of one of
// names, retrying with another policy when the writer refuses one (a
// platform that cannot say some rule), so every policy is what the
// platform accepts.
func writerFamily(names ...string) func(g *gen) (string, string, []string) {
	return func(g *gen) (string, string, []string) {
		name := names[g.pick(len(names))]
		f, ok := edgeRegistry.Lookup(name)
		if !ok {
			panic("no format " + name)
		}
		w, ok := f.(convert.Writer)
		if !ok {
			panic(name + " has no writer")
		}
		for range 50 {
			p := randomPortable(g)
			text, err := w.WriteRules(p, nil, &portable.Notes{})
			if err == nil {
				return text, name, methodsOf(p)
			}
		}
		panic(name + " refused 50 random policies")
	}
}

// randomPortable is 1 to 3 rules naming the page's origin or not.
func randomPortable(g *gen) portable.Policy {
	var p portable.Policy
	for range 1 + g.pick(3) {
		var r portable.Rule
		switch g.pick(5) {
		case 0, 3:
			r.Origins = []string{g.page}
		case 1:
			r.Origins = []string{"https://app.example.com", g.page}
		case 2:
			r.Origins = []string{"https://app.example.com"} // not the page
		case 4:
			r.Origins = []string{"*"}
		}
		r.Methods = g.subset([]string{"GET", "PUT", "POST", "DELETE"})
		switch g.pick(3) {
		case 0:
			r.AllowHeaders = []string{"*"}
		case 1:
			r.AllowHeaders = g.subset([]string{"x-custom", "content-type"})
		}
		if g.pick(2) == 0 {
			r.ExposeHeaders = []string{"X-Request-Id"}
		}
		r.Credentials = g.pick(2) == 0
		if g.pick(3) == 0 {
			n := g.pick(600)
			r.MaxAge = &n
		}
		p.Rules = append(p.Rules, r)
	}
	return p
}

func methodsOf(p portable.Policy) []string {
	var out []string
	for _, r := range p.Rules {
		out = append(out, r.Methods...)
	}
	if len(out) == 0 {
		out = []string{"GET"}
	}
	return out
}

// genApache is an Apache virtual host: Header directives for the CORS
// headers (always or not), the origin fixed, or chosen by SetEnvIf, and
// preflights answered by a RewriteRule or handed to the application.
func genApache(g *gen) (string, string, []string) {
	var b strings.Builder
	b.WriteString("<VirtualHost *:80>\n")
	always := []string{"", "always "}[g.pick(2)]
	acao := ""
	switch g.pick(4) {
	case 0:
		acao = strconv.Quote(g.page)
	case 1:
		b.WriteString("    SetEnvIf Origin \"^http://127\\.0\\.0\\.1:[0-9]+$\" CORS_ORIGIN=$0\n")
		acao = "%{CORS_ORIGIN}e env=CORS_ORIGIN"
	case 2:
		acao = `"https://app.example.com"` // not the page
	case 3:
		acao = `"*"`
	}
	fmt.Fprintf(&b, "    Header %sset Access-Control-Allow-Origin %s\n", always, acao)
	methods := g.subset([]string{"GET", "PUT", "POST", "DELETE"})
	if len(methods) == 0 {
		methods = []string{"GET"}
	}
	fmt.Fprintf(&b, "    Header always set Access-Control-Allow-Methods %q\n", strings.Join(methods, ", "))
	if h := g.subset([]string{"X-Custom", "Content-Type"}); len(h) > 0 {
		fmt.Fprintf(&b, "    Header always set Access-Control-Allow-Headers %q\n", strings.Join(h, ", "))
	}
	if g.pick(2) == 0 {
		fmt.Fprintf(&b, "    Header %sset Access-Control-Allow-Credentials \"true\"\n", always)
	}
	if g.pick(2) == 0 {
		fmt.Fprintf(&b, "    Header %sset Access-Control-Expose-Headers \"X-Request-Id\"\n", always)
	}
	if g.pick(3) == 0 {
		fmt.Fprintf(&b, "    Header always set Access-Control-Max-Age \"%d\"\n", g.pick(600))
	}
	b.WriteString("    Header always merge Vary Origin\n")
	if g.pick(3) != 0 {
		b.WriteString("    RewriteEngine On\n    RewriteCond %{REQUEST_METHOD} OPTIONS\n    RewriteRule ^ - [R=204,L]\n")
	}
	b.WriteString("    ProxyPass / http://127.0.0.1:3000/\n</VirtualHost>\n")
	return b.String(), "apache", methods
}

// jsOptions are a Node CORS middleware's options in its own names: the
// origin (given), the methods, allowed and exposed headers, credentials
// and max age. It returns the options and the methods they list (def
// when the options leave them out).
func jsOptions(g *gen, origin, methodsKey, allowKey, exposeKey string, def []string) (string, []string) {
	opts := []string{origin}
	methods := g.subset([]string{"GET", "PUT", "POST", "DELETE"})
	if len(methods) == 0 {
		methods = def
	} else {
		opts = append(opts, methodsKey+": "+jsList(methods))
	}
	if h := g.subset([]string{"X-Custom", "Content-Type"}); len(h) > 0 {
		opts = append(opts, allowKey+": "+jsList(h))
	}
	if g.pick(2) == 0 {
		opts = append(opts, exposeKey+": ['X-Request-Id']")
	}
	if g.pick(2) == 0 {
		opts = append(opts, "credentials: true")
	}
	if g.pick(3) == 0 {
		opts = append(opts, "maxAge: "+strconv.Itoa(g.pick(600)))
	}
	return "{ " + strings.Join(opts, ", ") + " }", methods
}

// jsOrigin is an origin option: the page, a list with it, a regular
// expression matching it (when regexp), true (when reflect), or another
// origin.
func jsOrigin(g *gen, regexp, reflect bool) string {
	for {
		switch g.pick(5) {
		case 0:
			return "origin: " + jsString(g.page)
		case 1:
			return "origin: ['https://app.example.com', " + jsString(g.page) + "]"
		case 2:
			if regexp {
				return `origin: /^http:\/\/127\.0\.0\.1:\d+$/`
			}
		case 3:
			if reflect {
				return "origin: true"
			}
			return "origin: '*'"
		case 4:
			return "origin: 'https://app.example.com'" // not the page
		}
	}
}

// genFastify is @fastify/cors registered on a fastify instance.
func genFastify(g *gen) (string, string, []string) {
	opts, methods := jsOptions(g, jsOrigin(g, true, true), "methods", "allowedHeaders", "exposedHeaders", []string{"GET", "HEAD", "POST"})
	return "import Fastify from 'fastify'\nimport cors from '@fastify/cors'\nconst fastify = Fastify()\nawait fastify.register(cors, " + opts + ")\n", "fastify-cors", methods
}

// genHono is Hono's cors() mounted on every path.
func genHono(g *gen) (string, string, []string) {
	opts, methods := jsOptions(g, jsOrigin(g, false, false), "allowMethods", "allowHeaders", "exposeHeaders", []string{"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"})
	return "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\nconst app = new Hono()\napp.use('*', cors(" + opts + "))\n", "hono-cors", methods
}

// genKoa is @koa/cors, whose origin is one string (sent as written).
func genKoa(g *gen) (string, string, []string) {
	origin := []string{"origin: " + jsString(g.page), "origin: " + jsString(g.page), "origin: 'https://app.example.com'", "origin: '*'"}[g.pick(4)]
	opts, methods := jsOptions(g, origin, "allowMethods", "allowHeaders", "exposeHeaders", []string{"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"})
	return "const Koa = require('koa')\nconst cors = require('@koa/cors')\nconst app = new Koa()\napp.use(cors(" + opts + "))\n", "koa-cors", methods
}

// TestFamiliesCovered: the families the Chromium test draws policies from
// are the worker's (worker/platform_on.go's imports of format packages,
// native apart), and each generated policy is read by its format.
func TestFamiliesCovered(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot(), "worker", "platform_on.go"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range regexp.MustCompile(`"github.com/whycors/whycors/engine/(?:formats|platform)/(\w+)"`).FindAllStringSubmatch(string(src), -1) {
		if m[1] != "native" {
			want = append(want, m[1])
		}
	}
	var got []string
	for _, f := range families {
		got = append(got, f.pkg)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("families %v, the worker's %v", got, want)
	}
	for _, p := range genPlatformPolicies(chromeSeed(), "http://127.0.0.1:1234") {
		f, ok := edgeRegistry.Lookup(p.format)
		if !ok {
			t.Errorf("%s: no format %s", p.worker, p.format)
			continue
		}
		if _, err := policy.Parse(f, policy.Source{Text: p.text}); err != nil {
			t.Errorf("%s: %s refuses its own random policy: %v\n%s", p.worker, p.format, err, p.text)
		}
		if d, err := edgeRegistry.Resolve("auto", policy.Source{Text: p.text}); err != nil || d.Name() != p.format {
			t.Logf("%s: detected as %v (%v), configured as %s", p.worker, d, err, p.format)
		}
	}
}
