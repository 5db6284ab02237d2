package echocors

import (
	"strconv"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
)

// words says the notes in Echo's name.
var words = gohdr.Words{Lib: "Echo's CORS middleware"}

const howOrigin = "compared exactly; scheme://*.domain for subdomains; '*' and '?' as wildcards"

// Respond answers req as the first middleware does in front of app.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	m := &c.Middlewares[0]
	in := gohdr.Request(req)
	var h gohdr.Header
	r := policy.Rule{Index: 0, ID: "middleware." + m.Call, Path: "line " + strconv.Itoa(m.Line), Source: source}
	next := func() policy.Outcome {
		return policy.Outcome{Reply: gohdr.Reply(h, app), Rules: []policy.Rule{r}, Decision: policy.Note{Case: gohdr.CaseActual, N: app.Status, List: c.Notes}, Words: words}
	}
	if m.Skips {
		r.Failed, r.Note = "skipper", policy.Note{Case: "the Skipper skips the middleware"}
		return next()
	}
	preflight := req.Method == "OPTIONS"
	answer := func() policy.Outcome {
		return policy.Outcome{Reply: policy.Reply{Status: 204, Header: h.List()}, Rules: []policy.Rule{r}, Decision: policy.Note{Case: gohdr.CasePreflight, N: m.Line, M: 204, List: c.Notes}, Words: words}
	}
	h.Add("Vary", "Origin")
	origin := gohdr.Get(in, "Origin")
	allow := ""
	if origin != "" {
		allow = m.allowOrigin(origin)
	}
	switch {
	case origin == "":
		r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseNoOrigin}
	case allow == "":
		r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseOrigin, Args: [4]string{origin, m.Func, howOrigin}}
	}
	if r.Failed != "" {
		if preflight {
			return answer()
		}
		return next()
	}
	r.Matched, r.Note = true, policy.Note{Case: gohdr.CaseAllowed, Args: [4]string{origin}}
	h.Set("Access-Control-Allow-Origin", allow)
	if m.Credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if !preflight {
		if m.Exposed != "" {
			h.Set("Access-Control-Expose-Headers", m.Exposed)
		}
		return next()
	}
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	h.Set("Access-Control-Allow-Methods", m.Methods)
	if m.Headers != "" {
		h.Set("Access-Control-Allow-Headers", m.Headers)
	} else if acrh := gohdr.Get(in, "Access-Control-Request-Headers"); acrh != "" {
		h.Set("Access-Control-Allow-Headers", acrh)
	}
	switch {
	case m.MaxAge > 0:
		h.Set("Access-Control-Max-Age", strconv.FormatInt(m.MaxAge, 10))
	case m.MaxAge < 0:
		h.Set("Access-Control-Max-Age", "0")
	}
	return answer()
}
