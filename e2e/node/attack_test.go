package node

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"

	"github.com/whycors/whycors/e2e/attack/attacktest"
	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/internal/attack"
)

// corsServer serves each configuration of WHYCORS_CONFIGS ({"id": "<the
// options object literal>"}) under /<id>/ with expressjs/cors in front
// of an application that answers {"me": "alice"}; the first line is
// "PORT <n> cors=<version>".
const corsServer = `
import http from 'node:http';
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const cors = require('cors');
const version = require('cors/package.json').version;
const mws = {};
for (const [id, src] of Object.entries(JSON.parse(process.env.WHYCORS_CONFIGS))) {
  mws[id] = cors(new Function('return (' + src + ');')());
}
const server = http.createServer((req, res) => {
  const mw = mws[req.url.split('/')[1]];
  if (!mw) { res.statusCode = 404; res.end(); return; }
  mw(req, res, () => { res.setHeader('Content-Type', 'application/json'); res.end('{"me": "alice"}'); });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port + ' cors=' + version));
`

// corsSource cites expressjs/cors 2.8.6's lib/index.js: configureOrigin
// sends "*" for the default origin '*', the string itself for a string,
// and otherwise the request's Origin when isOriginAllowed (true allows
// every origin; a RegExp is test()ed, matching anywhere unless anchored;
// an array is compared entry by entry); credentials: true adds
// Access-Control-Allow-Credentials: true.
const corsSource = "expressjs/cors 2.8.6 lib/index.js (configureOrigin, isOriginAllowed, configureCredentials)"

// TestAttackExpressCors runs the attacker's battery against the real
// expressjs/cors, every configuration under its own path of one server.
func TestAttackExpressCors(t *testing.T) {
	ensureModules(t)
	if _, err := os.Stat("node_modules/cors"); err != nil {
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatal("e2e/node/node_modules lacks cors: run `npm ci` in e2e/node")
		}
		t.Skip("e2e/node/node_modules lacks cors: run `npm ci` in e2e/node")
	}
	configs := []struct {
		id, opts, desc string
		want           map[string]attacktest.Weakness
	}{
		{id: "reflect", opts: `{origin: true, credentials: true}`, desc: "origin: true reflects every origin, with credentials",
			want: attacktest.All(true, "true allows every origin, echoed with credentials ("+corsSource+")")},
		{id: "star", opts: `{}`, desc: `cors() with no options answers "*"`,
			want: attacktest.All(false, `the default origin '*' sends "*", read without cookies (`+corsSource+`)`)},
		{id: "endswith", opts: `{origin: /example\.com$/, credentials: true}`, desc: `a RegExp anchored at the end only`,
			want: map[string]attacktest.Weakness{
				attack.KindPrefixDomain: attacktest.W(attack.High, "evil-example.com ends with example.com (RegExp.test, "+corsSource+")"),
				attack.KindPrefixHost:   attacktest.W(attack.Medium, "evilapp.example.com ends with example.com"),
				attack.KindUnescapedDot: attacktest.W(attack.High, "appxexample.com ends with example.com"),
				attack.KindHTTP:         attacktest.W(attack.Medium, "no scheme in the pattern"),
				attack.KindSubdomain:    attacktest.W(attack.Medium, "evil.app.example.com ends with example.com"),
			}},
		{id: "unanchored", opts: `{origin: /https:\/\/app.example.com/, credentials: true}`, desc: "a RegExp without ^, $ or escaped dots",
			want: map[string]attacktest.Weakness{
				attack.KindSuffix:       attacktest.W(attack.High, "test() matches anywhere: .evil.test may follow ("+corsSource+")"),
				attack.KindUnderscore:   attacktest.W(attack.High, "likewise"),
				attack.KindBacktick:     attacktest.W(attack.High, "likewise"),
				attack.KindUnescapedDot: attacktest.W(attack.High, `"." matches the x of appxexample.com`),
			}},
		// The express editor replaces an origin option that is a string,
		// not an item of an array: this fix is in words.
		{id: "null", opts: `{origin: ['https://app.example.com', 'null'], credentials: true}`, desc: `'null' listed`,
			want: map[string]attacktest.Weakness{attack.KindNull: attacktest.W(attack.High, "'null' is compared as any string ("+corsSource+")")}},
		{id: "strict", opts: `{origin: ['https://app.example.com'], credentials: true}`, desc: "the exact origin alone",
			want: map[string]attacktest.Weakness{}},
		{id: "fixed", opts: `{origin: 'https://app.example.com', credentials: true}`, desc: "a string: always sent, whatever the Origin; browsers refuse it to others",
			want: map[string]attacktest.Weakness{}},
	}
	m := map[string]string{}
	for _, c := range configs {
		m[c.id] = c.opts
	}
	env, _ := json.Marshal(m)
	cmd := exec.Command("node", "--input-type=module", "-e", corsServer)
	cmd.Env = append(os.Environ(), "WHYCORS_CONFIGS="+string(env))
	base, versions := attacktest.Serve(t, cmd)
	t.Logf("ran against %s", versions)
	for _, c := range configs {
		t.Run(c.id, func(t *testing.T) {
			attacktest.Check(t, attacktest.Case{Desc: c.desc, URL: base + "/" + c.id + "/me", Want: c.want,
				Policy: "app.use(cors(" + c.opts + "))\n", Formats: express.Formats()})
		})
	}
}
