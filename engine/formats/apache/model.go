package apache

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// part of a Header value: a literal, or an environment variable
// (%{NAME}e).
type part struct {
	lit string
	env string
}

// hdrOp is one Header directive (mod_headers).
type hdrOp struct {
	always bool
	action string // set, append, merge, add, unset, setifempty, edit, edit*
	name   string
	value  []part
	raw    string
	re     *regexp.Regexp // edit
	repl   string         // edit
	env    string         // env=VAR condition ("" none)
	envNeg bool
	line   int
	col    int
	val    *word // the value as written, for edits
	nameW  word
}

// setEnv is one SetEnvIf or SetEnvIfNoCase.
type setEnv struct {
	attr string
	re   *regexp.Regexp
	vars []envSet
	line int
}

type envSet struct {
	name  string
	value string
	unset bool
}

// rwRule is one RewriteRule with its RewriteConds.
type rwRule struct {
	conds  []rwCond
	re     *regexp.Regexp
	neg    bool
	status int // R=, F (403), G (410); 0 for "-" with no answer
	last   bool
	// end: END, which also stops the rewriting of the internal
	// redirect a per-directory rewrite makes (mod_rewrite.html, flag
	// END).
	end bool
	// sub is the substitution as written: "-" for none, else a path
	// (a .htaccess's rewrite, or a redirect's target) with $N and %N.
	sub  string
	envs []envSet // E=VAR:VALUE and E=!VAR
	qsa  bool     // QSA: a redirect's target query is followed by the request's
	qsd  bool     // QSD: a redirect's target gets no query of the request's
	// groups are the match groups sub and envs read (groupsRead): the
	// evaluator captures none otherwise.
	groups int
	line   int
}

type rwCond struct {
	test string // %{REQUEST_METHOD}, %{HTTP:Origin}, ...
	re   *regexp.Regexp
	// file is a file test in place of re, of %{REQUEST_FILENAME} in a
	// .htaccess: 'f' (-f, -s), 'd' (-d); whycors cannot see the disk
	// and takes the path a file as fileOf says, "/" as the only
	// directory (htaccess.go).
	file byte
	neg  bool
	or   bool
	line int
}

// scope is the server, a <VirtualHost>, or a section inside one.
type scope struct {
	kind  string // "server", "VirtualHost", "Location", "LocationMatch", "Directory", "If", "ElseIf", "Else"
	path  string
	re    *regexp.Regexp
	cond  expr
	names []string // ServerName, ServerAlias (lower case)
	// ports are a <VirtualHost>'s addresses' ports ("" or "*": any).
	ports []string
	// inLocation: the section is within a <Location> or <LocationMatch>,
	// however deep.
	inLocation bool
	headers    []hdrOp
	setenvs    []setEnv
	rewrite    bool
	rules      []rwRule
	proxies    []proxyPass
	sections   []*scope
	line       int

	docroot      string   // DocumentRoot, for <Directory>
	pendingConds []rwCond // RewriteConds waiting for their RewriteRule
	// base is a .htaccess's RewriteBase: the URL path its relative
	// substitutions are put under ("/" when none).
	base string
}

type proxyPass struct {
	path string
	off  bool // ProxyPass /x !
}

// Directives with no effect on the headers or status of a CORS
// exchange as modelled: skipped.
var skipped = map[string]bool{
	"listen": true, "servername": true, "serveralias": true, "serveradmin": true, "documentroot": true,
	"errorlog": true, "customlog": true, "loglevel": true, "loadmodule": true, "serverroot": true,
	"pidfile": true, "user": true, "group": true, "timeout": true, "keepalive": true,
	"maxkeepaliverequests": true, "keepalivetimeout": true, "proxypassreverse": true, "proxypreservehost": true,
	"proxyrequests": true, "proxytimeout": true, "options": true, "allowoverride": true, "require": true,
	"directoryindex": true, "addtype": true, "addhandler": true, "adddefaultcharset": true, "sslengine": true,
	"sslcertificatefile": true, "sslcertificatekeyfile": true, "sslcertificatechainfile": true,
	"servertokens": true, "serversignature": true, "traceenable": true, "hostnamelookups": true,
	"defaultruntimedir": true, "mutex": true, "protocols": true, "usecanonicalname": true,
	"proxyset": true, "proxyaddheaders": true,
}

