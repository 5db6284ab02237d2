package nginx

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// state is one request's variables while nginx processes it.
type state struct {
	c      *Config
	req    policy.Request
	path   string
	query  string
	host   string
	scheme string
	sets   map[string]string
	depth  int
}

func splitURL(u string) (scheme, host, path, query string) {
	scheme = "http"
	if i := strings.Index(u, "://"); i >= 0 {
		scheme = strings.ToLower(u[:i])
		u = u[i+3:]
		j := strings.IndexAny(u, "/?#")
		if j < 0 {
			host, u = u, "/"
		} else {
			host, u = u[:j], u[j:]
		}
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u, query = u[:i], u[i+1:]
	}
	if !strings.HasPrefix(u, "/") {
		u = "/" + u
	}
	return scheme, strings.ToLower(host), u, query
}

func (s *state) variable(name string) string {
	switch name {
	case "request_method":
		return s.req.Method
	case "host":
		if h, ok := s.req.Header.Get("Host"); ok {
			return strings.ToLower(h)
		}
		return s.host
	case "scheme":
		return s.scheme
	case "uri", "document_uri":
		return s.path
	case "request_uri":
		if s.query != "" {
			return s.path + "?" + s.query
		}
		return s.path
	case "args":
		return s.query
	case "is_args":
		if s.query != "" {
			return "?"
		}
		return ""
	}
	if v, ok := s.sets[name]; ok {
		return v
	}
	if m := s.c.maps[name]; m != nil {
		return s.mapValue(m)
	}
	if strings.HasPrefix(name, "http_") {
		// $http_<name>: the request header, "_" for "-", any case; repeated
		// lines joined with ", " (nginx 1.23.0+).
		v, _ := s.req.Header.Get(strings.ReplaceAll(name[5:], "_", "-"))
		return v
	}
	return "" // set variable not set yet: empty
}

func (s *state) expand(t template) string {
	if len(t.parts) == 1 && t.parts[0].v == "" {
		return t.parts[0].lit
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.v == "" {
			b.WriteString(p.lit)
		} else {
			b.WriteString(s.variable(p.v))
		}
	}
	return b.String()
}

// mapValue follows ngx_http_map_module: strings ignoring case, then the
// first matching regular expression in order, then default.
func (s *state) mapValue(m *mapVar) string {
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > 8 {
		return "" // maps referring to each other in a loop
	}
	src := s.expand(m.src)
	low := strings.ToLower(src)
	for _, e := range m.exact {
		if e.key == low {
			return s.expand(e.value)
		}
	}
	for _, e := range m.regexes {
		if e.re == nil {
			continue
		}
		if ok, _ := e.re.Match(src); ok {
			return s.expand(e.value)
		}
	}
	return s.expand(m.def)
}

func (s *state) test(c cond) bool {
	left := s.expand(c.left)
	switch c.op {
	case "":
		// "if the value of a variable is an empty string or "0", it is false"
		return left != "" && left != "0"
	case "=":
		return left == s.expand(c.right)
	case "!=":
		return left != s.expand(c.right)
	}
	if c.re == nil {
		return false
	}
	m, _ := c.re.Match(left)
	if strings.HasPrefix(c.op, "!") {
		return !m
	}
	return m
}

// run executes rewrite directives in order. It returns the return
// statement that ended processing, if any, and the configuration the
// request ends up with (the last true if's block).
//
// trace gets a pair of words per step (the step's kind, then the name or
// value it concerns; Words says them), so that no sentence is built
// while answering.
func (s *state) run(stmts []stmt, conf *level, trace *[]string) (ret *stmt, out *level, stop bool) {
	out = conf
	for i := range stmts {
		st := &stmts[i]
		switch st.kind {
		case stSet:
			s.sets[st.name] = s.expand(st.value)
		case stBreak:
			return nil, out, true
		case stReturn:
			return st, out, true
		case stIf:
			if !s.test(st.ifb.cond) {
				*trace = append(*trace, stepFalse, st.ifb.conf.name)
				continue
			}
			*trace = append(*trace, stepTrue, st.ifb.conf.name)
			out = st.ifb.conf
			r, _, stop := s.run(st.ifb.conf.stmts, st.ifb.conf, trace)
			if r != nil || stop {
				return r, out, true
			}
		}
	}
	return nil, out, false
}

// find chooses the location as ngx_http_core_find_location does: an
// exact match wins; otherwise the longest prefix is remembered and its
// nested locations searched; ^~ on it skips regexes; otherwise the first
// matching regex location wins, else the longest prefix.
func (s *state) find(lvl *level) *location {
	var best *location
	for _, l := range lvl.locations {
		if l.mod == "=" && l.path == s.path {
			return l
		}
	}
	for _, l := range lvl.locations {
		if (l.mod == "" || l.mod == "^~") && strings.HasPrefix(s.path, l.path) && (best == nil || len(l.path) > len(best.path)) {
			best = l
		}
	}
	if best != nil && len(best.conf.locations) > 0 {
		if n := s.find(best.conf); n != nil {
			return n
		}
	}
	if best == nil || best.mod != "^~" {
		for _, l := range lvl.locations {
			if (l.mod == "~" || l.mod == "~*") && l.re != nil {
				if m, _ := l.re.Match(s.path); m {
					return l
				}
			}
		}
	}
	return best
}

