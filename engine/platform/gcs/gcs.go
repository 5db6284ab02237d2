// Package gcs is the one home of Google Cloud Storage bucket CORS
// configurations: it reads them, answers requests as GCS's XML API
// endpoints document it (shared/reference/cloud-policies.md §3), and
// gives the rest of the engine every capability GCS has. Its formats:
//
//	gcs-json  the gcloud / gsutil --cors-file list
//	          [{"origin": [...], "method": [...], "responseHeader": [...],
//	          "maxAgeSeconds": 3600}], or a bucket resource {"cors": [...]}
//	gcs-xml   the XML API's <CorsConfig><Cors>...</Cors></CorsConfig>
//
// Evaluation (documented, [DOC]): entries are tried in order and the first
// whose origin and method match the request decides; requested headers are
// not part of the selection. "*" in origin or method matches anything.
// What GCS sends is only partly documented; each choice below that rests
// on no capture is marked [UNVERIFIED].
//
// # What a format package implements
//
// Adding a format is one package like this one and one line in
// engine/all's list. Formats returns the values; each is a policy.Format
// (engine/policy: Name, Detect, Parse into an Evaluator, here Bucket) and
// offers the capabilities below, which the engine finds by type
// assertion, so the engine's central packages need no GCS knowledge:
//
//	ReadRules   convert.Reader       engine/convert/capability.go  rules.go
//	WriteRules  convert.Writer       engine/convert/capability.go  write.go (gcs-json)
//	ReadModel   convert.ModelReader  engine/convert/capability.go  format.go
//	WriteModel  convert.ModelWriter  engine/convert/capability.go  format.go (gcs-json)
//	EditText    fix.Editor           engine/fix/fix.go             edit.go (with FileName)
//	Platform    lint.Platformer      engine/lint/lint.go           format.go ("GCS")
//	Doc         explain.Documented   engine/explain/steps.go       format.go
//
// gcs-xml is not a conversion target: conversion writes the gcloud list.
// GCS has no traps outside its rules (advise.Trapper, lint.TextChecker),
// and its rules are indexed entries a fix edits by index (no
// fix.EditChooser).
package gcs

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// Configuration is a bucket's CORS configuration: its entries in order.
type Configuration struct {
	Entries []Entry
	// root is the JSON form's tree as read, so that its rules are placed
	// without reading the text again (StateRules); nil for XML.
	root *jsonpos.Value
}

// Entry is one CORS entry, with the JSON API's field names.
type Entry struct {
	Origin         []string
	Method         []string
	ResponseHeader []string
	MaxAgeSeconds  *int
	// Path, Line and Column locate the entry in the text it was read from.
	Path         string
	Line, Column int

	// The header values the entry's lists make, joined once by Parse
	// (prepare); wire.Joined checks them against the lists, so an entry
	// built or changed by hand is joined per reply.
	methods, responseHeaders string
	maxAge                   wire.Decimal
}

// prepare joins the header values of c's entries (Entry.methods and the
// rest), once.
func (c *Configuration) prepare() {
	for i := range c.Entries {
		e := &c.Entries[i]
		e.methods = strings.Join(e.Method, ", ")
		e.responseHeaders = strings.Join(e.ResponseHeader, ", ")
		if e.MaxAgeSeconds != nil {
			e.maxAge = wire.NewDecimal(*e.MaxAgeSeconds)
		}
	}
}

// Source is cited on every trace entry.
const Source = "shared/reference/cloud-policies.md §3 (GCS: first entry matching Origin and Method, XML API put-bucket-cors doc)"

// The endpoint that never serves CORS (gsutil cors doc, §3).
const authenticatedHost = "storage.cloud.google.com"

// Bucket answers requests as a GCS bucket with configuration CORS (nil:
// none). It implements policy.Evaluator.
type Bucket struct {
	CORS *Configuration
}