// Directives that change headers, status or the request in ways not
// modelled: reported with their position.
var unsupported = map[string]string{
	"include":            "is not read: whycors reads the text it is given, not the files that text includes; put the file's lines in its place",
	"includeoptional":    "is not read: whycors reads the text it is given, not the files that text includes; put the file's lines in its place",
	"errordocument":      "answers errors with another document (not modelled)",
	"proxyerroroverride": "replaces the upstream's error replies (not modelled)",
	"redirect":           "answers a redirect (not modelled)",
	"redirectmatch":      "answers a redirect (not modelled)",
	"requestheader":      "changes the request's headers (not modelled)",
	"setenv":             "sets variables (not modelled)",
	"browsermatch":       "sets variables (not modelled)",
	"rewritemap":         "is not modelled",
	"rewritebase":        "is modelled in a .htaccess, not in the server, a <VirtualHost> or a section",
	"authtype":           "answers 401 before the headers are sent (not modelled)",
	"script":             "answers methods with a script (not modelled)",
	"limitexcept":        "answers 403 to other methods (not modelled)",
	"expiresactive":      "adds Cache-Control and Expires (not modelled)",
}

type parser struct {
	errs policy.Errors
	// perDir: the text's top level is a .htaccess in DocumentRoot
	// (Config.perDir).
	perDir bool
}

// unread reports what Apache runs and the reader does not model: an
// input error (policy.Error.Unreadable).
func (p *parser) unread(line, col int, msg string) {
	if len(p.errs) < 100 {
		p.errs = append(p.errs, &policy.Error{Line: line, Column: col, Msg: msg, Unreadable: true})
	}
}

func (p *parser) err(line, col int, msg string) {
	if len(p.errs) < 100 {
		// What the reader does not model is its limit, not Apache's
		// refusal: an input error, where lint called it "rejected",
		// "Apache httpd refuses this" (tried as a new user would, of a
		// RewriteRule in a <Directory>, which Apache takes).
		p.errs = append(p.errs, &policy.Error{Line: line, Column: col, Msg: msg, Unreadable: strings.Contains(msg, "not modelled")})
	}
}

// Config is a parsed Apache httpd configuration.
type Config struct {
	// Notes are traps that do not stop Apache from loading it.
	Notes  []string
	server *scope
	// perDir: the top level is a .htaccess in DocumentRoot, whose
	// RewriteRules run per directory (htaccess.go).
	perDir bool
}

// Parse reads an Apache httpd configuration: httpd.conf, a
// <VirtualHost>, the directives of one (Header lines, SetEnvIf), or a
// .htaccess in DocumentRoot, which it tells by the text alone, what
// only a .htaccess holds (htaccessLike), the same in the page as on
// the command line, whatever the file's name.
func Parse(text string) (*Config, error) {
	ds, errs := parseConf(text)
	if len(errs) > 0 {
		return nil, errs
	}
	p := &parser{perDir: htaccessLike(ds)}
	s := &scope{kind: "server", line: 1, base: "/"}
	p.fill(s, ds)
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return &Config{server: s, perDir: p.perDir}, nil
}

