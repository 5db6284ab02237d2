package fetch

import (
	"strings"
	"sync/atomic"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/internal/words"
	"github.com/whycors/whycors/engine/origin"
	"github.com/whycors/whycors/engine/wire"
)

// The room a run's sentences start with, in its result's allocation:
// those of a preflighted fetch that passes add up to 1.3 KB, and the
// explainer writes its steps' after them (Result.Words), 0.9 KB; a run
// without checks (RunOutcome) writes a few names. wordsRoom fills the
// allocator's 3,456-byte size class with the result block (1,112 bytes
// on 64-bit and its 8-byte header): 2,560 took the 4,096-byte class, and
// the room above 2.3 KB served 6 of 2,732 scenario runs (issue 23).
const (
	wordsRoom      = 2336
	quietWordsRoom = 128
)

// MaxRedirects is the redirect limit of HTTP-redirect fetch
// (https://fetch.spec.whatwg.org/#http-redirect-fetch, step 5).
const MaxRedirects = 20

// Server answers the requests the browser sends. The model does no I/O:
// a Server may replay recorded replies, evaluate a policy or ask a live
// server.
type Server interface {
	// Answer returns the reply to req and, for a server that keeps one,
	// the trace of how it decided (its rules, its decision), which the
	// model keeps with the exchange. preflight is set for a
	// CORS-preflight request; hop counts redirects followed so far (0 for
	// the fetch's first URL). A reply with Status 0 means the connection
	// closed without a response, which the browser treats as a network
	// error.
	Answer(req wire.Request, preflight bool, hop int) wire.Outcome
}

// Exchange is one request the browser sent and the reply it got.
type Exchange struct {
	// Preflight is set for a CORS-preflight request (OPTIONS).
	Preflight bool
	// Hop counts the redirects followed before this request (0 for the
	// fetch's first URL), as Server.Answer gets it.
	Hop int
	// Request is the request as sent: method, URL and every header line
	// the browser adds (Accept, Origin, Access-Control-Request-*).
	Request wire.Request
	// Reply is the server's answer, cut to MaxHeaders lines.
	Reply wire.Reply
	// Rules and Decision are the server's trace of how it answered this
	// request (wire.Outcome), when it keeps one, as data; Words says
	// them (Trace).
	Rules    []wire.Rule
	Decision wire.Note
	Words    wire.Words
	// DecidedBy is the server's layer and place that decided, when it
	// names one (wire.Outcome.DecidedBy).
	DecidedBy *wire.Place
	// Check is the index in Result.Checks of the check that reports this
	// request: for a preflight, the one that says it is needed; for any
	// other request, the one that says it was sent.
	Check int
	// Attempt counts the times this request was sent again after its
	// connection closed without a reply (Profile.EmptyReplyAttempts).
	Attempt int
}

// Trace is the server's account of this exchange, with the words to say
// it (wire.Outcome's Text and Detail).
func (x *Exchange) Trace() wire.Outcome {
	return wire.Outcome{Reply: x.Reply, Rules: x.Rules, Decision: x.Decision, Words: x.Words, DecidedBy: x.DecidedBy}
}

// Result is what the page sees and why.
type Result struct {
	// Allowed is set when fetch()'s promise resolves with a response
	// (an opaque one included).
	Allowed bool
	// Failure is why the fetch failed, nil when Allowed.
	Failure *Failure
	// Type is response.type: basic, cors, opaque, opaqueredirect, or error.
	Type string
	// Status is response.status: 0 for a failure and for opaque and
	// opaque-redirect responses (https://fetch.spec.whatwg.org/#concept-filtered-response-opaque).
	Status int
	// Readable are the lowercase header names response.headers exposes.
	Readable []string
	// MaxAge is the preflight cache lifetime of the last passing preflight.
	MaxAge int
	// PreflightCached is set when the CORS-preflight cache answered
	// instead of a preflight request (RunCached).
	PreflightCached bool
	// Exchanges are the requests the browser sent and their replies, in
	// order: preflights and actual requests, at every redirect hop.
	Exchanges []Exchange
	// Checks is the trace, step by step, from the Request constructor on.
	Checks []Check
	// Console is what the profile's browser prints in the DevTools
	// console, line by line.
	Console []string
	// Exception is the error fetch()'s promise rejects with, in the
	// browser's words ("" when Allowed).
	Exception string
	// AuthorizationByWildcard: Authorization passed only through
	// Access-Control-Allow-Headers: * (not in the standard).
	AuthorizationByWildcard bool

	// w holds the run's sentences (Words).
	w *words.Arena
	// lent is the quiet run's block the result lives in, for Release.
	lent *quietBlock
}

// quietBlock is a quiet run's result block (RunOutcome, RunAllowed) with
// its arena's small room.
type quietBlock struct {
	resultBlock
	room [quietWordsRoom]byte
}

// spareQuiet is the quiet block Release handed back, for the next quiet
// run: one slot swapped atomically, as jsontext's spare Scratch (a
// sync.Pool adds 36 KB to the page's wasm), enough for explain, whose
// summary browsers and fix trials run one after another.
var spareQuiet atomic.Pointer[quietBlock]

