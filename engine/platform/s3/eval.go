package s3

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// Bucket answers requests as an S3 bucket with CORS configuration CORS
// (nil: the bucket has none). Absent models a bucket that does not exist.
// It implements policy.Evaluator.
type Bucket struct {
	CORS   *Configuration
	Absent bool
	// Name is the bucket name used in GetBucketCors' NoSuchCORSConfiguration
	// body; empty means "bucket".
	Name string
}

// The Vary value S3 sends when a rule matched, and only then
// (cloud-policies.md §0 item 5, [AWS-REC]).
const vary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// S3's CORS error messages, verbatim, "evalution" included
// (cloud-policies.md §1.3, [AWS-REC] and versitygw#2083).
const (
	msgNoOrigin   = "Insufficient information. Origin request header needed."
	msgNotAllowed = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."
	msgNotEnabled = "CORSResponse: CORS is not enabled for this bucket."
	msgNoBucket   = "CORSResponse: Bucket not found"
	msgNoConfig   = "The CORS configuration does not exist" // GetBucketCors
	// Our simulated replies carry these in place of AWS's per-request ids.
	requestID = "WHYCORSSIMULATED"
	hostID    = "simulated-by-whycors"
)

// Source is cited on every trace entry this package produces.
const Source = "shared/reference/cloud-policies.md §1.3 (S3 evaluation, recorded against AWS)"

// Respond implements policy.Evaluator with S3's algorithm
// (cloud-policies.md §1.3): any OPTIONS is a preflight; the rule list is
// searched in order for the first rule whose AllowedOrigin, AllowedMethod
// (Access-Control-Request-Method when present, even on GET) and
// AllowedHeader entries cover the request.
func (b Bucket) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	isPreflight := req.Method == "OPTIONS"
	// Only a URL with "?cors" can address GetBucketCors or
	// DeleteBucketCors: its query starts with "cors".
	if strings.Contains(req.URL, "?cors") {
		host, path, query := wire.SplitURL(req.URL)
		if sub, ok := b.subresource(req, host, path, query); ok {
			app = sub
		}
	}
	f, has := corsFields(req.Header)
	origin, hasOrigin := f[0], has[0]
	acrm, hasACRM := f[1], has[1]
	if !hasACRM || acrm == "" {
		acrm = ""
	}
	if !hasOrigin {
		if isPreflight {
			// [AWS-REC] snapshot L5, L65, L101.
			r := errorReply(400, "BadRequest", msgNoOrigin, "", "")
			r.Header.Add("Connection", "close")
			return policy.Outcome{Reply: r, Decision: policy.Note{Case: "OPTIONS without Origin: 400 BadRequest"}}
		}
		// [AWS-REC] get-no-origin: served as is, no CORS headers.
		return policy.Outcome{Reply: pass(app), Decision: policy.Note{Case: "no Origin header: not a CORS request, served without CORS headers"}}
	}
	method := req.Method
	if acrm != "" {
		method = acrm // [AWS-REC] get-wrong-op: ACRM wins even on GET or PUT
	}
	errMethod := method
	if b.Absent && isPreflight {
		// [AWS-REC] snapshot L50.
		return policy.Outcome{Reply: errorReply(403, "AccessForbidden", msgNoBucket, errMethod, "BUCKET"), Decision: policy.Note{Case: "the bucket does not exist: 403 AccessForbidden"}}
	}
	if b.CORS == nil {
		if isPreflight {
			// [AWS-REC] snapshot L13, L23: ResourceType BUCKET even for a key.
			return policy.Outcome{Reply: errorReply(403, "AccessForbidden", msgNotEnabled, errMethod, "BUCKET"), Decision: policy.Note{Case: "the bucket has no CORS configuration: 403 AccessForbidden"}}
		}
		return policy.Outcome{Reply: pass(app), Decision: policy.Note{Case: "the bucket has no CORS configuration: served without CORS headers"}}
	}
	acrh := f[2]
	var buf [16]string
	reqHdrs := wire.AppendHeaderNames(buf[:0], acrh) // consulted on actual requests too [AWS-REC] get-non-allowed-with-acl
	var trace []policy.Rule
	if !req.NoTrace {
		trace = make([]policy.Rule, 0, len(b.CORS.Rules))
	}
	rules, start := b.CORS.Rules, 0
	if req.NoTrace {
		// The same test as check, without the notes it returns: start
		// at the first rule that matches, or after the last.
		if start = firstMatch(rules, origin, method, reqHdrs); start < 0 {
			start = len(rules)
		}
	}
	for i := start; i < len(rules); i++ {
		r := &rules[i]
		if !req.NoTrace {
			t := policy.Rule{Index: i, ID: r.ID, Path: r.At.Path, Line: r.At.Line}
			t.Failed, t.Note = r.check(origin, method, reqHdrs)
			if t.Failed != "" {
				trace = append(trace, t)
				continue
			}
			t.Matched, t.Note.Case, t.Source = true, "origin, method and every requested header match", Source
			trace = append(trace, t)
		}
		if isPreflight {
			// [AWS-REC] opt-right-origin: 200, empty body, Content-Length 0.
			reply := policy.Reply{Status: 200, Header: r.headers(req.Scratch, nil, origin, acrh, reqHdrs, 1)}
			reply.Header.Add("Content-Length", "0")
			return policy.Outcome{Reply: reply, Rules: trace, Decision: policy.Note{Case: casePreflight, N: i}, Words: Words{}}
		}
		// [AWS-REC] get-right-origin; s3-tests L6950: CORS headers on error
		// replies (404 NoSuchKey, 403) of actual requests as well.
		reply := app
		if !hasCORS(app.Header) {
			// No field of app's is among the CORS headers S3 sets: they
			// all go at the end, on a list of the reply's own.
			reply.Header = r.headers(req.Scratch, app.Header, origin, acrh, reqHdrs, 0)
		} else {
			reply = pass(app)
			for _, f := range r.headers(nil, nil, origin, acrh, reqHdrs, 0) {
				reply.Header.Set(f.Name, f.Value)
			}
		}
		return policy.Outcome{Reply: reply, Rules: trace, Decision: policy.Note{Case: caseActual, N: i}, Words: Words{}}
	}
	if isPreflight {
		host, path, _ := wire.SplitURL(req.URL)
		rt := "OBJECT"
		if isBucketPath(host, path) {
			rt = "BUCKET"
		}
		// [AWS-REC] opt-wrong-origin: 403, no CORS headers, no Vary.
		return policy.Outcome{Reply: errorReply(403, "AccessForbidden", msgNotAllowed, errMethod, rt), Rules: trace, Decision: policy.Note{Case: "no rule matched: 403 AccessForbidden"}, Words: Words{}}
	}
	// [AWS-REC] get-wrong-origin: served, no CORS headers, no Vary.
	return policy.Outcome{Reply: pass(app), Rules: trace, Decision: policy.Note{Case: "no rule matched: served without CORS headers"}, Words: Words{}}
}

