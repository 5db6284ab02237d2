package native

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Input is a request as the fast path reads it. Strings and slices are
// borrowed, never kept or modified.
type Input struct {
	Method string
	// Path is the request target's path, as sent (not percent-decoded);
	// Decide compares its CanonicalPath.
	Path string
	// Origin is the first Origin line; HasOrigin tells an absent header
	// from an empty one.
	Origin    string
	HasOrigin bool
	// ACRM is the first Access-Control-Request-Method line.
	ACRM    string
	HasACRM bool
	// ACRH is every Access-Control-Request-Headers line.
	ACRH []string
	// Header, when not nil, is the request's header map keyed by canonical
	// names (an http.Header); ACRH is then read from it only if the origin
	// and method checks pass, which saves a lookup on refused preflights.
	Header map[string][]string
}

// IsPreflight reports whether the request is a CORS preflight: OPTIONS with
// Origin and Access-Control-Request-Method, which every preflight carries
// (https://fetch.spec.whatwg.org/#cors-preflight-fetch, steps 1-4). An
// OPTIONS request without Access-Control-Request-Method is an actual
// request; a page may send OPTIONS itself.
func (in *Input) IsPreflight() bool {
	return in.Method == "OPTIONS" && in.HasOrigin && in.HasACRM
}

// Kind is what the policy does with a request.
type Kind uint8

const (
	// NoRule: no rule's path covers the request; the policy adds nothing
	// and the application answers.
	NoRule Kind = iota
	// Actual: an actual (or non-CORS) request; the application answers and
	// the policy's headers are applied to its response.
	Actual
	// PreflightOK: a preflight the policy answers itself, with success.
	PreflightOK
	// PreflightRejected: a preflight the policy refuses with 403 and no
	// CORS headers.
	PreflightRejected
	// PreflightPassed: a preflight the rule does not allow, handed to the
	// application because the rule says unmatched_preflight: pass.
	PreflightPassed
)

func (k Kind) String() string {
	return [...]string{"no-rule", "actual", "preflight-ok", "preflight-rejected", "preflight-passed"}[k]
}

// Check names the condition a request failed.
type Check uint8

const (
	CheckNone    Check = iota // no condition failed
	CheckOrigin               // the origin is not allowed (or absent)
	CheckMethod               // the preflight asks for a method the rule does not allow
	CheckHeaders              // the preflight asks for a header the rule does not allow
)

func (c Check) String() string {
	return [...]string{"", "origin", "method", "headers"}[c]
}

// Answer is the policy's decision for one request and the CORS header
// values that follow from it; an empty string means "do not send".
type Answer struct {
	Kind   Kind
	Rule   int   // index of the rule that answered, or that refused a request no rule matches (the package doc), -1 for none
	Failed Check // CheckNone when the rule allows the request
	Origin int   // index in the rule's origins of the pattern that matched, -1 for none
	Status int   // for PreflightOK and PreflightRejected

	AllowOrigin      string // Access-Control-Allow-Origin
	AllowCredentials bool   // Access-Control-Allow-Credentials: true
	AllowMethods     string // Access-Control-Allow-Methods (preflight)
	AllowHeaders     string // Access-Control-Allow-Headers (preflight)
	MaxAge           string // Access-Control-Max-Age (preflight)
	ExposeHeaders    string // Access-Control-Expose-Headers (actual)
	Vary             string // to append to Vary, never to replace it

	bad string // the refused header or limit, for traces
}

// Vary values: every preflight depends on the requested method and
// headers, and most answers on the origin.
const (
	varyOrigin    = "Origin"
	varyPreflight = "Access-Control-Request-Method, Access-Control-Request-Headers"
	varyPreOrigin = "Origin, " + varyPreflight
)

