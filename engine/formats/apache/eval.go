package apache

import (
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/formats/internal/requrl"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// table is an APR table: header lines in order, names compared ignoring
// case.
type table []headers.Field

func (t table) get(name string) (string, bool) {
	for _, f := range t {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// set is apr_table_set: the first line of the name takes the value, the
// others go.
func (t table) set(name, v string) table {
	out := t[:0:0]
	done := false
	for _, f := range t {
		if strings.EqualFold(f.Name, name) {
			if done {
				continue
			}
			f.Value, done = v, true
		}
		out = append(out, f)
	}
	if !done {
		out = append(out, headers.Field{Name: name, Value: v})
	}
	return out
}

// merge is apr_table_merge: ", v" appended to the first line of the name.
func (t table) merge(name, v string) table {
	for i := range t {
		if strings.EqualFold(t[i].Name, name) {
			out := append(table(nil), t...)
			out[i].Value += ", " + v
			return out
		}
	}
	return append(t, headers.Field{Name: name, Value: v})
}

func (t table) unset(name string) table {
	out := t[:0:0]
	for _, f := range t {
		if !strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	return out
}

// hasToken is mod_headers' merge test: v is one of the comma-separated
// tokens of have, compared exactly (quoted strings kept whole).
func hasToken(have, v string) bool {
	i := 0
	for i < len(have) {
		for i < len(have) && (have[i] == ' ' || have[i] == '\t') {
			i++
		}
		start := i
		for i < len(have) && have[i] != ',' {
			if have[i] == '"' {
				i++
				for i < len(have) && have[i] != '"' {
					i++
				}
			}
			if i < len(have) {
				i++
			}
		}
		if have[start:min(i, len(have))] == v {
			return true
		}
		if i < len(have) {
			i++
		}
	}
	return false
}

// request is what the configuration reads of a request.
type request struct {
	method, path, host, scheme string
	query                      string // after "?", without it
	target                     string // the request line's: path and query as sent
	port                       string // the URL's or Host's, "" when it has none
	hdr                        map[string][]string
}

func newRequest(req policy.Request) request {
	p := requrl.Split(req)
	q := ""
	if i := strings.IndexByte(req.URL, '?'); i >= 0 {
		q = req.URL[i+1:]
		if j := strings.IndexByte(q, '#'); j >= 0 {
			q = q[:j]
		}
	}
	target := p.Path
	if q != "" {
		target += "?" + q
	}
	return request{method: p.Method, path: p.Path, host: p.Host, port: p.Port, scheme: p.Scheme, hdr: p.Header, query: q, target: target}
}

// header is the first line of a request header, as apr_table_get.
func (r request) header(name string) (string, bool) {
	vs := r.hdr[gohdr.Canonical(name)]
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// attribute is what SetEnvIf compares: a special name, else the request
// header, else an environment variable; absent is "".
func (r request) attribute(name string, env map[string]string) string {
	switch strings.ToLower(name) {
	case "request_method":
		return r.method
	case "request_uri":
		return r.path
	}
	if v, ok := r.header(name); ok {
		return v
	}
	return env[name]
}

// vhost chooses the <VirtualHost> as Apache does (core's name-based
// virtual hosts): among those whose address has the request's port (the
// URL's, else 80 or 443 by its scheme; an address without a port, or
// *, takes any), the one whose ServerName or ServerAlias is the
// request's host, else the first of them; else the server. When no
// <VirtualHost> has the port, as when Apache sits behind a proxy that
// terminates TLS on its own port, they are chosen among alike. Tried as
// a new user would, the usual pair (*:80 redirecting, *:443 with the
// CORS lines, one ServerName) answered an https URL from the *:80 host.
func (c *Config) vhost(r request) *scope {
	port := r.port
	if port == "" {
		port = "80"
		if r.scheme == "https" {
			port = "443"
		}
	}
	var hosts, onPort []*scope
	for _, s := range c.server.sections {
		if s.kind != "VirtualHost" {
			continue
		}
		hosts = append(hosts, s)
		for _, p := range s.ports {
			if p == "" || p == "*" || p == port {
				onPort = append(onPort, s)
				break
			}
		}
	}
	if len(onPort) > 0 {
		hosts = onPort
	}
	for _, s := range hosts {
		for _, n := range s.names {
			if n == r.host || strings.HasPrefix(n, "*.") && strings.HasSuffix(r.host, n[1:]) {
				return s
			}
		}
	}
	if len(hosts) > 0 {
		return hosts[0]
	}
	return c.server
}

// run is one request through the configuration.
type run struct {
	req   request
	env   map[string]string
	rules []policy.Rule
	steps []string
	work  int // bytes the rewrite rules read and kept (maxWork)
}

func (x *run) setEnv(list []setEnv) {
	for _, e := range list {
		v := x.req.attribute(e.attr, x.env)
		m := e.re.FindStringSubmatchIndex(v)
		if m == nil {
			x.steps = append(x.steps, stepEnvNo, strconv.Itoa(e.line))
			continue
		}
		x.steps = append(x.steps, stepEnvYes, strconv.Itoa(e.line))
		for _, s := range e.vars {
			if s.unset {
				delete(x.env, s.name)
				continue
			}
			x.env[s.name] = string(e.re.ExpandString(nil, dollars(s.value), v, m))
		}
	}
}

// dollars turns ap_pregsub's $0..$9 into Go's ${0}..${9}.
func dollars(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			b.WriteString("${" + s[i+1:i+2] + "}")
			i++
			continue
		}
		if s[i] == '$' {
			b.WriteString("$$")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// percentDecode decodes each %XX of s (RFC 3986 §2.1), leaving a "%"
// that no two hex digits follow as it is.
func percentDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0 {
			b.WriteByte(byte(unhex(s[i+1])<<4 | unhex(s[i+2])))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// filesMatch reports whether the <Files> or <FilesMatch> section l
// takes a file named name.
func filesMatch(l *scope, name string) bool {
	if l.re != nil {
		return l.re.MatchString(name)
	}
	ok, _ := path.Match(l.path, name)
	return ok
}

// Respond answers req as Apache httpd 2.4 would, with app as what the
// proxied backend (or the handler) answers.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	x := &run{req: newRequest(req), env: map[string]string{}}
	vh := c.vhost(x.req)
	// post_read_request: the server's and the virtual host's SetEnvIf
	// (a .htaccess's run with its rules, htaccess.go).
	if !c.perDir {
		x.setEnv(c.server.setenvs)
	}
	if vh != c.server {
		x.setEnv(vh.setenvs)
	}
	// mod_rewrite: in the server or virtual host context
	// (translate_name), or a .htaccess's (fixups, htaccess.go).
	var rw rewritten
	if c.perDir {
		rw = x.htaccess(c.server)
	} else if vh.rewrite {
		rw = x.rewrite(vh.rules, false, "/")
	}
	status, rwLine := rw.status, rw.line
	// A .htaccess's script (WordPress's and Laravel's index.php) is the
	// application's, which answers with any status, as a proxied
	// backend does.
	isScript := c.perDir && status == 0 && script(x.req.path)
	// Per-directory sections: Location and LocationMatch in order (the
	// server's, then the virtual host's), then the If sections.
	scopes := []*scope{c.server}
	if vh != c.server {
		scopes = append(scopes, vh)
	}
	var locs, dirs, ifs []*scope
	proxied := false
	for _, s := range scopes {
		proxied = proxied || x.proxied(s)
		for _, l := range s.sections {
			if l.kind == "Location" && locationMatches(l.path, x.req.path) || l.kind == "LocationMatch" && l.re.MatchString(x.req.path) {
				locs = append(locs, l)
				proxied = proxied || x.proxied(l)
			}
		}
	}
	// <Directory> sections apply to a file served from DocumentRoot
	// (not to a proxied request): the shorter paths first, then in
	// order, before the Location sections (sections.html, merging).
	if root := docroot(scopes); !proxied && root != "" {
		file := root + x.req.path
		for _, s := range scopes {
			for _, l := range s.sections {
				if d := strings.TrimSuffix(l.path, "/"); l.kind == "Directory" && (file == d || strings.HasPrefix(file, d+"/")) {
					dirs = append(dirs, l)
				}
			}
		}
		sort.SliceStable(dirs, func(i, j int) bool {
			return strings.Count(strings.TrimSuffix(dirs[i].path, "/"), "/") < strings.Count(strings.TrimSuffix(dirs[j].path, "/"), "/")
		})
	}
	if !proxied {
		// <Files> and <FilesMatch> of the server, the virtual host and
		// the matching <Directory> sections, in that order, on the
		// file's last segment, after the <Directory> ones
		// (sections.html, merging); a pasted .htaccess has no
		// DocumentRoot, and its file is the request's.
		// The name as the file system has it: %XX decoded (an
		// adversarial review: /a/b%2Ewoff matched *.woff in apache2).
		file := x.req.path
		if f := fileOf(file); c.perDir && f != "" {
			// /index.php/api/items is the file /index.php (PATH_INFO).
			file = f
		} else if c.perDir && file == "/" {
			// The DirectoryIndex script that answers (script).
			file = "/index.php"
		}
		name := percentDecode(file[strings.LastIndexByte(file, '/')+1:])
		var files []*scope
		for _, s := range append(append([]*scope(nil), scopes...), dirs...) {
			for _, l := range s.sections {
				if l.kind == "Files" && filesMatch(l, name) {
					files = append(files, l)
				}
			}
		}
		dirs = append(dirs, files...)
	}
	dirs = append(dirs, locs...)
	cx := &ctx{get: x.req.header, env: x.env, vars: map[string]string{
		"REQUEST_METHOD": x.req.method, "REQUEST_URI": x.req.path, "HTTP_HOST": x.req.host, "REQUEST_SCHEME": x.req.scheme}}
	// The request headers mod_rewrite's conditions read: before those
	// of <If> in the server (translate_name), after them in a .htaccess
	// (fixups).
	if !c.perDir {
		cx.vary = append(cx.vary, rw.vary...)
	}
	for _, s := range append(append([]*scope(nil), scopes...), dirs...) {
		taken := false
		for _, i := range s.sections {
			switch i.kind {
			case "If":
				taken = i.cond.eval(cx)
			case "ElseIf":
				if taken {
					continue
				}
				taken = i.cond.eval(cx)
			case "Else":
				if taken {
					continue
				}
				taken = true
			default:
				continue
			}
			if taken && (i.kind != "Else" || true) {
				ifs = append(ifs, i)
				x.steps = append(x.steps, stepIf, strconv.Itoa(i.line))
			}
		}
	}
	if c.perDir {
		cx.vary = append(cx.vary, rw.vary...)
	}
	// header_parser: SetEnvIf of the matching sections.
	for _, s := range append(append([]*scope(nil), dirs...), ifs...) {
		x.setEnv(s.setenvs)
	}
	var ops []hdrOp
	for _, s := range append(append(append([]*scope(nil), scopes...), dirs...), ifs...) {
		ops = append(ops, s.headers...)
	}

	var out, errT table
	reply := policy.Reply{}
	d := policy.Note{Case: caseDecision}
	generated := status != 0
	if c.perDir && !generated && !proxied && !isScript {
		// A .htaccess's file that no rule hands to a script is served
		// by Apache's own file handler (core.c, default_handler), not
		// the application: OPTIONS 200 with Allow, GET, HEAD and POST
		// 200, another method 405; a path that is no file, 404 (a
		// reviewer ran apache2: a Vue or React fallback's /config.json
		// was said to be answered 404 by the application).
		// The method first: OPTIONS and PUT are answered before the
		// file is looked for (a last look: OPTIONS /nothing is 200).
		app = policy.Reply{Status: 200}
		switch {
		case x.req.method == "OPTIONS":
			app.Header = headers.List{{Name: "Allow", Value: "OPTIONS,HEAD,GET,POST"}}
		case !httpMethods[x.req.method]:
			// A method Apache does not know (PURGE): 501 (a second look).
			app.Status = 501
		case x.req.method != "GET" && x.req.method != "HEAD" && x.req.method != "POST":
			app.Status = 405
		case fileOf(x.req.path) == "":
			app.Status = 404
		}
		d.Args[1], d.Args[2] = "file", x.req.path
	}
	if !generated && !proxied && !isScript && app.Status >= 400 {
		// Not proxied: an error status comes from Apache's own handlers.
		generated, status = true, app.Status
		if d.Args[1] == "" {
			d.Args[1] = "local"
		}
	}
	if generated {
		// ap_send_error_response: only the always table reaches the reply.
		reply.Status = status
		d.Args[0], d.N, d.M = "generated", status, rwLine
	} else {
		out = table(app.Header.Clone())
		if _, ok := app.Header.Get("Vary"); isScript && ok {
			// PHP's header("Vary: ...") replaces the line mod_rewrite and
			// <If> wrote before the handler ran (mod_php's
			// apr_table_set; e2e/apache TestHtaccess).
			cx.vary = nil
		}
		if !proxied && len(cx.vary) > 0 {
			out = out.merge("Vary", strings.Join(cx.vary, ","))
		}
		reply.Status, reply.Body = app.Status, app.Body
		d.Args[0], d.N = "app", app.Status
		if proxied {
			d.Args[1] = "proxied"
		}
		if isScript {
			d.Args[1], d.Args[2] = "script", x.req.path
		}
	}
	if generated && status == 204 && len(cx.vary) > 0 {
		// The headers <If> read reach the Vary of the 204 a RewriteRule
		// answers, not of its 200 (nor of a proxied reply, whose header
		// replaces them): as e2e/apache saw Apache 2.4.71 answer.
		// They stay in the reply's own table, which the always lines
		// do not touch.
		out = append(out, headers.Field{Name: "Vary", Value: strings.Join(cx.vary, ",")})
	}
	for _, op := range ops {
		r := policy.Rule{Index: len(x.rules), ID: op.name, Path: "line " + strconv.Itoa(op.line), Source: source}
		if op.env != "" {
			_, set := x.env[op.env]
			if set == op.envNeg {
				r.Failed = "env"
				r.Note = policy.Note{Case: caseEnv, Args: [4]string{op.name, op.env}, N: b2i(op.envNeg)}
				x.rules = append(x.rules, r)
				continue
			}
		}
		if !op.always && generated {
			r.Failed = "status"
			r.Note = policy.Note{Case: caseStatus, Args: [4]string{op.name, op.action}, N: status}
			x.rules = append(x.rules, r)
			continue
		}
		t := &out
		if op.always {
			t = &errT
		}
		v := x.value(op.value)
		r.Matched = true
		r.Note = policy.Note{Case: op.action, Args: [4]string{op.name, v}, N: b2i(op.always)}
		switch op.action {
		case "set":
			*t = t.set(op.name, v)
		case "add":
			*t = append(*t, headers.Field{Name: op.name, Value: v})
		case "append":
			*t = t.merge(op.name, v)
		case "merge":
			if have, ok := t.get(op.name); !ok || !hasToken(have, v) {
				*t = t.merge(op.name, v)
			} else {
				r.Note.Case = caseMergeHad
			}
		case "setifempty":
			if _, ok := t.get(op.name); !ok {
				*t = t.set(op.name, v)
			}
		case "unset":
			*t = t.unset(op.name)
		case "edit", "edit*":
			nt := append(table(nil), (*t)...)
			for i := range nt {
				if strings.EqualFold(nt[i].Name, op.name) {
					nt[i].Value = edit(op, nt[i].Value)
				}
			}
			*t = nt
		}
		x.rules = append(x.rules, r)
	}
	// ap_http_header_filter: the always table first, then the other.
	for _, f := range errT {
		reply.Header.Add(f.Name, f.Value)
	}
	if rw.location != "" {
		reply.Header.Add("Location", rw.location)
	}
	for _, f := range out {
		reply.Header.Add(f.Name, f.Value)
	}
	reply.Header = fixupVary(reply.Header)
	d.List = x.steps
	return policy.Outcome{Reply: reply, Rules: x.rules, Decision: d, Words: words{}}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// edit replaces the first match (edit) or every match (edit*).
func edit(op hdrOp, v string) string {
	if op.action == "edit*" {
		return op.re.ReplaceAllString(v, dollars(op.repl))
	}
	m := op.re.FindStringSubmatchIndex(v)
	if m == nil {
		return v
	}
	return v[:m[0]] + string(op.re.ExpandString(nil, dollars(op.repl), v, m)) + v[m[1]:]
}

// value expands %{VAR}e: the variable, or "(null)" when unset.
func (x *run) value(ps []part) string {
	var b strings.Builder
	for _, p := range ps {
		if p.env == "" {
			b.WriteString(p.lit)
		} else if v, ok := x.env[p.env]; ok {
			b.WriteString(v)
		} else {
			b.WriteString("(null)")
		}
	}
	return b.String()
}

// rewriteVar is the value of mod_rewrite's %{NAME} (mod_rewrite.c,
// lookup_variable), and the request header it read, which a condition
// that holds adds to Vary: HTTP:Name and the few HTTP_ names mod_rewrite
// knows. Any other HTTP_ name is empty to mod_rewrite, HTTP_ORIGIN
// among them (a reviewer ran apache2: RewriteCond %{HTTP_ORIGIN}, which
// Q&A answers write, never matches); the names it does not read are
// refused when the text is read: known is false for them
// (rewriteVarRead).
func (x *run) rewriteVar(t string) (value, header string, known bool) {
	v := strings.TrimSuffix(strings.TrimPrefix(t, "%{"), "}")
	up := strings.ToUpper(v)
	if up == "HTTP_HOST" {
		if s, ok := x.req.header("Host"); ok {
			return s, "Host", true
		}
		if x.req.port != "" {
			return x.req.host + ":" + x.req.port, "Host", true
		}
		return x.req.host, "Host", true
	}
	if h, ok := rewriteHeaders[up]; ok {
		s, _ := x.req.header(h)
		return s, h, true
	}
	switch up {
	case "REQUEST_METHOD":
		return x.req.method, "", true
	case "REQUEST_URI":
		return x.req.path, "", true
	case "REQUEST_FILENAME", "SCRIPT_FILENAME":
		// The file in a .htaccess, of which file tests read the path
		// (htaccess.go); the URL path in the server.
		return x.req.path, "", true
	case "QUERY_STRING":
		return x.req.query, "", true
	case "HTTPS":
		if x.req.scheme == "https" {
			return "on", "", true
		}
		return "off", "", true
	case "REQUEST_SCHEME":
		return x.req.scheme, "", true
	case "SERVER_NAME":
		return x.req.host, "", true
	case "SERVER_PORT":
		if x.req.port != "" {
			return x.req.port, "", true
		}
		if x.req.scheme == "https" {
			return "443", "", true
		}
		return "80", "", true
	case "THE_REQUEST":
		// The request line as the client sent it, whatever rewrote
		// the path since (a last look: the "remove index.php" snippet's
		// test redirected every rewritten request).
		return x.req.method + " " + x.req.target + " HTTP/1.1", "", true
	case "IS_SUBREQ":
		return "false", "", true
	}
	switch {
	case strings.HasPrefix(up, "HTTP:"):
		s, _ := x.req.header(v[5:])
		return s, v[5:], true
	case strings.HasPrefix(up, "ENV:"):
		return x.env[v[4:]], "", true
	}
	// An HTTP_ name mod_rewrite does not know is empty to it, as the
	// evaluator reads it.
	return "", "", strings.HasPrefix(up, "HTTP_")
}

// httpMethods are the methods Apache registers (http_protocol.c,
// ap_method_registry_init, and WebDAV's); another is 501 to its file
// handler.
var httpMethods = map[string]bool{
	"GET": true, "HEAD": true, "PUT": true, "POST": true, "DELETE": true, "CONNECT": true, "OPTIONS": true,
	"TRACE": true, "PATCH": true, "PROPFIND": true, "PROPPATCH": true, "MKCOL": true, "COPY": true, "MOVE": true,
	"LOCK": true, "UNLOCK": true, "VERSION-CONTROL": true, "CHECKOUT": true, "UNCHECKOUT": true, "CHECKIN": true,
	"UPDATE": true, "LABEL": true, "REPORT": true, "MKWORKSPACE": true, "MKACTIVITY": true, "BASELINE-CONTROL": true,
	"MERGE": true,
}

// rewriteHeaders are the HTTP_ names mod_rewrite reads from request
// headers (mod_rewrite.html, RewriteCond).
var rewriteHeaders = map[string]string{
	"HTTP_ACCEPT": "Accept", "HTTP_COOKIE": "Cookie", "HTTP_FORWARDED": "Forwarded", "HTTP_HOST": "Host",
	"HTTP_PROXY_CONNECTION": "Proxy-Connection", "HTTP_REFERER": "Referer", "HTTP_USER_AGENT": "User-Agent",
}

// rewriteVarRead reports whether the evaluator reads %{NAME} as
// mod_rewrite does (rewriteVar); other names, the client's address, the
// time, TLS variables, are refused when read.
func rewriteVarRead(name string) bool {
	_, _, known := (&run{}).rewriteVar("%{" + name + "}")
	return known
}

// docroot is the virtual host's DocumentRoot, else the server's.
func docroot(scopes []*scope) string {
	root := ""
	for _, s := range scopes {
		if s.docroot != "" {
			root = s.docroot
		}
	}
	return root
}

// proxied reports whether a ProxyPass of s sends the request to a backend.
func (x *run) proxied(s *scope) bool {
	for _, p := range s.proxies {
		if strings.HasPrefix(x.req.path, p.path) {
			return !p.off
		}
	}
	return false
}

// fixupVary is ap_http_header_filter's fixup_vary: every Vary line split
// into its names, each kept once (ignoring case), joined with "," in the
// first Vary line's place.
func fixupVary(l headers.List) headers.List {
	var names []string
	for _, f := range l {
		if !strings.EqualFold(f.Name, "Vary") {
			continue
		}
		for _, n := range strings.FieldsFunc(f.Value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			dup := false
			for _, h := range names {
				dup = dup || strings.EqualFold(h, n)
			}
			if !dup {
				names = append(names, n)
			}
		}
	}
	out := headers.List{}
	done := false
	for _, f := range l {
		if strings.EqualFold(f.Name, "Vary") {
			if !done && len(names) > 0 {
				out.Add(f.Name, strings.Join(names, ","))
			}
			done = true
			continue
		}
		out = append(out, f)
	}
	return out
}
