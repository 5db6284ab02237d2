// Package azure reads Azure Storage (Blob service) CORS rules and answers
// requests as the Azure Storage services document it
// (shared/reference/cloud-policies.md §4). Its formats:
//
//	azure-xml   Set Blob Service Properties XML: <Cors><CorsRule> with
//	            comma-separated AllowedOrigins, AllowedMethods,
//	            AllowedHeaders, ExposedHeaders and MaxAgeInSeconds, alone
//	            or inside <StorageServiceProperties>
//	azure-json  the ARM / Bicep / az CLI JSON: "corsRules": [{allowedOrigins,
//	            allowedMethods, allowedHeaders, exposedHeaders,
//	            maxAgeInSeconds}], alone, under "cors", or under
//	            "properties"."cors"
//
// Evaluation differs from S3's: the first rule whose origin and method
// match is selected and no further rule is tried; if the requested headers
// are not allowed by that rule the request fails (no fall-through, the
// documentation's worked example).
//
// Formats returns the values engine/all lists. Both forms read into the
// neutral model (ReadRules, rules.go) and their own (ReadModel), edit the
// user's text (EditText, FileName, edit.go) and name Azure (Platform,
// Doc); azure-xml, the request body the service takes, is also the one
// conversion writes (WriteRules, write.go; WriteModel). The interfaces
// are listed with where they are defined in engine/platform/gcs's
// package doc.
package azure

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// Limits from the Azure CORS documentation (cloud-policies.md §4).
const (
	MaxRules       = 5
	MaxValueLen    = 256 // each allowed or exposed header, and each origin
	MaxLiteral     = 64  // literal headers per list
	MaxPrefixed    = 2   // prefixed headers (x-ms-meta-*) per list
	errNodeValue   = "InvalidXmlNodeValue"
	errDocument    = "InvalidXmlDocument"
	msgNodeValue   = "The value for one of the XML nodes is not in the correct format."
	msgXMLDocument = "XML specified is not syntactically valid."
)

// methods Azure accepts in AllowedMethods (cloud-policies.md §4; PATCH is
// accepted by newer API versions, [UNVERIFIED]).
var methods = []string{"DELETE", "GET", "HEAD", "MERGE", "POST", "OPTIONS", "PUT", "PATCH"}

// Configuration is one storage service's CORS rules, in order.
type Configuration struct {
	Rules []Rule
	// root is the JSON form's tree as read, so that its rules are placed
	// without reading the text again (StateRules); nil for XML.
	root *jsonpos.Value
	// cli: read from `az storage cors list`'s output, whose lists are
	// comma-separated strings.
	cli bool
}

// Rule is one CorsRule. Lists hold the comma-separated items of the XML
// form, trimmed.
type Rule struct {
	AllowedOrigins  []string
	AllowedMethods  []string
	AllowedHeaders  []string
	ExposedHeaders  []string
	MaxAgeInSeconds int
	// Path, Line and Column locate the rule in the text it was read from.
	Path         string
	Line, Column int

	// maxAge is MaxAgeInSeconds in decimal, written once by Parse; a rule
	// built or changed by hand writes its own per reply (wire.Decimal).
	maxAge wire.Decimal
	// at places each field read, by its XML element name, so that a
	// value of a comma-separated list is placed at its element.
	at map[string]where
}

// Source is cited on every trace entry.
const Source = "shared/reference/cloud-policies.md §4 (Azure CORS doc: first rule matching origin and method is selected, no fall-through)"

// Service answers requests as an Azure storage service with CORS rules
// CORS (nil or no rules: CORS disabled). It implements policy.Evaluator.
type Service struct {
	CORS *Configuration
}