// corsNames are the request headers S3 reads, by the length of each.
var corsNames = [3]string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"}

// corsFields is l.Get of each of corsNames, read in one pass over l
// where three Gets read each field three times (a fifth of answering a
// request): an ASCII name folds to one of them only if it has its
// length. A list with a name outside ASCII, which may fold to one of
// another length (U+017F to "s"), or with one of them on several lines,
// which Get joins, is read with Get.
func corsFields(l headers.List) (f [3]string, has [3]bool) {
	var n [3]int
	slow := false
	for _, x := range l {
		k := 0
		switch len(x.Name) {
		case len(corsNames[0]):
		case len(corsNames[1]):
			k = 1
		case len(corsNames[2]):
			k = 2
		default:
			slow = slow || !headers.IsASCII(x.Name)
			continue
		}
		if !headers.IsASCII(x.Name) {
			slow = true
		} else if headers.EqualFold(x.Name, corsNames[k]) {
			if n[k] == 0 {
				f[k] = x.Value
			}
			n[k]++
		}
	}
	for k := range n {
		has[k] = n[k] > 0
		if n[k] > 1 || slow {
			f[k], has[k] = l.Get(corsNames[k])
		}
	}
	return f, has
}

// check returns the first condition of r that the request fails, in the
// order S3's guide lists them (origin, method, headers; seed
// "How Does Amazon S3 Evaluate the CORS Configuration"), with the values
// compared (Words says them).
func (r *Rule) check(origin, method string, reqHdrs []string) (failed string, n policy.Note) {
	if !r.matchOrigin(origin) {
		return "origin", policy.Note{Case: caseOrigin, Args: [4]string{origin}, List: r.AllowedOrigins}
	}
	if !slices.Contains(r.AllowedMethods, method) {
		return "method", policy.Note{Case: caseMethod, Args: [4]string{method}, List: r.AllowedMethods}
	}
	if len(reqHdrs) > 0 {
		if len(r.AllowedHeaders) == 0 {
			// [AWS-REC] opt-get-headers: no AllowedHeader allows no header.
			return "headers", policy.Note{Case: caseNoHeaders, Args: [4]string{reqHdrs[0]}}
		}
		for _, h := range reqHdrs {
			if !r.matchHeader(h) {
				return "headers", policy.Note{Case: caseHeader, Args: [4]string{h}, List: r.AllowedHeaders}
			}
		}
	}
	return "", policy.Note{}
}

