package caddy

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
)

// matcher is one matcher set: its matchers all must match (AND), the
// values of one matcher any (OR), as caddyhttp's MatcherSet does.
type matcher struct {
	name    string // "@name", "/path" for an inline path matcher
	paths   []string
	methods []string
	hdrs    []hdrMatch
	// hdrREs are header_regexp fields (one regexp a field, the last
	// written), pathRE path_regexp's: Go regular expressions, as Caddy's.
	hdrREs map[string]*regexp.Regexp
	// reNames are the names header_regexp gives its captures, by field:
	// its placeholders are {http.regexp.NAME.N} ({re.NAME.N}).
	reNames map[string]string
	pathRE  *regexp.Regexp
	line    int
	col     int
}

// hdrMatch is one field of a header matcher: any of vals (with *
// wildcards at either end), or absent ("!Field").
type hdrMatch struct {
	field  string
	vals   []string
	absent bool
}

// op is one header operation of a header directive, in the order
// HeaderOps.ApplyTo runs them: add, set, delete, replace.
type op struct {
	kind      string // "add", "set", "delete", "replace"
	field     string
	value     string         // add, set; the search regexp of replace
	with      string         // replace
	re        *regexp.Regexp // replace
	line, col int
}

// route is one directive of a site as an HTTP route: its matcher and
// its handler.
type route struct {
	dir       string
	m         *matcher
	line, col int

	// header: ops in ApplyTo's order; deferred when any field is deleted,
	// on defer, or with a ?field (a Require of absent fields).
	ops      []op
	deferred bool
	require  []string

	// respond
	status int
	body   string

	// strip, handle_path's first route: the path prefix it strips
	prefix string

	// handle, route: the routes inside (handle's sorted, route's as written)
	sub   []*route
	group int // handle routes of one level share a group: the first matching runs
}

// site is one site block.
type site struct {
	hosts  []string // lower case; empty for any host
	ports  []string
	routes []*route
	line   int
}

// Directives with no effect on the headers or status of a CORS exchange
// as Caddy 2.6.2 answers it: skipped.
var skipped = map[string]bool{
	"tls": true, "log": true, "root": true, "skip_log": true, "tracing": true, "bind": true,
	"metrics": true, "push": true, "templates": true, "request_body": true,
}

// Terminal handlers whose reply is the application's (Respond's app).
var upstreams = map[string]bool{"reverse_proxy": true, "php_fastcgi": true, "file_server": true}

// Directives that change the reply or the request in ways not modelled:
// reported with their position.
var unsupported = map[string]string{
	"import":         "of a file is not modelled (a snippet defined in the text is): paste the file's lines in its place",
	"map":            "sets variables from the request (not modelled)",
	"vars":           "sets variables (not modelled)",
	"redir":          "answers a redirect (not modelled)",
	"rewrite":        "changes the path the matchers see (not modelled)",
	"uri":            "changes the path the matchers see (not modelled)",
	"try_files":      "changes the path the matchers see (not modelled)",
	"method":         "changes the request's method (not modelled)",
	"basicauth":      "answers 401 before the headers' handlers reply (not modelled)",
	"basic_auth":     "answers 401 before the headers' handlers reply (not modelled)",
	"forward_auth":   "answers from an authentication service (not modelled)",
	"request_header": "changes the request's headers (not modelled)",
	"abort":          "closes the connection (not modelled)",
	"error":          "answers through the error routes (not modelled)",
	"handle_errors":  "answers errors with routes of its own (not modelled)",
	"copy_response":  "belongs to reverse_proxy's handle_response (not modelled)",
	"acme_server":    "is not an HTTP application handler",
	"invoke":         "invokes a named route (not modelled)",
}

// Directives whose effect on a CORS exchange is a note, not a fault.
var noted = map[string]string{
	"encode": "adds Vary: Accept-Encoding to the replies it compresses, which this reading leaves out",
}

type parser struct {
	notes    []string
	errs     policy.Errors
	matchers map[string]*matcher
	group    int
}

