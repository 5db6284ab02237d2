package express

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// applies reports whether Express runs the middleware for this request.
// Express routing is case-insensitive and ignores a trailing slash by
// default (express Router options caseSensitive and strict, both false);
// app.use mounts at the path and below it, segment by segment; app.get
// also answers HEAD.
func (mw *Middleware) applies(method, path string) (bool, string) {
	if mw.Method != "" && mw.Method != method && !(mw.Method == "GET" && method == "HEAD") {
		return false, "method"
	}
	if mw.Path == "" {
		return true, ""
	}
	p := strings.ToLower(strings.TrimSuffix(path, "/"))
	m := strings.ToLower(strings.TrimSuffix(mw.Path, "/"))
	if strings.Contains(m, "/:") {
		if segmentsMatch(m, p, mw.Prefix) {
			return true, ""
		}
		return false, "path"
	}
	if p == m || (mw.Prefix && strings.HasPrefix(p, m+"/")) {
		return true, ""
	}
	return false, "path"
}

// segmentsMatch matches path against pattern segment by segment, a
// named parameter (":id") taking any one non-empty segment (Express's
// path-to-regexp); with prefix, path may go on below it (app.use).
func segmentsMatch(pattern, path string, prefix bool) bool {
	ps, qs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(qs) < len(ps) || !prefix && len(qs) != len(ps) {
		return false
	}
	for i, s := range ps {
		if strings.HasPrefix(s, ":") {
			if qs[i] == "" {
				return false
			}
			continue
		}
		if s != qs[i] {
			return false
		}
	}
	return true
}

// response is res as the middleware chain sees it: setHeader replaces a
// header in place (Node keeps the first position), vary appends.
type response struct{ h headers.List }

func (r *response) set(name, value string) { r.h.Set(name, value) }

// vary is the `vary` module's append: add each field not already listed,
// and leave "*" alone.
func (r *response) vary(field string) {
	cur, ok := r.h.Get("Vary")
	if !ok || cur == "" {
		r.h.Set("Vary", field)
		return
	}
	if strings.TrimSpace(cur) == "*" {
		return
	}
	for _, f := range strings.Split(cur, ",") {
		if strings.EqualFold(strings.TrimSpace(f), field) {
			return
		}
	}
	r.h.Set("Vary", cur+", "+field)
}

// origin is configureOrigin; it returns the rule's failed condition and
// the note that says why.
func (o *Options) origin(req policy.Request, res *response) (failed string, n policy.Note) {
	reqOrigin, has := req.Header.Get("Origin")
	switch {
	case o.AnyOrigin:
		res.set("Access-Control-Allow-Origin", "*")
		return "", policy.Note{Case: "origin '*': Access-Control-Allow-Origin: *"}
	case o.Fixed != "":
		res.set("Access-Control-Allow-Origin", o.Fixed)
		res.vary("Origin")
		if has && reqOrigin != o.Fixed {
			return "origin", policy.Note{Case: caseFixedOther, Args: [4]string{o.Fixed, reqOrigin}}
		}
		return "", policy.Note{Case: caseFixed, Args: [4]string{o.Fixed}}
	}
	allowed := o.ReflectAll
	which := policy.Note{Case: caseReflected}
	if o.Assumed {
		which.Case = caseAssumed // code: the note says what is assumed
	}
	// isOriginAllowed(undefined, ...) compares "undefined" with strings
	// and tests the RegExp on "undefined"; without an Origin the echoed
	// value is undefined and no header is set either way.
	if i := o.entry(reqOrigin, has); !allowed && i >= 0 {
		allowed = true
		which = policy.Note{Case: caseEchoed, Args: [4]string{1: o.Allowed[i].Regex, 2: o.Allowed[i].Exact}}
	}
	// configureOrigin lists ACAO (the echoed origin, or false) before
	// Vary: Origin, and applyHeaders sets them in that order.
	if !has {
		res.vary("Origin")
		return "origin", policy.Note{Case: "no Origin header: nothing to echo, no Access-Control-Allow-Origin"}
	}
	if !allowed {
		res.vary("Origin")
		return "origin", policy.Note{Case: caseNoEntry, Args: [4]string{reqOrigin}}
	}
	res.set("Access-Control-Allow-Origin", reqOrigin)
	res.vary("Origin")
	which.Args[0] = reqOrigin
	return "", which
}