// Respond answers req as nginx would, with app as what the upstream or
// static content answers when nginx does not return by itself.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	s := &state{c: c, req: req, sets: map[string]string{}}
	s.scheme, s.host, s.path, s.query = splitURL(req.URL)
	var trace []string
	// Server rewrite phase, then location selection, then the location's
	// rewrite phase (ngx_http_core_module phases).
	ret, conf, stop := s.run(c.server.stmts, c.server, &trace)
	if ret == nil && !stop {
		if loc := s.find(c.server); loc != nil {
			trace = append(trace, stepChose, loc.conf.name)
			conf = loc.conf
			ret, conf, _ = s.run(loc.conf.stmts, loc.conf, &trace)
		} else {
			trace = append(trace, stepNoLocation, s.path)
		}
	}
	reply := policy.Reply{}
	decision := policy.Note{Case: caseSteps}
	if ret != nil {
		reply.Status = ret.code
		reply.Header = headers.List{}
		v := s.expand(ret.value)
		if ret.url {
			reply.Header.Add("Location", v)
		} else {
			reply.Body = v
		}
		trace = append(trace, stepReturn, "")
		decision.N, decision.M = ret.code, ret.line
	} else {
		reply.Status = app.Status
		reply.Header = app.Header.Clone()
		reply.Body = app.Body
		if reply.Header == nil {
			reply.Header = headers.List{}
		}
		trace = append(trace, stepApp, "")
		decision.N = app.Status
	}
	// add_header inheritance: the innermost level with its own add_header.
	from := conf
	for from != nil && len(from.adds) == 0 {
		from = from.parent
	}
	var rules []policy.Rule
	if from != nil {
		for i, a := range from.adds {
			r := policy.Rule{Index: i, ID: a.name, Path: a.at, Source: source}
			v := s.expand(a.value)
			switch {
			case v == "":
				r.Failed = "value"
				r.Note = policy.Note{Case: caseEmpty, Args: [4]string{a.name, a.value.raw}}
			case !a.always && !addStatuses[reply.Status]:
				r.Failed = "status"
				r.Note = policy.Note{Case: caseStatus, N: reply.Status}
			default:
				r.Matched = true
				r.Note = policy.Note{Case: caseAdded, Args: [4]string{a.name, v, from.name}}
				reply.Header.Add(a.name, v)
			}
			rules = append(rules, r)
		}
		// The levels around it lose their add_header: say so, it is the
		// classic trap (§6.1).
		for up := from.parent; up != nil; up = up.parent {
			for _, a := range up.adds {
				rules = append(rules, policy.Rule{Index: len(rules), ID: a.name, Path: a.at, Failed: "inheritance", Source: source,
					Note: policy.Note{Case: caseNotInherited, Args: [4]string{from.name, up.name}}})
			}
		}
	}
	for _, n := range c.Notes {
		trace = append(trace, stepNote, n)
	}
	decision.List = trace
	return policy.Outcome{Reply: reply, Rules: rules, Decision: decision, Words: words{}}
}

// The cases of nginx's notes (words). The decision's List holds the
// steps of the rewrite phase in pairs: a step word, then the level's
// name or the path it concerns; its N and M are the status and line of a
// return, or N the application's status.
const (
	caseEmpty        = "empty"
	caseStatus       = "status"
	caseAdded        = "added"
	caseNotInherited = "not-inherited"
	caseSteps        = "steps"

	stepTrue       = "true"
	stepFalse      = "false"
	stepChose      = "chose"
	stepNoLocation = "no-location"
	stepReturn     = "return"
	stepApp        = "app"
	stepNote       = "note"
)

// words says nginx's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseEmpty:
		return "add_header " + n.Args[0] + " " + n.Args[1] + ": the value is empty for this request, so nginx adds nothing"
	case caseStatus:
		return "add_header without always does not apply to status " + strconv.Itoa(n.N) + " (only 200, 201, 204, 206, 301, 302, 303, 304, 307, 308)"
	case caseAdded:
		return "added " + n.Args[0] + ": " + n.Args[1] + " from the " + n.Args[2]
	case caseNotInherited:
		return "not inherited: the " + n.Args[0] + " has its own add_header, which drops every add_header of the " + n.Args[1]
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	if n.Case != caseSteps {
		return ""
	}
	var steps, notes []string
	for i := 0; i+1 < len(n.List); i += 2 {
		v := n.List[i+1]
		switch n.List[i] {
		case stepTrue:
			steps = append(steps, v+": true")
		case stepFalse:
			steps = append(steps, v+": false")
		case stepChose:
			steps = append(steps, "chose "+v)
		case stepNoLocation:
			steps = append(steps, "no location matches "+v)
		case stepReturn:
			steps = append(steps, "return "+strconv.Itoa(n.N)+" at line "+strconv.Itoa(n.M))
		case stepApp:
			steps = append(steps, "the application answered "+strconv.Itoa(n.N))
		case stepNote:
			notes = append(notes, v)
		}
	}
	s := strings.Join(steps, "; ")
	if len(notes) > 0 {
		s += " (note: " + strings.Join(notes, "; ") + ")"
	}
	return s
}
