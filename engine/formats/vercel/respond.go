package vercel

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/formats/internal/hosthdr"
	"github.com/whycors/whycors/engine/formats/internal/requrl"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// request is what the entries' conditions read.
type request struct {
	path, host string
	header     map[string][]string
	query      url.Values
	cookies    map[string]string
}

func newRequest(req policy.Request) request {
	p := requrl.Split(req)
	r := request{path: p.Path, host: p.Host, header: p.Header, cookies: map[string]string{}}
	if i := strings.IndexByte(req.URL, '?'); i >= 0 {
		q := req.URL[i+1:]
		if j := strings.IndexByte(q, '#'); j >= 0 {
			q = q[:j]
		}
		r.query, _ = url.ParseQuery(q)
	}
	for _, line := range p.Header["Cookie"] {
		for _, c := range strings.Split(line, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(c), "=")
			if _, seen := r.cookies[k]; !seen && k != "" {
				r.cookies[k] = v
			}
		}
	}
	return r
}

// element returns the request's element a condition reads.
func (r request) element(c Cond) (string, bool) {
	switch c.Type {
	case "host":
		return r.host, true
	case "header":
		vs := r.header[gohdr.Canonical(c.Key)]
		if vs == nil {
			return "", false
		}
		return strings.Join(vs, ", "), true
	case "cookie":
		v, ok := r.cookies[c.Key]
		return v, ok
	case "query":
		if !r.query.Has(c.Key) {
			return "", false
		}
		return r.query.Get(c.Key), true
	}
	return "", false
}

// matches reports whether e applies to r, the first failed condition
// otherwise, and the values ":name" stands for.
func (e *Match) matches(r request) (string, map[string]string) {
	m := e.re.FindStringSubmatch(r.path)
	if m == nil {
		return "source", nil
	}
	vals := map[string]string{}
	for i, n := range e.names {
		if n != "" && i+1 < len(m) {
			vals[n] = m[i+1]
		}
	}
	for _, c := range e.Has {
		v, ok := r.element(c)
		if !ok {
			return "has", nil
		}
		if c.re != nil {
			sm := c.re.FindStringSubmatch(v)
			if sm == nil {
				return "has", nil
			}
			for i, n := range c.re.SubexpNames() {
				if n != "" {
					vals[n] = sm[i]
				}
			}
			if c.Type == "host" {
				vals["host"] = v
			}
		} else if c.Key != "" {
			vals[c.Key] = v
		}
	}
	for _, c := range e.Missing {
		v, ok := r.element(c)
		if ok && (c.re == nil || c.re.MatchString(v)) {
			return "missing", nil
		}
	}
	return "", vals
}

// route is one route of the list routing-utils' getTransformedRoutes
// writes, in its order: cleanUrls' and trailingSlash's, the redirects,
// then the headers (continue: true). The first matching route without
// continue ends the routing: a redirect answers, and a trailingSlash
// pass-through (/.well-known) lets the request on without the later
// routes' headers (vercel.com/docs/build-output-api/v3/configuration#routes).
type route struct {
	kind   string // "clean", "slash", "pass", "redirect", "header"
	re     *regexp.Regexp
	loc    string // a Location template with $1 (clean, slash)
	status int
	m      *Match
	redir  *Redirect
	entry  int
}

