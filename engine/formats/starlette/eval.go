package starlette

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// first is Starlette's Headers.get: the first line's value.
func first(h headers.List, name string) (string, bool) {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// Respond runs the request through the CORSMiddlewares, outermost first,
// and the application behind them; an application status of 500 is an
// exception, answered by ServerErrorMiddleware outside them all.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	var rules []policy.Rule
	reply, raised, decision := c.layer(0, req, app, &rules)
	if raised {
		reply = policy.Reply{Status: 500, Header: headers.List{
			{Name: "content-length", Value: "21"},
			{Name: "content-type", Value: "text/plain; charset=utf-8"},
		}, Body: "Internal Server Error"}
		decision = policy.Note{Case: caseRaised}
	}
	decision.List = c.Notes
	return policy.Outcome{Reply: reply, Rules: rules, Decision: decision, Words: words{}}
}

// Throw answers req as the app does when its handler raises: the same as
// Respond with an application status of 500 (ServerErrorMiddleware's
// 500 without CORS headers, or the middleware's own preflight answer,
// which never reaches the handler).
func (c *Config) Throw(req policy.Request) policy.Outcome {
	return c.Respond(req, policy.Reply{Status: 500})
}

// layer is middleware k and everything inside it.
func (c *Config) layer(k int, req policy.Request, app policy.Reply, rules *[]policy.Rule) (policy.Reply, bool, policy.Note) {
	if k == len(c.Middlewares) {
		if app.Status == 500 {
			return policy.Reply{}, true, policy.Note{}
		}
		return policy.Reply{Status: app.Status, Header: app.Header.Clone(), Body: app.Body}, false, policy.Note{Case: caseApplication, N: app.Status}
	}
	mw := &c.Middlewares[k]
	r := policy.Rule{Index: k, Path: "line " + strconv.Itoa(mw.Line), ID: "CORSMiddleware", Source: source}
	origin, has := first(req.Header, "Origin")
	if !has {
		r.Failed = "origin"
		r.Note.Case = caseNoOrigin
		*rules = append(*rules, r)
		return c.layer(k+1, req, app, rules)
	}
	if _, acrm := first(req.Header, "Access-Control-Request-Method"); req.Method == "OPTIONS" && acrm {
		reply, rr := mw.preflight(req, origin)
		rr.Index, rr.Path, rr.ID, rr.Source = r.Index, r.Path, r.ID, r.Source
		*rules = append(*rules, rr)
		return reply, false, policy.Note{Case: casePreflight, N: mw.Line, M: reply.Status}
	}
	reply, raised, decision := c.layer(k+1, req, app, rules)
	if raised {
		r.Note.Case = caseNotSent
		*rules = append(*rules, r)
		return reply, true, decision
	}
	h := reply.Header
	if mw.allOrigins {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	if mw.Credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if mw.ExposeHeaders.Len() > 0 {
		h.Set("Access-Control-Expose-Headers", mw.ExposeHeaders.Join(", "))
	}
	_, cookie := first(req.Header, "Cookie")
	switch {
	case mw.allOrigins && cookie:
		explicitOrigin(&h, origin)
		r.Matched, r.Note = true, policy.Note{Case: caseCookie, Args: [4]string{origin}}
	case mw.allOrigins && mw.Credentials:
		// The verdict turns on a cookie the page cannot show: said.
		r.Matched, r.Note = true, policy.Note{Case: caseStarNoCookie}
	case mw.allOrigins:
		r.Matched, r.Note = true, policy.Note{Case: caseStar}
	case mw.allowed(origin):
		explicitOrigin(&h, origin)
		r.Matched, r.Note = true, mw.whyAllowed(origin)
	default:
		r.Failed, r.Note = "origin", policy.Note{Case: caseNotAllowed, Args: [4]string{origin}}
	}
	*rules = append(*rules, r)
	reply.Header = h
	return reply, false, decision
}

// explicitOrigin is allow_explicit_origin: the origin, and Origin added
// to Vary (add_vary_header joins it to an existing Vary).
func explicitOrigin(h *headers.List, origin string) {
	h.Set("Access-Control-Allow-Origin", origin)
	if v, ok := first(*h, "Vary"); ok {
		h.Set("Vary", v+", Origin")
	} else {
		h.Set("Vary", "Origin")
	}
}

func (mw *Middleware) whyAllowed(origin string) policy.Note {
	if mw.re != nil && mw.re.Match(origin) {
		return policy.Note{Case: caseRegex, Args: [4]string{origin, mw.Regex}}
	}
	return policy.Note{Case: caseListed, Args: [4]string{origin}}
}

// preflight is preflight_response.
func (mw *Middleware) preflight(req policy.Request, origin string) (policy.Reply, policy.Rule) {
	acrm, _ := first(req.Header, "Access-Control-Request-Method")
	acrh, hasACRH := first(req.Header, "Access-Control-Request-Headers")
	var h headers.List
	if mw.explicit {
		h.Add("Vary", "Origin")
	} else {
		h.Add("Access-Control-Allow-Origin", "*")
	}
	h.Add("Access-Control-Allow-Methods", mw.methods.Join(", "))
	h.Add("Access-Control-Max-Age", mw.MaxAge)
	if mw.acah != "" {
		h.Add("Access-Control-Allow-Headers", mw.acah)
	}
	if mw.Credentials {
		h.Add("Access-Control-Allow-Credentials", "true")
	}
	var failures []string
	var notes []policy.Note // one per failure, in cors.py's order
	r := policy.Rule{}
	if mw.allowed(origin) {
		if mw.explicit {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		r.Note = mw.whyAllowed(origin)
		switch {
		case mw.allOrigins && mw.explicit:
			// preflight_explicit_allow_origin: "*" with credentials
			// echoes the origin on a preflight.
			r.Note = policy.Note{Case: caseStarEcho, Args: [4]string{origin}}
		case mw.allOrigins:
			r.Note = policy.Note{Case: caseStar}
		}
	} else {
		failures = append(failures, "origin")
		notes = append(notes, policy.Note{Case: caseNotAllowed, Args: [4]string{origin}})
	}
	if !mw.methods.Contains(acrm) {
		failures = append(failures, "method")
		notes = append(notes, policy.Note{Case: caseMethod, Args: [4]string{acrm}, List: mw.methods.Elems()})
	}
	switch {
	case mw.allHeaders && hasACRH:
		h.Set("Access-Control-Allow-Headers", acrh)
	case hasACRH:
		for _, x := range strings.Split(acrh, ",") {
			x = strings.TrimSpace(strings.ToLower(x))
			if !contains(mw.lowHeaders, x) {
				failures = append(failures, "headers")
				notes = append(notes, policy.Note{Case: caseHeader, Args: [4]string{x}, List: mw.lowHeaders})
				break
			}
		}
	}
	if len(failures) > 0 {
		r.Failed, r.Note = failures[0], notes[0]
		body := "Disallowed CORS " + strings.Join(failures, ", ")
		h.Add("content-length", strconv.Itoa(len(body)))
		h.Add("content-type", "text/plain; charset=utf-8")
		return policy.Reply{Status: 400, Header: h, Body: body}, r
	}
	r.Matched = true
	h.Add("content-length", "2")
	h.Add("content-type", "text/plain; charset=utf-8")
	return policy.Reply{Status: 200, Header: h, Body: "OK"}, r
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The cases of the notes (words).
const (
	caseNoOrigin = "no Origin header: CORSMiddleware passes the request to the app untouched"
	caseNotSent  = "the app raised: the exception passes through CORSMiddleware, which adds nothing"
	caseCookie   = "cookie"
	caseStar     = "allow_origins has \"*\": Access-Control-Allow-Origin: *"
	caseStarEcho = "star-echo"
	// caseStarNoCookie: the browser sends a site's cookies itself, so
	// whether a credentialed request carries one is not in the scenario.
	caseStarNoCookie = "allow_origins has \"*\" and the request sends no Cookie: Access-Control-Allow-Origin: * (with a Cookie header Starlette echoes the origin instead; the verdict assumes the browser holds no cookie for this site, and a page whose user is logged in sends one)"
	caseRegex        = "regex"
	caseListed       = "listed"
	caseNotAllowed   = "not-allowed"
	caseMethod       = "method"
	caseHeader       = "header"
	casePreflight    = "preflight"
	caseApplication  = "application"
	caseRaised       = "raised"
)

// words says the notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseCookie:
		return "allow_origins has \"*\" and the request sends a Cookie: " + strconv.Quote(n.Args[0]) + " echoed, with Vary: Origin"
	case caseStarEcho:
		return "allow_origins has \"*\" and allow_credentials=True: a preflight gets " + strconv.Quote(n.Args[0]) + " echoed (preflight_explicit_allow_origin)"
	case caseRegex:
		return strconv.Quote(n.Args[0]) + " matches allow_origin_regex " + strconv.Quote(n.Args[1]) + " in full (re.fullmatch): echoed"
	case caseListed:
		return strconv.Quote(n.Args[0]) + " is in allow_origins: echoed"
	case caseNotAllowed:
		return strconv.Quote(n.Args[0]) + " is not in allow_origins and does not match allow_origin_regex in full (exact, case-sensitive comparison)"
	case caseMethod:
		return "Access-Control-Request-Method " + strconv.Quote(n.Args[0]) + " is not in allow_methods [" + strings.Join(n.List, ", ") + "] (case-sensitive)"
	case caseHeader:
		return "requested header " + strconv.Quote(n.Args[0]) + " is not in allow_headers (with the safelisted Accept, Accept-Language, Content-Language, Content-Type)"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case casePreflight:
		if n.M == 200 {
			s = "preflight answered by CORSMiddleware at line " + strconv.Itoa(n.N) + ": 200 OK"
		} else {
			s = "preflight refused by CORSMiddleware at line " + strconv.Itoa(n.N) + ": 400 with the text \"Disallowed CORS ...\""
		}
	case caseApplication:
		s = "the app answered " + strconv.Itoa(n.N) + " through CORSMiddleware"
	case caseRaised:
		s = "the app raised an exception: ServerErrorMiddleware, outside CORSMiddleware, answered 500 without any CORS header (the browser reports a CORS error, not the 500)"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
