package apache

import (
	"strconv"
	"strings"
)

// mod_rewrite, as the evaluator runs it (httpd.apache.org/docs/2.4:
// mod_rewrite.html, rewrite/tech.html "Ruleset Processing"):
//
//   - In the server and a <VirtualHost> the rules see the URL path; a
//     rule there may answer (R=2xx, F, G) or redirect (R=3xx with a
//     target), not rewrite: a rewrite there maps the request before its
//     sections are chosen, which is not modelled.
//   - In a .htaccess (Config.perDir) the rules see the path less the
//     directory's prefix, "/" for DocumentRoot's. A rewrite to another
//     path (a relative one under RewriteBase) is an internal redirect:
//     the request runs again with the new path, its variables renamed
//     REDIRECT_NAME, the .htaccess's SetEnvIf and rules run again
//     (which is why WordPress's .htaccess starts with
//     "RewriteRule ^index\.php$ - [L]"), and the headers are those of
//     that last request alone. END stops the rules of the requests
//     after; ten redirects end in 500 (LimitInternalRecursion).
//   - whycors cannot see the disk. -f and -d take a path as a file when
//     its last segment has an extension, as the nginx reader takes
//     try_files, or when a .php segment has more path after it (its
//     PATH_INFO), and "/" as the only directory (fileOf). A
//     .php file, or "/" (its DirectoryIndex), is a script, which the
//     application answers with any status, its header lines on the
//     onsuccess table, as PHP does through mod_php, Debian's
//     libapache2-mod-php (e2e/apache TestHtaccess runs it). Behind
//     php-fpm (FastCGI) Apache files the script's lines on the always
//     table instead, which is not modelled (a reviewer ran it: a Header
//     unset without always then leaves PHP's own line). Any other file
//     is Apache's own to serve: OPTIONS 200, GET, HEAD and POST 200,
//     another method 405, whatever the application would answer.

// rewritten is what a set of RewriteRules did to a request.
type rewritten struct {
	status   int    // an answer of a rule: R=, F, G; 0 for none
	line     int    // the line of the rule that answered or rewrote last
	location string // a redirect's Location
	path     string // a .htaccess's new URL path, "" for none
	query    string // and its query
	end      bool   // END ran
	// vary are the request headers the conditions of the rules that
	// applied read and held (mod_rewrite adds them to Vary).
	vary []string
}

// The steps of a .htaccess's rewriting, in Decision's pairs.
const (
	stepRewrite = "rewrite"  // a RewriteRule at the line rewrote the request
	stepPath    = "path"     // the path the step before it named
	stepFile    = "file"     // a RewriteCond at the line took the path as a file
	stepNoFile  = "no-file"  // ... as no file
	stepDir     = "dir"      // ... as a directory
	stepNoDir   = "no-dir"   // ... as no directory
	stepLoop    = "too-many" // LimitInternalRecursion's 500
	stepLong    = "too-long" // a path past maxPath
	stepWork    = "too-much" // the rules' work past maxWork
)

// maxRedirects is LimitInternalRecursion's default (core.html).
const maxRedirects = 10

// maxWork bounds the bytes a request's rules read and keep, across its
// redirects: past it the evaluator stops with 500.
const maxWork = 8 << 20

// maxSteps bounds the trace's file tests: a rule may have thousands of
// RewriteConds, each run at every redirect.
const maxSteps = 256

// maxPath bounds a rewritten path (LimitRequestLine's default, 8190):
// "$1$1" doubles a path at each rule and each redirect, which would
// grow without end; the evaluator stops there with a 500.
const maxPath = 8190

// htaccess runs a .htaccess's SetEnvIf and rules for each internal
// redirect they make, leaving x.req.path the path of the last request,
// and returns a rule's answer, if one answered.
func (x *run) htaccess(s *scope) rewritten {
	rewriting := s.rewrite
	for redirects := 0; ; redirects++ {
		// header_parser: the directory's SetEnvIf, before its rules
		// (fixups), which may read them as %{ENV:NAME}.
		x.setEnv(s.setenvs)
		if !rewriting {
			return rewritten{}
		}
		rw := x.rewrite(s.rules, true, s.base)
		if rw.status != 0 || rw.path == "" || rw.path == x.req.path {
			// An answer, or no new path: mod_rewrite passes a rewrite to
			// the same path through.
			return rw
		}
		if redirects == maxRedirects {
			x.steps = append(x.steps, stepLoop, strconv.Itoa(rw.line))
			return rewritten{status: 500, line: rw.line}
		}
		x.steps = append(x.steps, stepRewrite, strconv.Itoa(rw.line), stepPath, rw.path)
		// The new request's variables are the old one's renamed, and
		// REDIRECT_STATUS and REDIRECT_URL (http_request.c,
		// rename_original_env): Symfony's .htaccess tests
		// %{ENV:REDIRECT_STATUS} to tell a rewritten request.
		env := make(map[string]string, len(x.env)+2)
		for k, v := range x.env {
			env["REDIRECT_"+k] = v
		}
		env["REDIRECT_STATUS"], env["REDIRECT_URL"] = "200", x.req.path
		x.env, x.req.path, x.req.query = env, rw.path, rw.query
		rewriting = !rw.end
	}
}