// Release hands the memory of a quiet run's result (RunOutcome,
// RunAllowed) to the next quiet run, which then allocates no result:
// explain's two summary browsers each allocated one of 1.4 KB per
// verdict, and a fix search one per trial (issue 23). The caller must
// keep nothing read from r: neither r nor its exchanges, lists, failure
// or console, nor a string of its sentences. A result of Run or
// RunCached is left to the collector, as are the allocations a long run
// added to its lists and arena.
func (r *Result) Release() {
	b := r.lent
	if b == nil {
		return
	}
	// The lines' own allocation is kept, emptied, for the next run's
	// requests (takeLines); the rest is cleared, so that the spare keeps
	// no string of this run reachable.
	lines := b.lists.lines[:0]
	clear(lines[:cap(lines)])
	*b = quietBlock{}
	b.lists.lines = lines
	spareQuiet.Store(b)
}

// Words is the arena the run's sentences are written in, with room left
// for a caller's own that go with them: explain writes its steps'
// sentences there.
func (r *Result) Words() *words.Arena { return r.w }

const (
	specMainFetch = "https://fetch.spec.whatwg.org/#main-fetch"
	specRedirect  = "https://fetch.spec.whatwg.org/#http-redirect-fetch"
	specOpaque    = "https://fetch.spec.whatwg.org/#concept-filtered-response-opaque"
	specTaint     = "https://fetch.spec.whatwg.org/#concept-request-tainted-origin"
)

// Run walks r through main fetch with srv answering, in the profile's
// order, and returns what the page sees. A nil r with a non-nil pre
// (a TypeError from NewRequest) is reported as such.
func (p *Profile) Run(r *Request, pre *Failure, srv Server) *Result {
	return p.RunCached(r, pre, srv, nil)
}

// RunCached is Run with the CORS-preflight cache of the browser session
// the fetch belongs to: a preflight the cache covers is not sent, and a
// passing preflight is stored in it. A nil cache is a browser that caches
// nothing (a single fetch, as Run).
func (p *Profile) RunCached(r *Request, pre *Failure, srv Server, cache *PreflightCache) *Result {
	return p.run(r, pre, srv, cache, false, true)
}

// RunOutcome is RunCached for a caller that reads what the page sees and
// what was sent, not why: the Result has no Checks (and every
// Exchange.Check is 0), and the sentences of the checks are not built,
// which were most of a run's cost. Everything else is RunCached's.
func (p *Profile) RunOutcome(r *Request, pre *Failure, srv Server, cache *PreflightCache) *Result {
	return p.run(r, pre, srv, cache, true, true)
}

// RunAllowed is RunOutcome for a caller that reads whether fetch()
// resolves, why not, the console and the preflight's cache lifetime, but
// not which response headers the page can read: the Result's Readable is
// empty, the response's Access-Control-Expose-Headers unread (explain's
// summary browsers keep no more).
func (p *Profile) RunAllowed(r *Request, pre *Failure, srv Server, cache *PreflightCache) *Result {
	return p.run(r, pre, srv, cache, true, false)
}

// run is RunCached, without the checks when quiet (RunOutcome), and
// without the readable headers unless exposed (RunAllowed).
func (p *Profile) run(r *Request, pre *Failure, srv Server, cache *PreflightCache, quiet, exposed bool) *Result {
	// The result, room for its exchanges, and its arena with room for
	// its sentences, in one allocation.
	var res *Result
	var room []byte
	var ls *lists
	if r != nil && !quiet {
		b := &struct {
			resultBlock
			room [wordsRoom]byte
		}{}
		res, room, ls = b.result(), b.room[:], &b.lists
		// Room for the checks of a preflighted fetch (a dozen), so that
		// add rarely grows them: 14 fill the 1,408-byte size class (16
		// took 1,792), and 1% of scenario runs have more. (Not in b: an
		// array of Check would bring its equality's code, 2.7 KB, into
		// the page's wasm.)
		res.Checks = append(make([]Check, 0, 14), r.Checks...)
	} else {
		b := spareQuiet.Swap(nil)
		if b == nil {
			b = new(quietBlock)
		}
		res, room, ls = b.result(), b.room[:], &b.lists
		res.lent = b
	}
	res.w.Use(room)
	w := res.w
	res.Type, res.Readable, res.Console = "error", []string{}, []string{}
	if r != nil && r.XHR && pre == nil {
		// setRequestHeader() ran before send() and dropped these.
		for _, d := range r.Dropped {
			res.Console = append(res.Console, p.msg.refusedHeader(d.Name)...)
		}
	}
	if pre != nil && !quiet {
		res.Checks = append(res.Checks, Check{ID: "request.constructor", Title: "fetch() accepts the request", Status: Fail, Spec: specRequest,
			Detail: w.Cat("fetch() throws before sending anything: ", typeErrorDetail(pre))})
	}
	if pre != nil {
		return p.fail(res, pre, r)
	}
	cache.enter(r.Origin.Opaque())
	if p.NoOpaqueOriginCache && r.Origin.Opaque() {
		cache = nil
	}
	urlText, originText := r.urlText, r.originText
	if urlText == "" {
		// A Request not built by NewRequest.
		urlText, originText = r.URL.String(), r.Origin.String()
	}
	st := &runState{p: p, r: r, srv: srv, res: res, w: w, lists: ls, cache: cache, quiet: quiet, exposed: exposed, url: r.URL, urlText: urlText, originText: originText, method: r.Method, header: r.Header}
	return st.mainFetch()
}