func (p *parser) fill(s *scope, ds []*dir) {
	var prevIf *scope
	for _, d := range ds {
		low := strings.ToLower(d.name)
		if d.section {
			p.section(s, d, low, &prevIf)
			continue
		}
		prevIf = nil
		switch low {
		case "header":
			if op, ok := p.header(d); ok {
				s.headers = append(s.headers, op)
			}
		case "setenvif", "setenvifnocase":
			if e, ok := p.setEnvIf(d, low == "setenvifnocase"); ok {
				s.setenvs = append(s.setenvs, e)
			}
		case "documentroot":
			if len(d.args) == 1 {
				s.docroot = strings.TrimSuffix(d.args[0].text, "/")
			}
		case "servername", "serveralias":
			for _, a := range d.args {
				h := strings.ToLower(a.text)
				if i := strings.Index(h, "://"); i >= 0 {
					h = h[i+3:]
				}
				if i := strings.LastIndexByte(h, ':'); i >= 0 {
					h = h[:i]
				}
				s.names = append(s.names, h)
			}
		case "rewriteengine":
			s.rewrite = len(d.args) > 0 && strings.EqualFold(d.args[0].text, "on")
		case "rewritebase":
			if !p.perDir || s.kind != "server" {
				p.unread(d.line, d.col, d.name+" "+unsupported[low])
				continue
			}
			if len(d.args) != 1 || !strings.HasPrefix(d.args[0].text, "/") {
				p.err(d.line, d.col, "RewriteBase takes one URL path, starting with /")
				continue
			}
			s.base = d.args[0].text
			if !strings.HasSuffix(s.base, "/") {
				s.base += "/"
			}
		case "rewritecond":
			p.rewriteCond(s, d)
		case "rewriterule":
			p.rewriteRule(s, d)
		case "proxypass":
			switch {
			case s.kind == "Location" && len(d.args) >= 1:
				s.proxies = append(s.proxies, proxyPass{path: s.path, off: d.args[0].text == "!"})
			case len(d.args) >= 2:
				s.proxies = append(s.proxies, proxyPass{path: d.args[0].text, off: d.args[1].text == "!"})
			default:
				p.err(d.line, d.col, "ProxyPass needs a path and a URL")
			}
		default:
			if skipped[low] {
				continue
			}
			if why, ok := unsupported[low]; ok {
				// Apache runs these; the reader does not model them: an
				// input error, never Apache's refusal (found as a new user
				// would: lint called an Include "rejected", "Apache httpd
				// refuses this").
				p.unread(d.line, d.col, d.name+" "+why)
				continue
			}
			if strings.HasPrefix(low, "proxy") || strings.HasPrefix(low, "ssl") || strings.HasPrefix(low, "log") {
				continue
			}
			p.err(d.line, d.col, "unknown or unmodelled directive "+d.name)
		}
	}
}

