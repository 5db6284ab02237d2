package ingressnginx

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/requrl"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// server is one nginx server block the controller writes: a host (or
// "_", the default server) and its locations, longest path first.
type server struct {
	name  string
	locs  []*location
	regex bool // some location uses a regex: all are ~* "^path"
}

// location is one nginx location: its path, exact (= path) or a prefix,
// the Ingress whose annotations it carries (nil: none), and whether the
// default backend answers it (404).
type location struct {
	path    string
	typ     string // the Ingress path type it came from
	exact   bool
	in      *Ingress
	index   int // in's index in the manifest
	def     bool
	regex   bool // its Ingress makes it a regex
	pattern *regexp.Regexp
}

// servers builds the server blocks as the controller's createServers
// and updateServerLocations do: the default server "_" first; each host
// a server whose root location / is the default backend carrying the
// annotations of the first Ingress naming the host; each path a location
// (the first Ingress to write a path and type keeps it, a later one
// only replaces a default-backend location); a Prefix path /p becomes
// the prefix location /p/ and the exact location = /p (unless an Exact
// path /p exists); then sorted longest path first.
func (m *Manifest) servers() []*server {
	byName := map[string]*server{}
	var out []*server
	add := func(name string) *server {
		s := &server{name: name, locs: []*location{{path: "/", typ: "Prefix", def: true, index: -1}}}
		byName[name] = s
		out = append(out, s)
		return s
	}
	def := add("_")
	for i, in := range m.Ingresses {
		if in.DefaultBackend && len(in.Rules) == 0 && def.locs[0].in == nil {
			def.locs[0].in, def.locs[0].index, def.locs[0].def, def.locs[0].regex = in, i, false, in.regex("/")
		}
	}
	for i, in := range m.Ingresses {
		for _, r := range in.Rules {
			host := r.Host
			if host == "" {
				host = "_"
			}
			if byName[host] != nil {
				continue
			}
			s := add(host)
			s.locs[0].in, s.locs[0].index, s.locs[0].regex = in, i, in.regex("/")
			s.locs[0].def = !in.DefaultBackend
		}
	}
	for i, in := range m.Ingresses {
		for _, r := range in.Rules {
			host := r.Host
			if host == "" {
				host = "_"
			}
			s := byName[host]
			for _, p := range r.Paths {
				addLoc := true
				for _, l := range s.locs {
					if l.path != p.Path {
						continue
					}
					if l.typ != p.Type {
						break
					}
					addLoc = false
					if l.def {
						l.def, l.in, l.index, l.regex = false, in, i, in.regex(p.Path)
					}
					break
				}
				if addLoc {
					s.locs = append(s.locs, &location{path: p.Path, typ: p.Type, exact: p.Type == "Exact", in: in, index: i, regex: in.regex(p.Path)})
				}
			}
		}
	}
	for _, s := range out {
		exact := map[string]bool{}
		for _, l := range s.locs {
			s.regex = s.regex || l.regex
			if l.typ == "Exact" {
				exact[l.path] = true
			}
		}
		var locs []*location
		for _, l := range s.locs {
			locs = append(locs, l)
			if l.path == "/" || l.typ != "Prefix" || l.regex {
				continue
			}
			had := exact[l.path]
			p := l.path
			if !strings.HasSuffix(l.path, "/") {
				l.path += "/"
			}
			if !had {
				e := *l
				e.path, e.exact = p, true
				locs = append(locs, &e)
			}
		}
		sort.SliceStable(locs, func(i, j int) bool { return locs[i].path > locs[j].path })
		sort.SliceStable(locs, func(i, j int) bool { return len(locs[i].path) > len(locs[j].path) })
		if s.regex {
			for _, l := range locs {
				l.pattern, _ = regexp.Compile("(?i)^" + l.path)
			}
		}
		s.locs = locs
	}
	return out
}

// pick is nginx's server_name choice: the exact name, else the longest
// leading-wildcard name (*.example.com serves every name under it), else
// the default server.
func pick(ss []*server, host string) *server {
	var best *server
	for _, s := range ss {
		if s.name == host {
			return s
		}
		if suf, ok := strings.CutPrefix(s.name, "*"); ok && strings.HasSuffix(host, suf) && (best == nil || len(s.name) > len(best.name)) {
			best = s
		}
	}
	if best != nil {
		return best
	}
	return ss[0]
}

