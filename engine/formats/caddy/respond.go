package caddy

import (
	"path"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
)

// run is one request through a site's routes, as caddyhttp's compiled
// route list: each matching route's handler in order; header handlers
// change the reply's header at once, or wrap the writer when deferred;
// respond and the upstreams write the reply and end the chain.
type run struct {
	req     request
	app     policy.Reply
	hdr     gohdr.Header
	wrapped []*route // deferred header handlers, outermost first
	status  int
	wrote   bool
	from    string // "respond", "app", "empty"
	at      int    // line of the handler that answered
	rules   []policy.Rule
	applied map[*route]bool
	groups  map[int]bool
}

// routes runs rs; true once a handler wrote the reply.
func (x *run) routes(rs []*route) bool {
	for _, r := range rs {
		if r.group != 0 && x.groups[r.group] {
			continue
		}
		if !r.m.matches(x.req) {
			if r.dir == "header" {
				x.trace(r, "matcher", policy.Note{Case: caseUnmatched, Args: [4]string{r.m.name}})
			}
			continue
		}
		if r.group != 0 {
			x.groups[r.group] = true
		}
		switch r.dir {
		case "header":
			if r.deferred {
				x.wrapped = append(x.wrapped, r)
			} else {
				x.apply(r, false)
			}
		case "respond":
			x.from, x.at = "respond", r.line
			x.writeHeader(r.status)
			return true
		case "handle", "route":
			if x.routes(r.sub) {
				return true
			}
		case "strip":
			// handle_path's rewrite: the routes after it, here and
			// after its handle, see the path without the prefix.
			x.req.path = stripPrefix(x.req.path, r.prefix)
		default: // reverse_proxy, php_fastcgi, file_server: the application
			app, from := x.app, "app"
			if r.dir == "reverse_proxy" && x.req.path != "" && !strings.HasPrefix(x.req.path, "/") {
				// handle_path /api* left "x" of /apix: the request line
				// has no leading "/" (an empty path is sent as "/"),
				// which the upstream refuses with 400
				// and no header of its own (RFC 9112 §3.2.1 origin-form;
				// the Go upstream of e2e/caddy's handle_path corners, as
				// most servers do).
				app, from = policy.Reply{Status: 400}, "bad-path"
			}
			// header_down changes the upstream's header first; then
			// copyHeader adds each of its lines.
			var up gohdr.Header
			for _, f := range app.Header {
				up.Add(f.Name, f.Value)
			}
			x.ops(&up, r.ops, false, "header_down")
			for _, f := range up.List() {
				x.hdr.Add(f.Name, f.Value)
			}
			x.from, x.at = from, r.line
			x.writeHeader(app.Status)
			return true
		}
	}
	return false
}

// writeHeader is WriteHeader through the wrappers: the innermost (last)
// deferred header handler applies its operations first.
func (x *run) writeHeader(status int) {
	x.status, x.wrote = status, true
	for i := len(x.wrapped) - 1; i >= 0; i-- {
		r := x.wrapped[i]
		ok := true
		for _, f := range r.require {
			if x.hdr.Values(f) != nil {
				ok = false
			}
		}
		if !ok {
			x.trace(r, "present", policy.Note{Case: casePresent, Args: [4]string{strings.Join(r.require, ", ")}})
			continue
		}
		x.apply(r, true)
	}
}

// apply is HeaderOps.ApplyTo of a header handler on the reply.
func (x *run) apply(r *route, deferred bool) {
	x.applied[r] = true
	x.ops(&x.hdr, r.ops, deferred, "")
}

// ops is HeaderOps.ApplyTo on h: add, set, delete, replace (ops are in
// that order); each traced, with how as the note's Args[3].
func (x *run) ops(h *gohdr.Header, ops []op, deferred bool, how string) {
	for _, o := range ops {
		v := x.req.expand(o.value)
		f := x.req.expand(o.field)
		n := policy.Note{Case: o.kind, Args: [4]string{f, v, "", how}}
		if deferred {
			n.N = 1
		}
		switch o.kind {
		case "add":
			h.Add(f, v)
		case "set":
			h.Set(f, v)
		case "delete":
			del(h, strings.ToLower(f))
		case "replace":
			w := x.req.expand(o.with)
			n.Args[2] = w
			k := gohdr.Canonical(f)
			for _, l := range h.List() {
				if l.Name == k || f == "*" {
					vs := h.Values(l.Name)
					out := make([]string, len(vs))
					for i := range vs {
						out[i] = o.re.ReplaceAllString(vs[i], w)
					}
					h.Assign(l.Name, out)
				}
			}
		}
		x.rules = append(x.rules, policy.Rule{Index: len(x.rules), ID: gohdr.Canonical(f), Path: "line " + strconv.Itoa(o.line), Matched: true, Note: n, Source: source})
	}
}

// del deletes a field, or every field a *pattern* names.
func del(h *gohdr.Header, f string) {
	var names []string
	seen := map[string]bool{}
	for _, l := range h.List() {
		if !seen[l.Name] {
			seen[l.Name] = true
			names = append(names, l.Name)
		}
	}
	for _, n := range names {
		// "*" alone is not a deletion pattern in ApplyTo: a field named *.
		if f != "*" && wild(f, strings.ToLower(n)) || f == "*" && n == "*" {
			h.Del(n)
		}
	}
}