func (p *parser) section(s *scope, d *dir, low string, prevIf **scope) {
	c := &scope{kind: d.name, line: d.line, inLocation: s.inLocation || s.kind == "Location" || s.kind == "LocationMatch"}
	switch low {
	case "virtualhost":
		if s.kind != "server" {
			p.err(d.line, d.col, "<VirtualHost> inside <"+s.kind+">")
			return
		}
		c.kind = "VirtualHost"
		for _, a := range d.args {
			port := ""
			if i := strings.LastIndexByte(a.text, ':'); i >= 0 && !strings.HasSuffix(a.text, "]") {
				port = a.text[i+1:]
			}
			c.ports = append(c.ports, port)
		}
	case "location", "directory":
		c.kind = "Location"
		if low == "directory" {
			c.kind = "Directory"
		}
		if len(d.args) != 1 {
			p.err(d.line, d.col, "<"+d.name+"> takes one path")
			return
		}
		c.path = d.args[0].text
		if c.path == "~" {
			p.err(d.line, d.col, "<"+d.name+" ~ regex> is not modelled; use <"+d.name+"Match>")
			return
		}
	case "files", "filesmatch":
		// The last segment of the file a request maps to, by wildcard
		// (<Files name>) or regular expression (<Files ~ re>,
		// <FilesMatch re>): core's file_walk. Tried as a new user
		// would, the fonts snippet every .htaccess guide gives was
		// refused.
		if c.inLocation {
			// apache2 -t: "<Files> cannot occur within <Location>
			// section" (an adversarial review: it was read and never
			// applied).
			p.err(d.line, d.col, "<"+d.name+"> cannot occur within a <Location> or <LocationMatch> section")
			return
		}
		c.kind = "Files"
		args := d.args
		regex := low == "filesmatch"
		if !regex && len(args) == 2 && args[0].text == "~" {
			regex, args = true, args[1:]
		}
		if len(args) != 1 {
			p.err(d.line, d.col, "<"+d.name+"> takes one name or regular expression")
			return
		}
		if regex {
			re, err := regexp.Compile(args[0].text)
			if err != nil {
				p.err(d.line, d.col, "<"+d.name+"> regular expression: "+err.Error())
				return
			}
			c.re = re
		} else {
			if _, err := path.Match(strings.ReplaceAll(args[0].text, "[!", "[^"), ""); err != nil {
				p.err(d.line, d.col, "<Files> name: "+err.Error())
				return
			}
			// apr_fnmatch reads "[!" as a negated class, which path.Match
			// writes "[^" (an adversarial review: <Files "[!.]*"> matched
			// in apache2 and not here).
			c.path = strings.ReplaceAll(args[0].text, "[!", "[^")
		}
	case "locationmatch":
		c.kind = "LocationMatch"
		if len(d.args) != 1 {
			p.err(d.line, d.col, "<LocationMatch> takes one regular expression")
			return
		}
		re, err := regexp.Compile(d.args[0].text)
		if err != nil {
			p.err(d.line, d.col, "<LocationMatch> regular expression: "+err.Error())
			return
		}
		c.re = re
	case "if", "elseif":
		c.kind = "If"
		if low == "elseif" {
			c.kind = "ElseIf"
			if *prevIf == nil {
				p.err(d.line, d.col, "<ElseIf> without <If> before it")
				return
			}
		}
		if len(d.args) != 1 {
			p.err(d.line, d.col, "<"+d.name+"> takes one quoted expression")
			return
		}
		e, err := parseExpr(d.args[0].text)
		if err != "" {
			p.err(d.line, d.col, "<"+d.name+"> expression: "+err)
			return
		}
		c.cond = e
	case "else":
		c.kind = "Else"
		if *prevIf == nil {
			p.err(d.line, d.col, "<Else> without <If> before it")
			return
		}
	case "ifmodule", "ifdefine", "ifversion":
		// Taken as true: the modules a CORS configuration names are
		// loaded; <IfModule !name> is then false, its lines unread
		// (CodeIgniter's ErrorDocument for a server without
		// mod_rewrite).
		if low == "ifmodule" && len(d.args) == 1 && strings.HasPrefix(d.args[0].text, "!") {
			return
		}
		p.fill(s, d.body)
		return
	default:
		p.err(d.line, d.col, "the section <"+d.name+"> is not modelled")
		return
	}
	if c.kind == "If" || c.kind == "ElseIf" {
		*prevIf = c
	} else {
		*prevIf = nil
	}
	p.fill(c, d.body)
	s.sections = append(s.sections, c)
}

var headerActions = map[string]bool{"set": true, "append": true, "merge": true, "add": true, "unset": true, "setifempty": true, "edit": true, "edit*": true}

