package cloudfront

import (
	"strconv"

	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// The cases of CloudFront's notes (words).
const (
	caseNoCORS        = "no-cors"
	caseNotCORS       = "not-cors"
	caseOrigin        = "origin"
	caseOriginAllowed = "origin-allowed"
	caseOriginRefused = "origin-refused"
	casePreflight     = "preflight"
	caseActual        = "actual"
)

// words says CloudFront's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseOrigin:
		return "Origin " + strconv.Quote(n.Args[0]) + " is not in AccessControlAllowOrigins " + wire.QuoteList(n.List)
	case caseOriginAllowed:
		return "Origin " + strconv.Quote(n.Args[0]) + " is allowed by AccessControlAllowOrigins"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	kept := ""
	if n.N > 0 {
		kept = "; OriginOverride is false, so " + strconv.Itoa(n.N) + " CORS header(s) the origin sent were kept in place of the policy's"
	}
	switch n.Case {
	case caseNoCORS:
		return "the response headers policy has no CORS settings: the origin's reply goes out as it is"
	case caseNotCORS:
		return "no Origin header: not a CORS request, CloudFront adds no CORS headers"
	case caseOriginRefused:
		return "Origin " + strconv.Quote(n.Args[0]) + " is not in AccessControlAllowOrigins: CloudFront adds no Access-Control-Allow-Origin to the origin's reply (not yet checked against CloudFront)" + kept
	case casePreflight:
		return "preflight passed to the origin (not yet checked against CloudFront); CloudFront added the policy's preflight headers to the origin's reply" + kept
	case caseActual:
		return "CloudFront added the policy's CORS headers to the origin's reply" + kept
	}
	return ""
}
