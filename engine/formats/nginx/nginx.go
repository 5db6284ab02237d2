// Package nginx reads the CORS part of an nginx configuration and answers
// requests the way nginx would (format name "nginx").
//
// Understood (shared/reference/cloud-policies.md §6.1, nginx.org
// ngx_http_headers_module, ngx_http_rewrite_module, ngx_http_map_module,
// ngx_http_core_module location):
//   - add_header name value [always], with variables in the value; an
//     empty value adds nothing; without always, only on 200, 201, 204,
//     206, 301, 302, 303, 304, 307 and 308; the headers are added to what
//     the application (upstream) sent, so an upstream ACAO plus an
//     add_header ACAO makes two lines;
//   - inheritance: a level (http, server, location, if) that has its own
//     add_header drops every add_header of the levels around it;
//   - location blocks: =, ^~, plain prefix and ~ / ~* regex locations,
//     nested locations, chosen as ngx_http_core_find_location does on the
//     URI normalised (%XX decoded, "." and ".." resolved, "//" merged);
//     a prefix or exact location ending in "/" with proxy_pass (or
//     fastcgi_pass, uwsgi_pass, scgi_pass, memcached_pass, grpc_pass)
//     answers its path without the "/" with 301 before any regex and
//     before its own if; a request no location matches is served by
//     the server level;
//   - a method that is not capital letters ("patch", as fetch() sends
//     it) is refused with 400 under the server level's add_header;
//   - in a server block that shows how content is served (a content
//     handler, root or alias somewhere), a location without a content
//     handler serves files: 405 to other methods than GET and HEAD, to
//     POST once the file is found (a missing one is 404)
//     (ngx_http_static_module); checked against nginx 1.22.1 by
//     e2e/probe's TestNginxModel and TestNginxStaticFile;
//   - if (...) with $var, = / != and ~ ~* !~ !~* conditions; set; return
//     (code, code text, code URL, URL); break; at server and location
//     level: a true if makes its block the configuration of the request,
//     and its return answers at once;
//   - map $var $name { default ...; string value; ~regex value; ~*regex value; }
//     (strings compared ignoring case, then regexes in order, then default);
//   - variables $http_<name>, $request_method, $host, $scheme, $uri,
//     $request_uri, map and set variables.
//
// Directives that change headers or status in ways not modelled
// (more_set_headers, proxy_hide_header, error_page, rewrite, auth_basic,
// include, ...) are reported with their position rather than ignored, so
// a verdict never rests on a silently widened reading. Directives that do
// not touch responses' headers (listen, root, proxy_pass, ...) are
// skipped. Regular expressions are limited to the subset of package rx.
//
// Format is the format's one home: besides Parse it writes a configuration
// from the neutral rule model (Write, WriteRules, write.go), edits the
// add_header lines for a fix (EditText, edit.go) and chooses that edit
// from the add_header trace (ChooseEdit, choose.go), and lists the traps
// of the text (CheckText, check.go). It keeps no rule model, so it cannot
// be converted from (NoRulesWhy).
package nginx

import (
	"path"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/rx"
	"github.com/whycors/whycors/engine/policy"
)

const source = "nginx.org/en/docs/http/ngx_http_headers_module.html; shared/reference/cloud-policies.md §6.1"

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "nginx" policy format.
type Format struct{}

// RulesAreHeaderLines: each rule is a header line, named by its header
// (explain.HeaderLines).
func (*Format) RulesAreHeaderLines() {}

// Name returns "nginx".
func (*Format) Name() string { return "nginx" }

// Title implements policy.Titled.
func (*Format) Title() string { return "nginx: add_header configuration" }

// Detect claims text with an add_header of an Access-Control- header, or
// nginx blocks that set CORS headers through a map.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 256<<10 {
		text = text[:256<<10]
	}
	low := strings.ToLower(text)
	if strings.Contains(low, "add_header") && strings.Contains(low, "access-control-") {
		return true, "contains add_header Access-Control-"
	}
	if strings.Contains(low, "add_header") && (strings.Contains(low, "location ") || strings.Contains(low, "server {") || strings.Contains(low, "$http_origin")) {
		return true, "nginx blocks with add_header"
	}
	// Its CORS lines in an included file (include snippets/cors.conf):
	// nginx's, so that the reader says what to paste. Tried as a new
	// user would, it was "cannot tell the format".
	if strings.Contains(low, "location ") && strings.Contains(low, "include ") && (strings.Contains(low, "proxy_pass") || strings.Contains(low, "server {")) {
		return true, "nginx blocks with include"
	}
	// A server with no CORS line yet, where "add CORS to my proxy"
	// starts: tried as a new user would, it was "cannot tell the
	// format", and no fix could be asked for.
	if strings.Contains(low, "server {") && strings.Contains(low, "location ") && (strings.Contains(low, "proxy_pass ") || strings.Contains(low, "listen ") || strings.Contains(low, "root ")) {
		return true, "an nginx server block with locations"
	}
	return false, ""
}

// Parse reads the configuration.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// NoRulesWhy says why an nginx configuration cannot be converted: its
// reader evaluates the directives (Respond) and keeps no rule list.
func (*Format) NoRulesWhy() string {
	return "the reader evaluates the configuration but exposes no rule model to convert from; convert from the policy you generated it from, or write the rules in the native format"
}

// part of a value: a literal, or a variable when v is set.
type part struct {
	lit string
	v   string
}

type template struct {
	parts []part
	raw   string
}

type addHeader struct {
	name      string
	value     template
	always    bool
	line, col int
	at        string // "line N", the trace's Path, written once at parse time
}

type stmtKind uint8

const (
	stSet stmtKind = iota
	stIf
	stReturn
	stBreak
)