// header reads "Header [always|onsuccess] action name [value
// [replacement]] [env=[!]VAR]".
func (p *parser) header(d *dir) (hdrOp, bool) {
	op := hdrOp{line: d.line, col: d.col}
	args := d.args
	if len(args) > 0 && (strings.EqualFold(args[0].text, "always") || strings.EqualFold(args[0].text, "onsuccess")) {
		op.always = strings.EqualFold(args[0].text, "always")
		args = args[1:]
	}
	if len(args) < 2 {
		p.err(d.line, d.col, "Header needs an action and a header name")
		return op, false
	}
	op.action = strings.ToLower(args[0].text)
	if !headerActions[op.action] {
		if op.action == "echo" || op.action == "note" {
			p.err(args[0].line, args[0].col, "Header "+op.action+" is not modelled")
		} else {
			p.err(args[0].line, args[0].col, "Header action "+args[0].text+" is not one of set, append, merge, add, unset, setifempty, edit, edit*")
		}
		return op, false
	}
	op.name, op.nameW = args[1].text, args[1]
	rest := args[2:]
	need := 1
	switch op.action {
	case "unset":
		need = 0
	case "edit", "edit*":
		need = 2
	}
	if len(rest) < need {
		p.err(d.line, d.col, "Header "+op.action+" needs "+strconv.Itoa(need)+" more argument(s)")
		return op, false
	}
	if need >= 1 {
		w := rest[0]
		op.val = &rest[0]
		if need == 2 {
			re, err := regexp.Compile(w.text)
			if err != nil {
				p.err(w.line, w.col, "Header edit regular expression: "+err.Error())
				return op, false
			}
			op.re, op.repl = re, rest[1].text
		} else {
			if strings.HasPrefix(w.text, "expr=") {
				p.err(w.line, w.col, "a Header value expr= is not modelled")
				return op, false
			}
			parts, msg := parseValue(w.text)
			if msg != "" {
				p.err(w.line, w.col, msg)
				return op, false
			}
			op.value, op.raw = parts, w.text
		}
		rest = rest[need:]
	}
	if len(rest) > 1 {
		p.err(rest[1].line, rest[1].col, "too many arguments to Header")
		return op, false
	}
	if len(rest) == 1 {
		c := rest[0].text
		switch {
		case strings.HasPrefix(strings.ToLower(c), "env="):
			op.env = c[4:]
			if strings.HasPrefix(op.env, "!") {
				op.envNeg, op.env = true, op.env[1:]
			}
		default:
			p.err(rest[0].line, rest[0].col, "the Header condition "+c+" is not modelled (env=VAR is)")
			return op, false
		}
	}
	return op, true
}

// parseValue reads a Header value's format: %% and %{NAME}e; the other
// specifiers (%t, %D, %l, %i, %b, %{NAME}s) say nothing a CORS check can
// know, and %{Name}i in particular is not a request header.
func parseValue(s string) ([]part, string) {
	var out []part
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return nil, "a Header value may not end with %"
		}
		switch s[i+1] {
		case '%':
			lit.WriteByte('%')
			i++
			continue
		case '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 || i+j+1 >= len(s) {
				return nil, "unterminated %{...} in a Header value"
			}
			name, kind := s[i+2:i+j], s[i+j+1]
			switch kind {
			case 'e':
				if lit.Len() > 0 {
					out = append(out, part{lit: lit.String()})
					lit.Reset()
				}
				out = append(out, part{env: name})
				i += j + 1
				continue
			case 'i':
				return nil, "%{" + name + "}i in a Header value is not the request header " + name + ": mod_headers has no such specifier and reads %i, the server's idle percentage; capture the header with SetEnvIf " + name + " \"(.*)\" VAR=$1 and send %{VAR}e"
			}
			return nil, "the Header value specifier %{" + name + "}" + string(kind) + " is not modelled (%{VAR}e is)"
		}
		return nil, "the Header value specifier %" + string(s[i+1]) + " is not modelled (%{VAR}e is)"
	}
	if lit.Len() > 0 || len(out) == 0 {
		out = append(out, part{lit: lit.String()})
	}
	return out, ""
}

// setEnvIf reads "SetEnvIf attribute regex [!]var[=value] ...".
func (p *parser) setEnvIf(d *dir, nocase bool) (setEnv, bool) {
	e := setEnv{line: d.line}
	if len(d.args) < 3 {
		p.err(d.line, d.col, d.name+" needs an attribute, a regular expression and a variable")
		return e, false
	}
	e.attr = d.args[0].text
	src := d.args[1].text
	if nocase {
		src = "(?i)" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		p.err(d.args[1].line, d.args[1].col, d.name+" regular expression: "+err.Error())
		return e, false
	}
	e.re = re
	for _, a := range d.args[2:] {
		v := envSet{}
		t := a.text
		if strings.HasPrefix(t, "!") {
			v.unset, t = true, t[1:]
		}
		if i := strings.IndexByte(t, '='); i >= 0 {
			v.name, v.value = t[:i], t[i+1:]
		} else {
			v.name, v.value = t, "1"
		}
		e.vars = append(e.vars, v)
	}
	switch strings.ToLower(e.attr) {
	case "remote_host", "remote_addr", "server_addr", "request_protocol":
		p.err(d.args[0].line, d.args[0].col, d.name+" "+e.attr+" is not modelled")
		return e, false
	}
	return e, true
}

