package lint

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// ProbeOrigin is an origin no configuration lists on purpose (.invalid is
// reserved, RFC 2606): a server that allows it allows every origin.
const ProbeOrigin = "https://whycors-probe.invalid"

// Foreign is what a server answered a page on ProbeOrigin: the
// Access-Control-Allow-Origin and -Credentials of its reply.
type Foreign struct{ ACAO, ACAC string }

// AskForeign sends req to ev as a page on ProbeOrigin would (its Origin
// header replaced by ProbeOrigin), app being what the application behind
// the policy answers, and returns the CORS headers that came back. The
// engine's one foreign-origin probe: lint asks it of evaluators without a
// rule model, the fix search of every fix it offers.
func AskForeign(ev policy.Evaluator, req policy.Request, app policy.Reply) Foreign {
	f, _ := ask(ev, req, ProbeOrigin, app)
	return f
}

// ask sends req to ev from a page on origin (its Origin header replaced),
// app being the application's reply, and returns the CORS headers that
// came back with the whole outcome.
func ask(ev policy.Evaluator, req policy.Request, origin string, app policy.Reply) (Foreign, policy.Outcome) {
	h := append(make(headers.List, 0, 1+len(req.Header)), headers.Field{Name: "Origin", Value: origin})
	for _, f := range req.Header {
		if !strings.EqualFold(f.Name, "Origin") {
			h = append(h, f)
		}
	}
	req.Header = h
	out := ev.Respond(req, app)
	var f Foreign
	f.ACAO, _ = out.Reply.Header.Get("Access-Control-Allow-Origin")
	f.ACAC, _ = out.Reply.Header.Get("Access-Control-Allow-Credentials")
	return f, out
}

// Echoes reports a reply that names the foreign origin itself.
func (f Foreign) Echoes() bool { return f.ACAO == ProbeOrigin }

// Credentialed reports a reply that lets the foreign page read a
// credentialed response: "*" or its own origin, with
// Access-Control-Allow-Credentials: true (Fetch §3.2.5, CORS check; a
// browser refuses "*" with credentials, but a server that sends it would
// echo the origin the moment someone "fixes" it).
func (f Foreign) Credentialed() bool {
	return (f.ACAO == "*" || f.Echoes()) && strings.TrimSpace(f.ACAC) == "true"
}

// Targeter is a format without a rule model whose configuration answers
// some paths in a way of its own (nginx's locations): Targets lists one
// request path for each, with where it is in the text, so that lint
// probes every one and not only "/".
type Targeter interface {
	Targets(text string) []portable.Target
}

