package explain

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Spec links for the steps this package adds to the browser model's.
const (
	specPreflightFetch = "https://fetch.spec.whatwg.org/#cors-preflight-fetch-0"
	specMainFetch      = "https://fetch.spec.whatwg.org/#main-fetch"
	specCache          = "https://fetch.spec.whatwg.org/#cors-preflight-cache"
	specHTTPFetch      = "https://fetch.spec.whatwg.org/#http-network-or-cache-fetch"
)

// weaveSteps lists the browser model's checks in order and adds, where
// each request leaves the browser, the request as sent and how the server
// produced its reply: the policy's decision and each rule in evaluation
// order with the first condition that did not match. Every exchange
// carries its own trace (fetch.Exchange.Rules) and the index of the check
// that reports it, so every hop of a redirect chain gets its steps.
func weaveSteps(res *fetch.Result, srv *server) []Step {
	steps := make([]Step, 0, len(res.Checks)+8)
	// at(i) are the exchanges check i reports, in order. A request sent
	// again after a closed connection is the same request and the same
	// (absent) reply: its check says how many times (Verdict.Requests
	// lists each). A fetch has a few exchanges: a scan costs less than
	// indexing them.
	at := func(i int, yield func(*fetch.Exchange)) {
		for j := range res.Exchanges {
			if x := &res.Exchanges[j]; x.Attempt == 0 && x.Check == i {
				yield(x)
			}
		}
	}
	// The exchanges each check reads: the latest preflight and the latest
	// other request reported so far, so a later hop's checks show its own
	// status and Location lines.
	var pre, last *fetch.Exchange
	for i, c := range res.Checks {
		at(i, func(x *fetch.Exchange) {
			if x.Preflight {
				pre = x
			} else {
				last = x
			}
		})
		// A check of the status or of a redirect reads the status line
		// or the Location line; show it as the line read.
		if c.Header == "" {
			switch id := baseID(c.ID); {
			case id == "preflight.status" && pre != nil:
				c.Header = "HTTP/1.1 " + statusText(pre.Reply.Status)
			case strings.HasPrefix(id, "redirect.") && last != nil:
				if loc, ok := last.Reply.Header.Get("Location"); ok {
					c.Header = "Location: " + loc
				}
			}
		}
		// A request other than a preflight is shown as sent before the
		// check that says it was answered; a preflight after the check
		// that says it is needed.
		at(i, func(x *fetch.Exchange) {
			if !x.Preflight {
				steps = append(steps, requestStep(hopID(x, "actual.request"), "Request as sent", x.Request, specHTTPFetch))
			}
		})
		steps = append(steps, c)
		at(i, func(x *fetch.Exchange) {
			if x.Preflight {
				steps = append(steps, requestStep(hopID(x, "preflight.request"), "Preflight request as sent", x.Request, specPreflightFetch))
				steps = serverSteps(steps, hopID(x, "server.preflight"), x, srv)
			} else {
				steps = serverSteps(steps, hopID(x, "server.actual"), x, srv)
			}
		})
	}
	return steps
}

// baseID is a step's ID without its "hop[N]." prefix.
func baseID(id string) string {
	if strings.HasPrefix(id, "hop[") {
		if i := strings.Index(id, "]."); i > 0 {
			return id[i+2:]
		}
	}
	return id
}

// hopID names a step of exchange x: id itself for the fetch's first URL,
// prefixed with the redirect hop after it ("hop[1].server.actual").
func hopID(x *fetch.Exchange, id string) string {
	if x.Hop == 0 {
		return id
	}
	return "hop[" + strconv.Itoa(x.Hop) + "]." + id
}

func requestStep(id, title string, r policy.Request, spec string) Step {
	return Step{ID: id, Title: title, Status: fetch.Info, Spec: spec,
		Detail: "The browser sends " + r.Method + " " + r.URL + " with these header lines.", Header: headerLines(r.Method+" "+r.URL, r.Header)}
}

// serverSteps appends to out how the server answered: the reply's status
// line and, for a policy, its decision and each rule's trace.
func serverSteps(out []Step, id string, x *fetch.Exchange, srv *server) []Step {
	trace := x.Trace()
	reply, rules, decision := trace.Reply, trace.Rules, trace.Text()
	who := srv.viaCDN(x, srv.source(x))
	d := who + " answered " + statusText(reply.Status) + "."
	if decision != "" {
		d = who + ": " + decision + "."
	}
	spec := formatSource(srv.f, rules)
	out = append(out, Step{ID: id, Title: "Server reply", Status: fetch.Info, Detail: d, Header: replyLines(reply), Spec: spec})
	for _, r := range rules {
		st := fetch.Skip
		title := "Rule " + strconv.Itoa(r.Index+1)
		if r.ID != "" {
			title += " (" + r.ID + ")"
		}
		said := trace.Detail(r)
		detail := said
		switch {
		case r.Matched:
			st = fetch.Pass
			if detail == "" {
				detail = "matched"
			}
		case r.Failed != "":
			st = fetch.Fail
			detail = "first condition that did not match: " + r.Failed + nonEmpty(": ", said)
		}
		if r.Path != "" {
			detail += " (at " + r.Path + ")"
		}
		src := r.Source
		if src == "" {
			src = spec
		}
		out = append(out, Step{ID: id + ".rule[" + strconv.Itoa(r.Index) + "]", Title: title, Status: st, Detail: detail, Spec: src})
	}
	return out
}