// The cases of S3's notes (Words).
const (
	caseOrigin    = "origin"
	caseMethod    = "method"
	caseNoHeaders = "no-headers"
	caseHeader    = "header"
	casePreflight = "preflight"
	caseActual    = "actual"
)

// Words says S3's notes (policy.Words); R2 says them too.
type Words struct{}

// Rule implements policy.Words.
func (Words) Rule(r policy.Rule) string {
	n := r.Note
	// Each sentence is written into one buffer (on the stack when it
	// fits), then copied once into its string.
	var buf [256]byte
	b := buf[:0]
	switch n.Case {
	case caseOrigin:
		b = append(b, "Origin "...)
		b = wire.AppendQuote(b, n.Args[0])
		b = append(b, " matches no AllowedOrigin of "...)
		b = wire.AppendQuoteList(b, n.List)
	case caseMethod:
		b = append(b, "method "...)
		b = append(b, n.Args[0]...)
		b = append(b, " is not in AllowedMethods "...)
		b = wire.AppendQuoteList(b, n.List)
		if isMethod(n.Args[0]) {
			b = append(b, " (case-sensitive)"...)
		} else {
			// Said here, since the fix search then offers no edit
			// (explain.RulesOnly): AllowedMethod is an enum (s3.go's
			// methods).
			b = append(b, " (case-sensitive); S3 takes only GET, PUT, HEAD, POST and DELETE in AllowedMethod, so no rule can allow it"...)
		}
	case caseNoHeaders:
		b = append(b, "the rule has no AllowedHeader, so requested header "...)
		b = wire.AppendQuote(b, n.Args[0])
		b = append(b, " is not allowed"...)
	case caseHeader:
		b = append(b, "requested header "...)
		b = wire.AppendQuote(b, n.Args[0])
		b = append(b, " matches no AllowedHeader of "...)
		b = wire.AppendQuoteList(b, n.List)
	default:
		return ""
	}
	return string(b)
}

// Decision implements policy.Words.
func (Words) Decision(n policy.Note) string {
	switch n.Case {
	case casePreflight:
		return "preflight answered by rule " + strconv.Itoa(n.N+1)
	case caseActual:
		return "actual request matched rule " + strconv.Itoa(n.N+1) + ": CORS headers added"
	}
	return ""
}

// firstMatch returns the index of the first of rules that matches, -1
// when none does.
func firstMatch(rules []Rule, origin, method string, reqHdrs []string) int {
	key := wire.Key(origin)
	for i := range rules {
		r := &rules[i]
		if r.originMatch(origin, key) && r.allows(method, reqHdrs) {
			return i
		}
	}
	return -1
}

// originMatch is matchOrigin(origin), with the patterns Prepare kept:
// a rule whose origins do not match fails in a few comparisons each.
// key is wire.Key(origin).
func (r *Rule) originMatch(origin string, key uint64) bool {
	list := r.AllowedOrigins
	pats := r.origins
	if len(pats) != len(list) {
		return r.matchOrigin(origin)
	}
	pats = pats[:len(list)]
	for k, o := range list {
		// A pattern matches an origin at most one byte shorter: its
		// '*' may stand for nothing (wire.StarMatch).
		if len(o) > len(origin)+1 {
			continue
		}
		p := &pats[k]
		if !wire.Same(o, p.src) {
			// Replaced since Prepare: the rule is read as it is.
			return r.matchOrigin(origin)
		}
		if p.star < 0 {
			if len(o) == len(origin) && p.key == key && o == origin {
				return true
			}
		} else if starAt(o, p.star, origin) {
			return true
		}
	}
	return false
}

// starAt is wire.StarMatch(pattern, s) for a pattern whose first '*'
// is at star.
func starAt(pattern string, star int, s string) bool {
	return len(s) >= len(pattern)-1 && strings.HasPrefix(s, pattern[:star]) && strings.HasSuffix(s, pattern[star+1:])
}

// matches reports whether check finds no failed condition.
func (r *Rule) matches(origin, method string, reqHdrs []string) bool {
	return r.matchOrigin(origin) && r.allows(method, reqHdrs)
}

