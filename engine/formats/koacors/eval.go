package koacors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// The notes' cases (Words).
const (
	caseAny        = "origin '*': Access-Control-Allow-Origin: *"
	caseEchoCreds  = "echo-creds"
	caseFixed      = "fixed"
	caseFunc       = "func"
	caseFuncEmpty  = "no Origin header: the origin function is assumed to return it, empty: cors() calls next() and sets nothing"
	caseNoACRM     = "OPTIONS without Access-Control-Request-Method: not a preflight to @koa/cors, passed to the application"
	casePreflight  = "preflight"
	caseApp        = "application"
	caseThrownKept = "thrown-kept"
	caseThrownLost = "thrown-lost"
)

// Respond answers req as koa with these middlewares does; app is what the
// application answers for a request they pass on.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	return c.respond(req, app, false)
}

// Throw answers req as koa does when the application throws an Error
// without a status: koa's error handler removes every header, sets the
// error's headers (what keepHeadersOnError put there) and answers 500
// "Internal Server Error".
func (c *Config) Throw(req policy.Request) policy.Outcome {
	return c.respond(req, policy.Reply{}, true)
}

func (c *Config) respond(req policy.Request, app policy.Reply, thrown bool) policy.Outcome {
	res := &jsmw.Reply{}
	reqOrigin, _ := req.Header.Get("Origin") // ctx.get: '' when absent
	var rules []policy.Rule
	var kept []headers.List // per middleware that keeps its headers on error, outermost first
	for i := range c.Middlewares {
		o := &c.Middlewares[i]
		r := policy.Rule{Index: i, Path: "line " + strconv.Itoa(o.Line), ID: "cors()", Source: source}
		res.Vary("Origin")
		origins := o.Origins
		r.Note = policy.Note{Case: caseFixed, Args: [4]string{strings.Join(origins, ", "), reqOrigin}}
		switch {
		case o.Func:
			if reqOrigin == "" {
				r.Failed, r.Note = "origin", policy.Note{Case: caseFuncEmpty}
				rules = append(rules, r)
				continue
			}
			origins, r.Note = []string{reqOrigin}, policy.Note{Case: caseFunc, Args: [4]string{reqOrigin}}
		case o.Any && o.Credentials:
			origins, r.Note = []string{reqOrigin}, policy.Note{Case: caseEchoCreds, Args: [4]string{reqOrigin}}
		case o.Any:
			origins, r.Note = []string{"*"}, policy.Note{Case: caseAny}
		}
		set := &jsmw.Reply{}
		put := func(name string, vs ...string) {
			res.H.Del(name)
			set.H.Del(name)
			for _, v := range vs {
				res.H.Add(name, v)
				set.H.Add(name, v)
			}
		}
		if req.Method != "OPTIONS" {
			r.Matched = true
			put("Access-Control-Allow-Origin", origins...)
			if o.Credentials {
				put("Access-Control-Allow-Credentials", "true")
			}
			if o.ExposeHeaders != "" {
				put("Access-Control-Expose-Headers", o.ExposeHeaders)
			}
			if o.SecureContext {
				put("Cross-Origin-Opener-Policy", "same-origin")
				put("Cross-Origin-Embedder-Policy", "require-corp")
			}
			if o.KeepOnError {
				set.Vary("Origin")
				kept = append(kept, set.H)
			}
			rules = append(rules, r)
			continue
		}
		if acrm, _ := req.Header.Get("Access-Control-Request-Method"); acrm == "" {
			r.Failed, r.Note = "method", policy.Note{Case: caseNoACRM}
			rules = append(rules, r)
			continue
		}
		r.Matched = true
		put("Access-Control-Allow-Origin", origins...)
		if o.Credentials {
			put("Access-Control-Allow-Credentials", "true")
		}
		if o.MaxAge != "" {
			put("Access-Control-Max-Age", o.MaxAge)
		}
		if pna, _ := req.Header.Get("Access-Control-Request-Private-Network"); o.PrivateNetwork && pna != "" {
			put("Access-Control-Allow-Private-Network", "true")
		}
		if o.Methods != "" {
			put("Access-Control-Allow-Methods", o.Methods)
		}
		if o.SecureContext {
			put("Cross-Origin-Opener-Policy", "same-origin")
			put("Cross-Origin-Embedder-Policy", "require-corp")
		}
		allow := o.AllowHeaders
		if allow == "" {
			allow, _ = req.Header.Get("Access-Control-Request-Headers")
		}
		if allow != "" {
			put("Access-Control-Allow-Headers", allow)
		}
		rules = append(rules, r)
		// ctx.status = 204: koa drops the body and its Content-Type
		return c.outcome(policy.Reply{Status: 204, Header: res.H}, rules, policy.Note{Case: casePreflight, N: o.Line})
	}
	if thrown {
		// Each middleware's catch merges its headers over the error's,
		// innermost first; koa's onerror then sets them on a bare reply.
		h := headers.List{}
		for i := len(kept) - 1; i >= 0; i-- {
			h = jsmw.Over(h, kept[i])
		}
		d := policy.Note{Case: caseThrownKept}
		if len(kept) == 0 {
			d.Case = caseThrownLost
		}
		h = jsmw.Over(h, headers.List{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}})
		return c.outcome(policy.Reply{Status: 500, Header: h, Body: "Internal Server Error"}, rules, d)
	}
	return c.outcome(policy.Reply{Status: app.Status, Header: jsmw.Over(res.H, app.Header), Body: app.Body}, rules, policy.Note{Case: caseApp, N: app.Status})
}

func (c *Config) outcome(rep policy.Reply, rules []policy.Rule, d policy.Note) policy.Outcome {
	var un []jsmw.Unresolved
	for _, m := range c.Middlewares {
		un = append(un, m.Unresolved...)
	}
	return jsmw.Outcome(rep, rules, d, c.Notes, un, words{})
}

// words says this format's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseFixed:
		return "origin " + strconv.Quote(n.Args[0]) + " is sent as written, whatever the request's Origin (" + strconv.Quote(n.Args[1]) + "): @koa/cors checks no list, the browser compares it"
	case caseEchoCreds:
		return "credentials with origin '*': the request's Origin " + strconv.Quote(n.Args[0]) + " is echoed, whatever it is"
	case caseFunc:
		return "origin function assumed to return the request's Origin " + strconv.Quote(n.Args[0])
	}
	return n.Case
}

func (words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case casePreflight:
		s = "preflight answered 204 by cors() at line " + strconv.Itoa(n.N)
	case caseApp:
		s = "the application answered " + strconv.Itoa(n.N) + " with cors()'s headers"
	case caseThrownKept:
		s = "the application threw: koa answered 500 with the headers keepHeadersOnError kept on the error"
	case caseThrownLost:
		s = "the application threw: koa answered 500 and removed every header (keepHeadersOnError is false)"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