func (p *parser) rewriteCond(s *scope, d *dir) {
	if len(d.args) < 2 {
		p.err(d.line, d.col, "RewriteCond needs a test string and a condition")
		return
	}
	c := rwCond{test: d.args[0].text, line: d.line}
	pat := d.args[1].text
	if strings.HasPrefix(pat, "!") {
		c.neg, pat = true, pat[1:]
	}
	nc := false
	if len(d.args) > 2 {
		for _, f := range strings.Split(strings.Trim(d.args[2].text, "[]"), ",") {
			switch strings.ToUpper(f) {
			case "NC", "NOCASE":
				nc = true
			case "OR", "ORNEXT":
				c.or = true
			case "":
			default:
				p.err(d.line, d.col, "RewriteCond flag "+f+" is not modelled")
				return
			}
		}
	}
	if v := c.test; !(strings.HasPrefix(v, "%{") && strings.HasSuffix(v, "}")) {
		p.err(d.args[0].line, d.args[0].col, "RewriteCond test string "+v+" is not modelled (one %{VARIABLE} is)")
		return
	} else if !rewriteVarRead(v[2 : len(v)-1]) {
		p.err(d.args[0].line, d.args[0].col, "RewriteCond "+v+" is not modelled (the request's method, URI, file, query, scheme, host, port, headers and variables are)")
		return
	}
	switch pat {
	case "-f", "-s", "-d":
		// A file test, of the file the request maps to: in a .htaccess
		// REQUEST_FILENAME is that file; in the server and a
		// <VirtualHost> it is still the URL path (mod_rewrite.html,
		// RewriteCond), which names no file.
		if !p.perDir || s.kind != "server" || !strings.EqualFold(c.test, "%{REQUEST_FILENAME}") {
			p.err(d.args[1].line, d.args[1].col, "RewriteCond "+pat+" is modelled on %{REQUEST_FILENAME} in a .htaccess")
			return
		}
		c.file = pat[1]
		if c.file == 's' {
			c.file = 'f'
		}
		s.pendingConds = append(s.pendingConds, c)
		return
	}
	if strings.HasPrefix(pat, "-") || strings.HasPrefix(pat, "=") || strings.HasPrefix(pat, "<") || strings.HasPrefix(pat, ">") {
		p.err(d.args[1].line, d.args[1].col, "RewriteCond "+pat+" is not modelled (regular expressions, -f and -d are)")
		return
	}
	if nc {
		pat = "(?i)" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		p.err(d.args[1].line, d.args[1].col, regexFault("RewriteCond", pat, err))
		return
	}
	c.re = re
	s.pendingConds = append(s.pendingConds, c)
}

