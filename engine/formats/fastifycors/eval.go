package fastifycors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// The notes' cases (Words).
const (
	caseDisabled  = "origin false: @fastify/cors sets no header"
	caseInvalid   = "a falsy origin other than false: @fastify/cors fails the request (Invalid CORS origin option)"
	caseAny       = "origin '*': Access-Control-Allow-Origin: *"
	caseFixed     = "fixed"
	caseReflected = "reflected"
	caseAssumed   = "assumed"
	caseEchoed    = "echoed"
	caseNoEntry   = "no-entry"
	caseNoOrigin  = "no Origin header: nothing to echo, no Access-Control-Allow-Origin"
	caseStrict    = "strict"
	casePreflight = "preflight"
	caseContinue  = "continue"
	caseNoPre     = "no-preflight"
	caseApp       = "application"
	caseThrown    = "thrown"
	// caseNotSerialized is a reply the preSerialization hook does not see.
	caseNotSerialized = "hook preSerialization: fastify runs it only for a payload it serializes (an object sent as JSON), so this reply gets no CORS header"
)

// Respond answers req as fastify with the plugin does; app is what the
// route handler answers for a request the plugin passes on. The
// application is assumed to have no OPTIONS route of its own, so an
// OPTIONS request passed on reaches the plugin's OPTIONS * route.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	return c.respond(req, app, false)
}

// Throw answers req as fastify does when the route handler throws an
// Error without a status: the default error handler's 500 JSON reply,
// which keeps the headers the plugin set in its hook.
func (c *Config) Throw(req policy.Request) policy.Outcome {
	return c.respond(req, policy.Reply{}, true)
}

func (c *Config) respond(req policy.Request, app policy.Reply, thrown bool) policy.Outcome {
	res := &jsmw.Reply{}
	r := policy.Rule{Path: "line " + strconv.Itoa(c.Line), ID: "fastify.register(cors)", Source: source}
	out := func(rep policy.Reply, d policy.Note) policy.Outcome {
		return jsmw.Outcome(rep, []policy.Rule{r}, d, c.Notes, c.Unresolved, words{})
	}
	options := req.Method == "OPTIONS" // req.raw.method: Node keeps the method as sent
	if c.Hook == "preSerialization" && (options || thrown || !serialized(app)) {
		// fastify runs preSerialization hooks only for a payload it
		// serializes (an object): never for the OPTIONS * route's empty
		// reply, an error, or a string, Buffer or stream payload
		r.Failed, r.Note.Case = "hook", caseNotSerialized
		if options {
			return out(notFound(req, res.H), policy.Note{Case: caseNoPre, N: 404})
		}
		return c.pass(r, res, app, thrown)
	}
	if c.VaryOrigin {
		res.Vary("Origin")
	}
	switch {
	case c.Disabled:
		r.Failed, r.Note.Case = "origin", caseDisabled
		if options {
			return out(notFound(req, res.H), policy.Note{Case: caseNoPre, N: 404})
		}
		return c.pass(r, res, app, thrown)
	case c.Invalid:
		r.Failed, r.Note.Case = "origin", caseInvalid
		return out(errorReply(res.H), policy.Note{Case: caseThrown, N: 500})
	}
	r.Matched = true
	reqOrigin, hasOrigin := req.Header.Get("Origin")
	r.Failed, r.Note = c.allowOrigin(reqOrigin, hasOrigin, res)
	if c.Credentials {
		res.Set("Access-Control-Allow-Credentials", "true")
	}
	if c.ExposedHeaders != nil {
		res.Set("Access-Control-Expose-Headers", *c.ExposedHeaders)
	}
	if !options {
		return c.pass(r, res, app, thrown)
	}
	if !c.Preflight {
		return out(notFound(req, res.H), policy.Note{Case: caseNoPre, N: 404})
	}
	acrm, _ := req.Header.Get("Access-Control-Request-Method")
	if c.StrictPreflight && (reqOrigin == "" || acrm == "") {
		res.Set("Content-Type", "text/plain; charset=utf-8")
		return out(policy.Reply{Status: 400, Header: res.H, Body: "Invalid Preflight Request"}, policy.Note{Case: caseStrict, N: 400})
	}
	res.Set("Access-Control-Allow-Methods", c.Methods)
	if c.AllowedHeaders == nil {
		res.Vary("Access-Control-Request-Headers")
		if acrh, ok := req.Header.Get("Access-Control-Request-Headers"); ok {
			res.Set("Access-Control-Allow-Headers", acrh)
		}
	} else {
		res.Set("Access-Control-Allow-Headers", *c.AllowedHeaders)
	}
	if c.MaxAge != nil {
		res.Set("Access-Control-Max-Age", *c.MaxAge)
	}
	if c.CacheControl != "" {
		res.Set("Cache-Control", c.CacheControl)
	}
	if c.PreflightContinue {
		// the OPTIONS * route: reply.send() with nothing
		return out(policy.Reply{Status: 200, Header: res.H}, policy.Note{Case: caseContinue, N: 200})
	}
	res.Set("Content-Length", "0")
	return out(policy.Reply{Status: c.OptionsSuccessStatus, Header: res.H}, policy.Note{Case: casePreflight, N: c.OptionsSuccessStatus})
}