// Decide evaluates a request. It allocates nothing for requests browsers
// send (a lowercase, one-line Access-Control-Request-Headers), so the
// middleware can call it on every request. a is overwritten.
//
// The first rule whose path, origins and Match select the request
// answers it; when none does, the first rule that allowed its origin, or
// else the first whose path covers it, refuses it (the package doc,
// "Which rule answers").
func (p *Policy) Decide(in *Input, a *Answer) {
	if !p.pathless && needsCanonical(in.Path) {
		// Paths compare as the server behind decodes them: the rare
		// path with an escape or a dot segment goes the long way, so
		// that the common one copies nothing.
		p.decideCanonical(in, a)
		return
	}
	p.decide(in, a)
}

// decideCanonical is decide with in.Path made CanonicalPath.
//
//go:noinline
func (p *Policy) decideCanonical(in *Input, a *Answer) {
	c := *in
	c.Path = CanonicalPath(in.Path)
	p.decide(&c, a)
}

// decide is Decide of a path compared as it is.
func (p *Policy) decide(in *Input, a *Answer) {
	*a = Answer{Rule: -1, Origin: -1}
	pre := in.IsPreflight()
	f := fallback{first: -1}
	if p.oneRule {
		// One rule for every path, the common policy: no loop.
		if p.try(0, in, pre, a, &f) {
			return
		}
	} else if p.bySegment == nil {
		// Few rules: each in turn, without the iterator.
		for i := range p.pathList {
			if e := &p.pathList[i]; (e.kind == pathAll || e.matches(in.Path)) && p.try(i, in, pre, a, &f) {
				return
			}
		}
	} else {
		// Many rules: only those filed under the path's first segment and
		// those that could match any first segment, merged in rule order,
		// so the cost stays flat as rules are added.
		cands, always := p.bySegment[firstSegment(in.Path)], p.anySegment
		for len(cands) > 0 || len(always) > 0 {
			var i int
			if len(always) == 0 || len(cands) > 0 && cands[0] < always[0] {
				i, cands = cands[0], cands[1:]
			} else {
				i, always = always[0], always[1:]
			}
			if p.pathList[i].matches(in.Path) && p.try(i, in, pre, a, &f) {
				return
			}
		}
	}
	if f.first < 0 {
		return // no rule's path covers the request
	}
	p.refuse(&f, pre, a)
}

// refuse fills a for a request no rule answers, with the fallback's rule.
func (p *Policy) refuse(f *fallback, pre bool, a *Answer) {
	a.Rule, a.Failed, a.bad, a.Origin = f.first, f.failed, f.bad, f.origin
	p.c[f.first].refuse(pre, f.vary, a)
}

// fallback is what Decide keeps while it tries rules: the rule that
// refuses the request if none answers it (the first that allowed the
// origin, else the first whose path matched) and why it was skipped, and
// whether a rule tried answers origins differently (Vary: Origin).
type fallback struct {
	first  int
	failed Check
	bad    string
	origin int
	vary   bool
}

// try tries rule i; true when it answers the request (a is filled).
func (p *Policy) try(i int, in *Input, pre bool, a *Answer, f *fallback) bool {
	c := &p.c[i]
	var failed Check
	var selected bool
	if pre {
		f.vary = f.vary || c.varyPreO
		failed, selected = c.check(in, true, a)
	} else {
		f.vary = f.vary || c.varyOrigin
		// checkActual, spelt out so that the common case makes one call.
		failed = CheckOrigin
		if c.checkOrigin(in, a) {
			failed = CheckNone
			if c.matchMethod {
				failed = c.checkMethod(in.Method, a)
			}
		}
		if failed == CheckNone {
			a.Rule = i
			c.allowActual(in, f.vary, a)
			return true
		}
	}
	if selected {
		a.Rule = i
		if a.Failed = failed; failed == CheckNone {
			a.bad = "" // left by a rule tried before
			c.allowPreflight(in, f.vary, a)
		} else {
			c.refuse(true, f.vary, a)
		}
		return true
	}
	// The refusal comes from the first rule that allowed the origin, else
	// from the first whose path matched.
	if f.first < 0 || failed != CheckOrigin && f.failed == CheckOrigin {
		f.first, f.failed, f.bad, f.origin = i, failed, a.bad, a.Origin
	}
	if c.final {
		// Rule.Final: no later rule is tried, so the request is refused
		// as if the rules ended here.
		p.refuse(f, pre, a)
		return true
	}
	return false
}

