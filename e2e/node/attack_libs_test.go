package node

import (
	"strconv"
	"testing"

	"github.com/whycors/whycors/e2e/attack/attacktest"
	"github.com/whycors/whycors/engine/formats/fastifycors"
	"github.com/whycors/whycors/engine/formats/honocors"
	"github.com/whycors/whycors/engine/formats/koacors"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/internal/attack"
)

// weak is one configuration of a Node library for the attacker's
// battery: its options object, and every finding it must produce.
type weak struct {
	id, opts, desc string
	want           map[string]attacktest.Weakness
}

// attackLib serves rows with lib's real middleware (server.mjs, one
// process, row i under /c<i>) and runs the battery against each; app
// writes the application file the format reads, for the fixes. Each row
// is Modeled: the format, reading that file, allows every origin the
// server accepted (an origin function is read as echoing every origin,
// so for those rows this holds by construction). No fix is Fixable: the
// fastify-cors, koa-cors and hono-cors editors have no fix.Replace of an
// origin, so every fix is advice in words.
func attackLib(t *testing.T, lib string, rows []weak, formats []policy.Format, app func(opts string) string) {
	ensureModules(t)
	cfgs := make([]config, len(rows))
	for i, r := range rows {
		cfgs[i] = config{Options: r.opts}
	}
	base := serve(t, lib, cfgs)
	for i, r := range rows {
		t.Run(r.id, func(t *testing.T) {
			attacktest.Check(t, attacktest.Case{Desc: r.desc, URL: base + "/c" + strconv.Itoa(i) + "/me", Want: r.want,
				Policy: app(r.opts), Modeled: true, Formats: formats})
		})
	}
}

// fastifySource cites @fastify/cors 11.4.3's index.js:
// getAccessControlAllowOriginHeader sends a string origin as it is ("*"
// included) and otherwise the request's Origin when
// isRequestOriginAllowed (true, or a function's callback with true,
// allows every origin; a RegExp is test()ed, matching anywhere unless
// anchored; an array is compared entry by entry, "null" as any string);
// addCorsHeaders adds Access-Control-Allow-Credentials: true whenever
// credentials is set, "*" or not.
const fastifySource = "@fastify/cors 11.4.3 index.js (getAccessControlAllowOriginHeader, isRequestOriginAllowed, resolveOriginWrapper, addCorsHeaders)"

// TestAttackFastifyCors runs the battery against the real @fastify/cors.
func TestAttackFastifyCors(t *testing.T) {
	rows := []weak{
		{id: "reflect", opts: `{origin: true, credentials: true}`, desc: "origin: true reflects every origin, with credentials",
			want: attacktest.All(true, "true allows every origin, echoed with credentials ("+fastifySource+")")},
		{id: "star-creds", opts: `{origin: '*', credentials: true}`, desc: `"*" with credentials: sent as "*", which browsers refuse to a credentialed request`,
			want: attacktest.All(false, `the string "*" is sent as it is; with cookies the browser refuses it (Fetch's CORS check), without them any page reads (`+fastifySource+")")},
		{id: "unanchored", opts: `{origin: /https:\/\/app\.example\.com/, credentials: true}`, desc: "a RegExp without ^ or $",
			want: map[string]attacktest.Weakness{
				attack.KindSuffix:     attacktest.W(attack.High, "RegExp.test matches anywhere: .evil.test may follow ("+fastifySource+")"),
				attack.KindUnderscore: attacktest.W(attack.High, "likewise: _.evil.test may follow"),
				attack.KindBacktick:   attacktest.W(attack.High, "likewise: `.evil.test may follow"),
			}},
		{id: "endswith", opts: `{origin: (o, cb) => cb(null, (o || '').endsWith('example.com')), credentials: true}`, desc: "a function: endsWith('example.com'), no dot, no scheme",
			want: map[string]attacktest.Weakness{
				attack.KindPrefixDomain: attacktest.W(attack.High, "evil-example.com ends with example.com (the callback's true echoes the Origin, "+fastifySource+")"),
				attack.KindPrefixHost:   attacktest.W(attack.Medium, "evilapp.example.com ends with example.com"),
				attack.KindUnescapedDot: attacktest.W(attack.High, "appxexample.com ends with example.com"),
				attack.KindHTTP:         attacktest.W(attack.Medium, "the scheme is not checked"),
				attack.KindSubdomain:    attacktest.W(attack.Medium, "evil.app.example.com ends with example.com"),
			}},
		{id: "null", opts: `{origin: ['https://app.example.com', 'null'], credentials: true}`, desc: `'null' listed`,
			want: map[string]attacktest.Weakness{attack.KindNull: attacktest.W(attack.High, "'null' is compared as any string ("+fastifySource+")")}},
		{id: "strict", opts: `{origin: ['https://app.example.com', /^https:\/\/app\.example\.com$/], credentials: true}`, desc: "the exact origin, and an anchored RegExp with escaped dots",
			want: map[string]attacktest.Weakness{}},
	}
	attackLib(t, "fastify", rows, fastifycors.Formats(), func(opts string) string {
		return "import Fastify from 'fastify'\nimport cors from '@fastify/cors'\n\nconst fastify = Fastify()\nawait fastify.register(cors, " + opts + ")\n"
	})
}