// trace records a header handler that did not apply.
func (x *run) trace(r *route, failed string, n policy.Note) {
	for _, o := range r.ops {
		x.rules = append(x.rules, policy.Rule{Index: len(x.rules), ID: gohdr.Canonical(o.field), Path: "line " + strconv.Itoa(o.line), Failed: failed, Note: n, Source: source})
	}
}

// Respond answers req as Caddy 2.6.2 would, with app as what the
// upstream (reverse_proxy, php_fastcgi, file_server) answers.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	x := &run{req: newRequest(req), app: app, applied: map[*route]bool{}, groups: map[int]bool{}}
	s := c.choose(x.req)
	d := policy.Note{Case: caseDecision}
	if s == nil {
		d.Args[0] = "no-site"
		d.Args[1] = x.req.host
		return policy.Outcome{Reply: policy.Reply{Status: 200, Header: nil}, Decision: d, Words: words{}}
	}
	if !x.routes(s.routes) {
		if c.bare {
			for _, f := range app.Header {
				x.hdr.Add(f.Name, f.Value)
			}
			x.from, x.status = "bare", app.Status
			x.writeHeader(app.Status)
		} else {
			// Nothing wrote: net/http sends 200 with the header as it is;
			// the deferred handlers' WriteHeader never runs.
			x.from, x.status = "empty", 200
			for _, r := range x.wrapped {
				x.trace(r, "deferred", policy.Note{Case: caseNoWrite})
			}
		}
	}
	reply := policy.Reply{Status: x.status, Header: x.hdr.List()}
	if x.from == "app" || x.from == "bare" {
		reply.Body = app.Body
	}
	if x.from == "bad-path" {
		d.Args[1] = x.req.path
	}
	d.Args[0], d.N, d.M = x.from, x.status, x.at
	d.List = c.Notes
	return policy.Outcome{Reply: reply, Rules: x.rules, Decision: d, Words: words{}}
}

// The cases of Caddy's notes (words). A rule's note is the operation
// that ran ("add", "set", "delete", "replace"; N 1 when deferred), or
// why a header handler did not apply. The decision's Args[0] says who
// answered ("respond", "app", "bare", "empty", "no-site"), N the status,
// M the line, List the configuration's notes.
const (
	caseUnmatched = "unmatched"
	casePresent   = "present"
	caseNoWrite   = "no-write"
	caseDecision  = "decision"
)

// words says Caddy's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	when := ""
	if n.N == 1 {
		when = " when the reply was written (deferred)"
	}
	switch n.Case {
	case "add":
		if n.Args[3] != "" {
			return n.Args[3] + " +" + n.Args[0] + " added " + strconv.Quote(n.Args[1]) + " to the upstream's reply"
		}
		return "header +" + n.Args[0] + " added " + strconv.Quote(n.Args[1]) + when
	case "set":
		if n.Args[3] != "" {
			return n.Args[3] + " " + n.Args[0] + " set to " + strconv.Quote(n.Args[1]) + " in the upstream's reply"
		}
		return "header " + n.Args[0] + " set to " + strconv.Quote(n.Args[1]) + when
	case "delete":
		if n.Args[3] != "" {
			return n.Args[3] + " -" + n.Args[0] + " deleted it from the upstream's reply"
		}
		return "header -" + n.Args[0] + " deleted it" + when
	case "replace":
		return "header " + n.Args[0] + " replaced " + strconv.Quote(n.Args[1]) + " by " + strconv.Quote(n.Args[2]) + when
	case caseUnmatched:
		return "the matcher " + n.Args[0] + " does not match this request"
	case casePresent:
		return "?" + n.Args[0] + " sets a default only when the reply has none, and it has one"
	case caseNoWrite:
		return "deferred, and no handler wrote the reply: Caddy's empty 200 goes out without it"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	if n.Case != caseDecision {
		return ""
	}
	var s string
	switch n.Args[0] {
	case "respond":
		s = "respond at line " + strconv.Itoa(n.M) + " answered " + strconv.Itoa(n.N)
	case "app":
		s = "the upstream (line " + strconv.Itoa(n.M) + ") answered " + strconv.Itoa(n.N) + "; its headers are added to those the header directives set"
	case "bad-path":
		s = "the upstream (line " + strconv.Itoa(n.M) + ") is sent the path " + strconv.Quote(n.Args[1]) + ", which handle_path left without its leading /: it is taken to refuse the request line with 400 and no header of its own, as most servers do"
	case "bare":
		s = "the application answered " + strconv.Itoa(n.N)
	case "empty":
		s = "no handler answered: Caddy sends an empty 200"
	case "no-site":
		s = "no site block serves the host " + n.Args[1] + ": Caddy sends an empty 200"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}

// stripPrefix is the rewrite handler's strip_path_prefix on a path
// (Caddy 2.6.2, e2e/caddy's handle_path corners): the path cleaned
// first, its repeated slashes merged unless the prefix has some, its
// trailing slash kept (caddyhttp.CleanPath; a last look: /api//x).
func stripPrefix(p, prefix string) string {
	if !strings.Contains(prefix, "//") && p != "" {
		c := path.Clean(p)
		if strings.HasSuffix(p, "/") && c != "/" {
			c += "/"
		}
		p = c
	}
	if len(p) >= len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) {
		p = p[len(prefix):]
	}
	return p
}