// check tries the rule on a request: the check it fails (CheckNone for
// none), and whether the rule answers the request (selected) or leaves
// it to the next rule. a.Origin and a.bad are set for the answer, and on
// a preflight it allows, a.AllowHeaders.
func (c *compiled) check(in *Input, pre bool, a *Answer) (Check, bool) {
	if !pre {
		failed := c.checkActual(in, a)
		return failed, failed == CheckNone
	}
	// The order of checks is the browser's (CORS check, then method, then
	// headers: https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7),
	// so the reason recorded is the one the browser would print.
	if !c.checkOrigin(in, a) {
		return CheckOrigin, false
	}
	if m := in.ACRM; !c.allowsMethod(m) {
		a.bad = m
		return CheckMethod, !c.matchMethod
	}
	acrh := in.ACRH
	if acrh == nil && in.Header != nil {
		acrh = in.Header["Access-Control-Request-Headers"]
	}
	r := checkACRH(acrh, c.headers, c.anyHeader, c.maxHeaderLen)
	if !r.OK {
		a.bad = r.Bad
		return CheckHeaders, !c.matchHeaders
	}
	a.AllowHeaders = r.Allow
	return CheckNone, true
}

// checkActual is check for an actual request: the origin, and the method
// when it selects the rule. Any failure leaves the request to the next
// rule.
func (c *compiled) checkActual(in *Input, a *Answer) Check {
	if !c.checkOrigin(in, a) {
		return CheckOrigin
	}
	if c.matchMethod {
		return c.checkMethod(in.Method, a)
	}
	return CheckNone
}

// checkMethod: CheckMethod, with a.bad, when the rule does not allow m.
func (c *compiled) checkMethod(m string, a *Answer) Check {
	if !c.allowsMethod(m) {
		a.bad = m
		return CheckMethod
	}
	return CheckNone
}

// checkOrigin reports whether the rule allows the request's origin, with
// a.Origin the pattern's index (-1 under "*"); a request without Origin
// is allowed only by "*".
func (c *compiled) checkOrigin(in *Input, a *Answer) bool {
	a.Origin = -1
	if !c.anyOrigin {
		a.Origin = c.allows(in)
		return a.Origin >= 0
	}
	return true
}

// allowsMethod: listed methods were validated when the policy was built;
// only an unlisted one under "*" needs checking as a token. Under
// MatchMethod the safelisted methods need listing too, as S3, GCS and
// Azure read their lists.
func (c *compiled) allowsMethod(m string) bool {
	return !c.matchMethod && isSafelistedMethod(m) || contains(c.methods, m) || c.anyMethod && isToken(m) && !isForbiddenMethod(m)
}

// refuse fills a for a request the rule refuses (a.Failed says why):
// an actual request gets no CORS headers, a preflight the rule's
// unmatched_preflight. vary: the rules tried answer origins differently.
func (c *compiled) refuse(pre, vary bool, a *Answer) {
	switch {
	case !pre:
		a.Kind = Actual
		if vary {
			a.Vary = varyOrigin
		}
	case c.pass:
		a.Kind = PreflightPassed
	default:
		a.Kind = PreflightRejected
		a.Status = 403
		a.Vary = varyPreflight
		if vary {
			a.Vary = varyPreOrigin
		}
	}
}

// allowActual fills a for an actual request the rule allows.
func (c *compiled) allowActual(in *Input, vary bool, a *Answer) {
	a.Kind = Actual
	if vary {
		a.Vary = varyOrigin
	}
	// Methods are not checked on actual requests (unless they select the
	// rule): browsers only send one after a successful preflight, and a
	// method check here would break same-origin-looking requests that
	// carry Origin (jub0bs/cors does not check either; rs/cors does,
	// server-peers.md §1.5). "*" answers every origin alike.
	a.AllowOrigin = in.Origin
	a.AllowCredentials = c.creds
	if c.anyOrigin {
		a.AllowOrigin, a.AllowCredentials = "*", false
	}
	a.ExposeHeaders = c.aceh
}

