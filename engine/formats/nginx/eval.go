package nginx

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// state is one request's variables while nginx processes it.
type state struct {
	c   *Config
	srv *level // the server level that answers
	req policy.Request
	// errorPaged: an error_page sent the request on (once: nginx's
	// recursive_error_pages is off by default); status is the status it
	// gives the answer, 0 for the answer's own.
	errorPaged bool
	status     int
	// location is the Location of the redirect an error_page took,
	// which the answer keeps.
	location string
	// internal: the request came by a redirect of nginx's own
	// (try_files, error_page), which internal locations take.
	internal bool
	path     string // normalized ($uri)
	raw      string // as sent ($request_uri without the query)
	query    string
	host     string
	scheme   string
	sets     map[string]string
	depth    int
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
			return s.raw + "?" + s.query
		}
		return s.raw
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
			if out != conf && len(out.adds) > 0 {
				// An earlier true if's block, with add_header lines
				// this one replaces (the request takes the last true
				// if's configuration): tried as a new user would, the
				// steps listed both as true and left the reader to
				// guess why the first one's headers were missing.
				*trace = append(*trace, stepReplaces, st.ifb.conf.name+"\x00"+out.name)
			} else {
				*trace = append(*trace, stepTrue, st.ifb.conf.name)
			}
			out = st.ifb.conf
			r, _, stop := s.run(st.ifb.conf.stmts, st.ifb.conf, trace)
			if r != nil || stop {
				return r, out, true
			}
		}
	}
	return nil, out, false
}

// How a level's search ended (ngx_http_core_find_location's codes).
type found uint8

const (
	declined found = iota // no location
	prefix                // the longest prefix, regexes still to try
	exact                 // an exact, regex or nested choice: final
	redirect              // the auto-redirect of a location for path + "/"
)

// find chooses the location as ngx_http_core_find_location does: an
// exact match wins; a prefix or exact location for the path plus "/"
// with a content handler answers with a redirect (before any regex)
// unless a prefix location names the path itself; otherwise the longest
// prefix is remembered and its nested locations searched, where a final
// choice wins; ^~ on it skips this level's regexes; otherwise the first
// matching regex location (then its own nested locations), else the
// prefix.
func (s *state) find(lvl *level) (*location, found) {
	var best, slash, slashExact *location
	redir := false
	for _, l := range lvl.locations {
		if l.mod == "~" || l.mod == "~*" {
			continue
		}
		if l.mod == "=" && l.path == s.path {
			return l, exact
		}
		if len(l.path) == len(s.path)+1 && strings.HasPrefix(l.path, s.path) && l.path[len(s.path)] == '/' {
			// One node of nginx's tree holds a path's exact and prefix
			// locations: either one's handler redirects, into the
			// exact one's configuration when there is one.
			redir = redir || l.redirect
			if l.mod == "=" {
				slashExact = l
			} else {
				slash = l
			}
		}
		if l.mod != "=" && strings.HasPrefix(s.path, l.path) && (best == nil || len(l.path) > len(best.path)) {
			best = l
		}
	}
	if redir && (best == nil || len(best.path) < len(s.path)) {
		if slashExact != nil {
			return slashExact, redirect
		}
		return slash, redirect
	}
	rc := declined
	var at *location
	if best != nil {
		at, rc = best, prefix
		if len(best.conf.locations) > 0 {
			if n, nrc := s.find(best.conf); nrc == exact || nrc == redirect {
				return n, nrc
			} else if nrc == prefix {
				at = n
			}
		}
	}
	if best == nil || best.mod != "^~" {
		for _, l := range lvl.locations {
			if (l.mod == "~" || l.mod == "~*") && l.re != nil {
				if m, _ := l.re.Match(s.path); m {
					if len(l.conf.locations) > 0 {
						if n, nrc := s.find(l.conf); nrc == exact || nrc == redirect {
							return n, nrc
						}
					}
					return l, exact
				}
			}
		}
	}
	return at, rc
}