// source says who answered exchange x: the policy, or which of the
// scenario's replies (its own, a route's, none).
func (srv *server) source(x *fetch.Exchange) string {
	if srv.eval != nil && !srv.elsewhere(x.Request.URL, x.Hop) {
		return "The " + srv.f.Name() + " policy"
	}
	if srv.own(x.Request.URL, x.Hop) {
		return "The reply given in the scenario"
	}
	if i, ok := srv.routes[x.Request.URL]; ok {
		return "The reply of $.routes[" + strconv.Itoa(i) + "] (" + x.Request.URL + ")"
	}
	return "No reply is given for " + x.Request.URL + " (not in routes), so a server with no CORS configuration"
}

func nonEmpty(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// Documented is a format that names the document its evaluation rests
// on ("shared/reference/cloud-policies.md §1.3 (S3: ...)"), for steps
// whose rule trace carries no source of its own.
type Documented interface {
	Doc() string
}

func formatSource(f policy.Format, rules []policy.Rule) string {
	for _, r := range rules {
		if r.Source != "" {
			return r.Source
		}
	}
	if d, ok := f.(Documented); ok {
		return d.Doc()
	}
	if f != nil {
		return "shared/reference/cloud-policies.md (" + f.Name() + ")"
	}
	return ""
}

// StatusText is a status code with its reason phrase ("204 No Content"),
// as the steps and a fix's reply lines show it; 0 is a closed connection.
func StatusText(code int) string { return statusText(code) }

func statusText(code int) string {
	if code == 0 {
		return "nothing (the connection closed)"
	}
	if line := fetch.StatusLine(code); line != "" {
		return line
	}
	return strconv.Itoa(code)
}

func replyLines(r policy.Reply) string {
	if r.Status == 0 {
		return ""
	}
	return headerLines("HTTP/1.1 "+statusText(r.Status), r.Header)
}

// headerLines is first and then each field as "Name: value", one a line,
// built in one allocation.
func headerLines(first string, h headers.List) string {
	n := len(first)
	for _, f := range h {
		n += 1 + len(f.Name) + 2 + len(f.Value)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(first)
	for _, f := range h {
		b.WriteByte('\n')
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(f.Value)
	}
	return b.String()
}

// finishSteps adds what needs every browser's run: how long each caches
// the preflight (Fetch §4.9 leaves the cap to the browser; browser-cors.md
// §1.8) and, when the browsers disagree, a step saying how.
func finishSteps(v *Verdict) {
	if v.Preflight.Sent {
		parts := make([]string, 0, len(v.Browsers))
		cached := false
		for _, b := range v.Browsers {
			if b.Allowed || b.PreflightCacheSeconds > 0 {
				parts = append(parts, title(b.Browser)+" "+strconv.Itoa(b.PreflightCacheSeconds)+" s")
			} else {
				parts = append(parts, title(b.Browser)+" not cached (blocked)")
			}
			cached = cached || b.PreflightCacheSeconds > 0
		}
		line := ""
		if v.Preflight.Reply != nil {
			if val, ok := v.Preflight.Reply.Header.Get("Access-Control-Max-Age"); ok {
				line = "Access-Control-Max-Age: " + val
			}
		}
		if cached {
			v.Steps = append(v.Steps, Step{ID: "preflight.cache", Title: "Preflight cache", Status: fetch.Info, Header: line, Spec: specCache,
				Detail: "How long each browser reuses this preflight's answer for the same request: " + strings.Join(parts, ", ") + "."})
		}
	}
	// The wording always differs between engines; a difference is in the
	// verdict or the reason.
	var diff []string
	for _, b := range v.Browsers {
		if b.Allowed != v.Allowed || b.Reason != v.Reason {
			v.BrowsersDiffer = true
		}
	}
	if v.BrowsersDiffer {
		for _, b := range v.Browsers {
			if b.Allowed {
				diff = append(diff, title(b.Browser)+" allows it")
			} else {
				diff = append(diff, title(b.Browser)+" blocks it ("+b.Reason+")")
			}
		}
		v.Steps = append(v.Steps, Step{ID: "browsers.differ", Title: "Browsers disagree", Status: fetch.Warn,
			Spec:   "shared/reference/browser-cors.md §3 (where browsers deviate)",
			Detail: strings.Join(diff, "; ") + ". Each browser's console text is in browsers[]."})
	}
}

func title(browser string) string {
	switch browser {
	case "chrome":
		return "Chrome"
	case "firefox":
		return "Firefox"
	case "safari":
		return "Safari"
	}
	return browser
}
