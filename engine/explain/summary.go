package explain

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/internal/words"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// summarize writes v's cause in one or two sentences of plain words
// (design.md, "The contract grows": the verdict's summary, the page's
// headline and the CLI's first line): which layer answered what, the
// rule or line and the value that decided, then what the browser does
// with it, then which other browsers differ. It reads only what v
// already holds (its steps, rules, replies and browsers) and the name
// of the server's platform, so it says nothing the verdict does not.
//
// It is written in w.
func summarize(v *Verdict, srv *server, w *words.Arena) string {
	b := title(v.Browser)
	if v.Browser == "spec" {
		b = "The Fetch standard"
	}
	fail := firstFailing(v.Steps)
	m := w.Mark()
	switch {
	case v.Allowed:
		serverSaid(v, srv, false, w)
		allowedSentence(v, b, w)
	case fail == nil:
		w.Write(b, " blocks the fetch (", v.Reason, ").")
	case len(v.Requests) == 0 && !v.Preflight.Cached:
		w.Write(b, " refuses the fetch before sending anything: ")
		writeLowerFirst(w, fail.Detail)
	default:
		serverSaid(v, srv, true, w)
		redirectSaid(v, w)
		w.Write(b, " then blocks the fetch")
		if strings.HasPrefix(baseID(fail.ID), "preflight.") && v.Preflight.Sent {
			w.Write(" at the preflight")
		}
		w.Write(": ")
		writeLowerFirst(w, fail.Detail)
	}
	out := strings.TrimSpace(w.Since(m))
	if !strings.HasSuffix(out, ".") {
		out = w.Cat(out, ".")
	}
	if _, fixed := answering(v, srv).(Fixed); fixed && !v.Allowed && fail != nil {
		out = w.Cat(out, " ", platformName(srv), "'s CORS cannot be changed: the fix is in the page's request.")
	}
	if d := differ(v); d != "" {
		out = w.Cat(out, " ", d)
	}
	return out
}

// redirectSaid writes where a redirected fetch ended, when a redirect
// came before the request whose answer failed: the summary's server
// sentence is about the first reply, and the failing check is about the
// last (found as a new user would: "The server answered the request
// 302. Chrome then blocks the fetch: ... the request's origin is null",
// where the redirect's target answered, and the 302 carried the header).
func redirectSaid(v *Verdict, w *words.Arena) {
	last, ok := v.RedirectedTo()
	if !ok || last.Status == 0 {
		return
	}
	w.Write("It was redirected to ", last.URL, ", ")
	if last.Origin == "null" && v.Requests[0].Origin != "null" {
		// The tainted origin (Fetch, "HTTP-redirect fetch"): the
		// cause of most such blocks, said where the user reads first.
		w.Write("where the browser sent Origin: null (a fetch redirected across origins does from then on), and ")
	}
	if last.Preflight {
		w.Write("its preflight answered ")
	} else {
		w.Write("that answered ")
	}
	w.WriteNum(last.Status)
	w.Write(". ")
}

// RedirectedTo is the last request the fetch sent when a redirect came
// before it (a 3xx answered an earlier request that was no preflight);
// ok is false for a fetch that was not redirected.
func (v *Verdict) RedirectedTo() (last *SentRequest, ok bool) {
	n := len(v.Requests)
	if n < 2 {
		return nil, false
	}
	for _, q := range v.Requests[:n-1] {
		if !q.Preflight && q.Status >= 300 && q.Status < 400 {
			return &v.Requests[n-1], true
		}
	}
	return nil, false
}

// answering is the format of the policy that answered the verdict's
// URL, or nil: no policy, or a captured reply of another URL. Who
// answered is named by it (serverName), and said as its capabilities
// say (Fixed, Pasted).
func answering(v *Verdict, srv *server) policy.Format {
	if srv == nil || srv.f == nil || srv.eval == nil || srv.elsewhere(v.url(), 0) {
		return nil
	}
	return srv.f
}

// unnamedResources are the resources of the policy (a format that lists
// them) when none answered the verdict's request and the scenario chose
// none; nil otherwise.
func unnamedResources(v *Verdict, srv *server, f policy.Format) []string {
	if f == nil || v.DecidedBy != nil || srv.s == nil || srv.s.Policy == nil {
		return nil
	}
	return policy.Unchosen(f, srv.s.Policy.Source())
}