type stmt struct {
	kind  stmtKind
	name  string   // set: variable
	value template // set: value; return: text or URL
	code  int      // return
	url   bool     // return: value is a URL (Location)
	realm string   // auth_basic's 401: its WWW-Authenticate realm
	// onFile: the static module's 405 to a POST, which comes after it
	// opened the file: a missing one is its 404 (the application's
	// reply stands for the file's).
	onFile    bool
	ifb       *ifBlock
	line, col int
}

type cond struct {
	left  template
	op    string // "", "=", "!=", "~", "~*", "!~", "!~*"
	right template
	re    *rx.Regexp
	raw   string
}

type ifBlock struct {
	cond      cond
	conf      *level
	line, col int
}

type level struct {
	kind      string // "http", "server", "location", "if"
	parent    *level
	adds      []addHeader
	stmts     []stmt
	locations []*location
	name      string // how to name it in a trace
	line      int
	// handler is a content handler of the level's own (proxy_pass,
	// fastcgi_pass, ...): nginx passes the request on instead of serving
	// files. An if block has its location's (the modules merge it in).
	// proxied: that handler is proxy_pass, whose upstream's headers
	// proxy_hide_header hides.
	handler, proxied bool
	// hides are the level's proxy_hide_header names: the upstream's
	// lines of those headers are dropped before add_header adds its own
	// (ngx_http_proxy_module proxy_hide_header; inherited, as add_header
	// is, only by a level with none of its own).
	hides []string
	// auth is the level's auth_basic: its realm, "off", or "" when it
	// has none (inherited from the level around it). access is its
	// first rule of ngx_http_access_module, "allow" or "deny" (all):
	// the first rule that matches decides, and a level with rules of
	// its own inherits none. satisfy is "any" or "all", or "". All
	// answer in the access phase, after the rewrite phase's return
	// (ngx_http_core_module phases; checked against Debian's nginx: a
	// location's return 200 wins over its auth_basic and deny all).
	auth    string
	access  string
	satisfy string
	// tryFiles is the level's try_files: its parameters as written and
	// its line (ngx_http_core_module try_files), nil when it has none.
	tryFiles []string
	tryLine  int
	// internal: a location only a redirect of nginx's own reaches.
	internal bool
	// errorPages are the level's error_page lines (ngx_http_core_module
	// error_page); a level with none of its own takes its parent's.
	errorPages []errorPage
	// named are a server level's named locations (location @name),
	// reached only by try_files here.
	named map[string]*level
	// limitExcept are the methods a location's limit_except { deny
	// all; } lets through (GET brings HEAD); any other gets 403 before
	// the location's rewrite phase runs, its return included (checked
	// against Debian's nginx). nil: none.
	limitExcept []string
}

// errorPage is one error_page line: the statuses it takes, the URI
// (or @name, or URL) it sends them to, and the status of the answer:
// the original one (override 0), the target's ("=", -1), or its own
// ("=N").
type errorPage struct {
	codes    []int
	override int
	uri      string
	line     int
}

type location struct {
	// redirect: a prefix or exact location whose path ends in "/" and
	// has a content handler answers its path without the slash with 301
	// (ngx_http_core_module location; clcf->auto_redirect).
	redirect  bool
	mod       string
	path      string
	re        *rx.Regexp
	conf      *level
	line, col int
}

type mapEntry struct {
	key   string
	re    *rx.Regexp
	value template
	line  int
}

type mapVar struct {
	src     template
	exact   []mapEntry
	regexes []mapEntry
	def     template
	line    int
}

// Config is a parsed nginx configuration.
type Config struct {
	// Notes are traps that do not stop the configuration from loading,
	// such as an Access-Control-Allow-Origin that reflects any origin.
	Notes []string

	http   *level
	server *level // the first server block, or the paste's server level
	// servers are the server blocks with what selects them, when the
	// paste has several (a site's https server and its port 80
	// redirect): a request goes to the one nginx picks (pick).
	servers []*serverBlock
	maps    map[string]*mapVar
	sets    map[string]bool
	// static: the paste shows how content is served (a server block with
	// a content handler, root or alias somewhere), so a location without
	// a handler serves files and refuses other methods than GET and HEAD
	// with 405 (ngx_http_static_module). A snippet without one
	// leaves every reply to the application.
	static bool
	served bool
}

// Statuses add_header applies to without always (ngx_http_headers_module).
var addStatuses = map[int]bool{200: true, 201: true, 204: true, 206: true, 301: true, 302: true, 303: true, 304: true, 307: true, 308: true}