func (p *parser) rewriteRule(s *scope, d *dir) {
	conds := s.pendingConds
	s.pendingConds = nil
	if len(d.args) < 2 {
		p.err(d.line, d.col, "RewriteRule needs a pattern and a substitution")
		return
	}
	if s.kind != "server" && s.kind != "VirtualHost" {
		p.err(d.line, d.col, "RewriteRule inside <"+s.kind+"> is not modelled (in the server, a <VirtualHost> or a .htaccess it is)")
		return
	}
	r := rwRule{conds: conds, line: d.line, sub: d.args[1].text}
	pat := d.args[0].text
	if strings.HasPrefix(pat, "!") {
		r.neg, pat = true, pat[1:]
	}
	nc := false
	if len(d.args) > 2 {
		for _, f := range strings.Split(strings.Trim(d.args[2].text, "[]"), ",") {
			// Flags are read ignoring case; a message quotes them as
			// written (an E= value keeps its case).
			up := strings.ToUpper(f)
			switch {
			case up == "L" || up == "LAST":
				r.last = true
			case up == "END":
				r.last, r.end = true, true
			case up == "NC" || up == "NOCASE":
				nc = true
			case up == "F" || up == "FORBIDDEN":
				r.status, r.last = 403, true
			case up == "G" || up == "GONE":
				r.status, r.last = 410, true
			case strings.HasPrefix(up, "R=") || up == "R" || strings.HasPrefix(up, "REDIRECT"):
				code := 302
				if i := strings.IndexByte(f, '='); i >= 0 {
					// R=permanent, temp and seeother name 301, 302 and
					// 303 (mod_rewrite.html, flag R).
					named := map[string]int{"PERMANENT": 301, "TEMP": 302, "SEEOTHER": 303}[up[i+1:]]
					v, err := strconv.Atoi(f[i+1:])
					if err != nil && named == 0 {
						p.err(d.line, d.col, "RewriteRule status "+f[i+1:]+" is not a number")
						return
					}
					code = v
					if named != 0 {
						code = named
					}
				}
				r.status = code
				if code < 300 || code > 399 {
					r.last = true // a non-redirect status stops rewriting (mod_rewrite R flag)
				}
			case strings.HasPrefix(up, "E=") || strings.HasPrefix(up, "ENV="):
				// E=VAR:VALUE sets VAR, E=!VAR unsets it (mod_rewrite
				// flag E), as WordPress's and Laravel's .htaccess pass
				// Authorization to PHP.
				v := f[strings.IndexByte(f, '=')+1:]
				e := envSet{name: v}
				if i := strings.IndexByte(v, ':'); i >= 0 {
					e.name, e.value = v[:i], v[i+1:]
				}
				if strings.HasPrefix(e.name, "!") {
					e.name, e.unset = e.name[1:], true
				}
				r.envs = append(r.envs, e)
			case up == "QSA" || up == "QSAPPEND":
				r.qsa = true
			case up == "QSD" || up == "QSDISCARD":
				r.qsd = true
			case up == "NE" || up == "NOESCAPE" || up == "DPI" || up == "DISCARDPATH":
				// The query string and escaping: no header or status.
			case up == "":
			default:
				p.err(d.line, d.col, "RewriteRule flag "+f+" is not modelled")
				return
			}
		}
	}
	if nc {
		pat = "(?i)" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		p.err(d.args[0].line, d.args[0].col, regexFault("RewriteRule", pat, err))
		return
	}
	r.re = re
	r.groups = groupsRead(r.sub)
	for _, e := range r.envs {
		r.groups |= groupsRead(e.value)
	}
	switch redirect := r.status >= 300 && r.status < 400; {
	case r.sub == "-" && redirect:
		p.err(d.args[1].line, d.args[1].col, "a RewriteRule redirect to - (the same URL) is not modelled: give its target")
		return
	case redirect && !r.last:
		// Without L the rules after it go on rewriting the target
		// before the redirect is sent, which is not modelled.
		p.err(d.line, d.col, "a RewriteRule redirect without L is not modelled: add L, as mod_rewrite's documentation advises")
		return
	case r.sub == "-" || r.status != 0 && !redirect:
		// No rewrite, or an answer of its own (R=2xx, F, G), which
		// drops the substitution.
	case strings.Contains(r.sub, "://") && !redirect:
		p.err(d.args[1].line, d.args[1].col, "a RewriteRule to the URL "+r.sub+" without R is not modelled")
		return
	case !redirect && (!p.perDir || s.kind != "server"):
		// In the server and a <VirtualHost> a rewrite maps the request
		// before its sections are chosen, which is not modelled.
		p.err(d.args[1].line, d.args[1].col, "a RewriteRule that rewrites to "+r.sub+" is modelled in a .htaccess, not in the server or a <VirtualHost> (there \"-\" with R=, F or G is)")
		return
	}
	s.rules = append(s.rules, r)
}