// probeMethods are the requests lint sends each target: the preflight
// (OPTIONS with Access-Control-Request-Method, which a configuration may
// answer with headers of its own) and every method a page's fetch() may
// send (Fetch §2.2.1: every method but CONNECT, TRACE and TRACK).
var probeMethods = []string{"OPTIONS", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// probePath is the path lint asks of a configuration that names none.
const probePath = "/whycors-probe"

// shownPath is " " and t's path when the user's text names it (an nginx
// location), for a finding's words; "" for the made-up probePath, which
// is no business of theirs (tried as a new user would: "the answer to
// GET /whycors-probe").
func shownPath(t portable.Target) string {
	switch {
	case t.Path == probePath:
		return ""
	case strings.HasSuffix(t.Path, probePath[1:]):
		// A location's prefix with the made-up name after it (nginx's
		// targets): the prefix is the user's, the name is not (found as
		// a new user would: "GET /api/whycors-probe").
		return " " + strings.TrimSuffix(t.Path, probePath[1:]) + "…"
	}
	return " " + t.Path
}

// targetURL is the URL lint asks for t: its Path on a made-up host,
// or Path itself when it is a whole URL (a Caddyfile's site: tried as a
// new user would, no probe reached a site with a host, so an unanchored
// header_regexp Origin linted clean).
func targetURL(t portable.Target) string {
	if strings.HasPrefix(t.Path, "https://") || strings.HasPrefix(t.Path, "http://") {
		return t.Path
	}
	return "https://api.example" + t.Path
}

// maxTargets bounds the paths probed in one text.
const maxTargets = 64

// probe asks an evaluator what it answers made-up origins (ProbeOrigin,
// and "null", which sandboxed iframes and file: pages send), for formats
// whose reader keeps no rules (nginx, raw replies, HAR): at every path a
// Targeter names (else one), with every method and a preflight.
func (l *linter) probe(ev policy.Evaluator, text string) {
	targets := []portable.Target{{Path: probePath}}
	if t, ok := l.format.(Targeter); ok {
		if ts := t.Targets(text); len(ts) > 0 {
			targets = ts[:min(len(ts), maxTargets)]
		}
	}
	idx := newTextIndex(text)
	echoed := false
	for _, f := range l.out {
		echoed = echoed || f.Code == "reflect-any-origin" // the text check already said it, at its line
	}
	for _, t := range targets {
		var answers []policy.Outcome
		for _, m := range probeMethods {
			req := policy.Request{Method: m, URL: targetURL(t)}
			ask := "a " + m
			if m == "OPTIONS" {
				req.Header = headers.List{{Name: "Access-Control-Request-Method", Value: "PUT"}}
				ask = "a preflight (OPTIONS)"
			}
			ask += shownPath(t)
			f, out, at := askAt(ev, req, ProbeOrigin, idx, t.Pos)
			answers = append(answers, out)
			switch {
			case echoed:
			case f.Echoes() && f.Credentialed():
				l.addOnce(Error, "reflect-any-origin", "the server echoes any Origin (it answered "+ProbeOrigin+" to "+ask+") with Access-Control-Allow-Credentials: true: any website can read your users' data; check the origin against a list", at)
			case f.Echoes():
				l.addOnce(Info, "reflect-any-origin", "the server echoes any Origin (it answered "+ProbeOrigin+" to "+ask+"); without credentials that is the same as \"*\"", at)
			case f.Credentialed():
				l.addOnce(Error, "wildcard-credentials", "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true (the answer to "+ask+"): browsers refuse it on credentialed requests, and echoing the origin instead would let every site read your users' data; list the origins ("+refJub0bs+")", at)
			}
			if n := countFields(out.Reply.Header, "Access-Control-Allow-Origin"); n > 1 {
				// Fetch §3.2.5: the header's value is the combined list,
				// which no origin equals (cloud-policies.md §6.5,
				// MultipleAllowOriginValues).
				l.addOnce(Warning, "origin-never-matches", "the answer to "+ask+" has "+strconv.Itoa(n)+" Access-Control-Allow-Origin lines: a browser combines them into one list, which never equals an origin (Fetch §3.2.5 CORS check); send one", at)
			} else if strings.ContainsAny(f.ACAO, " \t,") {
				l.addOnce(Warning, "origin-never-matches", "Access-Control-Allow-Origin "+strconv.Quote(f.ACAO)+" (the answer to "+ask+") is not one origin: browsers compare the whole value with the page's origin, so it never matches; send the one origin that asked (Fetch §3.2.5 CORS check)", at)
			}
			// A reply that names "null" whoever asks shows in the answer
			// above; one that allows "null" when it is asked is asked for
			// with the preflight and GET only (every method twice would
			// double the probe's cost for a rare configuration).
			n := f
			if f.ACAO != "null" && (m == "OPTIONS" || m == "GET") {
				n, _, at = askAt(ev, req, "null", idx, t.Pos)
			}
			if n.ACAO == "null" {
				why := ""
				if strings.TrimSpace(n.ACAC) == "true" {
					why = " with Access-Control-Allow-Credentials: true, so any such page reads your users' replies with their cookies"
				}
				l.addOnce(Warning, "null-origin", "the server allows the origin \"null\" (the answer to "+ask+")"+why+": every sandboxed iframe, file: page and some redirects send it, so any site can ("+refJub0bs+")", at)
			}
		}
		l.replies(answers, idx, t.Pos)
	}
	l.traps(ev, idx, targets)
}

// Bounds of the trap probe: the domains taken from a text, and the asks.
const (
	maxTrapDomains = 8
	maxTrapAsks    = 256
)

// traps asks ev, from origins an attacker can register, whether a check
// of the Origin against a pattern lets them through (server-peers.md §4
// item 2): for each domain named in the text (example.com, from
// "https://app.example.com" or a regular expression's example\.com),
// "https://whycors-probe-example.com" (a pattern missing its leading
// dot) and "https://example.com.whycors-probe.invalid" (one missing its
// $), and, when the domain is a public suffix (github.io), a name under
// it. An echo of such an origin is a suffix-trap or a
// public-suffix-wildcard. A server that echoes every origin is
// reflect-any-origin already and is not asked.
func (l *linter) traps(ev policy.Evaluator, idx *textIndex, targets []portable.Target) {
	for _, f := range l.out {
		if f.Code == "reflect-any-origin" {
			return
		}
	}
	asks := 0
	for _, d := range append(domainsIn(idx.low, maxTrapDomains), grouped(idx.low, maxTrapDomains)...) {
		asks += l.varies(ev, idx, targets, "https://"+d)
		asks += l.preflights(ev, idx, targets, "https://"+d)
		type trial struct{ origin, code, what string }
		trials := []trial{
			{"https://whycors-probe-" + d, "suffix-trap", "a domain that merely ends in " + strconv.Quote(d)},
			{"https://" + d + ".whycors-probe.invalid", "suffix-trap", "a domain that merely starts with " + strconv.Quote(d)},
		}
		if origin.IsPublicSuffix(d) {
			trials = append(trials, trial{"https://whycors-probe." + d, "public-suffix-wildcard", "a site under the public suffix " + strconv.Quote(d) + ", which anyone can register"})
		}
		if _, ok := parentDomain(d); ok {
			// app.example.org's first dot as a letter, appxexample.org:
			// a domain of its own, which a pattern with the dot left
			// unescaped lets in (Apache's SetEnvIf Origin
			// "(app.example.org)$"; tried as a new user would, lint
			// said nothing).
			trials = append(trials, trial{"https://" + strings.Replace(d, ".", "x", 1), "suffix-trap", "a domain that differs from " + strconv.Quote(d) + " only where it has a dot, which a pattern's unescaped '.' matches"})
		}
		// The same name over plain http, which a pattern such as
		// "https?://" lets in: with credentials, a network attacker can
		// act as that page.
		trials = append(trials, trial{"http://" + d, "insecure-origin", "its http:// origin"})
		for _, t := range targets {
			for _, tr := range trials {
				if asks >= maxTrapAsks {
					return
				}
				asks++
				req := policy.Request{Method: "GET", URL: targetURL(t)}
				f, _, at := askAt(ev, req, tr.origin, idx, t.Pos)
				if f.ACAO != tr.origin {
					continue
				}
				if tr.code == "insecure-origin" {
					if strings.TrimSpace(f.ACAC) == "true" && !strings.Contains(idx.low, tr.origin) {
						// A pattern let it in: an http:// origin the
						// text lists itself is the rule check's.
						l.addOnce(Error, "insecure-origin", "the server allows "+tr.origin+" with Access-Control-Allow-Credentials: true (asked GET"+shownPath(t)+"): anyone on the network path can act as that page and read your users' replies; allow https:// alone", at)
					}
					continue
				}
				if parent, ok := parentDomain(d); ok && tr.origin == "https://whycors-probe-"+d {
					// whycors-probe-api.example.com is also a subdomain
					// of example.com: a check that allows every one of
					// those (an anchored ^https://[a-z0-9-]+\.example\.com$)
					// allows it as one, not as a name that merely ends
					// in api.example.com. Tried as a new user would, such
					// a check was an error.
					if g, _, _ := askAt(ev, req, "https://whycors-probe."+parent, idx, t.Pos); g.ACAO == "https://whycors-probe."+parent {
						continue
					}
				}
				sev, creds := Error, strings.TrimSpace(f.ACAC) == "true"
				if tr.code == "public-suffix-wildcard" && !creds {
					sev = Warning
				}
				asked := "asked"
				if p := shownPath(t); p != "" {
					asked += " GET" + p
				}
				msg := "the server allows " + tr.origin + " (" + asked + "), " + tr.what + ": its check of the Origin matches attackers' domains; anchor the pattern and escape its dots, or list the origins"
				if creds {
					msg += "; with Access-Control-Allow-Credentials: true such a site reads your users' replies"
				}
				l.addOnce(sev, tr.code, msg, at)
			}
		}
	}
}

// varies reports vary-origin where ev answers origin, a domain the text
// names, with Access-Control-Allow-Origin naming it, and a foreign
// origin otherwise, without Vary: Origin on that reply: the reply
// depends on the Origin, so a shared cache that keys it by URL alone
// replays one origin's answer to another (Fetch, "CORS protocol and
// HTTP caches"). Tried as a new user would, an nginx map, an Apache
// SetEnvIf with $0 and a Caddy header_regexp that echo the allowed
// origins linted clean without it; the formats with a rule model say it
// from their rules. It returns the asks it made (at most two a target).
func (l *linter) varies(ev policy.Evaluator, idx *textIndex, targets []portable.Target, origin string) int {
	asks := 0
	for _, t := range targets[:min(len(targets), 8)] {
		req := policy.Request{Method: "GET", URL: targetURL(t)}
		f, out, at := askAt(ev, req, origin, idx, t.Pos)
		asks++
		if f.ACAO != origin {
			continue
		}
		g, _, _ := askAt(ev, req, ProbeOrigin, idx, t.Pos)
		asks++
		vary, _ := out.Reply.Header.Get("Vary")
		if g.ACAO == origin || headers.VaryHas(vary, "origin") {
			continue
		}
		l.addOnce(Warning, "vary-origin", "the server names the page's origin in Access-Control-Allow-Origin only for the origins it allows (asked GET"+shownPath(t)+" from "+origin+" and from another) without Vary: Origin: a CDN or browser cache can replay one origin's reply to another, which is then blocked; send Vary: Origin with it", at)
		return asks
	}
	return asks
}

// preflights reports preflight-refused where ev answers origin's GET at
// a target with Access-Control-Allow-Origin naming it, and its preflight
// there (for a PUT) without it or with a status a browser fails: every
// fetch that needs a preflight (another method, a JSON body, an
// Authorization header) is then blocked though the configuration means
// to allow the origin. Found as a new user would: an nginx server-level
// "if ($request_method = OPTIONS) { return 204; }" answered every
// preflight without the location's CORS lines, and lint exited 0. It
// returns the asks it made.
func (l *linter) preflights(ev policy.Evaluator, idx *textIndex, targets []portable.Target, origin string) int {
	asks := 0
	for _, t := range targets[:min(len(targets), 8)] {
		f, _, _ := askAt(ev, policy.Request{Method: "GET", URL: targetURL(t)}, origin, idx, t.Pos)
		asks++
		if f.ACAO != origin {
			continue
		}
		pre := policy.Request{Method: "OPTIONS", URL: targetURL(t), Header: headers.List{{Name: "Access-Control-Request-Method", Value: "PUT"}}}
		g, out, at := askAt(ev, pre, origin, idx, t.Pos)
		asks++
		st := out.Reply.Status
		if (g.ACAO == origin || g.ACAO == "*") && st >= 200 && st < 300 {
			continue
		}
		why := "without Access-Control-Allow-Origin"
		if g.ACAO == origin || g.ACAO == "*" {
			why = "with status " + strconv.Itoa(st) + ", which fails a preflight"
		}
		l.addOnce(Warning, "preflight-refused", "the server allows "+origin+"'s GET"+shownPath(t)+" but answers its preflight there "+why+": every fetch that needs one (another method, a JSON body, an Authorization header) is blocked; send the CORS headers, with a 2xx status, on the reply to OPTIONS too", at)
		return asks
	}
	return asks
}

// groupedName is a pattern's group of labels before a domain:
// "(www|app).example.com", "(www\.)?example\.com".
var groupedName = regexp.MustCompile(`\(((?:[a-z0-9-]+\|)*[a-z0-9-]+)(\\?\.)?\)\??(\\?\.)?([a-z0-9-]+(?:\\?\.[a-z0-9-]+)+)`)

// grouped lists up to max domains a pattern's group of labels makes
// with the domain after it (www.example.com and app.example.com of
// "(www|app).example.com"), which domainsIn, reading words, splits
// apart. Tried as a new user would, Apache's SetEnvIf
// "^http(s)?://(www|app).example.com$" linted clean, its unescaped dot
// and http:// unasked.
func grouped(low string, max int) []string {
	var out []string
	for _, m := range groupedName.FindAllStringSubmatch(low, -1) {
		domain := strings.ReplaceAll(m[4], "\\.", ".")
		if m[2] == "" && m[3] == "" || !strings.Contains(domain, ".") {
			continue // no dot between the group and the domain
		}
		for _, label := range strings.Split(m[1], "|") {
			if len(out) >= max {
				return out
			}
			out = append(out, label+"."+domain)
		}
	}
	return out
}

// parentDomain is d without its first label (example.com for
// api.example.com), when that is a domain of its own and not a public
// suffix, whose subdomains anyone can register.
func parentDomain(d string) (string, bool) {
	_, parent, ok := strings.Cut(d, ".")
	if !ok || !strings.Contains(parent, ".") || origin.IsPublicSuffix(parent) {
		return "", false
	}
	return parent, true
}

// domainsIn lists up to max domain names in low (a lowercase text), in
// order of appearance, a regular expression's "\." read as a dot: runs of
// letters, digits, '-' and '.' with at least two labels and a last label
// of letters (so no IP address or version number), other than the
// probe's own.
func domainsIn(low string, max int) []string {
	low = strings.ReplaceAll(low, "\\.", ".")
	seen := map[string]bool{}
	var out []string
	isName := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' }
	for i := 0; i < len(low) && len(out) < max; {
		if !isName(low[i]) {
			i++
			continue
		}
		j := i
		for j < len(low) && isName(low[j]) {
			j++
		}
		d := strings.Trim(low[i:j], ".-")
		i = j
		labels := strings.Split(d, ".")
		last := labels[len(labels)-1]
		if len(labels) < 2 || len(last) < 2 || strings.Contains(d, "..") || strings.Trim(last, "abcdefghijklmnopqrstuvwxyz") != "" ||
			strings.HasSuffix(d, "whycors-probe.invalid") || seen[d] {
			continue
		}
		seen[d] = true
		out = append(out, d)
	}
	return out
}

// replies checks the CORS headers a configuration sent as if they were
// a rule (the methods, request and exposed headers, max-age and fixed
// origin it states), so that every check of a rule applies to the
// formats that state their policy as replies (nginx's add_header, a
// pasted reply, a HAR, API Gateway's REST headers). Header values are
// read as a browser reads them (Fetch §3.2.3-§3.2.6): "*" literally,
// lists split at commas; a value the probes above judged ("*", the
// probe's own origin, "null", one holding a space) is theirs. Each value
// is placed at the first line of its header from the answering reply or
// target on.
func (l *linter) replies(answers []policy.Outcome, idx *textIndex, from portable.Pos) {
	var r convert.Rule
	seen := map[string]bool{}
	add := func(list *[]convert.Value, name, value string, line int) {
		if seen[name+"\x00"+value] {
			return // the same header line answered another request
		}
		seen[name+"\x00"+value] = true
		var at *convert.Pos
		for _, v := range strings.Split(value, ",") {
			v = strings.TrimSpace(v)
			key := name + "\x01" + strings.ToLower(v)
			if v == "" || seen[key] {
				continue
			}
			seen[key] = true
			if at == nil {
				p := idx.find(name, line)
				at = &p
			}
			*list = append(*list, convert.Value{Text: v, Pos: *at})
		}
	}
	for _, out := range answers {
		line := answeredAt(out, from.Line)
		for _, h := range out.Reply.Header {
			low := strings.ToLower(h.Name)
			switch low {
			case "access-control-allow-origin":
				v := strings.TrimSpace(h.Value)
				if v != "*" && v != "null" && v != ProbeOrigin && !strings.ContainsAny(v, " \t,") && !seen[low+"\x00"+v] {
					seen[low+"\x00"+v] = true
					r.Origins = append(r.Origins, convert.Value{Text: v, Pos: idx.find(low, line)})
				}
			case "access-control-allow-methods":
				add(&r.Methods, low, h.Value, line)
			case "access-control-allow-headers":
				add(&r.AllowHeaders, low, h.Value, line)
			case "access-control-expose-headers":
				add(&r.ExposeHeaders, low, h.Value, line)
			case "access-control-allow-credentials":
				if strings.TrimSpace(h.Value) == "true" {
					r.Credentials, r.CredentialsPos = true, idx.find(low, line)
				}
			case "access-control-max-age":
				if n, err := strconv.Atoi(strings.TrimSpace(h.Value)); err == nil && r.MaxAge == nil {
					r.MaxAge, r.MaxAgePos = &n, idx.find(low, line)
				}
			}
		}
	}
	if len(r.Origins) == 0 {
		r.ReflectAny = true // no fixed origin seen: nothing to say of origins
	}
	l.rule(&convert.Source{}, &r, true)
}

// askAt asks ev req from a page on origin, and finds the line of the
// reply's Access-Control-Allow-Origin in text: the first at or after the
// line of the reply that answered (a pasted reply's "line N"), else after
// from (a target's line), else anywhere.
func askAt(ev policy.Evaluator, req policy.Request, origin string, idx *textIndex, from portable.Pos) (Foreign, policy.Outcome, convert.Pos) {
	f, out := ask(ev, req, origin, policy.Reply{Status: 200})
	return f, out, idx.find("access-control-allow-origin", answeredAt(out, from.Line))
}

// addOnce adds a finding unless one of the same code is already on that
// line: a configuration that answers every method the same way is one
// finding, not seven, and one the format's own check found at the
// directive (Apache's "*" with credentials, at its Header line) is not
// said again at the value's column (tried as a new user would, it was
// said twice, in other words).
func (l *linter) addOnce(sev Severity, code, msg string, at convert.Pos) {
	for _, f := range l.out {
		if f.Code == code && f.Line == at.Line && f.Path == at.Path && f.File == at.File {
			return
		}
	}
	l.add(sev, code, msg, at)
}

// textIndex finds header names in a text: its lowercase copy and where
// each line starts, made once, for the many lookups of a probe.
type textIndex struct {
	text, low string
	starts    []int // the byte offset of each line, starts[0] = 0
}

func newTextIndex(text string) *textIndex {
	x := &textIndex{text: text, low: strings.ToLower(text), starts: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			x.starts = append(x.starts, i+1)
		}
	}
	return x
}