// Directives that do not change response headers or status for the
// requests a CORS check cares about; they are skipped.
var ignored = map[string]bool{
	"listen": true, "server_name": true, "root": true, "index": true, "autoindex": true,
	"proxy_pass": true, "proxy_set_header": true, "proxy_http_version": true, "proxy_read_timeout": true,
	"proxy_connect_timeout": true, "proxy_send_timeout": true, "proxy_buffering": true, "proxy_buffer_size": true,
	"proxy_buffers": true, "proxy_redirect": true, "proxy_ssl_server_name": true, "proxy_cache_bypass": true,
	"fastcgi_pass": true, "fastcgi_param": true, "fastcgi_index": true, "uwsgi_pass": true, "uwsgi_param": true,
	"grpc_pass": true, "scgi_pass": true, "memcached_pass": true, "access_log": true, "error_log": true,
	"client_max_body_size": true, "client_body_buffer_size": true, "gzip": true, "gzip_types": true,
	"gzip_vary": true, "gzip_proxied": true, "gzip_min_length": true, "gzip_comp_level": true, "charset": true,
	"ssl_certificate": true, "ssl_certificate_key": true, "ssl_protocols": true, "ssl_ciphers": true,
	"ssl_prefer_server_ciphers": true, "ssl_session_cache": true, "ssl_session_timeout": true,
	"keepalive_timeout": true, "sendfile": true, "tcp_nopush": true, "tcp_nodelay": true, "default_type": true,
	"resolver": true, "server_tokens": true, "log_not_found": true, "alias": true, "types": true,
	"http2": true, "upstream": true, "worker_processes": true, "events": true, "user": true, "pid": true,
	"proxy_cache": true, "proxy_cache_valid": true, "proxy_cache_key": true,
	// Expires and Cache-Control on 200-class replies (ngx_http_headers_
	// module): no CORS header, and no part in add_header's inheritance,
	// which is add_header's own (found as a new user would: a static
	// location's expires made the file an input error).
	"expires": true,
	// keepalive of an upstream block; ssl_dhparam, ssl_stapling: TLS.
	"keepalive": true, "ssl_dhparam": true, "ssl_stapling": true, "ssl_stapling_verify": true,
	"ssl_trusted_certificate": true, "ssl_session_tickets": true, "add_trailer": true,
	// The rest of Debian's nginx.conf and its modules-enabled files, read
	// from an nginx -T dump: process, hash and module settings.
	"types_hash_max_size": true, "types_hash_bucket_size": true, "server_names_hash_bucket_size": true,
	"server_names_hash_max_size": true, "load_module": true, "worker_connections": true, "multi_accept": true,
	"worker_rlimit_nofile": true, "daemon": true, "master_process": true, "client_body_temp_path": true, "uwsgi_temp_path": true,
	"scgi_temp_path": true,
	// Found as a new user would, in an ordinary site's configuration:
	// the client's address (ngx_http_realip_module), logging, timeouts,
	// buffers and file caching change no reply's status or headers.
	"set_real_ip_from": true, "real_ip_header": true, "real_ip_recursive": true, "log_format": true,
	"open_log_file_cache": true, "log_subrequest": true, "client_header_timeout": true, "client_body_timeout": true,
	"send_timeout": true, "client_header_buffer_size": true, "large_client_header_buffers": true,
	"client_body_in_file_only": true, "client_body_in_single_buffer": true, "keepalive_requests": true,
	"keepalive_time": true, "keepalive_disable": true, "lingering_close": true, "lingering_time": true,
	"lingering_timeout": true, "reset_timedout_connection": true, "send_lowat": true, "postpone_output": true,
	"output_buffers": true, "sendfile_max_chunk": true, "aio": true, "aio_write": true, "directio": true,
	"directio_alignment": true, "read_ahead": true, "open_file_cache": true, "open_file_cache_valid": true,
	"open_file_cache_min_uses": true, "open_file_cache_errors": true, "etag": true, "if_modified_since": true,
	"variables_hash_max_size": true, "variables_hash_bucket_size": true, "map_hash_max_size": true,
	"map_hash_bucket_size": true, "worker_cpu_affinity": true, "worker_priority": true,
	"worker_shutdown_timeout": true, "thread_pool": true, "pcre_jit": true, "timer_resolution": true, "env": true,
	"accept_mutex": true, "accept_mutex_delay": true, "use": true, "chunked_transfer_encoding": true,
	"mirror": true, "mirror_request_body": true, "charset_types": true, "source_charset": true, "override_charset": true,
	// The body alone (ngx_http_sub_module, ngx_http_addition_module,
	// ngx_http_ssi_module).
	"sub_filter": true, "sub_filter_once": true, "sub_filter_types": true, "sub_filter_last_modified": true,
	"add_before_body": true, "add_after_body": true, "addition_types": true, "ssi": true, "ssi_types": true,
	// Bandwidth (ngx_http_core_module limit_rate), and the zones and
	// settings of limit_req and limit_conn, whose own lines are limits.
	"limit_rate": true, "limit_rate_after": true, "limit_req_zone": true, "limit_req_log_level": true,
	"limit_req_dry_run": true, "limit_conn_zone": true, "limit_conn_log_level": true, "limit_conn_dry_run": true,
}

// Prefixes of directives that change no reply's status or headers, as
// ignored: the settings of the modules that pass a request on, of
// compression and of HTTP/2. Their *_hide_header and *_intercept_errors
// are not among them (passedOn).
var ignoredPrefixes = []string{"proxy_", "ssl_", "fastcgi_", "uwsgi_", "scgi_", "grpc_", "gzip_", "http2_"}

// Content handlers that pass a request on (proxy_pass...); each sets a
// location's auto_redirect when its path ends in "/".
var handlers = map[string]bool{"proxy_pass": true, "fastcgi_pass": true, "uwsgi_pass": true, "scgi_pass": true, "memcached_pass": true, "grpc_pass": true}

// Directives that change headers or status in ways this reader does not
// model: reported, not skipped.
var unsupported = map[string]string{
	"more_set_headers":       "headers-more changes headers after add_header",
	"more_clear_headers":     "headers-more removes headers",
	"proxy_pass_header":      "changes which upstream headers pass",
	"add_header_inherit":     "changes add_header inheritance (nginx 1.29.3)",
	"rewrite":                "changes the URI and so the location",
	"include":                "whycors reads the text it is given, not the files that text includes: give what nginx -T prints, which holds every file nginx reads, or put the file's lines in its place",
	"auth_request":           "answers 401/403 from a subrequest",
	"headers_more":           "changes headers",
	"proxy_intercept_errors": "replaces upstream error replies",
}

type builder struct {
	c       *Config
	limited bool // a limit_req or limit_conn has its note
	errs    policy.Errors
	refs    []word // variable references to check once every set is known
}

func (b *builder) err(line, col int, msg string) {
	if len(b.errs) < 100 {
		b.errs = append(b.errs, &policy.Error{Line: line, Column: col, Msg: msg})
	}
}