// allows reports whether r's method and headers conditions hold.
func (r *Rule) allows(method string, reqHdrs []string) bool {
	if !slices.Contains(r.AllowedMethods, method) {
		return false
	}
	if len(reqHdrs) > 0 && len(r.AllowedHeaders) == 0 {
		return false
	}
	for _, h := range reqHdrs {
		if !r.matchHeader(h) {
			return false
		}
	}
	return true
}

func (r *Rule) matchOrigin(origin string) bool {
	for _, o := range r.AllowedOrigins {
		// Origins are opaque strings compared literally with one '*'
		// (cloud-policies.md §1.3; case-sensitive as every S3
		// implementation read, AWS itself [UNVERIFIED]).
		if wire.StarMatch(o, origin) {
			return true
		}
	}
	return false
}

func (r *Rule) matchHeader(h string) bool {
	prepared := len(r.allowHeaders) == len(r.AllowedHeaders)
	for k, a := range r.AllowedHeaders {
		if prepared && wire.Same(a, r.allowHeaders[k].src) {
			// Lowercased by Prepare.
			if p := &r.allowHeaders[k]; p.star < 0 && p.text == h || p.star >= 0 && starAt(p.text, p.star, h) {
				return true
			}
			continue
		}
		if wire.StarMatch(strings.ToLower(a), h) {
			return true
		}
	}
	return false
}

// headers returns base's fields followed by the CORS headers S3 sends
// for a matched rule (cloud-policies.md §1.3 matched(rule)), on a list
// of its own with room for extra more fields: scratch's
// (policy.Request.Scratch) when it has the room, else one allocation.
// acrh is the request's Access-Control-Request-Headers, of which
// reqHdrs are the names.
func (r *Rule) headers(scratch, base headers.List, origin, acrh string, reqHdrs []string, extra int) headers.List {
	n := len(base) + 3 + extra
	star := slices.Contains(r.AllowedOrigins, "*")
	if !star {
		n++
	}
	if len(reqHdrs) > 0 {
		n++
	}
	if len(r.ExposeHeaders) > 0 {
		n++
	}
	if r.MaxAgeSeconds != nil {
		n++
	}
	h := append(wire.NewList(scratch, n), base...)
	if star {
		// [AWS-REC] opt-random-wildcard-origin: "*" and no ACAC. A list
		// holding "*" and other origins: LocalStack and Scality send "*",
		// AWS [UNVERIFIED].
		h.Add("Access-Control-Allow-Origin", "*")
	} else {
		h.Add("Access-Control-Allow-Origin", origin)
		h.Add("Access-Control-Allow-Credentials", "true")
	}
	h.Add("Access-Control-Allow-Methods", wire.Joined(r.acam, r.AllowedMethods, ", "))
	if len(reqHdrs) > 0 {
		// Cut from the rule's own list or the request's value when
		// either holds the names so joined, as a rule listing exactly
		// the requested headers does.
		h.Add("Access-Control-Allow-Headers", wire.JoinedIn(reqHdrs, ", ", r.acah, acrh))
	}
	if len(r.ExposeHeaders) > 0 {
		h.Add("Access-Control-Expose-Headers", wire.Joined(r.aceh, r.ExposeHeaders, ", "))
	}
	if r.MaxAgeSeconds != nil {
		// MaxAgeSeconds 0: sent as "0"; AWS [UNVERIFIED].
		h.Add("Access-Control-Max-Age", r.maxAge.Of(*r.MaxAgeSeconds))
	}
	h.Add("Vary", vary)
	return h
}

// hasCORS reports whether l holds a field S3's CORS headers would
// replace (an Access-Control-* or Vary field).
func hasCORS(l headers.List) bool {
	for _, f := range l {
		if len(f.Name) >= 15 && strings.EqualFold(f.Name[:15], "access-control-") || strings.EqualFold(f.Name, "vary") {
			return true
		}
	}
	return false
}