func (p *parser) err(t token, msg string) {
	if len(p.errs) < 100 {
		// What the reader does not model (import, a matcher type) is
		// its limit, not Caddy's refusal: an input error, where lint
		// called it "rejected", "Caddy refuses this" (tried as a new user
		// would).
		p.errs = append(p.errs, &policy.Error{Line: t.line, Column: t.col, Msg: msg, Unreadable: strings.Contains(msg, "not modelled")})
	}
}

// unread reports what Caddy runs and the reader does not model: an
// input error (policy.Error.Unreadable), never the platform's refusal.
func (p *parser) unread(t token, msg string) {
	if len(p.errs) < 100 {
		p.errs = append(p.errs, &policy.Error{Line: t.line, Column: t.col, Msg: msg, Unreadable: true})
	}
}

// Parse reads a Caddyfile: an optional global options block, then site
// blocks ("addresses {" ... "}"), or a single site's directives.
func Parse(text string) (*Config, error) {
	toks, errs := lex(text)
	if len(errs) > 0 {
		return nil, errs
	}
	nodes, errs := tree(toks)
	if len(errs) > 0 {
		return nil, errs
	}
	if nodes, errs = snippets(nodes); len(errs) > 0 {
		return nil, errs
	}
	c := &Config{}
	p := &parser{}
	if len(nodes) > 0 && nodes[0].name() == "{" && nodes[0].open {
		nodes = nodes[1:] // global options: no effect on CORS replies
	}
	if len(nodes) == 0 {
		return nil, policy.Errors{&policy.Error{Line: 1, Column: 1, Msg: "no site block and no directive"}}
	}
	bare := true
	for _, n := range nodes {
		if n.open && !isDirective(n.name()) {
			bare = false
		}
	}
	if bare {
		// Directives alone (a paste of one site's body).
		s := &site{line: nodes[0].args[0].line}
		s.routes = p.site(nodes)
		c.sites = append(c.sites, s)
		c.bare = true
	} else {
		for _, n := range nodes {
			if !n.open || isDirective(n.name()) {
				p.err(n.args[0], "\""+n.name()+"\" outside a site block")
				continue
			}
			s := &site{line: n.args[0].line}
			for _, a := range n.args {
				for _, addr := range strings.Split(a.text, ",") {
					if addr = strings.TrimSpace(addr); addr != "" {
						h, port := splitAddress(addr)
						s.hosts = append(s.hosts, h)
						s.ports = append(s.ports, port)
					}
				}
			}
			s.routes = p.site(n.block)
			c.sites = append(c.sites, s)
		}
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	c.Notes = append(c.Notes, p.notes...)
	for _, s := range c.sites {
		if !hasUpstream(s.routes) && !c.bare {
			c.Notes = append(c.Notes, "site at line "+strconv.Itoa(s.line)+" has no handler that answers (respond, reverse_proxy, file_server): Caddy answers requests that reach its end with an empty 200")
		}
	}
	return c, nil
}

func isDirective(name string) bool {
	return strings.HasPrefix(name, "@") || name == "header" || name == "respond" || upstreams[name] ||
		name == "handle" || name == "route" || skipped[name] || unsupported[name] != "" || noted[name] != ""
}

func hasUpstream(rs []*route) bool {
	for _, r := range rs {
		if upstreams[r.dir] || r.dir == "respond" || hasUpstream(r.sub) {
			return true
		}
	}
	return false
}

// splitAddress reads a site address: [scheme://]host[:port][/path].
func splitAddress(a string) (host, port string) {
	if i := strings.Index(a, "://"); i >= 0 {
		if a[:i] == "https" {
			port = "443"
		} else {
			port = "80"
		}
		a = a[i+3:]
	}
	if i := strings.IndexByte(a, '/'); i >= 0 {
		a = a[:i]
	}
	if i := strings.LastIndexByte(a, ':'); i >= 0 {
		a, port = a[:i], a[i+1:]
	}
	return strings.ToLower(a), port
}

// site reads one site's directives: named matchers first (they may be
// used before they are defined), then routes, sorted as Caddy sorts them.
func (p *parser) site(nodes []*node) []*route {
	saved := p.matchers
	p.matchers = map[string]*matcher{}
	for k, v := range saved {
		p.matchers[k] = v
	}
	for _, n := range nodes {
		if strings.HasPrefix(n.name(), "@") {
			p.namedMatcher(n)
		}
	}
	rs := p.routes(nodes, true)
	p.matchers = saved
	return rs
}

func (p *parser) routes(nodes []*node, sorted bool) []*route {
	var out []*route
	for _, n := range nodes {
		name := n.name()
		switch {
		case strings.HasPrefix(name, "@"):
			continue
		case name == "header":
			out = append(out, p.header(n)...)
		case name == "respond":
			if r := p.respond(n); r != nil {
				out = append(out, r)
			}
		case name == "handle" || name == "route":
			r := &route{dir: name, line: n.args[0].line, col: n.args[0].col}
			rest := p.matcherArg(n, r)
			if len(rest) > 0 {
				p.err(rest[0], name+" takes a matcher and a block only")
			}
			if name == "handle" {
				r.sub = p.site(n.block)
			} else {
				r.sub = p.routes(n.block, false)
				for _, m := range n.block {
					if strings.HasPrefix(m.name(), "@") {
						p.err(m.args[0], "named matchers inside route are not modelled; define them in the site block")
					}
				}
			}
			out = append(out, r)
		case name == "handle_path":
			// handle with its path prefix stripped first: caddy adapt
			// (2.6.2) writes a rewrite with strip_path_prefix at the head
			// of the subroute, and sorts and groups the route as a
			// handle's (e2e/caddy's handle_path corners).
			r := &route{dir: "handle", line: n.args[0].line, col: n.args[0].col}
			rest := p.matcherArg(n, r)
			if r.m == nil || len(n.args) < 2 || !strings.HasPrefix(n.args[1].text, "/") {
				p.err(n.args[0], "handle_path takes a path matcher, starting with /")
				continue
			}
			if len(rest) > 0 {
				p.err(rest[0], "handle_path takes a path and a block only")
			}
			// "/api/*" strips "/api"; "/api/" and "/api" strip themselves.
			prefix := n.args[1].text
			if strings.HasSuffix(prefix, "*") {
				prefix = strings.TrimSuffix(strings.TrimSuffix(prefix, "*"), "/")
			}
			strip := &route{dir: "strip", prefix: prefix, line: r.line, col: r.col}
			r.sub = append([]*route{strip}, p.site(n.block)...)
			out = append(out, r)
		case upstreams[name]:
			r := &route{dir: name, line: n.args[0].line, col: n.args[0].col}
			p.matcherArg(n, r)
			p.upstream(n, r)
			out = append(out, r)
		case skipped[name]:
		case noted[name] != "":
			p.notes = append(p.notes, "line "+strconv.Itoa(n.args[0].line)+": "+name+" "+noted[name])
		case unsupported[name] != "":
			// Caddy runs these; the reader does not model them (tried as
			// a new user would, lint called basicauth "rejected", "Caddy
			// refuses this", which caddy validate accepts).
			p.unread(n.args[0], name+" "+unsupported[name])
		case name == "{":
			p.err(n.args[0], "a block with no directive before it")
		default:
			p.err(n.args[0], "unknown or unmodelled directive \""+name+"\"")
		}
	}
	if sorted {
		sortRoutes(out)
		// handle routes of one level are mutually exclusive when there is
		// more than one (httpcaddyfile buildSubroute).
		n := 0
		for _, r := range out {
			if r.dir == "handle" {
				n++
			}
		}
		if n > 1 {
			p.group++
			for _, r := range out {
				if r.dir == "handle" {
					r.group = p.group
				}
			}
		}
		out = consolidate(out)
	}
	return out
}

// consolidate is httpcaddyfile's consolidateRoutes: a route whose
// matchers equal those of the route before it, in the same group, joins
// it, so that two handle blocks with equal matchers both run.
func consolidate(rs []*route) []*route {
	for i := 0; i+1 < len(rs); i++ {
		a, b := rs[i], rs[i+1]
		if a.group != 0 && a.group == b.group && a.dir == "handle" && b.dir == "handle" && sameMatcher(a.m, b.m) {
			a.sub = append(append([]*route(nil), a.sub...), b.sub...)
			rs = append(rs[:i+1], rs[i+2:]...)
			i--
		}
	}
	return rs
}

// sameMatcher reports whether two matcher sets are the same JSON to
// Caddy: the same matchers and values, whatever their names.
func sameMatcher(a, b *matcher) bool {
	if a == nil || b == nil {
		return a == b
	}
	re := func(r *regexp.Regexp) string {
		if r == nil {
			return ""
		}
		return r.String()
	}
	if !slices.Equal(a.paths, b.paths) || !slices.Equal(a.methods, b.methods) || re(a.pathRE) != re(b.pathRE) || len(a.hdrREs) != len(b.hdrREs) ||
		!slices.EqualFunc(a.hdrs, b.hdrs, func(x, y hdrMatch) bool {
			return x.field == y.field && x.absent == y.absent && slices.Equal(x.vals, y.vals)
		}) {
		return false
	}
	for f, r := range a.hdrREs {
		if re(r) != re(b.hdrREs[f]) {
			return false
		}
	}
	return true
}

// matcherArg takes the matcher token after a directive's name (*, a
// /path, or @name) and returns the remaining arguments.
func (p *parser) matcherArg(n *node, r *route) []token {
	args := n.args[1:]
	if len(args) == 0 {
		return args
	}
	t := args[0]
	switch {
	case t.text == "*" && !t.quoted:
		return args[1:]
	case strings.HasPrefix(t.text, "/") && !t.quoted:
		r.m = &matcher{name: t.text, paths: []string{strings.ToLower(t.text)}, line: t.line, col: t.col}
		return args[1:]
	case strings.HasPrefix(t.text, "@") && !t.quoted:
		m, ok := p.matchers[t.text]
		if !ok {
			p.err(t, "the named matcher "+t.text+" is not defined in this site")
		}
		r.m = m
		return args[1:]
	}
	return args
}

// namedMatcher reads "@name matcher args..." or "@name { matcher args... }".
func (p *parser) namedMatcher(n *node) {
	m := &matcher{name: n.name(), line: n.args[0].line, col: n.args[0].col}
	if n.open {
		if len(n.args) > 1 {
			p.err(n.args[1], "a named matcher takes a block or one matcher, not both")
		}
		for _, l := range n.block {
			p.matcherLine(m, l.args, l.open)
		}
	} else {
		if len(n.args) < 2 {
			p.err(n.args[0], "the named matcher "+n.name()+" has no matcher")
		}
		p.matcherLine(m, n.args[1:], false)
	}
	if _, dup := p.matchers[m.name]; dup {
		p.err(n.args[0], "the named matcher "+m.name+" is defined twice")
	}
	p.matchers[m.name] = m
}

func (p *parser) matcherLine(m *matcher, args []token, open bool) {
	if len(args) == 0 {
		return
	}
	kind, vals := args[0], args[1:]
	if open {
		p.err(kind, "matcher blocks are not modelled")
		return
	}
	switch kind.text {
	case "method":
		for _, v := range vals {
			m.methods = append(m.methods, v.text) // compared exactly (MatchMethod)
		}
		if len(vals) == 0 {
			p.err(kind, "method matcher with no method")
		}
	case "path":
		for _, v := range vals {
			m.paths = append(m.paths, strings.ToLower(v.text))
		}
		if len(vals) == 0 {
			p.err(kind, "path matcher with no path")
		}
	case "header":
		switch {
		case len(vals) == 0:
			p.err(kind, "malformed header matcher: expected field")
		case strings.HasPrefix(vals[0].text, "!"):
			if len(vals) > 1 {
				p.err(vals[1], "malformed header matcher: null matching headers cannot have a field value")
			}
			m.hdrs = append(m.hdrs, hdrMatch{field: gohdr.Canonical(vals[0].text[1:]), absent: true})
		case len(vals) == 1:
			p.err(vals[0], "malformed header matcher: expected both field and value")
		default:
			f := gohdr.Canonical(vals[0].text)
			found := false
			for i := range m.hdrs {
				if m.hdrs[i].field == f && !m.hdrs[i].absent {
					m.hdrs[i].vals = append(m.hdrs[i].vals, vals[1].text)
					found = true
				}
			}
			if !found {
				m.hdrs = append(m.hdrs, hdrMatch{field: f, vals: []string{vals[1].text}})
			}
			if len(vals) > 2 {
				p.err(vals[2], "a header matcher line takes one field and one value")
			}
		}
	case "header_regexp", "path_regexp":
		// [name] field regexp, [name] regexp (MatchHeaderRE, MatchPathRE)
		want := 2
		if kind.text == "path_regexp" {
			want = 1
		}
		name := ""
		if len(vals) == want+1 {
			name, vals = vals[0].text, vals[1:] // the name of the captures
		}
		if len(vals) != want {
			p.err(kind, kind.text+" takes "+map[bool]string{true: "a field and a regexp", false: "a regexp"}[want == 2]+", after an optional name")
			return
		}
		at := vals[want-1]
		re, err := regexp.Compile(at.text)
		if err != nil {
			p.err(at, "invalid regexp: "+err.Error())
			return
		}
		if want == 1 {
			m.pathRE = re
			return
		}
		if m.hdrREs == nil {
			m.hdrREs, m.reNames = map[string]*regexp.Regexp{}, map[string]string{}
		}
		m.hdrREs[gohdr.Canonical(vals[0].text)] = re
		m.reNames[gohdr.Canonical(vals[0].text)] = name
	default:
		p.err(kind, "the "+kind.text+" matcher is not modelled (method, path, path_regexp, header and header_regexp are)")
	}
}

// header reads a header directive as httpcaddyfile does (headers
// caddyfile.go): the first line's field, or a block of fields; a route
// for the operations, and one more for ?field defaults.
func (p *parser) header(n *node) []*route {
	r := &route{dir: "header", line: n.args[0].line, col: n.args[0].col}
	req := &route{dir: "header", line: r.line, col: r.col}
	args := p.matcherArg(n, r)
	req.m = r.m
	inline := len(args) > 0
	if inline {
		if len(args) > 3 {
			p.err(args[3], "too many arguments to header")
		}
		val, with := "", ""
		if len(args) > 1 {
			val = args[1].text
		}
		if len(args) > 2 {
			with = args[2].text
		}
		p.headerOp(r, args[0], val, with)
	}
	for _, l := range n.block {
		f := l.args[0]
		if f.text == "defer" {
			r.deferred = true
			continue
		}
		if inline {
			p.err(f, "cannot specify headers in both arguments and block")
			continue
		}
		if l.open {
			p.err(f, "a header field takes no block")
		}
		f.text = strings.TrimSuffix(f.text, ":")
		val, with := "", ""
		if len(l.args) > 1 {
			val = l.args[1].text
		}
		if len(l.args) > 2 {
			with = l.args[2].text
		}
		if len(l.args) > 3 {
			p.err(l.args[3], "too many arguments to a header field")
		}
		to := r
		if strings.HasPrefix(f.text, "?") {
			to = req
		}
		p.headerOp(to, f, val, with)
	}
	var out []*route
	for _, x := range []*route{r, req} {
		if len(x.ops) > 0 || len(x.require) > 0 {
			x.sortOps()
			out = append(out, x)
		}
	}
	if len(out) == 0 && len(n.args) == 1 && len(n.block) == 0 {
		p.err(n.args[0], "header with no field")
	}
	return out
}

// headerOp is applyHeaderOp: +add, -delete (deferred), ?default
// (deferred, set when absent), a replacement, or set.
func (p *parser) headerOp(r *route, f token, value, with string) {
	o := op{field: f.text, value: value, with: with, line: f.line, col: f.col}
	switch {
	case strings.HasPrefix(f.text, "+"):
		o.kind, o.field = "add", f.text[1:]
	case strings.HasPrefix(f.text, "-"):
		o.kind, o.field = "delete", f.text[1:]
		r.deferred = true
	case strings.HasPrefix(f.text, "?"):
		o.kind, o.field = "set", f.text[1:]
		r.require = append(r.require, gohdr.Canonical(o.field))
		r.deferred = true
	case with != "":
		o.kind, o.field = "replace", strings.TrimLeft(f.text, "+-?")
		re, err := regexp.Compile(value)
		if err != nil {
			p.err(f, "replacement for header field "+o.field+": "+err.Error())
			return
		}
		o.re = re
	default:
		o.kind = "set"
	}
	if o.field == "" {
		p.err(f, "header operation with no field name")
		return
	}
	if o.kind == "set" {
		// ops.Set.Set: a later set of one field replaces an earlier one.
		for i := range r.ops {
			if r.ops[i].kind == "set" && gohdr.Canonical(r.ops[i].field) == gohdr.Canonical(o.field) {
				r.ops = append(r.ops[:i], r.ops[i+1:]...)
				break
			}
		}
	}
	r.ops = append(r.ops, o)
}

var opOrder = map[string]int{"add": 0, "set": 1, "delete": 2, "replace": 3}

// sortOps orders a handler's operations as HeaderOps.ApplyTo runs them.
func (r *route) sortOps() {
	for i := 1; i < len(r.ops); i++ {
		for j := i; j > 0 && opOrder[r.ops[j].kind] < opOrder[r.ops[j-1].kind]; j-- {
			r.ops[j], r.ops[j-1] = r.ops[j-1], r.ops[j]
		}
	}
}

// Subdirectives of reverse_proxy with no effect on the reply's headers
// or status as modelled (the app's reply is given).
var proxySkipped = map[string]bool{
	"to": true, "lb_policy": true, "lb_try_duration": true, "lb_try_interval": true, "lb_retries": true,
	"health_uri": true, "health_port": true, "health_interval": true, "health_timeout": true,
	"health_status": true, "health_body": true, "health_headers": true, "health_path": true,
	"fail_duration": true, "max_fails": true, "unhealthy_status": true, "unhealthy_latency": true,
	"unhealthy_request_count": true, "flush_interval": true, "buffer_requests": true,
	"buffer_responses": true, "max_buffer_size": true, "trusted_proxies": true, "transport": true,
	"request_buffers": true, "response_buffers": true, "stream_timeout": true, "stream_close_delay": true,
	"dynamic": true, "header_up": true,
}

// upstream reads reverse_proxy's block: header_down operations change the
// upstream's reply before Caddy copies it (they are never deferred, and
// ?field is refused there, headers/caddyfile.go CaddyfileHeaderOp).
func (p *parser) upstream(n *node, r *route) {
	for _, l := range n.block {
		name := l.args[0]
		switch {
		case r.dir == "reverse_proxy" && name.text == "header_down":
			args := l.args[1:]
			if len(args) == 0 || len(args) > 3 {
				p.err(name, "header_down takes a field, and a value or a search and a replacement")
				continue
			}
			if strings.HasPrefix(args[0].text, "?") {
				p.err(args[0], args[0].text+": the default header modifier ('?') can only be used on response headers")
				continue
			}
			val, with := "", ""
			if len(args) > 1 {
				val = args[1].text
			}
			if len(args) > 2 {
				with = args[2].text
			}
			var d route
			p.headerOp(&d, args[0], val, with)
			r.ops = append(r.ops, d.ops...)
		case proxySkipped[name.text] && r.dir == "reverse_proxy":
		default:
			p.err(name, r.dir+"'s "+name.text+" is not modelled")
		}
	}
	r.sortOps()
}

// respond reads "respond [matcher] <status>|<body> [<status>]".
func (p *parser) respond(n *node) *route {
	r := &route{dir: "respond", line: n.args[0].line, col: n.args[0].col, status: 200}
	args := p.matcherArg(n, r)
	code := ""
	switch len(args) {
	case 0:
	case 1:
		if len(args[0].text) == 3 {
			if v, err := strconv.Atoi(args[0].text); err == nil && v > 0 {
				code = args[0].text
				break
			}
		}
		r.body = args[0].text
	case 2:
		r.body, code = args[0].text, args[1].text
	default:
		p.err(args[2], "too many arguments to respond")
	}
	if code != "" {
		v, err := strconv.Atoi(code)
		if err != nil || v < 100 || v > 999 {
			p.err(args[len(args)-1], "respond status "+code+" is not a number Caddy can send")
		}
		r.status = v
	}
	for _, l := range n.block {
		p.err(l.args[0], "respond's "+l.args[0].text+" is not modelled")
	}
	return r
}