// entry is the index of the first entry of Allowed that matches the
// request's Origin (has: the request sends one), or -1.
func (o *Options) entry(reqOrigin string, has bool) int {
	if !has {
		return -1
	}
	for i := range o.Allowed {
		if o.Allowed[i].match(reqOrigin) {
			return i
		}
	}
	return -1
}

func describeOrigin(o Origin) string {
	if o.Regex != "" {
		return "/" + o.Regex + "/"
	}
	return strconv.Quote(o.Exact)
}

// Respond runs the request through every cors() middleware in order, as
// Express does, then through the application for what cors() passes on.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	method := strings.ToUpper(req.Method) // req.method.toUpperCase()
	path := jsmw.PathOf(req.URL)
	res := &response{h: headers.List{}}
	var rules []policy.Rule
	for i := range c.Middlewares {
		mw := &c.Middlewares[i]
		r := policy.Rule{Index: i, Path: "line " + strconv.Itoa(mw.Line), ID: "cors()", Source: source}
		if ok, why := mw.applies(method, path); !ok {
			r.Failed = why
			r.Note = policy.Note{Case: caseNotMounted, Args: [4]string{method, path}}
			rules = append(rules, r)
			continue
		}
		if mw.Disabled {
			r.Failed = "origin"
			r.Note.Case = "origin is falsy: cors() calls next() and sets no header"
			rules = append(rules, r)
			continue
		}
		if o, has := req.Header.Get("Origin"); mw.Callback && mw.entry(o, has) < 0 {
			// The origin callback refuses: cors() passes its Error (or
			// false) to next() before setting any header
			// (lib/index.js middlewareWrapper).
			r.Failed = "origin"
			r.Note = policy.Note{Case: caseCallbackRefuses, Args: [4]string{o}}
			rules = append(rules, r)
			if mw.CallbackError && mw.ErrorHandler != 0 {
				// The application's own error handler answers it, as it
				// answers: the reply is the application's.
				c2 := *c
				c2.Notes = append(append([]string(nil), c.Notes...), "line "+strconv.Itoa(mw.ErrorHandler)+": the application's error handler answers the Error the origin callback calls back; its reply is the application's")
				c = &c2
			}
			if mw.CallbackError && mw.ErrorHandler == 0 {
				// next(err) skips every later middleware and route, and
				// Express's default error handler (finalhandler) answers
				// 500 with its own headers beside those already set
				// (checked against Express 5.3.0: TestExpressOriginCallback).
				res.set("Content-Security-Policy", "default-src 'none'")
				res.set("X-Content-Type-Options", "nosniff")
				res.set("Content-Type", "text/html; charset=utf-8")
				return policy.Outcome{
					Reply:    policy.Reply{Status: 500, Header: res.h, Body: "Internal Server Error"},
					Rules:    rules,
					Decision: policy.Note{Case: caseCallbackError, N: mw.Line, List: c.Notes},
					Words:    words{},
				}
			}
			continue
		}
		r.Matched = true
		r.Failed, r.Note = mw.origin(req, res)
		if mw.Credentials {
			res.set("Access-Control-Allow-Credentials", "true")
		}
		if method == "OPTIONS" {
			// Every OPTIONS is a preflight to cors(): no ACRM check.
			if mw.Methods != "" {
				res.set("Access-Control-Allow-Methods", mw.Methods)
			}
			if mw.AllowedHeaders == nil {
				res.vary("Access-Control-Request-Headers")
				if acrh, _ := req.Header.Get("Access-Control-Request-Headers"); acrh != "" {
					res.set("Access-Control-Allow-Headers", acrh)
				}
			} else if *mw.AllowedHeaders != "" {
				res.set("Access-Control-Allow-Headers", *mw.AllowedHeaders)
			}
			if mw.MaxAge != "" {
				res.set("Access-Control-Max-Age", mw.MaxAge)
			}
			if mw.ExposedHeaders != "" {
				res.set("Access-Control-Expose-Headers", mw.ExposedHeaders)
			}
			if !mw.PreflightContinue {
				res.set("Content-Length", "0")
				rules = append(rules, r)
				return policy.Outcome{
					Reply:    policy.Reply{Status: mw.OptionsSuccessStatus, Header: res.h},
					Rules:    rules,
					Decision: policy.Note{Case: caseOptions, N: mw.Line, M: mw.OptionsSuccessStatus, List: c.Notes},
					Words:    words{},
				}
			}
			r.Note.M = continued
		} else if mw.ExposedHeaders != "" {
			res.set("Access-Control-Expose-Headers", mw.ExposedHeaders)
		}
		rules = append(rules, r)
	}
	// The application answers; a header it sets replaces the one cors()
	// set (res.setHeader), in cors()'s position.
	out := res.h
	replaced := map[string]bool{}
	for _, f := range app.Header {
		low := strings.ToLower(f.Name)
		if out.Has(f.Name) && !replaced[low] {
			out.Set(f.Name, f.Value)
			replaced[low] = true
			continue
		}
		replaced[low] = true
		out.Add(f.Name, f.Value)
	}
	decision := policy.Note{Case: caseNoCORS, List: c.Notes}
	for _, r := range rules {
		if r.Matched {
			decision = policy.Note{Case: caseApplication, N: app.Status, List: c.Notes}
			break
		}
	}
	return policy.Outcome{Reply: policy.Reply{Status: app.Status, Header: out, Body: app.Body}, Rules: rules, Decision: decision, Words: words{}}
}