// resultBlock is a run's result and the room for its exchanges and its
// arena, allocated as one with the arena's room (run).
type resultBlock struct {
	res   Result
	xs    [2]Exchange
	w     words.Arena
	lists lists
}

// lists is a run's room for its short lists: the names of its preflight
// and of its readable headers, in its result's allocation, and the lines
// of the requests it sends, in one allocation of their own. It hands
// each list a part of its own, cut to its length (an append past it
// copies it out): a preflighted fetch with two headers of its own takes
// nine names and eight lines. A longer list is made alone, and a nil
// *lists makes every list. (The lines are not an array in the result's
// allocation: an array of lines brings its equality's code, 1.5 KB,
// into the page's wasm.)
type lists struct {
	names  [12]string
	nNames int
	lines  headers.List
}

// takeNames returns an empty list with room for n names. (Not inlined,
// nor is takeLines: inlined at their calls they cost the page's wasm
// KBs.)
//
//go:noinline
func (m *lists) takeNames(n int) []string {
	k := 0
	if m != nil {
		k = m.nNames
	}
	if m == nil || n > len(m.names)-k {
		return make([]string, 0, n)
	}
	m.nNames += n
	return m.names[k : k : k+n]
}

// takeLines returns an empty header list with room for n lines.
//
//go:noinline
func (m *lists) takeLines(n int) headers.List {
	const room = 8
	if m == nil || n > room {
		return make(headers.List, 0, n)
	}
	if n > cap(m.lines)-len(m.lines) {
		m.lines = make(headers.List, 0, room)
	}
	k := len(m.lines)
	m.lines = m.lines[:k+n]
	return m.lines[k : k : k+n]
}

func (b *resultBlock) result() *Result {
	b.res.w, b.res.Exchanges = &b.w, b.xs[:0]
	return &b.res
}

type runState struct {
	p   *Profile
	r   *Request
	srv Server
	res *Result
	// w holds the run's sentences, lists its short lists.
	w     *words.Arena
	lists *lists
	cache *PreflightCache
	// quiet: the run keeps no checks (RunOutcome); add drops them, and
	// the checks a run passes through build no sentences.
	quiet bool
	// exposed: the run works out the headers the page can read
	// (RunAllowed's does not).
	exposed bool
	url     origin.URL
	// urlText and originText are url and the page's origin serialized,
	// kept here because a fetch writes them into many requests and
	// sentences and each serialization allocates.
	urlText    string
	originText string
	method     string
	// header is the request's header list as sent at this hop: r.Header
	// until a redirect removes a line, then a copy of its own
	// (ownHeader), so that a fetch that is not redirected copies none.
	header     headers.List
	ownsHeader bool
	tainting   string // "", basic, cors, opaque
	tainted    bool   // redirect-taint is not same-origin: Origin serializes as "null"
	hop        int
	initial    string
	// preflighted: a preflight was sent earlier in this fetch
	// (Profile.StickyPreflight).
	preflighted bool
	// sentOrigin: an earlier hop's request carried Origin
	// (Profile.OriginKeptOnRedirect).
	sentOrigin bool
}

// ownHeader makes s.header a copy of its own before a redirect changes
// it: r.Header is the request's, which a later hop's preflight may read
// (Profile.PreflightOriginalHeaders).
//
// It is not inlined: its copy inlined at its two calls cost the page's
// wasm 0.4 KB (brotli).
//
//go:noinline
func (s *runState) ownHeader() {
	if !s.ownsHeader {
		s.header, s.ownsHeader = s.header.Clone(), true
	}
}

// serializedFrom is o serialized (origin.Origin.String): the start of
// text when text starts with it, as a URL's serialization starts with its
// origin's and a page's origin is mostly written as serialized, so that
// a run builds no string for it.
func serializedFrom(o origin.Origin, text string) string {
	sep := ""
	if o.Port != "" {
		sep = ":"
	}
	rest, ok := text, !o.Opaque()
	for _, p := range [...]string{o.Scheme, "://", o.Host, sep, o.Port} {
		if rest, ok = strings.CutPrefix(rest, p); !ok {
			break
		}
	}
	if ok {
		return text[:len(text)-len(rest)]
	}
	return o.String()
}

func (s *runState) serializedOrigin() string {
	if s.tainted {
		return "null"
	}
	return s.originText
}

func (p *Profile) fail(res *Result, f *Failure, r *Request) *Result {
	if r != nil && f.Origin == "" {
		f.Origin = r.Origin.String()
	}
	if r != nil {
		f.XHR = r.XHR
	}
	res.Allowed = false
	res.Failure = f
	res.Type = "error"
	if f.XHR {
		res.Type = ""
	}
	res.Status = 0
	res.Readable = []string{}
	res.Console = append(res.Console, p.Console(f)...)
	res.Exception = p.Exception(f)
	return res
}

