package native

import (
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// Limits on a policy, so that a hostile or mistaken one stays cheap to
// check and to evaluate.
const (
	MaxRules          = 1000  // rules in one policy
	MaxOrigins        = 1000  // origin patterns in one rule
	MaxNames          = 256   // methods, request headers or exposed headers in one rule
	MaxAgeLimit       = 86400 // Firefox's cap; Chromium caps at 7200 (browser-cors.md §1.8)
	DefaultStatus     = 204   // status of a successful preflight, as rs/cors and jub0bs/cors (server-peers.md §3)
	maxNameLen        = 128   // a rule name, shown in the debug header
	maxPathPatternLen = 1024
)

// Unmatched-preflight behaviours, the values of Rule.UnmatchedPreflight.
const (
	Reject = "reject" // answer 403 with no CORS headers (the default)
	Pass   = "pass"   // hand the preflight to the application, unchanged
)

// What besides path and origin selects a rule, the values of Rule.Match
// (the package doc, "Which rule answers").
const (
	// MatchMethod: the rule covers only the methods it lists (GET, HEAD
	// and POST included), a preflight's requested method or an actual
	// request's own; any other goes on to the next rule, as S3, GCS and
	// Azure choose a rule (cloud-policies.md §0 item 1, §3, §4).
	MatchMethod = "method"
	// MatchHeaders: a preflight that asks for a header the rule does not
	// allow goes on to the next rule instead of being refused by this
	// one, as S3 does (cloud-policies.md §1.3) and Azure does not (§4).
	MatchHeaders = "request_headers"
)

// Rule is one entry of a policy, in the form the JSON format writes it.
// The zero value of each optional field is its default.
type Rule struct {
	// Name labels the rule in traces and in the middleware's debug header.
	Name string
	// Path selects the requests the rule governs: "/api/*" (a prefix:
	// "/api/" and everything under it), "/health" (exactly that path), or
	// "" and "/*" (every path). The first rule whose path and origins
	// match a request (and what Match names) answers it.
	Path string
	// Origins lists origin patterns (see the package doc). Required.
	Origins []string
	// Methods lists methods a preflight may ask for, besides GET, HEAD and
	// POST which never need it (unless Match has MatchMethod); "*" allows
	// any method.
	Methods []string
	// RequestHeaders lists header names a page may send; "*" allows any.
	RequestHeaders []string
	// Match lists what selects the rule besides its path and origins:
	// MatchMethod, MatchHeaders, or nothing (the default: the rule's
	// methods and request headers are checked by the rule, which refuses
	// a preflight they do not allow).
	Match []string
	// Final stops the search at the rule for the requests its path
	// covers: one it does not answer (an origin it does not allow, or
	// what Match names) is refused there, and the rules after it are not
	// tried. It is how a path is kept for some origins while a later,
	// broader rule allows others elsewhere ("/admin/*" for one origin,
	// then "/*" for "*"): without it the broader rule answers the other
	// origins on "/admin" too.
	Final bool
	// ExposedHeaders lists response header names the page may read beyond
	// the safelisted ones; "*" exposes all (not with credentials).
	ExposedHeaders []string
	// Credentials allows cookies and HTTP authentication
	// (Access-Control-Allow-Credentials: true).
	Credentials bool
	// MaxAge is the preflight cache lifetime in seconds (0 to 86400); nil
	// sends no Access-Control-Max-Age, so browsers use 5 seconds.
	MaxAge *int
	// PreflightStatus is the status of a successful preflight, 200 to 299;
	// 0 means 204.
	PreflightStatus int
	// UnmatchedPreflight is Reject ("" means Reject) or Pass: what a
	// preflight gets when this rule refuses it, also when no rule
	// matches it and this is the rule that refuses it (the package doc).
	UnmatchedPreflight string
	// AllowInsecureOrigins lets http:// origins (other than loopback) be
	// allowed with credentials, which jub0bs/cors also refuses by default:
	// anyone on the network path can impersonate them.
	AllowInsecureOrigins bool
}

// Policy is a validated native policy. It is safe for concurrent use and
// never changes after New or Parse.
type Policy struct {
	rules    []Rule
	c        []compiled
	pathList []pathEntry // the rules' path patterns, for Decide
	oneRule  bool        // one rule, whose path is every path
	pathless bool        // no rule has a path: Decide reads no path

	bySegment  map[string][]int // rules by the first path segment they need, when many
	anySegment []int            // rules whose first segment is not fixed
	base       []string         // JSON path of each rule: "$.rules[i]", or "$" for a single-rule document
	at         map[string]int   // where Parse found each value (JSON path -> byte offset); nil when not parsed
}

type pathEntry struct {
	path string
	kind uint8
}

const (
	pathExact uint8 = iota
	pathPrefix
	pathAll
)

// compiled is a rule in the form evaluation wants: sets instead of lists,
// header values computed once.
type compiled struct {
	pathAll    bool
	pathPrefix bool
	path       string // the prefix (without '*') or the exact path

	anyOrigin  bool
	exact      []string // exact origins, when few
	exactIdx   []int
	exactMap   map[string]int // exact origin -> index in Rule.Origins, when many
	patterns   []pattern
	patternIdx []int

	anyMethod bool
	methods   []string // normalized, for the preflight method check

	matchMethod  bool // a method the rule does not list goes on to the next rule
	matchHeaders bool // a request header the rule does not allow goes on to the next rule
	final        bool // a request on the rule's path goes on to no later rule

	anyHeader    bool
	headers      []string // lowercase, sorted, unique
	maxHeaderLen int

	creds      bool
	pass       bool
	status     int
	acam       string // Access-Control-Allow-Methods, "" when echoing or nothing to say
	aceh       string // Access-Control-Expose-Headers
	acma       string // Access-Control-Max-Age
	varyOrigin bool   // the answer to an actual request depends on the origin
	varyPreO   bool   // the answer to a preflight depends on the origin
}

const (
	exactMapThreshold     = 8
	segmentIndexThreshold = 8
)

// New validates rules and compiles them into a Policy. The error, when not
// nil, is a policy.Errors listing every fault, each with the JSON path the
// field would have in the native format ($.rules[i].origins[j]).
func New(rules []Rule) (*Policy, error) {
	base := make([]string, len(rules))
	for i := range rules {
		base[i] = "$.rules[" + strconv.Itoa(i) + "]"
	}
	var errs policy.Errors
	p := build(rules, base, &errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// build validates and compiles; faults go to errs. The Rule values are
// copied, so the caller's slices are never aliased (rs/cors#198 in
// another guise: a caller mutating its config after New).
func build(rules []Rule, base []string, errs *policy.Errors) *Policy {
	add := func(path, code, msg string) {
		*errs = append(*errs, &policy.Error{Path: path, Code: code, Msg: msg})
	}
	if len(rules) == 0 {
		add("$", "missing", "a policy needs at least one rule")
	}
	if len(rules) > MaxRules {
		add("$.rules", "limit", "more than "+strconv.Itoa(MaxRules)+" rules")
		return nil
	}
	p := &Policy{base: base}
	for i := range rules {
		r := normalize(rules[i])
		c := compileRule(&r, &ruleFaults{at: base[i], errs: errs})
		p.rules = append(p.rules, r)
		p.c = append(p.c, c)
		e := pathEntry{path: c.path}
		switch {
		case c.pathAll:
			e.kind = pathAll
		case c.pathPrefix:
			e.kind = pathPrefix
		}
		p.pathList = append(p.pathList, e)
	}
	p.oneRule = len(p.pathList) == 1 && p.pathList[0].kind == pathAll
	p.pathless = p.PathIndependent()
	p.indexPaths()
	return p
}

func normalize(r Rule) Rule {
	r.Origins = append([]string(nil), r.Origins...)
	r.Methods = append([]string(nil), r.Methods...)
	for i, m := range r.Methods {
		r.Methods[i] = normalizeMethod(m)
	}
	r.Match = append([]string(nil), r.Match...)
	r.RequestHeaders = append([]string(nil), r.RequestHeaders...)
	for i, h := range r.RequestHeaders {
		r.RequestHeaders[i] = lowerASCII(h)
	}
	r.ExposedHeaders = append([]string(nil), r.ExposedHeaders...)
	for i, h := range r.ExposedHeaders {
		r.ExposedHeaders[i] = lowerASCII(h)
	}
	if r.MaxAge != nil {
		v := *r.MaxAge
		r.MaxAge = &v
	}
	if r.PreflightStatus == DefaultStatus {
		r.PreflightStatus = 0
	}
	if r.UnmatchedPreflight == Reject {
		r.UnmatchedPreflight = ""
	}
	if r.Path == "/*" {
		r.Path = ""
	}
	return r
}

// ruleFaults collects one rule's faults. A fault's JSON path is built only
// when there is one: compileRule runs on every start of the edge worker,
// where paths built eagerly are work for nothing, and formatting inlined
// at each call site is code its wasm runtime compiles before the first
// reply (worker/README.md, cold start).
type ruleFaults struct {
	at   string // the rule's path, "$.rules[i]"
	errs *policy.Errors
}

// add reports a fault in field, or in its item j when j >= 0. Not inlined,
// for the reason above.
//
//go:noinline
func (f *ruleFaults) add(field string, j int, code, msg string) {
	path := f.at + "." + field
	if j >= 0 {
		path += "[" + strconv.Itoa(j) + "]"
	}
	*f.errs = append(*f.errs, &policy.Error{Path: path, Code: code, Msg: msg})
}

// addQuoted reports a fault whose message names the refused value v,
// quoted, between before and after: one place for strconv.Quote, which
// the compiler inlines at each call (about 400 bytes of wasm each), for
// the reason ruleFaults gives.
//
//go:noinline
func (f *ruleFaults) addQuoted(field string, j int, code, before, v, after string) {
	f.add(field, j, code, before+strconv.Quote(v)+after)
}

// compileRule checks r and compiles it, one step a field; the steps run
// in the order faults are reported. A step that meets a list longer than
// its limit reports it and cuts r's list, which is what build keeps.
//
// Each step costs the worker's wasm about 500 bytes as a function of its
// own (its name, tables and prologue), so the name, checked in four lines
// and not compiled, is checked here.
func compileRule(r *Rule, f *ruleFaults) compiled {
	var c compiled
	c.creds = r.Credentials
	// The name goes in the middleware's debug header.
	if len(r.Name) > maxNameLen || !isName(r.Name) {
		f.add("name", -1, "invalid", "a name is 1 to "+strconv.Itoa(maxNameLen)+" letters, digits, '-', '_' or '.' (it goes in a response header)")
	}
	c.compilePath(r.Path, f)
	c.compileOrigins(r, f)
	c.compileMethods(r, f)
	c.compileRequestHeaders(r, f)
	for j, m := range r.Match {
		switch m {
		case MatchMethod:
			c.matchMethod = true
		case MatchHeaders:
			c.matchHeaders = true
		default:
			f.addQuoted("match", j, "invalid", "unknown match ", m, ": want \"method\" or \"request_headers\"")
		}
	}
	c.final = r.Final
	c.compileExposedHeaders(r, f)
	c.compilePreflight(r, f)
	c.compileVary()
	return c
}

// capped reports a list longer than limit and cuts it to its first limit
// items: one place for the four lists, for the reason ruleFaults gives.
//
//go:noinline
func (f *ruleFaults) capped(list *[]string, limit int, field, what string) {
	if len(*list) > limit {
		f.add(field, -1, "limit", "more than "+strconv.Itoa(limit)+" "+what)
		*list = (*list)[:limit]
	}
}

// compilePath reads a path pattern: "" for every path, "/x" for exactly
// that path, "/x*" for every path that starts with "/x".
func (c *compiled) compilePath(path string, f *ruleFaults) {
	switch {
	case path == "":
		c.pathAll = true
	case len(path) > maxPathPatternLen:
		f.add("path", -1, "invalid", "path pattern longer than "+strconv.Itoa(maxPathPatternLen)+" bytes")
	case path[0] != '/':
		f.add("path", -1, "invalid", "a path pattern starts with '/', as in \"/api/*\"")
	default:
		bad := false
		for i := 0; i < len(path); i++ {
			ch := path[i]
			if ch <= 0x20 || ch >= 0x7f || ch == '?' || ch == '#' || (ch == '*' && i != len(path)-1) {
				bad = true
			}
		}
		if bad {
			f.add("path", -1, "invalid", "a path pattern is printable ASCII without '?' or '#', with at most one '*', at the end")
		}
		c.path = path
		if strings.HasSuffix(path, "*") {
			c.pathPrefix = true
			c.path = path[:len(path)-1]
		}
		// As requests are compared (CanonicalPath), but for dot
		// segments, which a pattern means literally ("/.*" is not
		// "/*"): "/caf%c3%a9/*" matches what a browser sends,
		// "/caf%C3%A9/...".
		c.path = canonicalPattern(c.path)
	}
}

// compileOrigins sorts the origin patterns into any, exact and patterns,
// refusing those a credentialed rule must not allow.
func (c *compiled) compileOrigins(r *Rule, f *ruleFaults) {
	if len(r.Origins) == 0 {
		f.add("origins", -1, "missing", "at least one origin must be allowed")
	}
	f.capped(&r.Origins, MaxOrigins, "origins", "origins")
	for j, o := range r.Origins {
		pat, fault := parsePattern(o)
		if fault != nil {
			f.add("origins", j, fault.reason, fault.msg)
			continue
		}
		switch {
		case pat.any:
			if r.Credentials {
				f.add("origins", j, "wildcard", "for security reasons, you cannot both allow all origins (\"*\") and enable credentials: browsers refuse Access-Control-Allow-Origin: * with credentials, and reflecting the origin instead would let every site read your users' data")
			}
			c.anyOrigin = true
		case r.Credentials && pat.scheme == "http" && !pat.isLoopback() && !r.AllowInsecureOrigins:
			f.addQuoted("origins", j, "insecure", "for security reasons, insecure origin patterns like ", o, " are prohibited when credentials are enabled (anyone on the network path can impersonate them); set dangerously_allow_insecure_origins to allow them")
		case !pat.subdomains && pat.port != "*":
			c.exact = append(c.exact, o)
			c.exactIdx = append(c.exactIdx, j)
		default:
			c.patterns = append(c.patterns, pat)
			c.patternIdx = append(c.patternIdx, j)
		}
	}
	if len(c.exact) > exactMapThreshold {
		c.exactMap = make(map[string]int, len(c.exact))
		for k := len(c.exact) - 1; k >= 0; k-- { // the first listing wins in traces
			c.exactMap[c.exact[k]] = c.exactIdx[k]
		}
		c.exact, c.exactIdx = nil, nil
	}
}

// compileMethods keeps the methods a preflight may ask for, each once,
// and the Access-Control-Allow-Methods value that lists them.
func (c *compiled) compileMethods(r *Rule, f *ruleFaults) {
	f.capped(&r.Methods, MaxNames, "methods", "methods")
	var acam []string
	for j, m := range r.Methods {
		switch {
		case m == "*":
			c.anyMethod = true
		case !isToken(m):
			f.addQuoted("methods", j, "invalid", "invalid method ", m, ": a method is an HTTP token")
		case isForbiddenMethod(m):
			f.addQuoted("methods", j, "forbidden", "forbidden method ", m, ": fetch() refuses to send it (https://fetch.spec.whatwg.org/#forbidden-method)")
		default:
			if !contains(c.methods, m) {
				c.methods = append(c.methods, m)
				acam = append(acam, m)
			}
		}
	}
	if !c.anyMethod && len(acam) > 0 {
		// The whole list, so that one preflight fills the browser's
		// preflight cache for every allowed method
		// (https://fetch.spec.whatwg.org/#cors-preflight-fetch, step 7.9).
		c.acam = strings.Join(acam, ",")
	}
}

// compileRequestHeaders keeps the header names a page may send, sorted
// and each once, for the preflight's check of its request headers.
func (c *compiled) compileRequestHeaders(r *Rule, f *ruleFaults) {
	f.capped(&r.RequestHeaders, MaxNames, "request_headers", "request headers")
	for j, h := range r.RequestHeaders {
		switch {
		case h == "*":
			c.anyHeader = true
		case !isToken(h):
			f.addQuoted("request_headers", j, "invalid", "invalid request-header name ", h, ": a header name is an HTTP token")
		case isForbiddenRequestHeader(h):
			f.addQuoted("request_headers", j, "forbidden", "forbidden request-header name ", h, ": browsers never let a page set it (https://fetch.spec.whatwg.org/#forbidden-request-header)")
		case isCORSResponseHeader(h):
			f.addQuoted("request_headers", j, "prohibited", "prohibited request-header name ", h, ": it is a response header; the server sends it, the page does not")
		default:
			if !contains(c.headers, h) {
				c.headers = append(c.headers, h)
				c.maxHeaderLen = max(c.maxHeaderLen, len(h))
			}
		}
	}
	sort.Strings(c.headers)
}

// compileExposedHeaders builds the Access-Control-Expose-Headers value,
// each name once; a refused name is reported and left out (continue).
func (c *compiled) compileExposedHeaders(r *Rule, f *ruleFaults) {
	f.capped(&r.ExposedHeaders, MaxNames, "exposed_headers", "exposed headers")
	var aceh []string
	for j, h := range r.ExposedHeaders {
		switch {
		case h == "*":
			if r.Credentials {
				// https://fetch.spec.whatwg.org/#http-access-control-expose-headers:
				// "*" is a wildcard only for requests without credentials.
				f.add("exposed_headers", j, "wildcard", "you cannot both expose all response headers (\"*\") and enable credentials: with credentials browsers read \"*\" as a header named \"*\"")
			}
			// and "*" is listed, as a valid name is, after the switch
		case !isToken(h):
			f.addQuoted("exposed_headers", j, "invalid", "invalid response-header name ", h, ": a header name is an HTTP token")
			continue
		case isForbiddenResponseHeader(h):
			f.addQuoted("exposed_headers", j, "forbidden", "forbidden response-header name ", h, ": browsers never expose it (https://fetch.spec.whatwg.org/#forbidden-response-header-name)")
			continue
		case isRequestOnlyHeader(h):
			f.addQuoted("exposed_headers", j, "prohibited", "prohibited response-header name ", h, ": only requests carry it")
			continue
		}
		if !contains(aceh, h) {
			aceh = append(aceh, h)
		}
	}
	c.aceh = strings.Join(aceh, ",")
}

// compilePreflight reads what the answer to a preflight carries beyond
// the allow lists: max-age, status, and what to do when no rule matches.
func (c *compiled) compilePreflight(r *Rule, f *ruleFaults) {
	if r.MaxAge != nil {
		if v := *r.MaxAge; v < 0 || v > MaxAgeLimit {
			f.add("max_age", -1, "range", "out-of-bounds max-age "+strconv.Itoa(v)+": want 0 (no caching) to "+strconv.Itoa(MaxAgeLimit)+" seconds; leave it out for the browsers' default of 5")
		} else {
			c.acma = strconv.Itoa(v)
		}
	}
	c.status = DefaultStatus
	if r.PreflightStatus != 0 {
		if r.PreflightStatus < 200 || r.PreflightStatus > 299 {
			// https://fetch.spec.whatwg.org/#cors-preflight-fetch step 7:
			// the preflight needs an ok status (200 to 299).
			f.add("preflight_status", -1, "range", "a successful preflight needs an ok status, 200 to 299 (browsers fail any other)")
		} else {
			c.status = r.PreflightStatus
		}
	}
	switch r.UnmatchedPreflight {
	case "":
	case Pass:
		c.pass = true
	default:
		f.add("unmatched_preflight", -1, "invalid", "want \"reject\" (answer 403) or \"pass\" (hand it to the application)")
	}
}

// compileVary (RFC 9110 §12.5.5): whether the answers depend on the
// origin, when the rule does not allow every origin (or echoes it, for
// credentials). Decide adds the method and request headers on every
// preflight, allowed or refused: they decide between 2xx and 403, and
// Access-Control-Allow-Methods and -Headers echo them under "*". A
// refused preflight carries it too: some caches store OPTIONS replies
// (jub0bs/cors and rs/cors send Vary on every preflight,
// server-peers.md §1).
func (c *compiled) compileVary() {
	c.varyOrigin = !c.anyOrigin
	c.varyPreO = !c.anyOrigin || c.creds
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Rules returns a copy of the policy's rules, normalized: methods in the
// case fetch() sends them, header names lowercased, defaults as zero values.
func (p *Policy) Rules() []Rule {
	out := make([]Rule, len(p.rules))
	for i, r := range p.rules {
		out[i] = normalize(r)
	}
	return out
}