// serverSaid writes the sentence about the server's answer that
// decided: the platform, the request it answered, its status and the
// rule (the one that matched, or the nearest that did not), with the
// resource of a template when the server names one. Nothing when the
// replies are raw and nothing about them needs saying before the
// browser's check.
func serverSaid(v *Verdict, srv *server, blocked bool, w *words.Arena) {
	which, status := "request", 0
	if v.Reply != nil {
		status = v.Reply.Status
	}
	// The actual request not sent, the preflight's answer decided.
	if v.Preflight.Sent && v.Preflight.Reply != nil && !v.ActualSent {
		which, status = "preflight", v.Preflight.Reply.Status
	}
	if status == 0 {
		return
	}
	if answeredByCDN(v, which == "preflight") {
		// The server never saw it: a shared cache replayed a stored
		// reply (engine/cdn), which the step of that request names.
		w.Write("The CDN")
		if p := v.DecidedBy; p != nil && p.Layer == "cdn" && p.Resource != "" {
			// The configuration's own CDN (a template's distribution).
			who, where := serverName(v, srv)
			w.Write(" ", who, where)
		}
		w.Write(" answered the ", which, " ")
		w.WriteNum(status)
		w.Write(" from its cache, with a reply stored for another request, without the server. ")
		return
	}
	who, where := serverName(v, srv)
	f := answering(v, srv)
	_, lines := f.(HeaderLines)
	matched, nearest := ruleOf(v.Rules, lines)
	if names := unnamedResources(v, srv, f); names != nil {
		// A template's or module's resources each answer their own
		// host, and the URL names none of them (an API's host is its
		// generated id): no resource answered, and which one the user
		// means is theirs to say (tried as a new user would, the
		// sentence was "Terraform's resource answered the preflight
		// 404").
		w.Write("No resource of the configuration answered: the URL names none of ", strings.Join(names, ", "), ". Choose the one that answers with --resource NAME (policy.resource). ")
		return
	}
	if _, fixed := f.(Fixed); fixed {
		// One policy, the service's own: no rule of it is the user's.
		matched, nearest = nil, nil
	}
	if v.RulesOfPreflight && which == "request" {
		// The rules are the preflight's: none answered the request (a
		// second look: "nginx answered the request 200 with rule 1
		// (Access-Control-Allow-Origin)", then "the response has no
		// Access-Control-Allow-Origin header").
		matched, nearest = nil, nil
	}
	if _, pasted := f.(Pasted); pasted {
		// The replies as pasted: the server's own, with no rule but
		// themselves; a request whose reply was not pasted is answered
		// by an assumption, which is said as one. Tried as a new user
		// would, the page's first verdict began "raw answered the
		// preflight 204 with rule 1 (preflight)".
		// A preflight's pasted reply is the only rule when the actual
		// reply was not pasted: the request was answered by the
		// assumption all the same (found as a new user would: "The
		// server answered the request 200" of a reply nobody pasted).
		if matched == nil || which == "request" && matched.ID == "preflight" {
			w.Write("No reply to the ", which, " was pasted, so the server is taken to answer it ")
			w.WriteNum(status)
			w.Write(". ")
			return
		}
		w.Write("The server answered the ", which, " ")
		w.WriteNum(status)
		w.Write(". ")
		return
	}
	if p := v.DecidedBy; p != nil && p.Layer == "authorizer" && nearest != nil {
		// The CORS rule never ran: the authorizer beside it refused the
		// request, and its error reply is what the browser checked.
		by := "its authorizer"
		if p.Resource != "" {
			by = "the authorizer " + p.Resource + where
		}
		_, detail, _ := strings.Cut(nearest.Detail, ": ")
		w.Write("The ", which, " was refused by ", by, ": ", strings.TrimSuffix(detail, "."), ". ")
		return
	}
	if p := v.DecidedBy; p != nil && p.Layer == "integration" && matched == nil && nearest != nil && nearest.Detail != "" {
		// No CORS rule answered: the method's integration did (a proxy's
		// function returns its own headers; a non-proxy integration
		// response maps them), and its words say what it returned and
		// where the fix goes.
		by := who + "'s integration"
		if p.Resource != "" {
			by = "the integration of " + p.Resource + where
		}
		w.Write("The ", which, " was answered ")
		w.WriteNum(status)
		w.Write(" by ", by, ". ", strings.TrimSuffix(nearest.Detail, "."), ". ")
		return
	}
	if matched == nil && nearest == nil && !blocked {
		return
	}
	if p := v.DecidedBy; p != nil && p.Layer == "gateway-response" && matched == nil && nearest == nil {
		// API Gateway's own refusal, no CORS rule in it (a path or
		// method no route takes): the server step's sentence is the
		// cause, where the summary said only "answered the preflight
		// 403" (tried as a new user would).
		if why := serverDecision(v, which); why != "" {
			w.Write(who, " answered the ", which, " ")
			w.WriteNum(status)
			w.Write(where, ": ", strings.TrimSuffix(why, "."), ". ")
			return
		}
	}
	w.Write(who, " answered the ", which, " ")
	w.WriteNum(status)
	w.Write(where)
	switch {
	case matched != nil:
		w.Write(" with rule ")
		writeRuleName(w, matched)
		if a := assumed(matched.Detail); a != "" {
			// What the rule's answer rests on, in the headline: tried
			// as a new user would, Starlette's "*" with credentials
			// was BLOCKED with its assumption (no cookie) a screen
			// lower.
			w.Write(" (the verdict assumes ", a, ")")
		}
	case nearest != nil:
		w.Write(": no rule allows it; the nearest, rule ")
		writeRuleName(w, nearest)
		w.Write(", fails on ", nearest.Failed)
		if d := nearest.Detail; d != "" {
			w.Write(": ", strings.TrimSuffix(d, "."))
		}
	}
	w.Write(". ")
}