// koaSource cites @koa/cors 5.0.0's index.js: the origin is
// options.origin || '*', or what a function returns (a falsy value
// passes the request on without CORS headers); with credentials, "*"
// becomes the request's Origin ("if (credentials && origin === '*')"),
// and Access-Control-Allow-Credentials: true is added.
const koaSource = "@koa/cors 5.0.0 index.js (the cors middleware: origin, credentials && origin === '*')"

// TestAttackKoaCors runs the battery against the real @koa/cors.
func TestAttackKoaCors(t *testing.T) {
	rows := []weak{
		{id: "star-creds", opts: `{credentials: true}`, desc: `the default "*" with credentials: the Origin is echoed`,
			want: attacktest.All(true, `with credentials, "*" becomes the request's Origin (`+koaSource+")")},
		{id: "star", opts: `{}`, desc: `cors() with no options answers "*"`,
			want: attacktest.All(false, `the default origin '*' is sent as it is, read without cookies (`+koaSource+")")},
		{id: "includes", opts: `{origin: (ctx) => ctx.get('Origin').includes('app.example.com') ? ctx.get('Origin') : '', credentials: true}`,
			desc: "a function: includes('app.example.com')",
			want: map[string]attacktest.Weakness{
				attack.KindPrefixHost: attacktest.W(attack.Medium, "evilapp.example.com contains app.example.com (the function's value is sent, "+koaSource+")"),
				attack.KindSuffix:     attacktest.W(attack.High, "app.example.com.evil.test contains it"),
				attack.KindUnderscore: attacktest.W(attack.High, "app.example.com_.evil.test contains it"),
				attack.KindBacktick:   attacktest.W(attack.High, "app.example.com`.evil.test contains it"),
				attack.KindHTTP:       attacktest.W(attack.Medium, "http://app.example.com contains it"),
				attack.KindSubdomain:  attacktest.W(attack.Medium, "evil.app.example.com contains it"),
			}},
		{id: "regex", opts: `{origin: (ctx) => /https:\/\/app.example.com/.test(ctx.get('Origin')) && ctx.get('Origin'), credentials: true}`,
			desc: "a function: a RegExp without anchors or escaped dots",
			want: map[string]attacktest.Weakness{
				attack.KindSuffix:       attacktest.W(attack.High, "test() matches anywhere: .evil.test may follow ("+koaSource+")"),
				attack.KindUnderscore:   attacktest.W(attack.High, "likewise"),
				attack.KindBacktick:     attacktest.W(attack.High, "likewise"),
				attack.KindUnescapedDot: attacktest.W(attack.High, `"." matches the x of appxexample.com`),
			}},
		{id: "strict", opts: `{origin: (ctx) => ['https://app.example.com'].includes(ctx.get('Origin')) ? ctx.get('Origin') : '', credentials: true}`,
			desc: "a function comparing with a list of exact origins", want: map[string]attacktest.Weakness{}},
		{id: "fixed", opts: `{origin: 'https://app.example.com', credentials: true}`, desc: "a string: always sent, whatever the Origin; browsers refuse it to others",
			want: map[string]attacktest.Weakness{}},
	}
	attackLib(t, "koa", rows, koacors.Formats(), func(opts string) string {
		return "const Koa = require('koa');\nconst cors = require('@koa/cors');\n\nconst app = new Koa();\napp.use(cors(" + opts + "));\n"
	})
}