// Respond implements policy.Evaluator.
func (b Bucket) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	host, _, _ := wire.SplitURL(req.URL)
	app.Header = app.Header.Clone()
	origin, hasOrigin := req.Header.Get("Origin")
	isPreflight := req.Method == "OPTIONS"
	noCORS := func(why string) policy.Outcome {
		if isPreflight {
			// The status of a refused preflight is [UNVERIFIED] (§3 and §9
			// item 3); we answer 200 without CORS headers.
			return policy.Outcome{Reply: policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Length", Value: "0"}}}, Decision: policy.Note{Case: caseRefusedPreflight, Args: [4]string{why}}, Words: words{}}
		}
		return policy.Outcome{Reply: app, Decision: policy.Note{Case: caseServed, Args: [4]string{why}}, Words: words{}}
	}
	if !hasOrigin {
		return noCORS("no Origin header")
	}
	if strings.EqualFold(host, authenticatedHost) {
		return noCORS(authenticatedHost + " never allows CORS (gsutil cors doc)")
	}
	if b.CORS == nil || len(b.CORS.Entries) == 0 {
		return noCORS("the bucket has no CORS configuration")
	}
	method := req.Method
	if acrm, ok := req.Header.Get("Access-Control-Request-Method"); ok && isPreflight {
		method = acrm
	}
	var trace []policy.Rule
	if !req.NoTrace {
		trace = make([]policy.Rule, 0, len(b.CORS.Entries))
	}
	start := 0
	if req.NoTrace {
		start = firstEntry(b.CORS.Entries, origin, method) // the switch below, without its trace
	}
	for i := start; i < len(b.CORS.Entries); i++ {
		e := &b.CORS.Entries[i]
		t := policy.Rule{Index: i, Path: e.Path}
		switch {
		case !matchAny(e.Origin, origin):
			t.Failed, t.Note = "origin", policy.Note{Case: caseOrigin, Args: [4]string{origin}, List: e.Origin}
		case !matchAny(e.Method, method):
			t.Failed, t.Note = "method", policy.Note{Case: caseMethod, Args: [4]string{method}, List: e.Method}
		default:
			t.Matched, t.Source = true, Source
			t.Note.Case = "origin and method match; requested headers are not part of GCS's selection"
		}
		if t.Matched && isPreflight {
			// The entry origin and method chose answers a preflight
			// without any CORS header when it lacks a requested header
			// in responseHeader: "the UploadServer returns a 200 OK
			// response to the preflight request, but all of the
			// Access-Control-[X] headers are missing" until
			// X-Requested-With was added (googleapis/nodejs-storage#1145,
			// a user's report the maintainer took up; the same of
			// Content-Type in GoogleCloudPlatform/magic-modules#12326).
			// Whether a later entry is tried is not known: none is.
			if acrh, ok := req.Header.Get("Access-Control-Request-Headers"); ok {
				if h, ok := refusedHeader(e.ResponseHeader, acrh); !ok {
					t.Matched, t.Source = false, ""
					t.Failed, t.Note = "headers", policy.Note{Case: caseHeaders, Args: [4]string{h}, List: e.ResponseHeader}
					if !req.NoTrace {
						trace = append(trace, t)
					}
					out := noCORS("entry " + strconv.Itoa(i+1) + " lacks the requested header " + h + " in responseHeader")
					out.Rules = trace
					return out
				}
			}
		}
		if !req.NoTrace {
			trace = append(trace, t)
		}
		if !t.Matched {
			continue
		}
		// "the response includes Access-Control-Allow-Origin = the
		// request's Origin value" (cross-origin doc), also for "*"
		// ([UNVERIFIED] for "*"); no Access-Control-Allow-Credentials and
		// no Vary ([UNVERIFIED]).
		if isPreflight {
			h := wire.NewList(req.Scratch, 5) // the fields below: lent, or one allocation
			h.Add("Access-Control-Allow-Origin", origin)
			// "responds with the values of the allowed HTTP methods and
			// headers" (cross-origin doc); the exact lists [UNVERIFIED].
			methods := method
			if !slices.Contains(e.Method, "*") {
				methods = wire.Joined(e.methods, e.Method, ", ")
			}
			h.Add("Access-Control-Allow-Methods", methods)
			if len(e.ResponseHeader) > 0 {
				h.Add("Access-Control-Allow-Headers", wire.Joined(e.responseHeaders, e.ResponseHeader, ", "))
			}
			if e.MaxAgeSeconds != nil {
				h.Add("Access-Control-Max-Age", e.maxAge.Of(*e.MaxAgeSeconds))
			}
			h.Add("Content-Length", "0")
			return policy.Outcome{Reply: policy.Reply{Status: 200, Header: h}, Rules: trace, Decision: policy.Note{Case: casePreflight, N: i}, Words: words{}}
		}
		app.Header.Set("Access-Control-Allow-Origin", origin)
		if len(e.ResponseHeader) > 0 {
			app.Header.Set("Access-Control-Expose-Headers", wire.Joined(e.responseHeaders, e.ResponseHeader, ", "))
		}
		return policy.Outcome{Reply: app, Rules: trace, Decision: policy.Note{Case: caseActual, N: i}, Words: words{}}
	}
	out := noCORS("no entry matches origin and method")
	out.Rules = trace
	return out
}