// unread is err of what nginx loads but this reader does not model: a
// text it cannot read (lint's input error), not one nginx refuses (lint's
// "nginx refuses this"), which it said of an include, tried as a new user
// would.
func (b *builder) unread(line, col int, msg string) {
	if len(b.errs) < 100 {
		b.errs = append(b.errs, &policy.Error{Line: line, Column: col, Msg: msg, Unreadable: true})
	}
}

// paramFiles are the files Debian's nginx-common ships for an include
// in a location that passes requests on: proxy_set_header, fastcgi_param,
// uwsgi_param and scgi_param lines, or the types map, no response header
// (/etc/nginx/proxy_params, fastcgi_params, fastcgi.conf, uwsgi_params,
// scgi_params, mime.types). An include of one changes no reply here.
var paramFiles = map[string]bool{"proxy_params": true, "fastcgi_params": true, "fastcgi.conf": true, "uwsgi_params": true, "scgi_params": true, "mime.types": true,
	// certbot's TLS settings (ssl_* directives alone), which every
	// site it configures includes: found as a new user would, a
	// certbot-managed file was an input error.
	"options-ssl-nginx.conf": true}

// serverBlock is a server block and what nginx selects it by
// (ngx_http_core_module listen and server_name; "How nginx processes a
// request", nginx.org/en/docs/http/request_processing.html).
type serverBlock struct {
	lvl   *level
	ports []string     // the ports it listens on: "80" when it has no listen
	def   []bool       // listen ... default_server, by port
	names []string     // server_name, lowercased
	res   []*rx.Regexp // server_name ~regex names, in order
}

func newServerBlock(d *directive, lvl *level) *serverBlock {
	s := &serverBlock{lvl: lvl}
	for _, x := range d.block {
		switch x.name {
		case "listen":
			if len(x.args) == 0 {
				continue
			}
			addr := x.args[0].text
			port := addr
			if i := strings.LastIndexByte(addr, ':'); i >= 0 && !strings.HasSuffix(addr, "]") {
				port = addr[i+1:]
			}
			if _, err := strconv.Atoi(port); err != nil {
				port = "80" // an address alone listens on port 80
			}
			def := false
			for _, a := range x.args[1:] {
				def = def || a.text == "default_server" || a.text == "default"
			}
			s.ports, s.def = append(s.ports, port), append(s.def, def)
		case "server_name":
			for _, a := range x.args {
				n := strings.ToLower(a.text)
				if re, ok := strings.CutPrefix(a.text, "~"); ok {
					// A regular expression, matched case-insensitively
					// as host names are; one this reader cannot read
					// matches nothing.
					if r, err := rx.Compile(re, true); err == nil {
						s.res = append(s.res, r)
					}
					continue
				}
				s.names = append(s.names, n)
			}
		}
	}
	if len(s.ports) == 0 {
		s.ports, s.def = []string{"80"}, []bool{false}
	}
	return s
}

// pick is the server block nginx gives a request for host on port, in
// nginx's order (nginx.org/en/docs/http/server_names.html): among the
// blocks that listen on the port (every block when none does: the
// paste's ports may not be the URL's), the exact name; else the longest
// name with a leading "*." (or ".", which also covers the name itself);
// else the longest with a trailing ".*"; else the first regular
// expression that matches, in the order written; else the port's
// default_server, else the first.
func (c *Config) pick(host, port string) *level {
	if len(c.servers) < 2 {
		return c.server
	}
	var on []*serverBlock
	for _, s := range c.servers {
		for _, p := range s.ports {
			if p == port {
				on = append(on, s)
				break
			}
		}
	}
	if len(on) == 0 {
		on = c.servers
	}
	for _, s := range on {
		for _, n := range s.names {
			if n == host || strings.HasPrefix(n, ".") && host == n[1:] {
				return s.lvl
			}
		}
	}
	best, bestLen := (*serverBlock)(nil), 0
	for _, s := range on {
		for _, n := range s.names {
			suffix := ""
			switch {
			case strings.HasPrefix(n, "*."):
				suffix = n[1:]
			case strings.HasPrefix(n, "."):
				suffix = n
			}
			if suffix != "" && strings.HasSuffix(host, suffix) && len(suffix) > bestLen {
				best, bestLen = s, len(suffix)
			}
		}
	}
	if best != nil {
		return best.lvl
	}
	for _, s := range on {
		for _, n := range s.names {
			if prefix, ok := strings.CutSuffix(n, ".*"); ok && strings.HasPrefix(host, prefix+".") && len(prefix) > bestLen {
				best, bestLen = s, len(prefix)
			}
		}
	}
	if best != nil {
		return best.lvl
	}
	for _, s := range on {
		for _, re := range s.res {
			if m, _ := re.Match(host); m {
				return s.lvl
			}
		}
	}
	for _, s := range on {
		for i, p := range s.ports {
			if p == port && s.def[i] {
				return s.lvl
			}
		}
	}
	return on[0].lvl
}

// hasServer reports whether ds has a server block.
func hasServer(ds []*directive) bool {
	for _, d := range ds {
		if d.name == "server" {
			return true
		}
	}
	return false
}

