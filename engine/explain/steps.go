package explain

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/words"
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
//
// The steps' sentences are written in w.
func weaveSteps(res *fetch.Result, srv *server, w *words.Arena) []Step {
	// Room for every step: each check, the request and server steps of
	// each exchange it reports with one per rule of its trace, and the
	// two finishSteps may add. (A fixed 8 more than the checks took the
	// next size class up for most preflighted fetches.)
	n := len(res.Checks) + 2
	for j := range res.Exchanges {
		if x := &res.Exchanges[j]; x.Attempt == 0 {
			n += 2 + len(x.Rules)
		}
	}
	steps := make([]Step, 0, n)
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
	// The checks below 64 that report an exchange, found in one scan:
	// the others, most, need no scan of their own.
	var mask uint64
	for j := range res.Exchanges {
		if x := &res.Exchanges[j]; x.Attempt == 0 && uint(x.Check) < 64 {
			mask |= 1 << uint(x.Check)
		}
	}
	for i, c := range res.Checks {
		reports := i >= 64 || mask&(1<<uint(i)) != 0
		if reports {
			at(i, func(x *fetch.Exchange) {
				if x.Preflight {
					pre = x
				} else {
					last = x
				}
			})
		}
		// A check of the status or of a redirect reads the status line
		// or the Location line; show it as the line read.
		if c.Header == "" {
			switch id := baseID(c.ID); {
			case id == "preflight.status" && pre != nil:
				c.Header = w.Cat("HTTP/1.1 ", statusText(pre.Reply.Status))
			case strings.HasPrefix(id, "redirect.") && last != nil:
				if loc, ok := last.Reply.Header.Get("Location"); ok {
					c.Header = w.Cat("Location: ", loc)
				}
			}
		}
		// A request other than a preflight is shown as sent before the
		// check that says it was answered; a preflight after the check
		// that says it is needed.
		if !reports {
			steps = append(steps, c)
			continue
		}
		at(i, func(x *fetch.Exchange) {
			if !x.Preflight {
				steps = append(steps, requestStep(hopID(x, "actual.request", w), "Request as sent", x.Request, specHTTPFetch, w))
			}
		})
		steps = append(steps, c)
		at(i, func(x *fetch.Exchange) {
			if x.Preflight {
				steps = append(steps, requestStep(hopID(x, "preflight.request", w), "Preflight request as sent", x.Request, specPreflightFetch, w))
				steps = serverSteps(steps, hopID(x, "server.preflight", w), x, srv, w)
			} else {
				steps = serverSteps(steps, hopID(x, "server.actual", w), x, srv, w)
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
func hopID(x *fetch.Exchange, id string, w *words.Arena) string {
	if x.Hop == 0 {
		return id
	}
	return w.Cat("hop[", w.Num(x.Hop), "].", id)
}

func requestStep(id, title string, r policy.Request, spec string, w *words.Arena) Step {
	m := w.Mark()
	w.Write(r.Method, " ", r.URL)
	header := fieldLines(w, m, r.Header)
	return Step{ID: id, Title: title, Status: fetch.Info, Spec: spec,
		Detail: w.Cat("The browser sends ", r.Method, " ", r.URL, " with these header lines."), Header: header}
}

// serverSteps appends to out how the server answered: the reply's status
// line and, for a policy, its decision and each rule's trace.
func serverSteps(out []Step, id string, x *fetch.Exchange, srv *server, w *words.Arena) []Step {
	trace := x.Trace()
	reply, rules, decision := trace.Reply, trace.Rules, trace.Text()
	who := srv.viaCDN(x, srv.source(x, w))
	var d string
	status := statusText(reply.Status) // said once, written twice
	if decision != "" {
		d = w.Cat(who, ": ", decision, ".")
	} else {
		d = w.Cat(who, " answered ", status, ".")
	}
	if x.Preflight && reply.Status == 404 && srv.eval != nil && !srv.elsewhere(x.Request.URL, x.Hop) {
		if pre, _ := srv.replies(x.Request.URL, x.Hop); pre == nil {
			// What the application behind the policy answers OPTIONS with
			// is no part of the policy: the verdict assumes 404 (answer),
			// which the step says as an assumption, not a fact (found as
			// a new user would: "the application answered 404" of an
			// application that answers OPTIONS 200).
			d = w.Cat(d, " No reply of the application to OPTIONS was given: it is taken to answer 404, as one that does not handle OPTIONS does; if yours answers it, give its reply as the scenario's preflight (on the command line, --options-status).")
		}
	}
	spec := formatSource(srv.f, rules)
	if sw, ok := trace.Words.(policy.SourcedWords); ok && len(rules) == 0 {
		if s := sw.DecisionSource(trace.Decision); s != "" {
			spec = s
		}
	}
	out = append(out, Step{ID: id, Title: "Server reply", Status: fetch.Info, Detail: d, Header: replyLines(reply, status, w), Spec: spec})
	for _, r := range rules {
		st := fetch.Skip
		m := w.Mark()
		w.Write("Rule ")
		w.WriteNum(r.Index + 1)
		if r.ID != "" {
			w.Write(" (", r.ID, ")")
		}
		title := w.Since(m)
		said := trace.Detail(r)
		m = w.Mark()
		switch {
		case r.Matched && said == "":
			st = fetch.Pass
			w.Write("matched")
		case r.Matched:
			st = fetch.Pass
			w.Write(said)
		case r.Failed != "":
			st = fetch.Fail
			w.Write("first condition that did not match: ", r.Failed, nonEmpty(": ", said))
		default:
			w.Write(said)
		}
		if r.Path != "" {
			w.Write(" (at ", r.Path, ")")
		}
		detail := w.Since(m)
		src := r.Source
		if src == "" {
			src = spec
		}
		out = append(out, Step{ID: w.Cat(id, ".rule[", w.Num(r.Index), "]"), Title: title, Status: st, Detail: detail, Spec: src})
	}
	return out
}

// source says who answered exchange x: the policy, or which of the
// scenario's replies (its own, a route's, none).
func (srv *server) source(x *fetch.Exchange, w *words.Arena) string {
	if srv.eval != nil && !srv.elsewhere(x.Request.URL, x.Hop) {
		return w.Cat("The ", srv.f.Name(), " policy")
	}
	if srv.own(x.Request.URL, x.Hop) {
		return "The reply given in the scenario"
	}
	if i, ok := srv.routes[x.Request.URL]; ok {
		return w.Cat("The reply of $.routes[", w.Num(i), "] (", x.Request.URL, ")")
	}
	return w.Cat("No reply is given for ", x.Request.URL, " (not in routes), so a server with no CORS configuration")
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

// replyLines writes r as received: its status line (status, r's status
// in words) and its header lines.
func replyLines(r policy.Reply, status string, w *words.Arena) string {
	if r.Status == 0 {
		return ""
	}
	m := w.Mark()
	w.Write("HTTP/1.1 ", status)
	return fieldLines(w, m, r.Header)
}

// fieldLines writes each field of h as "Name: value", one a line, after
// the first line written in w from mark m, and returns the lines.
func fieldLines(w *words.Arena, m int, h headers.List) string {
	for _, f := range h {
		w.WriteField(f.Name, f.Value)
	}
	return w.Since(m)
}

// finishSteps adds what needs every browser's run: how long each caches
// the preflight (Fetch §4.9 leaves the cap to the browser; browser-cors.md
// §1.8) and, when the browsers disagree, a step saying how. Its sentences
// are written in w.
func finishSteps(v *Verdict, w *words.Arena) {
	if v.Preflight.Sent {
		cached := false
		for _, b := range v.Browsers {
			cached = cached || b.PreflightCacheSeconds > 0
		}
		if cached {
			line := ""
			if v.Preflight.Reply != nil {
				if val, ok := v.Preflight.Reply.Header.Get("Access-Control-Max-Age"); ok {
					line = w.Cat("Access-Control-Max-Age: ", val)
				}
			}
			m := w.Mark()
			w.Write("How long each browser reuses this preflight's answer for the same request: ")
			for i, b := range v.Browsers {
				if i > 0 {
					w.Write(", ")
				}
				if b.fromCache && b.Allowed {
					w.Write(title(b.Browser), " answered from its cache (no preflight)")
				} else if b.Allowed || b.PreflightCacheSeconds > 0 {
					w.Write(title(b.Browser), " ")
					w.WriteNum(b.PreflightCacheSeconds)
					w.Write(" s")
				} else {
					w.Write(title(b.Browser), " not cached (blocked)")
				}
			}
			w.Write(".")
			v.Steps = append(v.Steps, Step{ID: "preflight.cache", Title: "Preflight cache", Status: fetch.Info, Header: line, Spec: specCache,
				Detail: w.Since(m)})
		}
	}
	// The wording always differs between engines; a difference is in the
	// verdict or the reason.
	for _, b := range v.Browsers {
		if b.Allowed != v.Allowed || b.Reason != v.Reason {
			v.BrowsersDiffer = true
		}
	}
	if v.BrowsersDiffer {
		v.Steps = append(v.Steps, browsersDiffer(w, v.Allowed, v.Browsers))
	}
}

// browsersDiffer is the "browsers.differ" step. Browsers that reach
// different verdicts disagree, a warning. Browsers that all block, each
// naming another check (WebKit checks a preflight's status before its
// Access-Control-Allow-Origin), agree on the verdict: tried as a new
// user would, on the S3 upload, "Browsers disagree" above three
// "blocks it" read as a contradiction, so that is said as it is.
func browsersDiffer(w *words.Arena, allowed bool, browsers []BrowserResult) Step {
	m := w.Mark()
	same := !allowed // the verdict's own browser blocks it, and so does each
	for _, b := range browsers {
		same = same && !b.Allowed
	}
	st := Step{ID: "browsers.differ", Title: "Browsers disagree", Status: fetch.Warn,
		Spec: "shared/reference/browser-cors.md §3 (where browsers deviate)"}
	if same {
		st.Title, st.Status = "Browsers give different reasons", fetch.Info
		w.Write("Every browser blocks it, not all at the same check: ")
	}
	for i, b := range browsers {
		if i > 0 {
			w.Write("; ")
		}
		switch {
		case same:
			w.Write(title(b.Browser), " ", b.Reason)
		case b.Allowed:
			w.Write(title(b.Browser), " allows it")
		default:
			w.Write(title(b.Browser), " blocks it (", b.Reason, ")")
		}
	}
	w.Write(".")
	st.Detail = w.Since(m)
	return st
}

// title is the browser's name as the steps write it. It is not inlined:
// its switch once instead of at each of a dozen calls is 0.9 KB less of
// the page's wasm (brotli).
//
//go:noinline
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