func (s *runState) failure(f *Failure) *Result {
	if f.URL == "" {
		f.URL = s.urlText
	}
	if s.hop > 0 && f.Initial == "" {
		f.Initial = s.initial
	}
	f.Origin = s.originText
	if s.p.CacheClearedOnFailure && (s.preflighted || s.res.PreflightCached) {
		s.cache.clear(s.cache.key(s.serializedOrigin(), s.r.Origin.Opaque()), s.urlText)
	}
	return s.p.fail(s.res, f, s.r)
}

// add appends a check; after a redirect its ID names the hop
// ("hop[1].preflight.allow-origin"), as explain names the hop's requests,
// so that every step of a chain has an ID of its own.
//
// It is not inlined: its append, inlined at each of its thirty calls,
// cost the page's wasm 18 KB (2.4 KB brotli).
//
//go:noinline
func (s *runState) add(c Check) {
	if s.quiet {
		return
	}
	s.res.Checks = append(s.res.Checks, c)
	s.named(len(s.res.Checks) - 1)
}

// named gives the checks from index from on the IDs of the hop, as add
// does.
func (s *runState) named(from int) {
	if s.hop == 0 {
		return
	}
	for i := from; i < len(s.res.Checks); i++ {
		c := &s.res.Checks[i]
		c.ID = s.w.Cat("hop[", s.w.Num(s.hop), "].", c.ID)
	}
}

const specLNA = "https://wicg.github.io/local-network-access/"

// localNetwork is Local Network Access's check of a fetch from a public
// page to a less public target (Profile.LocalNetworkAccess): it fails
// before anything is sent when the page is not a secure context or the
// user has not granted the permission. Only the fetch's first URL has a
// known address space (Request.Network), so redirect hops are not
// checked again.
func (s *runState) localNetwork() *Failure {
	n := s.r.Network
	if !s.p.LocalNetworkAccess || n == nil || s.hop > 0 || n.Page != SpacePublic || !lessPublic(n.Target, n.Page) {
		return nil
	}
	perm := "local-network"
	if n.Target == SpaceLoopback {
		perm = "loopback-network"
	}
	switch {
	case !s.r.Origin.PotentiallyTrustworthy():
		s.add(Check{ID: "fetch.local-network", Title: "Local Network Access", Status: Fail, Spec: specLNA,
			Detail: s.w.Cat("The page is on the public internet and the URL is in the ", n.Target, " address space; ", s.p.Engine,
				" lets only a secure context (https) ask for that, and ", s.originText, " is not one. Serve the page over https.")})
		return &Failure{Reason: ReasonInsecureLocalNetwork, Value: n.Target}
	case n.Permission != PermissionGranted:
		why := "the user denied the " + quote(perm) + " permission"
		if n.Permission != PermissionDenied {
			why = "nobody answered the " + quote(perm) + " permission prompt, which counts as denied"
		}
		s.add(Check{ID: "fetch.local-network", Title: "Local Network Access", Status: Fail, Spec: specLNA,
			Detail: s.w.Cat("The page is on the public internet and the URL is in the ", n.Target, " address space, and ", why,
				"; no request is sent. Only the user can grant it (the site settings of ", s.originText, ").")})
		return &Failure{Reason: ReasonLocalNetworkAccessPermissionDenied, Value: n.Target}
	}
	s.add(Check{ID: "fetch.local-network", Title: "Local Network Access", Status: Pass, Spec: specLNA,
		Detail: s.w.Cat("The page is on the public internet and the URL is in the ", n.Target, " address space; the user granted the \"", perm, "\" permission, so CORS applies as usual.")})
	return nil
}

// mixedContentExempt reports an https page's fetch of an http URL that
// Local Network Access takes from mixed content's hands: a public page's
// first request to a local target whose host says so itself
// (origin.NamesLocalNetwork). Chromium 156 sends it once the permission
// is granted and refuses it as Local Network Access does otherwise (the
// e2e/chromium recordings lna-https-page-http-local-name-*); an http URL
// of an ordinary name in the same space is still mixed content (the
// recording lna-https-page-http-lan-hostname-granted).
func (s *runState) mixedContentExempt() bool {
	n := s.r.Network
	return s.p.LocalNetworkAccess && n != nil && s.hop == 0 && n.Page == SpacePublic && n.Target == SpaceLocal &&
		origin.NamesLocalNetwork(s.url.Host)
}