// Parse reads an nginx configuration: a whole http block, server
// blocks, or the directives of one (location blocks, add_header lines).
func Parse(text string) (*Config, error) {
	ds, errs := parseDump(text)
	if len(errs) > 0 {
		return nil, errs
	}
	c := &Config{maps: map[string]*mapVar{}, sets: map[string]bool{}}
	c.http = &level{kind: "http", name: "http level"}
	c.server = &level{kind: "server", parent: c.http, name: "server level"}
	b := &builder{c: c}
	servers := 0
	var top func(ds []*directive, inHTTP bool)
	top = func(ds []*directive, inHTTP bool) {
		for _, d := range ds {
			switch d.name {
			case "http":
				if inHTTP || !d.hasBlock {
					b.err(d.line, d.col, "unexpected http")
					continue
				}
				top(d.block, true)
			case "server":
				if !d.hasBlock {
					b.err(d.line, d.col, "server needs a block")
					continue
				}
				servers++
				lvl := c.server
				if servers > 1 {
					lvl = &level{kind: "server", parent: c.http}
				}
				lvl.line = d.line
				lvl.name = "server block at line " + strconv.Itoa(d.line)
				c.servers = append(c.servers, newServerBlock(d, lvl))
				b.block(d.block, lvl)
			case "map":
				b.mapBlock(d)
			case "error_page":
				// The http level's lines (in an http block, or beside
				// the server blocks of a paste) reach each server that
				// has none of its own (an adversarial review: they went
				// into the first server, beside its own).
				if inHTTP || servers > 0 || hasServer(ds) {
					b.directive(d, c.http)
				} else {
					b.directive(d, c.server)
				}
			case "add_header":
				if inHTTP {
					b.directive(d, c.http)
				} else {
					b.directive(d, c.server)
				}
			default:
				b.directive(d, c.server)
			}
		}
	}
	top(ds, false)
	c.static = c.served && servers > 0
	for _, w := range b.refs {
		name := w.text
		if !c.knownVar(name) {
			b.err(w.line, w.col, "variable $"+name+" is not known offline (supported: $http_<name>, $request_method, $host, $scheme, $uri, $request_uri, map and set variables)")
		}
	}
	if len(b.errs) > 0 {
		return nil, b.errs
	}
	return c, nil
}