func (c *compiled) allowPreflight(in *Input, vary bool, a *Answer) {
	a.Kind = PreflightOK
	a.Status = c.status
	if c.anyOrigin && !c.creds {
		a.AllowOrigin = "*"
	} else {
		a.AllowOrigin = in.Origin
	}
	a.AllowCredentials = c.creds
	if c.anyMethod {
		// Echo the method: "*" is a wildcard only without credentials
		// (https://fetch.spec.whatwg.org/#http-access-control-allow-methods);
		// the echo works either way.
		if !isSafelistedMethod(in.ACRM) || c.matchMethod {
			a.AllowMethods = in.ACRM
		}
	} else {
		a.AllowMethods = c.acam
	}
	// a.AllowHeaders holds the requested names, echoed: "*" does not cover
	// Authorization and is literal with credentials
	// (https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7.6-7.7),
	// while an echo of names the rule allows always works.
	a.MaxAge = c.acma
	a.Vary = varyPreflight
	if vary {
		a.Vary = varyPreOrigin
	}
}

// PathIndependent reports whether no rule has a path, so that callers
// may leave Input.Path empty.
func (p *Policy) PathIndependent() bool {
	for i := range p.pathList {
		if p.pathList[i].kind != pathAll {
			return false
		}
	}
	return len(p.pathList) > 0
}

func (e *pathEntry) matches(path string) bool {
	switch e.kind {
	case pathAll:
		return true
	case pathPrefix:
		return len(path) >= len(e.path) && path[:len(e.path)] == e.path
	}
	return path == e.path
}

// firstSegment returns the first segment of a path ("api" for "/api/x",
// "" for "/"); a path that does not start with '/' gets a key no pattern
// is filed under.
func firstSegment(path string) string {
	if path == "" || path[0] != '/' {
		return "\x00"
	}
	path = path[1:]
	if i := strings.IndexByte(path, '/'); i >= 0 {
		return path[:i]
	}
	return path
}

// indexPaths files each rule under the first segment every path it matches
// must have, or under "any segment" when that is not fixed ("/*", "/ap*").
func (p *Policy) indexPaths() {
	if len(p.pathList) < segmentIndexThreshold {
		return
	}
	p.bySegment = map[string][]int{}
	for i, e := range p.pathList {
		rest := ""
		if e.kind != pathAll {
			rest = e.path[1:]
		}
		j := strings.IndexByte(rest, '/')
		switch {
		case e.kind == pathAll, e.kind == pathPrefix && j < 0:
			p.anySegment = append(p.anySegment, i)
		case j >= 0:
			p.bySegment[rest[:j]] = append(p.bySegment[rest[:j]], i)
		default: // an exact path of one segment
			p.bySegment[rest] = append(p.bySegment[rest], i)
		}
	}
}

// allows returns the index in Rule.Origins of the pattern that allows
// the request's origin, or -1 (also without one).
func (c *compiled) allows(in *Input) int {
	if !in.HasOrigin {
		return -1
	}
	origin := in.Origin
	for k, o := range c.exact {
		if o == origin {
			return c.exactIdx[k]
		}
	}
	if c.exactMap != nil {
		if j, ok := c.exactMap[origin]; ok {
			return j
		}
	}
	for k := range c.patterns {
		if c.patterns[k].matches(origin) {
			return c.patternIdx[k]
		}
	}
	return -1
}

