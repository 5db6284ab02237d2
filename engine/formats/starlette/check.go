package starlette

import (
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/portable"
)

// CheckText lists the traps Starlette's CORSMiddleware is known for that
// no rule model shows (lint.TextChecker).
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	for i := range c.Middlewares {
		mw := &c.Middlewares[i]
		at := portable.Pos{Line: mw.Line, Column: mw.Column}
		if mw.allOrigins && mw.Credentials {
			p := at
			if s, ok := mw.At["allow_origins"]; ok {
				p = portable.Pos{Line: s.Line, Column: s.Column}
			}
			out = append(out, portable.Finding{Severity: "error", Code: "wildcard-with-credentials",
				Message: "allow_origins=[\"*\"] with allow_credentials=True: preflights echo the origin, but a request without a Cookie header gets Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true, which the browser rejects for a credentialed fetch; list the origins instead (starlette/middleware/cors.py 0.26.1, send)",
				Pos:     p})
		}
		out = append(out, portable.Finding{Severity: "info", Code: "server-error-without-cors",
			Message: "an unhandled exception in the app is answered by ServerErrorMiddleware, which sits outside CORSMiddleware: the 500 has no Access-Control-Allow-Origin, so the browser reports a CORS error instead of the 500; look at the server log, or return the error with an exception handler (starlette/applications.py build_middleware_stack)",
			Pos:     at})
	}
	return out
}

// Traps implements advise.Trapper: the same traps, for the explainer's
// warnings.
func (f *Format) Traps(text string, _ headers.List) []portable.Finding { return f.CheckText(text) }