// parseDump is parseConf, and of an `nginx -T` dump (dumpFiles), each
// file at its place in the dump and its includes spliced.
func parseDump(text string) ([]*directive, policy.Errors) {
	files := dumpFiles(text)
	if files == nil {
		return parseConf(text)
	}
	if len(text) > maxText {
		return parseConf(text) // its own error
	}
	parsed := map[string][]*directive{}
	var errs policy.Errors
	for _, f := range files {
		if _, seen := parsed[f.path]; seen {
			continue
		}
		// Read where it is, with the lines it has in the dump.
		ds, es := parseConfAt(text[f.start:f.end], f.line)
		parsed[f.path], errs = ds, append(errs, es...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sp := &splicer{files: files, parsed: parsed, dir: path.Dir(files[0].path), budget: maxSpliced}
	ds := sp.splice(parsed[files[0].path], 0)
	if sp.err != nil {
		return nil, policy.Errors{sp.err}
	}
	return ds, nil
}

func (c *Config) knownVar(name string) bool {
	switch name {
	case "request_method", "host", "scheme", "uri", "request_uri", "document_uri", "is_args", "args":
		return true
	}
	if strings.HasPrefix(name, "http_") && len(name) > 5 {
		return true
	}
	return c.maps[name] != nil || c.sets[name]
}

func (b *builder) block(ds []*directive, lvl *level) {
	for _, d := range ds {
		b.directive(d, lvl)
	}
}

func (b *builder) directive(d *directive, lvl *level) {
	switch d.name {
	case "add_header":
		if n := len(d.args); n < 2 || n > 3 || (n == 3 && d.args[2].text != "always") {
			b.err(d.line, d.col, "add_header takes a name, a value and optionally \"always\"")
			return
		}
		if lvl.kind == "if" && lvl.parent.kind == "server" {
			b.err(d.line, d.col, "add_header is not allowed in an if block at server level (nginx: \"add_header\" directive is not allowed here)")
			return
		}
		// Inside an if, the condition may check the origin first (if
		// ($http_origin ~ ...)): whether it echoes any origin is for
		// lint's probe to find, not for this note to assume.
		if strings.EqualFold(d.args[0].text, "Access-Control-Allow-Origin") && strings.TrimSpace(d.args[1].text) == "$http_origin" && lvl.kind != "if" {
			b.c.Notes = append(b.c.Notes, "line "+strconv.Itoa(d.line)+": Access-Control-Allow-Origin $http_origin reflects any origin (every site gets its own origin back); with Access-Control-Allow-Credentials any site can read the replies")
		}
		lvl.adds = append(lvl.adds, addHeader{name: d.args[0].text, value: b.template(d.args[1]), always: len(d.args) == 3, line: d.line, col: d.col, at: "line " + strconv.Itoa(d.line)})
	case "location":
		if lvl.kind != "server" && lvl.kind != "location" {
			b.err(d.line, d.col, "location is not allowed here")
			return
		}
		b.location(d, lvl)
	case "if":
		if lvl.kind != "server" && lvl.kind != "location" {
			b.err(d.line, d.col, "if is not allowed here")
			return
		}
		b.ifBlock(d, lvl)
	case "set":
		if len(d.args) != 2 || !strings.HasPrefix(d.args[0].text, "$") || len(d.args[0].text) < 2 {
			b.err(d.line, d.col, "set takes a $variable and a value")
			return
		}
		name := d.args[0].text[1:]
		b.c.sets[name] = true
		lvl.stmts = append(lvl.stmts, stmt{kind: stSet, name: name, value: b.template(d.args[1]), line: d.line, col: d.col})
	case "return":
		b.returnStmt(d, lvl)
	case "break":
		lvl.stmts = append(lvl.stmts, stmt{kind: stBreak, line: d.line, col: d.col})
	case "map":
		if lvl.kind != "server" || lvl != b.c.server {
			b.err(d.line, d.col, "map is only allowed at http level")
			return
		}
		b.mapBlock(d)
	case "auth_basic":
		if len(d.args) != 1 {
			b.err(d.line, d.col, "auth_basic takes a realm or off")
			return
		}
		lvl.auth = d.args[0].text
	case "auth_basic_user_file":
		// Which passwords pass is not a request's to say here: a
		// request with Authorization is taken to pass.
	case "satisfy":
		if len(d.args) != 1 || (d.args[0].text != "any" && d.args[0].text != "all") {
			b.err(d.line, d.col, "satisfy takes any or all")
			return
		}
		lvl.satisfy = d.args[0].text
	case "deny", "allow":
		if len(d.args) != 1 || d.args[0].text != "all" {
			b.unread(d.line, d.col, d.name+" "+wordsText(d.args)+" is not supported: whether it lets a request in depends on the client's address, which a request here does not have; remove it from the paste if it does not apply to these requests")
			return
		}
		// The first rule that matches decides: "all" matches every
		// address, so a later rule of the level never runs (found by an
		// adversarial review: allow all; deny all; was a 403).
		if lvl.access == "" {
			lvl.access = d.name
		}
	case "internal":
		// An external request gets 404 there; a try_files or
		// error_page redirect reaches it (ngx_http_core_module
		// internal; an adversarial review: it was passed over).
		if lvl.kind != "location" {
			b.err(d.line, d.col, "internal is only allowed in a location")
			return
		}
		lvl.internal = true
	case "limit_except":
		if lvl.kind != "location" || !d.hasBlock || len(d.args) == 0 {
			b.err(d.line, d.col, "limit_except takes methods and a block, in a location")
			return
		}
		if len(d.block) != 1 || d.block[0].name != "deny" || len(d.block[0].args) != 1 || d.block[0].args[0].text != "all" {
			b.unread(d.line, d.col, "limit_except with anything but \"deny all;\" is not supported: what it lets in depends on the client's address or credentials")
			return
		}
		for _, a := range d.args {
			m := strings.ToUpper(a.text)
			lvl.limitExcept = append(lvl.limitExcept, m)
			if m == "GET" {
				lvl.limitExcept = append(lvl.limitExcept, "HEAD")
			}
		}
	case "limit_req", "limit_conn":
		// Both run in the preaccess phase, after the rewrite phase's
		// return, so a location's return 204 to a preflight is never
		// limited (ngx_http_limit_req_module; checked against Debian's
		// nginx: TestNginxRateLimit).
		if !b.limited {
			b.limited = true
			b.c.Notes = append(b.c.Notes, "line "+strconv.Itoa(d.line)+": "+d.name+" (and any limit after it) answers a request over the limit with 503, or its "+d.name+"_status, which gets only the add_header lines marked always; the requests here are taken to be within the limit")
		}
	case "error_page":
		if lvl.kind == "if" && lvl.parent.kind == "server" {
			b.err(d.line, d.col, "error_page is not allowed in an if block at server level")
			return
		}
		ep := errorPage{line: d.line}
		args := d.args
		if len(args) >= 2 {
			ep.uri, args = args[len(args)-1].text, args[:len(args)-1]
			if last := args[len(args)-1].text; strings.HasPrefix(last, "=") {
				ep.override = -1
				if last != "=" {
					n, err := strconv.Atoi(last[1:])
					if err != nil || n < 100 || n > 999 {
						b.err(args[len(args)-1].line, args[len(args)-1].col, "error_page's =response must be a status")
						return
					}
					ep.override = n
				}
				args = args[:len(args)-1]
			}
		}
		for _, a := range args {
			n, err := strconv.Atoi(a.text)
			if err != nil || n < 300 || n > 599 {
				b.err(a.line, a.col, "error_page takes statuses from 300 to 599, then the URI")
				return
			}
			ep.codes = append(ep.codes, n)
		}
		if len(ep.codes) == 0 || ep.uri == "" {
			b.err(d.line, d.col, "error_page takes statuses and a URI")
			return
		}
		lvl.errorPages = append(lvl.errorPages, ep)
	case "try_files":
		if len(d.args) < 2 {
			b.err(d.line, d.col, "try_files takes files and a last URI, @name or =code")
			return
		}
		if lvl.kind != "server" && lvl.kind != "location" {
			b.err(d.line, d.col, "try_files is not allowed here")
			return
		}
		last := d.args[len(d.args)-1].text
		if code, ok := strings.CutPrefix(last, "="); ok {
			if n, err := strconv.Atoi(code); err != nil || n < 100 || n > 999 {
				b.err(d.args[len(d.args)-1].line, d.args[len(d.args)-1].col, "try_files's =code must be a status")
				return
			}
		}
		lvl.tryFiles, lvl.tryLine = nil, d.line
		for _, a := range d.args {
			lvl.tryFiles = append(lvl.tryFiles, a.text)
		}
	case "limit_req_status", "limit_conn_status":
	case "proxy_hide_header":
		if len(d.args) != 1 {
			b.err(d.line, d.col, "proxy_hide_header takes one header name")
			return
		}
		lvl.hides = append(lvl.hides, d.args[0].text)
	case "include":
		if len(d.args) == 1 && paramFiles[path.Base(d.args[0].text)] {
			return
		}
		b.unread(d.line, d.col, "include "+wordsText(d.args)+" is not read: "+unsupported["include"])
	default:
		if why, ok := unsupported[d.name]; ok {
			b.unread(d.line, d.col, d.name+" is not supported: "+why+"; remove it from the paste if it does not apply to these requests")
			return
		}
		if handlers[d.name] {
			lvl.handler = true
			lvl.proxied = lvl.proxied || d.name == "proxy_pass"
		}
		if handlers[d.name] || d.name == "root" || d.name == "alias" {
			b.c.served = true
		}
		if ignored[d.name] {
			return
		}
		for _, p := range ignoredPrefixes {
			if strings.HasPrefix(d.name, p) {
				b.passedOn(d)
				return
			}
		}
		b.unread(d.line, d.col, "unknown or unsupported directive "+strconv.Quote(d.name))
	}
}

// passedOn checks a setting of a module that passes requests on
// (fastcgi_, uwsgi_, scgi_, grpc_; proxy_'s own are cases of directive):
// one that hides a header the browser's check reads from the
// application's reply, or hands its error replies to error_page, is not
// read, where the rest change no reply. fastcgi_hide_header
// X-Powered-By, common in PHP sites, is read; fastcgi_hide_header
// Access-Control-Allow-Origin was passed over, so the model kept the
// header nginx removes.
func (b *builder) passedOn(d *directive) {
	switch {
	case strings.HasSuffix(d.name, "_intercept_errors"):
		b.unread(d.line, d.col, d.name+" is not supported: hands the application's error replies to error_page")
	case strings.HasSuffix(d.name, "_hide_header") && len(d.args) == 1 && corsRead(d.args[0].text):
		b.unread(d.line, d.col, d.name+" "+d.args[0].text+" is not supported: it removes the application's "+d.args[0].text+" (only proxy_hide_header is modelled)")
	}
}

// corsRead reports whether the browser's CORS check, or a cache in
// front, reads the response header name: Access-Control-* and Vary.
func corsRead(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "access-control-") || n == "vary"
}

func (b *builder) template(w word) template {
	t := template{raw: w.text}
	s := w.text
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			lit.WriteByte(s[i])
			continue
		}
		j := i + 1
		var name string
		if s[j] == '{' {
			k := strings.IndexByte(s[j:], '}')
			if k < 0 {
				b.err(w.line, w.col+i, "unclosed ${")
				return t
			}
			name = s[j+1 : j+k]
			j += k + 1
		} else {
			k := j
			for k < len(s) && (s[k] == '_' || ('a' <= s[k] && s[k] <= 'z') || ('A' <= s[k] && s[k] <= 'Z') || ('0' <= s[k] && s[k] <= '9')) {
				k++
			}
			name = s[j:k]
			j = k
		}
		if name == "" {
			lit.WriteByte('$')
			continue
		}
		if name[0] >= '0' && name[0] <= '9' {
			b.err(w.line, w.col+i, "regex capture $"+name+" is not supported")
		} else {
			b.refs = append(b.refs, word{text: strings.ToLower(name), line: w.line, col: w.col + i})
		}
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String()})
			lit.Reset()
		}
		t.parts = append(t.parts, part{v: strings.ToLower(name)})
		i = j - 1
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, part{lit: lit.String()})
	}
	return t
}