// choose is nginx's location choice: with regexes, the first whose
// pattern matches (longest path first); else = path, then the longest
// prefix.
func (s *server) choose(path string) *location {
	if s.regex {
		for _, l := range s.locs {
			if l.pattern != nil && l.pattern.MatchString(path) {
				return l
			}
		}
		return nil
	}
	for _, l := range s.locs {
		if l.exact && l.path == path {
			return l
		}
	}
	for _, l := range s.locs {
		if !l.exact && strings.HasPrefix(path, l.path) {
			return l
		}
	}
	return nil
}

// Respond answers req as the nginx configuration the controller writes
// for the manifest would, with app as what the Ingress's backend answers.
func (m *Manifest) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	d := policy.Note{Case: caseDecision}
	for _, c := range req.Method {
		if (c < 'A' || c > 'Z') && c != '_' && c != '-' {
			d.Args[0] = "bad-method"
			d.Args[1] = req.Method
			return policy.Outcome{Reply: policy.Reply{Status: 400, Header: headers.List{{Name: "Content-Type", Value: "text/html"}}}, Decision: d, Words: words{}}
		}
	}
	parts := requrl.Split(req)
	s := pick(m.srv, parts.Host)
	l := s.choose(parts.Path)
	d.Args[1] = s.name
	if l == nil {
		d.Args[0] = "no-location"
		d.Args[2] = parts.Path
		return policy.Outcome{Reply: policy.Reply{Status: 404, Header: headers.List{{Name: "Content-Type", Value: "text/html"}}}, Decision: d, Words: words{}}
	}
	d.Args[2] = locationText(l, s.regex)
	reply := app
	reply.Header = app.Header.Clone()
	if l.def {
		d.Args[0] = "default-backend"
		reply = policy.Reply{Status: 404, Header: headers.List{{Name: "Content-Type", Value: "text/plain"}}, Body: "default backend - 404"}
	} else {
		d.Args[0] = "app"
	}
	d.N = reply.Status
	out := policy.Outcome{Decision: d, Words: words{}}
	if l.in == nil {
		out.Reply = reply
		return out
	}
	in := l.in
	out.DecidedBy = &wire.Place{Layer: "cors-rule", Resource: "Ingress " + in.key(), Line: in.Pos.Line, Column: in.Pos.Column}
	c := in.Cors
	rule := func(name, failed string, n policy.Note) {
		r := policy.Rule{Index: l.index, ID: name, Matched: failed == "", Failed: failed, Note: n, Source: source}
		if a, ok := in.Get(name); ok {
			r.Path = "line " + strconv.Itoa(a.KeyPos.Line)
		} else {
			r.Path = "line " + strconv.Itoa(in.Pos.Line)
		}
		out.Rules = append(out.Rules, r)
	}
	if !c.Enabled {
		rule("enable-cors", "enabled", policy.Note{Case: caseDisabled})
		out.Reply = reply
		return out
	}
	origin, hasOrigin := req.Header.Get("Origin")
	cors := ""
	if len(c.AllowOrigin) == 1 && c.AllowOrigin[0] == "*" {
		origin, cors = "*", "true"
		// Args[0]: the value as written when the controller refused
		// it, so that a fix mends that list rather than replace it.
		n := policy.Note{Case: caseStar}
		for _, d := range c.Defaulted {
			if a, ok := in.Get("cors-allow-origin"); ok && d.Name == "cors-allow-origin" && d.Why == "invalid" {
				n.Args[0] = a.Value
			}
		}
		rule("cors-allow-origin", "", n)
	} else if len(c.AllowOrigin) == 0 {
		rule("cors-allow-origin", "origin", policy.Note{Case: caseNoOrigins})
	} else if hasOrigin && in.origin != nil && in.origin.MatchString(origin) {
		cors = "true"
		rule("cors-allow-origin", "", policy.Note{Case: caseOrigin, Args: [4]string{origin}, List: c.AllowOrigin})
	} else {
		rule("cors-allow-origin", "origin", policy.Note{Case: caseOrigin, Args: [4]string{origin}, List: c.AllowOrigin})
	}
	if req.Method == "OPTIONS" {
		cors += "options"
	}
	d.List = notes(c)
	switch cors {
	case "true":
		d.Args[3] = "headers"
	case "trueoptions":
		d.Args[0], d.Args[3] = "preflight", "headers"
		reply = policy.Reply{Status: 204}
		d.N = 204
	default:
		out.Reply = reply
		out.Decision = d
		return out
	}
	set := func(name, value string) { reply.Header.Set(name, value) }
	set("Access-Control-Allow-Origin", origin)
	if c.AllowCredentials {
		set("Access-Control-Allow-Credentials", "true")
		rule("cors-allow-credentials", "", policy.Note{Case: caseSet, Args: [4]string{"Access-Control-Allow-Credentials", "true"}})
	}
	set("Access-Control-Allow-Methods", c.AllowMethods)
	rule("cors-allow-methods", "", policy.Note{Case: caseSet, Args: [4]string{"Access-Control-Allow-Methods", c.AllowMethods}})
	set("Access-Control-Allow-Headers", c.AllowHeaders)
	rule("cors-allow-headers", "", policy.Note{Case: caseSet, Args: [4]string{"Access-Control-Allow-Headers", c.AllowHeaders}})
	if c.ExposeHeaders != "" {
		set("Access-Control-Expose-Headers", c.ExposeHeaders)
		rule("cors-expose-headers", "", policy.Note{Case: caseSet, Args: [4]string{"Access-Control-Expose-Headers", c.ExposeHeaders}})
	}
	set("Access-Control-Max-Age", strconv.Itoa(c.MaxAge))
	rule("cors-max-age", "", policy.Note{Case: caseSet, Args: [4]string{"Access-Control-Max-Age", strconv.Itoa(c.MaxAge)}})
	if cors == "trueoptions" {
		set("Content-Type", "text/plain charset=UTF-8")
		set("Content-Length", "0")
	}
	out.Reply = reply
	out.Decision = d
	return out
}