// subresource answers GetBucketCors and DeleteBucketCors (GET and DELETE
// on the bucket's ?cors), which S3 itself serves (cloud-policies.md §1.2).
func (b Bucket) subresource(req policy.Request, host, path, query string) (policy.Reply, bool) {
	if query != "cors" && !strings.HasPrefix(query, "cors&") || !isBucketPath(host, path) {
		return policy.Reply{}, false
	}
	switch req.Method {
	case "GET":
		if b.CORS == nil {
			name := b.Name
			if name == "" {
				name = "bucket"
			}
			// [AWS-REC] snapshot test_get_cors.
			r := errorReply(404, "NoSuchCORSConfiguration", msgNoConfig, "", "")
			r.Body = strings.Replace(r.Body, "<RequestId>", "<BucketName>"+xmlEscape(name)+"</BucketName><RequestId>", 1)
			return r, true
		}
		doc, err := WriteXML(b.CORS)
		if err != nil {
			return policy.Reply{}, false
		}
		return policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "application/xml"}}, Body: doc}, true
	case "DELETE":
		return policy.Reply{Status: 204}, true // [AWS-REC] test_delete_cors
	}
	return policy.Reply{}, false
}

// isEndpoint reports an S3 endpoint host, which names no bucket: "s3."
// or a legacy regional "s3-" endpoint (s3-us-west-2.amazonaws.com).
func isEndpoint(host string) bool {
	return len(host) > 3 && host[:2] == "s3" && (host[2] == '.' || host[2] == '-')
}

// NamesBucket reports whether a request to host and path addresses the
// bucket name: virtual-hosted (NAME.s3.REGION.amazonaws.com) or
// path-style (s3.REGION.amazonaws.com/NAME/...). A template's reader
// picks the bucket resource a request reaches with it.
func NamesBucket(name, host, path string) bool {
	if rest, ok := strings.CutPrefix(host, name+"."); ok && isEndpoint(rest) {
		return true
	}
	if isEndpoint(host) {
		first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		return first == name
	}
	return false
}

// isBucketPath reports whether the request addresses the bucket rather
// than a key: path "/" on a virtual-hosted URL, or "/bucket" on a
// path-style one (host s3.amazonaws.com or s3.<region>.amazonaws.com).
func isBucketPath(host, path string) bool {
	if isEndpoint(host) {
		p := strings.Trim(path, "/")
		return !strings.Contains(p, "/")
	}
	return path == "/"
}

// errorReply is S3's XML error reply. msg is one of this package's
// messages, written as character data already (none holds '&', '<' or
// '>'; TestErrorMessagesAreCharacterData): escaping it scanned a
// 200-byte message on every refused preflight.
func errorReply(status int, code, msg, method, resourceType string) policy.Reply {
	// [AWS-REC] opt-wrong-origin: application/xml, chunked.
	h := headers.List{
		{Name: "Content-Type", Value: "application/xml"},
		{Name: "Transfer-Encoding", Value: "chunked"},
	}
	if e := lastError.Load(); e != nil && e.code == code && e.msg == msg && e.method == method && e.resourceType == resourceType {
		return policy.Reply{Status: status, Header: h, Body: e.body}
	}
	e := &errorBody{code: code, msg: msg, method: method, resourceType: resourceType, body: errorXML(code, msg, method, resourceType)}
	lastError.Store(e)
	return policy.Reply{Status: status, Header: h, Body: e.body}
}

// errorBody is an error reply's body and what it was written from.
type errorBody struct{ code, msg, method, resourceType, body string }

// lastError is the error body errorReply wrote last, which it hands out
// again for the same error: a body is a string, which no reader can
// change, and a refused preflight is refused alike in each browser of a
// verdict and each trial of a fix search (about 2 KB of the README's S3
// fix search's 33 KB were these bodies). One entry, swapped atomically:
// replies made on several goroutines at once each find it or write one.
var lastError atomic.Pointer[errorBody]

// errorXML is S3's XML error document.
func errorXML(code, msg, method, resourceType string) string {
	var b strings.Builder
	b.Grow(64 + len(code) + len(msg) + len(method) + 192)
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Error><Code>")
	b.WriteString(code)
	b.WriteString("</Code><Message>")
	b.WriteString(msg)
	b.WriteString("</Message>")
	if method != "" || resourceType != "" {
		b.WriteString("<Method>")
		b.WriteString(xmlEscape(method))
		b.WriteString("</Method><ResourceType>")
		b.WriteString(resourceType)
		b.WriteString("</ResourceType>")
	}
	b.WriteString("<RequestId>" + requestID + "</RequestId><HostId>" + hostID + "</HostId></Error>")
	return b.String()
}

// pass returns app with a header list of its own, so that adding CORS
// headers never writes into the caller's backing array.
func pass(app policy.Reply) policy.Reply {
	app.Header = app.Header.Clone()
	return app
}

// xmlEscape escapes character data. Quotes stay as they are: S3's 403
// message "resource's CORS spec" carries a bare apostrophe ([AWS-REC]).
func xmlEscape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	return xmlEscaper.Replace(s)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