// Summary is a one-line account of a decision, for the middleware's debug
// header and for logs: "preflight-ok rule=0 name=api",
// "preflight-rejected rule=0 failed=origin", "actual rule=1", "no-rule".
func (p *Policy) Summary(a *Answer) string {
	if a.Kind == NoRule || a.Rule < 0 || a.Rule >= len(p.rules) {
		return "no-rule"
	}
	s := a.Kind.String() + " rule=" + strconv.Itoa(a.Rule)
	if n := p.rules[a.Rule].Name; n != "" {
		s += " name=" + n
	}
	if a.Failed != CheckNone {
		s += " failed=" + a.Failed.String()
	}
	return s
}

// CORS response headers the policy owns. ApplyActual-style callers remove
// them from an upstream response before applying the policy's, so that an
// upstream's own (possibly wider) CORS headers never leak through.
var ownedHeaders = [...]string{
	"Access-Control-Allow-Origin",
	"Access-Control-Allow-Credentials",
	"Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers",
	"Access-Control-Max-Age",
	"Access-Control-Expose-Headers",
}

// OwnedHeaders returns the names of the response headers the policy
// controls on actual responses, in canonical form.
func OwnedHeaders() []string { return append([]string(nil), ownedHeaders[:]...) }

// Respond implements policy.Evaluator. For actual requests, and for
// requests on a path no rule covers, it models the edge worker and the
// middleware's ApplyActual: the application's own CORS headers are
// removed (the edge owns CORS on every path) and the policy's set, Vary
// is appended to; a preflight the rule hands on (unmatched_preflight:
// pass) gets the application's reply untouched. (The middleware's Wrap
// sets the headers before the handler runs, so there a handler that sets
// Access-Control-* itself overrides the policy, unless Enforce is on.)
func (p *Policy) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	// The path as Decide compares it, so that the trace's rules say the
	// same (CanonicalPath).
	in := Input{Method: req.Method, Path: CanonicalPath(pathOf(req.URL))}
	if v := req.Header.Values("Origin"); len(v) > 0 {
		in.Origin, in.HasOrigin = v[0], true
	}
	if v := req.Header.Values("Access-Control-Request-Method"); len(v) > 0 {
		in.ACRM, in.HasACRM = v[0], true
	}
	in.ACRH = req.Header.Values("Access-Control-Request-Headers")
	var a Answer
	p.Decide(&in, &a)
	out := policy.Outcome{Rules: p.trace(&in, &a), Decision: p.decision(&in, &a), Words: words{}}
	switch a.Kind {
	case PreflightPassed:
		out.Reply = policy.Reply{Status: app.Status, Header: app.Header.Clone(), Body: app.Body}
	case PreflightRejected:
		h := headers.List{}
		a.AddTo(&h) // Vary alone: a refused preflight gets no CORS header
		out.Reply = policy.Reply{Status: a.Status, Header: h}
	case PreflightOK:
		h := headers.List{}
		a.AddTo(&h)
		out.Reply = policy.Reply{Status: a.Status, Header: h}
	case Actual, NoRule:
		h := app.Header.Clone()
		if h == nil {
			h = headers.List{}
		}
		for _, n := range ownedHeaders {
			if h.Has(n) {
				// Said in the decision: the prediction is the
				// worker's and ApplyActual's, and a handler under
				// middleware.Wrap would override the policy (found
				// as a new user would: a handler's "*" let every
				// origin read, which explain did not say).
				out.Decision.List = append(out.Decision.List, n)
			}
			h.Del(n)
		}
		a.AddTo(&h)
		out.Reply = policy.Reply{Status: app.Status, Header: h, Body: app.Body}
	}
	return out
}

// AddTo appends the answer's headers to h, in a fixed order: ACAO, ACAC,
// ACAM, ACAH, ACMA, ACEH, Vary.
func (a *Answer) AddTo(h *headers.List) {
	add := func(name, v string) {
		if v != "" {
			h.Add(name, v)
		}
	}
	add("Access-Control-Allow-Origin", a.AllowOrigin)
	if a.AllowCredentials && a.AllowOrigin != "" {
		h.Add("Access-Control-Allow-Credentials", "true")
	}
	add("Access-Control-Allow-Methods", a.AllowMethods)
	add("Access-Control-Allow-Headers", a.AllowHeaders)
	add("Access-Control-Max-Age", a.MaxAge)
	if a.AllowOrigin != "" {
		add("Access-Control-Expose-Headers", a.ExposeHeaders)
	}
	add("Vary", a.Vary)
}