// serverDecision is the decision the server step of the verdict's last
// exchange of kind which ("preflight" or "request") says, without who
// said it: serverSteps writes "who: decision.".
func serverDecision(v *Verdict, which string) string {
	id := "server.actual"
	if which == "preflight" {
		id = "server.preflight"
	}
	for i := len(v.Steps) - 1; i >= 0; i-- {
		if s := &v.Steps[i]; s.ID == id || strings.HasSuffix(s.ID, "."+id) {
			_, why, ok := strings.Cut(s.Detail, ": ")
			if !ok {
				return ""
			}
			return why
		}
	}
	return ""
}

// assumed is what a rule's detail says the verdict assumes ("the verdict
// assumes X, ..." up to the end of its clause), or "".
func assumed(detail string) string {
	_, a, ok := strings.Cut(detail, "the verdict assumes ")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(a, ",;)"); i >= 0 {
		a = a[:i]
	}
	return strings.TrimSpace(a)
}

// answeredByCDN reports that the last request of the kind the verdict turns on
// (a preflight or not) was answered by the scenario's CDN.
func answeredByCDN(v *Verdict, preflight bool) bool {
	for i := len(v.Requests) - 1; i >= 0; i-- {
		if r := v.Requests[i]; r.Preflight == preflight {
			return r.FromCDN
		}
	}
	return false
}

// Fixed is a format whose CORS the user cannot change: the service
// answers with a policy of its own (the EC2 API's, which AWS fixes: seed
// "Cross-Origin Resource Sharing Support"). The summary of a blocked
// fetch says the fix is in the page, and the fix search (advise) offers
// no server fix: tried as a new user would, it offered the EC2 API's
// replies rewritten, and the summary said what "the server must" send.
type Fixed interface {
	FixedPolicy()
}

// RulesOnly is a format whose every reply comes from its rules: the
// storage service sends no header line one writes (an S3, R2, GCS or
// Azure Storage bucket). When no edit of its rules lets the fetch
// through, the fix search (advise) offers no server fix: tried as a new
// user would, a PATCH to an S3 bucket, a method S3 cannot allow, got
// "Send ... Access-Control-Allow-Methods: PATCH" as replies to write.
type RulesOnly interface {
	RepliesFromRulesOnly()
}

// RulesOnlyAt is the evaluator of a template or module, whose resources
// differ: a bucket answers from its CORS rules alone, where a REST API's
// Lambda proxy answers with what its code returns. It reports whether
// the resource at decided (Verdict.DecidedBy) is of the first kind, so
// the fix search treats it as RulesOnly: tried as a new user would, a
// template's bucket whose AllowedMethods was a parameter without a
// Default got replies to write.
type RulesOnlyAt interface {
	RepliesFromRulesOnlyAt(decided wire.Place) bool
}

// HeaderLines is a format whose rules are the server's header lines,
// each rule's ID the header's name (nginx's add_header, Apache's Header,
// Caddy's header, a hosting headers file, Traefik's custom headers): the
// summary names a rule only when it is an Access-Control-* line. Tried
// as a new user would, it named "rule 1 (X-Frame-Options)" of a PHP
// location nginx passed the request to, which has no CORS line.
type HeaderLines interface {
	RulesAreHeaderLines()
}

// Pasted is a format whose text is the server's replies as captured
// (raw replies, a HAR file): the summary calls its answer the server's,
// and names no rule, for there is none but the replies themselves.
type Pasted interface {
	PastedReplies()
}

// serverName is who answered, and where it is (" (FILE, line N)", or
// ""): a template's resource in its own name, else the platform's name
// when the policy answered this URL (not a captured reply of another
// URL), else "The server".
func serverName(v *Verdict, srv *server) (who, where string) {
	if answering(v, srv) == nil {
		return "The server", ""
	}
	p := v.DecidedBy
	if p == nil || p.Resource == "" {
		return platformName(srv), ""
	}
	var at []string
	if p.File != "" {
		at = append(at, p.File)
	}
	if p.Line > 0 {
		at = append(at, "line "+strconv.Itoa(p.Line))
	}
	if len(at) > 0 {
		where = " (" + strings.Join(at, ", ") + ")"
	}
	return p.Resource, where
}