// firstEntry returns the index of the first of entries whose origin and
// method match, len(entries) when none does: a loop of its own, which
// the compiler keeps in registers.
func firstEntry(entries []Entry, origin, method string) int {
	for i := range entries {
		if e := &entries[i]; matchAny(e.Origin, origin) && matchAny(e.Method, method) {
			return i
		}
	}
	return len(entries)
}

// refusedHeader returns the first name of acrh (wire.HeaderNames:
// trimmed, lowercased, empty ones skipped) that list does not hold in
// any letter case, and false; or true when list holds them all or holds
// "*" (taken as any header, not yet checked against GCS).
func refusedHeader(list []string, acrh string) (string, bool) {
	if slices.Contains(list, "*") {
		return "", true
	}
	var room [16]string
	for _, name := range wire.AppendHeaderNames(room[:0], acrh) {
		if !slices.ContainsFunc(list, func(h string) bool { return strings.EqualFold(h, name) }) {
			return name, false
		}
	}
	return "", true
}

// matchAny: "*" matches anything; other values compare exactly. Partial
// wildcards are not documented and are taken literally ([UNVERIFIED]).
func matchAny(list []string, s string) bool {
	for _, x := range list {
		if x == "*" || x == s {
			return true
		}
	}
	return false
}

// The cases of GCS's notes (words).
const (
	caseOrigin           = "origin"
	caseMethod           = "method"
	caseHeaders          = "headers"
	casePreflight        = "preflight"
	caseActual           = "actual"
	caseRefusedPreflight = "refused-preflight"
	caseServed           = "served"
)

// words says GCS's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseOrigin:
		return "Origin " + strconv.Quote(n.Args[0]) + " is not in origin " + wire.QuoteList(n.List)
	case caseMethod:
		return "method " + n.Args[0] + " is not in method " + wire.QuoteList(n.List)
	case caseHeaders:
		return "the requested header " + strconv.Quote(n.Args[0]) + " is not in responseHeader " + wire.QuoteList(n.List) + ": GCS answers the preflight without any CORS header"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	switch n.Case {
	case casePreflight:
		return "preflight answered by entry " + strconv.Itoa(n.N+1)
	case caseActual:
		return "actual request matched entry " + strconv.Itoa(n.N+1) + ": CORS headers added"
	case caseRefusedPreflight:
		return n.Args[0] + ": preflight answered without CORS headers (its status not yet checked against GCS)"
	case caseServed:
		return n.Args[0] + ": served without CORS headers"
	}
	return ""
}