// buildRoutes lists the routes in routing-utils' order, with its
// regular expressions for cleanUrls and trailingSlash
// (dist/superstatic.js convertCleanUrls, convertTrailingSlash).
func (c *Config) buildRoutes() []route {
	var rs []route
	slash := c.TrailingSlash != nil && *c.TrailingSlash
	if c.CleanURLs {
		loc := "/$1"
		if slash {
			loc = "/$1/"
		}
		rs = append(rs,
			route{kind: "clean", re: regexp.MustCompile(`^/(?:(.+)/)?index(?:\.html)?/?$`), loc: loc, status: 308},
			route{kind: "clean", re: regexp.MustCompile(`^/(.*)\.html/?$`), loc: loc, status: 308})
	}
	if c.TrailingSlash != nil {
		if slash {
			rs = append(rs,
				route{kind: "pass", re: regexp.MustCompile(`^/\.well-known(?:/.*)?$`)},
				route{kind: "slash", re: regexp.MustCompile(`^/((?:[^/]+/)*[^/\.]+)$`), loc: "/$1/", status: 308},
				route{kind: "slash", re: regexp.MustCompile(`^/((?:[^/]+/)*[^/]+\.\w+)/$`), loc: "/$1", status: 308})
		} else {
			rs = append(rs, route{kind: "slash", re: regexp.MustCompile(`^/(.*)/$`), loc: "/$1", status: 308})
		}
	}
	for i := range c.Redirects {
		r := &c.Redirects[i]
		rs = append(rs, route{kind: "redirect", m: &r.Match, redir: r, status: r.Status})
	}
	for i := range c.Entries {
		rs = append(rs, route{kind: "header", m: &c.Entries[i].Match, entry: i})
	}
	return rs
}

// result is a request's way through the routes.
type result struct {
	set      hosthdr.Set
	rules    []policy.Rule
	status   int    // a redirect's, 0 when the request reaches the application
	location string // its Location
}

func (c *Config) run(req policy.Request) result {
	r := newRequest(req)
	var x result
	for _, rt := range c.routes {
		switch rt.kind {
		case "clean", "slash", "pass":
			m := rt.re.FindStringSubmatch(r.path)
			if m == nil {
				continue
			}
			rule := policy.Rule{Index: -1, ID: rt.kind, Matched: true, Source: source}
			if rt.kind == "pass" {
				rule.Note = policy.Note{Case: casePass, Args: [4]string{r.path}}
				x.rules = append(x.rules, rule)
				return x
			}
			x.status, x.location = rt.status, strings.ReplaceAll(rt.loc, "$1", m[1])
			rule.Note = policy.Note{Case: caseBuiltin, Args: [4]string{rt.kind, r.path, x.location}, N: rt.status}
			x.rules = append(x.rules, rule)
			return x
		case "redirect":
			failed, vals := rt.m.matches(r)
			rule := policy.Rule{Index: -1, ID: rt.m.Source, Path: rt.m.Path, Source: source}
			if failed != "" {
				continue
			}
			loc := rt.redir.Destination
			if rt.m.segs {
				loc = substitute(loc, vals)
			}
			x.status, x.location = rt.status, loc
			rule.Matched = true
			rule.Note = policy.Note{Case: caseRedirect, Args: [4]string{rt.m.Source, r.path, loc}, N: rt.status, M: rt.m.Line}
			x.rules = append(x.rules, rule)
			return x
		}
		e := &c.Entries[rt.entry]
		failed, vals := e.matches(r)
		rule := policy.Rule{Index: rt.entry, ID: e.Source, Path: e.Path, Source: source}
		if failed != "" {
			rule.Failed = failed
			rule.Note = policy.Note{Case: caseSkip, Args: [4]string{e.Source, r.path, failed}, M: e.Line}
			x.rules = append(x.rules, rule)
			continue
		}
		rule.Matched = true
		rule.Note = policy.Note{Case: caseApply, Args: [4]string{e.Source, r.path}, N: len(e.Headers), M: e.Line}
		x.rules = append(x.rules, rule)
		for _, h := range routeHeaders(e.Headers) {
			if e.segs {
				h.Key = substitute(h.Key, vals)
				h.Value = substitute(h.Value, vals)
			}
			x.set.Put(rt.entry, h)
		}
	}
	return x
}

// Set returns the headers the entries set for req, each field from the
// last entry that set it, and the trace; a request that a redirect or a
// trailingSlash pass-through ends gets the headers set before it (none:
// those routes come first).
func (c *Config) Set(req policy.Request) (hosthdr.Set, []policy.Rule) {
	x := c.run(req)
	return x.set, x.rules
}

