package node

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"testing"

	"github.com/whycors/whycors/e2e/attack/attacktest"
	"github.com/whycors/whycors/engine/formats/express"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
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
// The list the README-style origin callback case reads (its policy
// declares it the same way: allowListDecl).
globalThis.allowList = ['https://app.example.com'];
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

// allowListDecl declares, in the policy whycors reads, the list the
// server's globalThis.allowList holds.
const allowListDecl = "const allowList = ['https://app.example.com']\n"

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
		decl           string // declarations before app.use in the policy
	}{
		// The expressjs/cors README's whitelist callback: an Error for
		// any other origin reaches Express's error handler (here the
		// application's next(err): no CORS headers). Read as the list
		// it tests (jslit.Allowlist); it was assumed to allow every
		// origin.
		{id: "callback", opts: `{origin: function (origin, callback) { if (allowList.indexOf(origin) !== -1) { callback(null, true) } else { callback(new Error('Not allowed by CORS')) } }, credentials: true}`,
			desc: "the README's whitelist callback over an exact list", want: map[string]attacktest.Weakness{}, decl: allowListDecl},
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
				Policy: c.decl + "app.use(cors(" + c.opts + "))\n", Formats: express.Formats()})
			sameAsModel(t, base+"/"+c.id+"/me", c.decl+"app.use(cors("+c.opts+"))\n")
		})
	}
}

// sameAsModel asks the real server and the express format's model the
// same GET from a few origins (the trusted one, a foreign one, a
// lookalike, null) and wants the same Access-Control-Allow-Origin and
// -Credentials lines: the battery above checks the server, this checks
// that whycors reads the configuration as the server runs it (the
// README's whitelist callback was read as allowing every origin).
func sameAsModel(t *testing.T, url, text string) {
	t.Helper()
	ev, err := express.Formats()[0].Parse(text)
	if err != nil {
		t.Fatalf("the model refuses the policy: %v", err)
	}
	for _, o := range []string{attacktest.Trusted, "https://evil.example", "https://app.example.com.evil.example", "null"} {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Origin", o)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		out := ev.Respond(policy.Request{Method: "GET", URL: url, Header: headers.List{{Name: "Origin", Value: o}}}, policy.Reply{Status: 200})
		for _, name := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"} {
			model, _ := out.Reply.Header.Get(name)
			if real := res.Header.Get(name); real != model {
				t.Errorf("Origin %s: %s %q from expressjs/cors, %q from the model", o, name, real, model)
			}
		}
	}
}
