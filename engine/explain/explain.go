package explain

import (
	"slices"
	"strconv"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/words"
	"github.com/whycors/whycors/engine/limits"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// summaryBrowsers are the engines Verdict.Browsers compares.
var summaryBrowsers = [...]string{"chrome", "firefox", "safari"}

// Explain walks the scenario through the browser model and the server and
// returns what the chosen browser does. The error is only for bad input:
// a policy.Errors whose entries carry the JSON path of each fault (or the
// position inside the policy text, from the policy's reader).
//
// Explain is deterministic and keeps no state, so a fix engine can change
// a scenario and call it again to verify the change.
//
// The policy is read with o.Formats. When o has an Advisor
// (engine/explain/advise; engine/all.Options has both), Explain adds its
// warnings and, for a blocked verdict, its fixes (see Fixes), unless the
// scenario sets "fixes": false; without one the verdict has the warnings
// of the browser model and of raw replies, and no fixes.
func Explain(s Scenario, o Options) (Verdict, error) {
	p, ok := fetch.Shared(s.Browser)
	if !ok {
		return Verdict{}, policy.Errors{{Path: "$.browser", Msg: "unknown browser " + quoteStr(s.Browser) + "; want chrome, firefox, safari or spec"}}
	}
	srv, det, err := newServer(s, o)
	if err != nil {
		return Verdict{}, err
	}
	// The summary browsers' server, one preflight cache, and room for
	// the verdicts and their browsers of a session of one fetch (most),
	// in one allocation. Each session in turn has the cache, emptied:
	// the verdicts keep nothing of it.
	const nb = len(summaryBrowsers)
	b := &struct {
		sum   server
		cache fetch.PreflightCache
		vs    [1]Verdict
		br    [nb]BrowserResult
	}{sum: srv.summaryOnly()}
	vs, br := b.vs[:0], b.br[:]
	if len(s.Then) > 0 {
		vs, br = make([]Verdict, 0, 1+len(s.Then)), make([]BrowserResult, nb*(1+len(s.Then)))
	}
	err = eachFetch(p, s, srv, &b.cache, func(_ int, v Verdict) { vs = append(vs, v) })
	if err != nil {
		return Verdict{}, err
	}
	// Each other browser runs the whole session too: its cache answers
	// its own later fetches.
	for i := range vs {
		vs[i].Browsers = br[i*nb : i*nb : (i+1)*nb]
	}
	sum := &b.sum
	alike := len(vs) == 1 && summaryAlike(&s, p, &vs[0])
	for _, name := range summaryBrowsers {
		if alike && name != p.Name {
			q, _ := fetch.Shared(name)
			vs[0].Browsers = append(vs[0].Browsers, alikeResult(q, &vs[0]))
			continue
		}
		if name == p.Name {
			for i := range vs {
				w := &vs[i]
				w.Browsers = append(w.Browsers, BrowserResult{Browser: name, Allowed: w.Allowed, Reason: w.Reason, Console: w.Console, PreflightCacheSeconds: w.PreflightCacheSeconds, fromCache: w.Preflight.Cached && !preflightSent(w)})
			}
			continue
		}
		q, _ := fetch.Shared(name)
		b.cache = fetch.PreflightCache{}
		err := eachFetch(q, s, sum, &b.cache, func(i int, o Verdict) {
			vs[i].Browsers = append(vs[i].Browsers, BrowserResult{Browser: name, Allowed: o.Allowed, Reason: o.Reason, Console: o.Console, PreflightCacheSeconds: o.PreflightCacheSeconds, fromCache: o.Preflight.Cached})
		})
		if err != nil {
			return Verdict{}, err
		}
	}
	// The sentences of the steps and summaries below, in one arena.
	var w words.Arena
	w.Grow(320 * len(vs))
	for i := range vs {
		finishSteps(&vs[i], &w)
		vs[i].Summary = summarize(&vs[i], srv, &w)
	}
	// The first verdict is the one returned, with the others as its
	// Then: used in place, not copied (a copy taken by the advisor's
	// pointer was an allocation of its own).
	v := &vs[0]
	v.Detected = det
	if len(vs) > 1 {
		v.Then = vs[1:]
		v.Summary = sessionSummary(v)
	}
	if s.Policy == nil {
		v.Warnings = replyWarnings(v.Warnings, s, v)
	}
	if o.Advisor != nil {
		// The advisor searches the fixes of the first fetch when it is
		// blocked and of each blocked later fetch.
		o.Advisor.Advise(withFormat(s, srv), v, blockedAny(v) && (s.Fixes == nil || *s.Fixes), srv.reading(s, o))
	}
	return *v, nil
}

// sessionSummary is the headline of a session whose first fetch passes
// and a later one is blocked: the first's, then the first blocked
// later fetch's (found as a new user would: the headline of
// examples/upload-preflight-cache.json said only that Chrome allows the
// fetch, where its third fetch is blocked).
func sessionSummary(v *Verdict) string {
	if !v.Allowed {
		return v.Summary
	}
	for i := range v.Then {
		if t := &v.Then[i]; !t.Allowed {
			n := strconv.Itoa(i + 1)
			return v.Summary + " Later fetch " + n + " of the session ($.then[" + strconv.Itoa(i) + "]) is blocked: " + t.Summary
		}
	}
	return v.Summary
}

// preflightSent reports a preflight among the requests v's fetch sent,
// at any hop.
func preflightSent(v *Verdict) bool {
	for i := range v.Requests {
		if v.Requests[i].Preflight {
			return true
		}
	}
	return false
}

// summaryAlike reports that each summary browser's BrowserResult for
// v, a fetch alone in its session, follows from v without a run: v
// passed where the profiles cannot differ on it (PassesEverywhere),
// printed nothing, and every browser prints nothing for its status; each
// then differs only in how long it keeps the preflight, which its
// profile says (alikeResult). Two of the three-browser verdict's three
// runs were its summary browsers' (issue 23); TestSummaryBrowsers holds
// these results to each browser's own verdict over the examples and the
// browsers' recordings.
func summaryAlike(s *Scenario, p *fetch.Profile, v *Verdict) bool {
	if !PassesEverywhere(s, v, p.Name) || len(v.Console) > 0 || v.Status < 200 || v.Status > 299 {
		return false
	}
	if v.Preflight.Sent && (v.Preflight.Reply == nil || v.PreflightCacheSeconds != p.PreflightLifetime(v.Preflight.Reply.Header)) {
		return false
	}
	for _, name := range summaryBrowsers {
		if q, _ := fetch.Shared(name); len(q.AllowedConsole(v.Status)) > 0 {
			return false
		}
	}
	return true
}

// alikeResult is q's BrowserResult for v where summaryAlike: allowed,
// nothing printed, and the preflight kept as q keeps it.
func alikeResult(q *fetch.Profile, v *Verdict) BrowserResult {
	r := BrowserResult{Browser: q.Name, Allowed: true, Console: []string{}}
	if v.Preflight.Sent {
		r.PreflightCacheSeconds = q.PreflightLifetime(v.Preflight.Reply.Header)
	}
	return r
}

// blockedAny reports whether a fetch of v's session is blocked: the
// first or a later one.
func blockedAny(v *Verdict) bool {
	if !v.Allowed {
		return true
	}
	for i := range v.Then {
		if !v.Then[i].Allowed {
			return true
		}
	}
	return false
}

// run explains the scenario's first fetch alone, as the first fetch of
// its session is (the session's cache starts empty).
func run(p *fetch.Profile, s Scenario, srv *server) (Verdict, error) {
	return runIn(p, s.Request, 0, "$.request", srv.withSession(), &fetch.PreflightCache{}, true)
}

// runIn runs fetch i of a session (0 the first, i the scenario's
// then[i-1]) with the session's cache; path is the JSON path of its
// request, for input errors. alone says the session has no other fetch,
// so that nothing of the run outlives it but its verdict (the cache dies
// with it).
func runIn(p *fetch.Profile, r Request, i int, path string, srv *server, cache *fetch.PreflightCache, alone bool) (Verdict, error) {
	req, pre, err := srv.newRequest(p, &r, i)
	if err != nil {
		return Verdict{}, inputErrors(path, err)
	}
	if req != nil && req.Network == nil {
		req.Network = srv.s.Network.fetchNetwork()
	}
	srv.cdn.begin(path)
	var res *fetch.Result
	switch {
	case srv.summary:
		// summaryOf reads neither the browser's checks nor the
		// readable headers.
		res = p.RunAllowed(req, pre, srv, cache)
	case srv.lean:
		// Try's verdict has no steps.
		res = p.RunOutcome(req, pre, srv, cache)
	default:
		res = p.RunCached(req, pre, srv, cache)
	}
	srv.cdn.end(res)
	if srv.summary {
		v := summaryOf(res)
		if alone && srv.cdn == nil {
			// summaryOf keeps no memory of the run's block: the reason
			// is a constant or a concatenation, the console lines are
			// built apart from the run's arena (fetch's messages), and
			// no later fetch reads the session's cache, nor a CDN the
			// run's replies. Its memory serves the next summary run
			// (TestVerdictKeepsNoLentRun).
			res.Release()
		}
		return v, nil
	}
	v := verdictOf(p, req, res, srv)
	for i := range v.Requests {
		if n := srv.note(&res.Exchanges[i]); n != nil {
			v.Requests[i].FromCDN = n.hit != nil
		}
	}
	if n := len(v.Requests); n > 0 && v.Requests[n-1].FromCDN && srv.cdnAt != nil {
		// The configuration's cache answered with a reply stored for
		// another request: it decided, not the server.
		at := *srv.cdnAt
		v.DecidedBy = &at
	}
	v.Warnings = append(v.Warnings, srv.cdn.warnings()...)
	return v, nil
}

// session runs the scenario's fetches in order in one browser session of
// profile p: the first, then each of s.Then after its wait, all sharing
// one CORS-preflight cache and, when the scenario has one, one CDN. A
// later fetch meets the server as any request does: by its URL (the
// scenario's replies at request.url, a route's at its URL, an
// unconfigured server elsewhere, or the policy).
func session(p *fetch.Profile, s Scenario, srv *server) ([]Verdict, error) {
	out := make([]Verdict, 0, 1+len(s.Then))
	err := eachFetch(p, s, srv, &fetch.PreflightCache{}, func(_ int, v Verdict) { out = append(out, v) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachFetch runs the session as session does and hands each fetch's
// verdict, by its index in the session, to keep: Explain's summary
// browsers keep a few fields of each, without a list of verdicts.
//
// cache is the session's preflight cache, empty.
func eachFetch(p *fetch.Profile, s Scenario, srv *server, cache *fetch.PreflightCache, keep func(i int, v Verdict)) error {
	srv = srv.withSession()
	v, err := runIn(p, s.Request, 0, "$.request", srv, cache, len(s.Then) == 0)
	if err != nil {
		return err
	}
	keep(0, v)
	if len(s.Then) == 0 {
		return nil
	}
	later := srv.later()
	for i, t := range s.Then {
		cache.Advance(t.AfterSeconds)
		if srv.cdn != nil {
			srv.cdn.cache.Advance(t.AfterSeconds)
		}
		v, err := runIn(p, t.Request, i+1, "$.then["+strconv.Itoa(i)+"].request", later, cache, false)
		if err != nil {
			return err
		}
		v.Fixes = []Fix{}
		keep(i+1, v)
	}
	return nil
}

// summaryOf is the part of verdictOf that a summary browser's
// BrowserResult keeps: allowed, reason, console and the preflight's cache
// seconds, by verdictOf's own rules.
func summaryOf(res *fetch.Result) Verdict {
	v := Verdict{Allowed: res.Allowed, Console: res.Console, Fixes: []Fix{}}
	if res.Failure != nil {
		v.Reason = res.Failure.Reason
	}
	sent := false
	for i := range res.Exchanges {
		if res.Exchanges[i].Preflight {
			sent = true
			if res.Failure == nil || !res.Failure.Preflight {
				v.PreflightCacheSeconds = res.MaxAge
			}
			break
		}
	}
	// Answered from the cache with no preflight sent at any hop (a
	// redirect's hop may preflight again: found by a review).
	v.Preflight.Cached = res.PreflightCached && !sent
	return v
}

// verdictOf turns the browser model's result into a verdict, with the
// server's rule trace woven into the steps.
func verdictOf(p *fetch.Profile, req *fetch.Request, res *fetch.Result, srv *server) Verdict {
	v := Verdict{
		Browser:         p.Name,
		Allowed:         res.Allowed,
		Status:          res.Status,
		Type:            res.Type,
		ReadableHeaders: res.Readable,
		Console:         res.Console,
		Exception:       res.Exception,
		Fixes:           []Fix{},
		failure:         res.Failure,
	}
	if res.Failure != nil {
		v.Reason = res.Failure.Reason
	}
	// The preflight's reply and the actual one, and the requests sent of
	// a fetch of two exchanges or fewer (most), in one allocation.
	var replies *[2]Reply
	var sent []SentRequest
	if n := len(res.Exchanges); n > 0 && n <= 2 {
		b := new(struct {
			replies [2]Reply
			sent    [2]SentRequest
		})
		replies, sent = &b.replies, b.sent[:0:n]
	} else if n > 0 {
		replies = new([2]Reply)
	}
	v.Requests = sentRequests(sent, res.Exchanges)
	for i := range res.Exchanges {
		x := &res.Exchanges[i] // the verdict points into it: no copy
		if x.Preflight {
			if v.Preflight.Sent {
				continue
			}
			v.Preflight.Sent = true
			v.Preflight.Request = &x.Request
			v.Preflight.Reply = toReply(&replies[0], x.Reply)
			v.Preflight.Headers = map[string]string{}
			// Looked up as the browser model spells them (a header list
			// compares names in any case; the same spelling compares at
			// once), kept by their lowercase names.
			// The request sent has the values already (v.Requests[i]):
			// a second look is for an empty value only, which may be a
			// line's or no line's.
			sent := &v.Requests[i]
			for _, n := range [...][3]string{{"access-control-request-method", "Access-Control-Request-Method", sent.ACRM}, {"access-control-request-headers", "Access-Control-Request-Headers", sent.ACRH}} {
				if n[2] != "" {
					v.Preflight.Headers[n[0]] = n[2]
				} else if val, ok := x.Request.Header.Get(n[1]); ok {
					v.Preflight.Headers[n[0]] = val
				}
			}
			continue
		}
		if !v.ActualSent {
			v.ActualSent = true
			v.ActualRequest = &x.Request
			v.Reply = toReply(&replies[1], x.Reply)
		}
	}
	v.Preflight.Cached = res.PreflightCached
	if v.Preflight.Sent && (res.Failure == nil || !res.Failure.Preflight) {
		v.PreflightCacheSeconds = res.MaxAge
	}
	// The rules shown are the ones of the exchange that decided: the
	// preflight when it failed, else the first actual request (else the
	// first preflight).
	pre, act := firstExchanges(res)
	decider := pre
	if !(res.Failure != nil && res.Failure.Preflight) && act != nil && (act.Rules != nil || act.DecidedBy != nil || pre == nil) {
		decider = act
	}
	v.Rules = rulesOf(decider, !srv.lean)
	v.RulesOfPreflight = decider == pre && pre != nil && act != nil && res.Failure != nil && !res.Failure.Preflight
	if decider != nil {
		v.DecidedBy = decider.DecidedBy
	}
	if !srv.lean {
		// The steps' sentences go with the run's.
		v.Steps = weaveSteps(res, srv, res.Words())
	}
	if req != nil {
		for _, d := range req.Dropped {
			v.Warnings = append(v.Warnings, Warning{Code: "header-dropped", Message: d.Name + " is not sent: " + d.Why + "."})
		}
	}
	if req != nil && req.Network == nil && p.LocalNetworkAccess {
		v.Warnings = unstatedNetwork(v.Warnings, p, req)
	}
	if res.AuthorizationByWildcard {
		v.Warnings = append(v.Warnings, Warning{Code: "authorization-wildcard",
			Message: "Authorization passed only because of Access-Control-Allow-Headers: *. The Fetch standard does not allow that and browsers plan to stop; list authorization explicitly."})
	}
	return v
}

// sentRequests lists the exchanges as the server got them, in room
// when it has room for them.
func sentRequests(room []SentRequest, xs []fetch.Exchange) []SentRequest {
	out := room
	if out == nil || cap(out) < len(xs) {
		out = make([]SentRequest, 0, len(xs))
	}
	for _, x := range xs {
		r := SentRequest{Preflight: x.Preflight, Method: x.Request.Method, URL: x.Request.URL, Status: x.Reply.Status}
		r.Origin, _ = x.Request.Header.Get("Origin")
		if x.Preflight {
			r.ACRM, _ = x.Request.Header.Get("Access-Control-Request-Method")
			r.ACRH, _ = x.Request.Header.Get("Access-Control-Request-Headers")
		}
		out = append(out, r)
	}
	return out
}

// toReply is r as the verdict shows it, written in out.
func toReply(out *Reply, r policy.Reply) *Reply {
	h := r.Header
	if h == nil {
		h = headers.List{}
	}
	*out = Reply{Status: r.Status, Header: h, Body: r.Body}
	return out
}

// inputErrors turns the browser model's input errors into JSON-path errors.
func inputErrors(path string, err error) error {
	var out policy.Errors
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		if ie, ok := e.(*fetch.InputError); ok {
			out = append(out, &policy.Error{Path: path + "." + ie.Field, Msg: ie.Msg})
			return
		}
		out = append(out, &policy.Error{Path: path, Msg: e.Error()})
	}
	walk(err)
	return out
}

// server answers the browser's requests from the scenario: raw replies, or
// a policy's evaluator with the raw replies as the application behind it.
// A redirect back to the scenario's own URL gets the scenario's replies
// again (a server answers by URL, so a loop stays a loop); a redirect to a
// route's URL gets the route's replies. Any other redirect target is a
// server the scenario does not describe: it answers like an unconfigured
// one (OPTIONS 404, others 200, no headers). A policy, when set, answers
// every URL, with those replies as the application behind it.
type server struct {
	// s is the server's own copy of the scenario, shared by the copies
	// of the server a run makes (summaryOnly, later, withSession).
	s *Scenario
	// cdnAt is where the configuration puts its cache in front of the
	// URL (CDNSource), when it does and the scenario states none.
	cdnAt *wire.Place
	// self is the scenario's URL serialized, worked out when first
	// asked (selfURL): a fetch that is not redirected and has no later
	// fetches never needs it, and each parse is a few thousand
	// instructions of a run.
	self   *selfURL
	routes map[string]int // index in s.Routes by serialized URL
	eval   policy.Evaluator
	f      policy.Format // the policy's format
	// byURL: every request meets the replies of its URL, the first of a
	// fetch too (a later fetch of a session, which may go elsewhere).
	byURL bool
	// summary: the server of a summary browser (summaryOnly).
	summary bool
	// lean: the verdict has no steps and its rules no words (Try).
	lean bool
	// cdn is the session's CDN in front of the server (scenario "cdn"),
	// nil without one (withSession makes it).
	cdn *cdnSession
	// parsed is the parse of the requests' origin and URL shared by the
	// server's runs, or by a fix search's (Trials).
	parsed *parsedRequest
	// built are the requests of the session's fetches, by index (0 the
	// first), as newRequest built them for every browser's run (nil
	// until built); shared by the server's copies.
	built []*fetch.Request
}

// elsewhere reports whether a request to url at hop meets the routes
// rather than the policy: the policy is replies captured at the
// scenario's own URL (Captured) and url is another.
func (srv *server) elsewhere(url string, hop int) bool {
	_, captured := srv.f.(Captured)
	return captured && !srv.own(url, hop)
}

// Captured is a format whose text is replies captured at the request's
// own URL (curl -i output): it answers that URL, and the scenario's routes
// (or an unconfigured server) answer every other URL a redirect or a
// later fetch reaches. A policy of any other format answers every URL it
// covers.
type Captured interface {
	CapturedAtRequestURL()
}

// checkThen reports the bounds of s.Then that Decode checks, for
// scenarios built in Go: at most limits.Then later fetches, each wait from
// 0 to limits.AfterSeconds.
func checkThen(s Scenario) policy.Errors {
	if len(s.Then) > limits.Then {
		return policy.Errors{{Path: "$.then", Msg: "at most " + strconv.Itoa(limits.Then) + " later fetches"}}
	}
	var errs policy.Errors
	for i, t := range s.Then {
		if !(t.AfterSeconds >= 0 && t.AfterSeconds <= limits.AfterSeconds) {
			errs = append(errs, &policy.Error{Path: "$.then[" + strconv.Itoa(i) + "].after_seconds", Msg: "want a number of seconds from 0 to " + strconv.Itoa(limits.AfterSeconds)})
		}
	}
	return errs
}

// summaryOnly is srv for a summary browser of Explain: its fetches
// build only what a BrowserResult keeps (summaryOf), and its policy
// builds no rule trace (policy.Request.NoTrace). It is a value, so that
// Explain can keep it in an allocation it makes anyway.
func (srv *server) summaryOnly() server {
	l := *srv
	l.summary = true
	return l
}

// later is srv for the later fetches of a session.
func (srv *server) later() *server {
	l := *srv
	l.byURL = true
	return &l
}

// own reports whether the scenario's own replies answer url at hop.
func (srv *server) own(url string, hop int) bool {
	return hop == 0 && !srv.byURL || url == srv.selfURL()
}

// selfURL is the scenario's URL serialized ("" when it does not parse).
func (srv *server) selfURL() string {
	if l := srv.self; !l.done {
		if u, err := origin.ParseURL(srv.s.Request.URL); err == nil {
			l.url = u.String()
		}
		l.done = true
	}
	return srv.self.url
}

// selfURL holds server.selfURL's answer, shared by a server's copies.
type selfURL struct {
	done bool
	url  string
	_    [0]func() // not comparable: no equality code in the wasm
}

func newServer(s Scenario, o Options) (*server, *policy.Detection, error) {
	reg := o.Formats
	if errs := append(append(checkRoutes(s), checkThen(s)...), checkCDN(s)...); len(errs) > 0 {
		return nil, nil, errs
	}
	// The server, its copy of the scenario and its selfURL, in one
	// allocation.
	b := &struct {
		srv    server
		s      Scenario
		self   selfURL
		parsed parsedRequest
		built  [1]*fetch.Request
	}{s: s}
	b.srv = server{s: &b.s, routes: routeIndex(s), self: &b.self, parsed: &b.parsed, built: b.built[:]}
	if len(s.Then) > 0 {
		b.srv.built = make([]*fetch.Request, 1+len(s.Then))
	}
	srv := &b.srv
	if s.Policy == nil {
		return srv, nil, nil
	}
	src := s.Policy.Source()
	f, err := reg.Resolve(s.Policy.Format, src)
	// Resolve returns its *policy.ResolveError unwrapped; a type
	// assertion, not errors.As, which would bring reflection into the
	// page's wasm (scripts/bench/WASM-SIZE.md: 9.4 KB brotli).
	rerr, _ := err.(*policy.ResolveError)
	switch {
	case rerr != nil && rerr.Format == "" && len(rerr.Claims) == 0:
		return nil, nil, policy.Errors{{Path: "$.policy.text", Msg: rerr.Error()}}
	case err != nil:
		return nil, nil, policy.Errors{{Path: "$.policy.format", Msg: err.Error()}}
	}
	name := f.Name()
	var det *policy.Detection
	if s.Policy.Format == "auto" || s.Policy.Format == "" {
		_, why := f.Detect(src.Main())
		det = &policy.Detection{Format: name, Why: why}
	}
	// o.Parse (a caller's reading of texts) stands in for the format's
	// own reading when the source is one text; a SourceParser reads a
	// source of several files, parameters or a resource whole.
	var ev policy.Evaluator
	if _, several := f.(policy.SourceParser); o.Parse != nil && !(several && !src.OneText()) {
		ev, err = o.Parse(f, src.Main())
	} else {
		ev, err = policy.Parse(f, src)
	}
	if err != nil {
		return nil, nil, src.NameFile(err)
	}
	srv.eval = ev
	srv.f = f
	if c, ok := ev.(CDNSource); ok && s.CDN == nil {
		// The configuration's own cache in front of the URL (a
		// CloudFront distribution's cache behaviour), when the scenario
		// states none.
		if cfg, at, ok := c.CDNFor(srv.selfURL()); ok {
			srv.s.CDN, srv.cdnAt = &cfg, &at
		}
	}
	return srv, det, nil
}

// Answer implements fetch.Server: the CDN, when the scenario has one,
// answers or forwards to the server (answer).
func (srv *server) Answer(req policy.Request, preflight bool, hop int) policy.Outcome {
	if srv.cdn != nil {
		return srv.cdn.answer(req, func() policy.Outcome { return srv.answer(req, preflight, hop) })
	}
	return srv.answer(req, preflight, hop)
}

// answer is the server's own answer: the scenario's replies, through its
// policy when it has one.
func (srv *server) answer(req policy.Request, preflight bool, hop int) policy.Outcome {
	pre, res := srv.replies(req.URL, hop)
	app := policy.Reply{Status: 200}
	if preflight {
		app.Status = 404
		if pre != nil {
			app = fromReply(pre)
		}
	} else if res != nil {
		app = fromReply(res)
	}
	if srv.eval == nil || srv.elsewhere(req.URL, hop) {
		return policy.Outcome{Reply: app}
	}
	req.Unauthorized = srv.s.Caller.unauthorized()
	req.NoTrace = srv.summary
	return srv.eval.Respond(req, app)
}

// replies are the scenario's replies for url at redirect hop hop: the
// scenario's own at the first URL and whenever a redirect returns to it,
// a route's at its URL, none (an unconfigured server) elsewhere.
func (srv *server) replies(url string, hop int) (preflight, response *Reply) {
	if srv.own(url, hop) {
		return srv.s.Preflight, srv.s.Response
	}
	if i, ok := srv.routes[url]; ok {
		return srv.s.Routes[i].Preflight, srv.s.Routes[i].Response
	}
	return nil, nil
}

// fromReply is the reply r as the server sends it. Its header list is
// the scenario's own, not a copy: the browser model and the verdict only
// read it, and an evaluator may not change it (policy.Evaluator); its
// capacity is cut to its length, so that an append to it, by an
// evaluator or a CDN, makes a list of its own.
func fromReply(r *Reply) policy.Reply {
	return policy.Reply{Status: r.Status, Header: slices.Clip(r.Header), Body: r.Body}
}

// quoteStr is s in double quotes. It is not inlined: one concatenation
// instead of four made the page's wasm 1.1 KB smaller (brotli).
//
//go:noinline
func quoteStr(s string) string { return "\"" + s + "\"" }

// firstExchanges are the first preflight and the first other request the
// browser sent, or nil.
func firstExchanges(res *fetch.Result) (pre, act *fetch.Exchange) {
	for i := range res.Exchanges {
		x := &res.Exchanges[i]
		if x.Preflight && pre == nil {
			pre = x
		}
		if !x.Preflight && act == nil {
			act = x
		}
	}
	return pre, act
}

// rulesOf is x's rule trace, in words when words is set.
func rulesOf(x *fetch.Exchange, words bool) []Rule {
	if x == nil || x.Rules == nil {
		return nil
	}
	t := x.Trace()
	out := make([]Rule, len(t.Rules))
	for i, r := range t.Rules {
		out[i] = Rule{Rule: r}
		if words {
			out[i].Detail = t.Detail(r)
		}
	}
	return out
}

// unstatedNetwork appends a warning when the scenario says nothing of the
// network but the URL's host names a more private address space than the
// page's (a private IP address, a .local name, localhost): the verdict
// took both as public, where Local Network Access would ask the user
// first (found as a new user would: a public page's fetch of
// http://192.168.1.10 was allowed without a word).
func unstatedNetwork(out []Warning, p *fetch.Profile, req *fetch.Request) []Warning {
	target := origin.AddressSpaceOf(req.URL.Host)
	page := origin.AddressSpaceOf(req.Origin.Host)
	if target == "" || page == "loopback" || page == target {
		return out
	}
	if page == "" {
		page = "public"
	}
	perm := "local-network"
	if target == "loopback" {
		perm = "loopback-network"
	}
	return append(out, Warning{Code: "network-unstated", Severity: "info",
		Message: req.URL.Host + " is in the " + target + " address space and this verdict took the page and the URL as public: " + title(p.Name) +
			" refuses a " + page + " page's fetch of it unless the user grants the \"" + perm + "\" permission (Local Network Access). Say where each is to check it: \"network\": {\"page\": \"" + page + "\", \"target\": \"" + target + "\", \"permission\": \"granted\"}."})
}