func (b *builder) regex(w word, src string, fold bool, offset int) *rx.Regexp {
	re, err := rx.Compile(src, fold)
	if err != nil {
		e := err.(*rx.Error)
		col := w.col + offset + e.Offset
		if w.quoted {
			col++
		}
		b.err(w.line, col, "unsupported regular expression: "+e.Msg)
		return nil
	}
	return re
}

func (b *builder) location(d *directive, parent *level) {
	if !d.hasBlock {
		b.err(d.line, d.col, "location needs a block")
		return
	}
	loc := &location{line: d.line, col: d.col}
	switch len(d.args) {
	case 1:
		a := d.args[0]
		switch {
		case strings.HasPrefix(a.text, "@"):
			// A named location, reached only by try_files here (and by
			// error_page, which is not read); nginx allows one only at
			// server level.
			if parent.kind != "server" {
				b.err(d.line, d.col, "named location "+a.text+" is only allowed at server level")
				return
			}
			conf := &level{kind: "location", parent: parent, name: "location " + a.text + " (line " + strconv.Itoa(d.line) + ")", line: d.line}
			b.block(d.block, conf)
			if parent.named == nil {
				parent.named = map[string]*level{}
			}
			parent.named[a.text] = conf
			return
		case strings.HasPrefix(a.text, "~*"):
			loc.mod, loc.path = "~*", a.text[2:]
		case strings.HasPrefix(a.text, "^~"):
			loc.mod, loc.path = "^~", a.text[2:]
		case strings.HasPrefix(a.text, "~"):
			loc.mod, loc.path = "~", a.text[1:]
		case strings.HasPrefix(a.text, "="):
			loc.mod, loc.path = "=", a.text[1:]
		default:
			loc.path = a.text
		}
		if loc.path == "" {
			b.err(a.line, a.col, "location without a path")
			return
		}
	case 2:
		loc.mod, loc.path = d.args[0].text, d.args[1].text
		if loc.mod != "=" && loc.mod != "~" && loc.mod != "~*" && loc.mod != "^~" {
			b.err(d.args[0].line, d.args[0].col, "unknown location modifier "+strconv.Quote(loc.mod))
			return
		}
	default:
		b.err(d.line, d.col, "location takes an optional modifier and a path")
		return
	}
	if loc.mod == "~" || loc.mod == "~*" {
		w := d.args[len(d.args)-1]
		off := 0
		if len(d.args) == 1 {
			off = len(loc.mod)
		}
		loc.re = b.regex(w, loc.path, loc.mod == "~*", off)
	}
	name := "location " + strings.TrimSpace(loc.mod+" "+loc.path) + " (line " + strconv.Itoa(d.line) + ")"
	loc.conf = &level{kind: "location", parent: parent, name: name, line: d.line}
	b.block(d.block, loc.conf)
	loc.redirect = loc.conf.handler && loc.mod != "~" && loc.mod != "~*" && strings.HasSuffix(loc.path, "/")
	parent.locations = append(parent.locations, loc)
}