func (s *runState) mainFetch() *Result {
	p, r := s.p, s.r
	for {
		target := s.url.Origin()
		if r.Origin.Scheme == "https" && s.url.Scheme == "http" && !target.PotentiallyTrustworthy() {
			// The page's URL is not in the scenario: its origin's root
			// stands for it (the harness pages are at "/").
			page := s.originText + "/"
			if !s.mixedContentExempt() {
				s.add(Check{ID: "fetch.mixed-content", Title: "Mixed content", Status: Fail, Spec: "https://w3c.github.io/webappsec-mixed-content/#should-block-fetch",
					Detail: s.w.Cat("The page is served over https and ", s.urlText, " is http: the browser blocks it before sending anything. Serve the API over https.")})
				return s.failure(&Failure{Reason: ReasonMixedContent, Value: page})
			}
			// Chrome warns and leaves the fetch to Local Network
			// Access's permission (e2e/chromium recordings
			// lna-https-page-http-local-name-*).
			s.res.Console = append(s.res.Console, chromeMixedContent(page, s.urlText, "This content should also be served over HTTPS."))
			s.add(Check{ID: "fetch.mixed-content", Title: "Mixed content", Status: Info, Spec: specLNA,
				Detail: s.w.Cat("The page is served over https and ", s.urlText, " is http, but its host names the local network (a .local name or a private IP address): ", s.p.Engine,
					" does not block it as mixed content and asks the user's Local Network Access permission instead. It warns in the console.")})
		}
		sameOrigin := origin.SameOrigin(r.Origin, target) && (s.tainting == "" || s.tainting == "basic")
		switch {
		case sameOrigin:
			s.tainting = "basic"
			s.add(Check{ID: "fetch.same-origin", Title: "Same origin", Status: Info, Spec: specMainFetch,
				Detail: s.w.Cat(s.urlText, " has the page's origin ", s.originText, ": CORS does not apply.")})
		case r.Mode == "same-origin":
			s.add(Check{ID: "fetch.mode", Title: "Request mode", Status: Fail, Spec: specMainFetch,
				Detail: s.w.Cat("mode is \"same-origin\" but ", s.urlText, " has the origin ", serializedFrom(target, s.urlText), ", not the page's ", s.originText, ". Use mode \"cors\" (the default).")})
			return s.failure(&Failure{Reason: ReasonDisallowedByMode})
		case r.Mode == "no-cors":
			if r.Redirect != "follow" {
				s.add(Check{ID: "fetch.mode", Title: "Request mode", Status: Fail, Spec: specMainFetch,
					Detail: "mode \"no-cors\" requires redirect \"follow\"."})
				return s.failure(&Failure{Reason: ReasonNoCorsRedirectModeNotFollow})
			}
			s.tainting = "opaque"
			if f := s.localNetwork(); f != nil {
				return s.failure(f)
			}
		case !s.url.IsHTTP():
			s.add(Check{ID: "fetch.scheme", Title: "URL scheme", Status: Fail, Spec: specMainFetch,
				Detail: s.w.Cat("CORS requests need http or https; the URL's scheme is \"", s.url.Scheme, "\".")})
			return s.failure(&Failure{Reason: ReasonCorsDisabledScheme, Value: s.url.Scheme})
		default:
			s.tainting = "cors"
			if s.hop == 0 && !s.quiet {
				s.add(Check{ID: "fetch.cross-origin", Title: "Cross-origin request", Status: Info, Spec: specMainFetch,
					Detail: s.w.Cat("The page's origin ", s.originText, " differs from ", serializedFrom(target, s.urlText), ": the browser applies CORS.")})
			}
			if f := s.localNetwork(); f != nil {
				return s.failure(f)
			}
			if f := s.preflight(); f != nil {
				return s.failure(f)
			}
		}

		if r.UseCORSPreflight && p.StreamNeedsHTTP2 && s.url.Scheme == "http" {
			s.add(Check{ID: "actual.stream", Title: "Streaming upload", Status: Fail, Spec: specMainFetch,
				Detail: s.w.Cat(p.Engine, " sends a ReadableStream body only over HTTP/2 or QUIC, which an http: URL cannot negotiate.")})
			return s.failure(&Failure{Reason: ReasonStreamNeedsHTTP2})
		}
		req := actualRequest(s.urlText, s.method, s.header, s.serializedOrigin(), s.tainting == "cors" || p.OriginKeptOnRedirect && s.sentOrigin, s.lists)
		s.sentOrigin = s.sentOrigin || req.Header.Has("Origin")
		reply := s.send(req, false, len(s.res.Checks))
		if reply.Status == 0 {
			s.add(Check{ID: "actual.sent", Title: "Request sent", Status: Fail, Spec: specMainFetch,
				Detail: s.w.Cat(req.Method, " ", req.URL, " got no response: the connection closed", s.p.attempts(), ".")})
			return s.failure(&Failure{Reason: ReasonNetworkError})
		}
		if !s.quiet {
			s.add(Check{ID: "actual.sent", Title: "Request sent", Status: Info, Spec: specMainFetch,
				Detail: s.w.Cat(req.Method, " ", req.URL, " answered ", s.w.Num(reply.Status), ".")})
		}

		if s.tainting == "cors" {
			f, c := p.corsCheck(reply.Header, s.serializedOrigin(), r.Include(), s.quiet, s.w, corsResponse)
			if !s.quiet {
				s.add(c)
			}
			if f != nil {
				f.Status = reply.Status
				_, f.Redirect = redirectLocation(reply)
				return s.failure(f)
			}
			if f := s.recheckRedirect(reply); f != nil {
				return s.failure(f)
			}
		}
		loc, isRedirect := redirectLocation(reply)
		if isRedirect {
			done, res := s.redirect(reply, loc)
			if done {
				return res
			}
			continue
		}
		return s.finish(reply)
	}
}