// url is the verdict's request URL, for the server's elsewhere test.
func (v *Verdict) url() string {
	for _, r := range v.Requests {
		return r.URL
	}
	return ""
}

// allowedSentence writes what the browser does with an allowed fetch.
func allowedSentence(v *Verdict, b string, w *words.Arena) {
	w.Write(b, " allows the fetch")
	switch {
	case v.Type == "opaque":
		w.Write(", but in no-cors mode the page gets an opaque response: status 0, no headers, no body.")
		return
	case v.Preflight.Cached:
		w.Write(" without a preflight, from its preflight cache,")
	case v.Preflight.Sent:
		w.Write(" after a passing preflight,")
	}
	w.Write(" and the page reads status ")
	w.WriteNum(v.Status)
	if len(v.ReadableHeaders) > 0 {
		w.Write(" and the headers ")
		w.WriteJoin(v.ReadableHeaders, ", ")
	}
	w.Write(".")
}

// differ names the other browsers whose verdict is not v's.
func differ(v *Verdict) string {
	var parts []string
	for _, o := range v.Browsers {
		if o.Browser == v.Browser || o.Allowed == v.Allowed {
			continue
		}
		if o.Allowed {
			parts = append(parts, title(o.Browser)+" allows it")
		} else {
			parts = append(parts, title(o.Browser)+" blocks it ("+o.Reason+")")
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + "."
}

// firstFailing is the first of the browser's checks that failed, the
// one that decided (the server's rule steps fail too, and are said
// apart).
func firstFailing(steps []Step) *Step {
	for i := range steps {
		if steps[i].Status == fetch.Fail && !strings.HasPrefix(baseID(steps[i].ID), "server.") {
			return &steps[i]
		}
	}
	return nil
}

// ruleOf is the rule that matched, else the nearest miss: the rule
// whose first failed condition comes latest (origin, then method, then
// headers), the first of those. Where the rules are a server's header
// lines (HeaderLines; and any rules with an Access-Control-* ID), only
// the Access-Control-Allow-Origin lines are considered when there are
// any, else only the Access-Control-* ones, else none:
// tried as a new user would, the headline read "answered the request
// 200 with rule 1 (Strict-Transport-Security)", and "with rule 2
// (Access-Control-Allow-Credentials)" where the origin's line sent
// nothing.
func ruleOf(rules []Rule, headerLines bool) (matched, nearest *Rule) {
	relevant := func(*Rule) bool { return !headerLines }
	for _, prefix := range [...]string{"access-control-allow-origin", "access-control-"} {
		if slices.ContainsFunc(rules, func(r Rule) bool { return names(r.ID, prefix) }) {
			relevant = func(r *Rule) bool { return names(r.ID, prefix) }
			break
		}
	}
	// A rule whose path does not cover the request is the farthest: it
	// never answers there (tried as a new user would, a native policy's
	// /admin/* rule was "the nearest" for /api/items, where the /api/*
	// rule refused the origin).
	rank := func(failed string) int {
		switch failed {
		case "path":
			return 0
		case "origin":
			return 1
		case "method":
			return 2
		}
		return 3
	}
	for i := range rules {
		r := &rules[i]
		switch {
		case !relevant(r):
		case r.Matched:
			return r, nil
		case r.Failed == "":
		case nearest == nil || rank(r.Failed) > rank(nearest.Failed):
			nearest = r
		}
	}
	return nil, nearest
}

// names reports whether a rule's ID is a header name starting with
// prefix (lower case), whatever its case: "Access-Control-Allow-Origin"
// as nginx's add_header wrote it.
func names(id, prefix string) bool {
	return len(id) >= len(prefix) && strings.EqualFold(id[:len(prefix)], prefix) && (len(id) == len(prefix) || prefix[len(prefix)-1] == '-')
}

// writeRuleName writes the rule's number from 1, with its ID when it
// has one.
func writeRuleName(w *words.Arena, r *Rule) {
	w.WriteNum(r.Index + 1)
	if r.ID != "" {
		w.Write(" (", r.ID, ")")
	}
}

// platformName is the platform's own name when its format gives one
// (lint.Platformer's method, asked for without importing lint), else
// the format's name (nginx, native).
func platformName(srv *server) string {
	if p, ok := srv.f.(interface{ Platform() string }); ok {
		return p.Platform()
	}
	return srv.f.Name()
}

// writeLowerFirst writes s with its first word lowercased when it is a
// plain "The" or "A", so a step's sentence reads on after a colon;
// header names and values keep their case.
func writeLowerFirst(w *words.Arena, s string) {
	for _, p := range [...][2]string{{"The ", "the "}, {"A ", "a "}, {"An ", "an "}} {
		if rest, ok := strings.CutPrefix(s, p[0]); ok {
			w.Write(p[1], rest)
			return
		}
	}
	w.Write(s)
}