// rewrite runs rules on the request: on its URL path in the server, on
// the path less "/" in a .htaccess (perDir), whose rewrites it follows
// to the end of the rules or an L.
func (x *run) rewrite(rules []rwRule, perDir bool, base string) rewritten {
	var out rewritten
	subject := x.req.path
	if perDir {
		subject = strings.TrimPrefix(subject, "/")
	}
	for _, r := range rules {
		// The rules' work in all, across the redirects: each rule reads
		// the path, a variable may be kept at each (a last look: 64 KB
		// of rules behind a long path took 240 MB and 6 s).
		if x.work += len(subject); x.work > maxWork {
			x.steps = append(x.steps, stepWork, strconv.Itoa(r.line))
			return rewritten{status: 500, line: r.line}
		}
		// Groups only where the substitution or an E= value reads them:
		// matching alone allocates nothing, for the many rules that
		// only answer or pass (the worker runs these per request).
		var m []string
		hit := false
		if r.groups&ruleGroups != 0 && !r.neg {
			m = r.re.FindStringSubmatch(subject)
			hit = m != nil
		} else {
			hit = r.re.MatchString(subject)
		}
		if hit == r.neg {
			continue
		}
		cm, vary, ok := x.condsMatch(r.conds, r.groups&condGroups != 0)
		if x.work > maxWork {
			// The conditions' values count too (a second look: 2,700
			// conditions on an 8 KB variable took two minutes).
			x.steps = append(x.steps, stepWork, strconv.Itoa(r.line))
			return rewritten{status: 500, line: r.line}
		}
		if !ok {
			continue
		}
		out.vary = append(out.vary, vary...)
		for _, e := range r.envs {
			if e.unset {
				delete(x.env, e.name)
				continue
			}
			v := x.expand(e.value, m, cm)
			if x.work += len(v); len(v) > maxPath || x.work > maxWork {
				// "E=A:%{ENV:A}%{ENV:A}" doubles at each rule.
				x.steps = append(x.steps, stepLong, strconv.Itoa(r.line))
				return rewritten{status: 500, line: r.line}
			}
			x.env[e.name] = v
		}
		if r.status != 0 && (r.status < 300 || r.status > 399) {
			return rewritten{status: r.status, line: r.line, vary: out.vary}
		}
		if r.sub != "-" {
			target := x.expand(r.sub, m, cm)
			if r.status != 0 {
				return rewritten{status: r.status, line: r.line, location: x.absolute(target, base, r), vary: out.vary}
			}
			var p string
			p, out.query = splitQuery(target, x.req.query, r)
			if !strings.HasPrefix(p, "/") {
				p = base + p
			}
			if len(p) > maxPath {
				x.steps = append(x.steps, stepLong, strconv.Itoa(r.line))
				return rewritten{status: 500, line: r.line}
			}
			out.path, out.line = p, r.line
			subject = strings.TrimPrefix(p, "/")
		}
		if r.end {
			out.end = true
		}
		if r.last {
			break
		}
	}
	return out
}

// splitQuery is a substitution's path and the query the request gets
// (mod_rewrite.html, flags QSA and QSD): the substitution's own, with
// the request's after it with QSA; the request's when the substitution
// has none, unless QSD, which drops the request's alone (a second look
// ran "index.php?p=$1 [QSD]" in apache2: the new query stays).
func splitQuery(target, query string, r rwRule) (string, string) {
	i := strings.IndexByte(target, '?')
	if i < 0 {
		if r.qsd {
			return target, ""
		}
		return target, query
	}
	q := target[i+1:]
	if r.qsa && query != "" && !r.qsd {
		if q != "" {
			q += "&"
		}
		q += query
	}
	return target[:i], q
}

// absolute is a redirect's Location: mod_rewrite makes the target a
// full URL on the request's scheme and host (a relative one under
// RewriteBase), with the request's query when the target has none, or
// after the target's with QSA, and none with QSD (mod_rewrite.html,
// flags QSA and QSD).
func (x *run) absolute(target, base string, r rwRule) string {
	if p, q := splitQuery(target, x.req.query, r); q != "" {
		target = p + "?" + q
	} else {
		target = p
	}
	if strings.Contains(target, "://") {
		return target
	}
	if !strings.HasPrefix(target, "/") {
		target = base + target
	}
	host := x.req.host
	if x.req.port != "" && !(x.req.scheme == "http" && x.req.port == "80" || x.req.scheme == "https" && x.req.port == "443") {
		host += ":" + x.req.port
	}
	scheme := x.req.scheme
	if scheme == "" {
		scheme = "http"
	}
	return scheme + "://" + host + target
}