// recheckRedirect is WebKit's second check of a cross-origin redirect, as
// if the request carried credentials, for a credentials mode
// "same-origin" fetch that started on the page's origin
// (Profile.RedirectCheckedWithCredentials).
func (s *runState) recheckRedirect(reply wire.Reply) *Failure {
	p, r := s.p, s.r
	if _, isRedirect := redirectLocation(reply); !isRedirect || !p.RedirectCheckedWithCredentials ||
		r.Credentials != "same-origin" || !origin.SameOrigin(r.Origin, r.URL.Origin()) {
		return nil
	}
	f, c := p.CORSCheck(reply.Header, s.serializedOrigin(), true)
	if f == nil {
		return nil
	}
	c.ID = "response.redirect-credentials"
	c.Title = "Redirect checked again with credentials"
	c.Detail = s.w.Cat(p.Engine, " checks this redirect a second time as if the request carried credentials, because the fetch started on the page's origin with credentials \"same-origin\": ", c.Detail)
	s.add(c)
	f.Status, f.Redirect, f.RecheckedWithCredentials = reply.Status, true, true
	return f
}

// preflight runs the CORS-preflight fetch when one is needed.
func (s *runState) preflight() *Failure {
	p, r := s.p, s.r
	// The header list the preflight asks for and is checked against.
	header := s.header
	if p.PreflightOriginalHeaders && s.hop > 0 {
		header = r.Header
	}
	// The CORS-unsafe names, worked out once: whether a preflight is
	// needed, the cache, the preflight request and its check read them.
	names := p.unsafeNames(header, s.w, s.lists)
	need := needsPreflight(r, s.method, names)
	var why string // the reasons, in words
	if need && !s.quiet {
		reasons, n := p.preflightReasons(r, s.method, names, s.w)
		why = s.w.Join(reasons[:n], "; ")
	}
	// The origin the preflight sends and is checked against.
	pfOrigin := s.serializedOrigin()
	if p.PreflightKeepsOrigin {
		pfOrigin = s.originText
	}
	cacheKey := s.cache.key(pfOrigin, r.Origin.Opaque())
	cache := s.cache
	uncached := p.NoTaintedOriginCache && s.tainted && pfOrigin == "null"
	if uncached {
		cache = nil
	}
	lacks := ""
	if need {
		ok, until, l := p.covers(cache, cacheKey, s.urlText, r.Include(), r.UseCORSPreflight, s.method, names)
		lacks = l
		if ok {
			s.res.PreflightCached = true
			if s.quiet {
				return nil
			}
			s.add(Check{ID: "preflight.cached", Title: "Preflight answered by the cache", Status: Pass, Spec: specCache,
				Detail: s.w.Cat("A preflight is needed because ", why, ", but an earlier preflight from ", pfOrigin, " for ", s.urlText,
					" allowed it and its answer is still cached (", seconds(until-s.cache.now), " left), so ", p.Engine, " sends no OPTIONS request.")})
			return nil
		}
	}
	if !need && p.StickyPreflight && s.preflighted {
		need = true
		if !s.quiet {
			why = s.w.Cat(p.Engine, " asks again at every hop of a fetch that needed a preflight at its first")
		}
	}
	if !need {
		if !s.quiet {
			s.add(Check{ID: "preflight.needed", Title: "No preflight", Status: Pass, Spec: specMainFetch,
				Detail: s.w.Cat("The method is ", s.method, " and every header is CORS-safelisted, so the browser sends the request without asking first.")})
		}
		return nil
	}
	needed := len(s.res.Checks)
	if !s.quiet {
		start := s.w.Mark()
		s.w.Write("The browser asks first with OPTIONS because ", why, ".")
		if lacks != "" {
			s.w.Write(" The preflight cache holds an earlier answer for this origin and URL, but it does not cover ", lacks, ".")
		}
		s.add(Check{ID: "preflight.needed", Title: "Preflight needed", Status: Info, Spec: specMainFetch, Detail: s.w.Since(start)})
	}
	s.preflighted = true
	req := preflightRequest(s.urlText, s.method, names, pfOrigin, s.w, s.lists)
	reply := s.send(req, true, needed)
	if reply.Status == 0 {
		s.add(Check{ID: "preflight.sent", Title: "Preflight answered", Status: Fail, Spec: specPreflight,
			Detail: s.w.Cat("OPTIONS ", req.URL, " got no response: the connection closed", p.attempts(), ".")})
		return &Failure{Reason: ReasonInvalidResponse, Preflight: true}
	}
	_, isRedirect := redirectLocation(reply)
	// The checks go straight into the run's list (none when quiet).
	var checks []Check
	if !s.quiet {
		checks = s.res.Checks
	}
	out := p.checkPreflight(r, s.method, header, names, reply.Status, reply.Header, pfOrigin, isRedirect, s.quiet, s.w, s.lists, checks)
	if !s.quiet {
		n := len(s.res.Checks)
		s.res.Checks = out.Checks
		s.named(n)
	}
	if out.Failure != nil {
		if out.KeepEntry {
			p.store(cache, cacheKey, s.urlText, r.Include(), out.Methods, out.Names, out.MaxAge)
		}
		return out.Failure
	}
	s.res.MaxAge = out.MaxAge
	if uncached {
		// Not kept at all (found by a review: Chrome "600 s" for a
		// preflight it does not store).
		s.res.MaxAge = 0
	}
	p.store(cache, cacheKey, s.urlText, r.Include(), out.Methods, out.Names, out.MaxAge)
	if out.AuthorizationByWildcard {
		s.res.AuthorizationByWildcard = true
		s.res.Console = append(s.res.Console, p.AuthorizationWarning(s.urlText)...)
	}
	return nil
}