// The cases of Express's notes (words). A rule note's M is continued
// when preflightContinue passed the OPTIONS on; a decision's List is the
// configuration's own notes.
const (
	caseFixedOther = "fixed-other"
	caseFixed      = "fixed"
	caseReflected  = "reflected"
	caseAssumed    = "assumed"
	caseEchoed     = "echoed"
	caseNoEntry    = "no-entry"
	// caseCallbackRefuses: Args[0] is the Origin an origin callback
	// refuses.
	caseCallbackRefuses = "callback-refuses"
	// caseCallbackError: the decision of an origin callback's Error,
	// N the line of its cors().
	caseCallbackError = "callback-error"
	caseNotMounted    = "not-mounted"
	caseOptions       = "options"
	caseNoCORS        = "no-cors"
	caseApplication   = "application"
	continued         = 1
)

// words says Express's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	var s string
	switch n.Case {
	case caseFixedOther:
		s = "string origin " + strconv.Quote(n.Args[0]) + " is sent whatever the request's Origin (" + strconv.Quote(n.Args[1]) + "); the browser compares it"
	case caseFixed:
		s = "string origin " + strconv.Quote(n.Args[0]) + " sent as Access-Control-Allow-Origin"
	case caseReflected:
		s = strconv.Quote(n.Args[0]) + " origin: true reflects any origin: echoed"
	case caseAssumed:
		s = strconv.Quote(n.Args[0]) + " is echoed, as assumed of the origin option's code (see the note)"
	case caseEchoed:
		s = strconv.Quote(n.Args[0]) + " matches " + describeOrigin(Origin{Regex: n.Args[1], Exact: n.Args[2]}) + ": echoed"
	case caseNoEntry:
		s = strconv.Quote(n.Args[0]) + " matches no entry of the origin option: no Access-Control-Allow-Origin"
	case caseCallbackRefuses:
		s = strconv.Quote(n.Args[0]) + " is not in the origin callback's list: cors() passes its refusal to next() without any CORS header"
	case caseNotMounted:
		s = "not mounted for " + n.Args[0] + " " + n.Args[1]
	default:
		s = n.Case
	}
	if n.M == continued {
		s += "; preflightContinue passes OPTIONS on"
	}
	return s
}

func (words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case caseOptions:
		s = "OPTIONS answered by cors() at line " + strconv.Itoa(n.N) + " with " + strconv.Itoa(n.M)
	case caseNoCORS:
		s = "no cors() middleware set headers; the application answered"
	case caseCallbackError:
		s = "the origin callback of cors() at line " + strconv.Itoa(n.N) + " called back an Error: cors() passed it to next(), and Express's error handler answered 500 without CORS headers"
	case caseApplication:
		s = "cors() set its headers; the application answered " + strconv.Itoa(n.N)
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