func (b *builder) ifBlock(d *directive, parent *level) {
	if !d.hasBlock {
		b.err(d.line, d.col, "if needs a block")
		return
	}
	args := append([]word(nil), d.args...)
	// ngx_http_rewrite_if_condition: the condition is in parentheses,
	// which the tokenizer leaves attached to the first and last words.
	if len(args) > 0 && strings.HasPrefix(args[0].text, "(") && !args[0].quoted {
		args[0].text = args[0].text[1:]
		args[0].col++
		if args[0].text == "" {
			args = args[1:]
		}
	} else {
		b.err(d.line, d.col, "if condition must be in parentheses")
		return
	}
	if n := len(args); n > 0 && strings.HasSuffix(args[n-1].text, ")") && !args[n-1].quoted {
		args[n-1].text = strings.TrimSuffix(args[n-1].text, ")")
		if args[n-1].text == "" {
			args = args[:n-1]
		}
	} else {
		b.err(d.line, d.col, "if condition must be in parentheses")
		return
	}
	var c cond
	switch len(args) {
	case 1:
		if !strings.HasPrefix(args[0].text, "$") {
			b.err(args[0].line, args[0].col, "file tests (-f, -d, -e, -x) and other conditions are not supported")
			return
		}
		c.left = b.template(args[0])
	case 3:
		if !strings.HasPrefix(args[0].text, "$") {
			b.err(args[0].line, args[0].col, "the left side of an if condition must be a variable")
			return
		}
		c.left = b.template(args[0])
		c.op = args[1].text
		c.raw = args[2].text
		switch c.op {
		case "=", "!=":
			c.right = b.template(args[2])
		case "~", "~*", "!~", "!~*":
			c.re = b.regex(args[2], args[2].text, strings.HasSuffix(c.op, "*"), 0)
		default:
			b.err(args[1].line, args[1].col, "unknown if operator "+strconv.Quote(c.op))
			return
		}
	default:
		b.err(d.line, d.col, "if condition not understood: use ($var), ($var = value) or ($var ~ regex)")
		return
	}
	name := "if " + strings.TrimSuffix(strings.TrimSuffix(wordsText(d.args), ")"), " ") + ") at line " + strconv.Itoa(d.line)
	ib := &ifBlock{cond: c, line: d.line, col: d.col, conf: &level{kind: "if", parent: parent, name: name, line: d.line}}
	for _, x := range d.block {
		switch x.name {
		case "if", "location", "map":
			b.err(x.line, x.col, x.name+" is not allowed inside if")
		default:
			b.directive(x, ib.conf)
		}
	}
	parent.stmts = append(parent.stmts, stmt{kind: stIf, ifb: ib, line: d.line, col: d.col})
}

func wordsText(ws []word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.text
		if w.quoted {
			parts[i] = "'" + w.text + "'"
		}
	}
	return strings.Join(parts, " ")
}

func (b *builder) returnStmt(d *directive, lvl *level) {
	s := stmt{kind: stReturn, line: d.line, col: d.col}
	switch len(d.args) {
	case 1, 2:
		a := d.args[0]
		n, err := strconv.Atoi(a.text)
		if err != nil {
			if len(d.args) == 1 && (strings.HasPrefix(a.text, "http://") || strings.HasPrefix(a.text, "https://") || strings.HasPrefix(a.text, "$scheme")) {
				s.code, s.url, s.value = 302, true, b.template(a)
				break
			}
			b.err(a.line, a.col, "return takes a status code (and text or URL), or a URL")
			return
		}
		if n < 0 || n > 999 {
			b.err(a.line, a.col, "return code out of range")
			return
		}
		s.code = n
		if len(d.args) == 2 {
			s.value = b.template(d.args[1])
			s.url = n == 301 || n == 302 || n == 303 || n == 307 || n == 308
		}
	default:
		b.err(d.line, d.col, "return takes a status code (and text or URL), or a URL")
		return
	}
	lvl.stmts = append(lvl.stmts, s)
}

func (b *builder) mapBlock(d *directive) {
	if len(d.args) != 2 || !strings.HasPrefix(d.args[1].text, "$") || !d.hasBlock {
		b.err(d.line, d.col, "map takes a source, a $variable and a block")
		return
	}
	name := strings.ToLower(d.args[1].text[1:])
	if b.c.maps[name] != nil {
		b.err(d.line, d.col, "map $"+name+" is defined twice")
		return
	}
	m := &mapVar{src: b.template(d.args[0]), line: d.line}
	for _, e := range d.block {
		key := word{text: e.name, line: e.line, col: e.col}
		switch {
		case e.hasBlock:
			b.err(e.line, e.col, "unexpected block in map")
			continue
		case e.name == "hostnames" || e.name == "include":
			b.err(e.line, e.col, "map "+e.name+" is not supported")
			continue
		case e.name == "volatile":
			continue
		}
		if len(e.args) != 1 {
			b.err(e.line, e.col, "a map entry is a source value and a resulting value")
			continue
		}
		val := b.template(e.args[0])
		if e.name == "default" {
			m.def = val
			if strings.TrimSpace(e.args[0].text) == "$http_origin" {
				b.c.Notes = append(b.c.Notes, "line "+strconv.Itoa(e.line)+": map default $http_origin reflects any origin that no entry matches")
			}
			continue
		}
		k := strings.TrimPrefix(key.text, "\\")
		if strings.HasPrefix(key.text, "~") {
			fold := strings.HasPrefix(key.text, "~*")
			src := strings.TrimPrefix(strings.TrimPrefix(key.text, "~*"), "~")
			off := len(key.text) - len(src)
			re := b.regex(key, src, fold, off)
			m.regexes = append(m.regexes, mapEntry{key: key.text, re: re, value: val, line: e.line})
			continue
		}
		m.exact = append(m.exact, mapEntry{key: strings.ToLower(k), value: val, line: e.line})
	}
	b.c.maps[name] = m
}
