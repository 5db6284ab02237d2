package node

import (
	"math/rand"
	"testing"

	"github.com/whycors/whycors/engine/formats/fastifycors"
	"github.com/whycors/whycors/engine/formats/honocors"
	"github.com/whycors/whycors/engine/formats/koacors"
)

const (
	seed     = 18 // issue 18
	nConfigs = 50
	perCfg   = 8
)

var paths = []string{"/api/x", "/api", "/other", "/api/throw", "/throw", "/api/x/y", "/api/json", "/json"}

// The option values each generator draws from, " ;; "-separated, "-"
// for left out.
var fastifyChoices = [][2]string{
	{"origin", `- ;; '*' ;; 'https://app.test' ;; ['https://app.test', 'https://sub.app.test'] ;; /app\.test$/ ;; /^https:\/\/app\.test$/i ;; [/\.app\.test$/, 'http://app.test'] ;; true ;; false ;; ['*', 'https://x.test'] ;; /app/g ;; null`},
	{"methods", `- ;; 'GET,PUT' ;; ['GET', 'DELETE'] ;; 'get, post'`},
	{"allowedHeaders", `- ;; ['x-a', 'Content-Type'] ;; 'X-A' ;; [] ;; null`},
	{"exposedHeaders", `- ;; ['x-total', 'etag'] ;; 'X-Total' ;; null`},
	{"credentials", `- ;; true ;; false`},
	{"maxAge", `- ;; 600 ;; 0 ;; '100'`},
	{"cacheControl", `- ;; - ;; 300 ;; 'no-store'`},
	{"preflight", `- ;; - ;; false`},
	{"strictPreflight", `- ;; false`},
	{"preflightContinue", `- ;; - ;; true`},
	{"optionsSuccessStatus", `- ;; - ;; 200`},
	{"hook", `- ;; - ;; 'preHandler' ;; 'preSerialization'`},
}

var koaChoices = [][2]string{
	{"origin", `- ;; '*' ;; 'https://app.test' ;; false ;; '' ;; ['https://app.test', 'https://b.test'] ;; true`},
	{"allowMethods", `- ;; 'GET,PUT' ;; ['GET', 'DELETE'] ;; [] ;; ''`},
	{"allowHeaders", `- ;; ['x-a', 'Content-Type'] ;; 'X-A' ;; []`},
	{"exposeHeaders", `- ;; ['x-total', 'etag'] ;; 'X-Total'`},
	{"maxAge", `- ;; 600 ;; 0 ;; '100'`},
	{"credentials", `- ;; true ;; false ;; 1`},
	{"keepHeadersOnError", `- ;; false ;; true`},
	{"secureContext", `- ;; - ;; true`},
	{"privateNetworkAccess", `- ;; true`},
}

var honoChoices = [][2]string{
	{"origin", `- ;; '*' ;; 'https://app.test' ;; ['https://app.test', 'https://sub.app.test', '']`},
	{"allowMethods", `- ;; ['GET', 'PUT'] ;; 'GET,PUT' ;; []`},
	{"allowHeaders", `- ;; ['x-a', 'Content-Type'] ;; []`},
	{"exposeHeaders", `- ;; ['x-total', 'etag'] ;; []`},
	{"maxAge", `- ;; 600 ;; 0`},
	{"credentials", `- ;; true ;; false`},
}

func generate(lib string, choices [][2]string, app func(g gen, opts string, c *config)) ([]config, []request) {
	g := gen{rand.New(rand.NewSource(seed))}
	var cfgs []config
	var reqs []request
	for i := 0; i < nConfigs; i++ {
		c := config{Options: g.opts(choices)}
		app(g, c.Options, &c)
		cfgs = append(cfgs, c)
		reqs = append(reqs, g.requests(i, perCfg, paths)...)
	}
	return cfgs, reqs
}

func TestFastifyCors(t *testing.T) {
	cfgs, reqs := generate("fastify", fastifyChoices, func(_ gen, opts string, c *config) {
		c.app = "import Fastify from 'fastify'\nimport cors from '@fastify/cors'\n\nconst fastify = Fastify()\nawait fastify.register(cors, " + opts + ")\n"
	})
	differential(t, "fastify", cfgs, reqs, func(text string) (evaluator, error) { return fastifycors.Parse(text) })
}

func TestKoaCors(t *testing.T) {
	cfgs, reqs := generate("koa", koaChoices, func(g gen, opts string, c *config) {
		c.app = "const Koa = require('koa');\nconst cors = require('@koa/cors');\n\nconst app = new Koa();\napp.use(cors(" + opts + "));\n"
		if g.Intn(5) == 0 {
			// a second cors() after the first: both run in order
			m := layer{Options: g.opts(koaChoices)}
			c.More = append(c.More, m)
			c.app += "app.use(cors(" + m.Options + "));\n"
		}
	})
	differential(t, "koa", cfgs, reqs, func(text string) (evaluator, error) { return koacors.Parse(text) })
}

func TestHonoCors(t *testing.T) {
	cfgs, reqs := generate("hono", honoChoices, func(g gen, opts string, c *config) {
		c.Mount = g.pick("", "*", "/api/*", "/api", "/api/:id")
		use := "app.use(cors(" + opts + "))"
		if c.Mount != "" {
			use = "app.use('" + c.Mount + "', cors(" + opts + "))"
		}
		c.app = "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\n\nconst app = new Hono()\n" + use + "\n"
		if g.Intn(5) == 0 {
			// a second cors() on another pattern: each matching one runs
			m := layer{Options: g.opts(honoChoices), Mount: g.pick("*", "/api/*", "/other")}
			c.More = append(c.More, m)
			c.app += "app.use('" + m.Mount + "', cors(" + m.Options + "))\n"
		}
	})
	differential(t, "hono", cfgs, reqs, func(text string) (evaluator, error) { return honocors.Parse(text) })
}
