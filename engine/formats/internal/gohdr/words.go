package gohdr

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// The cases of the Go middlewares' notes, shared by their formats' Words.
// A rule note's Args are the request's value, the origin function that
// decided (""), and how the library compares; List is the configured
// list. A decision's N is the middleware's line or the application's
// status, M the status sent, List the configuration's notes.
const (
	CaseNoOrigin    = "no-origin"
	CaseOrigin      = "origin-refused"
	CaseMethod      = "method-refused"
	CaseHeaders     = "headers-refused"
	CaseAllowed     = "allowed"
	CaseSameOrigin  = "same-origin"
	CasePreflight   = "preflight"
	CasePassthrough = "passthrough"
	CaseActual      = "actual"
	CaseForbidden   = "forbidden"
)

// Words says the notes of the middleware Lib ("rs/cors").
type Words struct{ Lib string }

// Rule says a rule's note.
func (w Words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case CaseNoOrigin:
		return "no Origin header: " + w.Lib + " adds no CORS header"
	case CaseOrigin:
		if n.Args[1] != "" {
			return n.Args[1] + " refuses " + strconv.Quote(n.Args[0])
		}
		return strconv.Quote(n.Args[0]) + " is not an allowed origin (" + n.Args[2] + ")"
	case CaseMethod:
		return "method " + strconv.Quote(n.Args[0]) + " is not in [" + strings.Join(n.List, ", ") + "] (" + n.Args[2] + "): no CORS header"
	case CaseHeaders:
		return "requested headers " + strconv.Quote(n.Args[0]) + " are refused by [" + strings.Join(n.List, ", ") + "] (" + n.Args[2] + "): no CORS header"
	case CaseAllowed:
		return strconv.Quote(n.Args[0]) + " allowed"
	case CaseSameOrigin:
		return strconv.Quote(n.Args[0]) + " is the request's own host: " + w.Lib + " adds no CORS header"
	}
	return ""
}

// Decision says an outcome's decision.
func (w Words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case CasePreflight:
		s = "preflight answered by " + w.Lib + " (line " + strconv.Itoa(n.N) + ") with " + strconv.Itoa(n.M)
	case CasePassthrough:
		s = "preflight headers set by " + w.Lib + " (line " + strconv.Itoa(n.N) + "); the application answered " + strconv.Itoa(n.M)
	case CaseActual:
		s = w.Lib + " passed the request on; the application answered " + strconv.Itoa(n.N)
	case CaseForbidden:
		s = w.Lib + " (line " + strconv.Itoa(n.N) + ") refused the origin with " + strconv.Itoa(n.M) + "; the application did not run"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
