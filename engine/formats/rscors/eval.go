package rscors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
)

// The cases of rs/cors's notes (words).
const (
	caseNoOrigin    = "no-origin"
	caseOrigin      = "origin-refused"
	caseMethod      = "method-refused"
	caseHeaders     = "headers-refused"
	caseAllowed     = "allowed"
	casePreflight   = "preflight"
	casePassthrough = "passthrough"
	caseActual      = "actual"
)

// Respond answers req as the first middleware's Handler(app) does.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	m := &c.Middlewares[0]
	in := gohdr.Request(req)
	var h gohdr.Header
	r := policy.Rule{Index: 0, ID: "cors." + m.Call, Path: "line " + strconv.Itoa(m.Line), Source: source}
	origin := gohdr.Get(in, "Origin")
	preflight := req.Method == "OPTIONS" && gohdr.Get(in, "Access-Control-Request-Method") != ""
	if preflight {
		vary := "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
		if m.PrivateNet {
			vary += ", Access-Control-Request-Private-Network"
		}
		h.Add("Vary", vary)
		acrm := gohdr.Get(in, "Access-Control-Request-Method")
		acrh, found := in["Access-Control-Request-Headers"]
		switch {
		case origin == "":
			r.Failed, r.Note = "origin", policy.Note{Case: caseNoOrigin}
		case !m.originAllowed(origin):
			r.Failed, r.Note = "origin", policy.Note{Case: caseOrigin, Args: [4]string{origin, m.Func}}
		case !m.methodAllowed(acrm):
			r.Failed, r.Note = "method", policy.Note{Case: caseMethod, Args: [4]string{acrm}, List: m.Methods}
		case found && !m.AnyHeader && !m.headers.accepts(acrh):
			r.Failed, r.Note = "headers", policy.Note{Case: caseHeaders, Args: [4]string{strings.Join(acrh, ", ")}, List: m.Headers}
		default:
			r.Matched, r.Note = true, policy.Note{Case: caseAllowed, Args: [4]string{origin}}
			m.allowOrigin(&h, in)
			h.Assign("Access-Control-Allow-Methods", in["Access-Control-Request-Method"])
			if found && acrh[0] != "" {
				h.Assign("Access-Control-Allow-Headers", acrh)
			}
			if m.Credentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			if m.PrivateNet && gohdr.Get(in, "Access-Control-Request-Private-Network") == "true" {
				h.Set("Access-Control-Allow-Private-Network", "true")
			}
			if m.MaxAge != "" {
				h.Set("Access-Control-Max-Age", m.MaxAge)
			}
		}
		out := policy.Outcome{Rules: []policy.Rule{r}, Words: words{}}
		if m.Passthrough {
			out.Reply = gohdr.Reply(h, app)
			out.Decision = policy.Note{Case: casePassthrough, N: m.Line, M: app.Status, List: c.Notes}
		} else {
			out.Reply = policy.Reply{Status: m.OptionsCode, Header: h.List()}
			out.Decision = policy.Note{Case: casePreflight, N: m.Line, M: m.OptionsCode, List: c.Notes}
		}
		return out
	}
	h.Add("Vary", "Origin")
	switch {
	case origin == "":
		r.Failed, r.Note = "origin", policy.Note{Case: caseNoOrigin}
	case !m.originAllowed(origin):
		r.Failed, r.Note = "origin", policy.Note{Case: caseOrigin, Args: [4]string{origin, m.Func}}
	case !m.methodAllowed(req.Method):
		r.Failed, r.Note = "method", policy.Note{Case: caseMethod, Args: [4]string{req.Method}, List: m.Methods}
	default:
		r.Matched, r.Note = true, policy.Note{Case: caseAllowed, Args: [4]string{origin}}
		m.allowOrigin(&h, in)
		if m.Exposed != "" {
			h.Set("Access-Control-Expose-Headers", m.Exposed)
		}
		if m.Credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	return policy.Outcome{Reply: gohdr.Reply(h, app), Rules: []policy.Rule{r}, Decision: policy.Note{Case: caseActual, N: app.Status, List: c.Notes}, Words: words{}}
}

// allowOrigin sets Access-Control-Allow-Origin: "*" when every origin is
// allowed, else every Origin value of the request.
func (m *Middleware) allowOrigin(h *gohdr.Header, in map[string][]string) {
	if m.AnyOrigin && m.Func == "" {
		h.Set("Access-Control-Allow-Origin", "*")
		return
	}
	h.Assign("Access-Control-Allow-Origin", in["Origin"])
}

// words says rs/cors's notes.
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseNoOrigin:
		return "no Origin header: rs/cors adds no CORS header"
	case caseOrigin:
		if n.Args[1] != "" {
			return n.Args[1] + " refuses " + strconv.Quote(n.Args[0])
		}
		return strconv.Quote(n.Args[0]) + " is not in AllowedOrigins (compared in lower case, one '*' a wildcard): no CORS header"
	case caseMethod:
		return "method " + strconv.Quote(n.Args[0]) + " is not in AllowedMethods [" + strings.Join(n.List, ", ") + "] (compared case-sensitively): no CORS header"
	case caseHeaders:
		return "requested headers " + strconv.Quote(n.Args[0]) + " are not all in AllowedHeaders [" + strings.Join(n.List, ", ") + "], or not lower-case, sorted and unique: no CORS header"
	case caseAllowed:
		return strconv.Quote(n.Args[0]) + " allowed"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case casePreflight:
		s = "preflight answered by rs/cors (line " + strconv.Itoa(n.N) + ") with " + strconv.Itoa(n.M)
	case casePassthrough:
		s = "preflight headers set by rs/cors (line " + strconv.Itoa(n.N) + "); OptionsPassthrough: the application answered " + strconv.Itoa(n.M)
	case caseActual:
		s = "rs/cors passed the request on; the application answered " + strconv.Itoa(n.N)
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