// pathOf returns the path of a request URL, absolute ("http://h/p?q") or a
// request target ("/p?q"), without the query or fragment and without
// percent-decoding, so it compares as the middleware compares
// (http.Request.URL.EscapedPath).
func pathOf(u string) string {
	if !strings.HasPrefix(u, "/") {
		if i := strings.Index(u, "://"); i >= 0 {
			u = u[i+3:]
			if j := strings.IndexAny(u, "/?#"); j >= 0 {
				u = u[j:]
			} else {
				u = ""
			}
		}
	}
	if j := strings.IndexAny(u, "?#"); j >= 0 {
		u = u[:j]
	}
	if u == "" || u[0] != '/' {
		u = "/" + u
	}
	return u
}

// decision is what the policy decided, as data (words says it): the
// answer's kind, the deciding rule's index and name, the status, the
// failed check, the path, and whether the request had an Origin.
func (p *Policy) decision(in *Input, a *Answer) policy.Note {
	n := policy.Note{Case: a.Kind.String(), N: a.Rule, M: a.Status, Args: [4]string{in.Path, "", a.Failed.String()}}
	if a.Rule >= 0 {
		n.Args[1] = p.rules[a.Rule].Name
	}
	if in.HasOrigin {
		n.Args[3] = hasOrigin
	}
	return n
}

// trace lists every rule tried, up to the one that answered (or the last
// whose path matched, when none did), as data (words says it).
func (p *Policy) trace(in *Input, a *Answer) []policy.Rule {
	pre := in.IsPreflight()
	var out []policy.Rule
	last := 0 // rules up to the last whose path matched
	for i := range p.rules {
		r := &p.rules[i]
		t := policy.Rule{Index: i, ID: r.Name, Path: p.base[i]}
		pat := r.Path
		if pat == "" {
			pat = "/*"
		}
		if !p.pathList[i].matches(in.Path) {
			t.Failed = "path"
			t.Note = policy.Note{Case: caseOtherPath, Args: [4]string{in.Path, pat}}
			out = append(out, t)
			continue
		}
		var b Answer
		failed, selected := p.c[i].check(in, pre, &b)
		t.Matched = selected && failed == CheckNone
		t.Failed = failed.String()
		t.Note = policy.Note{Case: casePath, Args: [4]string{in.Path, pat, in.Origin, b.bad}, M: b.Origin, List: r.Origins}
		final := !selected && p.c[i].final
		switch {
		case final:
			t.Note.Case = caseFinal
		case !selected:
			t.Note.Case = caseNext
		}
		switch {
		case failed == CheckOrigin && !in.HasOrigin:
			t.Note.N = originAbsent
		case failed == CheckOrigin:
			t.Note.N = originRefused
		case p.c[i].anyOrigin:
			t.Note.N = originAny
		case b.Origin >= 0:
			t.Note.N = originListed
		}
		if pre {
			t.Source = "https://fetch.spec.whatwg.org/#cors-preflight-fetch"
		} else {
			t.Source = "https://fetch.spec.whatwg.org/#cors-check"
		}
		out = append(out, t)
		last = len(out)
		if selected || final {
			break
		}
	}
	if last > 0 {
		// Rules after the last one whose path matched add nothing.
		out = out[:last]
	}
	return out
}

