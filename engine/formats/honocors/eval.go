package honocors

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
	caseEchoed     = "echoed"
	caseNoEntry    = "no-entry"
	caseFunc       = "func"
	caseNoOrigin   = "no Origin header: nothing to allow, no Access-Control-Allow-Origin"
	caseNotMounted = "not-mounted"
	casePreflight  = "preflight"
	caseApp        = "application"
	caseThrown     = "thrown"
)

// Respond answers req as a Hono app with these middlewares does; app is
// what the route handler answers for a request they pass on.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	return c.respond(req, app, false)
}

// Throw answers req as Hono does when the route handler throws an Error
// (not an HTTPException): the default error handler's 500 "Internal
// Server Error", which keeps the middleware's headers.
func (c *Config) Throw(req policy.Request) policy.Outcome {
	return c.respond(req, policy.Reply{}, true)
}

func (c *Config) respond(req policy.Request, app policy.Reply, thrown bool) policy.Outcome {
	path := jsmw.PathOf(req.URL)
	reqOrigin, _ := req.Header.Get("Origin") // c.req.header("origin") || ""
	res := &jsmw.Reply{}
	var rules []policy.Rule
	var varyAfter int
	for i := range c.Middlewares {
		o := &c.Middlewares[i]
		r := policy.Rule{Index: i, Path: "line " + strconv.Itoa(o.Line), ID: "cors()", Source: source}
		if !matches(o.Path, path) {
			r.Failed, r.Note = "path", policy.Note{Case: caseNotMounted, Args: [4]string{o.Path, path}}
			rules = append(rules, r)
			continue
		}
		r.Matched = true
		r.Failed, r.Note = o.allowOrigin(reqOrigin, res)
		if o.Credentials {
			res.Set("Access-Control-Allow-Credentials", "true")
		}
		if o.ExposeHeaders != "" {
			res.Set("Access-Control-Expose-Headers", o.ExposeHeaders)
		}
		rules = append(rules, r)
		if req.Method != "OPTIONS" {
			if !o.Any {
				varyAfter++
			}
			continue
		}
		if !o.Any {
			res.Append("Vary", "Origin")
		}
		if o.HasMaxAge {
			res.Set("Access-Control-Max-Age", o.MaxAge)
		}
		if o.Methods != "" {
			res.Set("Access-Control-Allow-Methods", o.Methods)
		}
		allow := o.AllowHeaders
		if allow == "" {
			if acrh, _ := req.Header.Get("Access-Control-Request-Headers"); acrh != "" {
				parts := strings.Split(acrh, ",")
				for i := range parts {
					parts[i] = strings.Trim(parts[i], " \t\n\r") // String.prototype.trim, for header values
				}
				allow = strings.Join(parts, ",")
			}
		}
		if allow != "" {
			res.Set("Access-Control-Allow-Headers", allow)
			res.Append("Vary", "Access-Control-Request-Headers")
		}
		return c.outcome(policy.Reply{Status: 204, Header: res.H}, rules, policy.Note{Case: casePreflight, N: o.Line})
	}
	rep := policy.Reply{Status: app.Status, Header: jsmw.Over(app.Header, res.H), Body: app.Body}
	d := policy.Note{Case: caseApp, N: app.Status}
	if thrown {
		rep = policy.Reply{Status: 500, Header: jsmw.Over(headers.List{{Name: "Content-Type", Value: "text/plain; charset=UTF-8"}}, res.H), Body: "Internal Server Error"}
		d = policy.Note{Case: caseThrown}
	}
	after := &jsmw.Reply{H: rep.Header}
	for ; varyAfter > 0; varyAfter-- {
		after.Append("Vary", "Origin")
	}
	rep.Header = after.H
	return c.outcome(rep, rules, d)
}

// allowOrigin is findAllowOrigin and the header it sets.
func (o *Options) allowOrigin(reqOrigin string, res *jsmw.Reply) (string, policy.Note) {
	switch {
	case o.Any:
		res.Set("Access-Control-Allow-Origin", "*")
		return "", policy.Note{Case: caseAny}
	case reqOrigin == "":
		return "origin", policy.Note{Case: caseNoOrigin}
	case o.Func:
		res.Set("Access-Control-Allow-Origin", reqOrigin)
		return "", policy.Note{Case: caseFunc, Args: [4]string{reqOrigin}}
	}
	for _, e := range o.Origins {
		if e.Exact == reqOrigin {
			res.Set("Access-Control-Allow-Origin", reqOrigin)
			return "", policy.Note{Case: caseEchoed, Args: [4]string{reqOrigin}}
		}
	}
	return "origin", policy.Note{Case: caseNoEntry, Args: [4]string{reqOrigin}}
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
	case caseEchoed:
		return strconv.Quote(n.Args[0]) + " is listed in origin: echoed"
	case caseNoEntry:
		return strconv.Quote(n.Args[0]) + " is not the origin option nor in its list: no Access-Control-Allow-Origin"
	case caseFunc:
		return "origin function assumed to return the request's Origin " + strconv.Quote(n.Args[0])
	case caseNotMounted:
		return "mounted at " + strconv.Quote(n.Args[0]) + ", which does not match " + n.Args[1]
	}
	return n.Case
}

func (words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case casePreflight:
		s = "OPTIONS answered 204 by cors() at line " + strconv.Itoa(n.N) + " (every OPTIONS it sees)"
	case caseApp:
		s = "the route handler answered " + strconv.Itoa(n.N) + "; cors()'s headers replace its own of the same name"
	case caseThrown:
		s = "the handler threw: Hono's error handler answered 500 with cors()'s headers"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