// send asks the server, again while the connection closes without a
// reply, up to the profile's EmptyReplyAttempts, and records each
// exchange; check is the index of the check that reports it.
func (s *runState) send(req wire.Request, preflight bool, check int) wire.Reply {
	for attempt := 0; ; attempt++ {
		out := s.srv.Answer(req, preflight, s.hop)
		reply := boundReply(out.Reply)
		s.res.Exchanges = append(s.res.Exchanges, Exchange{Preflight: preflight, Hop: s.hop, Request: req, Reply: reply,
			Rules: out.Rules, Decision: out.Decision, Words: out.Words, DecidedBy: out.DecidedBy, Check: check, Attempt: attempt})
		if reply.Status != 0 || attempt+1 >= s.p.EmptyReplyAttempts {
			return reply
		}
	}
}

// attempts says how many times a request without a reply was sent, when
// more than once.
func (p *Profile) attempts() string {
	if p.EmptyReplyAttempts <= 1 {
		return ""
	}
	return ", each of the " + itoa(p.EmptyReplyAttempts) + " times " + p.Engine + " sent it"
}

// locationURL is the URL text a Location value is parsed as: the value
// itself, its UTF-8 bytes read as ISO-8859-1 (Profile.LocationLatin1), or
// its tabs percent-encoded (Profile.LocationTabEncoded).
func (p *Profile) locationURL(loc string) string {
	if p.LocationLatin1 {
		loc = latin1(loc)
	}
	if p.LocationTabEncoded {
		loc = strings.ReplaceAll(loc, "\t", "%09")
	}
	return loc
}

// latin1 reads the bytes of s as ISO-8859-1: each byte is the code point
// of its value, written back as UTF-8.
func latin1(s string) string {
	if headers.IsASCII(s) {
		return s
	}
	b := make([]rune, 0, len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, rune(s[i]))
	}
	return string(b)
}

func redirectLocation(reply wire.Reply) (string, bool) {
	switch reply.Status {
	case 301, 302, 303, 307, 308:
		if loc, ok := reply.Header.Get("Location"); ok {
			return loc, true
		}
	}
	return "", false
}