// Respond implements policy.Evaluator.
func (s Service) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	origin, hasOrigin := req.Header.Get("Origin")
	enabled := s.CORS != nil && len(s.CORS.Rules) > 0
	if req.Method == "OPTIONS" {
		return s.preflight(req, origin, hasOrigin, enabled)
	}
	reply := app
	reply.Header = app.Header.Clone()
	getHead := req.Method == "GET" || req.Method == "HEAD"
	// The documentation's Vary table covers GET and HEAD only; other
	// methods never get Vary.
	varyOrigin := func() {
		if getHead {
			reply.Header.Set("Vary", "Origin")
		}
	}
	if !enabled {
		return policy.Outcome{Reply: reply, Decision: policy.Note{Case: "CORS is not enabled for the service: no CORS headers"}}
	}
	if !hasOrigin {
		// The Vary table lists "Vary: Origin" for requests without Origin
		// when rules exist.
		varyOrigin()
		return policy.Outcome{Reply: reply, Decision: policy.Note{Case: "no Origin header: not a CORS request"}}
	}
	i, viaStar, trace := s.selectRule(origin, req.Method, req.NoTrace)
	if i < 0 {
		varyOrigin()
		return policy.Outcome{Reply: reply, Rules: trace, Decision: policy.Note{Case: "no rule matches origin and method: served without CORS headers"}, Words: words{}}
	}
	r := &s.CORS.Rules[i]
	if viaStar {
		// Matched a "*" rule: ACAO *, exposed headers, no Vary (Vary table).
		reply.Header.Set("Access-Control-Allow-Origin", "*")
	} else {
		reply.Header.Set("Access-Control-Allow-Origin", origin)
		// ACAC true with an echoed origin: Azurite, [UNVERIFIED] for Azure.
		reply.Header.Set("Access-Control-Allow-Credentials", "true")
		varyOrigin()
	}
	if eh := r.exposed(app.Header); eh != "" {
		reply.Header.Set("Access-Control-Expose-Headers", eh)
	}
	if len(trace) > 0 {
		trace[len(trace)-1].Note.Case = caseSelectedActual
	}
	return policy.Outcome{Reply: reply, Rules: trace, Decision: policy.Note{Case: caseActual, N: i}, Words: words{}}
}

func (s Service) preflight(req policy.Request, origin string, hasOrigin, enabled bool) policy.Outcome {
	acrm, hasACRM := req.Header.Get("Access-Control-Request-Method")
	if !hasOrigin || !hasACRM {
		// "missing Origin or ACRM -> 400"; code and message as Azurite's [EMU].
		return policy.Outcome{Reply: errorReply(400, "InvalidHeaderValue", "A required CORS header is not present."), Decision: policy.Note{Case: "preflight without Origin or Access-Control-Request-Method: 400"}}
	}
	refuse := func(trace []policy.Rule, why policy.Note) policy.Outcome {
		// "CORS disabled or no match -> 403"; code and message Azurite's [EMU].
		return policy.Outcome{Reply: errorReply(403, "CorsPreflightFailure", "CORS not enabled or no matching rule found for this request."), Rules: trace, Decision: why, Words: words{}}
	}
	if !enabled {
		return refuse(nil, policy.Note{Case: "CORS is not enabled for the service: 403"})
	}
	i, _, trace := s.selectRule(origin, acrm, req.NoTrace)
	if i < 0 {
		return refuse(trace, policy.Note{Case: "no rule matches origin and method: 403"})
	}
	r := &s.CORS.Rules[i]
	acrh, hasACRH := req.Header.Get("Access-Control-Request-Headers")
	if h, ok := refusedHeader(r, acrh); !ok {
		if len(trace) > 0 {
			t := &trace[len(trace)-1]
			t.Matched, t.Failed = false, "headers"
			t.Note = policy.Note{Case: caseHeader, Args: [4]string{h}, List: r.AllowedHeaders}
		}
		return refuse(trace, policy.Note{Case: caseRefusesHeader, N: i})
	}
	// The preflight reply's values follow Azurite (ACAO echoed even for
	// "*", ACAM the requested method, ACAH the request's list as sent,
	// ACAC true); Azure's own are [UNVERIFIED] (§4, §9 item 4).
	h := wire.NewList(req.Scratch, 6) // the fields below: lent, or one allocation
	h.Add("Access-Control-Allow-Origin", origin)
	h.Add("Access-Control-Allow-Methods", acrm)
	if hasACRH && acrh != "" {
		h.Add("Access-Control-Allow-Headers", acrh)
	}
	h.Add("Access-Control-Max-Age", r.maxAge.Of(r.MaxAgeInSeconds))
	h.Add("Access-Control-Allow-Credentials", "true")
	h.Add("Content-Length", "0")
	return policy.Outcome{Reply: policy.Reply{Status: 200, Header: h}, Rules: trace, Decision: policy.Note{Case: casePreflight, N: i}, Words: words{}}
}

// selectRule returns the first rule matching origin and method (origin
// checked first, then method, as the documentation orders them), whether
// its origin matched through "*", and the trace up to it (nil when
// noTrace: policy.Request.NoTrace).
func (s Service) selectRule(origin, method string, noTrace bool) (int, bool, []policy.Rule) {
	if noTrace {
		return firstRule(s.CORS.Rules, origin, method)
	}
	trace := make([]policy.Rule, 0, len(s.CORS.Rules))
	for i := range s.CORS.Rules {
		r := &s.CORS.Rules[i]
		literal, star := r.matchOrigin(origin)
		t := policy.Rule{Index: i, Path: r.Path}
		switch {
		case !literal && !star:
			t.Failed, t.Note = "origin", policy.Note{Case: caseOrigin, Args: [4]string{origin}, List: r.AllowedOrigins}
		case !slices.Contains(r.AllowedMethods, method):
			t.Failed, t.Note = "method", policy.Note{Case: caseMethod, Args: [4]string{method}, List: r.AllowedMethods}
		default:
			t.Matched, t.Source, t.Note.Case = true, Source, caseSelected
			trace = append(trace, t)
			return i, !literal, trace
		}
		trace = append(trace, t)
	}
	return -1, false, trace
}

