package chicors

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
	_, hasOrigin := in["Origin"]
	origin := gohdr.Get(in, "Origin")
	acrm := gohdr.Get(in, "Access-Control-Request-Method")
	if req.Method == "OPTIONS" && acrm != "" && hasOrigin {
		h.Add("Vary", "Origin")
		h.Add("Vary", "Access-Control-Request-Method")
		h.Add("Vary", "Access-Control-Request-Headers")
		names := parseHeaderList(gohdr.Get(in, "Access-Control-Request-Headers"))
		switch {
		case !m.originAllowed(origin):
			r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseOrigin, Args: [4]string{origin, m.Func, howOrigin}}
		case !m.methodAllowed(acrm):
			r.Failed, r.Note = "method", policy.Note{Case: gohdr.CaseMethod, Args: [4]string{acrm, "", howMethod}, List: m.Methods}
		case !m.headersAllowed(names):
			r.Failed, r.Note = "headers", policy.Note{Case: gohdr.CaseHeaders, Args: [4]string{strings.Join(names, ", "), "", howHeaders}, List: m.Headers}
		default:
			r.Matched, r.Note = true, policy.Note{Case: gohdr.CaseAllowed, Args: [4]string{origin}}
			m.allowOrigin(&h, origin)
			h.Set("Access-Control-Allow-Methods", strings.ToUpper(acrm))
			if len(names) > 0 {
				h.Set("Access-Control-Allow-Headers", strings.Join(names, ", "))
			}
			if m.Credentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			if m.MaxAge > 0 {
				h.Set("Access-Control-Max-Age", strconv.FormatInt(m.MaxAge, 10))
			}
		}
		out := policy.Outcome{Rules: []policy.Rule{r}, Words: words}
		if m.Passthrough {
			out.Reply = gohdr.Reply(h, app)
			out.Decision = policy.Note{Case: gohdr.CasePassthrough, N: m.Line, M: app.Status, List: c.Notes}
		} else {
			out.Reply = policy.Reply{Status: 200, Header: h.List()}
			out.Decision = policy.Note{Case: gohdr.CasePreflight, N: m.Line, M: 200, List: c.Notes}
		}
		return out
	}
	h.Add("Vary", "Origin")
	switch {
	case !hasOrigin:
		r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseNoOrigin}
	case !m.originAllowed(origin):
		r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseOrigin, Args: [4]string{origin, m.Func, howOrigin}}
	case !m.methodAllowed(req.Method):
		r.Failed, r.Note = "method", policy.Note{Case: gohdr.CaseMethod, Args: [4]string{req.Method, "", howMethod}, List: m.Methods}
	default:
		r.Matched, r.Note = true, policy.Note{Case: gohdr.CaseAllowed, Args: [4]string{origin}}
		m.allowOrigin(&h, origin)
		if m.Exposed != "" {
			h.Set("Access-Control-Expose-Headers", m.Exposed)
		}
		if m.Credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	return policy.Outcome{Reply: gohdr.Reply(h, app), Rules: []policy.Rule{r}, Decision: policy.Note{Case: gohdr.CaseActual, N: app.Status, List: c.Notes}, Words: words}
}

// allowOrigin sets Access-Control-Allow-Origin: "*" when every origin
// is allowed (an origin function decides, but "*" listed still sends
// "*"), else the request's Origin.
func (m *Middleware) allowOrigin(h *gohdr.Header, origin string) {
	if m.AnyOrigin || m.Func != "" && m.origins.Any && len(m.opts.Strings("AllowedOrigins")) > 0 {
		h.Set("Access-Control-Allow-Origin", "*")
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
}

// words says the notes in go-chi/cors's name.
var words = gohdr.Words{Lib: "go-chi/cors"}

// How go-chi/cors compares, for the notes.
const (
	howOrigin  = "compared in lower case, one '*' a wildcard"
	howMethod  = "upper-cased; OPTIONS always allowed"
	howHeaders = "canonical names of AllowedHeaders plus Origin"
)