// routeHeaders is the entry's headers as the route's headers object
// holds them (convertHeaders: obj[key] = value): one per key as written,
// at the place of its first, with the value of its last. Keys that
// differ in case only are two fields of the object; the later in that
// order replaces the earlier on the reply.
func routeHeaders(hs []hosthdr.Header) []hosthdr.Header {
	out := make([]hosthdr.Header, 0, len(hs))
	at := map[string]int{}
	for _, h := range hs {
		if i, ok := at[h.Key]; ok {
			out[i].Value, out[i].ValV = h.Value, h.ValV
			continue
		}
		at[h.Key] = len(out)
		out = append(out, h)
	}
	return out
}

// Respond answers req as a Vercel deployment whose application answers
// app: a redirect of cleanUrls, trailingSlash or "redirects" answers
// first, with none of the header entries (they come after it); else the
// matching entries' headers, under the application's own where it sends
// one of the same name, and the application's status, OPTIONS too.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	x := c.run(req)
	if x.status != 0 {
		red := policy.Reply{Status: x.status, Header: headers.List{{Name: "Location", Value: x.location}}}
		out := x.set.Outcome(req, red, x.rules, false, words{})
		out.Decision.Args[0] = "redirect"
		return out
	}
	return x.set.Outcome(req, app, x.rules, true, words{})
}

const (
	caseSkip  = "skip"
	caseApply = "apply"
	// caseBuiltin: cleanUrls' or trailingSlash's redirect (Args kind,
	// path, Location; N the status).
	caseBuiltin = "builtin"
	// casePass: trailingSlash's /.well-known route, which ends the
	// routing.
	casePass = "pass"
	// caseRedirect: a redirect of "redirects" (Args source, path,
	// Location; N the status; M the line).
	caseRedirect = "redirect"
	caseDecision = hosthdr.CaseDecision
)

type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	at := " (line " + strconv.Itoa(n.M) + ")"
	switch n.Case {
	case caseSkip:
		switch n.Args[2] {
		case "source":
			return "the source " + strconv.Quote(n.Args[0]) + at + " does not match the path " + n.Args[1]
		case "has":
			return "the source " + strconv.Quote(n.Args[0]) + at + " matches, but a \"has\" condition does not hold"
		case "missing":
			return "the source " + strconv.Quote(n.Args[0]) + at + " matches, but a \"missing\" condition finds its element"
		}
	case caseBuiltin:
		what := "cleanUrls"
		if n.Args[0] == "slash" {
			what = "trailingSlash"
		}
		return what + " redirects " + n.Args[1] + " with " + strconv.Itoa(n.N) + " to " + n.Args[2] + ", before any header entry"
	case casePass:
		return "trailingSlash passes " + n.Args[0] + " through, which ends the routes: no header entry applies"
	case caseRedirect:
		return "the redirect " + strconv.Quote(n.Args[0]) + " (line " + strconv.Itoa(n.M) + ") matches " + n.Args[1] + ": " + strconv.Itoa(n.N) + " to " + n.Args[2] + ", before any header entry"
	case caseApply:
		return "the source " + strconv.Quote(n.Args[0]) + at + " matches " + n.Args[1] + ": its " + strconv.Itoa(n.N) + " header(s) apply, a later entry's key replacing an earlier one's"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	if n.Case != caseDecision {
		return ""
	}
	if n.Args[0] == "redirect" {
		return "Vercel redirected with " + strconv.Itoa(n.N) + " before the header entries: the reply has none of them, and a preflight that is redirected fails"
	}
	s := hosthdr.Matched(n.M) + "; the application answered " + strconv.Itoa(n.N)
	if n.Args[0] == "options" {
		s += " to OPTIONS: Vercel answers no preflight itself"
	}
	if len(n.List) > 0 {
		s += " (its own " + strings.Join(n.List, ", ") + " overrode vercel.json's)"
	}
	return s
}