// passes says whether conf passes the request on (a content handler of
// its location's, an if block having its location's).
// proxied reports that the handler conf passes requests on with is
// proxy_pass (passes: the level's own, or its location's for an if).
func proxied(conf *level) bool {
	for l := conf; l != nil; l = l.parent {
		if l.handler {
			return l.proxied
		}
		if l.kind != "if" {
			return false
		}
	}
	return false
}

// hidden are the proxy_hide_header names that apply at conf: the
// innermost level's with any.
func hidden(conf *level) []string {
	for l := conf; l != nil; l = l.parent {
		if len(l.hides) > 0 {
			return l.hides
		}
	}
	return nil
}

func passes(conf *level) bool {
	for l := conf; l != nil; l = l.parent {
		if l.handler {
			return true
		}
		if l.kind != "if" {
			return false
		}
	}
	return false
}

// validMethod is nginx's request-line method: capital letters, "_" and
// "-" (ngx_http_parse_request_line); fetch() sends "patch" as written.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if c := m[i]; (c < 'A' || c > 'Z') && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// Passes reports whether nginx hands req to an upstream (proxy_pass,
// fastcgi_pass, ...) rather than answering it itself or from files:
// which of the two Respond's app stands for.
func (c *Config) Passes(req policy.Request) bool {
	_, ret, conf, _ := c.route(req)
	return ret == nil && passes(conf)
}