func (in *Ingress) key() string {
	if in.Namespace != "" {
		return in.Namespace + "/" + in.Name
	}
	return in.Name
}

func locationText(l *location, regex bool) string {
	switch {
	case regex:
		return `~* "^` + l.path + `"`
	case l.exact:
		return "= " + l.path
	}
	return l.path
}

// notes are the annotations the controller did not take as written.
func notes(c Cors) []string {
	var out []string
	for _, d := range c.Defaulted {
		switch d.Why {
		case "skipped":
			out = append(out, "the origin "+strconv.Quote(d.Value)+" of cors-allow-origin is not scheme://host[:port] and was dropped")
		case "invalid":
			out = append(out, d.Name+" at line "+strconv.Itoa(d.Pos.Line)+" was refused by the controller's validation, which used its default")
		case "empty":
			out = append(out, d.Name+" is empty: the controller used its default")
		}
	}
	return out
}

// The cases of the notes (words). The decision's Args: who answered
// ("app", "preflight", "default-backend", "no-location", "bad-method"),
// the server name (or the method), the location, and "headers" when the
// CORS headers were set; N the status; List the defaulted annotations.
const (
	caseDecision  = "decision"
	caseDisabled  = "disabled"
	caseStar      = "star"
	caseNoOrigins = "no-origins"
	caseOrigin    = "origin"
	caseSet       = "set"
)

type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseDisabled:
		return "nginx.ingress.kubernetes.io/enable-cors is not \"true\": the controller writes no CORS block, and every other cors-* annotation does nothing"
	case caseStar:
		return "cors-allow-origin is * (or absent, or refused by validation): nginx sets $http_origin to * and sends the CORS headers on every request"
	case caseNoOrigins:
		return "no origin of cors-allow-origin is valid: no origin test is written, and no request gets the CORS headers"
	case caseOrigin:
		if r.Failed != "" {
			if n.Args[0] == "" {
				return "the request has no Origin, so $http_origin matches none of " + strings.Join(n.List, ", ")
			}
			return "the Origin " + n.Args[0] + " matches none of " + strings.Join(n.List, ", ") + " (the regex is case-insensitive and anchored at the end)"
		}
		return "the Origin " + n.Args[0] + " matches cors-allow-origin " + strings.Join(n.List, ", ") + ": Access-Control-Allow-Origin echoes it"
	case caseSet:
		return "more_set_headers " + n.Args[0] + ": " + n.Args[1] + " (replacing the backend's own)"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	if n.Case != caseDecision {
		return ""
	}
	var s string
	switch n.Args[0] {
	case "bad-method":
		return "nginx refuses the method " + strconv.Quote(n.Args[1]) + " with 400: methods are capital letters"
	case "no-location":
		return "no location of the server " + n.Args[1] + " matches " + n.Args[2] + ": nginx answers 404"
	case "preflight":
		s = "location " + n.Args[2] + " of server " + n.Args[1] + ": an OPTIONS request with an allowed origin, answered 204 by nginx with the CORS headers (the backend never sees it)"
	case "default-backend":
		s = "location " + n.Args[2] + " of server " + n.Args[1] + " is the default backend, which answers 404"
	case "app":
		s = "location " + n.Args[2] + " of server " + n.Args[1] + ": the backend answered " + strconv.Itoa(n.N)
	}
	if n.Args[3] == "headers" && n.Args[0] != "preflight" {
		s += "; more_set_headers replaced its Access-Control-* headers"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
