package lambdaurl

import (
	"strconv"

	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// The cases of a function URL's notes (words).
const (
	caseNoCORS           = "no-cors"
	caseOrigin           = "origin"
	caseOriginAllowed    = "origin-allowed"
	casePreflight        = "preflight"
	casePreflightRefused = "preflight-refused"
	caseActual           = "actual"
	caseActualNone       = "actual-none"
)

// words says a function URL's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseOrigin:
		return "Origin " + strconv.Quote(n.Args[0]) + " is not in AllowOrigins " + wire.QuoteList(n.List)
	case caseOriginAllowed:
		return "Origin " + strconv.Quote(n.Args[0]) + " is allowed by AllowOrigins"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	switch n.Case {
	case caseNoCORS:
		return "the function URL has no CORS configuration: the function answers every request, OPTIONS included, and its own headers go out"
	case casePreflight:
		return "preflight answered by the function URL's CORS configuration; the function is not invoked (not yet checked against AWS)"
	case casePreflightRefused:
		return "preflight from " + strconv.Quote(n.Args[0]) + ", an origin not in AllowOrigins: answered without CORS headers (not yet checked against AWS), the function is not invoked"
	case caseActual:
		return "the function's reply, with the function URL's CORS headers in place of any the function sent"
	case caseActualNone:
		return n.Args[0] + ": the function's reply goes out with no CORS headers from the function URL"
	}
	return ""
}
