package gincors

import (
	"strconv"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
)

// words says the notes in gin-contrib/cors's name.
var words = gohdr.Words{Lib: "gin-contrib/cors"}

const howOrigin = "compared exactly with the entries lower-cased; /.../ a regular expression; '*' a wildcard only with AllowWildcard: 403"

// Respond answers req as the first middleware does in front of app.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	m := &c.Middlewares[0]
	in := gohdr.Request(req)
	r := policy.Rule{Index: 0, ID: "cors." + m.Call, Path: "line " + strconv.Itoa(m.Line), Source: source}
	origin := gohdr.Get(in, "Origin")
	host := gohdr.Get(in, "Host")
	if host == "" {
		host = gohdr.Host(req.URL)
	}
	actual := func(h gohdr.Header) policy.Outcome {
		return policy.Outcome{Reply: gohdr.Reply(h, app), Rules: []policy.Rule{r}, Decision: policy.Note{Case: gohdr.CaseActual, N: app.Status, List: c.Notes}, Words: words}
	}
	switch {
	case origin == "":
		r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseNoOrigin}
		return actual(gohdr.Header{})
	case origin == "http://"+host || origin == "https://"+host:
		r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseSameOrigin, Args: [4]string{origin}}
		return actual(gohdr.Header{})
	}
	ok, fn := m.originValid(origin)
	if !ok {
		r.Failed, r.Note = "origin", policy.Note{Case: gohdr.CaseOrigin, Args: [4]string{origin, fn, howOrigin}}
		return policy.Outcome{Reply: policy.Reply{Status: 403}, Rules: []policy.Rule{r}, Decision: policy.Note{Case: gohdr.CaseForbidden, N: m.Line, M: 403, List: c.Notes}, Words: words}
	}
	r.Matched, r.Note = true, policy.Note{Case: gohdr.CaseAllowed, Args: [4]string{origin}}
	h := m.normal
	if req.Method == "OPTIONS" {
		h = m.preflight
	}
	var out gohdr.Header
	for _, f := range h.List() {
		out.Add(f.Name, f.Value)
	}
	if !m.AnyOrigin {
		out.Set("Access-Control-Allow-Origin", origin)
	}
	if req.Method == "OPTIONS" {
		return policy.Outcome{Reply: policy.Reply{Status: m.OptionsCode, Header: out.List()}, Rules: []policy.Rule{r}, Decision: policy.Note{Case: gohdr.CasePreflight, N: m.Line, M: m.OptionsCode, List: c.Notes}, Words: words}
	}
	return actual(out)
}