// firstRule is selectRule without its trace: a loop of its own, which
// the compiler keeps in registers.
func firstRule(rules []Rule, origin, method string) (int, bool, []policy.Rule) {
	for i := range rules {
		r := &rules[i]
		if literal, star := r.matchOrigin(origin); (literal || star) && slices.Contains(r.AllowedMethods, method) {
			return i, !literal, nil
		}
	}
	return -1, false, nil
}

// matchOrigin: "an exact case-sensitive match… or *" (§4). Subdomain
// wildcards such as "*.contoso.com" are Azurite's; Azure's support is
// [UNVERIFIED], so they are compared literally here.
func (r *Rule) matchOrigin(origin string) (literal, star bool) {
	for _, o := range r.AllowedOrigins {
		if o == origin {
			literal = true
		}
		if o == "*" {
			star = true
		}
	}
	return literal, star
}

// allowsHeader: "*", a prefix such as "x-ms-meta-*", or a literal name,
// compared case-insensitively (§0 item 8).
func (r *Rule) allowsHeader(h string) bool {
	for _, a := range r.AllowedHeaders {
		a = strings.ToLower(a)
		if a == "*" || a == h || strings.HasSuffix(a, "*") && strings.HasPrefix(h, a[:len(a)-1]) {
			return true
		}
	}
	return false
}

// exposed lists the exposed headers: literal names as configured, and
// prefixed ones expanded against the response's header names (Azurite's
// behaviour; Azure's [UNVERIFIED]).
func (r *Rule) exposed(resp headers.List) string {
	var out []string
	for _, e := range r.ExposedHeaders {
		if !strings.HasSuffix(e, "*") {
			out = append(out, e)
			continue
		}
		p := strings.ToLower(e[:len(e)-1])
		for _, f := range resp {
			if strings.HasPrefix(strings.ToLower(f.Name), p) {
				out = append(out, f.Name)
			}
		}
	}
	return strings.Join(out, ",")
}

func errorReply(status int, code, msg string) policy.Reply {
	return policy.Reply{Status: status, Header: headers.List{{Name: "Content-Type", Value: "application/xml"}},
		Body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>` + code + `</Code><Message>` + msg + "\nRequestId:whycors-simulated</Message></Error>"}
}

// refusedHeader returns the first name of acrh (its comma-separated
// items, trimmed, lowercased, empty ones skipped) that r does not allow,
// and false; or true when r allows them all. It walks acrh in place,
// allocating only for a name with capitals.
func refusedHeader(r *Rule, acrh string) (string, bool) {
	for {
		p, rest, more := strings.Cut(acrh, ",")
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" && !r.allowsHeader(p) {
			return p, false
		}
		if !more {
			return "", true
		}
		acrh = rest
	}
}

// The cases of Azure's notes (words).
const (
	caseOrigin         = "origin"
	caseMethod         = "method"
	caseHeader         = "header"
	caseSelected       = "origin and method match: rule selected"
	caseSelectedActual = "selected-actual"
	caseRefusesHeader  = "refuses-header"
	casePreflight      = "preflight"
	caseActual         = "actual"
)

// words says Azure's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseOrigin:
		return "Origin " + strconv.Quote(n.Args[0]) + " is not in AllowedOrigins " + strings.Join(n.List, ",") + " (exact, case-sensitive match or *)"
	case caseMethod:
		return "method " + n.Args[0] + " is not in AllowedMethods " + strings.Join(n.List, ",")
	case caseHeader:
		return "rule selected by origin and method, but requested header " + strconv.Quote(n.Args[0]) + " is not in AllowedHeaders " + strings.Join(n.List, ",") + "; Azure does not try later rules"
	case caseSelectedActual:
		return caseSelected + "; requested headers of an actual request are not checked (not yet checked against Azure)"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	switch n.Case {
	case caseRefusesHeader:
		return "rule " + strconv.Itoa(n.N+1) + " was selected and refuses a requested header (no fall-through): 403"
	case casePreflight:
		return "preflight answered by rule " + strconv.Itoa(n.N+1)
	case caseActual:
		return "actual request matched rule " + strconv.Itoa(n.N+1) + ": CORS headers added"
	}
	return ""
}