// honoSource cites hono 4.13.19's dist/middleware/cors/index.js:
// findAllowOrigin sends "*" for the default '*', compares a string or an
// array exactly (Array.prototype.includes, "null" as any string), and
// sends what a function returns; credentials adds
// Access-Control-Allow-Credentials: true to any of them, "*" included.
const honoSource = "hono 4.13.19 dist/middleware/cors/index.js (findAllowOrigin, cors)"

// TestAttackHonoCors runs the battery against the real hono/cors, served
// by @hono/node-server.
func TestAttackHonoCors(t *testing.T) {
	rows := []weak{
		{id: "star-creds", opts: `{credentials: true}`, desc: `the default "*" with credentials: sent as "*", which browsers refuse to a credentialed request`,
			want: attacktest.All(false, `"*" is sent as it is; with cookies the browser refuses it (Fetch's CORS check), without them any page reads (`+honoSource+")")},
		{id: "reflect", opts: `{origin: (o) => o, credentials: true}`, desc: "a function returning its argument: every origin echoed, with credentials",
			want: attacktest.All(true, "the function's value is sent, with credentials ("+honoSource+")")},
		{id: "endswith", opts: `{origin: (o) => o.endsWith('.example.com') ? o : null, credentials: true}`, desc: "a function: endsWith('.example.com'), the dot kept, no scheme",
			want: map[string]attacktest.Weakness{
				attack.KindPrefixHost: attacktest.W(attack.Medium, "evilapp.example.com ends with .example.com ("+honoSource+")"),
				attack.KindHTTP:       attacktest.W(attack.Medium, "the scheme is not checked"),
				attack.KindSubdomain:  attacktest.W(attack.Medium, "evil.app.example.com ends with .example.com"),
			}},
		{id: "prefix", opts: `{origin: (o) => /^https:\/\/app\.example\.com/.test(o) ? o : null, credentials: true}`, desc: "a function: a RegExp anchored at the start only",
			want: map[string]attacktest.Weakness{
				attack.KindSuffix:     attacktest.W(attack.High, "no $: .evil.test may follow ("+honoSource+")"),
				attack.KindUnderscore: attacktest.W(attack.High, "likewise"),
				attack.KindBacktick:   attacktest.W(attack.High, "likewise"),
			}},
		{id: "null", opts: `{origin: ['https://app.example.com', 'null'], credentials: true}`, desc: `'null' listed`,
			want: map[string]attacktest.Weakness{attack.KindNull: attacktest.W(attack.High, "'null' is compared as any string ("+honoSource+")")}},
		{id: "strict", opts: `{origin: ['https://app.example.com'], credentials: true}`, desc: "the exact origin alone",
			want: map[string]attacktest.Weakness{}},
	}
	attackLib(t, "hono", rows, honocors.Formats(), func(opts string) string {
		return "import { Hono } from 'hono'\nimport { cors } from 'hono/cors'\n\nconst app = new Hono()\napp.use(cors(" + opts + "))\n"
	})
}