// pass hands the request to the route handler: its reply keeps the
// plugin's headers (a header it sets replaces the plugin's).
func (c *Config) pass(r policy.Rule, res *jsmw.Reply, app policy.Reply, thrown bool) policy.Outcome {
	rep := policy.Reply{Status: app.Status, Header: jsmw.Over(res.H, app.Header), Body: app.Body}
	d := policy.Note{Case: caseApp, N: app.Status}
	if thrown {
		rep = errorReply(res.H)
		d = policy.Note{Case: caseThrown, N: 500}
	}
	return jsmw.Outcome(rep, []policy.Rule{r}, d, c.Notes, c.Unresolved, words{})
}

// serialized reports whether the application's reply is one fastify
// serialized from an object: its Content-Type is JSON.
func serialized(app policy.Reply) bool {
	ct, _ := app.Header.Get("Content-Type")
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json")
}

// errorReply is fastify's default error handler's answer to an Error
// without a status: 500 with a JSON body, the reply's headers kept.
func errorReply(h headers.List) policy.Reply {
	body := `{"statusCode":500,"error":"Internal Server Error","message":"Error"}`
	h = jsmw.Over(h, headers.List{{Name: "Content-Type", Value: "application/json; charset=utf-8"}})
	return policy.Reply{Status: 500, Header: h, Body: body}
}

// notFound is fastify's 404 (reply.callNotFound), the reply's headers
// kept.
func notFound(req policy.Request, h headers.List) policy.Reply {
	h = jsmw.Over(h, headers.List{{Name: "Content-Type", Value: "application/json; charset=utf-8"}})
	return policy.Reply{Status: 404, Header: h, Body: `{"message":"Route ` + req.Method + `:` + jsmw.PathOf(req.URL) + ` not found","error":"Not Found","statusCode":404}`}
}

// origin is getAccessControlAllowOriginHeader and the header it sets.
func (c *Config) allowOrigin(reqOrigin string, has bool, res *jsmw.Reply) (string, policy.Note) {
	switch {
	case c.AnyOrigin:
		res.Set("Access-Control-Allow-Origin", "*")
		return "", policy.Note{Case: caseAny}
	case c.Fixed != "":
		res.Set("Access-Control-Allow-Origin", c.Fixed)
		if reqOrigin != c.Fixed {
			return "origin", policy.Note{Case: caseFixed, Args: [4]string{c.Fixed, reqOrigin}, M: 1}
		}
		return "", policy.Note{Case: caseFixed, Args: [4]string{c.Fixed}}
	}
	if !has || reqOrigin == "" {
		// the echoed value is undefined or '': falsy, no header
		return "origin", policy.Note{Case: caseNoOrigin}
	}
	if c.ReflectAll {
		res.Set("Access-Control-Allow-Origin", reqOrigin)
		if c.Assumed {
			return "", policy.Note{Case: caseAssumed, Args: [4]string{reqOrigin}}
		}
		return "", policy.Note{Case: caseReflected, Args: [4]string{reqOrigin}}
	}
	for _, o := range c.Allowed {
		if o.Match(reqOrigin) {
			res.Set("Access-Control-Allow-Origin", reqOrigin)
			return "", policy.Note{Case: caseEchoed, Args: [4]string{reqOrigin, o.Describe()}}
		}
	}
	return "origin", policy.Note{Case: caseNoEntry, Args: [4]string{reqOrigin}}
}

// words says this format's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseFixed:
		if n.M == 1 {
			return "string origin " + strconv.Quote(n.Args[0]) + " is sent whatever the request's Origin (" + strconv.Quote(n.Args[1]) + "); the browser compares it"
		}
		return "string origin " + strconv.Quote(n.Args[0]) + " sent as Access-Control-Allow-Origin"
	case caseReflected:
		return strconv.Quote(n.Args[0]) + ": origin true reflects any origin: echoed"
	case caseAssumed:
		return strconv.Quote(n.Args[0]) + " is echoed, as assumed of the origin option's code (see the note)"
	case caseEchoed:
		return strconv.Quote(n.Args[0]) + " matches " + n.Args[1] + ": echoed"
	case caseNoEntry:
		return strconv.Quote(n.Args[0]) + " matches no entry of the origin option: no Access-Control-Allow-Origin"
	}
	return n.Case
}

func (words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case caseStrict:
		s = "OPTIONS without Origin or Access-Control-Request-Method: strictPreflight answers 400 Invalid Preflight Request"
	case casePreflight:
		s = "preflight answered by @fastify/cors with " + strconv.Itoa(n.N)
	case caseContinue:
		s = "preflightContinue passes the OPTIONS on to the plugin's OPTIONS * route, which answers 200"
	case caseNoPre:
		s = "CORS preflight is off (origin false or preflight false): the plugin's OPTIONS * route answers 404"
	case caseApp:
		s = "the route handler answered " + strconv.Itoa(n.N) + " with the plugin's headers"
	case caseThrown:
		s = "fastify's error handler answered 500, keeping the plugin's headers"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
