package rscors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
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
			r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseNoOrigin}
		case !m.originAllowed(origin):
			r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseOrigin, Args: [4]string{origin, m.Func, howOrigin}}
		case !m.methodAllowed(acrm):
			r.Failed, r.Note = "method", policy.Note{Case: gohdr.CaseMethod, Args: [4]string{acrm, "", howMethod}, List: m.Methods}
		case found && !m.AnyHeader && !m.headers.accepts(acrh):
			r.Failed, r.Note = "headers", policy.Note{Case: gohdr.CaseHeaders, Args: [4]string{strings.Join(acrh, ", "), "", howHeaders}, List: m.Headers}
		default:
			r.Matched, r.Note = true, policy.Note{Case: gohdr.CaseAllowed, Args: [4]string{origin}}
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
		out := policy.Outcome{Rules: []policy.Rule{r}, Words: words}
		if m.Passthrough {
			out.Reply = gohdr.Reply(h, app)
			out.Decision = policy.Note{Case: gohdr.CasePassthrough, N: m.Line, M: app.Status, List: c.Notes}
		} else {
			out.Reply = policy.Reply{Status: m.OptionsCode, Header: h.List()}
			out.Decision = policy.Note{Case: gohdr.CasePreflight, N: m.Line, M: m.OptionsCode, List: c.Notes}
		}
		return out
	}
	h.Add("Vary", "Origin")
	switch {
	case origin == "":
		r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseNoOrigin}
	case !m.originAllowed(origin):
		r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseOrigin, Args: [4]string{origin, m.Func, howOrigin}}
	case !m.methodAllowed(req.Method):
		r.Failed, r.Note = "method", policy.Note{Case: gohdr.CaseMethod, Args: [4]string{req.Method, "", howMethod}, List: m.Methods}
	default:
		r.Matched, r.Note = true, policy.Note{Case: gohdr.CaseAllowed, Args: [4]string{origin}}
		m.allowOrigin(&h, in)
		if m.Exposed != "" {
			h.Set("Access-Control-Expose-Headers", m.Exposed)
		}
		if m.Credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	return policy.Outcome{Reply: gohdr.Reply(h, app), Rules: []policy.Rule{r}, Decision: policy.Note{Case: gohdr.CaseActual, N: app.Status, List: c.Notes}, Words: words}
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

// words says the notes in rs/cors's name.
var words = gohdr.Words{Lib: "rs/cors"}

// How rs/cors compares, for the notes.
const (
	howOrigin  = "compared in lower case, one '*' a wildcard"
	howMethod  = "compared case-sensitively; OPTIONS always allowed"
	howHeaders = "lower-case, sorted, unique names of AllowedHeaders"
)