// redirect is HTTP-redirect fetch (https://fetch.spec.whatwg.org/#http-redirect-fetch).
func (s *runState) redirect(reply wire.Reply, loc string) (bool, *Result) {
	r := s.r
	switch r.Redirect {
	case "error":
		s.add(Check{ID: "redirect.mode", Title: "Redirect mode", Status: Fail, Spec: specRedirect,
			Detail: "The server redirected and redirect is \"error\"."})
		return true, s.failure(&Failure{Reason: ReasonRedirectModeError, Status: reply.Status})
	case "manual":
		s.add(Check{ID: "redirect.mode", Title: "Redirect mode", Status: Info, Spec: specRedirect,
			Detail: "redirect is \"manual\": the page gets an opaque-redirect response (status 0, no headers)."})
		s.res.Allowed, s.res.Type, s.res.Status = true, "opaqueredirect", 0
		return true, s.res
	}
	next, err := s.url.Resolve(s.p.locationURL(loc))
	if err != nil {
		s.add(Check{ID: "redirect.location", Title: "Location parses", Status: Fail, Spec: specRedirect, Header: s.w.Cat("Location: ", loc), Detail: err.Error()})
		return true, s.failure(&Failure{Reason: ReasonInvalidRedirectLocation, Value: loc, Status: reply.Status})
	}
	if !next.IsHTTP() {
		s.add(Check{ID: "redirect.scheme", Title: "Redirect to HTTP(S)", Status: Fail, Spec: specRedirect, Header: s.w.Cat("Location: ", loc),
			Detail: "A fetch only follows redirects to http or https URLs."})
		return true, s.failure(&Failure{Reason: ReasonRedirectSchemeNotHTTP, Value: loc, Status: reply.Status})
	}
	if s.hop+1 > MaxRedirects {
		s.add(Check{ID: "redirect.limit", Title: "Redirect limit", Status: Fail, Spec: specRedirect,
			Detail: s.w.Cat("More than ", s.w.Num(MaxRedirects), " redirects.")})
		return true, s.failure(&Failure{Reason: ReasonTooManyRedirects, Status: reply.Status})
	}
	// Userinfo in Location: cors mode to another origin, or any target
	// once tainting is cors (step 8).
	if next.HasCredentials() && (s.tainting == "cors" || r.Mode == "cors" && !origin.SameOrigin(r.Origin, next.Origin())) {
		s.add(Check{ID: "redirect.credentials", Title: "Redirect without userinfo", Status: Fail, Spec: specRedirect, Header: s.w.Cat("Location: ", loc),
			Detail: "The Location includes a username or password, which a CORS redirect may not."})
		return true, s.failure(&Failure{Reason: ReasonRedirectContainsCredentials, Value: next.String(), Status: reply.Status})
	}
	nextText := next.String()
	c := Check{ID: "redirect.follow", Title: "Redirect followed", Status: Info, Spec: specRedirect, Header: s.w.Cat("Location: ", loc),
		Detail: s.w.Cat("The browser follows ", s.w.Num(reply.Status), " to ", nextText, ".")}
	if (reply.Status == 301 || reply.Status == 302) && s.method == "POST" || reply.Status == 303 && s.method != "GET" && s.method != "HEAD" {
		s.method = "GET"
		s.ownHeader()
		for _, n := range []string{"Content-Encoding", "Content-Language", "Content-Location", "Content-Type"} {
			s.header.Del(n)
		}
		c.Detail = s.w.Cat(c.Detail, " The method becomes GET and the body is dropped.")
	}
	from := s.url.Origin()
	if !origin.SameOrigin(next.Origin(), from) {
		if !origin.SameOrigin(r.Origin, from) && !s.tainted {
			s.tainted = true
			c.Detail = s.w.Cat(c.Detail, " The hop leaves ", serializedFrom(from, s.urlText), " for another origin after a cross-origin request, so the request's origin is now tainted: Origin is sent as \"null\" and the server must allow \"null\" (or \"*\" without credentials).")
			c.Spec = specTaint
		}
		if !s.p.KeepsAuthorizationOnRedirect && s.header.Has("Authorization") {
			s.ownHeader()
			s.header.Del("Authorization")
			c.Detail = s.w.Cat(c.Detail, " Authorization is removed on a cross-origin redirect.")
		}
	}
	s.add(c)
	if s.hop == 0 {
		s.initial = s.urlText
	}
	s.url, s.urlText = next, nextText
	s.hop++
	return false, nil
}

// finish builds the response the page sees.
func (s *runState) finish(reply wire.Reply) *Result {
	res := s.res
	res.Allowed = true
	switch s.tainting {
	case "opaque":
		res.Type, res.Status = "opaque", 0
		s.add(Check{ID: "response.opaque", Title: "Opaque response", Status: Info, Spec: specOpaque,
			Detail: "mode \"no-cors\": the promise resolves, but the page sees status 0, no headers and an empty body."})
		// Chromium still logs a 4xx or 5xx (e2e/chromium recording mode-no-cors-404).
		res.Console = append(res.Console, s.p.AllowedConsole(reply.Status)...)
		return res
	case "cors":
		res.Type = "cors"
	default:
		res.Type = "basic"
	}
	res.Status = reply.Status
	if s.exposed {
		var c Check
		res.Readable, c = readable(reply.Header, s.tainting == "cors", s.r.Include(), s.quiet, s.w, s.lists)
		s.add(c)
	}
	res.Console = append(res.Console, s.p.AllowedConsole(reply.Status)...)
	if s.r.XHR {
		// An XMLHttpRequest exposes no response type to the page.
		res.Type = ""
		if s.p.XHRParsesEmptyBody && reply.Body == "" && !reply.Header.Has("Content-Type") {
			res.Console = append(res.Console, "XML Parsing Error: no root element found\nLocation: "+s.urlText+"\nLine Number 1, Column 1:")
		}
	}
	return res
}

// boundReply keeps a reply within the header limits, so a hostile server
// cannot make the model slow.
func boundReply(r wire.Reply) wire.Reply {
	if len(r.Header) > MaxHeaders {
		r.Header = r.Header[:MaxHeaders]
	}
	return r
}

func typeErrorDetail(f *Failure) string {
	switch f.Reason {
	case ReasonInvalidMethod:
		return quote(f.Value) + " is not a valid method (not an HTTP token)."
	case ReasonForbiddenMethod:
		return f.Value + " is a forbidden method."
	case ReasonNoCorsMethod:
		return "mode \"no-cors\" allows only GET, HEAD and POST, not " + f.Value + "."
	case ReasonURLCredentials:
		return "the URL includes a username or password."
	case ReasonModeNavigate:
		return "mode \"navigate\" cannot be set from script."
	case ReasonBodyWithGetHead:
		return "a " + f.Value + " request cannot have a body."
	case ReasonStreamNoCors:
		return "a ReadableStream body needs mode \"cors\" or \"same-origin\"."
	case ReasonInvalidHeader:
		return quote(f.Value) + " is not a valid header name."
	case ReasonInvalidHeaderValue:
		if !IsByteString(f.Value) {
			return "a header value has a character above U+00FF, which is not a ByteString."
		}
		return "a header value contains NUL, CR or LF."
	}
	return f.Reason
}