// regexFault words a regular expression Go's engine does not compile:
// the reader's limit when it is PCRE's own syntax (lookaround, a
// backreference, which Apache takes), else Apache's refusal too (a
// second look: "^(foo$" was called the reader's limit).
func regexFault(directive, pat string, err error) string {
	msg := err.Error()
	if strings.Contains(msg, "invalid or unsupported Perl syntax") || strings.Contains(msg, "invalid escape sequence") || strings.Contains(msg, "invalid named capture") {
		return directive + " regular expression " + pat + " is not modelled (Go's syntax is, not PCRE's lookaround or backreferences): " + msg
	}
	return directive + " regular expression: " + msg
}

// serverOnly are directives of the server and virtual host contexts
// alone, which a .htaccess cannot hold.
var serverOnly = map[string]bool{
	"servername": true, "serveralias": true, "documentroot": true, "listen": true, "loadmodule": true,
	"serverroot": true, "errorlog": true, "customlog": true, "user": true, "group": true, "pidfile": true,
	"keepalive": true, "timeout": true, "protocols": true, "usecanonicalname": true,
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// htaccessLike reports whether a text's top level is a .htaccess (a
// directory's configuration) rather than the server's: it has no
// <VirtualHost>, <Directory> or <Location>, none of which a .htaccess
// may hold, and something only a directory's configuration has: a
// RewriteBase (Apache refuses it in the server), a file test of
// %{REQUEST_FILENAME} (which names no file there), or a RewriteRule
// whose substitution is a relative path or whose pattern a path without
// its leading "/" (WordPress's and Laravel's .htaccess have several).
func htaccessLike(ds []*dir) bool {
	marked := false
	var walk func([]*dir) bool
	walk = func(ds []*dir) bool {
		for _, d := range ds {
			low := strings.ToLower(d.name)
			if d.section {
				switch low {
				case "ifmodule", "ifdefine", "ifversion":
					if !walk(d.body) {
						return false
					}
				case "virtualhost", "directory", "directorymatch", "location", "locationmatch":
					return false
				}
				continue
			}
			// What a .htaccess may not hold (core.html, each directive's
			// Context): a vhost snippet with them is the server's (a
			// reviewer's ServerName, ProxyPass and "RewriteRule ^api/"
			// was read as a .htaccess).
			if serverOnly[low] || strings.HasPrefix(low, "proxy") || strings.HasPrefix(low, "ssl") {
				return false
			}
			switch low {
			case "rewritebase":
				marked = true
			case "rewritecond":
				if len(d.args) >= 2 && strings.Contains(strings.ToUpper(d.args[0].text), "REQUEST_FILENAME") && strings.HasPrefix(strings.TrimPrefix(d.args[1].text, "!"), "-") {
					marked = true
				}
			case "rewriterule":
				if len(d.args) >= 2 {
					sub := d.args[1].text
					if sub != "-" && !strings.HasPrefix(sub, "/") && !strings.HasPrefix(sub, "$") && !strings.HasPrefix(sub, "%") && !strings.Contains(sub, "://") {
						marked = true
					}
					// "^api/", "^index\.php$": a path without its "/",
					// which no URL path in the server matches.
					if pat := strings.TrimPrefix(d.args[0].text, "!"); len(pat) > 1 && pat[0] == '^' && (isAlnum(pat[1]) || pat[1] == '_' || pat[1] == '-') {
						marked = true
					}
				}
			}
		}
		return true
	}
	return walk(ds) && marked
}

// locationMatches is the location walk's prefix test: the path starts
// with the section's, and a section path not ending in / ends there or
// at a /; * ? [ make it a wildcard pattern.
func locationMatches(pat, p string) bool {
	if strings.ContainsAny(pat, "*?[") {
		ok, _ := path.Match(pat, p)
		return ok
	}
	if !strings.HasPrefix(p, pat) {
		return false
	}
	if strings.HasSuffix(pat, "/") || len(p) == len(pat) {
		return true
	}
	return p[len(pat)] == '/'
}