// condsMatch reports whether the RewriteConds cs hold, with the groups
// of the last one whose expression matched when groups is set (a
// substitution's %N), and the request headers the ones that held read
// (Vary). As mod_rewrite, a condition after one that held in an [OR]
// chain is not tested.
func (x *run) condsMatch(cs []rwCond, groups bool) ([]string, []string, bool) {
	var last []string
	var vary []string
	ok := true
	pendingOr := false
	for i, c := range cs {
		if i > 0 && pendingOr && ok {
			// The chain already holds (mod_rewrite.c, apply_rewrite_rule:
			// the rest of an [OR] chain is skipped).
			pendingOr = c.or
			continue
		}
		if i > 0 && !pendingOr && !ok {
			return nil, nil, false
		}
		v, header, _ := x.rewriteVar(c.test)
		x.work += len(v)
		var hit bool
		if c.file != 0 {
			hit = x.fileTest(c, v) != c.neg
		} else if groups && !c.neg {
			g := c.re.FindStringSubmatch(v)
			hit = g != nil
			if hit {
				last = g
			}
		} else {
			hit = c.re.MatchString(v) != c.neg
		}
		if hit && header != "" {
			vary = append(vary, header)
		}
		if i == 0 || !pendingOr {
			ok = hit
		} else {
			ok = ok || hit
		}
		pendingOr = c.or
	}
	return last, vary, ok
}

// fileOf is the file a URL path maps to as whycors takes the disk to
// be: the path up to a segment ending in .php that has more after it,
// the rest being PATH_INFO (CodeIgniter's .htaccess rewrites to
// /index.php/api/items, whose file is /index.php); else the path, when
// its last segment has an extension; else "" (no file). A dot in
// another segment (/wp-json/my/v1.2/items) makes no file of it: a last
// look ran it in apache2, which rewrote it to index.php.
func fileOf(p string) string {
	for i := 0; i < len(p); {
		j := strings.IndexByte(p[i+1:], '/')
		if j < 0 {
			break
		}
		end := i + 1 + j
		if seg := p[i+1 : end]; len(seg) > len(".php") && strings.HasSuffix(seg, ".php") {
			return p[:end]
		}
		i = end
	}
	seg := p[strings.LastIndexByte(p, '/')+1:]
	if k := strings.LastIndexByte(seg, '.'); k > 0 && k < len(seg)-1 {
		return p
	}
	return ""
}

// fileTest is -f or -d of the request's file, path p, as whycors takes
// the disk to be, with the step that says so.
func (x *run) fileTest(c rwCond, p string) bool {
	var yes bool
	step := stepNoFile
	if c.file == 'd' {
		yes, step = p == "/" || p == "", stepNoDir
		if yes {
			step = stepDir
		}
	} else if fileOf(p) != "" {
		yes, step = true, stepFile
	}
	if len(x.steps) < maxSteps {
		x.steps = append(x.steps, step, strconv.Itoa(c.line), stepPath, p)
	}
	return yes
}

// The groups a rule's substitution and E= values read (rwRule.groups).
const (
	ruleGroups = 1 << iota // $N: the pattern's
	condGroups             // %N: the last matched RewriteCond's
)

// groupsRead is which groups s reads, as expand reads them.
func groupsRead(s string) int {
	g := 0
	for i := 0; i+1 < len(s); i++ {
		if s[i+1] >= '0' && s[i+1] <= '9' {
			switch s[i] {
			case '$':
				g |= ruleGroups
			case '%':
				g |= condGroups
			}
		}
	}
	return g
}

// expand is a substitution or E= value with its $N (the rule's groups),
// %N (the last matched RewriteCond's) and %{NAME} (rewriteVar's).
func (x *run) expand(s string, m, cm []string) string {
	if !strings.ContainsAny(s, "$%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			g := m
			if c == '%' {
				g = cm
			}
			if n := int(s[i+1] - '0'); n < len(g) {
				b.WriteString(g[n])
			}
			i++
		case c == '%' && i+1 < len(s) && s[i+1] == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			v, _, _ := x.rewriteVar(s[i : i+j+1])
			b.WriteString(v)
			i += j
		case c == '\\' && i+1 < len(s):
			b.WriteByte(s[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// script reports whether the application answers path in a .htaccess:
// a .php file (with any PATH_INFO after it), or "/", which its
// DirectoryIndex serves.
func script(path string) bool {
	return strings.HasSuffix(fileOf(path), ".php") || path == "/"
}