// find returns the position of the first occurrence of needle (in
// lowercase) on line from (1-based) or after; when there is none there,
// the first in the whole text; else nothing.
func (x *textIndex) find(needle string, from int) convert.Pos {
	start := 0
	if from > 1 && from <= len(x.starts) {
		start = x.starts[from-1]
	}
	i := strings.Index(x.low[start:], needle)
	if i < 0 && start > 0 {
		start, i = 0, strings.Index(x.low, needle)
	}
	if i < 0 {
		// A template names the header by a key of its own: SAM's Cors
		// AllowMethods, MaxAge ("access-control-allow-methods" is
		// "allowmethods" there). Tried as a new user would, SAM's
		// findings had no line.
		if key, ok := strings.CutPrefix(needle, "access-control-"); ok {
			return x.find(strings.ReplaceAll(key, "-", ""), from)
		}
		return convert.Pos{}
	}
	line, col := policy.LineCol(x.text, start+i)
	return convert.Pos{Line: line, Column: col}
}

// countFields counts the fields of h named name.
func countFields(h headers.List, name string) int {
	n := 0
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			n++
		}
	}
	return n
}

// answeredAt is the first line of the text that answered: the lowest
// "line N" among the outcome's rules (a pasted reply's status line, the
// first add_header nginx applied), else from.
func answeredAt(out policy.Outcome, from int) int {
	line := 0
	for _, r := range out.Rules {
		if n, ok := strings.CutPrefix(r.Path, "line "); ok {
			if v, err := strconv.Atoi(n); err == nil && (line == 0 || v < line) {
				line = v
			}
		}
	}
	if line == 0 {
		return from
	}
	return line
}