// normalize is the URI nginx matches locations against
// (ngx_http_parse_complex_uri): %XX decoded, "." and ".." segments
// resolved, runs of "/" merged (merge_slashes on).
func normalize(p string) string {
	if d, err := url.PathUnescape(p); err == nil {
		p = d
	}
	segs := strings.Split(p, "/")
	var out []string
	for i, seg := range segs {
		last := i == len(segs)-1
		switch seg {
		case "", ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/")
}

// Respond answers req as nginx would, with app as what the upstream or
// static content answers when nginx does not return by itself.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	s, ret, conf, trace := c.route(req)
	if ret != nil && ret.onFile && (app.Status < 200 || app.Status > 299) {
		// No file to refuse the POST for: the missing file's reply.
		ret = nil
		trace = trace[:len(trace)-2]
	}
	switch {
	case s.srv == nil:
	case s.errorPaged && (ret != nil && ret.onFile || ret == nil && c.static && !passes(conf) && app.Status == 404):
		// The error page's own 405 or 404: its status is the answer's.
		s.status = 0
	case ret != nil && ret.onFile:
		// The static module's 405 to a POST of a file that is there,
		// known only now: error_page may take it.
		if r, l, ok := s.errorPage(conf, 405, &trace); ok {
			ret, conf = r, l
		}
	case ret == nil && c.static && !passes(conf) && app.Status == 404:
		// The static module's 404 of a missing file, which error_page
		// may take as any 404 of nginx's own.
		if r, l, ok := s.errorPage(conf, 404, &trace); ok {
			ret, conf = r, l
		}
	}
	reply := policy.Reply{}
	decision := policy.Note{Case: caseSteps}
	if ret != nil {
		reply.Status = ret.code
		reply.Header = headers.List{}
		v := s.expand(ret.value)
		if ret.realm != "" {
			reply.Header.Add("WWW-Authenticate", "Basic realm=\""+ret.realm+"\"")
		}
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
		if proxied(conf) {
			for _, name := range hidden(conf) {
				reply.Header.Del(name)
			}
		}
		trace = append(trace, stepApp, "")
		decision.N = app.Status
	}
	if s.status != 0 {
		// error_page keeps the status it took (or its =N).
		reply.Status = s.status
	}
	if s.location != "" && !reply.Header.Has("Location") {
		reply.Header.Add("Location", s.location)
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
		// classic trap (§6.1). A dropped line whose header the reply
		// has all the same (the inner level's own, or the upstream's)
		// failed nothing: it is said, not marked failed, so that an
		// allowed verdict does not list it as a failure.
		for up := from.parent; up != nil; up = up.parent {
			for _, a := range up.adds {
				r := policy.Rule{Index: len(rules), ID: a.name, Path: a.at, Source: source,
					Note: policy.Note{Case: caseNotInherited, Args: [4]string{from.name, up.name}}}
				if _, has := reply.Header.Get(a.name); has {
					r.Note.Args[2] = a.name
				} else {
					r.Failed = failedInheritance
				}
				rules = append(rules, r)
			}
		}
	}
	for _, n := range c.Notes {
		trace = append(trace, stepNote, n)
	}
	decision.List = trace
	return policy.Outcome{Reply: reply, Rules: rules, Decision: decision, Words: words{}}
}

// route follows req through nginx's phases to the return that answers
// it (nil when the application or files do) and the configuration that
// adds the headers, with the steps' trace.
func (c *Config) route(req policy.Request) (s *state, ret *stmt, conf *level, trace []string) {
	s = &state{c: c, req: req, sets: map[string]string{}}
	s.scheme, s.host, s.raw, s.query = splitURL(req.URL)
	s.path = normalize(s.raw)
	srv := c.pick(hostPort(s.scheme, s.host))
	s.srv = srv
	conf = srv
	switch {
	case !validMethod(req.Method):
		// The request line is refused before any phase, under the
		// server level's configuration.
		trace = append(trace, stepBadMethod, req.Method)
		ret = &stmt{kind: stReturn, code: 400}
	default:
		ret, conf = s.phases(srv, nil, &trace)
	}
	if special(ret) && !ret.onFile {
		// nginx's own answer with a status: error_page may take it,
		// and keeps a redirect's Location (held to Debian's nginx).
		loc := ""
		if ret.url {
			loc = s.expand(ret.value)
		}
		if r, l, ok := s.errorPage(conf, ret.code, &trace); ok {
			ret, conf, s.location = r, l, loc
		}
	}
	return s, ret, conf, trace
}

// special reports whether ret is an answer nginx makes itself with a
// status error_page can take (ngx_http_special_response_handler): a
// status from 300 on without text, or a redirect with its URL.
func special(ret *stmt) bool {
	return ret != nil && ret.code >= 300 && (ret.url || ret.value.raw == "")
}

// errorPageFor is the error_page line in effect at conf that takes
// code: the innermost level's with any (a level with error_page lines of
// its own takes none from around it; ngx_http_core_module error_page).
func errorPageFor(conf *level, code int) *errorPage {
	for l := conf; l != nil; l = l.parent {
		if len(l.errorPages) > 0 {
			for i := range l.errorPages {
				if slices.Contains(l.errorPages[i].codes, code) {
					return &l.errorPages[i]
				}
			}
			return nil
		}
	}
	return nil
}

// errorPage sends a request nginx answered code at conf where its
// error_page says, once: to a URL with a redirect (302, or the
// =status), to a named location, or to a URI, as an internal redirect
// with the method made GET unless it is HEAD. The answer keeps code
// unless the line says "=" (the target's) or "=N" (s.status). Tried as
// a new user would, Laravel's documented server (error_page 404
// /index.php) could not be read; held to Debian's nginx by
// TestNginxErrorPage.
func (s *state) errorPage(conf *level, code int, trace *[]string) (*stmt, *level, bool) {
	ep := errorPageFor(conf, code)
	if ep == nil || s.errorPaged {
		return nil, conf, false
	}
	s.errorPaged = true
	*trace = append(*trace, stepErrorPage, strconv.Itoa(code)+" "+ep.uri+" (line "+strconv.Itoa(ep.line)+")")
	s.status = code
	if ep.override != 0 {
		s.status = max(ep.override, 0)
	}
	uri := s.tryExpand(ep.uri)
	if !strings.HasPrefix(uri, "/") && !strings.HasPrefix(uri, "@") {
		// A URL, or a name without "/", which nginx sends as a
		// redirect's Location as written (an adversarial review:
		// "other.html" was a 302).
		st := 302
		switch ep.override {
		case 301, 303, 307, 308:
			st = ep.override
		}
		s.status = 0
		return &stmt{kind: stReturn, code: st, url: true, value: template{raw: uri, parts: []part{{lit: uri}}}}, conf, true
	}
	var start *level
	if strings.HasPrefix(uri, "@") {
		if start = s.srv.named[uri]; start == nil {
			*trace = append(*trace, stepTryNoNamed, uri)
			s.status = 0
			return &stmt{kind: stReturn, code: 500}, conf, true
		}
	} else {
		if s.req.Method != "GET" && s.req.Method != "HEAD" {
			s.req.Method = "GET"
		}
		s.path, s.query, _ = strings.Cut(uri, "?")
	}
	s.internal = true
	ret, out := s.phases(s.srv, start, trace)
	if special(ret) {
		// An error of the page's own is the answer, with its status,
		// and no error_page takes it (recursive_error_pages off; an
		// adversarial review: the first status was kept).
		s.status = 0
	}
	return ret, out, true
}

// phases runs a request through a server's phases: the server rewrite
// phase, location selection, the location's rewrite phase, the access
// phase and try_files (ngx_http_core_module phases), again after each
// internal redirect try_files makes, ten at most as nginx allows.
func (s *state) phases(srv, start *level, trace *[]string) (ret *stmt, conf *level) {
	c, req := s.c, s.req
	named := start // the named location try_files (or error_page) sent the request to
	for hops := 0; ; hops++ {
		var loc *location
		var rc found
		// at is the location (or named location) the request is in.
		var at *level
		if named != nil {
			// A named location: its limit_except and rewrite phase, then
			// the access phase and try_files as any location's (an
			// adversarial review: its deny all and its limit_except were
			// passed over).
			at, conf, ret, named = named, named, nil, nil
		} else {
			conf = srv
			var stop bool
			ret, conf, stop = s.run(srv.stmts, srv, trace)
			if ret != nil || stop {
				return ret, conf
			}
			loc, rc = s.find(srv)
			switch {
			case loc == nil:
				*trace = append(*trace, stepNoLocation, s.path)
			case rc == redirect:
				*trace = append(*trace, stepRedirect, loc.conf.name)
				conf = loc.conf
				v := loc.path
				if s.query != "" {
					v += "?" + s.query
				}
				ret = &stmt{kind: stReturn, code: 301, url: true, value: template{parts: []part{{lit: s.scheme + "://" + s.host + v}}}}
			case loc.conf.internal && !s.internal:
				// internal: not for a request from outside.
				*trace = append(*trace, stepInternal, loc.conf.name)
				conf = loc.conf
				ret = &stmt{kind: stReturn, code: 404}
			default:
				*trace = append(*trace, stepChose, loc.conf.name)
				at = loc.conf
			}
		}
		if at != nil {
			conf = at
			if m := at.limitExcept; m != nil && !slices.Contains(m, req.Method) {
				// limit_except's block takes the location's auth_basic
				// and satisfy: with satisfy any a request auth_basic
				// asks credentials of gets its 401, a preflight
				// always (held to Debian's nginx; found by an
				// adversarial review).
				if a := accessOf(at, req); a.any && a.authFails {
					*trace = append(*trace, stepAuth, a.realm)
					ret = &stmt{kind: stReturn, code: 401, realm: a.realm}
				} else {
					*trace = append(*trace, stepLimitExcept, req.Method)
					ret = &stmt{kind: stReturn, code: 403}
				}
			} else {
				ret, conf, _ = s.run(at.stmts, at, trace)
			}
		}
		if ret == nil {
			// The access phase, after the rewrite phase: deny all,
			// then auth_basic, which no preflight passes (it carries
			// no credentials; a request with Authorization is taken
			// to pass). With satisfy all every check must pass, and
			// deny answers 403 first; with satisfy any one that passes
			// lets the request in, and of those that fail a 401 wins
			// over a 403 (ngx_http_core_module, satisfy; held to
			// Debian's nginx in e2e/probe).
			a := accessOf(conf, req)
			if a.any {
				switch {
				case a.rule == "allow" || (a.realm != "" && !a.authFails):
				case a.authFails:
					*trace = append(*trace, stepAuth, a.realm)
					ret = &stmt{kind: stReturn, code: 401, realm: a.realm}
				case a.rule == "deny":
					*trace = append(*trace, stepDeny, "")
					ret = &stmt{kind: stReturn, code: 403}
				}
			} else {
				if a.authFails {
					*trace = append(*trace, stepAuth, a.realm)
					ret = &stmt{kind: stReturn, code: 401, realm: a.realm}
				}
				if a.rule == "deny" {
					*trace = append(*trace, stepDeny, "")
					ret = &stmt{kind: stReturn, code: 403}
				}
			}
		}
		if ret == nil {
			switch code, uri, to := s.tryFiles(srv, conf, trace); {
			case code != 0:
				ret = &stmt{kind: stReturn, code: code}
			case to != nil || uri != "":
				if hops == 10 {
					// ngx_http_internal_redirect: "rewrite or internal
					// redirection cycle".
					*trace = append(*trace, stepCycle, uri)
					// No error_page takes it: nginx has no redirect left
					// (an adversarial review).
					s.errorPaged, s.status = true, 0
					return &stmt{kind: stReturn, code: 500}, conf
				}
				s.internal = true
				if to != nil {
					named = to
					continue
				}
				// The URI as try_files made it, not decoded again
				// (ngx_http_internal_redirect; an adversarial review:
				// %252F became "/").
				s.path, s.query, _ = strings.Cut(uri, "?")
				continue
			}
		}
		if ret == nil && c.static && !passes(conf) && req.Method != "GET" && req.Method != "HEAD" {
			// Files are served to GET and HEAD only: the static module
			// refuses other methods at once, and POST once it has
			// opened the file (ngx_http_static_module; Debian's nginx
			// answered a POST to a file 405 and to a missing one 404,
			// found as a new user would).
			*trace = append(*trace, stepStatic, req.Method)
			ret = &stmt{kind: stReturn, code: 405, onFile: req.Method == "POST"}
		}
		return ret, conf
	}
}

// tryFiles is try_files of the location that conf is (or is an if
// block of), or of the server level when no location matched: it says
// nothing (zeros) when the request is served there, a status (=code), a
// URI to redirect the request to internally, or a named location.
// Whether a file exists is not in the configuration: $uri is taken to
// exist when the path's last segment has an extension (a ".") after its
// first character, $uri/ for "/" alone, and any other file not at all;
// so /api/users goes on to the last parameter, as
// try_files $uri $uri/ /index.php?$query_string sends an API's paths to
// its application, and /app.js is served (ngx_http_core_module
// try_files; TestNginxTryFiles against Debian's nginx, whose root holds
// the files these take to exist). Tried as a new user would, try_files
// was passed over, so a Laravel site's add_header of location / was
// said to answer requests nginx passes to its PHP location, which has
// none.
func (s *state) tryFiles(srv, conf *level, trace *[]string) (code int, uri string, to *level) {
	// An if block's configuration has no try_files of its own, and
	// takes none from its location (an adversarial review against
	// Debian's nginx: the request was served by the if block).
	if conf.tryFiles == nil {
		return 0, "", nil
	}
	params := conf.tryFiles
	for _, p := range params[:len(params)-1] {
		// Only the request's own path is judged by its name: any other
		// file ($uri.html, /maintenance.html, $uri/index.html) is taken
		// to be absent (an adversarial review: "$uri.html" always had
		// an extension).
		switch p {
		case "$uri", "${uri}":
			last := s.path[strings.LastIndexByte(s.path, '/')+1:]
			if strings.IndexByte(last, '.') > 0 {
				*trace = append(*trace, stepTryFound, p)
				return 0, "", nil
			}
		case "$uri/", "${uri}/":
			if s.path == "/" {
				*trace = append(*trace, stepTryFound, p)
				return 0, "", nil
			}
		}
	}
	last := params[len(params)-1]
	switch {
	case strings.HasPrefix(last, "="):
		n, _ := strconv.Atoi(last[1:])
		*trace = append(*trace, stepTryCode, last)
		return n, "", nil
	case strings.HasPrefix(last, "@"):
		l := srv.named[last]
		if l == nil {
			// nginx logs "could not find named location" and answers 500.
			*trace = append(*trace, stepTryNoNamed, last)
			return 500, "", nil
		}
		*trace = append(*trace, stepTryNamed, l.name)
		return 0, "", l
	}
	u := s.tryExpand(last)
	*trace = append(*trace, stepTryURI, u)
	return 0, u, nil
}

// tryExpand is a try_files parameter with $uri, $args, $query_string
// and $is_args read from the request, as the ones these configurations
// write; another variable is left as written.
func (s *state) tryExpand(p string) string {
	isArgs := ""
	if s.query != "" {
		isArgs = "?"
	}
	return strings.NewReplacer("$uri", s.path, "${uri}", s.path, "$query_string", s.query, "$args", s.query, "$is_args", isArgs).Replace(p)
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
	// failedInheritance is the Failed of an outer level's add_header
	// that the inner level's own drops, when the reply lacks its header.
	failedInheritance = "inheritance"
	caseSteps         = "steps"

	stepTrue        = "true"
	stepReplaces    = "replaces"
	stepFalse       = "false"
	stepChose       = "chose"
	stepNoLocation  = "no-location"
	stepReturn      = "return"
	stepApp         = "app"
	stepNote        = "note"
	stepBadMethod   = "bad-method"
	stepRedirect    = "redirect"
	stepStatic      = "static"
	stepLimitExcept = "limit-except"
	stepAuth        = "auth"
	stepDeny        = "deny"
	stepTryFound    = "try-found"
	stepTryCode     = "try-code"
	stepTryNamed    = "try-named"
	stepTryNoNamed  = "try-no-named"
	stepTryURI      = "try-uri"
	stepCycle       = "cycle"
	stepErrorPage   = "error-page"
	stepInternal    = "internal"
)

// access is what nginx's access phase reads at a level for a request.
type access struct {
	realm     string // auth_basic's realm when it asks for credentials
	authFails bool   // it asks, and the request carries no Authorization
	rule      string // the first access rule in effect: "allow", "deny" or ""
	any       bool   // satisfy any
}

// accessOf is the access phase's settings in effect at l, each
// inherited as nginx merges it, for req.
func accessOf(l *level, req policy.Request) access {
	a := access{
		rule: inherited(l, func(l *level) (string, bool) { return l.access, l.access != "" }),
		any:  inherited(l, func(l *level) (string, bool) { return l.satisfy, l.satisfy != "" }) == "any",
	}
	if r := inherited(l, func(l *level) (string, bool) { return l.auth, l.auth != "" }); r != "off" {
		a.realm, a.authFails = r, r != "" && !req.Header.Has("Authorization")
	}
	return a
}

// inherited is the first value get finds from l outwards, as nginx
// merges a level's setting into the levels inside it that set none; an
// if block has its location's.
func inherited(l *level, get func(*level) (string, bool)) string {
	for ; l != nil; l = l.parent {
		if v, ok := get(l); ok {
			return v
		}
	}
	return ""
}

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
		said := "not inherited: the " + n.Args[0] + " has its own add_header, which drops every add_header of the " + n.Args[1]
		if n.Args[2] != "" {
			said += "; the reply has " + n.Args[2] + " all the same"
		}
		return said
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
		case stepReplaces:
			now, before, _ := strings.Cut(v, "\x00")
			steps = append(steps, now+": true, so its block, not the one of "+before+", gives the request its configuration, and that block's add_header lines do not apply")
		case stepFalse:
			steps = append(steps, v+": false")
		case stepChose:
			steps = append(steps, "chose "+v)
		case stepNoLocation:
			steps = append(steps, "no location matches "+v+", so the server level serves it")
		case stepBadMethod:
			steps = append(steps, "nginx refuses the method "+strconv.Quote(v)+" with 400: a method is capital letters, as fetch() sends every method but PATCH when written in lower case")
		case stepRedirect:
			steps = append(steps, "the path without its final \"/\" of "+v+", which passes requests on: nginx redirects with 301 before its if and return run")
		case stepStatic:
			steps = append(steps, "no content handler: nginx serves files, and answers "+v+" with 405")
		case stepLimitExcept:
			steps = append(steps, "limit_except does not list "+v+": nginx answers 403 before the location's own return")
		case stepAuth:
			steps = append(steps, "auth_basic \""+v+"\" asks for credentials, which a preflight never carries: nginx answers 401")
		case stepDeny:
			steps = append(steps, "deny all: nginx answers 403")
		case stepTryFound:
			steps = append(steps, "try_files: "+v+" is taken to be on disk, and served")
		case stepTryCode:
			steps = append(steps, "try_files: no file is taken to be on disk, so "+v)
		case stepTryNamed:
			steps = append(steps, "try_files: no file is taken to be on disk, so the request goes to "+v)
		case stepTryNoNamed:
			steps = append(steps, "try_files: no named location "+v+": nginx answers 500")
		case stepTryURI:
			steps = append(steps, "try_files: no file is taken to be on disk, so nginx redirects the request internally to "+v)
		case stepInternal:
			steps = append(steps, v+" is internal: nginx answers a request from outside 404")
		case stepErrorPage:
			steps = append(steps, "error_page "+v+" takes the answer")
		case stepCycle:
			steps = append(steps, "the internal redirects repeat ("+v+"): nginx answers 500")
		case stepReturn:
			if n.M == 0 {
				steps = append(steps, "nginx answers "+strconv.Itoa(n.N))
			} else {
				steps = append(steps, "return "+strconv.Itoa(n.N)+" at line "+strconv.Itoa(n.M))
			}
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

// levelOf is the level (location, if block or server) with an
// add_header at line, or nil.
func (c *Config) levelOf(line int) *level {
	var find func(l *level) *level
	find = func(l *level) *level {
		if l == nil {
			return nil
		}
		for _, a := range l.adds {
			if a.line == line {
				return l
			}
		}
		for _, loc := range l.locations {
			if x := find(loc.conf); x != nil {
				return x
			}
		}
		for _, st := range l.stmts {
			if st.ifb != nil {
				if x := find(st.ifb.conf); x != nil {
					return x
				}
			}
		}
		return nil
	}
	for _, srv := range c.serverLevels() {
		if x := find(srv); x != nil {
			return x
		}
	}
	return find(c.http)
}

// serverLevels are the server blocks' levels, or the paste's server
// level.
func (c *Config) serverLevels() []*level {
	if len(c.servers) < 2 {
		return []*level{c.server}
	}
	out := make([]*level, len(c.servers))
	for i, s := range c.servers {
		out[i] = s.lvl
	}
	return out
}

// hostPort splits a URL's host into its name and port, the scheme's
// default when it names none.
func hostPort(scheme, host string) (string, string) {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		return host[:i], host[i+1:]
	}
	if scheme == "https" {
		return host, "443"
	}
	return host, "80"
}