// The cases of the policy's notes (words). A decision's Case is its
// Kind's name. The deciding rule's note (casePath) holds the path and
// pattern, the origin and the refused method or header in Args, how the
// origin fared in N, and in M and List the index of the origin pattern
// that matched and the rule's origins.
const (
	caseOtherPath = "other-path"
	casePath      = "path"
	caseNext      = "path-next"  // as casePath, and the rule leaves the request to the next one
	caseFinal     = "path-final" // as casePath, and the rule is final: no later rule is tried
	hasOrigin     = "origin"

	originAbsent  = 1 // no Origin header
	originRefused = 2 // the Origin matches none of the rule's origins
	originAny     = 3 // the rule allows every origin
	originListed  = 4 // the Origin matches List[M]
)

// words says the policy's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	if n.Case == caseOtherPath {
		return "path " + strconv.Quote(n.Args[0]) + " does not match " + strconv.Quote(n.Args[1])
	}
	if n.Case != casePath && n.Case != caseNext && n.Case != caseFinal {
		return ""
	}
	d := "path " + strconv.Quote(n.Args[0]) + " matches " + strconv.Quote(n.Args[1])
	switch n.N {
	case originAbsent:
		d += "; no Origin header, so no CORS headers (Vary: Origin still sent)"
	case originRefused:
		d += "; origin " + strconv.Quote(n.Args[2]) + " matches none of " + r.Path + ".origins"
	case originAny:
		d += "; every origin is allowed (\"*\")"
	case originListed:
		d += "; origin " + strconv.Quote(n.Args[2]) + " matches " + strconv.Quote(n.List[n.M]) +
			" (" + r.Path + ".origins[" + strconv.Itoa(n.M) + "])"
	}
	switch r.Failed {
	case CheckMethod.String():
		d += "; method " + strconv.Quote(n.Args[3]) + " is not in " + r.Path + ".methods"
	case CheckHeaders.String():
		if strings.Contains(n.Args[3], " ") {
			d += "; " + n.Args[3]
		} else {
			d += "; request header " + strconv.Quote(n.Args[3]) + " is not in " + r.Path + ".request_headers"
		}
	}
	switch n.Case {
	case caseNext:
		d += "; the next rule is tried"
	case caseFinal:
		d += "; the rule is final (" + r.Path + ".final), so no later rule is tried"
	}
	return d
}

func (words) Decision(n policy.Note) string {
	var b strings.Builder
	rule := func() {
		// Numbered from 1, as the trace's rules are (n.N is the
		// index): tried as a new user would, one rule was "rule 1"
		// and then "rule 0".
		b.WriteString("rule ")
		b.WriteString(strconv.Itoa(n.N + 1))
		if name := n.Args[1]; name != "" {
			b.WriteString(" (" + name + ")")
		}
	}
	failed := n.Args[2]
	switch n.Case {
	case NoRule.String():
		b.WriteString("no rule covers path " + strconv.Quote(n.Args[0]) + ": the application answers, without CORS headers")
	case PreflightOK.String():
		b.WriteString("preflight answered " + strconv.Itoa(n.M) + " by ")
		rule()
	case PreflightRejected.String():
		b.WriteString("preflight refused with 403 and no CORS headers by ")
		rule()
		b.WriteString(": " + failed + " not allowed")
	case PreflightPassed.String():
		b.WriteString("preflight not allowed (" + failed + ") by ")
		rule()
		b.WriteString(", passed to the application (unmatched_preflight: pass)")
	case Actual.String():
		if failed != "" {
			b.WriteString("actual response without CORS headers: ")
			if n.Args[3] == hasOrigin {
				b.WriteString("origin not allowed by ")
			} else {
				b.WriteString("no Origin header, ")
			}
			rule()
		} else {
			b.WriteString("actual response with the CORS headers of ")
			rule()
		}
	}
	if len(n.List) > 0 && (n.Case == Actual.String() || n.Case == NoRule.String()) {
		b.WriteString("; the application's own " + strings.Join(n.List, ", ") + " removed, as the edge worker, middleware.ApplyActual and middleware.Wrap with Enforce(true) remove them (under a plain middleware.Wrap a handler that sets them overrides the policy: remove them from the handler, or turn Enforce on)")
	}
	return b.String()
}
